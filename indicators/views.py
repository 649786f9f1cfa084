"""Entry, review, submission history, figures import and periods pages.

Every view fetches its unit through ``committees.access`` (404 for an unknown unit, 403
outside the user's scope) and changes data only through ``indicators.services``.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from committees import access
from committees.models import Role

from . import figures_io, selectors, services
from .forms import EntryForm, ImportForm, PeriodForm, ReasonForm, VersionForm
from .models import Period, Submission, SubmissionStatus

S = SubmissionStatus


def _half_period(code):
    period = get_object_or_404(Period, code=code)
    if period.half is None:
        raise Http404(_("Số liệu chỉ nhập và duyệt theo kỳ 6 tháng."))
    return period


@login_required
def entry(request, unit_code, period_code):
    """The unit's figures for a half-year on one page: draft, submit, or read why not."""
    unit = access.get_unit_for(request.user, unit_code)
    period = _half_period(period_code)
    report = selectors.unit_report(unit, period)
    blocker = services.edit_blocker(user=request.user, unit=unit, period=period, submission=report.submission)
    conflict = None
    status = 200
    submitting = request.POST.get("action") == "submit"
    form_args = {"indicators": report.indicators, "previous": report.previous}
    if request.method == "POST" and blocker:
        form = None
        status = 403  # the page says why (the blocker) and shows the figures read-only
    elif request.method == "POST":
        form = EntryForm(request.POST, submitting=submitting, **form_args)
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
                form = EntryForm(data, submitting=submitting, **form_args)
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
        form = EntryForm(initial=report.initial(), **form_args)
    form = None if blocker else form
    context = {
        "unit": unit,
        "period": period,
        "submission": report.submission,
        "state": report.state,
        "state_label": report.state_label,
        "state_badge": report.state_badge,
        "blocker": blocker,
        "form": form,
        "sections": report.sections(form),
        "previous_code": report.previous_code,
        "last_year_code": report.last_year_code,
        "conflict": conflict,
        "can_review": access.can_review(request.user, unit),
    }
    return render(request, "indicators/entry.html", context, status=status)


@login_required
def review(request, unit_code, period_code):
    """The standing agency's list: each unit's state for the period, open, remind."""
    unit = access.get_unit_for(request.user, unit_code, roles=[Role.REVIEW])
    period = _half_period(period_code)
    rows = selectors.review_rows(unit, period)
    context = {
        "unit": unit,
        "period": period,
        "rows": rows,
        "summary": selectors.review_summary(rows),
        "none_sent": bool(rows) and not any(row["submission"] for row in rows),
        "periods": Period.objects.newest_first(),
    }
    return render(request, "indicators/review.html", context)


@login_required
def submission(request, unit_code, period_code):
    """One unit's report for a half-year: figures, state, review actions and history."""
    unit = access.get_unit_for(request.user, unit_code)
    period = _half_period(period_code)
    report = selectors.unit_report(unit, period)
    rows = report.sections(with_history=False)
    for _section, section_rows in rows:
        for row in section_rows:
            figure = report.figures.get(row["indicator"].pk)
            row["note"] = figure.note if figure else ""
    reviewer = access.can_review(request.user, unit)
    version = report.version
    context = {
        "unit": unit,
        "period": period,
        "submission": report.submission,
        "state_label": report.state_label,
        "state_badge": report.state_badge,
        "sections": rows,
        "events": services.timeline(report.submission) if report.submission else [],
        "can_review": reviewer,
        "can_edit": services.edit_blocker(user=request.user, unit=unit, period=period, submission=report.submission)
        is None,
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
        "periods": Period.objects.newest_first().filter(is_open=True),
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
    items = list(Period.objects.newest_first())
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
