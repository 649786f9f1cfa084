"""People and roles, and the guided unit change, in real Chromium at 1280 px and 375 px (issue 14).

1. The district office (vanphong) creates a commune officer for Xã Tân Lập, resets the
   password; the officer logs in with the temporary password, is made to change it, then
   enters a figure and saves the draft.
2. The office tries to give a role on the province (outside its scope): refused, nothing written.
3. The administrator records a merger through the guided form: picks the units from the
   filtered list, is told the suffixed code is taken (no "-2025-2025"), sees the preview
   of the tree and what moves, confirms, and moves the ended commune's role to the successor.
"""

import pytest
from playwright.sync_api import expect

SIZES = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 375, "height": 812}}
NEW_PASSWORD = "tan-lap-bao-cao-2025"


def _shot(page, screenshot, name, size):
    # Viewport screenshots on the phone: a full-page one resizes the page for a moment.
    return screenshot(f"{name}-{SIZES[size]['width']}", full_page=size == "desktop")


def _submit(page, name):
    with page.expect_navigation():
        page.get_by_role("button", name=name, exact=True).click()


def _fits(page, size):
    assert page.evaluate("document.documentElement.scrollWidth") <= SIZES[size]["width"]


@pytest.mark.parametrize("size", list(SIZES))
def test_office_creates_an_officer_who_changes_the_password_and_enters_figures(
    page, login, demo_server, screenshot, size
):
    page.set_viewport_size(SIZES[size])
    login("vanphong")
    if size == "desktop":
        page.get_by_role("link", name="Người dùng", exact=True).click()
    else:
        page.goto(f"{demo_server.url}/people/")
    expect(page.locator("h1")).to_have_text("Người dùng và phân quyền")
    page.get_by_role("link", name="Thêm tài khoản").click()
    page.fill("input[name=username]", "congan.tanlap")
    page.fill("input[name=full_name]", "Công an xã Tân Lập")
    page.fill("input[name=unit]", "06917 — Xã Tân Lập")
    page.select_option("select[name=role]", "entry")
    _submit(page, "Tạo tài khoản")
    expect(page.locator(".alert-success")).to_contain_text("Đã tạo tài khoản congan.tanlap.")
    expect(page.locator("#role-list")).to_contain_text("Nhập số liệu — Xã Tân Lập (06917)")
    first = page.locator("#temporary-password").inner_text()
    _fits(page, size)
    _shot(page, screenshot, "people-1-created", size)

    _submit(page, "Đặt lại mật khẩu")
    password = page.locator("#temporary-password").inner_text()
    assert password != first and len(password) == 19
    expect(page.locator("#account-history")).to_contain_text("vanphong · Đặt lại mật khẩu (mật khẩu tạm thời)")
    _shot(page, screenshot, "people-2-reset", size)

    page.context.clear_cookies()
    login("congan.tanlap", password)
    expect(page).to_have_url(f"{demo_server.url}/accounts/password_change/")
    expect(page.locator(".alert-warning")).to_contain_text("Mật khẩu của bạn là mật khẩu tạm thời.")
    page.goto(f"{demo_server.url}/entry/06917/2024-H2/")  # nothing else until it is changed
    expect(page).to_have_url(f"{demo_server.url}/accounts/password_change/")
    page.wait_for_load_state("networkidle")
    page.reload()  # once, however many requests were sent back meanwhile
    expect(page.locator(".alert-warning")).to_have_count(1)
    expect(page.locator(".alert-warning")).to_have_text(
        "Mật khẩu của bạn là mật khẩu tạm thời. Hãy đặt mật khẩu mới trước khi tiếp tục."
    )
    _shot(page, screenshot, "people-3-forced-change", size)
    page.fill("input[name=old_password]", password)
    page.fill("input[name=new_password1]", NEW_PASSWORD)
    page.fill("input[name=new_password2]", NEW_PASSWORD)
    _submit(page, "Đổi mật khẩu")
    expect(page.locator("h1")).to_have_text("Đã đổi mật khẩu")

    page.get_by_role("link", name="Tiếp tục làm việc").click()
    expect(page).to_have_url(f"{demo_server.url}/entry/06917/2024-H2/")
    page.fill("input[name=v_TTXH_VU]", "1")
    _submit(page, "Lưu nháp")
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.locator("input[name=v_TTXH_VU]")).to_have_value("1")
    _fits(page, size)
    _shot(page, screenshot, "people-4-officer-enters", size)


@pytest.mark.parametrize("size", list(SIZES))
def test_a_role_outside_the_scope_is_refused(page, login, demo_server, screenshot, size):
    page.set_viewport_size(SIZES[size])
    login("vanphong")
    page.goto(f"{demo_server.url}/people/?q=congan.damha")
    page.get_by_role("link", name="congan.damha").click()
    form = page.locator("#role-form")
    form.locator("select[name=role]").select_option("view")
    form.locator("input[name=unit]").fill("22 — Tỉnh Quảng Ninh")
    _submit(page, "Giao quyền")
    expect(form.locator(".alert-danger")).to_have_text(
        "Không thể giao quyền tại Tỉnh Quảng Ninh: đơn vị này ngoài phạm vi quản lý của bạn."
    )
    expect(page.locator("#role-list li")).to_have_count(1)
    expect(page.locator("#role-list")).to_contain_text("Nhập số liệu — Xã Đầm Hà (06916)")
    _fits(page, size)
    _shot(page, screenshot, "people-5-refused", size)


@pytest.mark.parametrize("size", list(SIZES))
def test_admin_records_a_merger_with_a_preview(page, login, demo_server, screenshot, size):
    from django.contrib.auth import get_user_model

    from committees.models import AdministrativeUnit, UnitRole

    # The new commune's officer: the preview says the role stays behind, the result offers to move it.
    officer = get_user_model().objects.create_user("congan.xaquangtan", password="khong-dung-den-2025")
    UnitRole.objects.create(user=officer, unit=AdministrativeUnit.objects.get(code="06913-2025"), role="entry")
    page.set_viewport_size(SIZES[size])
    login("admin")
    page.goto(f"{demo_server.url}/units/change/")
    page.select_option("select[name=kind]", "merge")
    page.fill("input[name=effective_on]", "2026-01-01")
    page.fill("input[name=basis]", "Nghị quyết số 99/NQ-UBTVQH15 (minh họa)")
    page.get_by_label("Lọc theo tên hoặc mã").fill("quang tan")  # without accents
    expect(page.locator("#predecessor-list .form-check:visible")).to_have_count(1)  # units in force only
    page.get_by_label("Xã Quảng Tân (06913-2025) — Tỉnh Quảng Ninh").check()
    page.get_by_label("Lọc theo tên hoặc mã").fill("06895-2025")
    page.get_by_label("Xã Đầm Hà (06895-2025) — Tỉnh Quảng Ninh").check()
    page.fill("input[name=new_code]", "06913-2025")
    page.fill("input[name=new_unit_name]", "Xã Đầm Hà Quảng Tân")
    page.select_option("select[name=level]", "commune")
    page.fill("input[name=kind_label]", "xã")
    _submit(page, "Xem trước")
    errors = page.locator("#unit-change-form .alert-danger")
    expect(errors).to_contain_text(
        "Mã 06913-2025 đã được dùng. Đơn vị mới dùng lại mã cũ thì thêm hậu tố năm, ví dụ 06913-2026."
    )
    assert "2025-2025" not in page.content()

    page.fill("input[name=new_code]", "06913-2026")
    _submit(page, "Xem trước")
    preview = page.locator("#change-preview")
    expect(preview).to_contain_text("Xem trước: chưa ghi gì")
    expect(preview.locator(".unit-tree")).to_contain_text("Xã Đầm Hà Quảng Tân (06913-2026) mới")
    expect(preview).to_contain_text("congan.xaquangtan — Nhập số liệu — Xã Quảng Tân")
    _fits(page, size)
    _shot(page, screenshot, "units-1-preview", size)
    assert not AdministrativeUnit.objects.filter(code="06913-2026").exists()  # a preview writes nothing

    _submit(page, "Xác nhận ghi nhận")
    result = page.locator("#change-result")
    expect(result).to_contain_text("Xã Quảng Tân (06913-2025) → Xã Đầm Hà Quảng Tân (06913-2026) (01/01/2026)")
    expect(result).to_contain_text("Tài khoản congan.xaquangtan (Nhập số liệu) tại Xã Quảng Tân")
    _fits(page, size)
    _shot(page, screenshot, "units-2-recorded", size)

    # The offer to move the role to the successor, taken.
    page.get_by_role("link", name="Chuyển quyền tại Xã Quảng Tân sang đơn vị mới").click()
    page.select_option("select[name=successor]", "06913-2026")
    _submit(page, "Chuyển quyền")
    expect(page.locator(".messages .alert-success")).to_have_text("Đã chuyển 1 quyền sang Xã Đầm Hà Quảng Tân.")
    expect(page.locator("main")).to_contain_text("Không còn quyền nào gắn với đơn vị này.")
    assert list(UnitRole.objects.filter(user=officer).values_list("unit__code", "role")) == [("06913-2026", "entry")]
    _fits(page, size)
    _shot(page, screenshot, "units-3-roles-moved", size)


def test_district_and_province_leaders_read_2025_h2(page, login, demo_server, screenshot):
    """The district leader is told where the communes went; the province leader reads them."""
    login("lanhdao")
    for size in ("desktop", "phone"):
        page.set_viewport_size(SIZES[size])
        page.goto(f"{demo_server.url}/dashboard/200/2025-H2/")
        expect(page.locator("#unit-fate")).to_contain_text("Huyện Đầm Hà đã kết thúc hoạt động từ 01/07/2025")
        _fits(page, size)
        _shot(page, screenshot, "reform-1-district-2025-H2", size)
    page.context.clear_cookies()
    login("lanhdao.tinh")
    for size in ("desktop", "phone"):
        page.set_viewport_size(SIZES[size])
        page.goto(f"{demo_server.url}/dashboard/22/2025-H2/")
        expect(page.locator("#completeness-summary")).to_have_text("2/2 đơn vị đã gửi, 2 đã duyệt")
        _shot(page, screenshot, "reform-2-province-2025-H2", size)
