"""The strict Content-Security-Policy in a real browser: no page the demo users open
breaks it (Chromium reports every blocked script or style on the console), and the
lockout page is what a locked-out officer sees."""

import pytest
from playwright.sync_api import expect

PAGES = {
    "lanhdao": ["/dashboard/200/2024-H1/", "/dashboard/06913/2024-H1/"],
    "vanphong": ["/targets/", "/targets/200/2024/", "/targets/200/2024/split/MT_HOSO_CAI/"],
    "admin": [
        "/admin/",
        "/admin/committees/administrativeunit/",
        "/admin/committees/administrativeunit/add/",
        "/admin/indicators/indicator/",
    ],
}


@pytest.fixture
def csp_violations(page):
    seen = []
    page.on(
        "console",
        lambda message: (
            seen.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text
            else None
        ),
    )
    return seen


@pytest.mark.parametrize("username", sorted(PAGES))
def test_pages_break_no_csp_rule(login, demo_server, page, csp_violations, username, screenshot):
    page.goto(f"{demo_server.url}/accounts/login/")
    login(username)
    for path in PAGES[username]:
        response = page.goto(f"{demo_server.url}{path}")
        assert response.status == 200, path
        assert "'unsafe-inline'" not in response.headers["content-security-policy"].split("script-src")[1].split(";")[0]
        # "load": every script and stylesheet was fetched and ran (or was blocked).
        page.wait_for_load_state("load")
    if username == "lanhdao":
        page.goto(f"{demo_server.url}/dashboard/200/2024-H1/")
        page.wait_for_load_state("load")
        # Chart.js ran (a script from our own origin) and drew on its canvas.
        expect(page.locator("#chart-children")).to_be_visible()
        assert page.evaluate("document.getElementById('chart-children').width") > 0
        screenshot("csp-dashboard")
    assert csp_violations == []


def test_lockout_page_after_five_wrong_passwords(login, demo_server, page, csp_violations, screenshot):
    for _ in range(5):
        login("congan.quangtan", password="mat-khau-sai")
    expect(page.locator("#lockout-message")).to_contain_text("vì nhập sai mật khẩu 5 lần liên tiếp")
    expect(page.locator("#lockout-message")).to_contain_text("Vui lòng thử lại sau 15 phút.")
    screenshot("lockout")
    # The right password is refused while the lock lasts.
    login("congan.quangtan")
    expect(page.locator("h1")).to_have_text("Tạm khóa đăng nhập")
    assert csp_violations == []
