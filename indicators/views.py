"""Entry, review, submission history, figures import and periods pages.

Every view fetches its unit through ``committees.access`` (404 for an unknown unit, 403
outside the user's scope) and changes data only through ``indicators.services``.
"""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from committees import access
from committees.models import AdministrativeUnit, Role

from . import figures_io, services, targets
from .forms import EntryForm, ImportForm, PeriodForm, ReasonForm, VersionForm
from .models import Figure, Indicator, IndicatorKind, Period, Submission, SubmissionStatus, period_code
from .rollup import rate

S = SubmissionStatus

# Review-page state of a unit that has no submission yet.
NOT_STARTED = "not_started"
STATE_LABELS = {NOT_STARTED: gettext_lazy("Chưa nhập"), **dict(SubmissionStatus.choices)}
STATE_BADGES = {
    NOT_STARTED: "text-bg-secondary",
    S.DRAFT: "text-bg-light border",
    S.SUBMITTED: "text-bg-primary",
    S.APPROVED: "text-bg-success",
    S.RETURNED: "text-bg-danger",
}


def _half_period(code):
    period = get_object_or_404(Period, code=code)
    if period.half is None:
        raise Http404(_("Số liệu chỉ nhập và duyệt theo kỳ 6 tháng."))
    return period


def _previous_code(period):
    return period_code(period.year, 1) if period.half == 2 else period_code(period.year - 1, 2)


def _own_figures(unit, codes):
    """{period code: {indicator_id: value}} of the unit's submitted/approved figures (1 query)."""
    result = {code: {} for code in codes}
    rows = Figure.objects.filter(
        submission__unit=unit, submission__period__code__in=codes, submission__status__in=(S.SUBMITTED, S.APPROVED)
    ).values_list("submission__period__code", "indicator_id", "value")
    for code, indicator_id, value in rows:
        result[code][indicator_id] = value
    return result


def _computed(level, values):
    """Rates and statuses derivable from one unit's own figures at ``level``, with their values.

    Rates use the roll-up's ``rate``; a status holds when every criterion holds on the
    unit's figures (a missing figure does not hold), as in DESIGN.md.
    """
    rows = []
    rates = Indicator.objects.filter(
        kind=IndicatorKind.RATE, numerator__entry_level=level, denominator__entry_level=level
    ).select_related("numerator", "denominator")
    for indicator in rates:
        value = rate(values.get(indicator.numerator_id), values.get(indicator.denominator_id))
        rows.append({"indicator": indicator, "value": value, "kind": "rate"})
    statuses = Indicator.objects.filter(kind=IndicatorKind.STATUS, entry_level=level).prefetch_related(
        "criteria__indicator"
    )
    for indicator in statuses:
        criteria = list(indicator.criteria.all())
        if not criteria or any(criterion.indicator.entry_level != level for criterion in criteria):
            continue
        held = None
        if values:
            held = all(criterion.holds(values.get(criterion.indicator_id)) for criterion in criteria)
        rows.append(
            {
                "indicator": indicator,
                "value": held,
                "kind": "status",
                "criteria": criteria,
                # For static/js/entry.js, which re-judges the status as the officer types.
                "criteria_json": json.dumps(
                    [{"code": c.indicator.code, "comparison": c.comparison, "value": float(c.value)} for c in criteria]
                ),
            }
        )
    return rows


def _sections(indicators, computed, form=None, previous=None, last_year=None, current=None):
    """[(section, [row])] in report order; entered and computed indicators together."""
    previous, last_year, current = previous or {}, last_year or {}, current or {}
    rows = []
    for indicator in indicators:
        rows.append(
            {
                "indicator": indicator,
                "entered": True,
                "value_field": form.value_field(indicator) if form else None,
                "note_field": form.note_field(indicator) if form else None,
                "previous": previous.get(indicator.pk),
                "last_year": last_year.get(indicator.pk),
                "current": current.get(indicator.pk),
            }
        )
    for row in computed:
        rows.append({**row, "entered": False})
    rows.sort(key=lambda row: (row["indicator"].section, row["indicator"].order, row["indicator"].code))
    sections = []
    for row in rows:
        if not sections or sections[-1][0] != row["indicator"].section:
            sections.append((row["indicator"].section, []))
        sections[-1][1].append(row)
    return sections


@login_required
def entry(request, unit_code, period_code):
    """The unit's figures for a half-year on one page: draft, submit, or read why not."""
    unit = access.get_unit_for(request.user, unit_code)
    period = _half_period(period_code)
    submission = (
        Submission.objects.select_related("approved_by", "submitted_by", "updated_by")
        .filter(unit=unit, period=period)
        .first()
    )
    blocker = services.edit_blocker(user=request.user, unit=unit, period=period, submission=submission)
    indicators = list(services.entered_indicators(unit.level))
    codes = [_previous_code(period), period.same_period_last_year_code()]
    history = _own_figures(unit, codes)
    previous, last_year = history[codes[0]], history[codes[1]]
    figures = {} if submission is None else {figure.indicator_id: figure for figure in submission.figures.all()}
    saved_values = {pk: figure.value for pk, figure in figures.items() if figure.value is not None}

    version = submission.version if submission else 0
    initial = {"version": version}
    for indicator in indicators:
        figure = figures.get(indicator.pk)
        if figure is not None:
            initial["v_" + indicator.code] = figure.value
            initial["n_" + indicator.code] = figure.note
    conflict = None
    status = 200
    submitting = request.POST.get("action") == "submit"
    if request.method == "POST" and blocker:
        form = None
        status = 403  # the page says why (the blocker) and shows the figures read-only
    elif request.method == "POST":
        form = EntryForm(request.POST, indicators=indicators, previous=previous, submitting=submitting)
        if form.is_valid():
            try:
                services.save_figures(
                    user=request.user,
                    unit=unit,
                    period=period,
                    values=form.values(),
                    version=form.cleaned_data["version"],
                    submit=submitting,
                )
            except services.StaleVersionError as exc:
                conflict = exc
                data = request.POST.copy()
                data["version"] = str(exc.current_version)  # a second save, seen the changes, goes through
                form = EntryForm(data, indicators=indicators, previous=previous, submitting=submitting)
                form.is_valid()
                status = 409
            except services.WorkflowError as exc:
                messages.error(request, exc.message)
                status = 400
            else:
                if submitting:
                    messages.success(
                        request,
                        _("Đã gửi báo cáo %(period)s. Chờ cơ quan thường trực duyệt.") % {"period": period.code},
                    )
                else:
                    messages.success(request, _("Đã lưu nháp. Báo cáo chưa được gửi."))
                return redirect("indicators:entry", unit_code=unit.code, period_code=period.code)
        else:
            status = 400
    else:
        form = EntryForm(initial=initial, indicators=indicators, previous=previous)
    computed = _computed(unit.level, saved_values)
    context = {
        "unit": unit,
        "period": period,
        "submission": submission,
        "state": submission.status if submission else NOT_STARTED,
        "state_label": STATE_LABELS[submission.status if submission else NOT_STARTED],
        "state_badge": STATE_BADGES[submission.status if submission else NOT_STARTED],
        "blocker": blocker,
        "form": None if blocker else form,
        "sections": _sections(
            indicators,
            computed,
            form=None if blocker else form,
            previous=previous,
            last_year=last_year,
            current=saved_values,
        ),
        "previous_code": codes[0],
        "last_year_code": codes[1],
        "conflict": conflict,
        "can_review": access.can_review(request.user, unit),
        "own_targets": targets.own_targets(unit, period),
    }
    return render(request, "indicators/entry.html", context, status=status)


def _review_rows(unit, period):
    """The unit (when figures are entered at its level) and its child units valid at the end
    of the period, each with its submission for the period (3 queries whatever the count)."""
    levels = set(Indicator.objects.entered().values_list("entry_level", flat=True))
    children = list(AdministrativeUnit.objects.valid_on(period.end).filter(parent=unit).order_by("code"))
    units = ([unit] if unit.level in levels and unit.is_valid_on(period.end) else []) + [
        child for child in children if child.level in levels
    ]
    submissions = {
        submission.unit_id: submission
        for submission in Submission.objects.filter(period=period, unit__in=units).select_related(
            "submitted_by", "approved_by", "updated_by"
        )
    }
    rows = []
    for each in units:
        submission = submissions.get(each.pk)
        state = submission.status if submission else NOT_STARTED
        rows.append(
            {
                "unit": each,
                "own": each.pk == unit.pk,
                "submission": submission,
                "state": state,
                "label": STATE_LABELS[state],
                "badge": STATE_BADGES[state],
                "remind": state in (NOT_STARTED, S.DRAFT, S.RETURNED),
            }
        )
    return rows


@login_required
def review(request, unit_code, period_code):
    """The standing agency's list: each unit's state for the period, open, remind."""
    unit = access.get_unit_for(request.user, unit_code, roles=[Role.REVIEW])
    period = _half_period(period_code)
    rows = _review_rows(unit, period)
    counts = dict.fromkeys(STATE_LABELS, 0)
    for row in rows:
        counts[row["state"]] += 1
    context = {
        "unit": unit,
        "period": period,
        "rows": rows,
        "summary": [(STATE_LABELS[state], STATE_BADGES[state], count) for state, count in counts.items()],
        "none_sent": bool(rows) and not any(row["submission"] for row in rows),
        "periods": Period.objects.halves().order_by("-year", "-half"),
    }
    return render(request, "indicators/review.html", context)


@login_required
def submission(request, unit_code, period_code):
    """One unit's report for a half-year: figures, state, review actions and history."""
    unit = access.get_unit_for(request.user, unit_code)
    period = _half_period(period_code)
    report = (
        Submission.objects.select_related("approved_by", "submitted_by", "updated_by")
        .filter(unit=unit, period=period)
        .first()
    )
    indicators = list(services.entered_indicators(unit.level))
    figures = {} if report is None else {figure.indicator_id: figure for figure in report.figures.all()}
    values = {pk: figure.value for pk, figure in figures.items() if figure.value is not None}
    rows = _sections(indicators, _computed(unit.level, values), current=values)
    for _section, section_rows in rows:
        for row in section_rows:
            figure = figures.get(row["indicator"].pk)
            row["note"] = figure.note if figure else ""
    reviewer = access.can_review(request.user, unit)
    version = report.version if report else 0
    context = {
        "unit": unit,
        "period": period,
        "submission": report,
        "state_label": STATE_LABELS[report.status if report else NOT_STARTED],
        "state_badge": STATE_BADGES[report.status if report else NOT_STARTED],
        "sections": rows,
        "events": services.timeline(report) if report else [],
        "can_review": reviewer,
        "can_edit": services.edit_blocker(user=request.user, unit=unit, period=period, submission=report) is None,
        "approve_form": VersionForm(initial={"version": version}, prefix="approve"),
        "return_form": ReasonForm(initial={"version": version}, prefix="return"),
        "reopen_form": ReasonForm(initial={"version": version}, prefix="reopen"),
        "parent_review": reviewer and unit.parent is not None and access.can_review(request.user, unit.parent),
    }
    return render(request, "indicators/submission.html", context)


def _review_action(request, unit_code, period_code, action):
    unit = access.get_unit_for(request.user, unit_code, roles=[Role.REVIEW])
    period = _half_period(period_code)
    report = get_object_or_404(Submission, unit=unit, period=period)
    form_class = VersionForm if action == "approve" else ReasonForm
    form = form_class(request.POST, prefix=action)
    target = redirect("indicators:submission", unit_code=unit.code, period_code=period.code)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return target
    version = form.cleaned_data["version"]
    try:
        if action == "approve":
            services.approve(user=request.user, submission=report, version=version)
            messages.success(request, _("Đã duyệt báo cáo của %(unit)s; số liệu đã khóa.") % {"unit": unit.name})
        elif action == "return":
            services.return_submission(
                user=request.user, submission=report, reason=form.cleaned_data["reason"], version=version
            )
            messages.success(request, _("Đã trả lại báo cáo của %(unit)s kèm lý do.") % {"unit": unit.name})
        else:
            services.reopen(user=request.user, submission=report, reason=form.cleaned_data["reason"], version=version)
            messages.success(
                request, _("Đã mở lại báo cáo của %(unit)s; đơn vị có thể sửa và gửi lại.") % {"unit": unit.name}
            )
    except services.StaleVersionError as exc:
        changed = "; ".join(f"{c.indicator.name}: {c.seen} → {c.now}" for c in exc.changes)
        messages.error(request, exc.message + (" " + changed if changed else ""))
    except services.WorkflowError as exc:
        messages.error(request, exc.message)
    return target


@login_required
@require_POST
def approve(request, unit_code, period_code):
    return _review_action(request, unit_code, period_code, "approve")


@login_required
@require_POST
def return_submission(request, unit_code, period_code):
    return _review_action(request, unit_code, period_code, "return")


@login_required
@require_POST
def reopen(request, unit_code, period_code):
    return _review_action(request, unit_code, period_code, "reopen")


@login_required
@require_POST
def remind(request, unit_code, period_code):
    """The "Nhắc nhở" button: e-mail the unit's entry users now."""
    unit = access.get_unit_for(request.user, unit_code, roles=[Role.REVIEW])
    period = _half_period(period_code)
    link = request.build_absolute_uri(reverse("indicators:entry", args=[unit.code, period.code]))
    recipients = services.send_reminder(unit=unit, period=period, link=link)
    if recipients:
        messages.success(
            request,
            _("Đã gửi thư nhắc %(unit)s tới: %(to)s.") % {"unit": unit.name, "to": ", ".join(recipients)},
        )
    else:
        messages.warning(
            request,
            _("%(unit)s chưa có tài khoản nhập liệu nào có địa chỉ e-mail; chưa gửi được.") % {"unit": unit.name},
        )
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(target)
    return redirect("indicators:submission", unit_code=unit.code, period_code=period.code)


@login_required
def import_figures(request):
    """Upload a figures file (CSV or XLSX); all rows or none are written."""
    if not access.can_use_import_page(request.user):
        raise PermissionDenied(_("Trang nhập số liệu từ tệp dành cho cơ quan thường trực và văn phòng."))
    errors = []
    result = None
    status = 200
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                result = figures_io.import_file(upload.read(), upload.name, request.user)
            except figures_io.FiguresFileError as exc:
                errors = exc.errors
                status = 400
            else:
                messages.success(
                    request,
                    _("Đã nhập %(figures)d số liệu vào %(submissions)d báo cáo (trạng thái: đã gửi).")
                    % {"figures": result.figures, "submissions": len(result.submissions)},
                )
                return redirect("indicators:import")
        else:
            status = 400
    else:
        form = ImportForm()
    roots = access.scope_roots(request.user, access.REOPEN_ROLES)
    context = {
        "form": form,
        "errors": errors,
        "roots": sorted(roots, key=lambda unit: (unit.level_rank, unit.code)),
        "periods": Period.objects.halves().filter(is_open=True).order_by("-year", "-half"),
        "header": ",".join(figures_io.HEADER),
    }
    return render(request, "indicators/import.html", context, status=status)


@login_required
def import_template(request, unit_code, period_code):
    """An XLSX template for the unit (and its child units) with codes and names filled in."""
    unit = access.get_unit_for(request.user, unit_code, roles=access.IMPORT_ROLES)
    period = _half_period(period_code)
    response = HttpResponse(
        figures_io.template_workbook(unit, period),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="mau-so-lieu-{unit.code}-{period.code}.xlsx"'
    return response


@login_required
def periods(request):
    """Open or close half-year periods and set their entry deadline."""
    if not access.can_manage_periods(request.user):
        raise PermissionDenied(_("Chỉ người duyệt hoặc văn phòng được quản lý kỳ báo cáo."))
    items = list(Period.objects.halves().order_by("-year", "-half"))
    forms_by_code = {period.code: PeriodForm(instance=period, prefix=period.code) for period in items}
    status = 200
    if request.method == "POST":
        code = request.POST.get("period", "")
        period = next((item for item in items if item.code == code), None)
        if period is None:
            raise Http404(_("Không có kỳ báo cáo này."))
        form = PeriodForm(request.POST, instance=Period.objects.get(pk=period.pk), prefix=code)
        if form.is_valid():
            services.update_period(
                user=request.user,
                period=period,
                is_open=form.cleaned_data["is_open"],
                deadline=form.cleaned_data["deadline"],
            )
            state = _("đang mở") if form.cleaned_data["is_open"] else _("đã khóa")
            messages.success(request, _("Đã cập nhật kỳ %(code)s: %(state)s.") % {"code": code, "state": state})
            return redirect("indicators:periods")
        forms_by_code[code] = form
        status = 400
    return render(
        request,
        "indicators/periods.html",
        {"items": [(period, forms_by_code[period.code]) for period in items]},
        status=status,
    )
