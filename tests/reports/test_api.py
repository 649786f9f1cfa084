"""The progress API (DESIGN.md "Progress API"): exact JSON, errors and scope."""

import json

import pytest
from django.urls import reverse

from committees.models import AdministrativeUnit, Level, Role
from indicators.models import Period, SubmissionStatus
from tests import factories as f


def api_url(unit_code, period_code):
    return reverse("reports:api_progress", args=[unit_code, period_code])


@pytest.fixture
def small(db):
    """District 200 with communes C1, C2; hand-checked figures for 2023-H1 and 2024-H1."""
    for code in ("2023-H1", "2024-H1", "2024"):
        f.period(code)
    _province, district, (c1, c2) = f.tree(communes=("C1", "C2"))
    district.name = "Huyện Thử"
    district.save()
    plan = f.plan("111/KH-UBND")
    vu = f.indicator("VU", name="Số vụ", order=1)
    lamro = f.indicator("LAMRO", name="Số vụ làm rõ", order=2)
    tyle = f.indicator("TYLE", kind="rate", name="Tỷ lệ làm rõ", measure="%", numerator=lamro, denominator=vu, order=3)
    bat = f.indicator("BAT", entry_level=Level.DISTRICT, name="Số vụ bắt", order=4)
    year, h1, last = (Period.objects.get(code=c) for c in ("2024", "2024-H1", "2023-H1"))
    f.target(vu, district, year, "reduce_by", 1, plan)
    f.target(vu, c1, year, "at_most", 3)
    f.target(tyle, district, h1, "at_least", 75)
    f.target(bat, district, year, "at_least", 4, plan)
    f.submission(c1, last, SubmissionStatus.APPROVED, VU=4)
    f.submission(c2, last, SubmissionStatus.APPROVED, VU=2)
    f.submission(c1, h1, SubmissionStatus.APPROVED, VU=3, LAMRO=3)
    f.submission(c2, h1, SubmissionStatus.SUBMITTED, VU=2, LAMRO=1)
    f.submission(district, h1, SubmissionStatus.APPROVED, BAT=3)
    return district


def _coverage(expected, reported, approved):
    return {"expected": expected, "reported": reported, "approved": approved}


def _child(unit, name, actual, status, coverage):
    return {"unit": unit, "name": name, "actual": actual, "status": status, "coverage": coverage}


# Hand-computed for 200 / 2024-H1:
# - VU: 3 + 2 = 5; 2023-H1: 4 + 2 = 6; change −1; year target reduce_by 1 → cumulative 5,
#   L = 6, 6 − 5 = 1 ≥ 1 → achieved; C1 3 ≤ its own at_most 3 → achieved; C2 no target.
# - LAMRO: 3 + 1 = 4, nothing last year → null, change null, no target.
# - TYLE: 4 / 5 × 100 = 80 (C1 3/3 = 100, C2 1/2 = 50); own H1 target ≥ 75 → achieved;
#   last year: LAMRO null → null; a rate has no percent.
# - BAT (district-entered): 3; year target ≥ 4 → cumulative 3, in_progress, 75 %.
# - completeness: 200 (enters BAT), C1, C2 = 3 expected; 3 submitted; 200 and C1 approved = 2.
# - coverage (unit, half) pairs: only 2024-H1 exists in the year's window, so every row
#   counts the communes of 2024-H1: 2 expected, 2 reported (a rate: both parts), C1
#   approved; BAT the district itself (1/1/1) and none below it in a commune (0/0/0).
# - cumulative_last_year: VU's year window shifted a year: 2023-H1 = 6; the others null.
EXPECTED = {
    "unit": {"code": "200", "name": "Huyện Thử", "level": "district"},
    "period": {"code": "2024-H1", "start": "2023-12-15", "end": "2024-06-14"},
    "completeness": {"expected": 3, "submitted": 3, "approved": 2},
    "rows": [
        {
            "indicator": "VU",
            "name": "Số vụ",
            "measure": "vụ",
            "kind": "count",
            "actual": 5,
            "numerator": None,
            "denominator": None,
            "cumulative": 5,
            "cumulative_last_year": 6,
            "same_period_last_year": 6,
            "change": -1,
            "target": {"comparison": "reduce_by", "value": 1, "period": "2024", "plan": "111/KH-UBND"},
            "percent": None,
            "status": "achieved",
            "coverage": _coverage(2, 2, 1),
            "children": [
                _child("C1", "Đơn vị C1", 3, "achieved", _coverage(1, 1, 1)),
                _child("C2", "Đơn vị C2", 2, "no_target", _coverage(1, 1, 0)),
            ],
        },
        {
            "indicator": "LAMRO",
            "name": "Số vụ làm rõ",
            "measure": "vụ",
            "kind": "count",
            "actual": 4,
            "numerator": None,
            "denominator": None,
            "cumulative": 4,
            "cumulative_last_year": None,
            "same_period_last_year": None,
            "change": None,
            "target": None,
            "percent": None,
            "status": "no_target",
            "coverage": _coverage(2, 2, 1),
            "children": [
                _child("C1", "Đơn vị C1", 3, "no_target", _coverage(1, 1, 1)),
                _child("C2", "Đơn vị C2", 1, "no_target", _coverage(1, 1, 0)),
            ],
        },
        {
            "indicator": "TYLE",
            "name": "Tỷ lệ làm rõ",
            "measure": "%",
            "kind": "rate",
            "actual": 80.0,
            "numerator": 4,
            "denominator": 5,
            "cumulative": 80.0,
            "cumulative_last_year": None,
            "same_period_last_year": None,
            "change": None,
            "target": {"comparison": "at_least", "value": 75, "period": "2024-H1", "plan": None},
            "percent": None,
            "status": "achieved",
            "coverage": _coverage(2, 2, 1),
            "children": [
                _child("C1", "Đơn vị C1", 100.0, "no_target", _coverage(1, 1, 1)),
                _child("C2", "Đơn vị C2", 50.0, "no_target", _coverage(1, 1, 0)),
            ],
        },
        {
            "indicator": "BAT",
            "name": "Số vụ bắt",
            "measure": "vụ",
            "kind": "count",
            "actual": 3,
            "numerator": None,
            "denominator": None,
            "cumulative": 3,
            "cumulative_last_year": None,
            "same_period_last_year": None,
            "change": None,
            "target": {"comparison": "at_least", "value": 4, "period": "2024", "plan": "111/KH-UBND"},
            "percent": 75.0,
            "status": "in_progress",
            "coverage": _coverage(1, 1, 1),
            "children": [
                _child("C1", "Đơn vị C1", None, "no_target", _coverage(0, 0, 0)),
                _child("C2", "Đơn vị C2", None, "no_target", _coverage(0, 0, 0)),
            ],
        },
    ],
}


def _walk_numbers(value, path=""):
    """Every (path, value) of the payload that should be a number or null."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _walk_numbers(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _walk_numbers(item, f"{path}[{index}]")
    else:
        yield path, value


NUMERIC_KEYS = {
    "expected",
    "submitted",
    "approved",
    "actual",
    "numerator",
    "denominator",
    "cumulative",
    "cumulative_last_year",
    "same_period_last_year",
    "reported",
    "change",
    "value",
    "percent",
}


def test_exact_json_for_a_small_case(small, client):
    client.force_login(f.user("xem", (Role.VIEW, small)))
    response = client.get(api_url("200", "2024-H1"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    payload = json.loads(response.content)
    assert payload == EXPECTED
    # Numbers are JSON numbers (never strings) and codes are strings.
    for path, value in _walk_numbers(payload):
        key = path.rsplit(".", 1)[-1]
        if key in NUMERIC_KEYS:
            assert value is None or type(value) in (int, float), (path, value)
        elif key in ("indicator", "unit", "period", "plan", "code"):
            assert value is None or isinstance(value, str), (path, value)
    # Counts stay whole numbers in the text, not "5.0" or "5.00".
    assert '"actual": 5,' in response.content.decode()
    assert '"value": 1,' in response.content.decode()


def test_vietnamese_is_sent_as_utf8_not_escaped(small, client):
    client.force_login(f.user("xem", (Role.VIEW, small)))
    body = client.get(api_url("200", "2024-H1")).content.decode("utf-8")
    assert "Huyện Thử" in body


def test_commune_payload_has_no_district_indicator(small, client):
    client.force_login(f.user("xem", (Role.VIEW, small)))
    payload = client.get(api_url("C2", "2024-H1")).json()
    # C2: VU 2 (no own target), LAMRO 1, TYLE 1/2 = 50; BAT is entered by the district only.
    assert [r["indicator"] for r in payload["rows"]] == ["VU", "LAMRO", "TYLE"]
    assert [(r["actual"], r["status"]) for r in payload["rows"]] == [
        (2, "no_target"),
        (1, "no_target"),
        (50.0, "no_target"),
    ]
    assert all(r["children"] == [] for r in payload["rows"])
    assert payload["completeness"] == {"expected": 1, "submitted": 1, "approved": 0}


def test_unknown_unit_or_period_is_404(small, client):
    client.force_login(f.user("root", superuser=True))
    for url in (api_url("99999", "2024-H1"), api_url("200", "2030-H1"), api_url("200", "bogus")):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "error" in response.json()


def test_outside_scope_is_403(small, client):
    c1 = AdministrativeUnit.objects.get(code="C1")
    client.force_login(f.user("congan.c1", (Role.ENTRY, c1)))
    assert client.get(api_url("C1", "2024-H1")).status_code == 200
    for code in ("200", "C2", "22"):
        response = client.get(api_url(code, "2024-H1"))
        assert response.status_code == 403, code
        assert "error" in response.json()


def test_anonymous_gets_401(small, client):
    response = client.get(api_url("200", "2024-H1"))
    assert response.status_code == 401
    assert response.json() == {"error": "Cần đăng nhập."}


def test_post_is_not_allowed(small, client):
    client.force_login(f.user("root", superuser=True))
    assert client.post(api_url("200", "2024-H1")).status_code == 405


@pytest.mark.parametrize(
    ("username", "expected"),
    [
        ("admin", 200),
        ("lanhdao", 200),
        ("duyet", 200),
        ("vanphong", 200),
        ("congan.quangtan", 403),
        ("congan.damha", 403),
    ],
)
def test_demo_cast_on_the_district(demo, client, django_user_model, username, expected):
    client.force_login(django_user_model.objects.get(username=username))
    assert client.get(api_url("200", "2024-H1")).status_code == expected


def test_demo_commune_officer_sees_own_commune_only(demo, client, django_user_model):
    client.force_login(django_user_model.objects.get(username="congan.quangtan"))
    assert client.get(api_url("06913", "2024-H1")).status_code == 200
    assert client.get(api_url("06916", "2024-H1")).status_code == 403


@pytest.fixture
def demo_payload(demo, client, django_user_model):
    client.force_login(django_user_model.objects.get(username="lanhdao"))
    response = client.get(api_url("200", "2024-H1"))
    assert response.status_code == 200
    return response.json()


def _row(payload, code):
    return next(r for r in payload["rows"] if r["indicator"] == code)


def test_demo_drug_cases_5_of_5(demo_payload):
    r = _row(demo_payload, "MT_BAT_XLHS")
    # "Bắt xử lý hình sự 5/5 vụ (Đạt 100%)": district figure 5, 2024 quota ≥ 5 (Plan 111).
    assert r["actual"] == 5
    assert r["cumulative"] == 5
    assert r["target"] == {"comparison": "at_least", "value": 5, "period": "2024", "plan": "111/KH-UBND"}
    assert r["percent"] == 100
    assert r["status"] == "achieved"
    assert r["same_period_last_year"] == 4


def test_demo_trafficking_cases_2_of_annual_2(demo_payload):
    r = _row(demo_payload, "MT_MUABAN_2DT")
    # "đạt 100% chỉ tiêu công tác năm 2024" already at mid-year: 2 of the annual 2.
    assert (r["actual"], r["cumulative"], r["percent"], r["status"]) == (2, 2, 100, "achieved")
    assert r["target"] == {"comparison": "at_least", "value": 2, "period": "2024", "plan": "111/KH-UBND"}


def test_demo_social_order_crimes_down_1(demo_payload):
    r = _row(demo_payload, "TTXH_VU")
    # "kéo giảm 1 vụ so với cùng kỳ": 2024-H1 8 against 2023-H1 9.
    assert (r["actual"], r["same_period_last_year"], r["change"]) == (8, 9, -1)
    assert r["target"]["comparison"] == "reduce_by"
    assert r["target"]["value"] == 1
    assert r["status"] == "achieved"
    assert sum(child["actual"] for child in r["children"]) == 8


def test_demo_no_drug_hotspots_anywhere(demo_payload):
    r = _row(demo_payload, "MT_TUDIEM")
    # "Chưa phát hiện có điểm, tụ điểm": 0 in the district and 0 in each of the 9 communes.
    assert (r["actual"], r["status"]) == (0, "achieved")
    assert r["target"] == {"comparison": "at_most", "value": 0, "period": "2024", "plan": "111/KH-UBND"}
    assert len(r["children"]) == 9
    assert {child["actual"] for child in r["children"]} == {0}
    assert {child["status"] for child in r["children"]} == {"achieved"}


def test_demo_completeness(demo_payload):
    # 2024-H1: district 200 + 9 communes (Quảng Lợi ended in 2019), all approved.
    assert demo_payload["completeness"] == {"expected": 10, "submitted": 10, "approved": 10}


def test_demo_2024_h1_has_complete_coverage_everywhere(demo_payload):
    # Every statement of the news item stands on complete data: no row or child is
    # provisional, every coverage is reported = expected.
    for r in demo_payload["rows"]:
        assert r["status"] != "incomplete", r["indicator"]
        assert r["coverage"]["reported"] == r["coverage"]["expected"] > 0, r["indicator"]
        for child in r["children"]:
            assert child["coverage"]["reported"] == child["coverage"]["expected"], (r["indicator"], child["unit"])


@pytest.fixture
def demo_h2(demo, client, django_user_model):
    client.force_login(django_user_model.objects.get(username="lanhdao"))
    response = client.get(api_url("200", "2024-H2"))
    assert response.status_code == 200
    return response.json()


def _judged(payload):
    return {
        r["indicator"]: (r["cumulative"], r["status"], tuple(r["coverage"].values()))
        for r in payload["rows"]
        if r["target"] is not None
    }


def test_demo_2024_h2_is_provisional_where_missing_reports_could_change_it(demo_h2):
    # 2024-H2: six communes counted (06895, 06898, 06901, 06910, 06919 submitted; 06904
    # approved); 06916 and 06917 are drafts, 06913 has not started; the district has not
    # reported its own figures. Every target is the year's.
    # Flows (sum) and rates: window 2024-H1 + 2024-H2 = 9 + 9 commune pairs, 9 + 6
    # reported, 9 + 1 approved; district-entered: 1 + 1 pairs, 1 reported and approved.
    # Stocks (last) and the status: 2024-H2 only, 9 pairs, 6 reported, 1 approved.
    assert _judged(demo_h2) == {
        # 8 + (1 + 1 + 1 + 0 + 1 + 0) = 12; L = 9 + 10 = 19; 19 − 12 = 7 ≥ 1 holds, but
        # the 3 missing communes could add cases → incomplete.
        "TTXH_VU": (12, "incomplete", (18, 15, 10)),
        # A rate is incomplete while its coverage is: (7 + 4) / (8 + 4) = 11/12 = 91.67 %.
        "TTXH_TYLE": (pytest.approx(1100 / 12), "incomplete", (18, 15, 10)),
        # The district's H2 inputs are missing: 38 / 40 = 95 %, incomplete.
        "TG_TYLE": (95.0, "incomplete", (2, 1, 1)),
        # 0 ≤ 0 holds with 6/9: the missing communes could report a hotspot.
        "MT_TUDIEM": (0, "incomplete", (9, 6, 1)),
        # 5 ≥ 5 and 2 ≥ 2 hold already: more reports can only add → achieved.
        "MT_BAT_XLHS": (5, "achieved", (2, 1, 1)),
        "MT_MUABAN_2DT": (2, "achieved", (2, 1, 1)),
        # 7 + (1 + 1 + 1 + 0 + 1 + 1) = 12 ≥ 12 → achieved.
        "MT_HOSO_CAI": (12, "achieved", (18, 15, 10)),
        # 2 + 1 + 1 + 1 + 1 + 1 = 7 < 9 with 3 communes missing → incomplete, not a failure.
        "ANTT_MOHINH": (7, "incomplete", (9, 6, 1)),
        # 6 communes meet both criteria ≥ 6 → achieved.
        "MT_XA_SACH": (6, "achieved", (9, 6, 1)),
    }
    assert demo_h2["completeness"] == {"expected": 10, "submitted": 6, "approved": 1}


def test_demo_2024_h2_non_reporters_are_never_failures(demo_h2):
    hotspots = _row(demo_h2, "MT_TUDIEM")
    by_unit = {c["unit"]: (c["actual"], c["status"], tuple(c["coverage"].values())) for c in hotspots["children"]}
    # Own targets at_most 0: reporters 0 ≤ 0 with 1/1 → achieved; 06913 (nothing), 06916 and
    # 06917 (drafts) → no value → no_data, never not_achieved.
    assert by_unit["06904"] == (0, "achieved", (1, 1, 1))
    assert by_unit["06895"] == (0, "achieved", (1, 1, 0))
    for code in ("06913", "06916", "06917"):
        assert by_unit[code] == (None, "no_data", (1, 0, 0)), code
