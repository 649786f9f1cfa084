"""The district dashboard, its XLSX export and the period switcher."""

import html
import io
import json
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from committees.models import Role
from indicators.models import Period, SubmissionStatus
from tests import factories as f


def dashboard_url(unit_code, period_code):
    return reverse("reports:dashboard", args=[unit_code, period_code])


def xlsx_url(unit_code, period_code):
    return reverse("reports:dashboard_xlsx", args=[unit_code, period_code])


def text(fragment):
    """Visible text of an HTML fragment, whitespace collapsed."""
    fragment = re.sub(r"<script.*?</script>", " ", fragment, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", fragment))).strip()


def table_row(page, code):
    match = re.search(rf'<tr id="row-{code}".*?</tr>', page, flags=re.S)
    assert match, f"no row for {code}"
    return match.group(0)


def cell(row_html, css_class):
    """Visible text of the row's cell with that class (the per-unit details left out)."""
    match = re.search(rf'<td class="{css_class}"[^>]*>(.*?)</td>', row_html, flags=re.S)
    assert match, css_class
    return text(re.sub(r"<details.*?</details>", " ", match.group(1), flags=re.S))


def section(page, element_id):
    match = re.search(rf'<(section|details|div)[^>]*id="{element_id}".*?</\1>', page, flags=re.S)
    assert match, element_id
    return match.group(0)


def scorecard_rows(page):
    """{unit name: [cell texts]} of the unit × indicator scorecard."""
    body = re.search(r'<table class="table table-sm scorecard.*?<tbody>(.*?)</tbody>', page, flags=re.S).group(1)
    rows = {}
    for row in re.findall(r"<tr.*?</tr>", body, flags=re.S):
        name = text(re.search(r"<th[^>]*>(.*?)</th>", row, flags=re.S).group(1))
        rows[name] = [text(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)]
    return rows


@pytest.fixture
def as_user(client, django_user_model):
    def _login(username):
        client.force_login(django_user_model.objects.get(username=username))
        return client

    return _login


@pytest.fixture
def demo_page(demo, as_user):
    response = as_user("lanhdao").get(dashboard_url("200", "2024-H1"))
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def h2_page(demo, as_user):
    response = as_user("lanhdao").get(dashboard_url("200", "2024-H2"))
    assert response.status_code == 200
    return response.content.decode()


# ----------------------------------------------------------- the article on screen


def test_header_names_unit_and_period_window(demo_page):
    assert '<h1 class="h3 mb-0">Huyện Đầm Hà</h1>' in demo_page
    assert "6 tháng đầu năm 2024 (15/12/2023 – 14/06/2024)" in text(demo_page)


def test_tiles_count_targets_by_status_in_words(demo_page, h2_page):
    # 2024-H1, complete: 8 of 9 district targets achieved, the rehabilitation files in progress.
    assert text(section(demo_page, "tiles")) == (
        "Tóm tắt 8 ✓ Đạt 0 ✗ Chưa đạt 1 ◔ Đang thực hiện 0 ≈ Tạm tính 10/10 10/10 đơn vị đã gửi, 10 đã duyệt "
        "Trên 9 chỉ tiêu được giao cho đơn vị trong kỳ."
    )
    # 2024-H2: 6 of 10 submitted; a verdict only where the missing reports cannot change it.
    assert text(section(h2_page, "tiles")) == (
        "Tóm tắt 4 ✓ Đạt 0 ✗ Chưa đạt 0 ◔ Đang thực hiện 5 ≈ Tạm tính 6/10 6/10 đơn vị đã gửi, 1 đã duyệt "
        "Chưa gửi: Huyện Đầm Hà, Xã Quảng Tân, Xã Đầm Hà, Xã Tân Lập "
        "Trên 9 chỉ tiêu được giao cho đơn vị trong kỳ."
    )
    assert 'class="tile tile-reporting tile-missing"' in h2_page


def test_drug_cases_row_reads_5_of_5(demo_page):
    row = table_row(demo_page, "MT_BAT_XLHS")
    assert (
        cell(row, "ind-name")
        == "Bắt, xử lý hình sự tội phạm về ma túy (vụ) Chỉ tiêu: ≥ 5 vụ (Kế hoạch số 111/KH-UBND ngày 19/4/2024)"
    )
    # Same period last year 4 → ▲ up 1; H1 is the whole year to date, so no second pair.
    assert cell(row, "pair pair-period") == "6 tháng đầu năm 2024: 5 vụ Cùng kỳ 2023: 4 vụ ▲ tăng 1 vụ"
    assert cell(row, "pair pair-ytd") == "như kỳ này"
    assert cell(row, "verdict") == "✓ Đạt 6 tháng đầu năm 2024: 5 vụ; chỉ tiêu ≥ 5 vụ (đạt 100%) 100%"
    assert '<span class="status-badge st-achieved">' in row
    assert '<progress class="w-100" max="100" value="100"' in row


def test_social_order_crimes_row_reads_down_1(demo_page):
    row = table_row(demo_page, "TTXH_VU")
    assert cell(row, "pair pair-period") == "6 tháng đầu năm 2024: 8 vụ Cùng kỳ 2023: 9 vụ ▼ giảm 1 vụ"
    assert cell(row, "verdict") == (
        "✓ Đạt 6 tháng đầu năm 2024: 8 vụ so với 9 vụ cùng kỳ, giảm 1 vụ; chỉ tiêu giảm ít nhất 1 vụ so với cùng kỳ"
    )


def test_h2_rows_keep_period_and_year_to_date_apart_and_say_provisional(h2_page):
    row = table_row(h2_page, "TTXH_VU")
    # The period's own 4 cases against 10; the year to date 12 against 19 — each labelled.
    assert cell(row, "pair pair-period") == "6 tháng cuối năm 2024: 4 vụ Cùng kỳ 2023: 10 vụ ▼ giảm 6 vụ"
    assert cell(row, "pair pair-ytd") == "Lũy kế năm 2024: 12 vụ Lũy kế cùng kỳ 2023: 19 vụ ▼ giảm 7 vụ"
    assert cell(row, "verdict") == (
        "≈ Tạm tính Lũy kế năm 2024: 12 vụ so với 19 vụ cùng kỳ, giảm 7 vụ; chỉ tiêu giảm ít nhất 1 vụ so với "
        "cùng kỳ Tạm tính — 6/9 đơn vị đã báo cáo"
    )
    # 7 models while three communes have not reported: provisional, not "Chưa đạt".
    models = table_row(h2_page, "ANTT_MOHINH")
    assert cell(models, "verdict") == (
        "≈ Tạm tính 6 tháng cuối năm 2024: 7 mô hình; chỉ tiêu ≥ 9 mô hình (đạt 77,8%) "
        "Tạm tính — 6/9 đơn vị đã báo cáo 78%"
    )
    # Both H2 inputs of the crime-report rate are missing: provisional, never "Đạt".
    rate = table_row(h2_page, "TG_TYLE")
    assert cell(rate, "pair pair-period") == "6 tháng cuối năm 2024: — Cùng kỳ 2023: 92,1%"
    assert cell(rate, "verdict").startswith("≈ Tạm tính Lũy kế năm 2024: 95%; chỉ tiêu ≥ 90%")
    # 5 + 0 arrests already meet the annual quota of 5: settled although the district's H2 is missing.
    arrests = table_row(h2_page, "MT_BAT_XLHS")
    assert cell(arrests, "verdict") == (
        "✓ Đạt Lũy kế năm 2024: 5 vụ; chỉ tiêu ≥ 5 vụ (đạt 100%) Tạm tính — 1/2 kỳ 6 tháng đã báo cáo; "
        "kết quả đánh giá không thay đổi khi đủ báo cáo 100%"
    )


def test_annual_quota_in_progress_badge_and_percent(demo_page):
    row = table_row(demo_page, "MT_HOSO_CAI")
    # 7 files of the annual 12 at mid-year: 58.3 %, still in progress.
    assert cell(row, "verdict") == "◔ Đang thực hiện 6 tháng đầu năm 2024: 7 hồ sơ; chỉ tiêu ≥ 12 hồ sơ (đạt 58,3%) 58%"
    assert '<span class="status-badge st-in-progress">' in row
    assert '<progress class="w-100" max="100" value="58"' in row


def test_rate_row_shows_the_percentage_with_a_decimal_comma(demo_page):
    row = table_row(demo_page, "TTXH_TYLE")
    # Σ solved 7 / Σ crimes 8 = 87.5 %.
    assert cell(row, "pair pair-period") == "6 tháng đầu năm 2024: 87,5% Cùng kỳ 2023: 77,8% ▲ tăng 9,7 điểm %"


def test_row_without_target_has_its_badge(demo_page):
    row = table_row(demo_page, "MT_NGHIEN_QL")
    assert cell(row, "pair pair-period") == "6 tháng đầu năm 2024: 30 người Cùng kỳ 2023: 34 người ▼ giảm 4 người"
    assert cell(row, "verdict") == "· Chưa giao chỉ tiêu"


def test_scorecard_units_by_targeted_indicators(demo_page, h2_page):
    header = re.search(r'<table class="table table-sm scorecard.*?</thead>', demo_page, flags=re.S).group(0)
    assert [html.unescape(h) for h in re.findall(r'<th scope="col" class="sc-head">([^<]+?) <span', header)] == [
        "Số vụ phạm tội về trật tự xã hội",
        "Tỷ lệ điều tra, khám phá án về TTXH",
        "Mô hình tự quản về ANTT",
        "Điểm, tụ điểm, điểm có nguy cơ phức tạp về ma túy",
        "Hồ sơ đưa người nghiện đi cai nghiện bắt buộc",
        "Xã, thị trấn đạt tiêu chí “sạch ma túy”",
    ]
    rows = scorecard_rows(demo_page)
    assert len(rows) == 10
    # The district's own verdict per column first, on the basis it was judged on.
    assert rows["Huyện Đầm Hà (đánh giá)"] == [
        "8 vụ ✓ Đạt",
        "87,5% ✓ Đạt",
        "10 mô hình ✓ Đạt",
        "0 điểm ✓ Đạt",
        "7 hồ sơ ◔ Đang thực hiện",
        "8 xã ✓ Đạt",
    ]
    assert rows["Xã Quảng Tân"] == ["1 vụ", "100%", "1 mô hình ✓ Đạt", "0 điểm ✓ Đạt", "1 hồ sơ", "Đạt tiêu chí"]
    assert rows["Xã Đầm Hà"] == ["1 vụ", "0%", "1 mô hình ✓ Đạt", "0 điểm ✓ Đạt", "1 hồ sơ", "Chưa đạt tiêu chí"]
    # 2024-H2: the three communes that have not reported are one grey line, never a failure.
    h2 = scorecard_rows(h2_page)
    assert h2["Huyện Đầm Hà (đánh giá)"] == [
        "lũy kế 12 vụ ≈ Tạm tính",
        "lũy kế 91,7% ≈ Tạm tính",
        "7 mô hình ≈ Tạm tính",
        "0 điểm ≈ Tạm tính",
        "lũy kế 12 hồ sơ ✓ Đạt",
        "6 xã ✓ Đạt",
    ]
    for name in ("Xã Quảng Tân", "Xã Đầm Hà", "Xã Tân Lập"):
        assert h2[name] == ["∅ chưa báo cáo"]
    assert h2["Xã Dực Yên"] == ["1 vụ", "100%", "1 mô hình ✓ Đạt", "0 điểm ✓ Đạt", "1 hồ sơ", "Đạt tiêu chí"]
    assert "Không đạt" not in text(section(h2_page, "scorecard"))
    assert "Chưa đạt" not in text(section(h2_page, "scorecard"))


def test_criteria_table_never_shows_a_non_reporter_as_failing(h2_page, demo_page):
    checklist = section(h2_page, "checklist-MT_XA_SACH")
    rows = {
        text(re.search(r"<th[^>]*>(.*?)</th>", r, flags=re.S).group(1)): [
            text(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", r, flags=re.S)
        ]
        for r in re.findall(r"<tr>\s*<th scope=\"row\".*?</tr>", checklist, flags=re.S)
    }
    assert len(rows) == 9
    assert set(rows["Xã Tân Lập"]) == {"∅ chưa báo cáo"}
    assert rows["Xã Quảng Tân"][-1] == "∅ chưa báo cáo"
    assert "Không đạt" not in text(checklist)
    # 2024-H1: Xã Đầm Hà reported and fails the full-management criterion: a real failure.
    h1 = section(demo_page, "checklist-MT_XA_SACH")
    assert "✗ Không đạt" in text(h1) and "✗ Chưa đạt tiêu chí" in text(h1)


def test_hotspots_by_unit_reads_0_points_in_every_commune(demo_page):
    row = table_row(demo_page, "MT_TUDIEM")
    children = re.findall(r'<li><a href="/dashboard/(\d+)/2024-H1/">[^<]+</a>:\s*([^<]+?)\s*<span', row)
    assert len(children) == 9
    assert {value for _code, value in children} == {"0 điểm"}


def test_district_entered_rows_list_no_communes(demo_page):
    assert "Theo đơn vị" not in table_row(demo_page, "MT_BAT_XLHS")


def test_completeness_names_the_missing_units(h2_page):
    # 2024-H2: 6 communes submitted (06904 approved); the district, Quảng Tân (not
    # started), Đầm Hà and Tân Lập (drafts) are missing.
    missing = re.search(r'<p class="tile-note" id="completeness-missing">(.*?)</p>', h2_page, flags=re.S)
    assert text(missing.group(1)) == "Chưa gửi: Huyện Đầm Hà, Xã Quảng Tân, Xã Đầm Hà, Xã Tân Lập"


def test_drill_down_links_and_commune_page(demo, as_user):
    client = as_user("lanhdao")
    page = client.get(dashboard_url("200", "2024-H1")).content.decode()
    assert '<th scope="row"><a href="/dashboard/06913/2024-H1/">Xã Quảng Tân</a></th>' in page
    commune = client.get(dashboard_url("06913", "2024-H1")).content.decode()
    # Quảng Tân: its own figures, no district-entered rows, no scorecard, breadcrumbs up to the district.
    assert cell(table_row(commune, "TTXH_VU"), "pair pair-period").startswith("6 tháng đầu năm 2024: 1 vụ")
    assert cell(table_row(commune, "MT_TUDIEM"), "verdict").startswith("✓ Đạt 6 tháng đầu năm 2024: 0 điểm")
    assert 'id="row-MT_BAT_XLHS"' not in commune
    assert 'id="scorecard"' not in commune
    # A yes/no at its own level reads as a word, with no "không đổi" after it.
    assert cell(table_row(commune, "MT_QL_DAYDU"), "pair pair-period") == "6 tháng đầu năm 2024: Có Cùng kỳ 2023: Có"
    assert '<a href="/dashboard/200/2024-H1/">Huyện Đầm Hà</a>' in commune
    assert "1/1 đơn vị đã gửi, 1 đã duyệt" in text(commune)


def test_breadcrumbs_link_only_units_in_scope(demo, as_user):
    def crumbs(username, unit_code):
        page = as_user(username).get(dashboard_url(unit_code, "2024-H1")).content.decode()
        trail = re.search(r'<ol class="breadcrumb">(.*?)</ol>', page, flags=re.S).group(1)
        return re.findall(r'<li class="breadcrumb-item[^"]*"[^>]*>\s*(.*?)\s*</li>', trail, flags=re.S)

    # The leader's scope is district 200: the province is named, not linked (it would be 403).
    assert crumbs("lanhdao", "06913") == [
        "Tỉnh Quảng Ninh",
        '<a href="/dashboard/200/2024-H1/">Huyện Đầm Hà</a>',
        "Xã Quảng Tân",
    ]
    assert crumbs("admin", "200") == ['<a href="/dashboard/22/2024-H1/">Tỉnh Quảng Ninh</a>', "Huyện Đầm Hà"]
    assert crumbs("congan.quangtan", "06913") == ["Tỉnh Quảng Ninh", "Huyện Đầm Hà", "Xã Quảng Tân"]


def test_chart_data_goes_through_json_script_only(demo_page):
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", demo_page, flags=re.S)
    inline = [attrs for attrs, body in scripts if body.strip() and 'type="application/json"' not in attrs]
    assert inline == []
    assert '<script src="/static/js/dashboard.js" defer></script>' in demo_page
    assert 'id="chart-children"' in demo_page and 'id="chart-trend"' in demo_page


def chart_data(page):
    """The charts' json_script data (the body may come from the cache: no template context)."""
    data = re.search(r'<script id="chart-data" type="application/json">(.*?)</script>', page, flags=re.S)
    return {c["code"]: c for c in json.loads(data.group(1))["charts"]}


def test_chart_data_matches_the_roll_up(demo_page):
    charts = chart_data(demo_page)
    crimes = charts["TTXH_VU"]
    assert crimes["values"] == [2, 1, 0, 1, 1, 1, 1, 0, 1]
    assert crimes["trendLabels"] == ["2023-H1", "2023-H2", "2024-H1"]
    assert crimes["trend"] == [9, 10, 8]
    assert charts["MT_TUDIEM"]["targets"] == [0.0] * 9
    assert crimes["whole"] is True and charts["TTXH_TYLE"]["whole"] is False
    # The annual quota of 12 files is not a line over half-year values; a rate's threshold is.
    assert charts["MT_HOSO_CAI"]["target"] is None and charts["TTXH_TYLE"]["target"] == 75.0


def test_chart_tells_not_reported_from_zero_and_draws_targets_on_their_basis(h2_page):
    charts = chart_data(h2_page)
    crimes = charts["TTXH_VU"]
    # Tân Bình and Đại Bình had 0 cases; Quảng Tân, Đầm Hà and Tân Lập have not reported.
    assert crimes["values"] == [1, 1, 1, 0, 1, None, None, None, 0]
    assert crimes["reported"] == [True, True, True, True, True, False, False, False, True]
    # A year quota is not drawn over half-year figures (another basis); a stock's is.
    assert charts["MT_HOSO_CAI"]["target"] is None
    assert charts["MT_HOSO_CAI"]["note"] == "Chỉ tiêu năm (≥ 12 hồ sơ) so với lũy kế, không vẽ trên số liệu từng kỳ."
    assert charts["ANTT_MOHINH"]["target"] == 9.0


# ----------------------------------------------------------------- XLSX export


def test_xlsx_export_holds_numbers_as_numbers(demo, as_user):
    response = as_user("lanhdao").get(xlsx_url("200", "2024-H1"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"] == 'attachment; filename="tien-do-200-2024-H1.xlsx"'
    book = load_workbook(io.BytesIO(response.content))
    sheet = book["Tiến độ"]
    assert sheet["A1"].value == "Huyện Đầm Hà — 6 tháng đầu năm 2024"
    assert sheet["A2"].value == "Đơn vị đã gửi: 10/10; đã duyệt: 10"
    rows = {r[0]: r for r in sheet.iter_rows(min_row=5, values_only=True)}
    bat = rows["MT_BAT_XLHS"]
    # code, name, measure, target text, target value, plan, actual, cumulative, last year,
    # change, percent, status, then coverage (expected, reported, approved) and L
    assert bat[2:] == ("vụ", "≥ 5 vụ", 5, "111/KH-UBND", 5, 5, 4, 1, 100, "Đạt", 1, 1, 1, 4)
    assert type(bat[6]) is int
    assert isinstance(bat[4], int | float) and isinstance(bat[10], int | float)
    crimes = rows["TTXH_VU"]
    assert crimes[6:11] == (8, 8, 9, -1, None)
    # The nine communes, all approved; L = 2023-H1's 9.
    assert crimes[12:] == (9, 9, 9, 9)
    rate = rows["TTXH_TYLE"]
    assert rate[6] == pytest.approx(87.5)
    detail = book["Theo đơn vị"]
    header = [c.value for c in detail[1]]
    assert header[:4] == ["Mã", "Chỉ tiêu", "ĐVT", "Thị trấn Đầm Hà"]
    by_code = {r[0]: r for r in detail.iter_rows(min_row=2, values_only=True)}
    assert by_code["TTXH_VU"][3:] == (2, 1, 0, 1, 1, 1, 1, 0, 1)


def test_xlsx_export_carries_coverage_of_an_incomplete_period(demo, as_user):
    book = load_workbook(io.BytesIO(as_user("lanhdao").get(xlsx_url("200", "2024-H2")).content))
    sheet = book["Tiến độ"]
    assert sheet["A2"].value == "Đơn vị đã gửi: 6/10; đã duyệt: 1"
    rows = {r[0]: r for r in sheet.iter_rows(min_row=5, values_only=True)}
    # Status, then (expected, reported, approved) pairs: the year's window for flows
    # (9 + 9 communes, 9 + 6 reported, 9 + 1 approved), the last half for stocks.
    assert rows["TTXH_VU"][11:15] == ("Tạm tính", 18, 15, 10)
    assert rows["ANTT_MOHINH"][11:15] == ("Tạm tính", 9, 6, 1)
    assert rows["MT_BAT_XLHS"][11:15] == ("Đạt", 2, 1, 1)


# ----------------------------------------------------------------- permissions


@pytest.mark.parametrize(
    ("username", "unit_code", "expected"),
    [
        ("admin", "200", 200),
        ("lanhdao", "200", 200),
        ("duyet", "200", 200),
        ("vanphong", "200", 200),
        ("lanhdao", "06916", 200),
        ("congan.quangtan", "06913", 200),
        ("congan.quangtan", "200", 403),
        ("congan.quangtan", "06916", 403),
        ("congan.damha", "06916", 200),
        ("congan.damha", "06913", 403),
        ("lanhdao", "22", 403),
    ],
)
def test_fixed_cast_dashboard_and_export(demo, as_user, username, unit_code, expected):
    client = as_user(username)
    assert client.get(dashboard_url(unit_code, "2024-H1")).status_code == expected
    assert client.get(xlsx_url(unit_code, "2024-H1")).status_code == expected


def test_anonymous_is_sent_to_login(demo, client):
    for url in (dashboard_url("200", "2024-H1"), xlsx_url("200", "2024-H1")):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == f"/accounts/login/?next={url}"


def test_unknown_unit_or_period_is_404(demo, as_user):
    client = as_user("admin")
    assert client.get(dashboard_url("99999", "2024-H1")).status_code == 404
    assert client.get(dashboard_url("200", "2031-H1")).status_code == 404


def test_period_switcher_redirects_within_scope(demo, as_user):
    client = as_user("lanhdao")
    response = client.get(reverse("reports:period_switch"), {"unit": "200", "period": "2024-H2"})
    assert response.status_code == 302
    assert response["Location"] == "/dashboard/200/2024-H2/"
    officer = as_user("congan.quangtan")
    assert officer.get(reverse("reports:period_switch"), {"unit": "200", "period": "2024-H2"}).status_code == 403
    assert officer.get(reverse("reports:period_switch"), {"unit": "06913", "period": "2099"}).status_code == 404


# ----------------------------------------------------------------- query counts


def _scale(n_communes, n_indicators):
    """District 200 with n communes and n indicators, each with targets and figures."""
    for code in ("2023-H1", "2023-H2", "2023", "2024-H1", "2024-H2", "2024"):
        f.period(code)
    _p, district, communes = f.tree(communes=[f"Q{i:02d}" for i in range(n_communes)])
    committee = f.committee(district)
    plan = f.plan()
    year = Period.objects.get(code="2024")
    indicators = [f.indicator(f"K{i:02d}", committee=committee, plan=plan, section="1") for i in range(n_indicators)]
    for indicator in indicators:
        f.target(indicator, district, year, "at_least", 3, plan)
        for commune in communes:
            f.target(indicator, commune, year, "at_least", 1, plan)
    for code in ("2023-H1", "2023-H2", "2024-H1"):
        for commune in communes:
            f.submission(
                commune, Period.objects.get(code=code), SubmissionStatus.APPROVED, **{i.code: 1 for i in indicators}
            )
    return f.user("xem", (Role.VIEW, district))


# Large enough that a query per unit or per indicator would show (the counts are exact).
SCALES = [(1, 1), (6, 1), (1, 10), (6, 10)]
# A page whose data has not changed since it was last computed: session, user, the data
# version, the user's roles (the unit, its ancestors and the period come with the cached
# page; the access check runs on them).
CACHED = 4


@pytest.mark.parametrize(("n_communes", "n_indicators"), SCALES)
def test_dashboard_query_count_is_constant(db, client, django_assert_num_queries, n_communes, n_indicators):
    client.force_login(_scale(n_communes, n_indicators))
    # session, user, roles, unit; the data version (indicators/datacache.py); every period
    # (the page's and the switcher's, which the roll-up reads its year from); the roll-up's
    # other queries (the trend summed in its statement). (The session is not written: its
    # expiry moves at most once a minute, damha.middleware.)
    with django_assert_num_queries(10):
        response = client.get(dashboard_url("200", "2024-H1"))
    assert response.status_code == 200
    assert response.content.decode().count('<tr id="row-K') == n_indicators
    # Every commune reported 1 per indicator: the district reads n/3 with n communes.
    assert f"6 tháng đầu năm 2024: {n_communes} vụ; chỉ tiêu ≥ 3 vụ" in text(response.content.decode())
    # Unchanged data: the body comes from the cache, the same bytes, the roll-up not run.
    with django_assert_num_queries(CACHED):
        again = client.get(dashboard_url("200", "2024-H1"))
    assert again.context["body"] == response.context["body"]  # the page around it has a fresh CSRF token


@pytest.mark.parametrize(("n_communes", "n_indicators"), SCALES)
def test_api_query_count_is_constant(db, client, django_assert_num_queries, n_communes, n_indicators):
    client.force_login(_scale(n_communes, n_indicators))
    # session, user, roles, unit, every period (the roll-up reads its year from them), the
    # data version and the roll-up's other 4.
    with django_assert_num_queries(10):
        response = client.get(reverse("reports:api_progress", args=["200", "2024-H1"]))
    payload = response.json()
    assert len(payload["rows"]) == n_indicators
    assert {len(r["children"]) for r in payload["rows"]} == {n_communes}
    assert {r["actual"] for r in payload["rows"]} == {n_communes}
    with django_assert_num_queries(CACHED):  # unchanged data: from the cache
        again = client.get(reverse("reports:api_progress", args=["200", "2024-H1"]))
    assert again.content == response.content


@pytest.mark.parametrize(("n_communes", "n_indicators"), SCALES)
def test_xlsx_query_count_is_constant(db, client, django_assert_num_queries, n_communes, n_indicators):
    client.force_login(_scale(n_communes, n_indicators))
    with django_assert_num_queries(10):  # as the API without the data version: the same roll-up
        response = client.get(xlsx_url("200", "2024-H1"))
    assert response.status_code == 200
