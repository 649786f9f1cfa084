"""The district progress dashboard and its export."""

from itertools import groupby

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from committees.access import get_unit_for, has_role
from indicators import rollup
from indicators.models import Criterion, IndicatorKind, Period

from . import wording
from .exports import dashboard_workbook

TREND_HALVES = 6
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def unit_and_period(user, unit_code, period_code):
    """The unit (404 unknown, 403 outside the user's scope) and the period (404 unknown)."""
    unit = get_unit_for(user, unit_code)
    period = get_object_or_404(Period, code=period_code)
    return unit, period


def present(row, unit, period):
    """Display facts of one roll-up row (the numbers stay the roll-up's)."""
    bar = None
    if row.percent is not None:
        bar = min(round(row.percent), 100)
    return {
        "row": row,
        "result": wording.result_text(row, unit),
        "cumulative": row.target is not None and row.target.period_id != period.pk,
        "target": wording.target_text(row.target),
        "citation": row.target.plan.citation if row.target and row.target.plan else "",
        "status": wording.status_label(row.status),
        "style": wording.STATUS_STYLES[row.status],
        "bar": bar,
        "actual": wording.with_measure(row.actual, row.indicator, unit),
        "last_year": wording.with_measure(row.same_period_last_year, row.indicator, unit),
        "change": wording.change_text(row),
        "trend": "▲" if (row.change or 0) > 0 else "▼" if (row.change or 0) < 0 else "",
        "children": [
            {
                "child": child,
                "actual": wording.with_measure(child.actual, row.indicator, child.unit),
                "status": wording.status_label(child.status),
                "style": wording.STATUS_STYLES[child.status],
            }
            for child in row.children
        ],
    }


def grouped(progress):
    """Rows grouped by committee, then by report section, in catalogue order."""
    groups = []
    for committee, committee_rows in groupby(progress.rows, key=lambda r: r.indicator.committee):
        sections = [
            {"name": section, "rows": [present(r, progress.unit, progress.period) for r in section_rows]}
            for section, section_rows in groupby(committee_rows, key=lambda r: r.indicator.section)
        ]
        groups.append({"committee": committee, "sections": sections})
    return groups


def checklists(progress):
    """For each status indicator: which criterion holds in which child unit (one query).

    Built from the roll-up's own rows: a criterion indicator's child values are the
    children's figures, so the checklist cannot disagree with the status count.
    """
    status_rows = [r for r in progress.rows if r.indicator.kind == IndicatorKind.STATUS and r.children]
    if not status_rows:
        return []
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
                cells.append(
                    {
                        "value": wording.with_measure(value, criterion.indicator, child.unit),
                        "holds": criterion.holds(value),
                    }
                )
            units.append({"unit": child.unit, "cells": cells, "met": child.actual})
        if units:
            lists.append({"indicator": row.indicator, "criteria": conditions, "units": units})
    return lists


def chart_data(progress, trend_periods, trend_values):
    """What static/js/dashboard.js draws: per indicator, children bars and a trend line."""
    charts = []
    for row in progress.rows:
        charts.append(
            {
                "code": row.indicator.code,
                "name": row.indicator.name,
                "measure": row.indicator.measure,
                "children": [c.unit.name for c in row.children],
                "values": [c.actual for c in row.children],
                "targets": [
                    float(c.target.value) if c.target and c.target.comparison in ("at_least", "at_most") else None
                    for c in row.children
                ],
                "trendLabels": [p.code for p in trend_periods],
                "trend": trend_values.get(row.indicator.pk, []),
                "target": float(row.target.value)
                if row.target and row.target.comparison in ("at_least", "at_most")
                else None,
            }
        )
    return {
        "charts": charts,
        "labels": {"value": _("Kết quả"), "target": _("Chỉ tiêu giao"), "trend": _("Xu hướng theo kỳ")},
    }


@login_required
def dashboard(request, unit_code, period_code):
    unit, period = unit_and_period(request.user, unit_code, period_code)
    progress = rollup.progress(unit, period)
    trend_periods = list(Period.objects.halves().filter(end__lte=period.end).order_by("-year", "-half"))
    trend_periods = trend_periods[:TREND_HALVES][::-1]
    trend_values = rollup.series(unit, trend_periods, [r.indicator for r in progress.rows])
    context = {
        "unit": unit,
        "period": period,
        "progress": progress,
        "completeness": progress.completeness,
        "groups": grouped(progress),
        # Units above the user's scope are named but not linked (their page would be 403).
        "ancestors": [(ancestor, has_role(request.user, ancestor)) for ancestor in unit.ancestors()[::-1]],
        "periods": Period.objects.order_by("-year", "half"),
        "charts": chart_data(progress, trend_periods, trend_values),
        "checklists": checklists(progress),
        "achieved": sum(1 for r in progress.rows if r.status == rollup.ACHIEVED),
        "with_target": sum(1 for r in progress.rows if r.status != rollup.NO_TARGET),
    }
    return render(request, "reports/dashboard.html", context)


@login_required
def dashboard_xlsx(request, unit_code, period_code):
    unit, period = unit_and_period(request.user, unit_code, period_code)
    progress = rollup.progress(unit, period)
    response = HttpResponse(dashboard_workbook(progress), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="tien-do-{unit.code}-{period.code}.xlsx"'
    return response


@login_required
def period_switch(request):
    """The period switcher's form target: redirect to the chosen dashboard."""
    unit, period = unit_and_period(request.user, request.GET.get("unit", ""), request.GET.get("period", ""))
    return redirect("reports:dashboard", unit_code=unit.code, period_code=period.code)
