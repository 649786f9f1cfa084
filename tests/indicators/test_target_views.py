"""/targets/ pages: who may use them (every demo user), the grid through the page, plans
and their scans, the query count of the grid, and the commune officer's read-only targets."""

import datetime
import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from committees.models import AdministrativeUnit, Level, Plan, PlanScan, Role
from indicators import targets
from indicators.fixtures.demo import COMMUNE_CODES, USERS
from indicators.models import Period, Target
from tests import factories

DEMO_USERS = [username for username, *_rest in USERS]  # every demo account
# A minimal valid PDF (header, one empty page, cross-reference table, trailer).
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"xref\n0 4\n0000000000 65535 f \ntrailer<</Size 4/Root 1 0 R>>\nstartxref\n0\n%%EOF\n"
)


def _client(username=None):
    client = Client()
    if username:
        client.force_login(get_user_model().objects.get(username=username))
    return client


@pytest.fixture
def plan_2025(demo):
    return Plan.objects.create(
        number="30/KH-BCĐ",
        issued_on=datetime.date(2025, 1, 10),
        issuer="Ban Chỉ đạo 138 huyện Đầm Hà",
        title="Kế hoạch năm 2025",
        unit=AdministrativeUnit.objects.get(code="200"),
    )


def test_who_may_use_the_targets_pages(plan_2025):
    """Exact status of every /targets/ page for every demo user (and anonymous)."""
    PlanScan.objects.create(plan=plan_2025, filename="kh30.pdf", content=PDF, size=len(PDF), sha256="x")
    office_only = dict.fromkeys(DEMO_USERS, 403) | {"admin": 200, "vanphong": 200}
    assert len(office_only) == 9  # lanhdao.tinh and duyet.tinh (province 22) among them
    pages = {
        reverse("indicators:targets"): office_only,
        reverse("indicators:plan_create"): office_only,
        reverse("indicators:plan_edit", args=[plan_2025.pk]): office_only,
        reverse("indicators:target_grid", args=["200", 2025]): office_only,
        reverse("indicators:target_grid", args=["06916", 2025]): office_only,  # a commune's own grid
        reverse("indicators:target_split", args=["200", 2025, "MT_HOSO_CAI"]): office_only,
        reverse("indicators:target_xlsx", args=["200", 2025]): office_only,
        reverse("indicators:target_upload", args=["200", 2025]): office_only,
        reverse("indicators:target_history", args=["200", 2025]): office_only,
        # The scan of a district plan: everyone whose units lie in or above the district.
        reverse("indicators:plan_scan", args=[plan_2025.pk]): dict.fromkeys(DEMO_USERS, 200),
        # Unknown unit and year: 403 before anything is looked up for non-office users.
        reverse("indicators:target_grid", args=["99999", 2025]): {**office_only, "admin": 404, "vanphong": 404},
        reverse("indicators:target_grid", args=["200", 2031]): {**office_only, "admin": 404, "vanphong": 404},
    }
    found = {}
    for url, expected in pages.items():
        assert set(expected) == set(DEMO_USERS)
        anonymous = Client().get(url)
        assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/"), url
        for username in DEMO_USERS:
            found[(url, username)] = _client(username).get(url).status_code
    assert found == {(url, user): status for url, table in pages.items() for user, status in table.items()}


def test_office_of_another_district_is_refused(plan_2025):
    other = factories.unit("201", level=Level.DISTRICT, parent=AdministrativeUnit.objects.get(code="22"))
    stranger = factories.user("vanphong.khac", (Role.OFFICE, other))
    client = Client()
    client.force_login(stranger)
    assert client.get(reverse("indicators:targets")).status_code == 200
    for url in (
        reverse("indicators:target_grid", args=["200", 2025]),
        reverse("indicators:target_xlsx", args=["200", 2025]),
        reverse("indicators:plan_edit", args=[plan_2025.pk]),
        reverse("indicators:plan_scan", args=[plan_2025.pk]),
    ):
        assert client.get(url).status_code == 403, url
    response = client.post(reverse("indicators:target_copy", args=["200", 2025]), {"plan": plan_2025.pk})
    assert response.status_code == 403
    page = client.get(reverse("indicators:targets")).content.decode()
    assert "30/KH-BCĐ" not in page and "111/KH-UBND" not in page  # district 200's plans
    assert "96/2019/QH14" in page  # a national document is everyone's


def test_grid_page_saves_through_the_form(plan_2025):
    client = _client("vanphong")
    url = reverse("indicators:target_grid", args=["200", 2025])
    page = client.get(url, {"plan": plan_2025.pk})
    html = page.content.decode()
    assert page.status_code == 200
    assert html.count('name="v_') == 5 + 10 * 10  # district-only indicators: 5 cells; the others: 10 each
    seen = re.search(r'name="seen" value="([0-9a-f]+)"', html).group(1)
    response = client.post(
        url,
        {
            "plan": plan_2025.pk,
            "seen": seen,
            "reason": "Giao chỉ tiêu năm 2025",
            "c_MT_BAT_XLHS__200": "at_least",
            "v_MT_BAT_XLHS__200": "6",
            "c_MT_TUDIEM__06916": "at_most",
            "v_MT_TUDIEM__06916": "0",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == f"{url}?plan={plan_2025.pk}"
    saved = Target.objects.filter(period__code="2025", unit__code__in=["200", *COMMUNE_CODES])
    assert sorted(saved.values_list("indicator__code", "unit__code", "comparison", "value", "plan__number")) == [
        ("MT_BAT_XLHS", "200", "at_least", Decimal(6), "30/KH-BCĐ"),
        ("MT_TUDIEM", "06916", "at_most", Decimal(0), "30/KH-BCĐ"),
    ]
    # A bad cell: 400, the message, the value kept in its cell, nothing written.
    response = client.post(
        url,
        {"plan": plan_2025.pk, "reason": "Sửa", "c_MT_BAT_XLHS__200": "at_least", "v_MT_BAT_XLHS__200": "5,5"},
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Chưa lưu gì: 1 ô chưa hợp lệ" in html
    assert "Chỉ tiêu này chỉ nhận số nguyên." in html
    assert 'value="5,5"' in html
    assert saved.get(indicator__code="MT_BAT_XLHS").value == Decimal(6)
    # Without a reason: refused with the form's message.
    response = client.post(url, {"plan": plan_2025.pk, "c_MT_BAT_XLHS__200": "at_least", "v_MT_BAT_XLHS__200": "8"})
    assert response.status_code == 400
    assert "Cần ghi lý do thay đổi." in response.content.decode()
    assert saved.get(indicator__code="MT_BAT_XLHS").value == Decimal(6)


def test_copy_and_split_through_the_pages(plan_2025):
    client = _client("vanphong")
    response = client.post(reverse("indicators:target_copy", args=["200", 2025]), {"plan": plan_2025.pk})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Đã sao chép 27 chỉ tiêu từ năm 2024; giữ nguyên 0 ô đã có chỉ tiêu năm 2025" in page
    url = reverse("indicators:target_split", args=["200", 2025, "MT_HOSO_CAI"])
    page = client.get(url, {"plan": plan_2025.pk}).content.decode()
    assert "≥ 12 hồ sơ" in page
    assert re.findall(r'name="s_(\d+)" id="s-\d+" value="(\d+)"', page) == list(
        zip(COMMUNE_CODES, ["2", "2", "2", "1", "1", "1", "1", "1", "1"], strict=True)
    )
    shares = {f"s_{code}": "1" for code in COMMUNE_CODES}
    response = client.post(url, {"plan": plan_2025.pk, "reason": "Chia", **shares})
    assert response.status_code == 400
    assert "Tổng các đơn vị là 9, khác chỉ tiêu của Huyện Đầm Hà (12): chênh lệch -3. Chưa lưu gì." in (
        response.content.decode()
    )
    shares.update({"s_06895": "2", "s_06913": "2", "s_06916": "2"})
    response = client.post(url, {"plan": plan_2025.pk, "reason": "Chia", **shares})
    assert response.status_code == 302
    assert (
        Target.objects.filter(indicator__code="MT_HOSO_CAI", period__code="2025", unit__level="commune")
        .exclude(unit__code__endswith="-2025")
        .count()
        == 9
    )
    history = client.get(reverse("indicators:target_history", args=["200", 2025])).content.decode()
    assert history.count("<tr>") == 1 + 27 + 9  # header, copies, shares
    assert "Sao chép chỉ tiêu năm 2024" in history and "Chia" in history
    # 2024's rows were written by load_demo: no user, no reason — shown as "—".
    response = client.get(reverse("indicators:target_history", args=["200", 2024]))
    assert response.status_code == 200
    assert response.content.decode().count("<tr>") == 1 + 27


def test_grid_page_queries_do_not_grow_with_units_or_indicators(db):
    """The grid page takes the same queries for 2 communes × 2 indicators and 8 × 8."""

    def build(suffix, communes, indicators):
        province = factories.unit(f"P{suffix}", level=Level.PROVINCE)
        district = factories.unit(f"D{suffix}", level=Level.DISTRICT, parent=province)
        units = [district] + [factories.unit(f"C{suffix}{n}", parent=district) for n in range(communes)]
        year = factories.period("2025")
        plan = factories.plan(f"{suffix}/KH-UBND")
        made = [factories.indicator(f"I{suffix}{n}") for n in range(indicators)]
        for indicator in made:
            for unit in units:
                factories.target(indicator, unit, year, "at_least", 1, plan)
        office = factories.user(f"vp{suffix}", (Role.OFFICE, district))
        return district, office

    def count(district, office):
        client = Client()
        client.force_login(office)
        url = reverse("indicators:target_grid", args=[district.code, 2025])
        client.get(url)  # session and caches warm
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200
        return len(captured.captured_queries), response.content.decode().count('name="v_')

    small = count(*build("A", 2, 2))
    Target.objects.all().delete()
    large = count(*build("B", 8, 8))
    # Indicators are global: the large grid also lists the small one's two (without targets).
    assert (small[1], large[1]) == (2 * 3, (8 + 2) * 9)
    assert small[0] == large[0], (small, large)


def test_plan_with_scan_created_checked_and_served(demo):
    client = _client("vanphong")
    district = AdministrativeUnit.objects.get(code="200")
    fields = {
        "number": "30/KH-BCĐ",
        "issued_on": "2025-01-10",
        "issuer": "Ban Chỉ đạo 138 huyện Đầm Hà",
        "title": "Kế hoạch năm 2025",
        "unit": district.pk,
    }

    def post(data, name="kh30.pdf", url=None):
        upload = SimpleUploadedFile(name, data, "application/pdf")
        return client.post(url or reverse("indicators:plan_create"), {**fields, "scan": upload})

    refused = {
        b"<html>not a pdf</html>": "không phải là PDF",
        PDF[:-20]: "không đầy đủ",
        PDF.replace(b"/Type/Catalog", b"/Type/Catalog/OpenAction<</S/JavaScript/JS(app.alert(1))>>"): "mã chạy tự động",
    }
    for data, message in refused.items():
        response = post(data)
        assert response.status_code == 400
        assert message in response.content.decode()
    response = post(PDF, name="scan.png")
    assert "Bản scan phải là tệp PDF (.pdf)." in response.content.decode()
    assert not Plan.objects.filter(number="30/KH-BCĐ").exists()

    assert post(PDF).status_code == 302
    plan = Plan.objects.get(number="30/KH-BCĐ")
    assert (plan.unit.code, plan.scan.filename, plan.scan.size, bytes(plan.scan.content)) == (
        "200",
        "kh30.pdf",
        len(PDF),
        PDF,
    )
    assert plan.history.get().history_user.username == "vanphong"
    download = client.get(reverse("indicators:plan_scan", args=[plan.pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == 'attachment; filename="kh30.pdf"'
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download.content == PDF
    # A Vietnamese file name travels as RFC 6266's filename* (UTF-8), never a broken header.
    post(PDF, name="kế hoạch 30.pdf", url=reverse("indicators:plan_edit", args=[plan.pk]))
    download = client.get(reverse("indicators:plan_scan", args=[plan.pk]))
    assert download["Content-Disposition"] == "attachment; filename*=utf-8''k%E1%BA%BF%20ho%E1%BA%A1ch%2030.pdf"
    # Too large: 10 MB and a byte.
    big = PDF[:-6] + b" " * (10 * 1024 * 1024) + b"%%EOF\n"
    response = post(big, url=reverse("indicators:plan_edit", args=[plan.pk]))
    assert response.status_code == 400
    assert "Tệp lớn quá 10 MB" in response.content.decode()
    assert bytes(Plan.objects.get(pk=plan.pk).scan.content) == PDF
    # The office may not file a plan under a unit outside its scope (the form offers none).
    outside = {**fields, "number": "1/KH-UBND", "unit": AdministrativeUnit.objects.get(code="22").pk}
    response = client.post(reverse("indicators:plan_create"), outside)
    assert response.status_code == 400
    assert not Plan.objects.filter(number="1/KH-UBND").exists()


def test_the_commune_officer_sees_their_own_targets_read_only(demo):
    response = _client("congan.damha").get(reverse("indicators:entry", args=["06916", "2024-H2"]))
    html = response.content.decode()
    assert response.status_code == 200
    section = html[html.index('id="own-targets"') : html.index("</details>")]
    assert "Chỉ tiêu được giao cho Xã Đầm Hà (2)" in section
    assert "≥ 1 mô hình" in section and "≤ 0 điểm" in section and "111/KH-UBND" in section
    assert "<input" not in section and "<select" not in section


def test_year_periods_only(demo):
    assert targets.year_period(2024) == Period.objects.get(code="2024")
    assert targets.year_period(2030) is None
