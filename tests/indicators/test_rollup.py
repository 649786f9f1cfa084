"""The roll-up against DESIGN.md "Roll-up semantics (contract)", bullet by bullet.

Every expected number is computed by hand in the comment above its assertion, on small
data built with tests/factories.py. Periods follow Decree 09: 2024-H1 is 15/12/2023 –
14/6/2024, 2024-H2 15/6/2024 – 14/12/2024, the year 15/12/2023 – 14/12/2024.
"""

import datetime

import pytest

from committees.models import AdministrativeUnit, Level
from indicators import rollup
from indicators.models import Indicator, Period, SubmissionStatus
from tests import factories as f

DRAFT = SubmissionStatus.DRAFT
SUBMITTED = SubmissionStatus.SUBMITTED
APPROVED = SubmissionStatus.APPROVED
RETURNED = SubmissionStatus.RETURNED

YEAR_CODES = ("2023-H1", "2023-H2", "2023", "2024-H1", "2024-H2", "2024")


def progress(unit, code):
    return rollup.progress(unit, Period.objects.get(code=code))


def row(result, code):
    matches = [r for r in result.rows if r.indicator.code == code]
    assert len(matches) == 1, f"{code} not in rows: {[r.indicator.code for r in result.rows]}"
    return matches[0]


def children(row_):
    return {c.unit.code: (c.actual, c.status) for c in row_.children}


@pytest.fixture
def periods(db):
    return {code: f.period(code) for code in YEAR_CODES}


@pytest.fixture
def district(periods):
    """Province 22 → district 200 → communes C1..C4, all valid throughout."""
    _province, district_, _communes = f.tree(communes=("C1", "C2", "C3", "C4"))
    return district_


def unit(code):
    return AdministrativeUnit.objects.get(code=code)


# ------------------------------------------------------------------ actual, P a half


def test_count_entered_at_unit_level_is_its_own_figure(district):
    f.indicator("VU")
    f.submission(unit("C1"), Period.objects.get(code="2024-H1"), SUBMITTED, VU=3)

    r = row(progress(unit("C1"), "2024-H1"), "VU")
    # C1 enters VU itself: its own figure, 3.
    assert r.actual == 3
    assert r.children == []


def test_count_above_entry_level_is_the_sum_of_children_recursively(district):
    f.indicator("VU")
    other = f.unit("201", level=Level.DISTRICT, parent=unit("22"))
    f.unit("C9", parent=other)
    h1 = Period.objects.get(code="2024-H1")
    for code, value in (("C1", 3), ("C2", 1), ("C3", 0), ("C4", 2), ("C9", 5)):
        f.submission(unit(code), h1, APPROVED, VU=value)

    # District 200: 3 + 1 + 0 + 2 = 6; district 201: 5; province 22: 6 + 5 = 11.
    district_row = row(progress(district, "2024-H1"), "VU")
    assert district_row.actual == 6
    assert children(district_row) == {
        "C1": (3, "no_target"),
        "C2": (1, "no_target"),
        "C3": (0, "no_target"),
        "C4": (2, "no_target"),
    }
    province_row = row(progress(unit("22"), "2024-H1"), "VU")
    assert province_row.actual == 11
    assert children(province_row) == {"200": (6, "no_target"), "201": (5, "no_target")}


def test_drafts_and_returned_submissions_are_not_counted(district):
    f.indicator("VU")
    h1 = Period.objects.get(code="2024-H1")
    f.submission(unit("C1"), h1, SUBMITTED, VU=3)
    f.submission(unit("C2"), h1, DRAFT, VU=50)
    f.submission(unit("C3"), h1, RETURNED, VU=700)
    f.submission(unit("C4"), h1, APPROVED, VU=2)

    r = row(progress(district, "2024-H1"), "VU")
    # Only C1 (submitted, 3) and C4 (approved, 2) count: 3 + 2 = 5.
    assert r.actual == 5
    assert children(r) == {
        "C1": (3, "no_target"),
        "C2": (None, "no_target"),
        "C3": (None, "no_target"),
        "C4": (2, "no_target"),
    }
    # A draft is not the commune's figure either.
    assert row(progress(unit("C2"), "2024-H1"), "VU").actual is None


def test_sum_over_no_values_is_null_never_zero(district):
    f.indicator("VU")
    f.indicator("EMPTY")
    h1 = Period.objects.get(code="2024-H1")
    # C1 reported VU as an explicit 0; EMPTY was left blank (null) by C1 and C2.
    f.submission(unit("C1"), h1, SUBMITTED, VU=0, EMPTY=None)
    f.submission(unit("C2"), h1, SUBMITTED, EMPTY=None)

    result = progress(district, "2024-H1")
    # One real 0 → 0; only blanks → null; nothing at all in 2024-H2 → null.
    assert row(result, "VU").actual == 0
    assert row(result, "EMPTY").actual is None
    assert row(progress(district, "2024-H2"), "VU").actual is None
    assert row(progress(district, "2024"), "VU").actual == 0  # H1 0 + H2 nothing = 0


def test_rate_is_sum_of_numerators_over_sum_of_denominators_not_mean_of_rates(district):
    cases = f.indicator("VU")
    solved = f.indicator("LAMRO")
    # A rate carries entry level "district" yet is always derived, also at a commune.
    f.indicator("TYLE", kind="rate", entry_level=Level.DISTRICT, measure="%", numerator=solved, denominator=cases)
    h1 = Period.objects.get(code="2024-H1")
    f.submission(unit("C1"), h1, SUBMITTED, VU=1, LAMRO=1)  # 100 %
    f.submission(unit("C2"), h1, SUBMITTED, VU=4, LAMRO=1)  # 25 %
    f.submission(unit("C3"), h1, SUBMITTED, VU=0, LAMRO=0)  # 0/0 → null

    r = row(progress(district, "2024-H1"), "TYLE")
    # Σ numerator = 1 + 1 + 0 = 2, Σ denominator = 1 + 4 + 0 = 5 → 2 / 5 × 100 = 40.
    # (The mean of the children's rates would be (100 + 25) / 2 = 62.5.)
    assert r.actual == pytest.approx(40)
    assert r.numerator == 2
    assert r.denominator == 5
    assert children(r) == {
        "C1": (pytest.approx(100), "no_target"),
        "C2": (pytest.approx(25), "no_target"),
        "C3": (None, "no_target"),
        "C4": (None, "no_target"),
    }
    commune = row(progress(unit("C2"), "2024-H1"), "TYLE")
    assert (commune.actual, commune.numerator, commune.denominator) == (pytest.approx(25), 1, 4)


def test_rate_with_null_denominator_is_null(district):
    cases = f.indicator("VU")
    solved = f.indicator("LAMRO")
    f.indicator("TYLE", kind="rate", measure="%", numerator=solved, denominator=cases)
    f.submission(unit("C1"), Period.objects.get(code="2024-H1"), SUBMITTED, LAMRO=2)

    r = row(progress(district, "2024-H1"), "TYLE")
    # numerator 2, denominator never entered (null) → null, not a division by zero.
    assert (r.actual, r.numerator, r.denominator) == (None, 2, None)


def test_yes_no_above_entry_level_counts_units_answering_yes(district):
    f.indicator("QL", kind="yes_no", over_time="last", measure="có/không")
    h1 = Period.objects.get(code="2024-H1")
    f.submission(unit("C1"), h1, SUBMITTED, QL=1)
    f.submission(unit("C2"), h1, SUBMITTED, QL=0)
    f.submission(unit("C3"), h1, APPROVED, QL=1)
    f.submission(unit("C4"), h1, DRAFT, QL=1)  # a draft "yes" does not count

    r = row(progress(district, "2024-H1"), "QL")
    # Yes at C1 and C3 → 2 (C2 answered no, C4 is a draft).
    assert r.actual == 2
    assert children(r) == {
        "C1": (1, "no_target"),
        "C2": (0, "no_target"),
        "C3": (1, "no_target"),
        "C4": (None, "no_target"),
    }
    # At its own level a yes/no is the commune's answer.
    assert row(progress(unit("C2"), "2024-H1"), "QL").actual == 0
    # Nobody answered in 2024-H2 → null, not 0.
    assert row(progress(district, "2024-H2"), "QL").actual is None


def test_district_entered_indicator_is_not_summed_from_communes(district):
    f.indicator("BAT", entry_level=Level.DISTRICT)
    h1 = Period.objects.get(code="2024-H1")
    f.submission(district, h1, APPROVED, BAT=5)
    # A stray commune figure for a district indicator (e.g. an old import).
    f.submission(unit("C1"), h1, SUBMITTED, BAT=100)

    # District: its own figure, 5 — the commune's 100 is ignored.
    r = row(progress(district, "2024-H1"), "BAT")
    assert r.actual == 5
    # Province: the sum over its districts, still 5.
    assert row(progress(unit("22"), "2024-H1"), "BAT").actual == 5
    # A commune has no value for a district indicator: no row at all.
    assert "BAT" not in [r.indicator.code for r in progress(unit("C1"), "2024-H1").rows]


# -------------------------------------------------------------- status indicators


@pytest.fixture
def drug_free(district):
    hotspots = f.indicator("TUDIEM", over_time="last", measure="điểm")
    managed = f.indicator("QL", kind="yes_no", over_time="last", measure="có/không")
    status = f.indicator("SACH", kind="status", over_time="last", measure="xã")
    f.criterion(status, hotspots, "at_most", 0)
    f.criterion(status, managed, "at_least", 1)
    return status


def test_status_from_criteria_at_commune_and_district(drug_free, district):
    h1 = Period.objects.get(code="2024-H1")
    f.submission(unit("C1"), h1, SUBMITTED, TUDIEM=0, QL=1)  # both hold → 1
    f.submission(unit("C2"), h1, SUBMITTED, TUDIEM=1, QL=1)  # fails exactly one → 0
    f.submission(unit("C3"), h1, SUBMITTED, TUDIEM=0)  # QL missing: does not hold → 0
    # C4: no submission → null.

    r = row(progress(district, "2024-H1"), "SACH")
    # Only C1 meets every criterion → 1.
    assert r.actual == 1
    assert children(r) == {
        "C1": (1, "no_target"),
        "C2": (0, "no_target"),
        "C3": (0, "no_target"),
        "C4": (None, "no_target"),
    }
    assert row(progress(unit("C2"), "2024-H1"), "SACH").actual == 0
    assert row(progress(unit("C4"), "2024-H1"), "SACH").actual is None


def test_status_of_a_unit_with_only_a_draft_is_null_and_parent_null_when_all_null(drug_free, district):
    h2 = Period.objects.get(code="2024-H2")
    f.submission(unit("C1"), h2, DRAFT, TUDIEM=0, QL=1)
    f.submission(unit("C2"), h2, RETURNED, TUDIEM=0, QL=1)

    r = row(progress(district, "2024-H2"), "SACH")
    # No unit has a counted submission: every commune null, so the district is null (not 0).
    assert r.actual is None
    assert {code: actual for code, (actual, _s) in children(r).items()} == {
        "C1": None,
        "C2": None,
        "C3": None,
        "C4": None,
    }


def test_status_parent_count_with_target_and_percent(drug_free, district):
    year = Period.objects.get(code="2024")
    f.target(drug_free, district, year, "at_least", 3)
    h1 = Period.objects.get(code="2024-H1")
    f.submission(unit("C1"), h1, SUBMITTED, TUDIEM=0, QL=1)
    f.submission(unit("C2"), h1, SUBMITTED, TUDIEM=0, QL=1)
    f.submission(unit("C3"), h1, SUBMITTED, TUDIEM=2, QL=1)

    r = row(progress(district, "2024-H1"), "SACH")
    # C1 and C2 meet both criteria → 2; annual target ≥ 3; C4 has not reported (coverage
    # 3/4) and could still make it 3 → incomplete, not in_progress; percent 2 / 3 × 100.
    assert r.actual == 2
    assert r.cumulative == 2
    assert r.status == "incomplete"
    assert r.percent == pytest.approx(200 / 3)

    f.submission(unit("C4"), h1, SUBMITTED, TUDIEM=1, QL=1)
    r = row(progress(district, "2024-H1"), "SACH")
    # Every commune reported (4/4), still 2 < 3 and the year is not over → in_progress.
    assert (r.actual, r.status) == (2, "in_progress")


# ------------------------------------------------------------------ P a year


def test_year_of_a_flow_is_the_sum_of_its_halves(district):
    f.indicator("VU")
    f.submission(unit("C1"), Period.objects.get(code="2024-H1"), SUBMITTED, VU=3)
    f.submission(unit("C2"), Period.objects.get(code="2024-H1"), SUBMITTED, VU=1)
    f.submission(unit("C1"), Period.objects.get(code="2024-H2"), SUBMITTED, VU=2)

    r = row(progress(district, "2024"), "VU")
    # H1: 3 + 1 = 4; H2: 2 → year 6. C1: 3 + 2 = 5; C2: 1 + (nothing) = 1.
    assert r.actual == 6
    assert children(r)["C1"] == (5, "no_target")
    assert children(r)["C2"] == (1, "no_target")


def test_year_of_a_stock_is_the_latest_non_null_half_not_the_sum(district):
    f.indicator("NGHIEN", over_time="last", measure="người")
    h1, h2 = Period.objects.get(code="2024-H1"), Period.objects.get(code="2024-H2")
    f.submission(unit("C1"), h1, SUBMITTED, NGHIEN=10)
    f.submission(unit("C2"), h1, SUBMITTED, NGHIEN=5)
    f.submission(unit("C1"), h2, SUBMITTED, NGHIEN=12)
    # C2 has not reported 2024-H2.

    r = row(progress(district, "2024"), "NGHIEN")
    # District: H1 = 10 + 5 = 15, H2 = 12 → the latest non-null half, 12 (never 15 + 12 = 27).
    assert r.actual == 12
    # C1: H2 = 12 (not 22); C2: H2 null, so its latest non-null half, H1 = 5.
    assert children(r)["C1"] == (12, "no_target")
    assert children(r)["C2"] == (5, "no_target")


def test_year_rate_divides_numerator_and_denominator_each_over_the_halves(district):
    cases = f.indicator("VU")  # sum
    solved = f.indicator("LAMRO")  # sum
    # The rate's own over_time ("last") must not be used for a year.
    f.indicator("TYLE", kind="rate", over_time="last", measure="%", numerator=solved, denominator=cases)
    f.submission(unit("C1"), Period.objects.get(code="2024-H1"), SUBMITTED, VU=2, LAMRO=1)  # 50 %
    f.submission(unit("C1"), Period.objects.get(code="2024-H2"), SUBMITTED, VU=3, LAMRO=3)  # 100 %

    r = row(progress(district, "2024"), "TYLE")
    # Σ solved = 1 + 3 = 4, Σ cases = 2 + 3 = 5 → 80 (not H2's 100, not the mean 75).
    assert r.actual == pytest.approx(80)
    assert (r.numerator, r.denominator) == (4, 5)


# ----------------------------------------------------- targets, cumulative, status


def test_annual_at_least_quota_in_progress_at_h1_and_cumulative_at_h2(district):
    bat = f.indicator("BAT", entry_level=Level.DISTRICT)
    quota = f.target(bat, district, Period.objects.get(code="2024"), "at_least", 5, f.plan())
    f.submission(district, Period.objects.get(code="2024-H1"), APPROVED, BAT=2)
    f.submission(district, Period.objects.get(code="2024-H2"), SUBMITTED, BAT=2)

    at_h1 = row(progress(district, "2024-H1"), "BAT")
    # H1: actual 2, cumulative over [2024 start, H1 end] = 2; 2 < 5 and the year runs to
    # 14/12 → in_progress; percent 2 / 5 × 100 = 40.
    assert (at_h1.actual, at_h1.cumulative) == (2, 2)
    assert at_h1.target == quota
    assert at_h1.status == "in_progress"
    assert at_h1.percent == pytest.approx(40)

    at_h2 = row(progress(district, "2024-H2"), "BAT")
    # H2: actual 2, cumulative = H1 2 + H2 2 = 4 < 5 and the year ends with H2 →
    # not_achieved; percent 4 / 5 × 100 = 80.
    assert (at_h2.actual, at_h2.cumulative) == (2, 4)
    assert at_h2.status == "not_achieved"
    assert at_h2.percent == pytest.approx(80)

    year = row(progress(district, "2024"), "BAT")
    # The year itself: actual 4 = cumulative 4, not_achieved, 80 %.
    assert (year.actual, year.cumulative, year.status) == (4, 4, "not_achieved")
    assert year.percent == pytest.approx(80)


def test_annual_quota_reached_over_both_halves_is_achieved(district):
    bat = f.indicator("BAT", entry_level=Level.DISTRICT)
    f.target(bat, district, Period.objects.get(code="2024"), "at_least", 5)
    f.submission(district, Period.objects.get(code="2024-H1"), APPROVED, BAT=2)
    f.submission(district, Period.objects.get(code="2024-H2"), SUBMITTED, BAT=3)

    r = row(progress(district, "2024-H2"), "BAT")
    # cumulative 2 + 3 = 5 ≥ 5 → achieved, 100 %; the half's own actual stays 3.
    assert (r.actual, r.cumulative, r.status) == (3, 5, "achieved")
    assert r.percent == pytest.approx(100)


def test_annual_quota_met_at_h1_is_achieved_already(district):
    bat = f.indicator("BAT", entry_level=Level.DISTRICT)
    f.target(bat, district, Period.objects.get(code="2024"), "at_least", 2)
    f.submission(district, Period.objects.get(code="2024-H1"), APPROVED, BAT=2)

    r = row(progress(district, "2024-H1"), "BAT")
    # 2 ≥ 2 → achieved at mid-year (the article's "đạt 100% chỉ tiêu năm").
    assert (r.cumulative, r.status, r.percent) == (2, "achieved", pytest.approx(100))


def test_stock_cumulative_is_the_actual_of_p_not_a_sum(district):
    models_ = f.indicator("MOHINH", over_time="last", measure="mô hình")
    f.target(models_, unit("C1"), Period.objects.get(code="2024"), "at_least", 3)
    f.submission(unit("C1"), Period.objects.get(code="2024-H1"), SUBMITTED, MOHINH=2)
    f.submission(unit("C1"), Period.objects.get(code="2024-H2"), SUBMITTED, MOHINH=2)

    r = row(progress(unit("C1"), "2024-H2"), "MOHINH")
    # A stock: cumulative = actual of H2 = 2 (never 2 + 2 = 4 ≥ 3); 2 < 3 → not_achieved.
    assert (r.actual, r.cumulative, r.status) == (2, 2, "not_achieved")
    assert r.percent == pytest.approx(200 / 3)


def test_stock_cumulative_is_null_when_p_has_no_value(district):
    models_ = f.indicator("MOHINH", over_time="last", measure="mô hình")
    f.target(models_, unit("C1"), Period.objects.get(code="2024"), "at_least", 1)
    f.submission(unit("C1"), Period.objects.get(code="2024-H1"), SUBMITTED, MOHINH=2)

    r = row(progress(unit("C1"), "2024-H2"), "MOHINH")
    # cumulative = actual of H2 = null (H1's 2 is not carried forward) → no_data.
    assert (r.actual, r.cumulative, r.status, r.percent) == (None, None, "no_data", None)


def test_rate_cumulative_divides_cumulative_parts(district):
    cases = f.indicator("VU")
    solved = f.indicator("LAMRO")
    tyle = f.indicator("TYLE", kind="rate", measure="%", numerator=solved, denominator=cases)
    f.target(tyle, district, Period.objects.get(code="2024"), "at_least", 75)
    f.submission(unit("C1"), Period.objects.get(code="2024-H1"), SUBMITTED, VU=4, LAMRO=4)  # 100 %
    f.submission(unit("C1"), Period.objects.get(code="2024-H2"), SUBMITTED, VU=6, LAMRO=3)  # 50 %
    for code in ("C2", "C3", "C4"):  # complete coverage: every commune reports 0 of 0
        for half in ("2024-H1", "2024-H2"):
            f.submission(unit(code), Period.objects.get(code=half), SUBMITTED, VU=0, LAMRO=0)

    r = row(progress(district, "2024-H2"), "TYLE")
    # H2 actual 3 / 6 = 50; cumulative (4 + 3) / (4 + 6) = 70 < 75, year ends → not_achieved.
    # A rate's percent is null (its value is already a percentage).
    assert r.actual == pytest.approx(50)
    assert r.cumulative == pytest.approx(70)
    assert r.status == "not_achieved"
    assert r.percent is None


def test_at_most_zero_target(district):
    hotspots = f.indicator("TUDIEM", over_time="last", measure="điểm")
    year = Period.objects.get(code="2024")
    f.target(hotspots, unit("C1"), year, "at_most", 0)
    f.target(hotspots, unit("C2"), year, "at_most", 0)
    h1 = Period.objects.get(code="2024-H1")
    f.submission(unit("C1"), h1, SUBMITTED, TUDIEM=0)
    f.submission(unit("C2"), h1, SUBMITTED, TUDIEM=1)

    # C1: 0 ≤ 0 → achieved. C2: 1 > 0 → not_achieved, never in_progress (at_most), even
    # though the year is not over. Percent only for at_least → null.
    c1 = row(progress(unit("C1"), "2024-H1"), "TUDIEM")
    c2 = row(progress(unit("C2"), "2024-H1"), "TUDIEM")
    assert (c1.actual, c1.status, c1.percent) == (0, "achieved", None)
    assert (c2.actual, c2.status, c2.percent) == (1, "not_achieved", None)


def test_reduce_by_against_same_period_last_year(district):
    vu = f.indicator("VU")
    f.target(vu, unit("C1"), Period.objects.get(code="2024-H1"), "reduce_by", 1)
    f.target(vu, unit("C2"), Period.objects.get(code="2024-H1"), "reduce_by", 1)
    f.target(vu, unit("C3"), Period.objects.get(code="2024-H1"), "reduce_by", 1)
    f.target(vu, unit("C4"), Period.objects.get(code="2024-H1"), "reduce_by", 1)
    last, now = Period.objects.get(code="2023-H1"), Period.objects.get(code="2024-H1")
    f.submission(unit("C1"), last, APPROVED, VU=9)
    f.submission(unit("C1"), now, SUBMITTED, VU=8)
    f.submission(unit("C2"), last, APPROVED, VU=3)
    f.submission(unit("C2"), now, SUBMITTED, VU=3)
    f.submission(unit("C3"), now, SUBMITTED, VU=3)  # nothing last year: L null
    f.submission(unit("C4"), last, APPROVED, VU=0)
    f.submission(unit("C4"), now, SUBMITTED, VU=0)

    c1 = row(progress(unit("C1"), "2024-H1"), "VU")
    # L = 9, C = 8: 9 − 8 = 1 ≥ 1 → achieved; change 8 − 9 = −1.
    assert (c1.actual, c1.same_period_last_year, c1.change, c1.status) == (8, 9, -1, "achieved")
    assert c1.percent is None
    c2 = row(progress(unit("C2"), "2024-H1"), "VU")
    # 3 − 3 = 0 < 1 → not_achieved; change 0.
    assert (c2.same_period_last_year, c2.change, c2.status) == (3, 0, "not_achieved")
    c3 = row(progress(unit("C3"), "2024-H1"), "VU")
    # L null → no_data; change null.
    assert (c3.actual, c3.same_period_last_year, c3.change, c3.status) == (3, None, None, "no_data")
    c4 = row(progress(unit("C4"), "2024-H1"), "VU")
    # L = 0 is a real value for reduce_by (only the percentage needs L ≠ 0): 0 − 0 < 1.
    assert c4.status == "not_achieved"


def test_reduce_by_percent_and_its_no_data_cases(district):
    vu = f.indicator("VU")
    h1_last, h1 = Period.objects.get(code="2023-H1"), Period.objects.get(code="2024-H1")
    for code in ("C1", "C2", "C3", "C4"):
        f.target(vu, unit(code), h1, "reduce_by_percent", 20)
    f.submission(unit("C1"), h1_last, APPROVED, VU=10)
    f.submission(unit("C1"), h1, SUBMITTED, VU=8)
    f.submission(unit("C2"), h1_last, APPROVED, VU=10)
    f.submission(unit("C2"), h1, SUBMITTED, VU=9)
    f.submission(unit("C3"), h1_last, APPROVED, VU=0)
    f.submission(unit("C3"), h1, SUBMITTED, VU=0)
    f.submission(unit("C4"), h1, SUBMITTED, VU=1)

    statuses = {code: row(progress(unit(code), "2024-H1"), "VU").status for code in ("C1", "C2", "C3", "C4")}
    # C1: (10 − 8) / 10 = 20 % ≥ 20 → achieved. C2: 10 % → not_achieved.
    # C3: L = 0 → no_data. C4: L null → no_data.
    assert statuses == {"C1": "achieved", "C2": "not_achieved", "C3": "no_data", "C4": "no_data"}


def test_reduce_by_year_target_at_h2_compares_cumulative_with_last_years(district):
    vu = f.indicator("VU")
    f.target(vu, district, Period.objects.get(code="2024"), "reduce_by", 2)
    figures = {"2023-H1": 9, "2023-H2": 10, "2024-H1": 8, "2024-H2": 9}
    for code, value in figures.items():
        f.submission(unit("C1"), Period.objects.get(code=code), APPROVED, VU=value)
    for code in ("C2", "C3", "C4"):  # complete coverage in 2024: the others report 0
        for half in ("2024-H1", "2024-H2"):
            f.submission(unit(code), Period.objects.get(code=half), APPROVED, VU=0)

    r = row(progress(district, "2024-H2"), "VU")
    # actual H2 = 9, last year H2 = 10, change −1. C = 8 + 9 = 17, L = 9 + 10 = 19:
    # 19 − 17 = 2 ≥ 2 → achieved (the half alone, 10 − 9 = 1, would not be).
    assert (r.actual, r.same_period_last_year, r.change) == (9, 10, -1)
    assert (r.cumulative, r.cumulative_last_year, r.status) == (17, 19, "achieved")


def test_applicable_target_own_period_beats_the_year(district):
    vu = f.indicator("VU")
    half_target = f.target(vu, unit("C1"), Period.objects.get(code="2024-H1"), "at_least", 2)
    f.target(vu, unit("C1"), Period.objects.get(code="2024"), "at_least", 10)
    f.submission(unit("C1"), Period.objects.get(code="2024-H1"), SUBMITTED, VU=3)

    r = row(progress(unit("C1"), "2024-H1"), "VU")
    # The half's own target (≥ 2) applies, so cumulative = actual = 3 → achieved, 150 %.
    assert r.target == half_target
    assert (r.cumulative, r.status, r.percent) == (3, "achieved", pytest.approx(150))


def test_at_least_target_of_the_period_itself_is_not_achieved_rather_than_in_progress(district):
    vu = f.indicator("VU")
    f.target(vu, unit("C1"), Period.objects.get(code="2024-H1"), "at_least", 5)
    f.submission(unit("C1"), Period.objects.get(code="2024-H1"), SUBMITTED, VU=3)

    r = row(progress(unit("C1"), "2024-H1"), "VU")
    # 3 < 5 and the target's period ends with P (no time left) → not_achieved; 60 %.
    assert (r.status, r.percent) == ("not_achieved", pytest.approx(60))


def test_half_target_never_applies_to_the_year_nor_to_the_other_half(district):
    vu = f.indicator("VU")
    f.target(vu, unit("C1"), Period.objects.get(code="2024-H1"), "at_least", 2)
    f.submission(unit("C1"), Period.objects.get(code="2024-H1"), SUBMITTED, VU=3)
    f.submission(unit("C1"), Period.objects.get(code="2024-H2"), SUBMITTED, VU=1)

    year = row(progress(unit("C1"), "2024"), "VU")
    # No year target; the H1 target does not apply → no_target, cumulative = actual 4.
    assert (year.target, year.status, year.actual, year.cumulative, year.percent) == (None, "no_target", 4, 4, None)
    h2 = row(progress(unit("C1"), "2024-H2"), "VU")
    assert (h2.target, h2.status) == (None, "no_target")


def test_target_without_data_is_no_data(district):
    vu = f.indicator("VU")
    f.target(vu, district, Period.objects.get(code="2024"), "at_least", 3)

    r = row(progress(district, "2024-H1"), "VU")
    # A target applies but nobody reported → cumulative null → no_data, percent null.
    assert (r.actual, r.cumulative, r.status, r.percent) == (None, None, "no_data", None)


def test_percent_is_null_for_a_zero_at_least_target(district):
    vu = f.indicator("VU")
    f.target(vu, unit("C1"), Period.objects.get(code="2024-H1"), "at_least", 0)
    f.submission(unit("C1"), Period.objects.get(code="2024-H1"), SUBMITTED, VU=0)

    r = row(progress(unit("C1"), "2024-H1"), "VU")
    # v = 0: 0 ≥ 0 → achieved, but no percentage of zero.
    assert (r.status, r.percent) == ("achieved", None)


def test_children_are_judged_on_their_own_targets(district):
    vu = f.indicator("VU")
    year, h1 = Period.objects.get(code="2024"), Period.objects.get(code="2024-H1")
    f.target(vu, district, year, "at_least", 10)
    f.target(vu, unit("C1"), h1, "at_least", 1)
    f.target(vu, unit("C2"), year, "at_least", 4)
    f.target(vu, unit("C3"), h1, "at_most", 0)
    f.submission(unit("C1"), h1, SUBMITTED, VU=1)
    f.submission(unit("C2"), h1, SUBMITTED, VU=2)
    f.submission(unit("C3"), h1, SUBMITTED, VU=1)
    f.submission(unit("C4"), h1, SUBMITTED, VU=3)

    r = row(progress(district, "2024-H1"), "VU")
    # District: 1 + 2 + 1 + 3 = 7 < 10 (year) → in_progress.
    # C1: 1 ≥ 1 (its H1 target) → achieved; C2: 2 < 4 (its year target) → in_progress;
    # C3: 1 > 0 (at_most) → not_achieved; C4: no target of its own → no_target (the
    # district's target is not the commune's).
    assert (r.actual, r.status) == (7, "in_progress")
    assert children(r) == {
        "C1": (1, "achieved"),
        "C2": (2, "in_progress"),
        "C3": (1, "not_achieved"),
        "C4": (3, "no_target"),
    }


# ------------------------------------------------------- same period last year


def test_same_period_last_year_and_change_for_a_half_and_a_year(district):
    f.indicator("VU")
    figures = {"2023-H1": 9, "2023-H2": 10, "2024-H1": 8, "2024-H2": 12}
    for code, value in figures.items():
        f.submission(unit("C1"), Period.objects.get(code=code), APPROVED, VU=value)

    h1 = row(progress(district, "2024-H1"), "VU")
    # 2024-H1 vs 2023-H1: 8 − 9 = −1.
    assert (h1.actual, h1.same_period_last_year, h1.change) == (8, 9, -1)
    year = row(progress(district, "2024"), "VU")
    # 2024 (8 + 12 = 20) vs 2023 (9 + 10 = 19): +1.
    assert (year.actual, year.same_period_last_year, year.change) == (20, 19, 1)


@pytest.fixture
def merger(db):
    """On 1/7/2025 communes A and B merge into N (reusing A's code with a year suffix).

    A and B are valid until 30/6/2025; N from 1/7/2025. X is untouched.
    """
    for code in ("2024-H1", "2024-H2", "2024", "2025-H1", "2025-H2", "2025"):
        f.period(code)
    _province, district, _ = f.tree(communes=())
    end = datetime.date(2025, 6, 30)
    a = f.unit("A", parent=district, valid_to=end)
    b = f.unit("B", parent=district, valid_to=end)
    n = f.unit("A-2025", parent=district, valid_from=datetime.date(2025, 7, 1))
    f.unit("X", parent=district)
    f.succession(a, n, datetime.date(2025, 7, 1))
    f.succession(b, n, datetime.date(2025, 7, 1))
    return district


def test_merged_commune_is_compared_with_the_sum_of_its_predecessors(merger):
    vu = f.indicator("VU")
    n = unit("A-2025")
    f.target(vu, n, Period.objects.get(code="2025-H2"), "reduce_by", 1)
    last = Period.objects.get(code="2024-H2")
    f.submission(unit("A"), last, APPROVED, VU=2)
    f.submission(unit("B"), last, APPROVED, VU=3)
    f.submission(unit("X"), last, APPROVED, VU=7)  # not a predecessor: never in N's figure
    f.submission(n, Period.objects.get(code="2025-H2"), SUBMITTED, VU=4)

    result = progress(n, "2025-H2")
    r = row(result, "VU")
    # Last year N did not exist: A 2 + B 3 = 5. Now 4 → change −1; L = 5, C = 4:
    # 5 − 4 = 1 ≥ 1 → achieved.
    assert (r.actual, r.same_period_last_year, r.change) == (4, 5, -1)
    assert (r.cumulative_last_year, r.status) == (5, "achieved")
    assert [u.code for u in result.last_year_predecessors] == ["A", "B"]


def test_units_gone_before_the_end_of_p_are_neither_expected_nor_counted(merger):
    f.indicator("VU")
    h2 = Period.objects.get(code="2025-H2")
    n = unit("A-2025")
    f.submission(n, h2, SUBMITTED, VU=4)
    f.submission(unit("X"), h2, APPROVED, VU=1)
    # A ended on 30/6/2025, inside the 2025-H2 window (15/6 – 14/12): it may not report it.
    f.submission(unit("A"), h2, SUBMITTED, VU=100)

    result = progress(merger, "2025-H2")
    r = row(result, "VU")
    # Only N (4) and X (1): 5. Children are the units valid on 14/12/2025.
    assert r.actual == 5
    assert children(r) == {"A-2025": (4, "no_target"), "X": (1, "no_target")}
    c = result.completeness
    # Expected N and X (district 200 enters nothing); both submitted, X approved.
    assert (c.expected, c.submitted, c.approved, c.missing) == (2, 2, 1, [])
    # The district's own last year (2024-H2) is its tree then: A, B and X — nothing
    # was reported in this test, so null.
    assert r.same_period_last_year is None


def test_before_the_merger_the_predecessors_still_report(merger):
    f.indicator("VU")
    h1 = Period.objects.get(code="2025-H1")
    f.submission(unit("A"), h1, APPROVED, VU=2)
    f.submission(unit("B"), h1, APPROVED, VU=3)
    f.submission(unit("A-2025"), h1, SUBMITTED, VU=50)  # N did not exist on 14/6/2025

    result = progress(merger, "2025-H1")
    r = row(result, "VU")
    # A 2 + B 3 = 5 (N's early figure is not accepted); X has not reported.
    assert r.actual == 5
    assert children(r) == {"A": (2, "no_target"), "B": (3, "no_target"), "X": (None, "no_target")}
    assert (result.completeness.expected, result.completeness.submitted) == (3, 2)
    assert [u.code for u in result.completeness.missing] == ["X"]


def test_chain_of_two_successions_reaches_the_unit_valid_last_year(db):
    for code in ("2023-H1", "2023-H2", "2023", "2024-H1", "2024-H2", "2024"):
        f.period(code)
    _province, district, _ = f.tree(communes=())
    # A (until 30/6/2023) → B (1/7/2023 – 31/12/2023) → C (from 1/1/2024); D (until
    # 31/12/2023) → C as well.
    a = f.unit("A", parent=district, valid_to=datetime.date(2023, 6, 30))
    b = f.unit("B", parent=district, valid_from=datetime.date(2023, 7, 1), valid_to=datetime.date(2023, 12, 31))
    c = f.unit("C", parent=district, valid_from=datetime.date(2024, 1, 1))
    d = f.unit("D", parent=district, valid_to=datetime.date(2023, 12, 31))
    f.succession(a, b, datetime.date(2023, 7, 1))
    f.succession(b, c, datetime.date(2024, 1, 1))
    f.succession(d, c, datetime.date(2024, 1, 1))
    f.indicator("VU")
    last = Period.objects.get(code="2023-H1")
    f.submission(a, last, APPROVED, VU=4)
    f.submission(d, last, APPROVED, VU=1)
    f.submission(b, last, APPROVED, VU=50)  # B did not exist on 14/6/2023: not counted
    f.submission(c, Period.objects.get(code="2024-H1"), SUBMITTED, VU=3)

    result = progress(c, "2024-H1")
    r = row(result, "VU")
    # On 14/6/2023 neither C nor B existed: C → B → A, and C → D. A 4 + D 1 = 5; change 3 − 5 = −2.
    assert (r.actual, r.same_period_last_year, r.change) == (3, 5, -2)
    assert [u.code for u in result.last_year_predecessors] == ["A", "D"]


# ------------------------------------------------------------------ completeness


def test_completeness_includes_the_unit_itself_when_its_level_enters_indicators(district):
    f.indicator("VU")
    f.indicator("BAT", entry_level=Level.DISTRICT)
    h1 = Period.objects.get(code="2024-H1")
    f.submission(district, h1, APPROVED, BAT=1)
    f.submission(unit("C1"), h1, APPROVED, VU=1)
    f.submission(unit("C2"), h1, SUBMITTED, VU=1)
    f.submission(unit("C3"), h1, DRAFT, VU=1)
    f.submission(unit("C4"), h1, RETURNED, VU=1)

    c = progress(district, "2024-H1").completeness
    # Expected: district 200 + C1..C4 = 5; submitted: 200, C1, C2 = 3; approved: 200, C1 = 2.
    assert (c.expected, c.submitted, c.approved) == (5, 3, 2)
    assert [u.code for u in c.missing] == ["C3", "C4"]
    # At a commune: only the commune itself.
    c1 = progress(unit("C1"), "2024-H1").completeness
    assert (c1.expected, c1.submitted, c1.approved) == (1, 1, 1)


def test_completeness_leaves_out_levels_that_enter_nothing(district):
    f.indicator("VU")  # only communes enter figures
    f.submission(unit("C1"), Period.objects.get(code="2024-H1"), SUBMITTED, VU=1)

    c = progress(district, "2024-H1").completeness
    # The district enters nothing: expected C1..C4 = 4, submitted 1, approved 0.
    assert (c.expected, c.submitted, c.approved) == (4, 1, 0)


def test_completeness_of_a_year_is_that_of_its_last_half(district):
    f.indicator("VU")
    h1, h2 = Period.objects.get(code="2024-H1"), Period.objects.get(code="2024-H2")
    for code in ("C1", "C2", "C3", "C4"):
        f.submission(unit(code), h1, APPROVED, VU=1)
    f.submission(unit("C1"), h2, APPROVED, VU=1)
    f.submission(unit("C2"), h2, SUBMITTED, VU=1)

    c = progress(district, "2024").completeness
    # 2024-H2: 2 of 4 submitted, 1 approved (H1's 4/4 does not count for the year).
    assert (c.expected, c.submitted, c.approved) == (4, 2, 1)
    assert [u.code for u in c.missing] == ["C3", "C4"]


# ------------------------------------------------------------------ coverage


def cov(result):
    """(expected, reported, approved) of a row or a child."""
    return (result.coverage.expected, result.coverage.reported, result.coverage.approved)


def child_coverage(row_):
    return {c.unit.code: cov(c) for c in row_.children}


def test_coverage_counts_entry_level_units_with_a_value_per_half(district):
    f.indicator("VU")
    h1, h2 = Period.objects.get(code="2024-H1"), Period.objects.get(code="2024-H2")
    f.submission(unit("C1"), h1, APPROVED, VU=3)
    f.submission(unit("C2"), h1, SUBMITTED, VU=1)
    f.submission(unit("C3"), h1, SUBMITTED, VU=None)  # left blank: missing, not reported
    f.submission(unit("C4"), h1, DRAFT, VU=2)  # a draft is not reported
    f.submission(unit("C1"), h2, APPROVED, VU=0)  # a real 0 is reported

    r = row(progress(district, "2024-H1"), "VU")
    # 2024-H1: 4 communes expected; C1 and C2 reported; C1 approved.
    assert cov(r) == (4, 2, 1)
    assert child_coverage(r) == {"C1": (1, 1, 1), "C2": (1, 1, 0), "C3": (1, 0, 0), "C4": (1, 0, 0)}
    year = row(progress(district, "2024"), "VU")
    # The year of a flow, no target: both halves, 4 + 4 = 8 pairs; reported C1, C2 in H1
    # and C1 in H2 = 3; approved C1 twice = 2.
    assert cov(year) == (8, 3, 2)
    assert child_coverage(year)["C1"] == (2, 2, 2)
    assert child_coverage(year)["C3"] == (2, 0, 0)


def test_coverage_of_a_stock_is_the_last_half_of_p_only(district):
    f.indicator("NGHIEN", over_time="last", measure="người")
    h1, h2 = Period.objects.get(code="2024-H1"), Period.objects.get(code="2024-H2")
    for code in ("C1", "C2", "C3", "C4"):
        f.submission(unit(code), h1, APPROVED, NGHIEN=5)
    f.submission(unit("C1"), h2, SUBMITTED, NGHIEN=6)

    # 2024-H1: 4/4 reported, all approved. The year (last): only H2 counts, 1 of 4.
    assert cov(row(progress(district, "2024-H1"), "NGHIEN")) == (4, 4, 4)
    assert cov(row(progress(district, "2024"), "NGHIEN")) == (4, 1, 0)


def test_coverage_of_a_flow_spans_the_window_of_a_longer_target(district):
    vu = f.indicator("VU")
    f.target(vu, district, Period.objects.get(code="2024"), "at_least", 1)
    h1, h2 = Period.objects.get(code="2024-H1"), Period.objects.get(code="2024-H2")
    for code in ("C1", "C2", "C3"):
        f.submission(unit(code), h1, APPROVED, VU=1)
    for code in ("C1", "C2", "C3", "C4"):
        f.submission(unit(code), h2, SUBMITTED, VU=0)

    # At 2024-H2 the cumulative runs over 2024-H1 and 2024-H2: 4 + 4 = 8 pairs, reported
    # 3 + 4 = 7, approved 3. Without the year target only H2 would count (4/4).
    r = row(progress(district, "2024-H2"), "VU")
    assert cov(r) == (8, 7, 3)
    # C = 3 + 0 = 3 ≥ 1 already holds: the missing pair cannot undo it → achieved.
    assert (r.cumulative, r.status) == (3, "achieved")
    # C4 has no target of its own: its coverage is that of P's own half, 2024-H2 → 1/1.
    assert child_coverage(r)["C4"] == (1, 1, 0)


def test_coverage_of_a_rate_needs_both_parts(district):
    cases = f.indicator("VU")
    solved = f.indicator("LAMRO")
    f.indicator("TYLE", kind="rate", entry_level=Level.DISTRICT, measure="%", numerator=solved, denominator=cases)
    h1 = Period.objects.get(code="2024-H1")
    f.submission(unit("C1"), h1, APPROVED, VU=2, LAMRO=1)
    f.submission(unit("C2"), h1, SUBMITTED, VU=3)  # solved left blank
    f.submission(unit("C3"), h1, SUBMITTED, LAMRO=1, VU=None)
    f.submission(unit("C4"), h1, SUBMITTED, VU=0, LAMRO=0)  # 0 of 0 is a report

    r = row(progress(district, "2024-H1"), "TYLE")
    # Pairs with both parts: C1 (approved) and C4 → (4, 2, 1). VU alone: C1, C2, C4.
    assert cov(r) == (4, 2, 1)
    assert cov(row(progress(district, "2024-H1"), "VU")) == (4, 3, 1)
    assert child_coverage(r) == {"C1": (1, 1, 1), "C2": (1, 0, 0), "C3": (1, 0, 0), "C4": (1, 1, 0)}


def test_coverage_of_a_status_counts_counted_submissions(drug_free, district):
    h1 = Period.objects.get(code="2024-H1")
    f.submission(unit("C1"), h1, APPROVED, TUDIEM=0, QL=1)
    f.submission(unit("C2"), h1, SUBMITTED, TUDIEM=0)  # a criterion missing: reported, not met
    f.submission(unit("C3"), h1, RETURNED, TUDIEM=0, QL=1)

    r = row(progress(district, "2024-H1"), "SACH")
    # Reported: C1 and C2 (submitted or approved, whatever they hold); approved C1.
    assert cov(r) == (4, 2, 1)
    assert r.actual == 1


def test_coverage_of_a_district_entered_indicator(district):
    f.indicator("BAT", entry_level=Level.DISTRICT)
    other = f.unit("201", level=Level.DISTRICT, parent=unit("22"))
    h1 = Period.objects.get(code="2024-H1")
    f.submission(district, h1, APPROVED, BAT=2)
    f.submission(other, h1, DRAFT, BAT=1)

    # At the district: the district itself, 1/1. At the province: districts 200 and 201, 1 of 2.
    assert cov(row(progress(district, "2024-H1"), "BAT")) == (1, 1, 1)
    province = row(progress(unit("22"), "2024-H1"), "BAT")
    assert cov(province) == (2, 1, 1)
    assert child_coverage(province) == {"200": (1, 1, 1), "201": (1, 0, 0)}


def test_coverage_of_a_merged_commune_counts_the_halves_it_existed(merger):
    vu = f.indicator("VU")
    n = unit("A-2025")
    year = Period.objects.get(code="2025")
    f.target(vu, merger, year, "at_least", 1)
    f.target(vu, n, year, "at_least", 1)
    h1, h2 = Period.objects.get(code="2025-H1"), Period.objects.get(code="2025-H2")
    f.submission(unit("A"), h1, APPROVED, VU=0)
    f.submission(unit("B"), h1, APPROVED, VU=0)
    f.submission(unit("X"), h1, APPROVED, VU=0)
    f.submission(n, h2, SUBMITTED, VU=1)

    r = row(progress(merger, "2025-H2"), "VU")
    # The district's year window: 2025-H1 (A, B, X valid on 14/6/2025) + 2025-H2 (N and X
    # valid on 14/12/2025) = 5 pairs; reported A, B, X, N = 4; approved A, B, X = 3.
    assert cov(r) == (5, 4, 3)
    # C = 0 + 1 = 1 ≥ 1 holds already → achieved although X has not reported H2.
    assert (r.cumulative, r.status) == (1, "achieved")
    # N did not exist on 14/6/2025: its window holds only 2025-H2 → 1/1, complete; 1 ≥ 1.
    n_child = next(c for c in r.children if c.unit.code == "A-2025")
    assert (cov(n_child), n_child.status) == ((1, 1, 0), "achieved")
    # X has no target of its own: P's own half only, where it has not reported → 1, 0.
    assert child_coverage(r)["X"] == (1, 0, 0)


# ------------------------------------------- settled or unsettled (DESIGN.md "status")

# District 200, communes C1..C4, indicator VU (a flow) with a target of 2024-H1 itself
# (so no time is left: a failing at_least is not_achieved when complete). Last year:
# C1 reported 10 in 2023-H1, so L = 10. "—": the commune has not reported (coverage 3/4).
SETTLED_CASES = [
    # comparison, value, figures of C1..C4, expected status
    # at_least 5: a total can only grow — holding it is final even with C4 missing.
    ("at_least", 5, (2, 2, 1, 0), "achieved"),  # 5 ≥ 5, complete
    ("at_least", 5, (1, 1, 1, 1), "not_achieved"),  # 4 < 5, complete
    ("at_least", 5, (3, 2, 0, None), "achieved"),  # 5 ≥ 5 with 3/4: C4 can only add
    ("at_least", 5, (1, 1, 1, None), "incomplete"),  # 3 < 5 with 3/4: C4 could bring 2
    # at_most 3: failing is final, holding is not.
    ("at_most", 3, (1, 1, 1, 0), "achieved"),  # 3 ≤ 3, complete
    ("at_most", 3, (1, 1, 1, 1), "not_achieved"),  # 4 > 3, complete
    ("at_most", 3, (1, 1, 1, None), "incomplete"),  # 3 ≤ 3 with 3/4: C4 could add 1
    ("at_most", 3, (2, 2, 0, None), "not_achieved"),  # 4 > 3 with 3/4: stays > 3
    # reduce_by 2 against L = 10: holds while C ≤ 8.
    ("reduce_by", 2, (2, 2, 2, 2), "achieved"),  # 10 − 8 = 2 ≥ 2, complete
    ("reduce_by", 2, (3, 3, 3, 0), "not_achieved"),  # 10 − 9 = 1 < 2, complete
    ("reduce_by", 2, (2, 2, 2, None), "incomplete"),  # 10 − 6 = 4 with 3/4: C4 could add 3
    ("reduce_by", 2, (3, 3, 3, None), "not_achieved"),  # 10 − 9 = 1 with 3/4: only worse
    # reduce_by_percent 20 against L = 10: holds while (10 − C) / 10 × 100 ≥ 20.
    ("reduce_by_percent", 20, (2, 2, 2, 2), "achieved"),  # 20 % ≥ 20, complete
    ("reduce_by_percent", 20, (3, 3, 3, 0), "not_achieved"),  # 10 %, complete
    ("reduce_by_percent", 20, (2, 2, 2, None), "incomplete"),  # 40 % with 3/4
    ("reduce_by_percent", 20, (3, 3, 3, None), "not_achieved"),  # 10 % with 3/4
]


@pytest.mark.parametrize(("comparison", "value", "figures", "expected"), SETTLED_CASES)
def test_settled_or_unsettled_by_comparison_and_coverage(district, comparison, value, figures, expected):
    vu = f.indicator("VU")
    h1 = Period.objects.get(code="2024-H1")
    f.target(vu, district, h1, comparison, value)
    f.submission(unit("C1"), Period.objects.get(code="2023-H1"), APPROVED, VU=10)
    for code, figure in zip(("C1", "C2", "C3", "C4"), figures, strict=True):
        if figure is not None:
            f.submission(unit(code), h1, SUBMITTED, VU=figure)

    r = row(progress(district, "2024-H1"), "VU")
    reported = sum(1 for figure in figures if figure is not None)
    assert cov(r) == (4, reported, 0)
    assert r.cumulative == sum(figure for figure in figures if figure is not None)
    assert r.cumulative_last_year == 10
    assert r.status == expected


def test_at_least_with_time_left_is_in_progress_only_when_complete(district):
    vu = f.indicator("VU")
    f.target(vu, district, Period.objects.get(code="2024"), "at_least", 5)
    h1 = Period.objects.get(code="2024-H1")
    for code in ("C1", "C2", "C3"):
        f.submission(unit(code), h1, SUBMITTED, VU=1)

    # 3 < 5, the year runs on, C4 missing (3/4) → incomplete (not in_progress).
    assert row(progress(district, "2024-H1"), "VU").status == "incomplete"
    f.submission(unit("C4"), h1, SUBMITTED, VU=1)
    # 4 < 5 with 4/4 and half a year left → in_progress.
    assert row(progress(district, "2024-H1"), "VU").status == "in_progress"


def test_no_data_comes_before_incomplete(district):
    vu = f.indicator("VU")
    h1 = Period.objects.get(code="2024-H1")
    f.target(vu, district, h1, "at_most", 0)
    f.target(vu, unit("C2"), h1, "at_most", 0)
    f.target(vu, unit("C3"), h1, "reduce_by", 1)
    f.submission(unit("C1"), h1, SUBMITTED, VU=None)
    f.submission(unit("C3"), h1, SUBMITTED, VU=2)

    r = row(progress(district, "2024-H1"), "VU")
    # Nothing but a blank and C3's 2: C = 2 > 0 with 1/4 reported → not_achieved (settled).
    assert (r.cumulative, cov(r), r.status) == (2, (4, 1, 0), "not_achieved")
    # C2 never reported: no value → no_data, never a failure. C3: L null → no_data.
    assert children(r)["C2"] == (None, "no_data")
    assert children(r)["C3"] == (2, "no_data")


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        # (solved, cases) of C1..C4; the target is ≥ 75 % for 2024-H1 itself.
        (((4, 4), (0, 0), (0, 0), (0, 0)), "achieved"),  # 4/4 = 100 %, complete
        (((1, 4), (0, 0), (0, 0), (0, 0)), "not_achieved"),  # 1/4 = 25 %, complete
        (((4, 4), (1, 1), (1, 1), None), "incomplete"),  # 100 % with 3/4: C4 could lower it
        (((1, 4), (0, 1), (0, 1), None), "incomplete"),  # 1/6 with 3/4: C4 could raise it
        (((4, 4), (1, 1), (1, 1), (None, 2)), "incomplete"),  # C4 left "solved" blank
    ],
)
def test_a_rate_is_judged_only_with_complete_coverage(district, parts, expected):
    cases = f.indicator("VU")
    solved = f.indicator("LAMRO")
    tyle = f.indicator("TYLE", kind="rate", measure="%", numerator=solved, denominator=cases)
    h1 = Period.objects.get(code="2024-H1")
    f.target(tyle, district, h1, "at_least", 75)
    for code, pair in zip(("C1", "C2", "C3", "C4"), parts, strict=True):
        if pair is not None:
            f.submission(unit(code), h1, SUBMITTED, LAMRO=pair[0], VU=pair[1])

    r = row(progress(district, "2024-H1"), "TYLE")
    assert r.status == expected
    assert cov(r)[1] == sum(1 for pair in parts if pair is not None and None not in pair)


@pytest.mark.parametrize(
    ("communes", "expected"),
    [
        # (hotspots, managed) of C1..C4; the district's target: ≥ 2 drug-free communes in 2024-H1.
        (((0, 1), (0, 1), (1, 1), None), "achieved"),  # 2 met with 3/4: C4 can only add
        (((0, 1), (1, 1), (1, 1), None), "incomplete"),  # 1 met with 3/4: C4 could be the 2nd
        (((0, 1), (1, 1), (1, 1), (1, 0)), "not_achieved"),  # 1 met with 4/4
    ],
)
def test_a_status_indicator_counts_like_a_total(drug_free, district, communes, expected):
    h1 = Period.objects.get(code="2024-H1")
    f.target(drug_free, district, h1, "at_least", 2)
    for code, pair in zip(("C1", "C2", "C3", "C4"), communes, strict=True):
        if pair is not None:
            f.submission(unit(code), h1, SUBMITTED, TUDIEM=pair[0], QL=pair[1])

    assert row(progress(district, "2024-H1"), "SACH").status == expected


def test_last_and_sum_differ_in_the_halves_they_need(district):
    f.indicator("MOHINH", over_time="last", measure="mô hình")
    f.indicator("VU")
    year = Period.objects.get(code="2024")
    f.target(Indicator.objects.get(code="MOHINH"), district, year, "at_most", 8)
    f.target(Indicator.objects.get(code="VU"), district, year, "at_most", 8)
    h1, h2 = Period.objects.get(code="2024-H1"), Period.objects.get(code="2024-H2")
    f.submission(unit("C1"), h1, APPROVED, MOHINH=2, VU=1)  # C2..C4 never reported H1
    for code in ("C1", "C2", "C3", "C4"):
        f.submission(unit(code), h2, APPROVED, MOHINH=2, VU=1)

    result = progress(district, "2024-H2")
    mohinh, vu = row(result, "MOHINH"), row(result, "VU")
    # A stock needs only 2024-H2: 4/4, C = 8 ≤ 8 → achieved.
    assert (mohinh.cumulative, cov(mohinh), mohinh.status) == (8, (4, 4, 4), "achieved")
    # A flow needs both halves of the year's window: 5/8, C = 1 + 4 = 5 ≤ 8 but the three
    # missing H1 reports could still push it above → incomplete.
    assert (vu.cumulative, cov(vu), vu.status) == (5, (8, 5, 5), "incomplete")


def test_a_year_period_needs_both_halves_of_a_flow(district):
    vu = f.indicator("VU")
    year = Period.objects.get(code="2024")
    f.target(vu, district, year, "at_most", 10)
    h1, h2 = Period.objects.get(code="2024-H1"), Period.objects.get(code="2024-H2")
    for code in ("C1", "C2", "C3", "C4"):
        f.submission(unit(code), h1, APPROVED, VU=1)
    for code in ("C1", "C2", "C3"):
        f.submission(unit(code), h2, SUBMITTED, VU=1)

    r = row(progress(district, "2024"), "VU")
    # 4 + 3 = 7 ≤ 10 with 7 of 8 pairs → incomplete.
    assert (r.actual, cov(r), r.status) == (7, (8, 7, 4), "incomplete")
    f.submission(unit("C4"), h2, SUBMITTED, VU=1)
    r = row(progress(district, "2024"), "VU")
    # 8/8: 8 ≤ 10 → achieved.
    assert (r.actual, cov(r), r.status) == (8, (8, 8, 4), "achieved")


def test_cumulative_last_year_is_l_and_equals_same_period_without_a_longer_target(district):
    vu = f.indicator("VU")
    f.target(vu, unit("C1"), Period.objects.get(code="2024"), "reduce_by", 1)
    for code, value in {"2023-H1": 4, "2023-H2": 6, "2024-H1": 3, "2024-H2": 5}.items():
        f.submission(unit("C1"), Period.objects.get(code=code), APPROVED, VU=value)

    c1 = row(progress(unit("C1"), "2024-H2"), "VU")
    # The year target: L = 4 + 6 = 10 (not 2023-H2's 6); C = 3 + 5 = 8; 10 − 8 = 2 ≥ 1.
    assert (c1.same_period_last_year, c1.cumulative_last_year, c1.cumulative, c1.status) == (6, 10, 8, "achieved")
    district_row = row(progress(district, "2024-H2"), "VU")
    # The district has no target: L = same_period_last_year = 6 (2023-H2).
    assert (district_row.same_period_last_year, district_row.cumulative_last_year) == (6, 6)


# ------------------------------------------------------------------ query count


def _build(n_communes, n_indicators):
    for code in ("2023-H1", "2023-H2", "2023", "2024-H1", "2024-H2", "2024"):
        f.period(code)
    _p, district, communes = f.tree(communes=[f"Q{i:02d}" for i in range(n_communes)])
    year = Period.objects.get(code="2024")
    indicators = [f.indicator(f"K{i:02d}") for i in range(n_indicators)]
    for ind in indicators:
        f.target(ind, district, year, "at_least", 3, f.plan())
        for commune in communes:
            f.target(ind, commune, year, "at_least", 1)
    for code in ("2023-H1", "2024-H1"):
        for commune in communes:
            f.submission(commune, Period.objects.get(code=code), SUBMITTED, **{i.code: 1 for i in indicators})
    return district


@pytest.mark.parametrize(("n_communes", "n_indicators"), [(1, 1), (6, 10)])
def test_progress_query_count_is_constant(db, django_assert_num_queries, n_communes, n_indicators):
    district = _build(n_communes, n_indicators)
    h1 = Period.objects.get(code="2024-H1")
    # periods, indicators, children with their predecessors and the completeness, the
    # aggregate, targets.
    with django_assert_num_queries(5):
        result = rollup.progress(district, h1)
    assert len(result.rows) == n_indicators
    assert row(result, "K00").actual == n_communes
