"""The roll-up: district progress from commune figures (DESIGN.md "Roll-up semantics").

This module is the only place that computes totals. The dashboard, the progress API, the
exports and the printed reports all read :func:`progress`, so their numbers cannot
disagree.

How it works, in a fixed number of queries whatever the number of units, indicators or
periods:

1. Load the periods of the year and the year before, the indicators, U's children valid
   at the end of P, the chain of predecessors of U and its children, and the targets.
2. For every *bucket* (U itself and each child) and every half-year needed, decide which
   units stand for the bucket in that half ("roots"): the bucket itself when it is valid
   at the half's end; for the halves of the year before, its predecessors (recursively)
   when it was not yet valid.
3. One SQL statement walks down from the roots (a recursive CTE over the dated tree, units
   valid at each half's end), keeps submitted and approved submissions, and returns per
   (half, bucket, indicator) the sum of the entry-level figures and, for status
   indicators, how many entry-level units met every criterion.
4. Everything else — rates, years from halves, cumulative values, comparisons, statuses —
   is small arithmetic in Python on those sums.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection

from committees.models import AdministrativeUnit, UnitSuccession

from .models import (
    COUNTED_STATUSES,
    ENTERED_KINDS,
    Comparison,
    Criterion,
    Figure,
    Indicator,
    IndicatorKind,
    OverTime,
    Period,
    Submission,
    SubmissionStatus,
    Target,
    period_code,
)

ACHIEVED = "achieved"
NOT_ACHIEVED = "not_achieved"
IN_PROGRESS = "in_progress"
NO_TARGET = "no_target"
NO_DATA = "no_data"

LEVEL_RANK = AdministrativeUnit.LEVEL_RANKS
MISSING_LIMIT = 200


def rate(numerator, denominator):
    """numerator / denominator × 100; None when either is missing or the denominator is 0."""
    if numerator is None or denominator is None or denominator == 0:
        return None
    return numerator / denominator * 100


def number(value):
    """A Decimal from the database as an int when whole, else a float (JSON-friendly)."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


@dataclass
class ChildResult:
    unit: AdministrativeUnit
    actual: float | int | None
    status: str
    target: Target | None = None


@dataclass
class Row:
    indicator: Indicator
    actual: float | int | None
    numerator: float | int | None
    denominator: float | int | None
    cumulative: float | int | None
    same_period_last_year: float | int | None
    change: float | int | None
    target: Target | None
    percent: float | None
    status: str
    last_year_cumulative: float | int | None = None
    children: list[ChildResult] = field(default_factory=list)


@dataclass
class Completeness:
    expected: int
    submitted: int
    approved: int
    missing: list[AdministrativeUnit] = field(default_factory=list)


@dataclass
class Progress:
    unit: AdministrativeUnit
    period: Period
    rows: list[Row]
    completeness: Completeness
    children: list[AdministrativeUnit]
    # Units standing in for U in the same period last year when U did not exist then
    # (a commune formed by a merger is compared with the sum of its predecessors).
    last_year_predecessors: list[AdministrativeUnit] = field(default_factory=list)


# --------------------------------------------------------------------------- SQL


def _tables():
    qn = connection.ops.quote_name
    return {
        "unit": qn(AdministrativeUnit._meta.db_table),
        "period": qn(Period._meta.db_table),
        "submission": qn(Submission._meta.db_table),
        "figure": qn(Figure._meta.db_table),
        "indicator": qn(Indicator._meta.db_table),
        "criterion": qn(Criterion._meta.db_table),
        "succession": qn(UnitSuccession._meta.db_table),
        "end": qn("end"),
    }


_TREE_CTE = """
WITH RECURSIVE
roots(pid, bucket, uid) AS (VALUES {values}),
tree(pid, pend, bucket, uid, lvl) AS (
    SELECT r.pid, p.{end}, r.bucket, u.id, u.level
    FROM roots r
    JOIN {period} p ON p.id = r.pid
    JOIN {unit} u ON u.id = r.uid
    UNION ALL
    SELECT t.pid, t.pend, t.bucket, c.id, c.level
    FROM tree t
    JOIN {unit} c ON c.parent_id = t.uid
    WHERE (c.valid_from IS NULL OR c.valid_from <= t.pend)
      AND (c.valid_to IS NULL OR c.valid_to >= t.pend)
),
subs AS (
    SELECT t.pid, t.bucket, t.lvl, s.id AS sid
    FROM tree t
    JOIN {submission} s ON s.unit_id = t.uid AND s.period_id = t.pid
    WHERE s.status IN (%s, %s)
)
"""

_AGGREGATE_SQL = (
    _TREE_CTE
    + """
SELECT 'v', x.pid, x.bucket, f.indicator_id, SUM(f.value), COUNT(f.value)
FROM subs x
JOIN {figure} f ON f.submission_id = x.sid
JOIN {indicator} i ON i.id = f.indicator_id
WHERE i.entry_level = x.lvl AND i.kind IN ('count', 'yes_no')
GROUP BY x.pid, x.bucket, f.indicator_id
UNION ALL
SELECT 's', m.pid, m.bucket, m.sid, SUM(m.met), COUNT(*)
FROM (
    SELECT x.pid, x.bucket, st.id AS sid,
        CASE WHEN st.n_criteria > 0 AND st.n_criteria = (
            SELECT COUNT(*)
            FROM {criterion} c
            JOIN {figure} f ON f.submission_id = x.sid AND f.indicator_id = c.indicator_id
            WHERE c.status_id = st.id AND f.value IS NOT NULL
              AND ((c.comparison = 'at_least' AND f.value >= c.value)
                OR (c.comparison = 'at_most' AND f.value <= c.value))
        ) THEN 1 ELSE 0 END AS met
    FROM subs x
    JOIN (
        SELECT i.id, i.entry_level,
            (SELECT COUNT(*) FROM {criterion} c WHERE c.status_id = i.id) AS n_criteria
        FROM {indicator} i WHERE i.kind = 'status'
    ) st ON st.entry_level = x.lvl
) m
GROUP BY m.pid, m.bucket, m.sid
"""
)


def _aggregate(roots):
    """{(period_id, bucket_id, indicator_id): value} for entered and status indicators.

    ``roots`` is a list of (period_id, bucket_id, root_unit_id). Entered indicators give
    the sum of entry-level figures; status indicators the number of entry-level units
    meeting every criterion, or None where no such unit reported.
    """
    if not roots:
        return {}
    tables = _tables()
    sql = _AGGREGATE_SQL.format(values=", ".join(["(%s, %s, %s)"] * len(roots)), **tables)
    params = [value for root in roots for value in root] + list(COUNTED_STATUSES)
    values = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for tag, pid, bucket, indicator_id, total, count in cursor.fetchall():
            if tag == "v":
                values[(pid, bucket, indicator_id)] = number(total)
            else:
                values[(pid, bucket, indicator_id)] = number(total) if count else None
    return values


def _predecessor_chain(unit_ids):
    """{successor_id: [predecessor, ...]} over the whole chain of predecessors of ``unit_ids``."""
    tables = _tables()
    sql = """
WITH RECURSIVE chain(successor_id, predecessor_id) AS (
    SELECT s.successor_id, s.predecessor_id FROM {succession} s WHERE s.successor_id IN ({ids})
    UNION
    SELECT s.successor_id, s.predecessor_id FROM {succession} s JOIN chain c ON s.successor_id = c.predecessor_id
)
SELECT c.successor_id, u.id, u.code, u.name, u.level, u.kind, u.valid_from, u.valid_to
FROM chain c JOIN {unit} u ON u.id = c.predecessor_id
ORDER BY u.code
""".format(ids=", ".join(["%s"] * len(unit_ids)), **tables)
    chain = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, list(unit_ids))
        for successor_id, pk, code, name, level, kind, valid_from, valid_to in cursor.fetchall():
            predecessor = AdministrativeUnit(
                pk=pk,
                code=code,
                name=name,
                level=level,
                kind=kind,
                valid_from=_as_date(valid_from),
                valid_to=_as_date(valid_to),
            )
            chain.setdefault(successor_id, []).append(predecessor)
    return chain


def _as_date(value):
    if value is None or isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value))


def _completeness(unit, period, day, reporting_levels):
    """Expected, submitted and approved reporters in U's subtree (U included) at ``day``."""
    if not reporting_levels:
        return Completeness(0, 0, 0)
    tables = _tables()
    levels = sorted(reporting_levels)
    sql = """
WITH RECURSIVE tree(uid) AS (
    SELECT u.id FROM {unit} u WHERE u.id = %s
      AND (u.valid_from IS NULL OR u.valid_from <= %s) AND (u.valid_to IS NULL OR u.valid_to >= %s)
    UNION ALL
    SELECT c.id FROM tree t JOIN {unit} c ON c.parent_id = t.uid
    WHERE (c.valid_from IS NULL OR c.valid_from <= %s) AND (c.valid_to IS NULL OR c.valid_to >= %s)
)
SELECT u.id, u.code, u.name, u.level, u.kind, s.status
FROM tree t
JOIN {unit} u ON u.id = t.uid
LEFT JOIN {submission} s ON s.unit_id = u.id AND s.period_id = %s
WHERE u.level IN ({levels})
ORDER BY u.level_rank, u.code
""".format(levels=", ".join(["%s"] * len(levels)), **tables)
    params = [unit.pk, day, day, day, day, period.pk if period else None, *levels]
    expected = submitted = approved = 0
    missing = []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for pk, code, name, level, kind, status in cursor.fetchall():
            expected += 1
            if status in COUNTED_STATUSES:
                submitted += 1
                approved += status == SubmissionStatus.APPROVED
            elif len(missing) < MISSING_LIMIT:
                missing.append(AdministrativeUnit(pk=pk, code=code, name=name, level=level, kind=kind))
    return Completeness(expected, submitted, approved, missing)


# ---------------------------------------------------------------- derivations


class _Values:
    """Derives actual, cumulative and last-year values of one bucket from half-year sums."""

    def __init__(self, sums, bucket_id):
        self.sums = sums
        self.bucket_id = bucket_id

    def half(self, indicator, half):
        if half is None:
            return None
        if indicator.kind == IndicatorKind.RATE:
            return rate(self.half(indicator.numerator, half), self.half(indicator.denominator, half))
        return self.sums.get((half.pk, self.bucket_id, indicator.pk))

    def combine(self, indicator, halves, *, last_is_final):
        """Combine several halves by the indicator's own rule over time.

        ``last_is_final``: for a cumulative value a stock is the value of the final half
        (the period being viewed); for a year it is the latest half that has a value.
        """
        if indicator.kind == IndicatorKind.RATE:
            return rate(
                self.combine(indicator.numerator, halves, last_is_final=last_is_final),
                self.combine(indicator.denominator, halves, last_is_final=last_is_final),
            )
        values = [self.half(indicator, h) for h in halves]
        if indicator.over_time == OverTime.LAST:
            if last_is_final:
                return values[-1] if values else None
            known = [v for v in values if v is not None]
            return known[-1] if known else None
        known = [v for v in values if v is not None]
        return sum(known) if known else None


@dataclass
class _Frame:
    """The halves one computation needs, for a period and the same period a year before."""

    period: Period
    halves: list  # the period's own halves (Period or None), in order
    window: list  # halves from the start of the year to the period's end (cumulative)


def _frame(period, by_code, year):
    if period is not None and period.year != year:
        raise ValueError(period)
    if period is None or period.half is None:
        halves = [by_code.get(period_code(year, 1)), by_code.get(period_code(year, 2))]
        window = halves
    else:
        halves = [period]
        window = [by_code.get(period_code(year, h)) for h in range(1, period.half + 1)]
    return _Frame(period, halves, window)


def _actual(values, indicator, frame):
    if frame.period is not None and frame.period.half is not None:
        return values.half(indicator, frame.halves[0])
    return values.combine(indicator, frame.halves, last_is_final=False)


def _cumulative(values, indicator, frame, window_start):
    """Cumulative value (DESIGN.md): over the halves inside [window_start, P.end].

    ``window_start`` is the start of a target period longer than P, else None (then the
    cumulative value is the actual).
    """
    if window_start is None or frame.period is None:
        return _actual(values, indicator, frame)
    window = [h for h in frame.window if h is not None and h.start >= window_start]
    if frame.period not in window:
        window.append(frame.period)
    return values.combine(indicator, window, last_is_final=True)


def _year_before(day):
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def judge(comparison, value, cumulative, last_year_cumulative, *, more_time):
    """Status of one target (DESIGN.md "status")."""
    if cumulative is None:
        return NO_DATA
    value = number(value)
    if comparison == Comparison.AT_LEAST:
        holds = cumulative >= value
    elif comparison == Comparison.AT_MOST:
        holds = cumulative <= value
    elif comparison == Comparison.REDUCE_BY:
        if last_year_cumulative is None:
            return NO_DATA
        holds = (last_year_cumulative - cumulative) >= value
    else:  # reduce_by_percent
        if not last_year_cumulative:
            return NO_DATA
        holds = (last_year_cumulative - cumulative) / last_year_cumulative * 100 >= value
    if holds:
        return ACHIEVED
    if comparison == Comparison.AT_LEAST and more_time:
        return IN_PROGRESS
    return NOT_ACHIEVED


def _percent(indicator, target, cumulative):
    if (
        target is None
        or cumulative is None
        or target.comparison != Comparison.AT_LEAST
        or indicator.kind == IndicatorKind.RATE
        or target.value <= 0
    ):
        return None
    return cumulative / number(target.value) * 100


def relevant_at(indicator, unit):
    """Whether an indicator has a value at ``unit``'s level (entered there or below)."""
    rank = LEVEL_RANK.get(unit.level, 0)
    if indicator.kind == IndicatorKind.RATE:
        return all(
            part is not None and LEVEL_RANK.get(part.entry_level, 0) >= rank
            for part in (indicator.numerator, indicator.denominator)
        )
    return LEVEL_RANK.get(indicator.entry_level, 0) >= rank


# ----------------------------------------------------------------- the API


def progress(unit, period, *, indicators=None):
    """Progress of ``unit`` in ``period`` for every indicator that has a value there."""
    year = period.year
    periods = list(Period.objects.filter(year__in=[year, year - 1]))
    by_code = {p.code: p for p in periods}
    if indicators is None:
        indicators = list(Indicator.objects.for_display())
    indicators = [i for i in indicators if relevant_at(i, unit)]

    children = list(unit.children.valid_on(period.end).order_by("code"))
    buckets = [unit, *children]
    chain = _predecessor_chain([b.pk for b in buckets])

    current = _frame(period, by_code, year)
    last_year_period = by_code.get(period.same_period_last_year_code())
    previous = _frame(last_year_period, by_code, year - 1)

    roots = []
    for bucket in buckets:
        for half in current.window + current.halves:
            if half is not None and bucket.is_valid_on(half.end):
                roots.append((half.pk, bucket.pk, bucket.pk))
        for half in previous.window + previous.halves:
            if half is not None:
                roots.extend((half.pk, bucket.pk, root.pk) for root in _resolve(bucket, half.end, chain))
    sums = _aggregate(sorted(set(roots)))

    targets = _applicable_targets(buckets, indicators, period)
    last_year_predecessors = []
    if last_year_period is not None and not unit.is_valid_on(last_year_period.end):
        last_year_predecessors = _resolve(unit, last_year_period.end, chain)

    rows = []
    for indicator in indicators:
        row = _row(_Values(sums, unit.pk), indicator, current, previous, targets.get((unit.pk, indicator.pk)))
        for child in children:
            child_target = targets.get((child.pk, indicator.pk))
            child_row = _row(_Values(sums, child.pk), indicator, current, previous, child_target)
            row.children.append(ChildResult(child, child_row.actual, child_row.status, child_target))
        rows.append(row)

    reporting_levels = {i.entry_level for i in indicators if i.kind in ENTERED_KINDS}
    if period.half is None:
        last_half = by_code.get(period_code(year, 2))
        completeness = _completeness(unit, last_half, last_half.end if last_half else period.end, reporting_levels)
    else:
        completeness = _completeness(unit, period, period.end, reporting_levels)

    return Progress(
        unit=unit,
        period=period,
        rows=rows,
        completeness=completeness,
        children=children,
        last_year_predecessors=last_year_predecessors,
    )


def _row(values, indicator, current, previous, target):
    actual = _actual(values, indicator, current)
    last_year = _actual(values, indicator, previous) if previous.period is not None else None
    longer = target is not None and target.period_id != current.period.pk
    window_start = target.period.start if longer else None
    cumulative = _cumulative(values, indicator, current, window_start)
    # L: the same cumulative computation one year earlier, with the predecessor rule.
    last_year_cumulative = None
    if previous.period is not None:
        last_year_cumulative = _cumulative(
            values, indicator, previous, _year_before(window_start) if window_start else None
        )
    status = NO_TARGET
    if target is not None:
        status = judge(
            target.comparison,
            target.value,
            cumulative,
            last_year_cumulative,
            more_time=target.period.end > current.period.end,
        )
    numerator = denominator = None
    if indicator.kind == IndicatorKind.RATE:
        numerator = _actual(values, indicator.numerator, current)
        denominator = _actual(values, indicator.denominator, current)
    return Row(
        indicator=indicator,
        actual=actual,
        numerator=numerator,
        denominator=denominator,
        cumulative=cumulative,
        same_period_last_year=last_year,
        change=actual - last_year if actual is not None and last_year is not None else None,
        target=target,
        percent=_percent(indicator, target, cumulative),
        status=status,
        last_year_cumulative=last_year_cumulative,
    )


def _resolve(bucket, day, chain):
    """The units standing for ``bucket`` at ``day``: itself, or its predecessors then."""
    if bucket.is_valid_on(day):
        return [bucket]
    found, seen, stack = [], set(), list(chain.get(bucket.pk, []))
    while stack:
        predecessor = stack.pop(0)
        if predecessor.pk in seen:
            continue
        seen.add(predecessor.pk)
        if predecessor.is_valid_on(day):
            found.append(predecessor)
        else:
            stack.extend(chain.get(predecessor.pk, []))
    return sorted(found, key=lambda u: u.code)


def _applicable_targets(buckets, indicators, period):
    """{(unit_id, indicator_id): target}: the period's own target, else the containing one."""
    candidates = Target.objects.filter(
        unit__in=buckets, indicator__in=indicators, period__start__lte=period.start, period__end__gte=period.end
    ).select_related("plan", "period")
    by_id = {indicator.pk: indicator for indicator in indicators}
    chosen = {}
    for target in candidates:
        # Readers describe a target through its indicator ("≥ 5 vụ"): hand them the
        # indicator already loaded, else each target costs one more query.
        target.indicator = by_id[target.indicator_id]
        key = (target.unit_id, target.indicator_id)
        if key not in chosen or target.period_id == period.pk:
            chosen[key] = target
    return chosen


def series(unit, periods, indicators):
    """Actual values at ``unit`` for each half-year in ``periods`` (for trend charts).

    Returns {indicator_id: [value per period]} in one query.
    """
    halves = [p for p in periods if p.half is not None]
    roots = [(p.pk, unit.pk, unit.pk) for p in halves if unit.is_valid_on(p.end)]
    values = _Values(_aggregate(roots), unit.pk)
    return {i.pk: [values.half(i, p) for p in halves] for i in indicators}
