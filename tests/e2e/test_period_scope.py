"""Periods per scope in Chromium (issue 17, finding 3): the district office closes 2024-H2 for
its own communes and reopens one of them; the officers see who closed it, or can enter."""

import re

from playwright.sync_api import expect

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}


def test_district_office_closes_its_communes_and_reopens_one(page, login, demo_server, screenshot):
    page.set_viewport_size(DESKTOP)
    login("vanphong")
    page.goto(f"{demo_server.url}/periods/")
    expect(page.locator("#period-scope")).to_contain_text("áp dụng cho Huyện Đầm Hà và các đơn vị trực thuộc")
    card = page.locator("#period-2024-H2")
    card.get_by_label("Đang mở nhập liệu").uncheck()
    with page.expect_navigation():
        card.get_by_role("button", name="Lưu").click()
    expect(page.locator(".alert-success")).to_contain_text("Đã cập nhật kỳ 2024-H2 cho Huyện Đầm Hà: đã khóa.")
    expect(page.locator("#period-2024-H2 .badge")).to_have_text("Đã khóa")

    form = page.locator("#lock-exception-form")
    form.get_by_label("Kỳ").select_option("2024-H2")
    form.get_by_label("Đơn vị").select_option("06913")
    form.get_by_label("Lý do").fill("Bổ sung vụ án phát hiện cuối kỳ")
    with page.expect_navigation():
        form.get_by_role("button", name="Mở riêng").click()
    expect(page.locator(".alert-success")).to_contain_text("Đã mở riêng kỳ 2024-H2 cho Xã Quảng Tân.")
    expect(page.locator("#exception-2024-H2-06913")).to_contain_text("Bổ sung vụ án phát hiện cuối kỳ")
    screenshot("periods-scope-1280")
    page.set_viewport_size(PHONE)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot("periods-scope-375")

    page.context.clear_cookies()
    login("congan.damha")
    page.goto(f"{demo_server.url}/entry/06916/2024-H2/")
    expect(page.locator("#edit-blocker")).to_contain_text(
        re.compile(r"Kỳ 2024-H2 đã khóa nhập liệu \(.+ khóa cho Huyện Đầm Hà lúc \d\d:\d\d \d\d/\d\d/\d{4}\)")
    )
    screenshot("periods-scope-closed-entry-375", full_page=False)

    page.context.clear_cookies()
    login("congan.quangtan")
    page.goto(f"{demo_server.url}/entry/06913/2024-H2/")
    expect(page.locator("#edit-blocker")).to_have_count(0)
    expect(page.locator("input[name=v_TTXH_VU]")).to_be_visible()
