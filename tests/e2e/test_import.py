"""The administrator's journey: import figures from a file in the browser, see the
refusal of a broken file (nothing written), then a good file land as submitted."""

from playwright.sync_api import expect

from indicators.models import Figure, Submission, SubmissionStatus

BROKEN = "unit_code,indicator_code,period,value,note\n06913,TTXH_VU,2024-H2,-3,\n06913,KHONG_CO,2024-H2,1,\n"
GOOD = "unit_code,indicator_code,period,value,note\n06913,TTXH_VU,2024-H2,2,nhập từ tệp\n06913,MT_TUDIEM,2024-H2,0,\n"


def test_administrator_imports_figures_from_a_file(login, demo_server, page, screenshot, tmp_path):
    figures_before = Figure.objects.count()
    login("admin")
    page.goto(f"{demo_server.url}/import/")
    broken = tmp_path / "so-lieu-loi.csv"
    broken.write_text(BROKEN, encoding="utf-8")
    page.set_input_files("input[type=file]", str(broken))
    page.get_by_role("button", name="Nhập").click()
    page.wait_for_load_state("networkidle")
    body = page.locator("main")
    expect(body).to_contain_text("Không nhập: tệp có 2 lỗi; chưa ghi số liệu nào.")
    expect(body).to_contain_text("Dòng 2: giá trị -3 là số âm; số liệu không được âm.")
    expect(body).to_contain_text("Dòng 3: không có chỉ tiêu mã “KHONG_CO”.")
    assert Figure.objects.count() == figures_before  # all or nothing: nothing written
    screenshot("import-1-refused")

    good = tmp_path / "so-lieu.csv"
    good.write_text(GOOD, encoding="utf-8")
    page.set_input_files("input[type=file]", str(good))
    page.get_by_role("button", name="Nhập").click()
    page.wait_for_load_state("networkidle")
    expect(page.locator(".alert-success")).to_contain_text("Đã nhập 2 số liệu vào 1 báo cáo")
    path = screenshot("import-2-done")
    assert path.stat().st_size > 10_000
    submission = Submission.objects.get(unit__code="06913", period__code="2024-H2")
    assert submission.status == SubmissionStatus.SUBMITTED
    assert dict(submission.figures.values_list("indicator__code", "value")) == {"TTXH_VU": 2, "MT_TUDIEM": 0}
