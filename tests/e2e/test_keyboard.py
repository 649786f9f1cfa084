"""Keyboard only (Tab, Shift+Tab, Enter, Space, arrows): the officer fills and submits the
entry form, the district police return one report and approve another; whatever has the
focus shows a visible outline."""

from playwright.sync_api import expect

FIGURES = {
    "v_TTXH_VU": "2",
    "v_TTXH_LAMRO": "1",
    "v_ANTT_MOHINH": "1",
    "v_MT_TUDIEM": "0",
    "v_MT_NGHIEN_QL": "5",
    "v_MT_HOSO_CAI": "1",
    "v_MT_SAU_CAI": "3",
}
FOCUS = """() => {
  const element = document.activeElement, style = getComputedStyle(element);
  return {
    name: element.getAttribute('name') || '', text: (element.textContent || '').trim(),
    tag: element.tagName, outline: style.outlineStyle, width: parseFloat(style.outlineWidth),
  };
}"""


def _focused(page):
    focus = page.evaluate(FOCUS)
    assert focus["outline"] != "none" and focus["width"] >= 2, f"no visible focus on {focus}"
    return focus


def _tab_to(page, matches, limit=120, key="Tab"):
    """Press Tab until the focused element matches; every stop must show its focus."""
    for _ in range(limit):
        page.keyboard.press(key)
        focus = page.evaluate(FOCUS)
        if focus["tag"] != "BODY":
            _focused(page)
        if matches(focus):
            return focus
    raise AssertionError("never reached the element with the keyboard")


def _keyboard_login(page, url, username):
    page.goto(f"{url}/accounts/login/")
    # As the login fixture (tests/e2e/conftest.py): let the previous page's late requests
    # land before the form is posted, or one may replace the CSRF cookie under it.
    page.wait_for_load_state("networkidle")
    _tab_to(page, lambda f: f["name"] == "username")
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    assert _focused(page)["name"] == "password"
    page.keyboard.type("damha2024")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state("networkidle")


def test_entry_and_review_work_with_the_keyboard_alone(page, demo_server):
    url = demo_server.url
    page.set_viewport_size({"width": 1280, "height": 900})
    _keyboard_login(page, url, "congan.quangtan")
    expect(page).to_have_url(f"{url}/entry/06913/2024-H2/")

    seen = set()
    while seen != set(FIGURES) | {"v_MT_QL_DAYDU"}:
        focus = _tab_to(page, lambda f: f["name"] in FIGURES or f["name"] == "v_MT_QL_DAYDU")
        if focus["name"] in seen:
            break
        seen.add(focus["name"])
        if focus["name"] == "v_MT_QL_DAYDU":
            # A closed select changes with the arrow keys; pick "Có" (value 1).
            for _ in range(3):
                if page.evaluate("document.activeElement.value") == "1":
                    break
                page.keyboard.press("ArrowDown")
        else:
            page.keyboard.press("Control+A")
            page.keyboard.type(FIGURES[focus["name"]])
    assert seen == set(FIGURES) | {"v_MT_QL_DAYDU"}
    expect(page.locator("select[name=v_MT_QL_DAYDU]")).to_have_value("1")
    expect(page.locator("[data-rate-numerator=TTXH_LAMRO] .computed-value")).to_have_text("50,0%")

    # One step back with Shift+Tab and forward again, then Space on "Gửi báo cáo".
    _tab_to(page, lambda f: f["tag"] == "BUTTON" and f["text"] == "Gửi báo cáo")
    page.keyboard.press("Shift+Tab")
    assert _focused(page)["text"] == "Lưu nháp"
    page.keyboard.press("Tab")
    assert _focused(page)["text"] == "Gửi báo cáo"
    with page.expect_navigation():
        page.keyboard.press("Space")
    expect(page.locator(".alert-success")).to_contain_text("Đã gửi báo cáo 2024-H2")
    expect(page.locator("#submission-state")).to_have_text("Đã gửi")

    page.goto("about:blank")  # leave the entry page (its scripts) before the cookies go
    page.context.clear_cookies()
    _keyboard_login(page, url, "duyet")
    expect(page).not_to_have_url(f"{url}/accounts/login/")

    # Return the first submitted commune's report (06895) with a reason.
    page.goto(f"{url}/submission/06895/2024-H2/")
    expect(page.locator("[name=return-reason]")).to_be_visible()  # the reviewer's page, not a login
    _tab_to(page, lambda f: f["name"] == "return-reason")
    page.keyboard.type("Thiếu ghi chú đối chiếu sổ theo dõi")
    # "Trả lại" asks for confirmation: Enter opens the step, then the confirming button.
    _tab_to(page, lambda f: f["tag"] == "SUMMARY" and f["text"] == "Trả lại cho đơn vị sửa")
    page.keyboard.press("Enter")
    _tab_to(page, lambda f: f["tag"] == "BUTTON" and f["text"] == "Xác nhận trả lại")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator(".alert-success")).to_contain_text("Đã trả lại báo cáo")
    expect(page.locator("#submission-state")).to_have_text("Bị trả lại")

    # Approve Quảng Tân's report just submitted.
    page.goto(f"{url}/submission/06913/2024-H2/")
    _tab_to(page, lambda f: f["tag"] == "SUMMARY" and f["text"].startswith("Duyệt"))
    page.keyboard.press("Enter")
    _tab_to(page, lambda f: f["tag"] == "BUTTON" and f["text"] == "Xác nhận duyệt và khóa số liệu")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator(".alert-success")).to_have_text("Đã duyệt báo cáo của Xã Quảng Tân; số liệu đã khóa.")
    expect(page.locator("#submission-state")).to_have_text("Đã duyệt")


def test_entry_form_is_thumb_sized_on_a_phone(login, demo_server):
    page = login("congan.quangtan")
    page.set_viewport_size({"width": 375, "height": 812})
    page.goto(f"{demo_server.url}/entry/06913/2024-H2/")
    sizes = page.evaluate(
        "() => [...document.querySelectorAll('#entry-form input:not([type=hidden]), #entry-form select,"
        " #entry-form textarea, #entry-form button')].map(e => [e.name, e.getBoundingClientRect().height])"
    )
    assert len(sizes) >= 16
    assert [name for name, height in sizes if height < 44] == []
    numbers = page.locator("#entry-form input[type=number]")
    assert numbers.count() == 7
    for index in range(numbers.count()):
        assert numbers.nth(index).get_attribute("inputmode") == "numeric"
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
