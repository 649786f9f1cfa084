"""The district dashboard, its XLSX export and the period switcher."""

import html
import io
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


def cell(row_html, css_class=None, label=None):
    if css_class:
        match = re.search(rf'<td class="{css_class}"[^>]*>(.*?)</td>', row_html, flags=re.S)
    else:
        match = re.search(rf'<td[^>]*data-label="{label}"[^>]*>(.*?)</td>', row_html, flags=re.S)
    assert match, (css_class, label)
    return text(match.group(1))


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


# ----------------------------------------------------------- the article on screen


def test_header_names_unit_and_period_window(demo_page):
    assert '<h1 class="h3 mb-1">Huyện Đầm Hà</h1>' in demo_page
    assert "6 tháng đầu năm 2024 (15/12/2023 – 14/06/2024)" in text(demo_page)


def test_drug_cases_row_reads_5_of_5(demo_page):
    row = table_row(demo_page, "MT_BAT_XLHS")
    # District figure 5 against the annual quota of 5 (cumulative to mid-year).
    assert cell(row, "result") == "Lũy kế: 5/5 vụ, đạt 100%"
    assert cell(row, label="Chỉ tiêu giao") == "≥ 5 vụ Kế hoạch số 111/KH-UBND ngày 19/4/2024"
    assert cell(row, label="Đánh giá") == "Đạt"
    assert 'class="badge text-bg-success status-badge">Đạt<' in row
    assert '<progress class="w-100" max="100" value="100"' in row
    # Same period last year 4 → ▲ up 1.
    assert cell(row, label="Cùng kỳ") == "4 vụ ▲ tăng 1 vụ so với cùng kỳ"


def test_trafficking_row_reads_2_of_2(demo_page):
    row = table_row(demo_page, "MT_MUABAN_2DT")
    assert cell(row, "result") == "Lũy kế: 2/2 vụ, đạt 100%"
    assert cell(row, label="Đánh giá") == "Đạt"


def test_social_order_crimes_row_reads_down_1(demo_page):
    row = table_row(demo_page, "TTXH_VU")
    # 8 this half against 9 in 2023-H1.
    assert cell(row, "result") == "Lũy kế: 8 vụ, giảm 1 vụ so với cùng kỳ"
    assert cell(row, label="Cùng kỳ") == "9 vụ ▼ giảm 1 vụ so với cùng kỳ"
    assert cell(row, label="Chỉ tiêu giao") == ("giảm ít nhất 1 vụ so với cùng kỳ Kế hoạch số 25/KH-BCĐ ngày 15/1/2024")
    assert cell(row, label="Đánh giá") == "Đạt"


def test_hotspots_row_reads_0_points_in_every_commune(demo_page):
    row = table_row(demo_page, "MT_TUDIEM")
    assert cell(row, "result") == "Lũy kế: 0 điểm"
    assert cell(row, label="Đánh giá") == "Đạt"
    children = re.findall(r'<li><a href="/dashboard/(\d+)/2024-H1/">[^<]+</a>: ([^<]+?)\s*<span', row)
    assert len(children) == 9
    assert {value for _code, value in children} == {"0 điểm"}


def test_annual_quota_in_progress_badge_and_percent(demo_page):
    row = table_row(demo_page, "MT_HOSO_CAI")
    # 7 files of the annual 12 at mid-year: 58.3 %, still in progress.
    assert cell(row, "result") == "Lũy kế: 7/12 hồ sơ, đạt 58,3%"
    assert 'class="badge text-bg-warning status-badge">Đang thực hiện<' in row
    assert '<progress class="w-100" max="100" value="58"' in row


def test_rate_row_shows_the_percentage_with_a_decimal_comma(demo_page):
    row = table_row(demo_page, "TTXH_TYLE")
    # Σ solved 7 / Σ crimes 8 = 87.5 %.
    assert cell(row, "result") == "Lũy kế: 87,5%"


def test_row_without_target_has_its_badge(demo_page):
    row = table_row(demo_page, "MT_NGHIEN_QL")
    assert cell(row, "result") == "30 người"
    assert 'class="badge text-bg-secondary status-badge">Chưa giao chỉ tiêu<' in row


def test_completeness_and_summary(demo_page):
    page = text(demo_page)
    assert "10/10 đơn vị đã gửi, 10 đã duyệt" in page
    assert "Chưa gửi:" not in page
    # 9 targets at the district; all but the rehabilitation files (in progress) achieved.
    assert "Đạt 8/9 chỉ tiêu được giao." in page


def test_completeness_names_the_missing_units(demo, as_user):
    page = as_user("lanhdao").get(dashboard_url("200", "2024-H2")).content.decode()
    # 2024-H2: 6 communes submitted (06904 approved); the district, Quảng Tân (not
    # started), Đầm Hà and Tân Lập (drafts) are missing.
    assert "6/10 đơn vị đã gửi, 1 đã duyệt" in text(page)
    missing = re.search(r'<p class="mb-0 small" id="completeness-missing">(.*?)</p>', page, flags=re.S)
    assert text(missing.group(1)) == "Chưa gửi: Huyện Đầm Hà, Xã Quảng Tân, Xã Đầm Hà, Xã Tân Lập"


def test_drill_down_links_and_commune_page(demo, as_user):
    client = as_user("lanhdao")
    page = client.get(dashboard_url("200", "2024-H1")).content.decode()
    assert 'href="/dashboard/06913/2024-H1/">Xã Quảng Tân</a>' in page
    commune = client.get(dashboard_url("06913", "2024-H1")).content.decode()
    # Quảng Tân: its own figures, no district-entered rows, breadcrumbs up to the district.
    assert cell(table_row(commune, "TTXH_VU"), "result") == "1 vụ"
    assert cell(table_row(commune, "MT_TUDIEM"), "result") == "Lũy kế: 0 điểm"
    assert 'id="row-MT_BAT_XLHS"' not in commune
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


def test_chart_data_matches_the_roll_up(demo, as_user):
    response = as_user("lanhdao").get(dashboard_url("200", "2024-H1"))
    charts = {c["code"]: c for c in response.context["charts"]["charts"]}
    crimes = charts["TTXH_VU"]
    assert crimes["values"] == [2, 1, 0, 1, 1, 1, 1, 0, 1]
    assert crimes["trendLabels"] == ["2023-H1", "2023-H2", "2024-H1"]
    assert crimes["trend"] == [9, 10, 8]
    assert charts["MT_TUDIEM"]["targets"] == [0.0] * 9


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


SCALES = [(1, 1), (12, 1), (1, 30), (12, 30)]
# A page whose data has not changed since it was last computed: session, user, the data
# version, the user's roles (the unit, its ancestors and the period come with the cached
# page; the access check runs on them).
CACHED = 4


@pytest.mark.parametrize(("n_communes", "n_indicators"), SCALES)
def test_dashboard_query_count_is_constant(db, client, django_assert_num_queries, n_communes, n_indicators):
    client.force_login(_scale(n_communes, n_indicators))
    # session, user, roles, unit, period; the data version (indicators/datacache.py); the
    # roll-up's queries (the trend summed in its statement); the periods. (The session is
    # not written: its expiry moves at most once a minute, damha.middleware.)
    with django_assert_num_queries(14):
        response = client.get(dashboard_url("200", "2024-H1"))
    assert response.status_code == 200
    assert response.content.decode().count('<tr id="row-K') == n_indicators
    # Every commune reported 1 per indicator: the district reads n/3 with n communes.
    assert f"Lũy kế: {n_communes}/3 vụ" in text(response.content.decode())
    # Unchanged data: the body comes from the cache, the same bytes, the roll-up not run.
    with django_assert_num_queries(CACHED):
        again = client.get(dashboard_url("200", "2024-H1"))
    assert again.context["body"] == response.context["body"]  # the page around it has a fresh CSRF token


@pytest.mark.parametrize(("n_communes", "n_indicators"), SCALES)
def test_api_query_count_is_constant(db, client, django_assert_num_queries, n_communes, n_indicators):
    client.force_login(_scale(n_communes, n_indicators))
    # session, user, roles, unit, period, the data version and the roll-up's 7.
    with django_assert_num_queries(13):
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
    with django_assert_num_queries(12):  # as the API without the data version: the same roll-up
        response = client.get(xlsx_url("200", "2024-H1"))
    assert response.status_code == 200
