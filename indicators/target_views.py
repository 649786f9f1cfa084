"""/targets/: plans and the targets grid, for office users and superusers (403 for others).

Views fetch (through ``committees.access``), call ``indicators.targets`` /
``committees.plans`` and render. Grids are per unit and year: the unit and its child
units valid that year, every indicator that has a value at one of them.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from committees import access, plans
from committees.models import AdministrativeUnit, Plan

from . import targets, targets_io
from .forms import PlanForm, TargetReasonForm, TargetUploadForm
from .models import Indicator, Period

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _plans_query():
    return Plan.objects.select_related("unit__parent__parent")


def _grid_unit_and_period(user, unit_code, year):
    """Every page of a unit's year of targets starts here: may the user open target pages,
    and which unit and year (404 when the year has no period or the unit did not exist)."""
    access.require_targets_page(user)
    unit = access.get_unit_for(user, unit_code, roles=access.TARGET_ROLES)
    period = targets.year_period(year)
    if period is None:
        raise Http404(_("Chưa có kỳ báo cáo năm %(year)d.") % {"year": year})
    if (unit.valid_from and unit.valid_from > period.end) or (unit.valid_to and unit.valid_to < period.start):
        raise Http404(_("%(unit)s không tồn tại trong năm %(year)d.") % {"unit": unit.name, "year": year})
    return unit, period


def _plans_and_choice(request, unit):
    """The plans the user may read, and the one chosen for ``unit`` (``_chosen_plan``)."""
    readable = targets.plans_for(request.user)
    return readable, _chosen_plan(request, unit, readable)


def _chosen_plan(request, unit, readable):
    """The plan named by ?plan= (or the form), else the newest plan of the unit, else None."""
    wanted = request.POST.get("plan") or request.GET.get("plan")
    by_pk = {str(plan.pk): plan for plan in readable}
    if wanted:
        return by_pk.get(wanted)
    own = [plan for plan in readable if plan.unit_id == unit.pk]
    return own[0] if own else None


def _grid_units(user):
    """Units whose grid the user may open: their office units and those below with children."""
    units = list(
        AdministrativeUnit.objects.filter(access.subtree_q(user, access.TARGET_ROLES, field=None))
        .exclude(level="commune")
        .ordered()
    )
    return units


@login_required
def index(request):
    """The plans in the user's scope, and the grids they may open."""
    access.require_targets_page(request.user)
    readable = targets.plans_for(request.user)
    years = list(Period.objects.filter(half__isnull=True).order_by("-year").values_list("year", flat=True))
    context = {
        "plans": [(plan, access.can_manage_plan(request.user, plan)) for plan in readable],
        "grid_units": _grid_units(request.user),
        "years": years,
    }
    return render(request, "indicators/targets/index.html", context)


def _plan_form_view(request, plan=None):
    access.require_targets_page(request.user)
    form = PlanForm(request.POST or None, request.FILES or None, instance=plan, user=request.user)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            fields = {name: form.cleaned_data[name] for name in ("number", "issued_on", "issuer", "title", "unit")}
            try:
                saved = plans.save_plan(
                    user=request.user,
                    plan=plan,
                    fields=fields,
                    scan=form.scan_upload(),
                    remove_scan=form.cleaned_data["remove_scan"],
                )
            except plans.PlanError as exc:
                form.add_error("scan" if "PDF" in exc.message or "Tệp" in exc.message else None, exc.message)
                status = 400
            else:
                messages.success(request, _("Đã lưu văn bản %(number)s.") % {"number": saved.number})
                return redirect("indicators:targets")
        else:
            status = 400
    scan = getattr(plan, "scan", None) if plan is not None else None
    return render(
        request, "indicators/targets/plan_form.html", {"form": form, "plan": plan, "scan": scan}, status=status
    )


@login_required
def plan_create(request):
    return _plan_form_view(request)


@login_required
def plan_edit(request, pk):
    access.require_targets_page(request.user)
    plan = access.get_plan_for(request.user, _plans_query(), pk, manage=True)
    return _plan_form_view(request, plan)


@login_required
def plan_scan(request, pk):
    """The scan, to users in the plan's scope only, as a download (never shown inline)."""
    plan = access.get_plan_for(request.user, _plans_query(), pk)
    scan = getattr(plan, "scan", None)
    if scan is None:
        raise Http404(_("Văn bản này chưa có bản scan."))
    response = HttpResponse(bytes(scan.content), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, scan.filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _grid_inputs(post, grid):
    inputs = {}
    for cell in grid.cells():
        if not cell.applicable:
            continue
        value = post.get("v_" + cell.name)
        if value is None:
            continue
        inputs[cell.key] = targets.CellInput(comparison=post.get("c_" + cell.name, ""), value=value)
    return inputs


def _grid_context(request, unit, period, grid, plan, readable, **extra):
    fields = 2 * sum(1 for cell in grid.cells() if cell.applicable) + 10
    return {
        "unit": unit,
        "period": period,
        "grid": grid,
        "plan": plan,
        "plans": readable,
        "editable": fields <= settings.DATA_UPLOAD_MAX_NUMBER_FIELDS,
        "parent_grid": unit.parent if unit.parent and access.can_manage_targets(request.user, unit.parent) else None,
        "reason_form": extra.pop("reason_form", None) or TargetReasonForm(),
        **extra,
    }


@login_required
def grid(request, unit_code, year):
    """Indicators × units for one year: comparison and value per cell, saved all or nothing."""
    unit, period = _grid_unit_and_period(request.user, unit_code, year)
    readable, plan = _plans_and_choice(request, unit)
    status, errors, posted = 200, {}, None
    reason_form = None
    current = targets.target_grid(unit=unit, period=period)
    if request.method == "POST":
        reason_form = TargetReasonForm(request.POST)
        posted = request.POST
        if reason_form.is_valid():
            try:
                result = targets.save_grid(
                    user=request.user,
                    unit=unit,
                    period=period,
                    plan=plan,
                    inputs=_grid_inputs(request.POST, current),
                    reason=reason_form.cleaned_data["reason"],
                    seen=request.POST.get("seen") or None,
                )
            except targets.TargetError as exc:
                messages.error(request, exc.message)
                errors = exc.cells
                status = 409 if not exc.cells and "người khác" in exc.message else 400
            else:
                message = _("Đã lưu chỉ tiêu năm %(year)d: %(created)d mới, %(updated)d sửa, %(deleted)d xóa.")
                return _saved(request, message, result, unit, period, plan)
        else:
            status = 400
    rows = []
    for row in current.rows:
        cells = []
        for cell in row.cells:
            name = cell.name
            if posted is not None:
                comparison, value = posted.get("c_" + name, ""), posted.get("v_" + name, "")
            else:
                comparison = cell.target.comparison if cell.target else row.default_comparison
                value = f"{cell.target.value.normalize():f}" if cell.target else ""
            cells.append(
                {
                    "cell": cell,
                    "comparison": comparison,
                    "value": value,
                    "error": errors.get((*cell.key, "value")) or errors.get((*cell.key, "comparison")),
                    "other_plan": cell.target is not None and plan is not None and cell.target.plan_id != plan.pk,
                }
            )
        rows.append({"row": row, "cells": cells, "splittable": row.indicator.kind == "count"})
    context = _grid_context(request, unit, period, current, plan, readable, rows=rows, reason_form=reason_form)
    return render(request, "indicators/targets/grid.html", context, status=status)


@login_required
@require_POST
def copy(request, unit_code, year):
    unit, period = _grid_unit_and_period(request.user, unit_code, year)
    _readable, plan = _plans_and_choice(request, unit)
    url = reverse("indicators:target_grid", args=[unit.code, period.year]) + (f"?plan={plan.pk}" if plan else "")
    try:
        result = targets.copy_from_last_year(user=request.user, unit=unit, period=period, plan=plan)
    except targets.TargetError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _(
                "Đã sao chép %(copied)d chỉ tiêu từ năm %(last)d; giữ nguyên %(kept)d ô đã có chỉ tiêu năm %(year)d; "
                "bỏ qua %(skipped)d chỉ tiêu không còn phù hợp."
            )
            % {
                "copied": result.copied,
                "last": period.year - 1,
                "kept": result.kept,
                "year": period.year,
                "skipped": result.skipped,
            },
        )
    return redirect(url)


@login_required
def split(request, unit_code, year, indicator_code):
    """Share the unit's target among its child units; the shares must add up to it."""
    unit, period = _grid_unit_and_period(request.user, unit_code, year)
    indicator = Indicator.objects.filter(code=indicator_code).first()
    if indicator is None:
        raise Http404(_("Không có chỉ tiêu mã %(code)s.") % {"code": indicator_code})
    readable, plan = _plans_and_choice(request, unit)
    reason_form = TargetReasonForm(
        request.POST or None,
        initial={"reason": _("Chia chỉ tiêu của %(unit)s cho các đơn vị cấp dưới") % {"unit": unit.name}},
    )
    status, errors = 200, {}
    if request.method == "POST":
        if reason_form.is_valid():
            values = {key[2:]: value for key, value in request.POST.items() if key.startswith("s_")}
            try:
                targets.split_target(
                    user=request.user,
                    unit=unit,
                    period=period,
                    indicator=indicator,
                    plan=plan,
                    values=values,
                    reason=reason_form.cleaned_data["reason"],
                )
            except targets.TargetError as exc:
                messages.error(request, exc.message)
                errors = exc.cells
                status = 400
            else:
                messages.success(
                    request,
                    _("Đã chia chỉ tiêu “%(indicator)s” cho các đơn vị.") % {"indicator": indicator.name},
                )
                url = reverse("indicators:target_grid", args=[unit.code, period.year])
                return redirect(f"{url}?plan={plan.pk}")
        else:
            status = 400
    shares, _grid = targets.split_view(unit=unit, period=period, indicator=indicator)
    suggestion = shares.suggestion
    rows = []
    for index, cell in enumerate(shares.children):
        if request.method == "POST":
            value = request.POST.get("s_" + cell.unit.code, "")
        elif cell.target is not None and shares.parent and cell.target.comparison == shares.parent.comparison:
            value = f"{cell.target.value.normalize():f}"
        else:
            value = suggestion[index] if suggestion else ""
        rows.append({"cell": cell, "value": value, "error": errors.get((indicator.code, cell.unit.code, "value"))})
    context = {
        "unit": unit,
        "period": period,
        "indicator": indicator,
        "split": shares,
        "rows": rows,
        "plan": plan,
        "plans": readable,
        "reason_form": reason_form,
        "parent_text": targets.describe(shares.parent.comparison, shares.parent.value, indicator)
        if shares.parent
        else "",
    }
    return render(request, "indicators/targets/split.html", context, status=status)


@login_required
def grid_xlsx(request, unit_code, year):
    unit, period = _grid_unit_and_period(request.user, unit_code, year)
    response = HttpResponse(targets_io.workbook(unit=unit, period=period), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="chi-tieu-{unit.code}-{period.year}.xlsx"'
    return response


@login_required
def upload(request, unit_code, year):
    """Upload the filled workbook: every cell or none; bad cells named by address."""
    unit, period = _grid_unit_and_period(request.user, unit_code, year)
    readable, plan = _plans_and_choice(request, unit)
    form = TargetUploadForm(request.POST or None, request.FILES or None)
    errors, error_count, errors_more, status = [], 0, "", 200
    if request.method == "POST":
        if form.is_valid():
            try:
                result = targets_io.import_workbook(
                    user=request.user,
                    unit=unit,
                    period=period,
                    plan=plan,
                    data=form.cleaned_data["file"].read(),
                    reason=form.cleaned_data["reason"],
                )
            except targets_io.TargetsFileError as exc:
                # The first 200 problems and the count of the rest (issue 17, finding 10).
                errors, error_count, errors_more, status = exc.shown, len(exc.errors), exc.more_text(), 400
            except targets.TargetError as exc:
                errors, error_count, status = [exc.message], 1, 400
            else:
                message = _("Đã nhập tệp chỉ tiêu năm %(year)d: %(created)d mới, %(updated)d sửa, %(deleted)d xóa.")
                return _saved(request, message, result, unit, period, plan)
        else:
            status = 400
    context = {
        "unit": unit,
        "period": period,
        "form": form,
        "errors": errors,
        "error_count": error_count,
        "errors_more": errors_more,
        "plan": plan,
        "plans": readable,
    }
    return render(request, "indicators/targets/upload.html", context, status=status)


@login_required
def history(request, unit_code, year):
    unit, period = _grid_unit_and_period(request.user, unit_code, year)
    records = targets.target_history(unit=unit, period=period)
    rows = [
        {
            "record": record,
            "text": ""
            if record.history_type == "-"
            else targets.describe(record.comparison, record.value, record.indicator),
        }
        for record in records
    ]
    return render(request, "indicators/targets/history.html", {"unit": unit, "period": period, "rows": rows})


def _saved(request, message, result, unit, period, plan):
    """After a grid save or an upload: say what changed and go back to the plan's grid."""
    messages.success(
        request,
        message
        % {"year": period.year, "created": result.created, "updated": result.updated, "deleted": result.deleted},
    )
    url = reverse("indicators:target_grid", args=[unit.code, period.year])
    return redirect(f"{url}?plan={plan.pk}")
