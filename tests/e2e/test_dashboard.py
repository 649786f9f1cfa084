"""The vice-chairman's dashboard in real Chromium: tiles, scorecard, rows, charts, period
switch, drill-down — at 1280 px (tiles and scorecard without scrolling) and 375 px."""

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

# Every element whose text says a unit failed: none may belong to a unit that has not reported.
FAILURE_CELLS = """() => Array.from(document.querySelectorAll(".st-not-achieved"))
  .map((node) => node.closest("tr") ? node.closest("tr").innerText : node.innerText)"""


def _wait_for_charts(page):
    page.wait_for_function(
        "() => window.Chart && Chart.getChart('chart-trend') && Chart.getChart('chart-children')", timeout=15_000
    )


def _in_first_screen(page, selector, height):
    box = page.locator(selector).bounding_box()
    assert box is not None, selector
    assert box["y"] >= 0 and box["y"] + box["height"] <= height, (selector, box)


def test_leader_reads_the_dashboard_switches_period_and_drills_down(login, demo_server, screenshot):
    page = login("lanhdao")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{demo_server.url}/dashboard/200/2024-H1/")

    expect(page.locator("h1")).to_have_text("Huyện Đầm Hà")
    # Tiles and scorecard in the first screen, without scrolling.
    expect(page.locator("#tile-achieved")).to_have_text(re.compile(r"8\s+✓ Đạt"))
    expect(page.locator("#tile-in_progress")).to_have_text(re.compile(r"1\s+◔ Đang thực hiện"))
    expect(page.locator("#completeness-summary")).to_have_text("10/10 đơn vị đã gửi, 10 đã duyệt")
    _in_first_screen(page, "#tiles", 900)
    _in_first_screen(page, "#scorecard", 900)
    expect(page.locator("#scorecard tbody tr")).to_have_count(10)  # the district's verdicts, then 9 communes

    # Details are open on a wide screen.
    expect(page.locator("#row-MT_BAT_XLHS td.verdict")).to_contain_text("✓ Đạt")
    expect(page.locator("#row-MT_BAT_XLHS td.pair-period")).to_have_text(
        re.compile(r"6 tháng đầu năm 2024: 5 vụ\s+Cùng kỳ 2023: 4 vụ ▲ tăng 1 vụ")
    )

    # The charts are drawn by Chart.js from the json_script data (no inline script).
    _wait_for_charts(page)
    for canvas_id in ("chart-children", "chart-trend"):
        pixels = page.evaluate(PAINTED_PIXELS, canvas_id)
        assert pixels["width"] > 200 and pixels["height"] > 100, pixels
        assert pixels["painted"] > pixels["total"] * 0.01, pixels
        sizes = page.evaluate(BLANK_DATA_URL, canvas_id)
        assert sizes["drawn"] > sizes["blank"] * 2, sizes
    # The first chart shows the first indicator: 9 bars, one per commune; whole-number ticks.
    bars = page.evaluate("() => Chart.getChart('chart-children').data.datasets[0].data")
    assert bars == [2, 1, 0, 1, 1, 1, 1, 0, 1]
    ticks = page.evaluate("() => Chart.getChart('chart-children').scales.y.ticks.map((t) => t.value)")
    assert ticks and all(float(t).is_integer() for t in ticks), ticks
    page.select_option("#chart-indicator", "MT_HOSO_CAI")
    bars = page.evaluate("() => Chart.getChart('chart-children').data.datasets[0].data")
    assert bars == [2, 1, 0, 1, 0, 1, 1, 0, 1]
    screenshot("dashboard-200-2024-H1-1280")
    screenshot("dashboard-200-2024-H1-1280-first-screen", full_page=False)

    # Period switcher → 2024-H2: 6 of 10 reported; provisional rows say so.
    page.select_option("#period-select", "2024-H2")
    page.get_by_role("button", name="Xem").click()
    page.wait_for_url(f"{demo_server.url}/dashboard/200/2024-H2/")
    expect(page.locator("#completeness-summary")).to_have_text("6/10 đơn vị đã gửi, 1 đã duyệt")
    expect(page.locator("#completeness-missing")).to_contain_text("Xã Quảng Tân")
    expect(page.locator("#tile-incomplete")).to_have_text(re.compile(r"5\s+≈ Tạm tính"))
    expect(page.locator("#row-TTXH_VU td.verdict")).to_contain_text("Tạm tính — 6/9 đơn vị đã báo cáo")
    expect(page.locator("#row-TTXH_VU td.pair-ytd")).to_have_text(
        re.compile(r"Lũy kế năm 2024: 12 vụ\s+Lũy kế cùng kỳ 2023: 19 vụ ▼ giảm 7 vụ")
    )
    # No unit that has not reported is shown as failing, anywhere on the page.
    for silent in ("Xã Quảng Tân", "Xã Đầm Hà", "Xã Tân Lập"):
        expect(page.locator("#scorecard tr", has_text=silent)).to_have_text(re.compile(r"chưa báo cáo"))
        assert not [t for t in page.evaluate(FAILURE_CELLS) if silent in t]
    _wait_for_charts(page)
    labels = page.evaluate("() => Chart.getChart('chart-children').data.labels")
    assert labels[5] == ["Xã Quảng Tân", "(chưa báo cáo)"] and labels[3] == "Xã Tân Bình"
    screenshot("dashboard-200-2024-H2-1280")
    screenshot("dashboard-200-2024-H2-1280-first-screen", full_page=False)

    # Drill down to a commune from the scorecard.
    page.locator("#scorecard").get_by_role("link", name="Xã Dực Yên").click()
    page.wait_for_url(f"{demo_server.url}/dashboard/06910/2024-H2/")
    expect(page.locator("h1")).to_have_text("Xã Dực Yên")
    expect(page.locator("#completeness-summary")).to_have_text("1/1 đơn vị đã gửi, 0 đã duyệt")
    expect(page.locator("#row-TTXH_VU td.pair-period")).to_contain_text("6 tháng cuối năm 2024: 1 vụ")
    expect(page.locator("#row-MT_BAT_XLHS")).to_have_count(0)
    expect(page.locator(".breadcrumb")).to_contain_text("Huyện Đầm Hà")
    # A commune has no children: only the trend chart, still drawn.
    page.wait_for_function("() => window.Chart && Chart.getChart('chart-trend')", timeout=15_000)
    assert page.evaluate(PAINTED_PIXELS, "chart-trend")["painted"] > 0
    screenshot("dashboard-06910-2024-H2-1280")


def test_phone_leads_with_tiles_and_scorecard_and_opens_details_on_demand(login, demo_server, screenshot):
    page = login("lanhdao")
    page.set_viewport_size({"width": 375, "height": 812})
    page.goto(f"{demo_server.url}/dashboard/200/2024-H2/")

    _in_first_screen(page, "#tiles", 812)
    expect(page.locator("#scorecard")).to_be_visible()
    # Details closed on a phone: the page is tiles, scorecard and three summaries.
    for section in ("#indicator-details", "#charts-details", "#checklist-MT_XA_SACH"):
        assert page.eval_on_selector(section, "(node) => node.open") is False, section
    screenshot("dashboard-200-2024-H2-375")
    height = page.evaluate("() => document.documentElement.scrollHeight")
    assert height < 3000, height  # 2,701 px on the demo (5,600 px before the redesign)
    scroll_width = page.evaluate("() => document.documentElement.scrollWidth")
    assert scroll_width <= 375, scroll_width
    # A commune that has not reported is one grey card, not six failures.
    silent = page.locator("#scorecard tr", has_text="Xã Tân Lập")
    expect(silent).to_have_text(re.compile(r"Xã Tân Lập\s+∅ chưa báo cáo"))
    screenshot("dashboard-200-2024-H2-375-first-screen", full_page=False)

    # Details and charts open on demand, still within the screen's width.
    page.locator("#indicator-details > summary").click()
    expect(page.locator("#row-TTXH_VU td.verdict")).to_be_visible()
    expect(page.locator("#row-TTXH_VU td.verdict")).to_contain_text("Tạm tính — 6/9 đơn vị đã báo cáo")
    page.locator("#charts-details > summary").click()
    _wait_for_charts(page)
    pixels = page.evaluate(PAINTED_PIXELS, "chart-children")
    assert pixels["painted"] > pixels["total"] * 0.01, pixels
    box = page.locator("#chart-children").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 375, box
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 375
    screenshot("dashboard-200-2024-H2-375-open")
