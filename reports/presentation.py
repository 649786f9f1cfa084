"""What the dashboard shows, built from one roll-up (indicators/rollup.py).

The view fetches the roll-up, calls :func:`dashboard` and renders; every number here is
the roll-up's, only turned into words, icons and groups. Read in this order on screen:

1. tiles — how many targets are achieved, not achieved, in progress, provisional, and who
   has reported (in words and numbers, never colour alone);
2. the scorecard — child units × targeted indicators, each cell a value and a status word;
   a unit that has not reported is grey "chưa báo cáo", never a failure;
3. one line per indicator — the period against the same period last year, and (when the
   target is the year's) the year to date against last year's year to date, each pair
   labelled; the judged comparison next to the status; "tạm tính — 6/9 đơn vị đã báo cáo"
   while reports are missing;
4. the criteria tables of status indicators and the charts, on demand.
"""

import functools
import html
from itertools import groupby

from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from committees.selectors import committee_for
from indicators import rollup
from indicators.models import Criterion, IndicatorKind

from . import wording

NOT_REPORTED = "not_reported"
NO_VERDICT = "no_verdict"


def _status(status):
    """Word, icon and style of a status (the word is always shown; the icon is decoration)."""
    return _status_in(status, get_language())


@functools.lru_cache(maxsize=64)
def _status_in(status, language):
    # Cached per language: a district dashboard asks ~300 times for the same six.
    return {
        "key": status,
        "label": wording.status_label(status),
        "icon": wording.STATUS_ICONS[status],
        "style": status.replace("_", "-"),
    }


def _not_reported():
    return _not_reported_in(get_language())


@functools.lru_cache(maxsize=8)
def _not_reported_in(language):
    return {"key": NOT_REPORTED, "label": _("chưa báo cáo"), "icon": "∅", "style": "not-reported"}


def _incomplete(coverage):
    return coverage is not None and coverage.reported < coverage.expected


def _esc(value):
    """What ``{{ value }}`` writes for a string (``conditional_escape``), without the
    lazy-argument wrapper around Django's ``escape``: the same characters, ~3× faster, and
    a district dashboard escapes ~20,000 values."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


class _Words:
    """The words every cell repeats, looked up once per page: ``get_language()`` reads a
    context-local variable (~20 µs under asgiref), and a district page asked ~2,000 times."""

    def __init__(self):
        language = get_language()
        self.statuses = {status: _status_in(status, language) for status in wording.STATUS_ICONS}
        self.not_reported = _not_reported_in(language)
        self.provisional = _("tạm tính")
        # The fixed words of an indicator row (written unescaped, as {% translate %} did).
        self.target_label = _("Chỉ tiêu:")
        self.by_unit = _("Theo đơn vị")
        self.period_pair = _("Kỳ này so với cùng kỳ")
        self.ytd_pair = _("Lũy kế năm so với cùng kỳ")
        self.as_period = _("như kỳ này")
        self.verdict = _("Đánh giá")
        # A child's status in the "Theo đơn vị" lists, as HTML, by status key.
        self.inline = {
            status["key"]: (
                f'<span class="st-inline st-{_esc(status["style"])}"><span aria-hidden="true">'
                f"{_esc(status['icon'])}</span> {_esc(status['label'])}</span>"
            )
            for status in (*self.statuses.values(), self.not_reported)
        }
        self.inline_provisional = f' <span class="sc-provisional">{_esc(self.provisional)}</span>'
        self._measures = {}
        self._labels = {}
        self._links = {}

    def link(self, unit, url):
        """The start of a unit's item in the "Theo đơn vị" lists (once per unit, not per row)."""
        text = self._links.get(unit.pk)
        if text is None:
            text = self._links[unit.pk] = f'<li><a href="{_esc(url)}">{_esc(unit.name)}</a>: '
        return text

    def measure(self, value, indicator, unit):
        """``wording.with_measure``, once per (value, indicator, level): a yes/no column
        repeats "Có" / "Không" (a translation lookup each) down every unit."""
        key = (value, indicator.id, unit.level)
        text = self._measures.get(key)
        if text is None:
            text = self._measures[key] = wording.with_measure(value, indicator, unit)
        return text

    def pair_labels(self, period):
        """The period's and the year to date's pair labels, the same on every row."""
        labels = self._labels.get(period.id)
        if labels is None:
            labels = self._labels[period.id] = (wording.period_pair_label(period), wording.ytd_label(period))
        return labels


def tiles(progress):
    """The headline: targets by status at the unit, and who has reported."""
    judged = [r for r in progress.rows if r.status != rollup.NO_TARGET]
    counts = {status: sum(1 for r in judged if r.status == status) for status in wording.TILE_STATUSES}
    completeness = progress.completeness
    return {
        "targets": len(judged),
        "statuses": [{**_status(status), "count": counts[status]} for status in wording.TILE_STATUSES],
        "no_data": sum(1 for r in judged if r.status == rollup.NO_DATA),
        "expected": completeness.expected,
        "submitted": completeness.submitted,
        "approved": completeness.approved,
        "missing": completeness.missing,
        "complete": completeness.submitted >= completeness.expected,
    }


def _cell(label, row, child, words):
    """One scorecard cell: the child's value for the period and its own verdict."""
    coverage = child.coverage
    if child.actual is None and _incomplete(coverage):
        return {"label": label, "text": "", "status": words.not_reported, "provisional": False}
    text = words.measure(child.actual, row.indicator, child.unit)
    # No status where the unit has no target of its own for the indicator: the value only.
    status = None if child.status == rollup.NO_TARGET else words.statuses[child.status]
    return {"label": label, "text": text, "status": status, "provisional": _incomplete(coverage)}


def _cell_html(cell, words):
    """A scorecard cell's ``<td>``, as the template wrote it (built here: a district has
    ~400 cells, ~30 % of its render time through the template engine)."""
    status = cell["status"]
    if status is not None and status["key"] == NOT_REPORTED:
        body = f'<span aria-hidden="true">∅</span> {_esc(status["label"])}'
    else:
        body = f'<span class="sc-value">{_esc(cell["text"])}</span>'
        if status:
            body += (
                f' <span class="sc-status"><span aria-hidden="true">{_esc(status["icon"])}</span> '
                f"{_esc(status['label'])}</span>"
            )
        if cell["provisional"]:
            body += f' <span class="sc-provisional">{words.provisional}</span>'
    style = f" st-{_esc(status['style'])}" if status else ""
    return (
        f'\n        <td class="sc-cell{style}" data-label="{_esc(cell["label"])}">'
        f"\n          {body}\n        </td>\n        "
    )


def _name(row):
    return wording.typographic_quotes(row.indicator.name)


def scorecard(progress, child_urls, words=None):
    """Child units × indicators that carry a target at the unit and have values below it.

    Units as rows (a district has ~10, a province ~15), indicators as columns; the phone
    layout turns each unit into a card (static/css/site.css).
    """
    words = words or _Words()
    children = progress.children
    if not children:
        return None
    columns = [
        row
        for row in progress.rows
        if row.status != rollup.NO_TARGET and row.children and rollup.relevant_at(row.indicator, children[0])
    ]
    if not columns:
        return None
    labels = [_name(row) for row in columns]
    missing = {unit.pk for unit in progress.completeness.missing}
    units = []
    for index, unit in enumerate(children):
        cells = [_cell(label, row, row.children[index], words) for label, row in zip(labels, columns, strict=True)]
        silent = all(c["status"] and c["status"]["key"] == NOT_REPORTED for c in cells)
        units.append(
            {
                "unit": unit,
                "url": child_urls[unit.pk],
                "silent": silent,
                "missing": unit.pk in missing,
                "cells": cells,
                "cells_html": SafeString("".join(_cell_html(cell, words) for cell in cells)),
            }
        )
    total = []
    for label, row in zip(labels, columns, strict=True):
        differs = wording.cumulative_differs(row.indicator, row.target, progress.period)
        total.append(
            {
                "label": label,
                "text": wording.with_measure(row.cumulative, row.indicator, progress.unit),
                "ytd": differs,
                "status": words.statuses[row.status],
                "provisional": _incomplete(row.coverage),
            }
        )
    return {
        "columns": [
            {
                "name": label,
                "measure": row.indicator.measure,
                "target": wording.target_text(row.target),
            }
            for label, row in zip(labels, columns, strict=True)
        ],
        "total": total,
        "units": units,
    }


def indicator_line(row, unit, period, child_urls, words=None):
    """One indicator: period vs same period last year, year to date vs last year's, the
    verdict and why; ``html``: its table row."""
    words = words or _Words()
    indicator = row.indicator
    year_to_date = wording.cumulative_differs(indicator, row.target, period)
    words_at_level = (
        indicator.kind in (IndicatorKind.YES_NO, IndicatorKind.STATUS) and unit.level == indicator.entry_level
    )
    coverage = row.coverage
    children = []
    for child in row.children:
        if not rollup.relevant_at(indicator, child.unit):
            continue  # entered above the child's level: the child has no value of its own
        if child.actual is None and _incomplete(child.coverage):
            status = words.not_reported
            value = ""
        else:
            status = None if child.status == rollup.NO_TARGET else words.statuses[child.status]
            value = words.measure(child.actual, indicator, child.unit)
        children.append(
            {
                "unit": child.unit,
                "url": child_urls[child.unit.pk],
                "value": value,
                "status": status,
                "provisional": child.actual is not None and _incomplete(child.coverage),
            }
        )
    ytd_difference = _difference(row.cumulative, row.cumulative_last_year)
    period_label, ytd_label = words.pair_labels(period)
    line = {
        "row": row,
        "code": indicator.code,
        "name": _name(row),
        "measure": indicator.measure,
        "target": wording.target_text(row.target),
        "citation": row.target.plan.citation if row.target and row.target.plan else "",
        "status": words.statuses[row.status],
        "judged": wording.judged_text(row, period),
        "period_label": period_label,
        "period_value": wording.with_measure(row.actual, indicator, unit),
        "period_last_year": wording.with_measure(row.same_period_last_year, indicator, unit),
        # At its own level a yes/no or status value is a word ("Có"): no "không đổi" after it.
        "period_change": "" if words_at_level else wording.change_words(row.change, indicator),
        "period_trend": wording.trend_arrow(row.change),
        "ytd": year_to_date,
        "ytd_label": ytd_label,
        "ytd_value": wording.with_measure(row.cumulative, indicator, unit) if year_to_date else "",
        "ytd_last_year": wording.with_measure(row.cumulative_last_year, indicator, unit) if year_to_date else "",
        "ytd_change": wording.change_words(ytd_difference, indicator) if year_to_date else "",
        "ytd_trend": wording.trend_arrow(ytd_difference),
        "bar": min(round(row.percent), 100) if row.percent is not None else None,
        "percent": wording.pct(row.percent) if row.percent is not None else "",
        "provisional": _incomplete(coverage),
        "coverage": wording.coverage_note(row) if _incomplete(coverage) else "",
        "children": children,
    }
    line["html"] = _line_html(line, _children_html(children, words), words)
    return line


def _children_html(children, words):
    """The "Theo đơn vị" list of one indicator (~15 rows × ~10 units a district page)."""
    items = []
    for c in children:
        status = c["status"]
        if status is not None and status["key"] == NOT_REPORTED:
            body = words.inline[NOT_REPORTED]
        else:
            body = _esc(c["value"])
            if status is not None:
                body += " " + words.inline[status["key"]]
            if c["provisional"]:
                body += words.inline_provisional
        items.append(f"{words.link(c['unit'], c['url'])}{body}</li>")
    return "".join(items)


def _line_html(item, children_html, words):
    """One indicator's table row. Built here rather than by the template engine: ~40 rows
    of ~35 values each were a third of a district dashboard's render."""
    e = _esc
    target = ""
    if item["target"]:
        citation = f' <span class="text-body-secondary">({e(item["citation"])})</span>' if item["citation"] else ""
        target = f'<br><span class="small ind-target">{words.target_label} {e(item["target"])}{citation}</span>'
    by_unit = ""
    if item["children"]:
        by_unit = (
            '\n            <details class="small mt-1 by-unit">'
            f"\n              <summary>{words.by_unit}</summary>"
            f'\n              <ul class="list-unstyled mb-0">{children_html}'
            "\n              </ul>\n            </details>\n            "
        )
    period_label = item["period_label"]
    period_change = ""
    if item["period_change"]:
        period_change = (
            f' <span class="pair-change"><span aria-hidden="true">{e(item["period_trend"])}</span> '
            f"{e(item['period_change'])}</span>"
        )
    if item["ytd"]:
        ytd_label = item["ytd_label"]
        ytd_change = ""
        if item["ytd_change"]:
            ytd_change = (
                f' <span class="pair-change"><span aria-hidden="true">{e(item["ytd_trend"])}</span> '
                f"{e(item['ytd_change'])}</span>"
            )
        ytd = (
            f'\n            <span class="pair-now"><span class="pair-label">{e(ytd_label["now"])}:</span> '
            f"<strong>{e(item['ytd_value'])}</strong></span>"
            f'\n            <span class="pair-before"><span class="pair-label">{e(ytd_label["before"])}:</span> '
            f"{e(item['ytd_last_year'])}{ytd_change}</span>\n            "
        )
    else:
        ytd = f'<span class="text-body-secondary small">{words.as_period}</span>'
    status = item["status"]
    judged = f'<span class="judged small">{e(item["judged"])}</span>' if item["judged"] else ""
    coverage = f'<span class="coverage-note small">{e(item["coverage"])}</span>' if item["coverage"] else ""
    bar = ""
    if item["bar"] is not None:
        label = _("Tiến độ: %(name)s") % {"name": e(item["name"])}
        bar = f'<progress class="w-100" max="100" value="{item["bar"]}" aria-label="{label}">{item["bar"]}%</progress>'
    return (
        f'\n        <tr id="row-{e(item["code"])}" data-indicator="{e(item["code"])}" '
        f'class="{"row-provisional" if item["provisional"] else ""}">'
        '\n          <td class="ind-name">'
        f'\n            <strong>{e(item["name"])}</strong> <span class="text-body-secondary small">({e(item["measure"])})</span>'
        f"\n            {target}"
        f"\n            {by_unit}"
        "\n          </td>"
        f'\n          <td class="pair pair-period" data-label="{words.period_pair}">'
        f'\n            <span class="pair-now"><span class="pair-label">{e(period_label["now"])}:</span> '
        f"<strong>{e(item['period_value'])}</strong></span>"
        f'\n            <span class="pair-before"><span class="pair-label">{e(period_label["before"])}:</span> '
        f"{e(item['period_last_year'])}{period_change}</span>"
        "\n          </td>"
        f'\n          <td class="pair pair-ytd" data-label="{words.ytd_pair}">'
        f"\n            {ytd}"
        "\n          </td>"
        f'\n          <td class="verdict" data-label="{words.verdict}">'
        f'\n            <span class="status-badge st-{e(status["style"])}"><span aria-hidden="true">{e(status["icon"])}</span> '
        f"{e(status['label'])}</span>"
        f"\n            {judged}"
        f"\n            {coverage}"
        f"\n            {bar}"
        "\n          </td>"
        "\n        </tr>\n        "
    )


def _difference(value, last):
    return value - last if value is not None and last is not None else None


def grouped(progress, child_urls, words=None):
    """Indicator lines grouped by committee, then by report section, in catalogue order;
    ``rows_html``: a section's table rows."""
    words = words or _Words()
    groups = []
    for committee, committee_rows in groupby(progress.rows, key=lambda r: r.indicator.committee):
        sections = []
        for section, section_rows in groupby(committee_rows, key=lambda r: r.indicator.section):
            lines = [indicator_line(r, progress.unit, progress.period, child_urls, words) for r in section_rows]
            sections.append(
                {"name": section, "rows": lines, "rows_html": SafeString("".join(line["html"] for line in lines))}
            )
        groups.append({"committee": committee_for(committee, progress.unit), "sections": sections})
    return groups


def checklists(progress, words=None):
    """For each status indicator: which criterion holds in which child unit (one query).

    Built from the roll-up's own rows: a criterion indicator's child values are the
    children's figures, so the checklist cannot disagree with the status count. A unit
    without a figure for a criterion has "chưa báo cáo" there, never "không đạt".
    """
    status_rows = [r for r in progress.rows if r.indicator.kind == IndicatorKind.STATUS and r.children]
    if not status_rows:
        return []
    words = words or _Words()
    rows_by_id = {r.indicator.pk: r for r in progress.rows}
    criteria = Criterion.objects.filter(status__in=[r.indicator for r in status_rows]).select_related("indicator")
    by_status = {}
    for criterion in criteria:
        by_status.setdefault(criterion.status_id, []).append(criterion)
    lists = []
    for row in status_rows:
        conditions = by_status.get(row.indicator.pk, [])
        units = []
        for position, child in enumerate(row.children):
            if child.unit.level != row.indicator.entry_level:
                continue
            cells = []
            for criterion in conditions:
                source = rows_by_id.get(criterion.indicator_id)
                value = source.children[position].actual if source else None
                if value is None:
                    cells.append({"value": "", "status": words.not_reported})
                    continue
                holds = criterion.holds(value)
                cells.append(
                    {
                        "value": words.measure(value, criterion.indicator, child.unit),
                        "status": {
                            "key": "holds" if holds else "fails",
                            "label": _("Đạt") if holds else _("Không đạt"),
                            "icon": "✓" if holds else "✗",
                            "style": "achieved" if holds else "not-achieved",
                        },
                    }
                )
            if child.actual is None:
                result = words.not_reported
            elif child.actual:
                result = {**words.statuses[rollup.ACHIEVED], "label": _("Đạt tiêu chí")}
            else:
                result = {**words.statuses[rollup.NOT_ACHIEVED], "label": _("Chưa đạt tiêu chí")}
            units.append({"unit": child.unit, "cells": cells, "result": result})
        if units:
            lists.append(
                {
                    "indicator": row.indicator,
                    "criteria": [{"criterion": c, "requirement": wording.criterion_text(c)} for c in conditions],
                    "units": units,
                }
            )
    return lists


def _same_basis(indicator, target, period=None):
    """Whether a target's value can be drawn against values of ``period`` (None: the
    trend's half-years).

    A threshold on a rate or a stock ("at most 0 hotspots", "at least 1 model") holds for
    any half; a quota on a flow holds for its own period only ("12 files in the year" is
    not a line to draw over half-year bars).
    """
    if target is None or target.comparison not in ("at_least", "at_most"):
        return False
    if indicator.kind == IndicatorKind.RATE:
        return True
    if period is None and target.period.half is not None:
        return True  # a half-year quota drawn across half-year values
    if period is not None and target.period_id == period.pk:
        return True
    return not wording.accumulates(indicator)


def _chart_target(indicator, target, period=None):
    return float(target.value) if _same_basis(indicator, target, period) else None


def chart_data(progress, trend_periods):
    """What static/js/dashboard.js draws: per indicator, children bars and a trend line.

    A unit that has not reported (``reported`` false) gets no bar, a grey label and its
    name marked; a 0 is a thin bar. Count and yes/no axes tick in whole numbers. A target
    line is drawn only on the basis of the values it is drawn against: the trend's
    half-years never carry a year quota on a flow; the caption says so instead.
    """
    charts = []
    period = progress.period
    for row in progress.rows:
        indicator = row.indicator
        target = row.target
        other_basis = target is not None and target.comparison in ("at_least", "at_most")
        other_basis = other_basis and not _same_basis(indicator, target)
        charts.append(
            {
                "code": indicator.code,
                "name": indicator.name,
                "measure": indicator.measure,
                "whole": indicator.kind != IndicatorKind.RATE,
                "children": [c.unit.name for c in row.children],
                "values": [c.actual for c in row.children],
                "reported": [not (c.actual is None and _incomplete(c.coverage)) for c in row.children],
                "targets": [_chart_target(indicator, c.target, period) for c in row.children],
                "trendLabels": [p.code for p in trend_periods],
                "trend": progress.trend.get(indicator.pk, []),
                "target": _chart_target(indicator, target),
                "note": _("Chỉ tiêu năm (%(target)s) so với lũy kế, không vẽ trên số liệu từng kỳ.")
                % {"target": wording.target_text(row.target)}
                if other_basis
                else "",
            }
        )
    return {
        "charts": charts,
        "labels": {
            "value": _("Kết quả"),
            "target": _("Chỉ tiêu giao"),
            "trend": _("Xu hướng theo kỳ"),
            "notReported": _("chưa báo cáo"),
        },
    }


def dashboard(progress, periods, trend_periods):
    """The dashboard body's context, from one roll-up."""
    period = progress.period
    # reverse() once per child rather than once per child and row (it took a quarter of a
    # district dashboard's time).
    child_urls = {child.pk: reverse("reports:dashboard", args=[child.code, period.code]) for child in progress.children}
    words = _Words()
    return {
        "unit": progress.unit,
        "period": period,
        "progress": progress,
        "periods": periods,
        "tiles": tiles(progress),
        "scorecard": scorecard(progress, child_urls, words),
        "groups": grouped(progress, child_urls, words),
        "checklists": checklists(progress, words),
        "charts": chart_data(progress, trend_periods),
    }
