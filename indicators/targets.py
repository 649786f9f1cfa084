"""Targets set by an office: the grid (indicators × units for a year), copy from last year,
split a district target across its communes, and the history of every change.

Selectors read (``target_grid``, ``own_targets``, ``target_history``); services write
(``save_grid``, ``copy_from_last_year``, ``split_target``): keyword-only, ``user`` first,
access checked through ``committees.access``, everything inside one transaction and
nothing written when anything is wrong. Every written target leaves a history row
(django-simple-history) with the user and the reason they gave.

Which comparisons make sense for which kind of indicator (docs/targets.md):

- a **count** (cases, people, models): at least, at most, reduce by N against the same
  period last year, reduce by N %;
- a **yes/no** answer and a **status** (criteria met) are 1/0 for the unit that enters them
  and, above it, the number of units answering yes (meeting the criteria): at least or at
  most a number of units — at the entry level only 0 or 1. "Reduce by" a number of
  communes that are drug-free would reward losing them; a percentage of a yes/no is
  meaningless;
- a **rate** is already a percentage: at least or at most a threshold (0–100). A
  "reduction" of a clearance rate is not a target anyone sets; a percentage of a
  percentage is not either.

Counts, yes/no and statuses take whole numbers; rates and "reduce by %" take up to two
decimals and at most 100.
"""

import dataclasses
import hashlib
import re
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from committees import access
from committees.models import AdministrativeUnit, Plan

from .models import Comparison, Indicator, IndicatorKind, Period, Target
from .rollup import relevant_at
from .services import REASON_MAX, WorkflowError

C = Comparison
COMPARISONS_BY_KIND = {
    IndicatorKind.COUNT: (C.AT_LEAST, C.AT_MOST, C.REDUCE_BY, C.REDUCE_BY_PERCENT),
    IndicatorKind.YES_NO: (C.AT_LEAST, C.AT_MOST),
    IndicatorKind.STATUS: (C.AT_LEAST, C.AT_MOST),
    IndicatorKind.RATE: (C.AT_LEAST, C.AT_MOST),
}
# A district's count target can be shared out: the communes' quotas (at least), ceilings
# (at most) or reductions add up to the district's. Percentages and rates do not add up.
SPLITTABLE = (C.AT_LEAST, C.AT_MOST, C.REDUCE_BY)
# Target.value is a DecimalField(14, 2).
VALUE_MAX = Decimal("999999999999")
SYMBOLS = {C.AT_LEAST: "≥", C.AT_MOST: "≤", C.REDUCE_BY: "−", C.REDUCE_BY_PERCENT: "−%"}
# The grid's narrow choices (the page's legend spells them out).
SHORT_LABELS = {
    C.AT_LEAST: "≥",
    C.AT_MOST: "≤",
    C.REDUCE_BY: gettext_lazy("giảm"),
    C.REDUCE_BY_PERCENT: gettext_lazy("giảm %"),
}
_GROUPED = re.compile(r"^\d{1,3}(?:[.,]\d{3})+$")
_NUMBER = re.compile(r"^\d+(?:[.,]\d+)?$")


class TargetError(WorkflowError):
    """A refused change of targets; nothing was written.

    ``cells`` maps ``(indicator code, unit code, part)`` — part "comparison" or "value" —
    to a message, for the grid to mark and the XLSX import to name by cell address.
    """

    def __init__(self, message, cells=None):
        super().__init__(message)
        self.cells = cells or {}


# --- Rules ---------------------------------------------------------------------------------


def comparisons_for(indicator):
    return COMPARISONS_BY_KIND.get(indicator.kind, ())


def is_percentage(indicator, comparison):
    return indicator.kind == IndicatorKind.RATE or comparison == C.REDUCE_BY_PERCENT


def parse_value(raw, *, decimals):
    """``raw`` (text typed in a cell, or a number read from a spreadsheet) → Decimal.

    Raises ValueError with a Vietnamese message. "1.000" and "12,500" are refused as
    ambiguous (the dot groups thousands in Vietnamese writing); "75,5" and "75.5" are
    75.5 where decimals are allowed.
    """
    if isinstance(raw, bool):
        raise ValueError(_("Giá trị phải là số."))
    text = format(Decimal(str(raw)).normalize(), "f") if isinstance(raw, int | float | Decimal) else str(raw).strip()
    if text.startswith("-"):
        raise ValueError(_("Chỉ tiêu không được âm."))
    if not decimals and _GROUPED.match(text):
        raise ValueError(
            _("“%(value)s” không rõ ràng: ghi số nguyên không dùng dấu chấm, dấu phẩy (ví dụ 1000).") % {"value": text}
        )
    if not _NUMBER.match(text) or len(text) > 20:
        raise ValueError(_("“%(value)s” không phải là số.") % {"value": text[:20]})
    value = Decimal(text.replace(",", "."))
    if not decimals and value != value.to_integral_value():
        raise ValueError(_("Chỉ tiêu này chỉ nhận số nguyên."))
    if decimals and value != value.quantize(Decimal("0.01")):
        raise ValueError(_("Tối đa hai chữ số thập phân."))
    if value > VALUE_MAX:
        raise ValueError(_("Giá trị quá lớn."))
    return value


def check_target(indicator, unit, comparison, value):
    """A Vietnamese message when (comparison, value) is not a sensible target, else None."""
    if comparison not in comparisons_for(indicator):
        return _("Chỉ tiêu loại “%(kind)s” không đặt được theo cách “%(comparison)s”.") % {
            "kind": indicator.get_kind_display(),
            "comparison": C(comparison).label if comparison in C.values else comparison,
        }
    if is_percentage(indicator, comparison) and value > 100:
        return _("Tỷ lệ phần trăm không quá 100.")
    entry_level = indicator.kind in (IndicatorKind.YES_NO, IndicatorKind.STATUS) and unit.level == indicator.entry_level
    if entry_level and value not in (0, 1):
        return _("Ở cấp nhập liệu, chỉ tiêu này chỉ nhận 1 (có, đạt) hoặc 0 (không).")
    return None


def describe(comparison, value, indicator):
    """ "≥ 5 vụ", "≤ 0 điểm", "giảm ít nhất 1 vụ so với cùng kỳ", "≥ 75%"."""
    shown = f"{value.normalize():f}" if isinstance(value, Decimal) else str(value)
    amount = f"{shown}%" if is_percentage(indicator, comparison) else f"{shown} {indicator.measure}"
    if comparison == C.REDUCE_BY or comparison == C.REDUCE_BY_PERCENT:
        return _("giảm ít nhất %(value)s so với cùng kỳ") % {"value": amount}
    return f"{SYMBOLS.get(comparison, comparison)} {amount}"


# --- Selectors -----------------------------------------------------------------------------


def year_period(year):
    return Period.objects.filter(code=str(year)).first()


def grid_units(unit, period):
    """The unit and its child units that exist on some day of the year, in code order."""
    children = AdministrativeUnit.objects.filter(parent=unit).valid_during(period.start, period.end).order_by("code")
    return [unit, *children]


@dataclasses.dataclass
class Cell:
    indicator: Indicator
    unit: AdministrativeUnit
    applicable: bool
    target: Target | None

    @property
    def key(self):
        return (self.indicator.code, self.unit.code)

    @property
    def name(self):
        """Form field prefix: c-<indicator code>-<unit code> (codes hold no spaces)."""
        return f"{self.indicator.code}__{self.unit.code}"

    @property
    def text(self):
        return describe(self.target.comparison, self.target.value, self.indicator) if self.target else ""


@dataclasses.dataclass
class Row:
    indicator: Indicator
    cells: list
    comparisons: list  # [(code, label)]

    @property
    def default_comparison(self):
        """The comparison other cells of the row use, else the kind's first."""
        for cell in self.cells:
            if cell.target is not None:
                return cell.target.comparison
        return self.comparisons[0][0]


@dataclasses.dataclass
class Grid:
    unit: AdministrativeUnit
    period: Period
    units: list
    rows: list

    def cells(self):
        for row in self.rows:
            yield from row.cells

    def cell(self, indicator_code, unit_code):
        for cell in self.cells():
            if cell.key == (indicator_code, unit_code):
                return cell
        return None

    @property
    def fingerprint(self):
        """Changes whenever a target of the grid changes: a save made on an older page is refused."""
        return fingerprint(cell.target for cell in self.cells() if cell.target is not None)

    @property
    def count(self):
        return sum(1 for cell in self.cells() if cell.target is not None)


def fingerprint(targets):
    parts = sorted(f"{t.pk}:{t.indicator_id}:{t.unit_id}:{t.comparison}:{t.value:f}:{t.plan_id}" for t in targets)
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]


def target_grid(*, unit, period, lock=False):
    """Indicators × units of ``unit``'s year ``period``, with their targets (3 queries).

    Indicators with no value at any unit of the grid are left out; a cell is
    ``applicable`` when the indicator has a value at the unit's level (rollup.relevant_at).
    """
    units = grid_units(unit, period)
    indicators = [
        indicator
        for indicator in Indicator.objects.for_display()
        if indicator.kind in COMPARISONS_BY_KIND and any(relevant_at(indicator, each) for each in units)
    ]
    targets = Target.objects.filter(period=period, unit__in=units).select_related("plan")
    if lock:
        targets = targets.select_for_update(of=("self",))
    by_key = {(target.indicator_id, target.unit_id): target for target in targets}
    rows = []
    for indicator in indicators:
        for target in (by_key.get((indicator.pk, each.pk)) for each in units):
            if target is not None:
                target.indicator = indicator  # for describe(); no query
        cells = [
            Cell(indicator, each, relevant_at(indicator, each), by_key.get((indicator.pk, each.pk))) for each in units
        ]
        rows.append(Row(indicator, cells, [(code, SHORT_LABELS[code]) for code in comparisons_for(indicator)]))
    return Grid(unit=unit, period=period, units=units, rows=rows)


def own_targets(unit, period):
    """The unit's own targets that apply to ``period``: its own, else its year's (1 query)."""
    periods = [period.code] if period.half is None else [period.code, str(period.year)]
    chosen = {}
    targets = (
        Target.objects.filter(unit=unit, period__code__in=periods)
        .select_related("indicator", "period", "plan")
        .order_by("indicator__section", "indicator__order", "indicator__code")
    )
    for target in targets:
        current = chosen.get(target.indicator_id)
        if current is None or target.period.code == period.code:
            chosen[target.indicator_id] = target
    return [
        {"target": target, "text": describe(target.comparison, target.value, target.indicator)}
        for target in sorted(chosen.values(), key=lambda t: (t.indicator.section, t.indicator.order, t.indicator.code))
    ]


def target_history(*, unit, period, limit=200):
    """The latest changes of the grid's targets, newest first: who, when, what, why."""
    units = grid_units(unit, period)
    records = (
        Target.history.filter(period_id=period.pk, unit_id__in=[each.pk for each in units])
        .select_related("history_user", "indicator", "unit", "plan")
        .order_by("-history_date", "-history_id")[:limit]
    )
    return list(records)


# --- Services ------------------------------------------------------------------------------


@dataclasses.dataclass
class CellInput:
    comparison: str
    value: object  # text typed, a number read from a file, or None/"" for no target


@dataclasses.dataclass
class SaveResult:
    created: int = 0
    updated: int = 0
    deleted: int = 0

    @property
    def total(self):
        return self.created + self.updated + self.deleted


def _require(user, unit):
    """Outside the user's scope: PermissionDenied, as for every service (docs/architecture.md)."""
    if not access.can_manage_targets(user, unit):
        raise PermissionDenied(
            _("Đơn vị %(unit)s không thuộc phạm vi giao chỉ tiêu của tài khoản của bạn.") % {"unit": unit.name}
        )


def _reason(reason):
    reason = (reason or "").strip()
    if not reason:
        raise TargetError(_("Cần ghi lý do thay đổi (ví dụ: số, ngày của văn bản giao chỉ tiêu)."))
    if len(reason) > REASON_MAX:
        raise TargetError(_("Lý do dài quá %(max)d ký tự.") % {"max": REASON_MAX})
    return reason


def _plan(user, plan):
    if plan is None:
        raise TargetError(_("Chọn văn bản giao chỉ tiêu."))
    if not access.can_read_plan(user, plan):
        raise PermissionDenied(_("Văn bản này không thuộc phạm vi của tài khoản của bạn."))
    return plan


def check_cells(grid, inputs):
    """Validate the typed cells against the grid: ({key: (comparison, value) or None}, {(*key, part): message}).

    Keys are (indicator code, unit code); cells not in ``inputs`` are left as they are.
    """
    wanted, errors = {}, {}
    for key, given in inputs.items():
        cell = grid.cell(*key)
        if cell is None:
            errors[(*key, "value")] = _("Không có ô này trong bảng chỉ tiêu.")
            continue
        raw = given.value
        if raw is None or (isinstance(raw, str) and raw.strip() == ""):
            wanted[key] = None
            continue
        if not cell.applicable:
            errors[(*key, "value")] = _("%(indicator)s không có số liệu ở cấp của %(unit)s; để trống ô này.") % {
                "indicator": cell.indicator.name,
                "unit": cell.unit.name,
            }
            continue
        comparison = (given.comparison or "").strip()
        if not comparison:
            errors[(*key, "comparison")] = _("Chọn cách so sánh.")
            continue
        try:
            value = parse_value(raw, decimals=is_percentage(cell.indicator, comparison))
        except ValueError as exc:
            errors[(*key, "value")] = str(exc)
            continue
        problem = check_target(cell.indicator, cell.unit, comparison, value)
        if problem:
            part = "comparison" if comparison not in comparisons_for(cell.indicator) else "value"
            errors[(*key, part)] = problem
            continue
        wanted[key] = (comparison, value)
    return wanted, errors


def _write(grid, wanted, *, user, plan, reason):
    """Create and update targets set-based, each with its history row; delete the removed ones."""
    result = SaveResult()
    created, updated, deleted = [], [], []
    for key, desired in wanted.items():
        cell = grid.cell(*key)
        target = cell.target
        if desired is None:
            if target is not None:
                deleted.append(target)
            continue
        comparison, value = desired
        if target is None:
            created.append(
                Target(
                    indicator=cell.indicator,
                    unit=cell.unit,
                    period=grid.period,
                    comparison=comparison,
                    value=value,
                    plan=plan,
                )
            )
        elif target.comparison != comparison or target.value != value:
            target.comparison, target.value, target.plan = comparison, value, plan
            updated.append(target)
    history = {"default_user": user, "default_change_reason": reason}
    if created:
        bulk_create_with_history(created, Target, **history)
    if updated:
        bulk_update_with_history(updated, Target, ["comparison", "value", "plan"], **history)
    # One by one: simple-history writes a deletion's "-" row from the delete signal, and
    # only an instance can carry the user and the reason to it. Deletions are few.
    for target in deleted:
        target._history_user, target._change_reason = user, reason
        target.delete()
    result.created, result.updated, result.deleted = len(created), len(updated), len(deleted)
    return result


def save_grid(*, user, unit, period, plan, inputs, reason, seen=None):
    """Write the typed cells of the grid: all of them, or none when any is wrong.

    ``inputs`` maps (indicator code, unit code) to a :class:`CellInput`; an empty value
    removes the cell's target. New and changed targets cite ``plan``. ``seen`` is the
    grid's fingerprint when the page was loaded: if someone changed a target since,
    nothing is written. Returns a :class:`SaveResult`.
    """
    _require(user, unit)
    reason = _reason(reason)
    plan = _plan(user, plan)
    with transaction.atomic():
        grid = target_grid(unit=unit, period=period, lock=True)
        if seen is not None and seen != grid.fingerprint:
            raise TargetError(
                _(
                    "Chỉ tiêu của bảng này vừa được người khác thay đổi trong khi bạn đang sửa, nên chưa lưu gì. "
                    "Hãy tải lại trang, xem lại rồi nhập lần nữa."
                )
            )
        wanted, errors = check_cells(grid, inputs)
        if errors:
            raise TargetError(
                _("Chưa lưu gì: %(count)d ô chưa hợp lệ, hãy sửa các ô được đánh dấu.") % {"count": len(errors)},
                cells=errors,
            )
        return _write(grid, wanted, user=user, plan=plan, reason=reason)


@dataclasses.dataclass
class CopyResult:
    copied: int
    kept: int  # cells that already had a target this year
    skipped: int  # last year's targets that no longer make sense (kind changed, unit gone)


def copy_from_last_year(*, user, unit, period, plan, reason=None):
    """Give every empty cell of the grid last year's target of the same indicator and unit.

    Cells that already have a target are kept; new units (absent last year) get nothing.
    """
    _require(user, unit)
    plan = _plan(user, plan)
    previous = year_period(period.year - 1)
    if previous is None:
        raise TargetError(_("Chưa có kỳ năm %(year)d để sao chép.") % {"year": period.year - 1})
    reason = _reason(reason or _("Sao chép chỉ tiêu năm %(year)d") % {"year": previous.year})
    with transaction.atomic():
        grid = target_grid(unit=unit, period=period, lock=True)
        last = {
            (target.indicator_id, target.unit_id): target
            for target in Target.objects.filter(period=previous, unit__in=grid.units)
        }
        wanted, kept, skipped = {}, 0, 0
        for cell in grid.cells():
            old = last.get((cell.indicator.pk, cell.unit.pk))
            if old is None:
                continue
            if cell.target is not None:
                kept += 1
            elif not cell.applicable or check_target(cell.indicator, cell.unit, old.comparison, old.value):
                skipped += 1
            else:
                wanted[cell.key] = (old.comparison, old.value)
        result = _write(grid, wanted, user=user, plan=plan, reason=reason)
    return CopyResult(copied=result.created, kept=kept, skipped=skipped)


@dataclasses.dataclass
class Split:
    """What the split page shows: the unit's target and the children that share it."""

    parent: Target | None
    children: list  # [Cell] of the child units where the indicator has a value
    problem: str | None

    @property
    def suggestion(self):
        """An even share, the remainder to the first units: 12 over 9 → 2, 2, 2, 1, 1, 1, 1, 1, 1."""
        if self.parent is None or not self.children:
            return []
        total = int(self.parent.value)
        share, rest = divmod(total, len(self.children))
        return [share + (1 if index < rest else 0) for index in range(len(self.children))]


def split_view(*, unit, period, indicator):
    grid = target_grid(unit=unit, period=period)
    row = next((row for row in grid.rows if row.indicator.pk == indicator.pk), None)
    parent = row.cells[0].target if row else None
    children = [cell for cell in (row.cells[1:] if row else []) if cell.applicable]
    problem = None
    if indicator.kind != IndicatorKind.COUNT:
        problem = _("Chỉ chia được chỉ tiêu đếm (số vụ, số người…); tỷ lệ, có/không và trạng thái không cộng lại được.")
    elif parent is None:
        problem = _("%(unit)s chưa có chỉ tiêu “%(indicator)s” năm %(year)d: hãy đặt chỉ tiêu này trước khi chia.") % {
            "unit": unit.name,
            "indicator": indicator.name,
            "year": period.year,
        }
    elif parent.comparison not in SPLITTABLE:
        problem = _("Chỉ tiêu giảm theo phần trăm không chia theo đơn vị được: phần trăm không cộng lại được.")
    elif not children:
        problem = _("Chỉ tiêu này không có số liệu ở cấp dưới của %(unit)s.") % {"unit": unit.name}
    return Split(parent=parent, children=children, problem=problem), grid


def split_target(*, user, unit, period, indicator, plan, values, reason):
    """Share the unit's target of ``indicator`` among its child units.

    ``values`` maps each child unit's code to its share (text or number); every child
    where the indicator has a value must get one, and the shares must add up to the
    unit's target exactly. The children's targets take the unit's comparison.
    """
    _require(user, unit)
    reason = _reason(reason)
    plan = _plan(user, plan)
    with transaction.atomic():
        split, grid = split_view(unit=unit, period=period, indicator=indicator)
        if split.problem:
            raise TargetError(split.problem)
        parent = split.parent
        errors, shares = {}, {}
        for cell in split.children:
            raw = values.get(cell.unit.code)
            if raw is None or str(raw).strip() == "":
                errors[(indicator.code, cell.unit.code, "value")] = _("Cần nhập phần của %(unit)s.") % {
                    "unit": cell.unit.name
                }
                continue
            try:
                shares[cell.key] = (parent.comparison, parse_value(raw, decimals=False))
            except ValueError as exc:
                errors[(indicator.code, cell.unit.code, "value")] = str(exc)
        if errors:
            raise TargetError(
                _("Chưa lưu gì: %(count)d ô chưa hợp lệ.") % {"count": len(errors)},
                cells=errors,
            )
        total = sum(value for _comparison, value in shares.values())
        if total != parent.value:
            raise TargetError(
                _(
                    "Tổng các đơn vị là %(total)s, khác chỉ tiêu của %(unit)s (%(target)s): "
                    "chênh lệch %(difference)s. Chưa lưu gì."
                )
                % {
                    "total": f"{total.normalize():f}",
                    "unit": unit.name,
                    "target": f"{parent.value.normalize():f}",
                    "difference": f"{(total - parent.value).normalize():f}",
                }
            )
        return _write(grid, shares, user=user, plan=plan, reason=reason)


# --- Plans ---------------------------------------------------------------------------------


def plans_for(user):
    """Plans the user may read, newest first, with their unit and whether a scan exists (1 query)."""
    return list(
        Plan.objects.filter(access.plans_q(user))
        .select_related("unit__parent__parent", "scan")
        .defer("scan__content")
        .order_by("-issued_on", "number")
    )
