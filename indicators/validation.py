"""Validation rules and outlier flags on one unit's figures for one half: the one place.

DESIGN.md "Validation rules" (as DHIS2 has them): each side of a rule is a list of
indicator codes whose figures are added, or a number; a rule is skipped when a figure it
names is missing (blank means missing, never 0). An ``error`` refuses the entry form's save
and submit and an import; a ``warning`` needs a note on one of its figures before the
report can be submitted. Every rate carries the built-in error rule numerator ≤ denominator.

Outliers (as DHIS2's min–max outlier check): a figure outside limits derived from the
unit's own figures for the same indicator in its last :data:`HISTORY_HALVES` half-years is
saved, but needs a note before the report is submitted, and is listed for the reviewer.
The limits: with at least :data:`HISTORY_MIN` past values, *spread* = the larger of
(max − min), half of max (rounded up) and :data:`SPREAD_MIN`; the figure must lie in
[max(0, min − spread), max + spread].

Everything here is plain Python on values already loaded: callers fetch the rules with
:func:`rules_for` (2 queries) and the history with ``indicators.selectors.recent_history``.
"""

from __future__ import annotations

import dataclasses
import math
import operator as op
from decimal import Decimal

from django.utils.translation import gettext as _

from .models import IndicatorKind, RuleOperator, RuleSeverity, ValidationRule, rule_codes

OPERATORS = {
    RuleOperator.LE: op.le,
    RuleOperator.LT: op.lt,
    RuleOperator.EQ: op.eq,
    RuleOperator.NE: op.ne,
    RuleOperator.GE: op.ge,
    RuleOperator.GT: op.gt,
}
SYMBOLS = dict(RuleOperator.choices)

HISTORY_HALVES = 4
HISTORY_MIN = 2
SPREAD_MIN = 2

BUILTIN_PREFIX = "TYLE:"


@dataclasses.dataclass(frozen=True)
class Rule:
    code: str
    name: str
    left: list | int | float
    operator: str
    right: list | int | float
    severity: str
    builtin: bool = False

    def codes(self):
        return rule_codes(self.left, self.right)


def side_problem(side):
    """Why ``side`` is not a list of indicator codes or a number (Vietnamese), else None."""
    if isinstance(side, bool):
        return _("Mỗi vế là danh sách mã chỉ tiêu hoặc một số.")
    if isinstance(side, int | float | Decimal):
        return None if math.isfinite(side) else _("Mỗi vế là danh sách mã chỉ tiêu hoặc một số.")
    if isinstance(side, list) and side and all(isinstance(code, str) and code.strip() for code in side):
        return None
    return _("Mỗi vế là danh sách mã chỉ tiêu hoặc một số.")


def _as_rule(stored):
    return Rule(stored.code, stored.name, stored.left, stored.operator, stored.right, stored.severity)


def builtin_rules(rates):
    """numerator ≤ denominator for every rate (no stored row needed)."""
    return [
        Rule(
            code=BUILTIN_PREFIX + rate.code,
            name=_("%(numerator)s không vượt quá %(denominator)s")
            % {
                "numerator": rate.numerator.name,
                "denominator": rate.denominator.name[:1].lower() + rate.denominator.name[1:],
            },
            left=[rate.numerator.code],
            operator=RuleOperator.LE,
            right=[rate.denominator.code],
            severity=RuleSeverity.ERROR,
            builtin=True,
        )
        for rate in rates
    ]


def rules_for(indicators):
    """The rules that can be checked on figures of ``indicators`` (entered at one level):
    stored rules naming only those indicators, in code order, then the built-in rate rules
    (2 queries)."""
    from .models import Indicator

    codes = {indicator.code for indicator in indicators}
    stored = [_as_rule(rule) for rule in ValidationRule.objects.order_by("code")]
    rates = Indicator.objects.filter(kind=IndicatorKind.RATE).select_related("numerator", "denominator")
    # A stored rule saying the same as a built-in one (with the officers' own words) replaces it.
    same = {(str(rule.left), rule.operator, str(rule.right)) for rule in stored}
    builtin = [r for r in builtin_rules(rates.order_by("code")) if (str(r.left), r.operator, str(r.right)) not in same]
    rules = stored + builtin
    return [rule for rule in rules if rule.codes() and set(rule.codes()) <= codes]


@dataclasses.dataclass(frozen=True)
class Violation:
    """A rule that does not hold on the figures: ``left`` and ``right`` the two sides' values."""

    rule: Rule
    left: int | float
    right: int | float

    @property
    def is_error(self):
        return self.rule.severity == RuleSeverity.ERROR

    @property
    def codes(self):
        return self.rule.codes()

    def message(self, names):
        """ "Quy tắc “…”: Số vụ đã làm rõ (5) phải ≤ Số vụ xảy ra (2)." ``names``: {code: name}."""
        return _("Quy tắc “%(rule)s” không thỏa: %(left)s phải %(op)s %(right)s.") % {
            "rule": self.rule.name,
            "left": _side_text(self.rule.left, self.left, names),
            "op": SYMBOLS[self.rule.operator],
            "right": _side_text(self.rule.right, self.right, names),
        }


def _number_text(value):
    value = float(value)
    return str(int(value)) if value == int(value) else str(value)


def _side_text(side, total, names):
    if not isinstance(side, list):
        return _number_text(side)
    if len(side) == 1:
        return f"{names.get(side[0], side[0])} ({_number_text(total)})"
    return "(" + " + ".join(names.get(code, code) for code in side) + f") = {_number_text(total)}"


def _side_value(side, values):
    if not isinstance(side, list):
        return side
    found = [values.get(code) for code in side]
    if any(value is None for value in found):
        return None
    return sum(found)


def evaluate(rules, values):
    """The rules that do not hold on ``values`` ({code: value or None}); a rule naming a
    missing figure is skipped."""
    broken = []
    for rule in rules:
        left, right = _side_value(rule.left, values), _side_value(rule.right, values)
        if left is None or right is None:
            continue
        if not OPERATORS[rule.operator](left, right):
            broken.append(Violation(rule, left, right))
    return broken


@dataclasses.dataclass(frozen=True)
class Outlier:
    """A figure outside [low, high], the limits from the unit's own last half-years."""

    code: str
    value: int
    low: int
    high: int
    history: tuple

    def message(self, names):
        return _(
            "%(name)s: %(value)s nằm ngoài khoảng thường gặp của đơn vị (%(low)s–%(high)s, theo các kỳ trước: "
            "%(history)s); cần ghi chú giải thích."
        ) % {
            "name": names.get(self.code, self.code),
            "value": self.value,
            "low": self.low,
            "high": self.high,
            "history": ", ".join(str(v) for v in self.history),
        }


def outlier_limits(history):
    """(low, high) from past values, or None with fewer than HISTORY_MIN of them."""
    known = [value for value in history if value is not None]
    if len(known) < HISTORY_MIN:
        return None
    low, high = min(known), max(known)
    spread = max(high - low, math.ceil(high / 2), SPREAD_MIN)
    return max(0, low - spread), high + spread


def outliers(indicators, values, history):
    """Figures outside their limits: ``history`` {code: [past values, oldest first]}."""
    found = []
    for indicator in indicators:
        value = values.get(indicator.code)
        if value is None or indicator.kind != IndicatorKind.COUNT:
            continue
        past = tuple(v for v in history.get(indicator.code, ()) if v is not None)
        limits = outlier_limits(past)
        if limits and not limits[0] <= value <= limits[1]:
            found.append(Outlier(indicator.code, value, limits[0], limits[1], past))
    return found


@dataclasses.dataclass
class Check:
    """Everything the rules and the outlier check say about one unit's figures for a half."""

    errors: list
    warnings: list
    outliers: list
    names: dict
    notes: dict

    def error_messages(self):
        return [violation.message(self.names) for violation in self.errors]

    def unexplained(self):
        """Messages of warnings and outliers with no note on any of their figures."""
        missing = []
        for violation in self.warnings:
            if not any(self.notes.get(code) for code in violation.codes):
                missing.append(violation.message(self.names) + " " + _("Cần ghi chú ở một trong các số liệu này."))
        for outlier in self.outliers:
            if not self.notes.get(outlier.code):
                missing.append(outlier.message(self.names))
        return missing

    def flags(self):
        """{code: [(severity, message)]} beside each figure, for the review and submission pages."""
        by_code = {}
        for violation in self.errors + self.warnings:
            for code in violation.codes:
                by_code.setdefault(code, []).append((violation.rule.severity, violation.message(self.names)))
        for outlier in self.outliers:
            by_code.setdefault(outlier.code, []).append(("outlier", outlier.message(self.names)))
        return by_code


def check(*, indicators, rules, values, notes=None, history=None):
    """Check one unit's figures for one half. ``values`` and ``notes`` by indicator code."""
    broken = evaluate(rules, values)
    return Check(
        errors=[v for v in broken if v.is_error],
        warnings=[v for v in broken if not v.is_error],
        outliers=outliers(indicators, values, history or {}),
        names={indicator.code: indicator.name for indicator in indicators},
        notes={code: (note or "").strip() for code, note in (notes or {}).items()},
    )
