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
}

STATUS_STYLES = {
    rollup.ACHIEVED: "success",
    rollup.NOT_ACHIEVED: "danger",
    rollup.IN_PROGRESS: "warning",
    rollup.NO_TARGET: "secondary",
    rollup.NO_DATA: "light",
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
        last = row.last_year_cumulative
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
