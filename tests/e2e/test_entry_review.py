"""The whole loop in real Chromium on a 375 px phone screen, with the demo data:
the Quảng Tân officer fills and submits 2024-H2, the district police return it with a
reason, the officer corrects and resubmits, the district police approve, and the
officer can no longer edit and is told why."""

import re

from playwright.sync_api import expect

PHONE = {"width": 375, "height": 812}
REASON = "Số vụ phạm tội chưa khớp sổ theo dõi, đề nghị kiểm tra lại"

# Quảng Tân's 2024-H2 figures as the officer types them (close to 2024-H1: no large jump).
FIGURES = {
    "TTXH_VU": "2",
    "TTXH_LAMRO": "1",
    "ANTT_MOHINH": "1",
    "MT_TUDIEM": "0",
    "MT_NGHIEN_QL": "5",
    "MT_HOSO_CAI": "1",
    "MT_SAU_CAI": "3",
}


def _shot(page, screenshot, name):
    """What the phone shows. A full-page screenshot resizes the page for a moment and a
    click right after it was lost about one run in three, so this journey takes viewport
    screenshots only."""
    return screenshot(name, full_page=False)


def _click_and_load(page, role, name):
    with page.expect_navigation():
        page.get_by_role(role, name=name).click()


def _switch_user(page, login, username):
    page.goto("about:blank")  # the previous user's page stops loading before its cookies go
    page.context.clear_cookies()
    return login(username)


def test_officer_submits_reviewer_returns_officer_corrects_reviewer_approves(page, login, demo_server, screenshot):
    page.set_viewport_size(PHONE)
    entry_url = f"{demo_server.url}/entry/06913/2024-H2/"

    # 1. The commune officer lands on the entry form for the open period.
    login("congan.quangtan")
    expect(page).to_have_url(entry_url)
    expect(page.locator("h1")).to_have_text("Nhập số liệu: Xã Quảng Tân")
    expect(page.locator("#submission-state")).to_have_text("Chưa nhập")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # no sideways scrolling
    for code, value in FIGURES.items():
        page.fill(f"input[name=v_{code}]", value)
    page.select_option("select[name=v_MT_QL_DAYDU]", "1")
    expect(page.locator("[data-rate-numerator=TTXH_LAMRO] .computed-value")).to_have_text("50,0%")
    expect(page.locator("[data-status-criteria] .computed-value")).to_have_text("Đạt")  # no hotspot, all managed
    expect(page.locator("input[name=v_TTXH_VU]")).to_have_attribute("inputmode", "numeric")
    _shot(page, screenshot, "entry-1-filled-375")
    _click_and_load(page, "button", "Gửi báo cáo")
    expect(page.locator(".alert-success")).to_contain_text("Đã gửi báo cáo 2024-H2. Chờ cơ quan thường trực duyệt.")
    expect(page.locator("#submission-state")).to_have_text("Đã gửi")
    _shot(page, screenshot, "entry-2-submitted-375")

    # 2. The district police see it submitted and return it with a reason.
    _switch_user(page, login, "duyet")
    expect(page).to_have_url(f"{demo_server.url}/review/200/2024-H2/")
    row = page.locator("[data-unit='06913']")
    expect(row.locator(".review-state")).to_have_text("Đã gửi")
    _shot(page, screenshot, "entry-3-review-list-375")
    with page.expect_navigation():
        row.get_by_role("link", name="Mở báo cáo").click()
    expect(page.locator("#figures-table")).to_contain_text("Số vụ phạm tội về trật tự xã hội")
    page.get_by_label("Lý do").fill(REASON)
    page.locator("summary", has_text="Trả lại cho đơn vị sửa").click()  # asks for confirmation first
    _click_and_load(page, "button", "Xác nhận trả lại")
    expect(page.locator(".alert-success")).to_have_text("Đã trả lại báo cáo của Xã Quảng Tân kèm lý do.")
    expect(page.locator("#submission-state")).to_have_text("Bị trả lại")
    _shot(page, screenshot, "entry-4-returned-by-reviewer-375")

    # 3. The officer sees the reason, corrects the figure and resubmits.
    _switch_user(page, login, "congan.quangtan")
    expect(page.locator("#return-reason")).to_have_text(re.compile(f"Báo cáo bị trả lại, lý do:\\s*{REASON}"))
    expect(page.locator("#submission-state")).to_have_text("Bị trả lại")
    expect(page.locator("input[name=v_TTXH_VU]")).to_have_value("2")
    _shot(page, screenshot, "entry-5-officer-sees-reason-375")
    page.fill("input[name=v_TTXH_VU]", "1")
    page.fill("input[name=n_TTXH_VU]", "Đã đối chiếu sổ: 1 vụ trộm cắp")
    _click_and_load(page, "button", "Gửi báo cáo")
    expect(page.locator("#submission-state")).to_have_text("Đã gửi")
    expect(page.locator("[data-rate-numerator=TTXH_LAMRO] .computed-value")).to_have_text("100,0%")

    # 4. The district police approve; the history shows every step.
    _switch_user(page, login, "duyet")
    page.goto(f"{demo_server.url}/submission/06913/2024-H2/")
    page.locator("summary", has_text="Duyệt (khóa số liệu)").click()  # asks for confirmation first
    expect(page.locator("#approve-step")).to_contain_text("Số liệu sẽ bị khóa")
    _click_and_load(page, "button", "Xác nhận duyệt và khóa số liệu")
    expect(page.locator(".alert-success")).to_have_text("Đã duyệt báo cáo của Xã Quảng Tân; số liệu đã khóa.")
    history = page.locator("#history")
    expect(history).to_contain_text("Duyệt: Đã gửi → Đã duyệt")
    expect(history).to_contain_text("Trả lại: Đã gửi → Bị trả lại")
    expect(history).to_contain_text(f"Lý do: {REASON}")
    expect(history).to_contain_text("Số vụ phạm tội về trật tự xã hội: 2 → 1")
    expect(history).to_contain_text("Ghi chú: Đã đối chiếu sổ: 1 vụ trộm cắp")
    _shot(page, screenshot, "entry-6-approved-history-375")

    # 5. The officer can no longer edit, and is told why.
    _switch_user(page, login, "congan.quangtan")
    expect(page.locator("#submission-state")).to_have_text("Đã duyệt")
    expect(page.locator("#edit-blocker")).to_contain_text("Không thể sửa số liệu.")
    expect(page.locator("#edit-blocker")).to_contain_text(
        re.compile(
            r"đã được Công an huyện — cơ quan thường trực \(demo\) duyệt lúc \d\d:\d\d \d\d/\d\d/\d{4} nên đã khóa"
        )
    )
    expect(page.locator("input[name=v_TTXH_VU]")).to_have_count(0)
    expect(page.get_by_role("button", name="Gửi báo cáo")).to_have_count(0)
    _shot(page, screenshot, "entry-7-locked-375")
