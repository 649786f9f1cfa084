"""The vice-chairman's dashboard in real Chromium: rows, charts, period switch, drill-down, phone."""

import re

from playwright.sync_api import expect

# Pixels of a canvas that are not fully transparent: 0 for a blank canvas.
PAINTED_PIXELS = """(id) => {
  const canvas = document.getElementById(id);
  const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  let painted = 0;
  for (let i = 3; i < data.length; i += 4) { if (data[i] !== 0) { painted++; } }
  return {painted: painted, total: data.length / 4, width: canvas.width, height: canvas.height};
}"""

BLANK_DATA_URL = """(id) => {
  const canvas = document.getElementById(id);
  const blank = document.createElement("canvas");
  blank.width = canvas.width; blank.height = canvas.height;
  return {drawn: canvas.toDataURL().length, blank: blank.toDataURL().length};
}"""


def _wait_for_charts(page):
    page.wait_for_function(
        "() => window.Chart && Chart.getChart('chart-trend') && Chart.getChart('chart-children')", timeout=15_000
    )


def test_leader_reads_the_dashboard_switches_period_and_drills_down(login, demo_server, screenshot):
    page = login("lanhdao")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{demo_server.url}/dashboard/200/2024-H1/")

    expect(page.locator("h1")).to_have_text("Huyện Đầm Hà")
    expect(page.locator("#row-MT_BAT_XLHS td.result")).to_have_text(re.compile(r"5/5 vụ, đạt 100%"))
    expect(page.locator("#row-MT_BAT_XLHS .status-badge")).to_have_text("Đạt")
    expect(page.locator("#row-TTXH_VU td.result")).to_contain_text("giảm 1 vụ so với cùng kỳ")
    expect(page.locator("#completeness-summary")).to_have_text("10/10 đơn vị đã gửi, 10 đã duyệt")

    # The charts are drawn by Chart.js from the json_script data (no inline script).
    _wait_for_charts(page)
    for canvas_id in ("chart-children", "chart-trend"):
        pixels = page.evaluate(PAINTED_PIXELS, canvas_id)
        assert pixels["width"] > 200 and pixels["height"] > 100, pixels
        assert pixels["painted"] > pixels["total"] * 0.01, pixels
        sizes = page.evaluate(BLANK_DATA_URL, canvas_id)
        assert sizes["drawn"] > sizes["blank"] * 2, sizes
    # The first chart shows the first indicator: 9 bars, one per commune.
    bars = page.evaluate("() => Chart.getChart('chart-children').data.datasets[0].data")
    assert bars == [2, 1, 0, 1, 1, 1, 1, 0, 1]
    # Choosing another indicator redraws with its values.
    page.select_option("#chart-indicator", "MT_HOSO_CAI")
    bars = page.evaluate("() => Chart.getChart('chart-children').data.datasets[0].data")
    assert bars == [2, 1, 0, 1, 0, 1, 1, 0, 1]
    shot = screenshot("dashboard-200-2024-H1-1280")
    assert shot.stat().st_size > 50_000

    # Period switcher → 2024-H2.
    page.select_option("#period-select", "2024-H2")
    page.get_by_role("button", name="Xem").click()
    page.wait_for_url(f"{demo_server.url}/dashboard/200/2024-H2/")
    expect(page.locator("#completeness-summary")).to_have_text("6/10 đơn vị đã gửi, 1 đã duyệt")
    expect(page.locator("#completeness-missing")).to_contain_text("Xã Quảng Tân")
    # Cumulative over the year: 5 arrests in H1, none reported yet in H2 → still 5/5.
    expect(page.locator("#row-MT_BAT_XLHS td.result")).to_have_text(re.compile(r"5/5 vụ, đạt 100%"))
    _wait_for_charts(page)

    # Drill down to a commune from the social-order crimes row.
    row = page.locator("#row-TTXH_VU")
    row.locator("summary").click()
    row.get_by_role("link", name="Xã Dực Yên").click()
    page.wait_for_url(f"{demo_server.url}/dashboard/06910/2024-H2/")
    expect(page.locator("h1")).to_have_text("Xã Dực Yên")
    expect(page.locator("#completeness-summary")).to_have_text("1/1 đơn vị đã gửi, 0 đã duyệt")
    expect(page.locator("#row-TTXH_VU td.result")).to_have_text("1 vụ")
    expect(page.locator("#row-MT_BAT_XLHS")).to_have_count(0)
    expect(page.locator(".breadcrumb")).to_contain_text("Huyện Đầm Hà")
    # A commune has no children: only the trend chart, still drawn.
    page.wait_for_function("() => window.Chart && Chart.getChart('chart-trend')", timeout=15_000)
    assert page.evaluate(PAINTED_PIXELS, "chart-trend")["painted"] > 0
    screenshot("dashboard-06910-2024-H2-1280")


def test_dashboard_fits_a_phone_without_sideways_scrolling(login, demo_server, screenshot):
    page = login("lanhdao")
    page.set_viewport_size({"width": 375, "height": 812})
    page.goto(f"{demo_server.url}/dashboard/200/2024-H1/")
    _wait_for_charts(page)

    expect(page.locator("#row-MT_BAT_XLHS td.result")).to_be_visible()
    expect(page.locator("#row-MT_BAT_XLHS td.result")).to_have_text(re.compile(r"5/5 vụ, đạt 100%"))
    scroll_width = page.evaluate("() => document.documentElement.scrollWidth")
    assert scroll_width <= 375, scroll_width
    pixels = page.evaluate(PAINTED_PIXELS, "chart-children")
    assert pixels["painted"] > pixels["total"] * 0.01, pixels
    # The chart is no wider than the screen.
    box = page.locator("#chart-children").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 375, box
    screenshot("dashboard-200-2024-H1-375")
