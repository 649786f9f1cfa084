"""The roll-up: district progress from commune figures (DESIGN.md "Roll-up semantics").

This module is the only place that computes totals. The dashboard, the progress API, the
exports and the printed reports all read :func:`progress`, so their numbers cannot
disagree.

How it works, in a fixed number of queries whatever the number of units, indicators or
periods:

1. Load the periods of the year and the year before, the indicators, U's children valid
   at the end of P with the chain of predecessors of U and its children and the
   completeness of U's subtree (one statement, :func:`_around`), and the targets.
2. For every *bucket* (U itself and each child) and every half-year needed, decide which
   units stand for the bucket in that half ("roots"): the bucket itself when it is valid
   at the half's end; for the halves of the year before, its predecessors (recursively)
   when it was not yet valid.
3. One SQL statement walks down from the roots (a recursive CTE over the dated tree, units
   valid at each half's end), keeps submitted and approved submissions, and returns per
   (half, bucket, indicator) the sum of the entry-level figures and, for status
   indicators, how many entry-level units met every criterion.
   The same statement counts, per (half, bucket, indicator), the entry-level units that
   reported a value (and of those, the approved), and per (half, bucket, level) the
   entry-level units expected: the coverage of every row and child.
4. Everything else — rates, years from halves, cumulative values, coverage, comparisons,
   statuses — is small arithmetic in Python on those sums.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.db.models.base import ModelState

from committees.models import AdministrativeUnit, Plan, UnitSuccession

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
# A verdict the missing reports could still overturn (DESIGN.md "status", incomplete coverage).
INCOMPLETE = "incomplete"

LEVEL_RANK = AdministrativeUnit.LEVEL_RANKS
MISSING_LIMIT = 200


def rate(numerator, denominator):
    """numerator / denominator × 100; None when either is missing or the denominator is 0."""
    if numerator is None or denominator is None or denominator == 0:
        return None
    return numerator / denominator * 100


def number(value, digits=None):
    """A number for JSON and display: an int when whole, else a float; None stays None.

    The one number helper (API, metadata files, report snapshots). ``digits`` rounds a
    float first, so a stored document reads the same on every database (6 for snapshots).
    """
    if value is None:
        return None
    if isinstance(value, Decimal):
        value = int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, float) and digits is not None:
        value = round(value, digits)
        return int(value) if value.is_integer() else value
    return value


@dataclass(frozen=True)
class Coverage:
    """(unit, half) pairs behind a cumulative value (DESIGN.md "coverage").

    ``expected``: entry-level units valid at each half's end, summed over the halves the
    cumulative is computed from; ``reported``: those pairs with a value in a submitted or
    approved submission (a rate: both parts; a status: any such submission);
    ``approved``: the same, approved submissions only.
    """

    expected: int
    reported: int
    approved: int

    @property
    def complete(self):
        return self.reported >= self.expected


@dataclass
class ChildResult:
    unit: AdministrativeUnit
    actual: float | int | None
    status: str
    target: Target | None = None
    coverage: Coverage | None = None


@dataclass
class Row:
    indicator: Indicator
    actual: float | int | None
    numerator: float | int | None
    denominator: float | int | None
    cumulative: float | int | None
    same_period_last_year: float | int | None
    target: Target | None
    percent: float | None
    status: str
    # L: the cumulative one year earlier, what reduce_by / reduce_by_percent compare against.
    cumulative_last_year: float | int | None = None
    coverage: Coverage | None = None
    children: list[ChildResult] = field(default_factory=list)

    @property
    def change(self):
        """The actual less the same period last year (None when either is missing)."""
        if self.actual is None or self.same_period_last_year is None:
            return None
        return self.actual - self.same_period_last_year


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
    # {indicator_id: [actual at U per half]} for the halves asked for (progress(trend=…)).
    trend: dict = field(default_factory=dict)


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
    {children}
),
subs AS (
    SELECT t.pid, t.bucket, t.lvl, s.id AS sid, s.status AS sst
    FROM tree t
    {submissions}
)
"""

_VALID_CHILD = "(c.valid_from IS NULL OR c.valid_from <= t.pend) AND (c.valid_to IS NULL OR c.valid_to >= t.pend)"

# PostgreSQL cannot estimate how many rows a recursive CTE yields: for a district (108
# unit-halves) it guessed ~39,000 and answered with a sequential scan of every
# submission (0.7 s of a 0.9 s statement on the national data). A LATERAL subquery
# (OFFSET 0 keeps it from being flattened) makes each submission an index lookup by
# (unit, period) (submission_unique_unit_period) whatever the estimate. SQLite always
# joins by nested loops over indexes and takes the plain joins.
_JOINS = {
    "postgresql": {
        # Children stay a plain join: the unit table is small enough to hash once per
        # level, and inside LATERAL PostgreSQL chose a sequential scan per parent on
        # tables of a few hundred units (220 ms for a 200-commune province).
        "children": f"JOIN {{unit}} c ON c.parent_id = t.uid WHERE {_VALID_CHILD}",
        "submissions": (
            "CROSS JOIN LATERAL (SELECT s.id, s.status FROM {submission} s WHERE s.unit_id = t.uid AND s.period_id = t.pid "
            "AND s.status IN (%s, %s) OFFSET 0) s"
        ),
    },
    "default": {
        "children": f"JOIN {{unit}} c ON c.parent_id = t.uid WHERE {_VALID_CHILD}",
        "submissions": "JOIN {submission} s ON s.unit_id = t.uid AND s.period_id = t.pid WHERE s.status IN (%s, %s)",
    },
}


# ``figs``: every figure of a counted submission, read once through the index on
# figure.submission_id. It is materialised on purpose: when PostgreSQL guessed few
# submissions it joined the indicators first and probed the figures once per
# (submission, indicator) — 35× the index lookups. The small indicator and criterion
# tables are joined afterwards, to rows already found. Statuses are set-based: criteria
# met per submission against criteria per status, instead of a correlated subquery per
# (submission, status indicator). A submission appears once per bucket and half it
# counts in, hence COUNT(DISTINCT criterion).
#
# Coverage comes from the same rows: each unit has one submission per half and one figure
# per indicator in it, so COUNT(value) per (half, bucket, indicator) is the number of
# entry-level units that reported a value; a rate's pairs are submissions holding both
# parts (``rate_pairs``); the expected units are the tree's nodes per level (``'n:'``
# rows, the level in the tag so that every column keeps its type).
_AGGREGATE_SQL = (
    _TREE_CTE
    + """,
figs AS MATERIALIZED (
    SELECT x.pid, x.bucket, x.lvl, x.sid, x.sst, f.indicator_id, f.value
    FROM subs x
    JOIN {figure} f ON f.submission_id = x.sid
),
met AS (
    SELECT g.sid, c.status_id, COUNT(DISTINCT c.id) AS n_met
    FROM figs g
    JOIN {criterion} c ON c.indicator_id = g.indicator_id
    WHERE {criterion_holds}
    GROUP BY g.sid, c.status_id
),
needed AS (
    SELECT c.status_id, COUNT(*) AS n_criteria FROM {criterion} c GROUP BY c.status_id
),
rate_pairs AS (
    SELECT g.pid, g.bucket, r.id AS rid, MAX(g.sst) AS sst
    FROM figs g
    JOIN {indicator} r ON r.kind = 'rate' AND (r.numerator_id = g.indicator_id OR r.denominator_id = g.indicator_id)
    JOIN {indicator} p ON p.id = g.indicator_id
    WHERE g.value IS NOT NULL AND p.entry_level = g.lvl
    GROUP BY g.pid, g.bucket, r.id, r.numerator_id, r.denominator_id, g.sid
    HAVING COUNT(DISTINCT g.indicator_id) = CASE WHEN r.numerator_id = r.denominator_id THEN 1 ELSE 2 END
)
SELECT 'v', g.pid, g.bucket, g.indicator_id, SUM(g.value), COUNT(g.value),
    SUM(CASE WHEN g.sst = '{approved}' AND g.value IS NOT NULL THEN 1 ELSE 0 END)
FROM figs g
JOIN {indicator} i ON i.id = g.indicator_id
WHERE i.entry_level = g.lvl AND i.kind IN ('count', 'yes_no')
GROUP BY g.pid, g.bucket, g.indicator_id
UNION ALL
SELECT 's', x.pid, x.bucket, st.id,
    SUM(CASE WHEN n.n_criteria > 0 AND m.n_met = n.n_criteria THEN 1 ELSE 0 END), COUNT(*),
    SUM(CASE WHEN x.sst = '{approved}' THEN 1 ELSE 0 END)
FROM subs x
JOIN {indicator} st ON st.kind = 'status' AND st.entry_level = x.lvl
LEFT JOIN needed n ON n.status_id = st.id
LEFT JOIN met m ON m.sid = x.sid AND m.status_id = st.id
GROUP BY x.pid, x.bucket, st.id
UNION ALL
SELECT 'r', rp.pid, rp.bucket, rp.rid, NULL, COUNT(*), SUM(CASE WHEN rp.sst = '{approved}' THEN 1 ELSE 0 END)
FROM rate_pairs rp
GROUP BY rp.pid, rp.bucket, rp.rid
UNION ALL
SELECT 'n:' || t.lvl, t.pid, t.bucket, NULL, NULL, COUNT(*), 0
FROM tree t
GROUP BY t.pid, t.bucket, t.lvl
"""
)


def aggregate_sql(roots):
    """The one roll-up statement and its parameters (bench/run.py also runs it bare)."""
    tables = _tables()
    joins = {name: sql.format(**tables) for name, sql in _JOINS.get(connection.vendor, _JOINS["default"]).items()}
    sql = _AGGREGATE_SQL.format(
        values=", ".join(["(%s, %s, %s)"] * len(roots)),
        # Criterion.holds as SQL: the criterion rule is written in the Criterion class only.
        criterion_holds=Criterion.sql_holds("g.value", "c"),
        approved=SubmissionStatus.APPROVED.value,
        **joins,
        **tables,
    )
    return sql, [value for root in roots for value in root] + list(COUNTED_STATUSES)


@dataclass
class _Sums:
    """What the roll-up statement returns, by key.

    ``values``: {(half_id, bucket_id, indicator_id): value} — entered indicators the sum of
    entry-level figures, status indicators the number of entry-level units meeting every
    criterion (None where no such unit reported). ``reported``: {same key: (reported,
    approved)} entry-level units (rates: with both parts). ``units``: {(half_id,
    bucket_id, level): expected entry-level units}.
    """

    values: dict = field(default_factory=dict)
    reported: dict = field(default_factory=dict)
    units: dict = field(default_factory=dict)


def _aggregate(roots):
    """The roll-up statement over ``roots``, a list of (period_id, bucket_id, root_unit_id)."""
    sums = _Sums()
    if not roots:
        return sums
    sql, params = aggregate_sql(roots)
    values, reported, units = sums.values, sums.reported, sums.units
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    # Figures are whole numbers (BigIntegerField): int() is exact, and cheaper than
    # number() on the ~2,500 rows of a district (PostgreSQL's SUM over bigint is numeric).
    for tag, pid, bucket, indicator_id, total, count, approved in rows:
        if tag == "v":
            key = (pid, bucket, indicator_id)
            values[key] = None if total is None else int(total)
            reported[key] = (count, approved)
        elif tag == "s":
            key = (pid, bucket, indicator_id)
            values[key] = int(total) if count else None
            reported[key] = (count, approved)
        elif tag == "r":
            reported[(pid, bucket, indicator_id)] = (count, approved)
        else:  # "n:<level>"
            units[(pid, bucket, tag[2:])] = count
    return sums


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


_UNIT_FIELDS = tuple(f.attname for f in AdministrativeUnit._meta.concrete_fields)
_UNIT_DATES = tuple(
    i for i, f in enumerate(AdministrativeUnit._meta.concrete_fields) if f.get_internal_type() == "DateField"
)
# A missing reporter carries these only (the dashboard names it).
_MISSING_FIELDS = tuple(
    (name, _UNIT_FIELDS.index("id" if name == "pk" else name)) for name in ("pk", "code", "name", "level", "kind")
)


def _around(unit, day, reporting, reporting_day, reporting_levels):
    """What a unit's page reads around its roll-up statement, in one statement (on a
    loaded machine every round trip waits for a core): ``unit``'s children valid at
    ``day`` (by code), the predecessor chain of ``unit`` and those children (as
    :func:`_predecessor_chain`) and the completeness of ``unit``'s subtree for the
    period ``reporting`` (None: nothing submitted) at ``reporting_day``: expected,
    submitted and approved reporters at ``reporting_levels``, U included.

    Returns (children, chain, completeness).
    """
    tables = _tables()
    columns = ", ".join(f"u.{connection.ops.quote_name(name)}" for name in _UNIT_FIELDS)
    levels = sorted(reporting_levels)
    params = [unit.pk, day, day, unit.pk]
    # The tree carries no unit column (a join at the end); the submission is looked up
    # per unit through submission_unique_unit_period (LATERAL on PostgreSQL, for the same
    # misestimate as in the roll-up statement).
    tree = reporters = ""
    if levels:
        tree = """,
tree(uid) AS (
    SELECT u.id FROM {unit} u WHERE u.id = %s
      AND (u.valid_from IS NULL OR u.valid_from <= %s) AND (u.valid_to IS NULL OR u.valid_to >= %s)
    UNION ALL
    SELECT c.id FROM tree t JOIN {unit} c ON c.parent_id = t.uid
    WHERE (c.valid_from IS NULL OR c.valid_from <= %s) AND (c.valid_to IS NULL OR c.valid_to >= %s)
)"""
        if connection.vendor == "postgresql":
            status_join = (
                "LEFT JOIN LATERAL (SELECT s.status FROM {submission} s "
                "WHERE s.unit_id = t.uid AND s.period_id = %s OFFSET 0) s ON TRUE"
            )
        else:
            status_join = "LEFT JOIN {submission} s ON s.unit_id = t.uid AND s.period_id = %s"
        # The unit of each tree row by its key (LATERAL on PostgreSQL: the recursive tree's
        # size is misestimated ~100×, and a hash join then read the whole unit table, ~4 ms).
        unit_join = "JOIN {unit} u ON u.id = t.uid"
        if connection.vendor == "postgresql":
            unit_join = "JOIN LATERAL (SELECT * FROM {unit} u0 WHERE u0.id = t.uid OFFSET 0) u ON TRUE"
        reporters = f"""
UNION ALL
SELECT 2, u.level_rank, s.status, {columns} FROM tree t {unit_join}
{status_join}
WHERE u.level IN ({", ".join(["%s"] * len(levels))})"""
        params += [unit.pk, reporting_day, reporting_day, reporting_day, reporting_day]
        params += [reporting.pk if reporting else None, *levels]
    # Rows: 0 a child, 1 a predecessor of the successor in the second column, 2 a
    # reporter (its submission's status in the third), each with the unit's columns.
    sql = f"""
WITH RECURSIVE kids(id) AS (
    SELECT c.id FROM {{unit}} c WHERE c.parent_id = %s
      AND (c.valid_from IS NULL OR c.valid_from <= %s) AND (c.valid_to IS NULL OR c.valid_to >= %s)
),
chain(successor_id, predecessor_id) AS (
    SELECT s.successor_id, s.predecessor_id FROM {{succession}} s
    WHERE s.successor_id = %s OR s.successor_id IN (SELECT id FROM kids)
    UNION
    SELECT s.successor_id, s.predecessor_id FROM {{succession}} s JOIN chain c ON s.successor_id = c.predecessor_id
){tree}
SELECT 0, NULL, NULL, {columns} FROM kids k JOIN {{unit}} u ON u.id = k.id
UNION ALL
SELECT 1, c.successor_id, NULL, {columns} FROM chain c JOIN {{unit}} u ON u.id = c.predecessor_id{reporters}
ORDER BY 1, 2, {4 + _UNIT_FIELDS.index("code")}
""".format(**tables)
    children, chain = [], {}
    expected = submitted = approved = 0
    missing = []
    db = connection.alias
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    for tag, key, status, *values in rows:
        if tag == 2:
            expected += 1
            if status in COUNTED_STATUSES:
                submitted += 1
                approved += status == SubmissionStatus.APPROVED
            elif len(missing) < MISSING_LIMIT:
                missing.append(AdministrativeUnit(**{name: values[i] for name, i in _MISSING_FIELDS}))
            continue
        for i in _UNIT_DATES:
            values[i] = _as_date(values[i])
        if tag == 0:
            children.append(AdministrativeUnit.from_db(db, _UNIT_FIELDS, values))
        else:
            chain.setdefault(key, []).append(AdministrativeUnit.from_db(db, _UNIT_FIELDS, values))
    return children, chain, Completeness(expected, submitted, approved, missing)


def _as_date(value):
    if value is None or isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value))


# ---------------------------------------------------------------- derivations


class _Values:
    """Derives actual, cumulative and last-year values of one bucket from half-year sums.

    Hot path (buckets × indicators × halves): ``.id`` rather than ``.pk`` (a property
    call each time) on periods and indicators, whose primary key is ``id``.
    """

    def __init__(self, sums, bucket_id):
        self.sums = sums.values
        self.reported = sums.reported
        self.units = sums.units
        self.bucket_id = bucket_id

    def coverage(self, indicator, halves):
        """Coverage of ``indicator`` over ``halves`` (DESIGN.md "coverage")."""
        # A rate's units are those entering its parts (a status's, its criteria's: the
        # status carries that level itself).
        level = indicator.numerator.entry_level if indicator.kind == IndicatorKind.RATE else indicator.entry_level
        expected = reported = approved = 0
        for half in halves:
            expected += self.units.get((half.id, self.bucket_id, level), 0)
            got, ok = self.reported.get((half.id, self.bucket_id, indicator.id), (0, 0))
            reported += got
            approved += ok
        return Coverage(expected, reported, approved)

    def half(self, indicator, half):
        if half is None:
            return None
        if indicator.kind == IndicatorKind.RATE:
            return rate(self.half(indicator.numerator, half), self.half(indicator.denominator, half))
        return self.sums.get((half.id, self.bucket_id, indicator.id))

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
        # self.half() inlined: this runs for every bucket × indicator × frame.
        get, bucket_id, indicator_id = self.sums.get, self.bucket_id, indicator.id
        values = [None if h is None else get((h.id, bucket_id, indicator_id)) for h in halves]
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
    # {(what, window_start): halves} computed once per frame rather than once per row
    # (buckets × indicators share a handful of target windows).
    memo: dict = field(default_factory=dict)


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


def _window(frame, window_start):
    """The halves inside [window_start, P.end] (P itself included), for a cumulative value.

    The list is shared (memoised on the frame): callers must not change it.
    """
    key = ("window", window_start)
    window = frame.memo.get(key)
    if window is None:
        window = [h for h in frame.window if h is not None and h.start >= window_start]
        if all(h.id != frame.period.id for h in window):  # by id: Model.__eq__ is slower
            window.append(frame.period)
        frame.memo[key] = window
    return window


def _cumulative(values, indicator, frame, window_start):
    """Cumulative value (DESIGN.md): over the halves inside [window_start, P.end].

    ``window_start`` is the start of a target period longer than P, else None (then the
    cumulative value is the actual).
    """
    if window_start is None or frame.period is None:
        return _actual(values, indicator, frame)
    return values.combine(indicator, _window(frame, window_start), last_is_final=True)


def _coverage_halves(indicator, frame, window_start):
    """The halves C is computed from: the last half of P for a stock (``last``); for flows
    and rates the cumulative window, or P's own halves without a longer target.

    Shared (memoised on the frame, by the three cases): callers must not change it.
    """
    stock = indicator.kind != IndicatorKind.RATE and indicator.over_time == OverTime.LAST
    key = ("coverage", stock, None if stock else window_start)
    found = frame.memo.get(key)
    if found is None:
        if stock:
            halves = frame.halves[-1:]
        elif window_start is None:
            halves = frame.halves
        else:
            halves = _window(frame, window_start)
        found = frame.memo[key] = [h for h in halves if h is not None]
    return found


def _year_before(day):
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def judge(comparison, value, cumulative, cumulative_last_year, *, more_time, coverage=None, is_rate=False):
    """Status of one target (DESIGN.md "status").

    With incomplete ``coverage`` a verdict is given only where the missing reports cannot
    change it: figures are ≥ 0, so a total can only grow as more units report — an
    at_least that holds stays held, an at_most / reduce_by / reduce_by_percent that fails
    stays failed. A rate can move either way: always incomplete.
    """
    if cumulative is None:
        return NO_DATA
    value = number(value)
    if comparison == Comparison.AT_LEAST:
        holds = cumulative >= value
    elif comparison == Comparison.AT_MOST:
        holds = cumulative <= value
    elif comparison == Comparison.REDUCE_BY:
        if cumulative_last_year is None:
            return NO_DATA
        holds = (cumulative_last_year - cumulative) >= value
    else:  # reduce_by_percent
        if not cumulative_last_year:
            return NO_DATA
        holds = (cumulative_last_year - cumulative) / cumulative_last_year * 100 >= value
    if coverage is not None and not coverage.complete:
        if is_rate:
            return INCOMPLETE
        if holds and comparison == Comparison.AT_LEAST:
            return ACHIEVED
        if not holds and comparison != Comparison.AT_LEAST:
            return NOT_ACHIEVED
        return INCOMPLETE
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


@dataclass
class _Setting:
    """What every roll-up reads before its statement: the periods of P's year and the year
    before, the frames of P and of the same period last year, and the predecessor chain of
    the buckets (the units whose rows are computed). Shared by :func:`progress`,
    :func:`overview` and the benchmarks (bench/run.py runs its statement bare)."""

    period: Period
    periods: list
    by_code: dict
    current: _Frame
    previous: _Frame
    last_year_period: Period | None
    buckets: list
    chain: dict

    @classmethod
    def build(cls, buckets, period, periods=None, chain=None):
        """``periods``: every period, when the caller has them already (then no query);
        ``chain``: the buckets' predecessor chain, when read already (_children_and_chain)."""
        year = period.year
        if periods is None:
            periods = list(Period.objects.filter(year__in=[year, year - 1]))
        else:
            periods = [p for p in periods if p.year in (year, year - 1)]
        by_code = {p.code: p for p in periods}
        last_year_period = by_code.get(period.same_period_last_year_code())
        return cls(
            period=period,
            periods=periods,
            by_code=by_code,
            current=_frame(period, by_code, year),
            previous=_frame(last_year_period, by_code, year - 1),
            last_year_period=last_year_period,
            buckets=buckets,
            chain=chain if chain is not None else _predecessor_chain([b.pk for b in buckets]) if buckets else {},
        )

    def roots(self):
        """(half_id, bucket_id, root_unit_id) for every bucket and half the computation needs."""
        return _roots(self.buckets, self.current, self.previous, self.chain)

    def targets(self, indicators):
        return _applicable_targets(self.buckets, indicators, self.period, self.periods)

    def row(self, sums, bucket, indicator, targets):
        """The row of ``indicator`` at ``bucket`` (a unit of ``buckets``), by its own target."""
        target = targets.get((bucket.id, indicator.id))  # .id: .pk is a property call
        return _row(_Values(sums, bucket.id), indicator, self.current, self.previous, target)

    def child(self, sums, child, indicator, targets):
        """What a child shows in its parent's row: its actual, its status by its own
        target, its coverage (none of a row's other columns: ~40 % less work a child)."""
        target = targets.get((child.id, indicator.id))
        actual, _cumulative, _last, coverage, status = _judged(
            _Values(sums, child.id), indicator, self.current, self.previous, target, last_year_always=False
        )
        return ChildResult(child, actual, status, target, coverage)


def _indicators(indicators, units):
    """The indicators (all, in display order, when None) that have a value at every unit."""
    if indicators is None:
        indicators = list(Indicator.objects.for_display(parts=False))
        # A rate's parts are indicators of the same catalogue: the loaded ones, rather
        # than two more joined copies of the indicator table (~2 ms a page).
        by_id = {i.id: i for i in indicators}
        for indicator in indicators:
            cache = indicator._state.fields_cache
            cache["numerator"] = by_id.get(indicator.numerator_id)
            cache["denominator"] = by_id.get(indicator.denominator_id)
    return [i for i in indicators if all(relevant_at(i, unit) for unit in units)]


def progress(unit, period, *, indicators=None, trend=(), periods=None):
    """Progress of ``unit`` in ``period`` for every indicator that has a value there.

    ``trend``: half-year periods whose actual values at ``unit`` the dashboard charts;
    computed in the same statement (``Progress.trend``, as :func:`series` would give).
    ``periods``: every period, when the caller has loaded them (the dashboard's switcher,
    ``selectors.period_in_catalogue``): one query fewer.
    """
    indicators = _indicators(indicators, [unit])
    if periods is None:
        periods = list(Period.objects.filter(year__in=[period.year, period.year - 1]))
    # Completeness: of P's last half for a year (its figures are the year's latest).
    reporting = period
    if period.half is None:
        code = period_code(period.year, 2)
        reporting = next((p for p in periods if p.code == code), None)
    children, chain, completeness = _around(
        unit,
        period.end,
        reporting,
        reporting.end if reporting else period.end,
        {i.entry_level for i in indicators if i.kind in ENTERED_KINDS},
    )
    setting = _Setting.build([unit, *children], period, periods, chain=chain)
    last_year_period = setting.last_year_period
    roots = setting.roots()
    # A trend half where U is valid has the roots {(half, U, U)}, in the statement already
    # or added here; where U is not valid the trend has no value (unlike last year's
    # column, which follows predecessors), so those halves are left out.
    trend = [p for p in trend if p.half is not None]
    charted = {p.id for p in trend if unit.is_valid_on(p.end)}
    roots = sorted(set(roots) | {(pid, unit.pk, unit.pk) for pid in charted})
    sums = _aggregate(roots)

    targets = setting.targets(indicators)
    last_year_predecessors = []
    if last_year_period is not None and not unit.is_valid_on(last_year_period.end):
        last_year_predecessors = _resolve(unit, last_year_period.end, chain)

    rows = []
    for indicator in indicators:
        row = setting.row(sums, unit, indicator, targets)
        row.children = [setting.child(sums, child, indicator, targets) for child in children]
        rows.append(row)

    values = _Values(sums, unit.pk)
    return Progress(
        unit=unit,
        period=period,
        rows=rows,
        completeness=completeness,
        children=children,
        last_year_predecessors=last_year_predecessors,
        trend={i.id: [values.half(i, p) if p.id in charted else None for p in trend] for i in indicators},
    )


def _roots(buckets, current, previous, chain):
    """(half_id, bucket_id, root_unit_id) for every bucket and half the computation needs."""
    roots = []
    for bucket in buckets:
        for half in current.window + current.halves:
            if half is not None and bucket.is_valid_on(half.end):
                roots.append((half.pk, bucket.pk, bucket.pk))
        for half in previous.window + previous.halves:
            if half is not None:
                roots.extend((half.pk, bucket.pk, root.pk) for root in _resolve(bucket, half.end, chain))
    return sorted(set(roots))


def overview(units, period, *, indicators=None):
    """Rows (actual, cumulative, target, status…) of several units side by side, e.g. every
    province for the national view, in the same fixed number of queries as :func:`progress`.

    Returns [(unit, [Row, ...])] in the order of ``units``; only indicators that have a
    value at every unit's level are included (no children, no completeness).
    """
    units = list(units)
    indicators = _indicators(indicators, units)
    setting = _Setting.build(units, period)
    sums = _aggregate(setting.roots())
    targets = setting.targets(indicators)
    return [(unit, [setting.row(sums, unit, indicator, targets) for indicator in indicators]) for unit in units]


def _judged(values, indicator, current, previous, target, *, last_year_always=True):
    """actual, cumulative, cumulative_last_year, coverage and status of one bucket's row.

    ``last_year_always``: False for a child, whose cumulative_last_year nobody reads: it
    is then computed only when the status needs it (reduce_by, reduce_by_percent).
    """
    actual = _actual(values, indicator, current)
    longer = target is not None and target.period_id != current.period.id
    window_start = target.period.start if longer else None
    # Without a longer target the cumulative value is the actual (_cumulative): not twice.
    cumulative = actual if window_start is None else _cumulative(values, indicator, current, window_start)
    # L: the same cumulative computation one year earlier, with the predecessor rule.
    cumulative_last_year = None
    if previous.period is not None and (
        last_year_always or (target is not None and target.comparison in _AGAINST_LAST_YEAR)
    ):
        cumulative_last_year = _cumulative(
            values, indicator, previous, _year_before(window_start) if window_start else None
        )
    coverage = values.coverage(indicator, _coverage_halves(indicator, current, window_start))
    status = NO_TARGET
    if target is not None:
        status = judge(
            target.comparison,
            target.value,
            cumulative,
            cumulative_last_year,
            more_time=target.period.end > current.period.end,
            coverage=coverage,
            is_rate=indicator.kind == IndicatorKind.RATE,
        )
    return actual, cumulative, cumulative_last_year, coverage, status


_AGAINST_LAST_YEAR = (Comparison.REDUCE_BY, Comparison.REDUCE_BY_PERCENT)


def _row(values, indicator, current, previous, target):
    actual, cumulative, cumulative_last_year, coverage, status = _judged(values, indicator, current, previous, target)
    last_year = _actual(values, indicator, previous) if previous.period is not None else None
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
        target=target,
        percent=_percent(indicator, target, cumulative),
        status=status,
        cumulative_last_year=cumulative_last_year,
        coverage=coverage,
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


_TARGET_FIELDS = tuple(f.attname for f in Target._meta.concrete_fields)
_INDICATOR, _UNIT, _PERIOD, _PLAN = (
    _TARGET_FIELDS.index(f"{name}_id") for name in ("indicator", "unit", "period", "plan")
)
_PLAN_FIELDS = tuple(f.attname for f in Plan._meta.concrete_fields)


def _loaded(model, values, db, related):
    """An instance of ``model`` as loaded from ``db``: ``values`` (attname, value) pairs,
    ``related`` the related objects already at hand, put straight into the field cache.

    What ``Model.from_db`` ends with, minus ``__init__``'s per-field descriptor calls
    and the ``pre_init``/``post_init`` signals (no receiver for these models): ~20 µs an
    instance, ~10 ms of a district page's ~500 targets.
    """
    instance = model.__new__(model)
    instance.__dict__.update(values)
    state = instance._state = ModelState()
    state.adding = False
    state.db = db
    state.fields_cache = related
    return instance


def _applicable_targets(buckets, indicators, period, periods):
    """{(unit_id, indicator_id): target}: the period's own target, else the containing one.

    ``periods``: periods already loaded, reused as the targets' ``period`` (a district
    has ~500 candidate targets; a Period instance per row cost as much as the query).
    """
    # Ordered by the period's year only (not the model's default, which joins units and
    # indicators to sort by their codes): the choice below depends on nothing else. Read
    # as tuples, the plan's columns alongside: only the chosen targets become instances,
    # and each plan one instance.
    candidates = (
        Target.objects.filter(
            unit__in=buckets, indicator__in=indicators, period__start__lte=period.start, period__end__gte=period.end
        )
        .order_by("period__year")
        .values_list(*_TARGET_FIELDS, *(f"plan__{name}" for name in _PLAN_FIELDS))
    )
    width = len(_TARGET_FIELDS)
    chosen = {}
    for values in candidates:
        key = (values[_UNIT], values[_INDICATOR])
        if key not in chosen or values[_PERIOD] == period.id:
            chosen[key] = values
    by_id = {p.id: p for p in periods}
    missing = {values[_PERIOD] for values in chosen.values()} - by_id.keys()
    if missing:  # a period with edited dates containing P: never in the usual catalogue
        by_id.update(Period.objects.in_bulk(missing))
    indicators_by_id = {i.id: i for i in indicators}
    units_by_id = {u.pk: u for u in buckets}
    plans = {}
    db = connection.alias
    targets = {}
    for key, values in chosen.items():
        plan_id = values[_PLAN]
        plan = None
        if plan_id is not None:
            plan = plans.get(plan_id)
            if plan is None:
                plan = plans[plan_id] = Plan.from_db(db, _PLAN_FIELDS, values[width:])
        # The indicator, unit and period are those already loaded, so wording and exports
        # reading target.indicator or target.period cost no query.
        target = _loaded(
            Target,
            zip(_TARGET_FIELDS, values[:width], strict=True),
            db,
            {
                "indicator": indicators_by_id[values[_INDICATOR]],
                "unit": units_by_id[values[_UNIT]],
                "period": by_id[values[_PERIOD]],
                "plan": plan,
            },
        )
        targets[key] = target
    return targets


def series(unit, periods, indicators):
    """Actual values at ``unit`` for each half-year in ``periods`` (for trend charts).

    Returns {indicator_id: [value per period]} in one query.
    """
    halves = [p for p in periods if p.half is not None]
    roots = [(p.pk, unit.pk, unit.pk) for p in halves if unit.is_valid_on(p.end)]
    values = _Values(_aggregate(roots), unit.pk)
    return {i.pk: [values.half(i, p) for p in halves] for i in indicators}
