"""The office sets the 2025 targets (issue 14, part 1), in real Chromium at 1280 and 375 px:

- through the grid: files the 2025 plan with its scan, copies 2024, changes a cell,
  splits the district's rehabilitation-files target across the nine communes (a wrong
  sum refused first), and the district dashboard for 2025-H1 shows the targets;
- through Excel: downloads the grid, fills it, uploads a file with bad cells (refused,
  each named, nothing written), then the corrected file; the dashboard shows them.
"""

import datetime
import io
from decimal import Decimal

from openpyxl import load_workbook
from playwright.sync_api import expect

from committees.models import AdministrativeUnit, Plan
from indicators.fixtures.demo import COMMUNE_CODES
from indicators.models import Target

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"xref\n0 4\n0000000000 65535 f \ntrailer<</Size 4/Root 1 0 R>>\nstartxref\n0\n%%EOF\n"
)
GRID_CODES = ["200", *COMMUNE_CODES]


def _targets(year):
    """{(indicator, unit): (comparison, value)} of the grid's units for the year ``year``."""
    return {
        (indicator, unit): (comparison, value)
        for indicator, unit, comparison, value in Target.objects.filter(
            period__code=year, unit__code__in=GRID_CODES
        ).values_list("indicator__code", "unit__code", "comparison", "value")
    }


def _submit_and_wait(page, locator):
    with page.expect_navigation():
        locator.click()
    page.wait_for_load_state("networkidle")


def test_office_sets_2025_targets_through_the_grid(login, demo_server, page, screenshot, tmp_path):
    base = demo_server.url
    login("vanphong")
    page.set_viewport_size({"width": 1280, "height": 900})
    _submit_and_wait(page, page.get_by_role("link", name="Chỉ tiêu", exact=True))
    expect(page.locator("h1")).to_have_text("Chỉ tiêu và văn bản giao chỉ tiêu")

    # The plan of 2025, with the scan of the signed paper.
    _submit_and_wait(page, page.locator("#plan-create"))
    page.fill("#id_number", "30/KH-BCĐ")
    page.fill("#id_issued_on", "2025-01-10")
    page.fill("#id_issuer", "Ban Chỉ đạo 138 huyện Đầm Hà")
    page.fill("#id_title", "Kế hoạch công tác phòng, chống tội phạm năm 2025")
    scan = tmp_path / "kh-30.pdf"
    scan.write_bytes(PDF)
    page.set_input_files("#id_scan", str(scan))
    _submit_and_wait(page, page.get_by_role("button", name="Lưu"))
    expect(page.locator(".alert-success")).to_have_text("Đã lưu văn bản 30/KH-BCĐ.")
    expect(page.locator('tr[data-plan="30/KH-BCĐ"]')).to_contain_text("Tải PDF")
    screenshot("targets-1-plans-1280")

    # The grid of 2025: pick the plan, copy 2024.
    _submit_and_wait(page, page.locator('a[href="/targets/200/2025/"]'))
    page.select_option("#plan-select", str(Plan.objects.get(number="30/KH-BCĐ").pk))
    _submit_and_wait(page, page.get_by_role("button", name="Chọn"))
    _submit_and_wait(page, page.locator("#copy-last-year"))
    expect(page.locator(".alert-success")).to_contain_text("Đã sao chép 27 chỉ tiêu từ năm 2024")
    expect(page.locator('input[name="v_MT_BAT_XLHS__200"]')).to_have_value("5")

    # One change typed in the grid, with the reason.
    page.fill('input[name="v_MT_BAT_XLHS__200"]', "6")
    page.fill("#id_reason", "Giao chỉ tiêu năm 2025 theo KH 30/KH-BCĐ")
    _submit_and_wait(page, page.locator("#grid-save"))
    expect(page.locator(".alert-success")).to_have_text("Đã lưu chỉ tiêu năm 2025: 0 mới, 1 sửa, 0 xóa.")
    screenshot("targets-2-grid-1280", full_page=False)

    # Split the district's "at least 12 files" across the nine communes.
    _submit_and_wait(page, page.locator('tr[data-indicator="MT_HOSO_CAI"] a.split-link'))
    expect(page.locator("#parent-target")).to_have_text("≥ 12 hồ sơ")
    expect(page.locator("#split-sum")).to_have_text("12")
    page.fill("#s-06919", "0")
    expect(page.locator("#split-sum")).to_have_text("11")
    expect(page.locator("#split-check")).to_have_text("Thiếu 1")
    _submit_and_wait(page, page.locator("#split-save"))
    expect(page.locator(".alert-danger")).to_have_text(
        "Tổng các đơn vị là 11, khác chỉ tiêu của Huyện Đầm Hà (12): chênh lệch -1. Chưa lưu gì."
    )
    screenshot("targets-3-split-refused-1280")
    assert not Target.objects.filter(period__code="2025", indicator__code="MT_HOSO_CAI", unit__code="06919").exists()
    page.fill("#s-06919", "1")
    expect(page.locator("#split-check")).to_have_text("✓ Khớp với chỉ tiêu")
    _submit_and_wait(page, page.locator("#split-save"))
    expect(page.locator(".alert-success")).to_contain_text("Đã chia chỉ tiêu")

    saved = _targets("2025")
    expected = {**_targets("2024"), ("MT_BAT_XLHS", "200"): ("at_least", Decimal(6))}
    expected.update(
        {
            ("MT_HOSO_CAI", code): ("at_least", Decimal(v))
            for code, v in zip(COMMUNE_CODES, [2, 2, 2, 1, 1, 1, 1, 1, 1], strict=True)
        }
    )
    assert saved == expected
    assert set(
        Target.objects.filter(period__code="2025", unit__code__in=GRID_CODES).values_list("plan__number", flat=True)
    ) == {"30/KH-BCĐ"}

    # On a phone: the grid is one card per indicator, one line per unit; a change saved.
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"{base}/targets/200/2025/")
    page.wait_for_load_state("networkidle")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 375
    cell = page.locator('input[name="v_ANTT_MOHINH__06895"]')
    cell.scroll_into_view_if_needed()
    cell.fill("2")
    page.fill("#id_reason", "Thị trấn có thêm mô hình")
    screenshot("targets-4-grid-375", full_page=False)
    _submit_and_wait(page, page.locator("#grid-save"))
    expect(page.locator(".alert-success")).to_have_text("Đã lưu chỉ tiêu năm 2025: 0 mới, 1 sửa, 0 xóa.")
    assert _targets("2025")[("ANTT_MOHINH", "06895")] == ("at_least", Decimal(2))
    page.goto(f"{base}/targets/200/2025/split/MT_HOSO_CAI/")
    screenshot("targets-5-split-375")
    page.goto(f"{base}/targets/200/2025/history/")
    expect(page.locator("#target-history")).to_contain_text("Thị trấn có thêm mô hình")
    screenshot("targets-6-history-375", full_page=False)

    # The district dashboard for 2025-H1 shows the year's targets and their plan.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{base}/dashboard/200/2025-H1/")
    page.wait_for_load_state("networkidle")
    expect(page.locator("#row-MT_HOSO_CAI")).to_contain_text("≥ 12 hồ sơ")
    expect(page.locator("#row-MT_HOSO_CAI")).to_contain_text("30/KH-BCĐ")
    expect(page.locator("#row-MT_BAT_XLHS")).to_contain_text("≥ 6 vụ")
    screenshot("targets-7-dashboard-2025-H1-1280")


def test_office_sets_2025_targets_through_excel(login, demo_server, page, screenshot, tmp_path):
    base = demo_server.url
    Plan.objects.create(
        number="30/KH-BCĐ",
        issued_on=datetime.date(2025, 1, 10),
        issuer="Ban Chỉ đạo 138 huyện Đầm Hà",
        title="Kế hoạch công tác phòng, chống tội phạm năm 2025",
        unit=AdministrativeUnit.objects.get(code="200"),
    )
    login("vanphong")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{base}/targets/200/2025/")
    page.select_option("#plan-select", str(Plan.objects.get(number="30/KH-BCĐ").pk))
    _submit_and_wait(page, page.get_by_role("button", name="Chọn"))
    with page.expect_download() as download:
        page.locator("#grid-xlsx").click()
    path = tmp_path / "chi-tieu.xlsx"
    download.value.save_as(path)
    assert download.value.suggested_filename == "chi-tieu-200-2025.xlsx"

    # The office fills the sheet as in Excel: 2024's targets, the files split by commune.
    book = load_workbook(path)
    sheet = book["chi_tieu"]
    rows = {sheet.cell(r, 1).value: r for r in range(5, sheet.max_row + 1)}
    columns = {sheet.cell(3, c).value: c for c in range(4, sheet.max_column + 1, 2)}
    words = {"at_least": "≥", "at_most": "≤", "reduce_by": "giảm", "reduce_by_percent": "giảm %"}
    for (indicator, unit), (comparison, value) in _targets("2024").items():
        sheet.cell(rows[indicator], columns[unit]).value = words[comparison]
        sheet.cell(rows[indicator], columns[unit] + 1).value = int(value)
    for code, share in zip(COMMUNE_CODES, [2, 2, 2, 1, 1, 1, 1, 1, 1], strict=True):
        sheet.cell(rows["MT_HOSO_CAI"], columns[code]).value = "≥"
        sheet.cell(rows["MT_HOSO_CAI"], columns[code] + 1).value = share
    good = tmp_path / "chi-tieu-2025.xlsx"
    book.save(good)
    # A first attempt with three mistakes.
    sheet.cell(rows["MT_TUDIEM"], columns["06916"] + 1).value = "không"
    sheet.cell(rows["MT_QL_DAYDU"], columns["06898"]).value = "giảm %"
    sheet.cell(rows["MT_QL_DAYDU"], columns["06898"] + 1).value = 1
    sheet.cell(rows["TTXH_TYLE"], columns["200"] + 1).value = 175
    bad = tmp_path / "chi-tieu-2025-loi.xlsx"
    book.save(bad)

    _submit_and_wait(page, page.locator("#grid-upload"))
    page.set_input_files("#id_file", str(bad))
    page.fill("#id_reason", "Giao chỉ tiêu năm 2025 (tệp Excel)")
    _submit_and_wait(page, page.locator("#upload-submit"))
    errors = page.locator("#upload-errors")
    expect(errors).to_contain_text("Không nhập: tệp có 3 lỗi; chưa ghi chỉ tiêu nào.")
    expect(errors).to_contain_text("E7: Tỷ lệ phần trăm không quá 100.")
    expect(errors).to_contain_text("S14: “không” không phải là số.")
    expect(errors).to_contain_text(
        "H18: Chỉ tiêu loại “Có/Không” không đặt được theo cách “Giảm ít nhất % (so với cùng kỳ)”."
    )
    assert _targets("2025") == {}
    screenshot("targets-8-upload-refused-1280")
    page.set_viewport_size({"width": 375, "height": 800})
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 375
    screenshot("targets-9-upload-refused-375")

    page.set_input_files("#id_file", str(good))
    page.fill("#id_reason", "Giao chỉ tiêu năm 2025 (tệp Excel)")
    _submit_and_wait(page, page.locator("#upload-submit"))
    expect(page.locator(".alert-success")).to_have_text("Đã nhập tệp chỉ tiêu năm 2025: 36 mới, 0 sửa, 0 xóa.")
    expected = dict(_targets("2024"))
    expected.update(
        {
            ("MT_HOSO_CAI", code): ("at_least", Decimal(v))
            for code, v in zip(COMMUNE_CODES, [2, 2, 2, 1, 1, 1, 1, 1, 1], strict=True)
        }
    )
    assert _targets("2025") == expected
    history = Target.history.filter(period__code="2025", unit__code__in=GRID_CODES)
    assert set(history.values_list("history_user__username", "history_change_reason")) == {
        ("vanphong", "Giao chỉ tiêu năm 2025 (tệp Excel)")
    }
    screenshot("targets-10-grid-after-upload-375", full_page=False)

    # Downloaded again, the workbook holds what was uploaded.
    again = load_workbook(io.BytesIO(page.request.get(f"{base}/targets/200/2025.xlsx").body()))["chi_tieu"]
    assert again.cell(rows["MT_HOSO_CAI"], columns["06895"] + 1).value == 2

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{base}/dashboard/200/2025-H1/")
    page.wait_for_load_state("networkidle")
    expect(page.locator("#row-MT_HOSO_CAI")).to_contain_text("≥ 12 hồ sơ")
    expect(page.locator("#row-MT_TUDIEM")).to_contain_text("≤ 0 điểm")
    screenshot("targets-11-dashboard-after-upload-1280")


def test_commune_officer_reads_own_targets_on_the_entry_page(login, demo_server, page, screenshot):
    login("congan.quangtan")
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"{demo_server.url}/entry/06913/2024-H2/")
    targets = page.locator("#own-targets")
    expect(targets.locator("summary")).to_have_text("Chỉ tiêu được giao cho Xã Quảng Tân (2)")
    expect(targets).to_contain_text("≥ 1 mô hình")
    expect(targets).to_contain_text("≤ 0 điểm")
    assert targets.locator("input, select").count() == 0
    screenshot("targets-12-entry-own-targets-375", full_page=False)
