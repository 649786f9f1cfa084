"""The set-based roll-up statement against a straightforward ORM computation.

On a small generated data set (indicators/fixtures/scale.py: every indicator kind, sums and
stocks, a status with criteria, drafts in the latest half), every actual of a district,
a province and their children — and of every province in the national overview — must
equal what plain ORM loops compute from DESIGN.md's rules.
"""

import io

import pytest
from django.core.management import call_command

from committees.models import AdministrativeUnit, Level
from indicators import rollup
from indicators.models import (
    COUNTED_STATUSES,
    Criterion,
    Figure,
    Indicator,
    IndicatorKind,
    Period,
    Submission,
    SubmissionStatus,
)


@pytest.fixture
def generated(db):
    # 30 communes in 3 districts of one province, 20 indicators, 2 years.
    call_command("generate_scale_data", "--communes", "30", "--indicators", "20", "--years", "2", stdout=io.StringIO())


@pytest.fixture(autouse=True)
def _subtrees():
    """entry_units() walks the tree once per (unit, level) and test (the walk is the same
    for every indicator; the tree differs from test to test)."""
    _SUBTREES.clear()
    yield
    _SUBTREES.clear()


_SUBTREES = {}


def entry_units(unit, level):
    """Units at ``level`` in ``unit``'s subtree (generated units are valid throughout)."""
    key = (unit.pk, level)
    if key not in _SUBTREES:
        if unit.level == level:
            _SUBTREES[key] = [unit]
        else:
            _SUBTREES[key] = [u for child in unit.children.all() for u in entry_units(child, level)]
    return _SUBTREES[key]


def half_value(unit, indicator, half):
    if indicator.kind == IndicatorKind.RATE:
        return rollup.rate(half_value(unit, indicator.numerator, half), half_value(unit, indicator.denominator, half))
    units = entry_units(unit, indicator.entry_level)
    if indicator.kind == IndicatorKind.STATUS:
        criteria = list(Criterion.objects.filter(status=indicator))
        reporters = 0
        met = 0
        for u in units:
            figures = Figure.objects.filter(
                submission__unit=u, submission__period=half, submission__status__in=COUNTED_STATUSES
            )
            if not figures.exists():
                continue
            reporters += 1
            values = dict(figures.values_list("indicator_id", "value"))
            met += all(c.holds(values.get(c.indicator_id)) for c in criteria)
        return met if reporters else None
    values = Figure.objects.filter(
        submission__unit__in=units,
        submission__period=half,
        submission__status__in=COUNTED_STATUSES,
        indicator=indicator,
        value__isnull=False,
    ).values_list("value", flat=True)
    values = list(values)
    return sum(values) if values else None


def year_value(unit, indicator, year):
    halves = [Period.objects.get(code=f"{year}-H1"), Period.objects.get(code=f"{year}-H2")]
    if indicator.kind == IndicatorKind.RATE:
        return rollup.rate(year_value(unit, indicator.numerator, year), year_value(unit, indicator.denominator, year))
    values = [half_value(unit, indicator, h) for h in halves]
    known = [v for v in values if v is not None]
    if not known:
        return None
    return known[-1] if indicator.over_time == "last" else sum(known)


def reference(unit, indicator, period):
    if period.half is None:
        return year_value(unit, indicator, period.year)
    return half_value(unit, indicator, period)


def coverage_halves(indicator, period, target):
    """DESIGN.md "coverage": the halves C is computed from."""
    halves = list(Period.objects.filter(year=period.year, half__isnull=False).order_by("half"))
    own = halves if period.half is None else [period]
    if indicator.kind != IndicatorKind.RATE and indicator.over_time == "last":
        return own[-1:]
    if target is not None and target.period_id != period.pk:
        return [h for h in halves if h.start >= target.period.start and h.end <= period.end]
    return own


def counted(year):
    """Every counted submission of ``year`` by (unit, half) and its non-blank figures."""
    submissions = {(s.unit_id, s.period_id): s for s in Submission.objects.filter(period__year=year).counted()}
    values = set(
        Figure.objects.filter(submission__in=submissions.values(), value__isnull=False).values_list(
            "submission_id", "indicator_id"
        )
    )
    return submissions, values


def reference_coverage(unit, indicator, period, target, data):
    """(expected, reported, approved) by plain loops over (unit, half) pairs."""
    level = indicator.numerator.entry_level if indicator.kind == IndicatorKind.RATE else indicator.entry_level
    if indicator.kind == IndicatorKind.RATE:
        parts = [indicator.numerator_id, indicator.denominator_id]
    elif indicator.kind == IndicatorKind.STATUS:
        parts = []
    else:
        parts = [indicator.pk]
    submissions, values = data
    expected = reported = approved = 0
    for half in coverage_halves(indicator, period, target):
        for u in entry_units(unit, level):
            expected += 1
            submission = submissions.get((u.pk, half.pk))
            if submission is None:
                continue
            if all((submission.pk, part) in values for part in parts):
                reported += 1
                approved += submission.status == SubmissionStatus.APPROVED
    return (expected, reported, approved)


def close(a, b):
    if a is None or b is None:
        return a is b
    return abs(a - b) < 1e-9


@pytest.mark.parametrize("period_code", ["2025-H2", "2025-H1", "2025"])
def test_progress_equals_orm_reference(generated, period_code):
    period = Period.objects.get(code=period_code)
    last_year = Period.objects.get(code=period.same_period_last_year_code())
    district = AdministrativeUnit.objects.filter(level=Level.DISTRICT).order_by("code").first()
    province = district.parent
    checked = incomplete = 0
    data = counted(period.year)
    for unit in (district, province):
        result = rollup.progress(unit, period)
        assert {row.indicator.code for row in result.rows} == {
            i.code for i in Indicator.objects.all() if rollup.relevant_at(i, unit)
        }
        for row in result.rows:
            assert close(row.actual, reference(unit, row.indicator, period)), (unit.code, row.indicator.code)
            assert close(row.same_period_last_year, reference(unit, row.indicator, last_year)), row.indicator.code
            covered = reference_coverage(unit, row.indicator, period, row.target, data)
            assert (row.coverage.expected, row.coverage.reported, row.coverage.approved) == covered, row.indicator.code
            incomplete += row.coverage.reported < row.coverage.expected
            for child in row.children:
                assert close(child.actual, reference(child.unit, row.indicator, period)), (
                    child.unit.code,
                    row.indicator.code,
                )
                covered = reference_coverage(child.unit, row.indicator, period, child.target, data)
                assert (child.coverage.expected, child.coverage.reported, child.coverage.approved) == covered, (
                    child.unit.code,
                    row.indicator.code,
                )
                checked += 1
    # The data set is not trivial: statuses, drafts and nulls all occur.
    assert checked > 200
    if period_code != "2025-H1":
        assert incomplete > 0  # drafts in the latest half leave gaps


def test_status_counts_each_commune_once(generated):
    """A commune's submission counts in its own bucket and in the district's: criteria
    met must still be counted once per commune."""
    period = Period.objects.get(code="2025-H1")
    district = AdministrativeUnit.objects.filter(level=Level.DISTRICT).order_by("code").first()
    status = Indicator.objects.get(kind=IndicatorKind.STATUS)
    row = next(r for r in rollup.progress(district, period).rows if r.indicator == status)
    expected = half_value(district, status, period)
    assert 0 < expected < district.children.count()
    assert row.actual == expected
    assert sum(child.actual for child in row.children) == expected


def test_national_overview_equals_progress_of_each_province(generated):
    call_command("generate_scale_data", "--communes", "170", "--indicators", "20", "--years", "2", stdout=io.StringIO())
    period = Period.objects.get(code="2025-H2")
    provinces = list(AdministrativeUnit.objects.filter(level=Level.PROVINCE).order_by("code"))
    assert len(provinces) == 2
    for unit, rows in rollup.overview(provinces, period):
        single = {r.indicator.code: r for r in rollup.progress(unit, period).rows}
        assert [r.indicator.code for r in rows] == list(single)
        for row in rows:
            other = single[row.indicator.code]
            assert (row.actual, row.cumulative, row.same_period_last_year, row.status, row.percent) == (
                other.actual,
                other.cumulative,
                other.same_period_last_year,
                other.status,
                other.percent,
            )
            assert close(row.actual, reference(unit, row.indicator, period))


def test_trend_in_the_roll_up_statement_equals_series(demo):
    """progress(trend=…) sums the dashboard's trend in its own statement; it must give what
    the separate rollup.series gives, also for units formed or dissolved by the 2025 reform
    (no value in halves where the unit did not exist)."""
    halves = list(Period.objects.halves().order_by("year", "half"))
    assert len(halves) >= 4
    compared = 0
    for unit in AdministrativeUnit.objects.all():
        for period in halves:
            if not unit.is_valid_on(period.end):
                continue
            trend = [h for h in halves if h.end <= period.end][-6:]
            result = rollup.progress(unit, period, trend=trend)
            expected = rollup.series(unit, trend, [r.indicator for r in result.rows])
            assert result.trend == expected, (unit.code, period.code)
            compared += 1
    # Units that did not exist in some of the charted halves occur.
    assert any(
        not unit.is_valid_on(h.end) for unit in AdministrativeUnit.objects.exclude(valid_from=None) for h in halves
    )
    assert compared > 20
