"""Metadata import and export (DESIGN.md "Metadata file"; format in docs/metadata-format.md).

Metadata is the tracker's setup — units, successions, plans, committees, periods,
indicators and targets — not figures, users or submissions. Export writes one JSON
document in a fixed order, so export → import into an empty database → export gives the
same bytes. Import checks the whole file against itself and the database before writing
anything, then writes it in one transaction: a file with any problem is refused as a
whole, with every problem listed and each naming its entry.

Import adds and updates by natural key (unit code, plan number, committee code, period
code, indicator code; a succession by its two units, a target by indicator × unit ×
period, a member by name within its committee, a criterion by its indicator within its
status). It never deletes: removing things is done in the admin site, where the
consequences (figures, history) are visible.
"""

import datetime
import json
import re
from collections import Counter
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from committees.models import (
    AdministrativeUnit,
    Level,
    Member,
    MemberRole,
    Plan,
    SteeringCommittee,
    UnitSuccession,
)

from .models import (
    Comparison,
    Criterion,
    Indicator,
    IndicatorKind,
    OverTime,
    Period,
    RuleOperator,
    RuleSeverity,
    Target,
    ValidationRule,
    decree09_window,
    parse_period_code,
)
from .rollup import number

# The contract: sections and their keys, in the order the file writes them.
SECTIONS = {
    "units": ("code", "name", "level", "kind", "parent", "valid_from", "valid_to"),
    "successions": ("predecessor", "successor", "effective_on", "basis"),
    "plans": ("number", "issued_on", "issuer", "title"),
    "committees": ("code", "name", "unit", "members"),
    "periods": ("code", "start", "end", "deadline"),
    "indicators": (
        "code",
        "name",
        "measure",
        "kind",
        "entry_level",
        "over_time",
        "committee",
        "plan",
        "numerator",
        "denominator",
        "criteria",
        "section",
    ),
    "targets": ("indicator", "unit", "period", "comparison", "value", "plan"),
    "validation_rules": ("code", "name", "left", "operator", "right", "severity"),
}
MEMBER_KEYS = ("name", "position", "role")
CRITERION_KEYS = ("indicator", "comparison", "value")
# Every key must be present (nullable ones may be null), except a period's dates, which
# default to the Decree 09 cut-offs.
OPTIONAL_KEYS = {("periods", "start"), ("periods", "end")}

CRITERION_COMPARISONS = (Comparison.AT_LEAST.value, Comparison.AT_MOST.value)
ENTERED = (IndicatorKind.COUNT.value, IndicatorKind.YES_NO.value)
LEVEL_RANKS = AdministrativeUnit.LEVEL_RANKS  # keyed by Level, which compares equal to its value

_DATE_RE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_MAX_VALUE = Decimal(10) ** 12  # DecimalField(max_digits=14, decimal_places=2)
_CENT = Decimal("0.01")


class MetadataError(Exception):
    """The file was refused and nothing was written; ``errors`` lists every problem."""

    def __init__(self, errors):
        self.errors = list(errors)
        super().__init__("\n".join(self.errors))


# ---------------------------------------------------------------------------------------
# Export


def _iso(day):
    return day.isoformat() if day else None


def _code(obj, attr="code"):
    return getattr(obj, attr) if obj is not None else None


def export_metadata():
    """The whole setup as a dict in the contract's order (sorted in Python, so the
    order does not depend on the database's collation)."""
    units = sorted(AdministrativeUnit.objects.select_related("parent"), key=lambda u: (u.level_rank, u.code))
    successions = sorted(
        UnitSuccession.objects.select_related("predecessor", "successor"),
        key=lambda s: (s.predecessor.code, s.successor.code),
    )
    committees = sorted(
        SteeringCommittee.objects.select_related("unit").prefetch_related("members"), key=lambda c: c.code
    )
    indicators = sorted(
        Indicator.objects.select_related("committee", "plan", "numerator", "denominator").prefetch_related(
            "criteria__indicator"
        ),
        key=lambda i: i.code,
    )
    targets = sorted(
        Target.objects.select_related("indicator", "unit", "period", "plan"),
        key=lambda t: (t.indicator.code, t.unit.code, t.period.code),
    )
    return {
        "units": [
            {
                "code": unit.code,
                "name": unit.name,
                "level": unit.level,
                "kind": unit.kind,
                "parent": _code(unit.parent),
                "valid_from": _iso(unit.valid_from),
                "valid_to": _iso(unit.valid_to),
            }
            for unit in units
        ],
        "successions": [
            {
                "predecessor": succession.predecessor.code,
                "successor": succession.successor.code,
                "effective_on": _iso(succession.effective_on),
                "basis": succession.basis,
            }
            for succession in successions
        ],
        "plans": [
            {"number": plan.number, "issued_on": _iso(plan.issued_on), "issuer": plan.issuer, "title": plan.title}
            for plan in sorted(Plan.objects.all(), key=lambda p: p.number)
        ],
        "committees": [
            {
                "code": committee.code,
                "name": committee.name,
                "unit": committee.unit.code,
                "members": [
                    {"name": member.name, "position": member.position, "role": member.role}
                    for member in sorted(committee.members.all(), key=lambda m: (m.order, m.name, m.pk))
                ],
            }
            for committee in committees
        ],
        "periods": [
            {
                "code": period.code,
                "start": _iso(period.start),
                "end": _iso(period.end),
                "deadline": _iso(period.deadline),
            }
            for period in sorted(Period.objects.all(), key=lambda p: p.code)
        ],
        "indicators": [
            {
                "code": indicator.code,
                "name": indicator.name,
                "measure": indicator.measure,
                "kind": indicator.kind,
                "entry_level": indicator.entry_level,
                "over_time": indicator.over_time,
                "committee": _code(indicator.committee),
                "plan": _code(indicator.plan, "number"),
                "numerator": _code(indicator.numerator),
                "denominator": _code(indicator.denominator),
                "criteria": [
                    {
                        "indicator": criterion.indicator.code,
                        "comparison": criterion.comparison,
                        "value": number(criterion.value),
                    }
                    for criterion in sorted(indicator.criteria.all(), key=lambda c: (c.order, c.indicator.code))
                ],
                "section": indicator.section,
            }
            for indicator in indicators
        ],
        "targets": [
            {
                "indicator": target.indicator.code,
                "unit": target.unit.code,
                "period": target.period.code,
                "comparison": target.comparison,
                "value": number(target.value),
                "plan": _code(target.plan, "number"),
            }
            for target in targets
        ],
        "validation_rules": [
            {
                "code": rule.code,
                "name": rule.name,
                "left": rule.left,
                "operator": rule.operator,
                "right": rule.right,
                "severity": rule.severity,
            }
            for rule in sorted(ValidationRule.objects.all(), key=lambda r: r.code)
        ],
    }


def dumps(data):
    """The file's exact bytes (as text): UTF-8 letters as they are, indent 2, final newline."""
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def loads(text):
    """Parse a metadata file; fractions become Decimal so 75.5 is never a binary float."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise MetadataError(
                [_("Tệp không phải văn bản UTF-8 (byte thứ %(position)d).") % {"position": exc.start + 1}]
            ) from None
    text = text.removeprefix("\ufeff")
    try:
        data = json.loads(text, parse_float=Decimal, parse_constant=_refuse_constant)
    except json.JSONDecodeError as exc:
        raise MetadataError(
            [
                _("Tệp không phải JSON hợp lệ: dòng %(line)d, cột %(column)d (%(reason)s).")
                % {"line": exc.lineno, "column": exc.colno, "reason": exc.msg}
            ]
        ) from None
    except ValueError as exc:
        raise MetadataError([str(exc)]) from None
    return data


def _has_nul(value):
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(key) or _has_nul(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_has_nul(item) for item in value)
    return False


def _refuse_constant(name):
    raise ValueError(_("Tệp không phải JSON hợp lệ: giá trị %(name)s không được dùng.") % {"name": name})


# ---------------------------------------------------------------------------------------
# Checking


def _show(value):
    """A value as the file wrote it (a Decimal came from a JSON number, so no quotes)."""
    if isinstance(value, Decimal):
        return str(value)
    return json.dumps(value, ensure_ascii=False, default=str)


def _label(section, index, entry):
    """How an entry is named in messages: ``units[3] (code "06999")``."""
    base = f"{section}[{index}]"

    def text(key):
        value = entry.get(key)
        return value if isinstance(value, str) and value else None

    if section == "successions":
        return f"{base} ({text('predecessor') or '?'} → {text('successor') or '?'})"
    if section == "targets":
        return f"{base} ({text('indicator') or '?'} · {text('unit') or '?'} · {text('period') or '?'})"
    key = {"plans": "number", "members": "name", "criteria": "indicator"}.get(section, "code")
    value = text(key)
    return f'{base} ({key} "{value}")' if value else base


class _Checker:
    def __init__(self):
        self.errors = []

    def error(self, where, message):
        self.errors.append(f"{where}: {message}")

    # Structure --------------------------------------------------------------------------

    def entries(self, items, section, keys, prefix=""):
        """[(where, entry)] for the dict entries of a list, checking their keys."""
        if not isinstance(items, list):
            message = _('"%(section)s" phải là một danh sách [...].') % {"section": section}
            self.errors.append(f"{prefix}: {message}" if prefix else message)
            return []
        result = []
        for index, entry in enumerate(items):
            label = (prefix + "." if prefix else "") + _label(section, index, entry if isinstance(entry, dict) else {})
            if not isinstance(entry, dict):
                self.error(label, _("mỗi mục phải là một đối tượng JSON {...}."))
                continue
            for key in entry:
                if key not in keys:
                    self.error(
                        label,
                        _('trường "%(key)s" không có trong định dạng (các trường: %(keys)s).')
                        % {"key": key, "keys": ", ".join(keys)},
                    )
            for key in keys:
                if key not in entry and (section, key) not in OPTIONAL_KEYS:
                    self.error(label, _('thiếu trường bắt buộc "%(key)s".') % {"key": key})
            result.append((label, entry))
        return result

    # Values -----------------------------------------------------------------------------

    def text(self, entry, key, where, field, *, required=True):
        """A string; ``required`` means not empty. Null counts as empty."""
        value = entry.get(key)
        if value is None:
            value = ""
        if not isinstance(value, str):
            self.error(
                where,
                _('trường "%(key)s" phải là chuỗi ký tự, không phải %(value)s.') % {"key": key, "value": _show(value)},
            )
            return None
        if required and not value.strip():
            if key in entry:
                self.error(where, _('trường "%(key)s" không được để trống.') % {"key": key})
            return None
        if len(value) > field.max_length:
            self.error(
                where,
                _('trường "%(key)s" dài %(length)d ký tự, tối đa %(max)d.')
                % {"key": key, "length": len(value), "max": field.max_length},
            )
            return None
        return value

    def null(self, entry, key, where, *, required=True):
        """True when ``key`` has no value (null, or absent: ``entries`` reports a missing key
        once); a null where a value is ``required`` is an error."""
        if entry.get(key) is not None:
            return False
        if required and key in entry:
            self.error(where, _('trường "%(key)s" không được để trống.') % {"key": key})
        return True

    def reference(self, entry, key, where, *, required):
        """A code naming another entry, or null when not ``required``."""
        if self.null(entry, key, where, required=required):
            return None
        value = entry[key]
        if not isinstance(value, str) or not value.strip():
            self.error(
                where,
                _('trường "%(key)s" phải là một mã (chuỗi ký tự), không phải %(value)s.')
                % {"key": key, "value": _show(value)},
            )
            return None
        return value

    def date(self, entry, key, where, *, required):
        if self.null(entry, key, where, required=required):
            return None
        value = entry[key]
        day = None
        if isinstance(value, str) and _DATE_RE.match(value):
            try:
                day = datetime.date.fromisoformat(value)
            except ValueError:
                day = None
        if day is None:
            self.error(
                where,
                _('trường "%(key)s" phải là ngày dạng YYYY-MM-DD (ví dụ 2024-04-19), không phải %(value)s.')
                % {"key": key, "value": _show(value)},
            )
        return day

    def choice(self, entry, key, where, choices, what):
        if self.null(entry, key, where):
            return None
        value = entry[key]
        if value not in choices:
            self.error(
                where,
                _('%(what)s %(value)s không hợp lệ (trường "%(key)s" nhận một trong: %(choices)s).')
                % {"what": what, "value": _show(value), "key": key, "choices": ", ".join(choices)},
            )
            return None
        return value

    def number(self, entry, key, where):
        if self.null(entry, key, where):
            return None
        value = entry[key]
        if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
            self.error(
                where,
                _('trường "%(key)s" phải là một số JSON (ví dụ 5 hoặc 75.5), không phải %(value)s.')
                % {"key": key, "value": _show(value)},
            )
            return None
        try:
            number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
        except InvalidOperation:
            number = Decimal("NaN")
        if not number.is_finite() or number < 0 or number >= _MAX_VALUE:
            self.error(
                where,
                _('trường "%(key)s" phải là một số từ 0 đến dưới 1000 tỷ, không phải %(value)s.')
                % {"key": key, "value": _show(value)},
            )
            return None
        if number != number.quantize(_CENT):
            self.error(
                where,
                _('trường "%(key)s" có nhiều nhất 2 chữ số thập phân, không phải %(value)s.')
                % {"key": key, "value": _show(value)},
            )
            return None
        return number

    def exists(self, where, row, key, codes, message, **names):
        """Report ``row[key]`` when it names none of ``codes``; ``message`` calls it %(code)s."""
        if row[key] is not None and row[key] not in codes:
            self.error(where, message % {"code": row[key], **names})

    def unique(self, seen, key, where, what):
        """Remember ``key`` (a code or tuple); report a second entry with the same key."""
        if key is None:
            return False
        if key in seen:
            self.error(where, _("%(what)s bị trùng với %(other)s.") % {"what": what, "other": seen[key]})
            return False
        seen[key] = where
        return True


def _rule_side(c, entry, key, where, indicators, levels):
    """One side of a validation rule: a list of entered indicators' codes, or a number."""
    value = entry.get(key)
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
        if number.is_finite():
            return int(number) if number == number.to_integral_value() else float(number)
    elif isinstance(value, list) and value and all(isinstance(code, str) and code.strip() for code in value):
        for code in value:
            if code not in indicators:
                c.error(where, _('chỉ tiêu "%(code)s" không tồn tại.') % {"code": code})
                continue
            kind, level = indicators[code]
            if kind not in ENTERED:
                c.error(
                    where,
                    _('chỉ tiêu "%(code)s" phải là chỉ tiêu nhập số liệu (count hoặc yes_no).') % {"code": code},
                )
            levels.add(level)
        return list(value)
    if key in entry:
        c.error(
            where,
            _('trường "%(key)s" phải là danh sách mã chỉ tiêu (ví dụ ["TTXH_VU"]) hoặc một số, không phải %(value)s.')
            % {"key": key, "value": _show(value)},
        )
    return None


def _field(model, name):
    return model._meta.get_field(name)


def _codes(model, field, rows):
    """The codes ``model`` has stored, with those the file's ``rows`` add."""
    return set(model.objects.values_list(field, flat=True)) | {row[field] for row in rows}


def _check_units(c, entries, known):
    """Units: fields, dates, a parent of a higher level, no cycle (with the units already stored)."""
    U = AdministrativeUnit
    db_units = {code: (level, parent) for code, level, parent in U.objects.values_list("code", "level", "parent__code")}
    units, seen = {}, {}
    for where, entry in c.entries(entries, "units", SECTIONS["units"]):
        code = c.text(entry, "code", where, _field(U, "code"))
        row = {
            "where": where,
            "code": code,
            "name": c.text(entry, "name", where, _field(U, "name")),
            "level": c.choice(entry, "level", where, Level.values, _("cấp")),
            "kind": c.text(entry, "kind", where, _field(U, "kind")),
            "parent": c.reference(entry, "parent", where, required=False),
            "valid_from": c.date(entry, "valid_from", where, required=False),
            "valid_to": c.date(entry, "valid_to", where, required=False),
        }
        if row["valid_from"] and row["valid_to"] and row["valid_from"] > row["valid_to"]:
            c.error(
                where,
                _("ngày hiệu lực từ (%(start)s) sau ngày hiệu lực đến (%(end)s).")
                % {"start": row["valid_from"].isoformat(), "end": row["valid_to"].isoformat()},
            )
        if c.unique(seen, code, where, _('mã đơn vị "%(code)s"') % {"code": code}):
            units[code] = row
    merged = dict(db_units)
    merged.update({code: (row["level"], row["parent"]) for code, row in units.items()})

    def level_name(level):
        return str(Level(level).label).lower() if level in Level.values else str(level)

    for row in units.values():
        parent = row["parent"]
        if parent is None:
            continue
        if parent not in merged:
            c.error(row["where"], _('đơn vị cấp trên "%(parent)s" không tồn tại.') % {"parent": parent})
            continue
        parent_level = merged[parent][0]
        if row["level"] and parent_level and LEVEL_RANKS.get(parent_level, 0) >= LEVEL_RANKS[row["level"]]:
            c.error(
                row["where"],
                _('đơn vị cấp trên "%(parent)s" (cấp %(parent_level)s) phải ở cấp cao hơn cấp %(level)s.')
                % {"parent": parent, "parent_level": level_name(parent_level), "level": level_name(row["level"])},
            )
    for code, (level, parent) in db_units.items():
        # A unit already in the database, under a unit whose level the file changes.
        parent_row = units.get(parent) if code not in units else None
        if parent_row and parent_row["level"] and LEVEL_RANKS[parent_row["level"]] >= LEVEL_RANKS.get(level, 0):
            c.error(
                units[parent]["where"],
                _('cấp %(level)s không được vì đơn vị cấp dưới "%(child)s" (cấp %(child_level)s) đã có.')
                % {
                    "level": level_name(units[parent]["level"]),
                    "child": code,
                    "child_level": level_name(level),
                },
            )
    reported_cycles = set()
    for code, row in units.items():
        path, node = [code], merged[code][1]
        while node is not None and node in merged:
            if node in path:
                cycle = path[path.index(node) :] + [node]
                if frozenset(cycle) not in reported_cycles:
                    reported_cycles.add(frozenset(cycle))
                    c.error(
                        row["where"],
                        _("các đơn vị cấp trên tạo thành vòng lặp: %(cycle)s.") % {"cycle": " → ".join(cycle)},
                    )
                break
            path.append(node)
            node = merged[node][1]
    known["units"] = merged
    return sorted(units.values(), key=lambda r: (LEVEL_RANKS.get(r["level"], 9), r["code"]))


def _check_successions(c, entries, known):
    """Successions between known units, each pair once."""
    rows, seen = [], {}
    for where, entry in c.entries(entries, "successions", SECTIONS["successions"]):
        row = {
            "where": where,
            "predecessor": c.reference(entry, "predecessor", where, required=True),
            "successor": c.reference(entry, "successor", where, required=True),
            "effective_on": c.date(entry, "effective_on", where, required=True),
            "basis": c.text(entry, "basis", where, _field(UnitSuccession, "basis"), required=False),
        }
        for key, what in (("predecessor", _("đơn vị trước")), ("successor", _("đơn vị kế thừa"))):
            c.exists(where, row, key, known["units"], _('%(what)s "%(code)s" không tồn tại.'), what=what)
        if row["predecessor"] is not None and row["predecessor"] == row["successor"]:
            c.error(where, _("một đơn vị không thể kế thừa chính nó."))
        pair = (row["predecessor"], row["successor"]) if row["predecessor"] and row["successor"] else None
        if c.unique(seen, pair, where, _("cặp kế thừa %(pair)s") % {"pair": " → ".join(pair or ())}):
            rows.append(row)
    return rows


def _check_plans(c, entries, known):
    """Plans (legal documents), each number once."""
    rows, seen = [], {}
    for where, entry in c.entries(entries, "plans", SECTIONS["plans"]):
        row = {
            "where": where,
            "number": c.text(entry, "number", where, _field(Plan, "number")),
            "issued_on": c.date(entry, "issued_on", where, required=True),
            "issuer": c.text(entry, "issuer", where, _field(Plan, "issuer")),
            "title": c.text(entry, "title", where, _field(Plan, "title")),
        }
        if c.unique(seen, row["number"], where, _('số văn bản "%(number)s"') % {"number": row["number"]}):
            rows.append(row)
    known["plans"] = _codes(Plan, "number", rows)
    return rows


def _check_committees(c, entries, known):
    """Committees on known units, with their members."""
    rows, seen = [], {}
    for where, entry in c.entries(entries, "committees", SECTIONS["committees"]):
        row = {
            "where": where,
            "code": c.text(entry, "code", where, _field(SteeringCommittee, "code")),
            "name": c.text(entry, "name", where, _field(SteeringCommittee, "name")),
            "unit": c.reference(entry, "unit", where, required=True),
            "members": [],
        }
        c.exists(where, row, "unit", known["units"], _('đơn vị "%(code)s" không tồn tại.'))
        names = {}
        for member_where, member in c.entries(entry.get("members", []), "members", MEMBER_KEYS, prefix=where):
            name = c.text(member, "name", member_where, _field(Member, "name"))
            values = {
                "name": name,
                "position": c.text(member, "position", member_where, _field(Member, "position"), required=False),
                "role": c.choice(member, "role", member_where, MemberRole.values, _("vai trò")),
            }
            if c.unique(names, name, member_where, _('thành viên "%(name)s"') % {"name": name}):
                row["members"].append(values)
        if c.unique(seen, row["code"], where, _('mã ban chỉ đạo "%(code)s"') % {"code": row["code"]}):
            rows.append(row)
    known["committees"] = _codes(SteeringCommittee, "code", rows)
    return rows


def _check_periods(c, entries, known):
    """Periods: codes, and start/end from the Decree 09 cut-offs when omitted."""
    rows, seen = [], {}
    for where, entry in c.entries(entries, "periods", SECTIONS["periods"]):
        code = c.text(entry, "code", where, _field(Period, "code"))
        row = {
            "where": where,
            "code": code,
            "start": c.date(entry, "start", where, required=False),
            "end": c.date(entry, "end", where, required=False),
            "deadline": c.date(entry, "deadline", where, required=False),
        }
        if code is not None:
            try:
                default_start, default_end = decree09_window(*parse_period_code(code))
            except ValueError:
                c.error(where, _('mã kỳ "%(code)s" phải có dạng 2024-H1, 2024-H2 hoặc 2024.') % {"code": code})
            else:
                row["start"] = row["start"] or default_start
                row["end"] = row["end"] or default_end
                if row["start"] > row["end"]:
                    c.error(
                        where,
                        _("ngày bắt đầu (%(start)s) sau ngày kết thúc (%(end)s).")
                        % {"start": row["start"].isoformat(), "end": row["end"].isoformat()},
                    )
        if c.unique(seen, code, where, _('mã kỳ "%(code)s"') % {"code": code}):
            rows.append(row)
    known["periods"] = _codes(Period, "code", rows)
    return rows


def _check_indicators(c, entries, known):
    """Indicators: kinds, rate parts, status criteria on entered indicators of the same level."""
    rows, seen = [], {}
    for where, entry in c.entries(entries, "indicators", SECTIONS["indicators"]):
        F = Indicator
        row = {
            "where": where,
            "code": c.text(entry, "code", where, _field(F, "code")),
            "name": c.text(entry, "name", where, _field(F, "name")),
            "measure": c.text(entry, "measure", where, _field(F, "measure")),
            "kind": c.choice(entry, "kind", where, IndicatorKind.values, _("loại chỉ tiêu")),
            "entry_level": c.choice(entry, "entry_level", where, Level.values, _("cấp nhập liệu")),
            "over_time": c.choice(entry, "over_time", where, OverTime.values, _("cách cộng theo thời gian")),
            "committee": c.reference(entry, "committee", where, required=False),
            "plan": c.reference(entry, "plan", where, required=False),
            "numerator": c.reference(entry, "numerator", where, required=False),
            "denominator": c.reference(entry, "denominator", where, required=False),
            "section": c.text(entry, "section", where, _field(F, "section"), required=False),
            "criteria": [],
        }
        c.exists(where, row, "committee", known["committees"], _('ban chỉ đạo "%(code)s" không tồn tại.'))
        c.exists(where, row, "plan", known["plans"], _('văn bản "%(code)s" không tồn tại.'))
        criteria_seen = {}
        for criterion_where, criterion in c.entries(
            entry.get("criteria", []), "criteria", CRITERION_KEYS, prefix=where
        ):
            values = {
                "where": criterion_where,
                "indicator": c.reference(criterion, "indicator", criterion_where, required=True),
                "comparison": c.choice(
                    criterion, "comparison", criterion_where, CRITERION_COMPARISONS, _("phép so sánh")
                ),
                "value": c.number(criterion, "value", criterion_where),
            }
            what = _('tiêu chí trên chỉ tiêu "%(code)s"') % {"code": values["indicator"]}
            if c.unique(criteria_seen, values["indicator"], criterion_where, what):
                row["criteria"].append(values)
        if c.unique(seen, row["code"], where, _('mã chỉ tiêu "%(code)s"') % {"code": row["code"]}):
            rows.append(row)
    db_indicators = {
        code: (kind, level) for code, kind, level in Indicator.objects.values_list("code", "kind", "entry_level")
    }
    indicators = dict(db_indicators)
    indicators.update({row["code"]: (row["kind"], row["entry_level"]) for row in rows})
    for row in rows:
        where, kind = row["where"], row["kind"]
        if kind == IndicatorKind.RATE:
            for key, what in (("numerator", _("tử số")), ("denominator", _("mẫu số"))):
                if row[key] is None:
                    c.error(
                        where, _('chỉ tiêu tỷ lệ phải có %(what)s (trường "%(key)s").') % {"what": what, "key": key}
                    )
        elif kind is not None and (row["numerator"] or row["denominator"]):
            c.error(where, _('chỉ chỉ tiêu tỷ lệ (kind "rate") mới có tử số và mẫu số.'))
        for key, what in (("numerator", _("tử số")), ("denominator", _("mẫu số"))):
            part = row[key]
            if part is None:
                continue
            if part not in indicators:
                c.error(where, _('%(what)s "%(code)s" không tồn tại.') % {"what": what, "code": part})
            elif part == row["code"] or indicators[part][0] == IndicatorKind.RATE:
                c.error(
                    where,
                    _('%(what)s "%(code)s" phải là một chỉ tiêu khác, không phải chỉ tiêu tỷ lệ.')
                    % {"what": what, "code": part},
                )
        if row["criteria"] and kind is not None and kind != IndicatorKind.STATUS:
            c.error(
                where,
                _('chỉ chỉ tiêu trạng thái (kind "status") mới có tiêu chí; chỉ tiêu này là %(kind)s.')
                % {"kind": _show(kind)},
            )
            continue
        for criterion in row["criteria"]:
            code = criterion["indicator"]
            if code is None:
                continue
            if code not in indicators:
                c.error(criterion["where"], _('chỉ tiêu điều kiện "%(code)s" không tồn tại.') % {"code": code})
                continue
            criterion_kind, criterion_level = indicators[code]
            if criterion_kind not in ENTERED:
                c.error(
                    criterion["where"],
                    _('chỉ tiêu điều kiện "%(code)s" phải là chỉ tiêu nhập số liệu (count hoặc yes_no).')
                    % {"code": code},
                )
            elif row["entry_level"] and criterion_level != row["entry_level"]:
                c.error(
                    criterion["where"],
                    _('chỉ tiêu điều kiện "%(code)s" phải được nhập ở cùng cấp với chỉ tiêu trạng thái.')
                    % {"code": code},
                )
    known["indicators"] = indicators
    return rows


def _check_targets(c, entries, known):
    """Targets on known indicators, units, periods and plans, one per indicator × unit × period."""
    rows, seen = [], {}
    for where, entry in c.entries(entries, "targets", SECTIONS["targets"]):
        row = {
            "where": where,
            "indicator": c.reference(entry, "indicator", where, required=True),
            "unit": c.reference(entry, "unit", where, required=True),
            "period": c.reference(entry, "period", where, required=True),
            "comparison": c.choice(entry, "comparison", where, Comparison.values, _("phép so sánh")),
            "value": c.number(entry, "value", where),
            "plan": c.reference(entry, "plan", where, required=False),
        }
        checks = (
            ("indicator", known["indicators"], _('chỉ tiêu "%(code)s" không tồn tại.')),
            ("unit", known["units"], _('đơn vị "%(code)s" không tồn tại.')),
            ("period", known["periods"], _('kỳ "%(code)s" không tồn tại.')),
            ("plan", known["plans"], _('văn bản "%(code)s" không tồn tại.')),
        )
        for key, codes, message in checks:
            c.exists(where, row, key, codes, message)
        key = (row["indicator"], row["unit"], row["period"])
        what = _("chỉ tiêu giao %(key)s") % {"key": " · ".join(str(part) for part in key)}
        if c.unique(seen, key if None not in key else None, where, what):
            rows.append(row)
    return rows


def _check_validation_rules(c, entries, known):
    """The optional section: each side a list of entered indicators at one level, or a number."""
    rows, seen = [], {}
    R = ValidationRule
    for where, entry in c.entries(entries, "validation_rules", SECTIONS["validation_rules"]):
        code = c.text(entry, "code", where, _field(R, "code"))
        row = {
            "where": where,
            "code": code,
            "name": c.text(entry, "name", where, _field(R, "name")),
            "operator": c.choice(entry, "operator", where, RuleOperator.values, _("phép so sánh")),
            "severity": c.choice(entry, "severity", where, RuleSeverity.values, _("mức độ")),
        }
        levels = set()
        for key in ("left", "right"):
            row[key] = _rule_side(c, entry, key, where, known["indicators"], levels)
        if len(levels) > 1:
            c.error(where, _("các chỉ tiêu của một quy tắc phải được nhập ở cùng một cấp."))
        if c.unique(seen, code, where, _('mã quy tắc "%(code)s"') % {"code": code}):
            rows.append(row)
    return rows


_SECTION_CHECKS = (
    ("units", _check_units),
    ("successions", _check_successions),
    ("plans", _check_plans),
    ("committees", _check_committees),
    ("periods", _check_periods),
    ("indicators", _check_indicators),
    ("targets", _check_targets),
    ("validation_rules", _check_validation_rules),
)


def _check(data):
    """Check everything; return the clean entries, or raise MetadataError.

    Each section is checked by its own function, in the file's order, so that a later
    section can refer to what an earlier one knows (``known``: the codes of units, plans,
    committees, periods and indicators, in the database or in the file).
    """
    c = _Checker()
    if not isinstance(data, dict):
        raise MetadataError(
            [
                _("Tệp metadata phải là một đối tượng JSON {...} với các mục: %(sections)s.")
                % {"sections": ", ".join(SECTIONS)}
            ]
        )
    for key in data:
        if key not in SECTIONS:
            c.errors.append(
                _('Mục "%(key)s" ở cấp ngoài cùng không có trong định dạng (các mục: %(sections)s).')
                % {"key": key, "sections": ", ".join(SECTIONS)}
            )
    clean, known = {}, {}
    for name, check in _SECTION_CHECKS:
        clean[name] = check(c, data.get(name, []), known)
    if c.errors:
        raise MetadataError(c.errors)
    return clean


# ---------------------------------------------------------------------------------------
# Writing


def _save(model, existing, key, values, stats):
    """Create or update one object by natural key; write only when something changed."""
    obj = existing.get(key)
    if obj is None:
        obj = model(**values)
        obj.save()
        existing[key] = obj
        stats["created"] += 1
        return obj
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.save()
        stats["updated"] += 1
    else:
        stats["unchanged"] += 1
    return obj


def _pk(objects, key):
    return objects[key].pk if key is not None else None


def _write(clean):
    stats = {section: Counter() for section in (*SECTIONS, "members", "criteria")}

    plans = {plan.number: plan for plan in Plan.objects.all()}
    for row in clean["plans"]:
        values = {key: row[key] for key in SECTIONS["plans"]}
        _save(Plan, plans, row["number"], values, stats["plans"])

    units = {unit.code: unit for unit in AdministrativeUnit.objects.all()}
    for row in clean["units"]:  # parents first: sorted by level
        values = {key: row[key] for key in ("code", "name", "level", "kind", "valid_from", "valid_to")}
        values["parent_id"] = _pk(units, row["parent"])
        _save(AdministrativeUnit, units, row["code"], values, stats["units"])

    successions = {(s.predecessor_id, s.successor_id): s for s in UnitSuccession.objects.all()}
    for row in clean["successions"]:
        values = {
            "predecessor_id": units[row["predecessor"]].pk,
            "successor_id": units[row["successor"]].pk,
            "effective_on": row["effective_on"],
            "basis": row["basis"],
        }
        key = (values["predecessor_id"], values["successor_id"])
        _save(UnitSuccession, successions, key, values, stats["successions"])

    committees = {committee.code: committee for committee in SteeringCommittee.objects.all()}
    members = {}
    for member in Member.objects.order_by("-order", "-id"):  # the first of any duplicates wins
        members[(member.committee_id, member.name)] = member
    for row in clean["committees"]:
        values = {"code": row["code"], "name": row["name"], "unit_id": units[row["unit"]].pk}
        committee = _save(SteeringCommittee, committees, row["code"], values, stats["committees"])
        for order, member in enumerate(row["members"], start=1):
            values = {**member, "committee_id": committee.pk, "order": order}
            _save(Member, members, (committee.pk, member["name"]), values, stats["members"])

    periods = {period.code: period for period in Period.objects.all()}
    for row in clean["periods"]:
        values = {key: row[key] for key in SECTIONS["periods"]}
        _save(Period, periods, row["code"], values, stats["periods"])

    indicators = {indicator.code: indicator for indicator in Indicator.objects.all()}
    # Rates last: the database requires their numerator and denominator to exist.
    for row in sorted(clean["indicators"], key=lambda r: r["kind"] == IndicatorKind.RATE):
        values = {key: row[key] for key in ("code", "name", "measure", "kind", "entry_level", "over_time", "section")}
        values["committee_id"] = _pk(committees, row["committee"])
        values["plan_id"] = _pk(plans, row["plan"])
        values["numerator_id"] = _pk(indicators, row["numerator"])
        values["denominator_id"] = _pk(indicators, row["denominator"])
        _save(Indicator, indicators, row["code"], values, stats["indicators"])

    criteria = {(c.status_id, c.indicator_id): c for c in Criterion.objects.all()}
    for row in clean["indicators"]:
        status = indicators[row["code"]]
        for order, criterion in enumerate(row["criteria"]):
            values = {
                "status_id": status.pk,
                "indicator_id": indicators[criterion["indicator"]].pk,
                "comparison": criterion["comparison"],
                "value": criterion["value"],
                "order": order,
            }
            _save(Criterion, criteria, (status.pk, values["indicator_id"]), values, stats["criteria"])

    # Targets can be many (one per unit × indicator × period): written in bulk.
    wanted = {}
    for row in clean["targets"]:
        key = (indicators[row["indicator"]].pk, units[row["unit"]].pk, periods[row["period"]].pk)
        wanted[key] = {"comparison": row["comparison"], "value": row["value"], "plan_id": _pk(plans, row["plan"])}
    existing = {}
    if wanted:
        found = Target.objects.filter(
            indicator_id__in={key[0] for key in wanted}, period_id__in={key[2] for key in wanted}
        )
        existing = {(t.indicator_id, t.unit_id, t.period_id): t for t in found}
    new, changed = [], []
    for key, values in wanted.items():
        target = existing.get(key)
        if target is None:
            new.append(Target(indicator_id=key[0], unit_id=key[1], period_id=key[2], **values))
        elif any(getattr(target, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(target, name, value)
            changed.append(target)
    Target.objects.bulk_create(new, batch_size=1000)
    Target.objects.bulk_update(changed, ["comparison", "value", "plan_id"], batch_size=1000)
    stats["targets"].update(created=len(new), updated=len(changed), unchanged=len(wanted) - len(new) - len(changed))

    rules = {rule.code: rule for rule in ValidationRule.objects.all()}
    for row in clean["validation_rules"]:  # saved one by one: each change keeps its history row
        values = {key: row[key] for key in SECTIONS["validation_rules"]}
        _save(ValidationRule, rules, row["code"], values, stats["validation_rules"])
    return stats


def import_metadata(data):
    """Check ``data`` (a parsed metadata file) completely, then write it in one transaction.

    Raises MetadataError listing every problem (nothing written). Returns, per section,
    how many entries were created, updated and left unchanged.
    """
    if _has_nul(data):  # "\u0000": no code or name holds it, and PostgreSQL refuses it in text
        raise MetadataError([_("Tệp có ký tự không hợp lệ (ký tự NUL, \\u0000).")])
    with transaction.atomic():
        clean = _check(data)
        return _write(clean)
