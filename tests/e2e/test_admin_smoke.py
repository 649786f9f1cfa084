import re

from playwright.sync_api import expect


def test_admin_logs_in_and_sees_units_in_vietnamese(login, demo_server, screenshot):
    page = login("admin")
    page.goto(f"{demo_server.url}/admin/committees/administrativeunit/?q=06913")
    expect(page.locator("#result_list")).to_contain_text("Xã Quảng Tân")
    expect(page.locator("h1")).to_have_text(re.compile("Chọn đơn vị hành chính"))
    path = screenshot("admin-units")
    assert path.stat().st_size > 10_000
