"""How results are written, the way the officials write them ("5/5 vụ, đạt 100%").

Used by the dashboard, its export and the printed reports, so a figure reads the same
everywhere. Numbers follow the active language: "1.234" and "66,7%" in Vietnamese.
"""

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from indicators import rollup
from indicators.models import Comparison, IndicatorKind

STATUS_LABELS = {
    rollup.ACHIEVED: gettext_lazy("Đạt"),
    rollup.NOT_ACHIEVED: gettext_lazy("Chưa đạt"),
    rollup.IN_PROGRESS: gettext_lazy("Đang thực hiện"),
    rollup.NO_TARGET: gettext_lazy("Chưa giao chỉ tiêu"),
    rollup.NO_DATA: gettext_lazy("Chưa có số liệu"),
    rollup.INCOMPLETE: gettext_lazy("Tạm tính"),
}

STATUS_STYLES = {
    rollup.ACHIEVED: "success",
    rollup.NOT_ACHIEVED: "danger",
    rollup.IN_PROGRESS: "warning",
    rollup.NO_TARGET: "secondary",
    rollup.NO_DATA: "light",
    rollup.INCOMPLETE: "info",
}

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
        return formats.number_format(int(value), 0, use_l10n=True, force_grouping=True)
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
            return _("%(count)s đơn vị có") % {"count": num(value)}
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


def result_text(row, unit=None):
    """The result as the officials write it, e.g. "5/5 vụ, đạt 100%"."""
    indicator, target = row.indicator, row.target
    value = row.cumulative if target is not None else row.actual
    if value is None:
        return str(STATUS_LABELS[rollup.NO_DATA])
    if target is None:
        return with_measure(value, indicator, unit)
    if target.comparison == Comparison.AT_LEAST and row.percent is not None:
        return _("%(value)s/%(target)s %(measure)s, đạt %(percent)s") % {
            "value": num(value),
            "target": num(target.value),
            "measure": indicator.measure,
            "percent": pct(row.percent),
        }
    if target.comparison in (Comparison.REDUCE_BY, Comparison.REDUCE_BY_PERCENT):
        last = row.cumulative_last_year
        if last is None:
            return with_measure(value, indicator)
        reduction = last - value
        if reduction > 0:
            text = _("giảm %(amount)s so với cùng kỳ") % {"amount": with_measure(reduction, indicator)}
        elif reduction < 0:
            text = _("tăng %(amount)s so với cùng kỳ") % {"amount": with_measure(-reduction, indicator)}
        else:
            text = _("bằng cùng kỳ")
        if target.comparison == Comparison.REDUCE_BY_PERCENT and last:
            text += f" ({pct(reduction / last * 100)})"
        return f"{with_measure(value, indicator)}, {text}"
    return with_measure(value, indicator)


def status_label(status):
    return str(STATUS_LABELS[status])


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


def sentence(row, period, unit=None):
    """One sentence of the results section, in the officials' style, from a roll-up row.

    - quota (at least N): "Bắt, xử lý hình sự tội phạm về ma túy 5/5 vụ, đạt 100% chỉ tiêu năm 2024"
    - must be zero (at most 0): "Không phát hiện điểm, tụ điểm … về ma túy"
    - reduction: "Số vụ phạm tội về trật tự xã hội giảm 1 vụ so với cùng kỳ (8 vụ so với 9 vụ), đạt chỉ tiêu …"
    - rate: "Tỷ lệ điều tra, khám phá án về TTXH đạt 87,5% (7/8 vụ), đạt chỉ tiêu (≥ 75%)"
    Every number is the roll-up's (the cumulative value when the target is the year's).
    """
    indicator, target = row.indicator, row.target
    name = indicator.name
    value = row.cumulative if target is not None else row.actual
    if value is None:
        return _("%(name)s: chưa có số liệu") % {"name": name}
    scope = _target_scope(row, period)
    achieved = row.status == rollup.ACHIEVED
    verdict = _("đạt chỉ tiêu") if achieved else _("chưa đạt chỉ tiêu")
    if row.status == rollup.INCOMPLETE:  # never a verdict the missing reports could overturn
        verdict = _("tạm tính, chưa đủ số liệu để đánh giá")

    if indicator.kind == IndicatorKind.RATE:
        text = _("%(name)s đạt %(value)s") % {"name": name, "value": pct(value)}
        if row.numerator is not None and row.denominator is not None and value == row.actual:
            measure = indicator.numerator.measure if indicator.numerator else ""
            text += f" ({num(row.numerator)}/{num(row.denominator)} {measure})".replace(" )", ")")
        if target is not None:
            text += _(", %(verdict)s%(scope)s (%(target)s)") % {
                "verdict": verdict,
                "scope": scope,
                "target": f"{target_short(target)}%",
            }
        return text

    if target is None:
        text = f"{name}: {with_measure(value, indicator, unit)}"
        change = change_text(row)
        return f"{text} ({change})" if change else text

    if target.comparison == Comparison.AT_LEAST:
        if row.percent is None:
            return _("%(name)s: %(value)s, %(verdict)s%(scope)s (%(target)s)") % {
                "name": name,
                "value": with_measure(value, indicator, unit),
                "verdict": verdict,
                "scope": scope,
                "target": target_short(target),
            }
        return _("%(name)s %(value)s/%(target)s %(measure)s, đạt %(percent)s chỉ tiêu%(scope)s") % {
            "name": name,
            "value": num(value),
            "target": num(target.value),
            "measure": indicator.measure,
            "percent": pct(row.percent),
            "scope": scope,
        }

    if target.comparison == Comparison.AT_MOST:
        if value == 0 and target.value == 0:
            return _("Không phát hiện %(name)s") % {"name": _lower_first(name)}
        if target.value == 0:
            return _("%(name)s: phát hiện %(value)s, %(verdict)s (không để phát sinh)") % {
                "name": name,
                "value": with_measure(value, indicator, unit),
                "verdict": verdict,
            }
        return _("%(name)s: %(value)s, %(verdict)s (tối đa %(target)s)") % {
            "name": name,
            "value": with_measure(value, indicator, unit),
            "verdict": verdict,
            "target": with_measure(target.value, indicator),
        }

    # reduce_by / reduce_by_percent: compared with the same cumulative a year earlier.
    last = row.cumulative_last_year
    if last is None:
        return _("%(name)s: %(value)s, chưa có số liệu cùng kỳ để so sánh") % {
            "name": name,
            "value": with_measure(value, indicator, unit),
        }
    reduction = last - value
    if reduction > 0:
        amount = pct(reduction / last * 100) if target.comparison == Comparison.REDUCE_BY_PERCENT and last else None
        amount = amount or with_measure(reduction, indicator)
        trend = _("giảm %(amount)s so với cùng kỳ") % {"amount": amount}
    elif reduction < 0:
        trend = _("tăng %(amount)s so với cùng kỳ") % {"amount": with_measure(-reduction, indicator)}
    else:
        trend = _("bằng cùng kỳ")
    return _("%(name)s %(trend)s (%(value)s so với %(last)s), %(verdict)s%(scope)s (%(target)s)") % {
        "name": name,
        "trend": trend,
        "value": with_measure(value, indicator, unit),
        "last": with_measure(last, indicator, unit),
        "verdict": verdict,
        "scope": scope,
        "target": target_short(target),
    }


def signed(value):
    """A change for a table cell: "+2", "-1", "0"; "—" when unknown."""
    if value is None:
        return "—"
    if value > 0:
        return f"+{num(value)}"
    if value < 0:
        return f"-{num(-value)}"
    return "0"
