"""How results are written, the way the officials write them ("5/5 vụ, đạt 100%").

Used by the dashboard, its export and the printed reports, so a figure reads the same
everywhere. Numbers follow the active language: "1.234" and "66,7%" in Vietnamese.
"""

import re

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from indicators import rollup
from indicators.models import Comparison, IndicatorKind, OverTime

STATUS_LABELS = {
    rollup.ACHIEVED: gettext_lazy("Đạt"),
    rollup.NOT_ACHIEVED: gettext_lazy("Chưa đạt"),
    rollup.IN_PROGRESS: gettext_lazy("Đang thực hiện"),
    rollup.NO_TARGET: gettext_lazy("Chưa giao chỉ tiêu"),
    rollup.NO_DATA: gettext_lazy("Chưa có số liệu"),
    rollup.INCOMPLETE: gettext_lazy("Tạm tính"),
}

# Decoration beside the status word (never instead of it): ≈ reads "approximately so far".
STATUS_ICONS = {
    rollup.ACHIEVED: "✓",
    rollup.NOT_ACHIEVED: "✗",
    rollup.IN_PROGRESS: "◔",
    rollup.INCOMPLETE: "≈",
    rollup.NO_TARGET: "·",
    rollup.NO_DATA: "–",
}

# The dashboard's headline tiles, in reading order.
TILE_STATUSES = [rollup.ACHIEVED, rollup.NOT_ACHIEVED, rollup.IN_PROGRESS, rollup.INCOMPLETE]

COMPARISON_SYMBOLS = {
    Comparison.AT_LEAST: "≥",
    Comparison.AT_MOST: "≤",
}


def num(value, decimals=1):
    """A number for people: grouped thousands, at most ``decimals`` places, no trailing zeros."""
    if value is None:
        return "—"
    value = float(value)
    if value == int(value):
        whole = int(value)
        if -1000 < whole < 1000:
            return str(whole)  # nothing to group: skip the locale lookup (hot on the dashboard)
        return formats.number_format(whole, 0, use_l10n=True, force_grouping=True)
    text = formats.number_format(round(value, decimals), decimals, use_l10n=True, force_grouping=True)
    separator = formats.get_format("DECIMAL_SEPARATOR")
    return text.rstrip("0").rstrip(separator) if separator in text else text


def pct(value):
    return "—" if value is None else f"{num(value)}%"


def with_measure(value, indicator, unit=None):
    """A value with its unit of measure; yes/no and status read as words at their own level.

    At the level where a yes/no or status indicator is entered, 1/0 means yes/no (met /
    not met); above it the value counts the units answering yes (meeting it).
    """
    if value is None:
        return "—"
    if indicator.kind == IndicatorKind.RATE:
        return pct(value)
    if indicator.kind in (IndicatorKind.YES_NO, IndicatorKind.STATUS):
        if unit is not None and unit.level == indicator.entry_level:
            if indicator.kind == IndicatorKind.YES_NO:
                return _("Có") if value else _("Không")
            return _("Đạt tiêu chí") if value else _("Chưa đạt tiêu chí")
        if indicator.kind == IndicatorKind.YES_NO:
            # Above its entry level a yes/no counts the units answering yes.
            return _("%(count)s đơn vị") % {"count": num(value)}
    return f"{num(value)} {indicator.measure}"


def target_text(target):
    """ "≥ 5 vụ", "≤ 0 điểm", "giảm 1 vụ so với cùng kỳ", "≥ 75%"."""
    if target is None:
        return ""
    indicator, value = target.indicator, target.value
    if target.comparison == Comparison.REDUCE_BY:
        return _("giảm ít nhất %(value)s so với cùng kỳ") % {"value": with_measure(value, indicator)}
    if target.comparison == Comparison.REDUCE_BY_PERCENT:
        return _("giảm ít nhất %(value)s so với cùng kỳ") % {"value": pct(value)}
    return f"{COMPARISON_SYMBOLS[target.comparison]} {with_measure(value, indicator)}"


def change_text(row):
    """ "giảm 1 vụ so với cùng kỳ" / "tăng 2 vụ so với cùng kỳ" / "bằng cùng kỳ"."""
    if row.change is None:
        return ""
    indicator = row.indicator
    if row.change == 0:
        return _("bằng cùng kỳ")
    amount = abs(row.change)
    if indicator.kind == IndicatorKind.RATE:
        text = _("%(amount)s điểm phần trăm") % {"amount": num(amount)}
    else:
        text = with_measure(amount, indicator)
    if row.change < 0:
        return _("giảm %(amount)s so với cùng kỳ") % {"amount": text}
    return _("tăng %(amount)s so với cùng kỳ") % {"amount": text}


def status_label(status):
    return str(STATUS_LABELS[status])


# ------------------------------------------------------------------ dashboard


def accumulates(indicator):
    """Whether a year-to-date value adds halves up (a flow), rather than repeating the last."""
    if indicator.kind == IndicatorKind.RATE:
        return any(part is not None and accumulates(part) for part in (indicator.numerator, indicator.denominator))
    return indicator.over_time == OverTime.SUM


def cumulative_differs(indicator, target, period):
    """Whether the roll-up's cumulative value (the year to date, judged against a year target)
    is another number than the period's own: a flow under a target that began before P."""
    if target is None or target.period_id == period.pk or period.start <= target.period.start:
        return False
    return accumulates(indicator)


def trend_arrow(change):
    if change is None or change == 0:
        return ""
    return "▲" if change > 0 else "▼"


def change_words(change, indicator):
    """ "giảm 4 vụ", "tăng 2,2 điểm %", "bằng"; "" when either side is unknown."""
    if change is None:
        return ""
    if change == 0:
        return _("không đổi")
    amount = abs(change)
    if indicator.kind == IndicatorKind.RATE:
        text = _("%(amount)s điểm %%") % {"amount": num(amount)}
    elif indicator.kind in (IndicatorKind.YES_NO, IndicatorKind.STATUS):
        text = _("%(count)s đơn vị") % {"count": num(amount)}
    else:
        text = f"{num(amount)} {indicator.measure}"
    if change < 0:
        return _("giảm %(amount)s") % {"amount": text}
    return _("tăng %(amount)s") % {"amount": text}


def period_pair_label(period):
    """ "6 tháng cuối năm 2024" and its comparison "Cùng kỳ 2023"."""
    return {"now": str(period.label), "before": _("Cùng kỳ %(year)s") % {"year": period.year - 1}}


def ytd_label(period):
    return {
        "now": _("Lũy kế năm %(year)s") % {"year": period.year},
        "before": _("Lũy kế cùng kỳ %(year)s") % {"year": period.year - 1},
    }


def judged_text(row, period):
    """What the status was decided on, in one line: the value compared and the target."""
    target = row.target
    if target is None:
        return ""
    indicator = row.indicator
    if cumulative_differs(indicator, target, period):
        basis = _("Lũy kế năm %(year)s") % {"year": period.year}
    else:
        basis = str(period.label)
    value = row.cumulative
    if value is None:
        return _("%(basis)s: chưa có số liệu; chỉ tiêu %(target)s") % {"basis": basis, "target": target_text(target)}
    shown = with_measure(value, indicator)
    if target.comparison in (Comparison.REDUCE_BY, Comparison.REDUCE_BY_PERCENT):
        last = row.cumulative_last_year
        if last is None:
            return _("%(basis)s: %(value)s, chưa có số liệu cùng kỳ; chỉ tiêu %(target)s") % {
                "basis": basis,
                "value": shown,
                "target": target_text(target),
            }
        change = change_words(value - last, indicator) or _("không đổi")
        if target.comparison == Comparison.REDUCE_BY_PERCENT and last:
            change += f" ({pct(abs(last - value) / last * 100)})"
        return _("%(basis)s: %(value)s so với %(last)s cùng kỳ, %(change)s; chỉ tiêu %(target)s") % {
            "basis": basis,
            "value": shown,
            "last": with_measure(last, indicator),
            "change": change,
            "target": target_text(target),
        }
    text = _("%(basis)s: %(value)s; chỉ tiêu %(target)s") % {
        "basis": basis,
        "value": shown,
        "target": target_text(target),
    }
    if row.percent is not None:
        text += _(" (đạt %(percent)s)") % {"percent": pct(row.percent)}
    return text


def coverage_phrase(row):
    """ "Tạm tính — 6/9 đơn vị đã báo cáo" for a row whose coverage is incomplete.

    Coverage counts (unit, half) pairs; a leader counts units. Where the row has children
    with coverage of their own, a child counts as reported when all of its pairs are.
    """
    coverage = row.coverage
    counted = [c for c in row.children if c.coverage is not None and c.coverage.expected]
    if counted:
        done = sum(1 for c in counted if c.coverage.reported >= c.coverage.expected)
        return _("Tạm tính — %(reported)s/%(expected)s đơn vị đã báo cáo") % {
            "reported": done,
            "expected": len(counted),
        }
    if coverage.expected == 1:
        return _("Tạm tính — đơn vị chưa báo cáo kỳ này")
    # The unit itself over several halves (a year, or the year to date).
    return _("Tạm tính — %(reported)s/%(expected)s kỳ 6 tháng đã báo cáo") % {
        "reported": coverage.reported,
        "expected": coverage.expected,
    }


def coverage_note(row):
    """The coverage phrase, and for a verdict already settled, that it will not change."""
    phrase = coverage_phrase(row)
    if row.status in (rollup.ACHIEVED, rollup.NOT_ACHIEVED):
        return _("%(phrase)s; kết quả đánh giá không thay đổi khi đủ báo cáo") % {"phrase": phrase}
    return phrase


def criterion_text(criterion):
    """ "≥ 1 người", "≤ 0 điểm", "có" for a criterion of a status indicator."""
    if criterion.indicator.kind == IndicatorKind.YES_NO:
        return _("có") if criterion.holds(1) else _("không")
    return f"{COMPARISON_SYMBOLS[criterion.comparison]} {with_measure(criterion.value, criterion.indicator)}"


# ------------------------------------------------------------ printed reports


def place_date_line(place, day):
    """ "Đầm Hà, ngày 08 tháng 7 năm 2024": Decree 30/2020 writes a leading zero for days
    below 10 and for months 1 and 2 only."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return _("%(place)s, ngày %(day)s tháng %(month)s năm %(year)s") % {
        "place": place,
        "day": f"{day.day:02d}",
        "month": month,
        "year": day.year,
    }


def target_minimum(target):
    """A reduction target in a sentence that already says "so với cùng kỳ": "giảm ít nhất 1 vụ"."""
    if target.comparison == Comparison.REDUCE_BY_PERCENT:
        return _("giảm ít nhất %(value)s") % {"value": pct(target.value)}
    return _("giảm ít nhất %(value)s") % {"value": with_measure(target.value, target.indicator)}


def target_short(target):
    """The target for a table cell whose unit is in its own column: "≥ 5", "≤ 0", "giảm 1"."""
    if target is None:
        return ""
    if target.comparison == Comparison.REDUCE_BY:
        return _("giảm %(value)s") % {"value": num(target.value)}
    if target.comparison == Comparison.REDUCE_BY_PERCENT:
        return _("giảm %(value)s") % {"value": pct(target.value)}
    return f"{COMPARISON_SYMBOLS[target.comparison]} {num(target.value)}"


def _lower_first(text):
    return text[:1].lower() + text[1:]


def _target_scope(row, period):
    """ " năm 2024" when the target is the year's and the report covers a half."""
    target = row.target
    if target is None or target.period_id == period.pk:
        return ""
    return " " + _("năm %(year)s") % {"year": target.period.year}


def _verdict(row, scope):
    """The verdict clause of a sentence, by the roll-up's status."""
    status = row.status
    if status == rollup.ACHIEVED:
        return _("đạt chỉ tiêu%(scope)s") % {"scope": scope}
    if status == rollup.IN_PROGRESS:
        return _("đang thực hiện chỉ tiêu%(scope)s") % {"scope": scope}
    if status == rollup.INCOMPLETE:
        return _("chưa đủ số liệu để đánh giá chỉ tiêu%(scope)s") % {"scope": scope}
    if status == rollup.NO_DATA:
        return _("chưa đủ số liệu để đánh giá chỉ tiêu%(scope)s") % {"scope": scope}
    return _("chưa đạt chỉ tiêu%(scope)s") % {"scope": scope}


def unit_noun(progress_children, indicator):
    """ "xã, thị trấn": the kinds of the child units a yes/no or status indicator counts."""
    counts = {}
    for child in progress_children:
        kind = (child.kind or "").strip().lower()
        if child.level == indicator.entry_level and kind:
            counts[kind] = counts.get(kind, 0) + 1
    # The most numerous kind first, as the officials write it: "xã, thị trấn".
    kinds = sorted(counts, key=lambda kind: -counts[kind])
    return ", ".join(kinds) if kinds else _("đơn vị")


def _units_total(row, children):
    """How many entry-level units a yes/no or status count is out of (None when unknown)."""
    entry = [c for c in children if c.level == row.indicator.entry_level]
    if entry:
        return len(entry)
    coverage = row.coverage
    if coverage is not None and row.indicator.over_time == OverTime.LAST:
        return coverage.expected
    return None


def _is_counted_units(indicator, unit):
    """A yes/no or status indicator above its entry level: a count of units (“8/9 xã”)."""
    return indicator.kind in (IndicatorKind.YES_NO, IndicatorKind.STATUS) and (
        unit is None or unit.level != indicator.entry_level
    )


def _provisional(row):
    coverage = row.coverage
    return coverage is not None and coverage.reported < coverage.expected


def sentence(row, period, unit=None, children=()):
    """What the results section says about one roll-up row, in the officials' style.

    - quota (at least N): "Bắt, xử lý hình sự tội phạm về ma túy 5/5 vụ, đạt 100% chỉ tiêu năm 2024";
      above the quota: "Mô hình tự quản về ANTT 10 mô hình (chỉ tiêu năm 2024: 9), đạt 111,1%"
    - units meeting a status or answering yes: "…: 8/9 xã, thị trấn (chỉ tiêu năm 2024: 6), đạt 133,3%"
    - must be zero (at most 0): "Không phát hiện điểm, tụ điểm … về ma túy"
    - reduction: "Số vụ phạm tội về trật tự xã hội giảm 1 vụ so với cùng kỳ (8 vụ so với 9 vụ), đạt chỉ tiêu …"
    - rate: "Tỷ lệ điều tra, khám phá án về TTXH đạt 87,5% (7/8 vụ), đạt chỉ tiêu năm 2024 (≥ 75%)"

    Period and year to date are never in one sentence: when the target is the year's and
    the period a later half, the judged year-to-date sentence comes first ("Lũy kế năm
    2024, …") and the period's own figures (the appendix's "Kết quả 6 tháng") follow in a
    sentence of their own. Provisional figures say so ("(số liệu tạm tính)").
    """
    indicator, target = row.indicator, row.target
    name = indicator.name
    split = cumulative_differs(indicator, target, period)
    value = row.cumulative if target is not None else row.actual
    # An "incomplete" verdict already says the figures are provisional.
    provisional = _("(số liệu tạm tính)") if _provisional(row) and row.status != rollup.INCOMPLETE else ""
    if value is None:
        return _("%(name)s: chưa có số liệu") % {"name": name}
    scope = _target_scope(row, period)
    verdict = _verdict(row, scope)
    counted_units = _is_counted_units(indicator, unit)
    total = _units_total(row, children) if counted_units else None
    noun = unit_noun(children, indicator) if counted_units else ""

    def amount(number):
        if counted_units:
            return f"{num(number)}/{num(total)} {noun}" if total else f"{num(number)} {noun}"
        return with_measure(number, indicator, unit)

    year_to_date = _("Lũy kế năm %(year)s, %(name)s") % {"year": period.year, "name": _lower_first(name)}
    subject = year_to_date if split else name

    if indicator.kind == IndicatorKind.RATE:
        parts = []
        if split:
            if row.actual is not None:
                parts.append(_period_rate(row, period))
            text = _("%(subject)s đạt %(value)s") % {"subject": subject, "value": pct(value)}
        else:
            text = _("%(name)s đạt %(value)s") % {"name": name, "value": pct(value)}
            text += _rate_parts(row)
        if target is not None:
            text += _(", %(verdict)s (%(target)s)") % {"verdict": verdict, "target": f"{target_short(target)}%"}
        text = _join(text, provisional)
        return ". ".join([text, *parts]) if parts else text

    if target is None:
        text = f"{name}: {amount(value)}"
        last = row.same_period_last_year
        if last is not None:
            if counted_units:
                change = change_words(value - last, indicator)
                text += _(", %(change)s so với cùng kỳ (%(last)s)") % {"change": change, "last": amount(last)}
            elif value == last:
                text += _(", bằng cùng kỳ")
            else:
                text += _(", %(change)s (%(last)s)") % {"change": change_text(row), "last": amount(last)}
        return _join(text, provisional)

    if target.comparison == Comparison.AT_LEAST:
        if row.status == rollup.INCOMPLETE:
            text = _("%(subject)s: %(value)s (chỉ tiêu%(scope)s: %(target)s), %(verdict)s") % {
                "subject": subject,
                "value": amount(value),
                "scope": scope,
                "target": num(target.value),
                "verdict": _("chưa đủ số liệu để đánh giá"),
            }
        elif row.percent is None:
            text = _("%(subject)s: %(value)s, %(verdict)s (%(target)s)") % {
                "subject": subject,
                "value": amount(value),
                "verdict": verdict,
                "target": target_short(target),
            }
        elif counted_units or value > target.value:
            text = _("%(subject)s %(value)s (chỉ tiêu%(scope)s: %(target)s), đạt %(percent)s") % {
                "subject": f"{subject}:" if counted_units else subject,
                "value": amount(value) if counted_units else f"{num(value)} {indicator.measure}",
                "scope": scope,
                "target": num(target.value),
                "percent": pct(row.percent),
            }
        else:
            text = _("%(subject)s %(value)s/%(target)s %(measure)s, đạt %(percent)s chỉ tiêu%(scope)s") % {
                "subject": subject,
                "value": num(value),
                "target": num(target.value),
                "measure": indicator.measure,
                "percent": pct(row.percent),
                "scope": scope,
            }
        return _with_period(_join(text, provisional), row, period, split, amount)

    if target.comparison == Comparison.AT_MOST:
        if value == 0 and target.value == 0:
            if _provisional(row):
                text = _("Các đơn vị đã báo cáo không phát hiện %(name)s (số liệu tạm tính)") % {
                    "name": _lower_first(name),
                }
            else:
                text = _("Không phát hiện %(name)s") % {"name": _lower_first(name)}
            return _with_period(text, row, period, split, amount)
        if target.value == 0:
            text = _("%(subject)s: phát hiện %(value)s, %(verdict)s (không để phát sinh)") % {
                "subject": subject,
                "value": amount(value),
                "verdict": verdict,
            }
        else:
            text = _("%(subject)s: %(value)s, %(verdict)s (tối đa %(target)s)") % {
                "subject": subject,
                "value": amount(value),
                "verdict": verdict,
                "target": with_measure(target.value, indicator),
            }
        return _with_period(_join(text, provisional), row, period, split, amount)

    # reduce_by / reduce_by_percent: compared with the same cumulative a year earlier.
    last = row.cumulative_last_year
    if last is None:
        text = _("%(subject)s: %(value)s, chưa có số liệu cùng kỳ để so sánh") % {
            "subject": subject,
            "value": amount(value),
        }
        return _with_period(_join(text, provisional), row, period, split, amount)
    reduction = last - value
    if reduction > 0:
        amount_text = (
            pct(reduction / last * 100) if target.comparison == Comparison.REDUCE_BY_PERCENT and last else None
        )
        amount_text = amount_text or amount(reduction)
        trend = _("giảm %(amount)s so với cùng kỳ") % {"amount": amount_text}
    elif reduction < 0:
        trend = _("tăng %(amount)s so với cùng kỳ") % {"amount": amount(-reduction)}
    else:
        trend = _("bằng cùng kỳ")
    text = _("%(subject)s %(trend)s (%(value)s so với %(last)s), %(verdict)s (%(target)s)") % {
        "subject": subject,
        "trend": trend,
        "value": amount(value),
        "last": amount(last),
        "verdict": verdict,
        "target": target_minimum(target),
    }
    return _with_period(_join(text, provisional), row, period, split, amount)


def _join(text, provisional):
    return f"{text} {provisional}" if provisional else text


def _rate_parts(row):
    """ " (7/8 vụ)": the period's numerator and denominator."""
    indicator = row.indicator
    if row.numerator is None or row.denominator is None:
        return ""
    measure = indicator.numerator.measure if indicator.numerator else ""
    return f" ({num(row.numerator)}/{num(row.denominator)} {measure})".replace(" )", ")")


def _period_rate(row, period):
    """ "Riêng 6 tháng cuối năm 2024 đạt 100% (4/4 vụ)": the rate of the period alone."""
    return _("Riêng %(period)s đạt %(value)s%(parts)s") % {
        "period": _lower_first(str(period.label)),
        "value": pct(row.actual),
        "parts": _rate_parts(row),
    }


def _with_period(text, row, period, split, amount):
    """The judged year-to-date sentence, then the period's own figures in a sentence of their own."""
    if not split:
        return text
    if row.actual is None:
        own = _("Riêng %(period)s chưa có số liệu") % {"period": _lower_first(str(period.label))}
    else:
        own = _("Riêng %(period)s: %(value)s") % {
            "period": _lower_first(str(period.label)),
            "value": amount(row.actual),
        }
        if row.same_period_last_year is not None:
            own += _(" (cùng kỳ %(last)s)") % {"last": amount(row.same_period_last_year)}
    return f"{text}. {own}"


# Abbreviations of these reports (DOMAIN.md §7), spelled out at their first use in the
# generated text. UBND, HĐND and BCĐ are left as they are: every reader of a district
# report knows them, and they are part of document numbers ("111/KH-UBND").
ABBREVIATIONS = {
    "ANCT": "an ninh chính trị",
    "TTATXH": "trật tự, an toàn xã hội",
    "TTXH": "trật tự xã hội",
    "ANTQ": "an ninh Tổ quốc",
    "ANTT": "an ninh, trật tự",
    "PCTP": "phòng, chống tội phạm",
    "TNXH": "tệ nạn xã hội",
    "PCMT": "phòng, chống ma túy",
    "SDTPCMT": "sử dụng trái phép chất ma túy",
    "KDC": "khu dân cư",
    "TNGT": "tai nạn giao thông",
    "MTTQ": "Mặt trận Tổ quốc",
}
_ABBREVIATION_RE = re.compile(r"(?<![\w/-])(" + "|".join(sorted(ABBREVIATIONS, key=len, reverse=True)) + r")(?![\w/-])")


def spell_out(lines):
    """Each abbreviation written out at its first use: "trật tự xã hội (TTXH)", then "TTXH"."""
    seen = set()

    def replace(match):
        abbreviation = match.group(1)
        if abbreviation in seen:
            return abbreviation
        seen.add(abbreviation)
        return f"{ABBREVIATIONS[abbreviation]} ({abbreviation})"

    return [_ABBREVIATION_RE.sub(replace, line) for line in lines]


def typographic_quotes(text):
    """Straight double quotes as Vietnamese typographic ones: "sạch ma túy" → “sạch ma túy”."""
    parts = text.split('"')
    if len(parts) % 2 == 0:  # unbalanced: leave it as it is rather than guess
        return text
    out = [parts[0]]
    for index, part in enumerate(parts[1:], start=1):
        out.append(("“" if index % 2 else "”") + part)
    return "".join(out)


def plan_subject(plan):
    """ "xây dựng xã, thị trấn “sạch ma túy”…": the plan's title without its document type."""
    title = plan.title.strip()
    words = title.split(" ", 1)
    if len(words) == 2 and words[0].lower() in ("kế", "nghị", "quyết", "chỉ", "hướng", "thông", "công"):
        # "Kế hoạch …", "Nghị quyết …", "Quyết định …", "Chỉ thị …": two-word types.
        rest = words[1].split(" ", 1)
        title = rest[1] if len(rest) == 2 else title
    if title.lower().startswith("về "):
        title = title[3:]
    return _lower_first(title)


def plan_reference(plan):
    """ "Kế hoạch số 111/KH-UBND ngày 19/4/2024 của UBND huyện Đầm Hà về xây dựng …"."""
    text = plan.citation
    if plan.issuer:
        text += " " + _("của %(issuer)s") % {"issuer": plan.issuer}
    subject = plan_subject(plan)
    if subject:
        text += " " + _("về %(subject)s") % {"subject": subject}
    return text


def coverage_sentence(completeness):
    """ "Số liệu tạm tính: 6/10 đơn vị đã báo cáo, 1 đơn vị đã được duyệt (chưa báo cáo: …)." """
    text = _("Số liệu tạm tính: %(submitted)s/%(expected)s đơn vị đã báo cáo, %(approved)s đơn vị đã được duyệt") % {
        "submitted": completeness.submitted,
        "expected": completeness.expected,
        "approved": completeness.approved,
    }
    if completeness.missing:
        text += _(" (chưa báo cáo: %(units)s)") % {"units": ", ".join(u.name for u in completeness.missing)}
    return text + "."


def result_lines(progress):
    """Section II of a report as drafted from the roll-up: the coverage sentence when reports
    are missing, the plans the targets come from (cited in full once), then one line per
    indicator, grouped by report section; abbreviations spelled out at first use and
    typographic quotes."""
    lines = []
    completeness = progress.completeness
    provisional = completeness.submitted < completeness.expected or any(_provisional(r) for r in progress.rows)
    if provisional:
        lines.append(coverage_sentence(completeness))
    plans = []
    for row in progress.rows:
        plan = row.target.plan if row.target is not None else None
        if plan is not None and all(p.pk != plan.pk for p in plans):
            plans.append(plan)
    if plans:
        lines.append(
            _("Kết quả thực hiện các chỉ tiêu theo %(plans)s:") % {"plans": "; ".join(plan_reference(p) for p in plans)}
        )
    section = None
    children = progress.children
    for row in progress.rows:
        if row.indicator.section != section:
            section = row.indicator.section
            if section:
                lines.append(section)
        lines.append(f"- {sentence(row, progress.period, progress.unit, children)}.")
    return [typographic_quotes(line) for line in spell_out(lines)]


def signed(value):
    """A change for a table cell: "+2", "-1", "0"; "—" when unknown."""
    if value is None:
        return "—"
    if value > 0:
        return f"+{num(value)}"
    if value < 0:
        return f"-{num(-value)}"
    return "0"
