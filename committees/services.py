"""Recording changes of administrative units (mergers, splits, moves, renames, dissolutions).

A change sets validity dates and succession records in one transaction. Units are never
edited in place across time: a unit that changes parent or is formed by a merger is a
new unit (its code gets the year as a suffix when it reuses an official code still held
by a predecessor, DOMAIN.md §2), so reports of earlier periods stay exactly as they were.
"""

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .errors import ServiceError
from .models import AdministrativeUnit, SteeringCommittee, UnitRole, UnitSuccession


class ChangeKind:
    MERGE = "merge"
    SPLIT = "split"
    MOVE = "move"
    RENAME = "rename"
    DISSOLVE = "dissolve"

    # Lazy: the list is built once at import, the labels are read in each user's language.
    CHOICES = [
        (MERGE, gettext_lazy("Sáp nhập (nhiều đơn vị thành một)")),
        (SPLIT, gettext_lazy("Chia tách (một đơn vị thành nhiều)")),
        (MOVE, gettext_lazy("Chuyển sang đơn vị cấp trên khác")),
        (RENAME, gettext_lazy("Đổi tên")),
        (DISSOLVE, gettext_lazy("Giải thể / kết thúc hoạt động")),
    ]


class UnitChangeError(ServiceError):
    """A change that cannot be recorded; ``messages`` say why, in words for the administrator."""


@dataclass
class NewUnit:
    code: str
    name: str
    parent_code: str | None = None
    level: str | None = None
    kind: str | None = None


@dataclass
class ChangeResult:
    predecessors: list
    successors: list
    successions: list
    # Roles and committees still attached to units that ended, for the administrator to move.
    roles_to_move: list = field(default_factory=list)
    committees_to_move: list = field(default_factory=list)


def _day_before(day):
    return day - datetime.timedelta(days=1)


def _predecessor_chain_ids(units):
    """Ids of every unit that precedes ``units`` through succession records (any depth)."""
    seen, frontier = set(), {u.pk for u in units}
    while frontier:
        ids = set(UnitSuccession.objects.filter(successor_id__in=frontier).values_list("predecessor_id", flat=True))
        frontier = ids - seen
        seen |= ids
    return seen


def _check_predecessors(predecessors, effective_on, errors):
    for unit in predecessors:
        if unit.valid_from and unit.valid_from >= effective_on:
            errors.append(
                _("%(unit)s chỉ có hiệu lực từ %(start)s, không thể kết thúc trước ngày %(day)s.")
                % {"unit": unit, "start": f"{unit.valid_from:%d/%m/%Y}", "day": f"{effective_on:%d/%m/%Y}"}
            )
        if unit.valid_to is not None and unit.valid_to < _day_before(effective_on):
            errors.append(
                _("%(unit)s đã hết hiệu lực từ %(end)s, trước ngày thay đổi %(day)s.")
                % {"unit": unit, "end": f"{unit.valid_to:%d/%m/%Y}", "day": f"{effective_on:%d/%m/%Y}"}
            )
        elif unit.valid_to is not None and unit.valid_to >= effective_on:
            errors.append(
                _("%(unit)s đang có hiệu lực đến %(end)s, trùng với giai đoạn sau thay đổi.")
                % {"unit": unit, "end": f"{unit.valid_to:%d/%m/%Y}"}
            )


def _check_children(predecessors, effective_on, errors):
    """A unit that ends must not leave children that go on without a parent."""
    ending = {u.pk for u in predecessors}
    orphans = (
        AdministrativeUnit.objects.filter(parent_id__in=ending)
        .valid_on(effective_on)
        .exclude(pk__in=ending)
        .order_by("code")
    )
    for child in orphans:
        errors.append(
            _(
                "%(child)s vẫn còn hiệu lực sau ngày %(day)s nhưng đơn vị cấp trên %(parent)s kết thúc: "
                "hãy ghi nhận thay đổi của đơn vị này trước."
            )
            % {"child": child, "day": f"{effective_on:%d/%m/%Y}", "parent": child.parent}
        )


def _new_units(specs, template, effective_on, errors):
    units = []
    seen_codes = set()
    for spec in specs:
        code = (spec.code or "").strip()
        if not code or not (spec.name or "").strip():
            errors.append(_("Đơn vị mới phải có mã và tên."))
            continue
        if code in seen_codes or AdministrativeUnit.objects.filter(code=code).exists():
            errors.append(
                _("Mã %(code)s đã được dùng. Đơn vị mới dùng lại mã cũ thì thêm hậu tố năm, ví dụ %(code)s-%(year)s.")
                % {"code": code, "year": effective_on.year}
            )
            continue
        seen_codes.add(code)
        parent = None
        parent_code = (
            spec.parent_code if spec.parent_code is not None else (template.parent.code if template.parent else None)
        )
        if parent_code:
            parent = AdministrativeUnit.objects.filter(code=parent_code).first()
            if parent is None:
                errors.append(_("Không có đơn vị cấp trên mã %(code)s.") % {"code": parent_code})
                continue
            if not parent.is_valid_on(effective_on):
                errors.append(
                    _("Đơn vị cấp trên %(parent)s không còn hiệu lực vào ngày %(day)s.")
                    % {"parent": parent, "day": f"{effective_on:%d/%m/%Y}"}
                )
                continue
        unit = AdministrativeUnit(
            code=code,
            name=spec.name.strip(),
            level=spec.level or template.level,
            kind=spec.kind or template.kind,
            parent=parent,
            valid_from=effective_on,
        )
        if (
            parent is not None
            and AdministrativeUnit.LEVEL_RANKS[parent.level] >= AdministrativeUnit.LEVEL_RANKS[unit.level]
        ):
            errors.append(
                _("Đơn vị cấp trên %(parent)s phải ở cấp cao hơn %(unit)s.") % {"parent": parent, "unit": unit.name}
            )
            continue
        units.append(unit)
    return units


@transaction.atomic
def record_change(
    *, kind, effective_on, basis, predecessor_codes, successors=(), existing_successor_code=None, new_name=None
):
    """Record one change of units; raise UnitChangeError (nothing written) when it is not coherent.

    - merge: several predecessors → one successor (new, or ``existing_successor_code``
      for a merger into a unit that goes on, as Quảng Lợi into Quảng Tân in 2020);
    - split: one predecessor → several new successors;
    - move: one predecessor → one new successor under another parent;
    - rename: one unit gets ``new_name`` (same unit, same code; the old name is kept in its note);
    - dissolve: units end without successor.
    """
    errors = []
    if effective_on is None:
        raise UnitChangeError([_("Cần ngày có hiệu lực.")])
    codes = [c.strip() for c in predecessor_codes if c and c.strip()]
    units = list(
        AdministrativeUnit.objects.select_for_update(of=("self",)).filter(code__in=codes).select_related("parent")
    )
    found = {u.code for u in units}
    errors += [_("Không có đơn vị mã %(code)s.") % {"code": c} for c in codes if c not in found]
    if len(set(codes)) != len(codes):
        errors.append(_("Một đơn vị được nêu hai lần."))
    if not codes:
        errors.append(_("Cần ít nhất một đơn vị bị thay đổi."))
    if errors:
        raise UnitChangeError(errors)
    units.sort(key=lambda u: codes.index(u.code))

    if kind == ChangeKind.RENAME:
        if len(units) != 1 or not (new_name or "").strip():
            raise UnitChangeError([_("Đổi tên cần đúng một đơn vị và tên mới.")])
        unit = units[0]
        old_name = unit.name
        unit.name = new_name.strip()
        unit.note = (
            _("Tên trước ngày %(day)s: %(old)s (%(basis)s)")
            % {"day": f"{effective_on:%d/%m/%Y}", "old": old_name, "basis": basis}
        )[:300]
        unit.save(update_fields=["name", "note"])
        return ChangeResult(predecessors=[], successors=[unit], successions=[])

    expected = {
        ChangeKind.MERGE: (
            lambda n, m: n >= 1 and m == 1,
            _("Sáp nhập cần ít nhất một đơn vị cũ và đúng một đơn vị kế thừa."),
        ),
        ChangeKind.SPLIT: (
            lambda n, m: n == 1 and m >= 2,
            _("Chia tách cần đúng một đơn vị cũ và ít nhất hai đơn vị mới."),
        ),
        ChangeKind.MOVE: (lambda n, m: n == 1 and m == 1, _("Chuyển đơn vị cần đúng một đơn vị cũ và một đơn vị mới.")),
        ChangeKind.DISSOLVE: (lambda n, m: n >= 1 and m == 0, _("Giải thể không có đơn vị kế thừa.")),
    }
    if kind not in expected:
        raise UnitChangeError([_("Loại thay đổi không hợp lệ.")])
    successor_count = len(successors) + (1 if existing_successor_code else 0)
    rule, message = expected[kind]
    if not rule(len(units), successor_count):
        raise UnitChangeError([message])

    _check_predecessors(units, effective_on, errors)
    new_units = _new_units(successors, units[0], effective_on, errors)
    existing = None
    if existing_successor_code:
        existing = AdministrativeUnit.objects.filter(code=existing_successor_code).first()
        if existing is None:
            errors.append(_("Không có đơn vị kế thừa mã %(code)s.") % {"code": existing_successor_code})
        elif existing.code in codes or existing.pk in _predecessor_chain_ids(units):
            errors.append(
                _("Đơn vị kế thừa %(unit)s không thể là đơn vị trước của chính nó (vòng lặp).") % {"unit": existing}
            )
        elif not existing.is_valid_on(effective_on):
            errors.append(
                _("Đơn vị kế thừa %(unit)s không có hiệu lực vào ngày %(day)s.")
                % {"unit": existing, "day": f"{effective_on:%d/%m/%Y}"}
            )
    if kind == ChangeKind.MOVE and new_units and new_units[0].parent_id == units[0].parent_id:
        errors.append(_("Đơn vị mới phải thuộc đơn vị cấp trên khác."))
    _check_children(units, effective_on, errors)
    if errors:
        raise UnitChangeError(errors)

    for unit in units:
        unit.valid_to = _day_before(effective_on)
        unit.save(update_fields=["valid_to"])
    for unit in new_units:
        unit.save()
    targets = new_units + ([existing] if existing else [])
    successions = [
        UnitSuccession.objects.create(predecessor=old, successor=new, effective_on=effective_on, basis=basis)
        for old in units
        for new in targets
    ]
    return ChangeResult(
        predecessors=units,
        successors=targets,
        successions=successions,
        roles_to_move=list(UnitRole.objects.filter(unit__in=units).select_related("user", "unit")),
        committees_to_move=list(SteeringCommittee.objects.filter(unit__in=units)),
    )
