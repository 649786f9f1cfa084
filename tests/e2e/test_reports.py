"""Office staff prepare the 2024-H2 report in a real browser: create, edit, finalise, download."""

import re
import subprocess

from playwright.sync_api import expect

from reports.fixtures import demo as report_demo
from reports.models import ReportDocument, ReportStatus

TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def test_office_creates_edits_finalises_and_downloads_the_h2_report(login, demo_server, screenshot, tmp_path):
    report_demo.load()
    page = login("vanphong")
    page.goto(f"{demo_server.url}/reports/")
    expect(page.locator("#report-list")).to_contain_text("15/BC-BCĐ")
    screenshot("reports-list")

    page.get_by_role("link", name="Tạo báo cáo mới").click()
    page.get_by_label("Ban chỉ đạo").select_option(label="BCĐ 138 huyện")
    page.get_by_label("Kỳ báo cáo").select_option(label="6 tháng cuối năm 2024")
    page.get_by_label("Số, ký hiệu").fill("20/BC-BCĐ")
    page.get_by_label("Ngày ban hành").fill("2024-12-20")
    page.get_by_role("button", name="Tạo dự thảo").click()
    expect(page.locator(".messages")).to_contain_text("Đã tạo dự thảo báo cáo")
    expect(page.locator("#report-status")).to_have_text("Dự thảo")
    # Section II is pre-filled from the roll-up; the previous conference's conclusions follow.
    expect(page.locator("article")).to_contain_text(
        "Lũy kế năm 2024, số vụ phạm tội về trật tự xã hội giảm 7 vụ so với cùng kỳ (12 vụ so với 19 vụ)"
    )
    expect(page.locator("article")).to_contain_text("Số liệu tạm tính: 6/10 đơn vị đã báo cáo")
    expect(page.locator("article")).to_contain_text("3/7 kết luận đã hoàn thành, 4 quá hạn (chi tiết tại phụ lục)")

    page.locator("#edit-report").click()
    page.get_by_label("I. Tình hình").fill("Năm 2024, tình hình an ninh, trật tự trên địa bàn huyện ổn định.")
    screenshot("report-edit")
    page.get_by_role("button", name="Lưu dự thảo").click()
    expect(page.locator(".messages")).to_contain_text("Đã lưu dự thảo báo cáo.")
    expect(page.locator("article")).to_contain_text("Năm 2024, tình hình an ninh, trật tự trên địa bàn huyện ổn định.")

    page.get_by_label("Tôi đã rà soát nội dung báo cáo").check()
    page.get_by_role("button", name="Ban hành báo cáo").click()
    expect(page.locator(".messages")).to_contain_text("Đã ban hành báo cáo")
    expect(page.locator("#report-status")).to_have_text("Đã ban hành")
    expect(page.locator("#edit-report")).to_have_count(0)
    screenshot("report-final")

    report = ReportDocument.objects.get(number="20/BC-BCĐ")
    assert report.status == ReportStatus.FINAL and len(report.content_hash) == 64
    expect(page.locator("#report-hash")).to_contain_text(report.verification_code)
    # Not demo data and no DAMHA_SIGNING_CERT in the test server: issued unsigned, and said so.
    expect(page.locator("#report-signature")).to_contain_text("không có chữ ký số")

    sizes = {}
    for extension, content_type in TYPES.items():
        with page.expect_download() as info:
            page.locator(f"#download-{extension}").click()
        download = info.value
        assert download.suggested_filename == f"bao-cao-20-BC-BCD-v1.{extension}"
        target = tmp_path / download.suggested_filename
        download.save_as(target)
        sizes[extension] = target.stat().st_size
        response = page.request.get(f"{demo_server.url}/reports/{report.pk}.{extension}")
        assert response.headers["content-type"] == content_type
        # The PDF is the issued file, byte for byte; the XLSX embeds its creation time.
        if extension == "pdf":
            assert response.body() == target.read_bytes()
        assert abs(len(response.body()) - sizes[extension]) < 100
    assert sizes["pdf"] > 20_000 and sizes["docx"] > 20_000 and sizes["xlsx"] > 5_000, sizes

    text = subprocess.run(
        ["pdftotext", "-layout", str(tmp_path / "bao-cao-20-BC-BCD-v1.pdf"), "-"], capture_output=True, check=True
    ).stdout.decode()
    assert "Số: 20/BC-BCĐ" in text and "Đầm Hà, ngày 20 tháng 12 năm 2024" in text
    assert re.search(r"Năm 2024, tình hình an ninh, trật tự trên địa bàn huyện", text)


def test_print_view_looks_like_paper(login, demo_server, screenshot):
    report_demo.load()
    page = login("lanhdao")
    report = ReportDocument.objects.get(number="15/BC-BCĐ")
    page.goto(f"{demo_server.url}/reports/{report.pk}/print/")
    expect(page.locator(".doc-national")).to_have_text("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    expect(page.locator(".doc-place-date")).to_have_text("Đầm Hà, ngày 08 tháng 7 năm 2024")
    screenshot("report-print-view")
    # On a phone: the paper shrinks to the screen, no sideways scrolling.
    page.set_viewport_size({"width": 375, "height": 800})
    expect(page.locator(".doc-code")).to_have_text(f"Mã xác thực: {report.verification_code}")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot("report-print-view-375")
    page.emulate_media(media="print")
    expect(page.locator(".doc-toolbar")).to_be_hidden()


def test_commune_officer_cannot_open_reports(login, demo_server):
    report_demo.load()
    page = login("congan.quangtan")
    response = page.goto(f"{demo_server.url}/reports/")
    assert response.status == 403


def test_a_recipient_checks_the_report_at_verify(page, demo_server, screenshot, tmp_path):
    """Anyone, not logged in: the code from the page, then the PDF itself, then a changed copy."""
    report_demo.load()
    report = ReportDocument.objects.get(number="15/BC-BCĐ")
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{demo_server.url}/verify/")
        page.get_by_label("Mã xác thực").fill(report.verification_code.lower())
        page.get_by_role("button", name="Kiểm tra").click()
        expect(page.locator("#verify-verdict")).to_have_text("Mã xác thực hợp lệ: đây là văn bản do hệ thống ban hành.")
        expect(page.locator("#verify-number")).to_have_text("15/BC-BCĐ")
        expect(page.locator("#verify-signature")).to_contain_text("Còn nguyên vẹn")
        screenshot(f"verify-code-{width}")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    issued = tmp_path / "bc.pdf"
    issued.write_bytes(bytes(report.pdf))
    page.goto(f"{demo_server.url}/verify/")
    page.get_by_label("Hoặc tải lên tệp PDF đã nhận").set_input_files(str(issued))
    page.get_by_role("button", name="Kiểm tra").click()
    expect(page.locator("#verify-verdict")).to_contain_text("không bị thay đổi")
    data = bytearray(issued.read_bytes())
    position = data.index(b"stream", len(data) // 4) + 40
    data[position] ^= 1
    changed = tmp_path / "bc-changed.pdf"
    changed.write_bytes(bytes(data))
    page.get_by_label("Hoặc tải lên tệp PDF đã nhận").set_input_files(str(changed))
    page.get_by_role("button", name="Kiểm tra").click()
    expect(page.locator("#verify-verdict")).to_contain_text("KHÔNG khớp")
    expect(page.locator("#verify-signature")).to_contain_text("KHÔNG còn nguyên vẹn")
    screenshot("verify-changed-file")
