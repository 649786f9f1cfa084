"""Entry, review, submission history, figures import and periods pages.

Every view fetches its unit through ``committees.access`` (404 for an unknown unit, 403
outside the user's scope) and changes data only through ``indicators.services``.
"""

import functools

from csp.decorators import csp_update
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from committees import access
from committees.models import Role

from . import figures_io, selectors, services, targets
from .forms import AttachmentForm, EntryForm, ImportForm, LockExceptionForm, PeriodForm, ReasonForm, VersionForm
from .models import Attachment, LockException, Period, PeriodSetting, Submission, SubmissionStatus

S = SubmissionStatus


SESSION_EXPIRED = gettext_lazy("Phiên làm việc đã hết hạn, vui lòng đăng nhập lại — số liệu bạn đã nhập vẫn được giữ")


def login_keeping_input(page_url=None):
    """``login_required`` for forms whose typing must survive an expired session.

    A POST from a user whose session has ended goes to the login page with the
    "session expired" message and, after login, back to the page holding the form
    (``page_url(request, **kwargs)``, else the posted URL). The typed values wait in the
    browser's storage (static/js/entry.js, review.js) and are put back there.
    """

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.user.is_authenticated:
                return view(request, *args, **kwargs)
            target = page_url(request, **kwargs) if page_url else request.path
            if request.method == "POST":
                messages.warning(request, SESSION_EXPIRED)
                if request.headers.get("Accept") == "application/json":
                    return JsonResponse({"ok": False, "expired": True, "message": str(SESSION_EXPIRED)}, status=401)
            return redirect_to_login(target, redirect_field_name=REDIRECT_FIELD_NAME)

        return wrapped

    return decorator


def _submission_page(request, unit_code, period_code):
    return reverse("indicators:submission", args=[unit_code, period_code])


def _entry_page(request, unit_code, period_code, **kwargs):
    return reverse("indicators:entry", args=[unit_code, period_code])


def _half_period(code):
    period = get_object_or_404(Period, code=code)
    if period.half is None:
        raise Http404(_("Số liệu chỉ nhập và duyệt theo kỳ 6 tháng."))
    return period


@login_keeping_input()
def entry(request, unit_code, period_code):
    """The unit's figures for a half-year on one page: draft, submit, or read why not."""
    unit = access.get_unit_for(request.user, unit_code)
    period = _half_period(period_code)
    report = selectors.unit_report(unit, period)
    window = services.entry_window(unit=unit, period=period)
    blocker = services.edit_blocker(
        user=request.user, unit=unit, period=period, submission=report.submission, window=window
    )
    conflict = None
    status = 200
    submitting = request.POST.get("action") == "submit"
    form_args = {"indicators": report.indicators, "previous": report.previous}
    # Submitted and awaiting review: read-only, with one explicit "Rút lại để sửa".
    awaiting_review = blocker is None and report.submission is not None and report.submission.status == S.SUBMITTED
    if request.method == "POST" and blocker:
        form = None
        status = 403  # the page says why (the blocker) and shows the figures read-only
    elif request.method == "POST" and awaiting_review:
        # A stale tab posting to a report submitted meanwhile: refused whatever was typed
        # (before the input is judged), with the one way to edit it.
        messages.error(request, services.AWAITING_REVIEW_MESSAGE)
        form = None
        status = 400  # as the service's refusal of a valid save (the offline queue reads it so)
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
    read_only = blocker or awaiting_review
    form = None if read_only else form
    context = {
        "unit": unit,
        "period": period,
        "submission": report.submission,
        "awaiting_review": awaiting_review,
        "withdraw_form": VersionForm(initial={"version": report.version}, prefix="withdraw"),
        "countdown": selectors.deadline_countdown(window),
        "attachments": selectors.attachments_of(report.submission),
        "attachment_form": None if read_only else AttachmentForm(),
        "attachment_max_mb": services.attachment_max_bytes() // (1024 * 1024),
        "answered_post": request.method == "POST",
        "state": report.state,
        "state_label": report.state_label,
        "state_badge": report.state_badge,
        "blocker": blocker,
        "window": window,
        "form": form,
        "sections": report.sections(form),
        "previous_code": report.previous_code,
        "last_year_code": report.last_year_code,
        "conflict": conflict,
        # Shown by static/js/entry.js when figures kept in the browser are older than this report.
        "newer_message": services.stale_version_message(report.submission)
        if form is not None and report.submission
        else "",
        "can_review": access.can_review(request.user, unit),
        "own_targets": targets.own_targets(unit, period),
    }
    response = render(request, "indicators/entry.html", context, status=status)
    if request.method == "GET":
        # static/js/sw.js keeps such pages for offline use, in the named user's cache only.
        response["X-Damha-Offline"] = "entry"
        response["X-Damha-User"] = str(request.user.pk)
    return response


@login_required
def review(request, unit_code, period_code):
    """The standing agency's list: each unit's state for the period, open, remind."""
    unit = access.get_unit_for(request.user, unit_code, roles=[Role.REVIEW])
    period = _half_period(period_code)
    rows = selectors.review_rows(unit, period)
    follow_ups = selectors.follow_ups(reports=[(row["unit"], row["submission"]) for row in rows], period=period)
    context = {
        "unit": unit,
        "period": period,
        "rows": rows,
        "summary": selectors.review_summary(rows),
        "none_sent": bool(rows) and not any(row["submission"] for row in rows),
        "follow_ups": follow_ups,
        "periods": Period.objects.newest_first(),
    }
    return render(request, "indicators/review.html", context)


@login_keeping_input()
def submission(request, unit_code, period_code):
    """One unit's report for a half-year: figures, state, review actions and history."""
    unit = access.get_unit_for(request.user, unit_code)
    period = _half_period(period_code)
    report = selectors.unit_report(unit, period)
    rows = report.sections()
    flags = report.check().flags() if report.submission else {}
    for _section, section_rows in rows:
        for row in section_rows:
            figure = report.figures.get(row["indicator"].pk)
            row["note"] = figure.note if figure else ""
            row["flags"] = flags.get(row["indicator"].code, [])
    reviewer = access.can_review(request.user, unit)
    window = services.entry_window(unit=unit, period=period)
    version = report.version
    context = {
        "unit": unit,
        "period": period,
        "submission": report.submission,
        "state_label": report.state_label,
        "state_badge": report.state_badge,
        "sections": rows,
        "previous_code": report.previous_code,
        "last_year_code": report.last_year_code,
        "events": services.timeline(report.submission) if report.submission else [],
        "countdown": selectors.deadline_countdown(window),
        "attachments": selectors.attachments_of(report.submission),
        "can_review": reviewer,
        "window": window,
        "can_edit": services.edit_blocker(
            user=request.user, unit=unit, period=period, submission=report.submission, window=window
        )
        is None,
        "approve_form": VersionForm(initial={"version": version}, prefix="approve"),
        "approve_blocker": services.approval_blocker(user=request.user, submission=report.submission)
        if reviewer and report.submission is not None and report.submission.status == S.SUBMITTED
        else None,
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


@login_keeping_input(_submission_page)
@require_POST
def approve(request, unit_code, period_code):
    return _review_action(request, unit_code, period_code, "approve")


@login_keeping_input(_submission_page)
@require_POST
def return_submission(request, unit_code, period_code):
    return _review_action(request, unit_code, period_code, "return")


@login_keeping_input(_submission_page)
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
    errors, error_count, errors_more = [], 0, ""
    result = None
    status = 200
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                result = figures_io.import_file(upload.read(), upload.name, request.user)
            except figures_io.FiguresFileError as exc:
                errors, error_count = exc.shown, len(exc.errors)
                errors_more = exc.more_text()
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
        "error_count": error_count,
        "errors_more": errors_more,
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


def _period_scope(request):
    """The unit whose subtree the periods page manages (None: the default for everyone,
    superusers only), and the units the user may choose from."""
    roots = sorted(access.scope_roots(request.user, access.REOPEN_ROLES), key=lambda u: (u.level_rank, u.code))
    if request.user.is_superuser:
        roots = list(access.unit_query().filter(level__in=["province", "district"]).order_by("level_rank", "code"))
    code = request.POST.get("unit", request.GET.get("unit", ""))
    if code:
        unit = next((each for each in roots if each.code == code), None)
        if unit is None:
            unit = access.get_unit_for(request.user, code, roles=access.REOPEN_ROLES)
        return unit, roots
    if request.user.is_superuser:
        return None, roots
    return (roots[0] if roots else None), roots


@login_required
def periods(request):
    """Open or close half-year periods and set their entry deadline for the user's own
    subtree (superusers: the default for everyone), and reopen one unit (lock exceptions)."""
    if not access.can_manage_periods(request.user):
        raise PermissionDenied(_("Chỉ người duyệt hoặc văn phòng được quản lý kỳ báo cáo."))
    scope, roots = _period_scope(request)
    items = list(Period.objects.newest_first())
    settings_by_period = {}
    if scope is not None:
        settings_by_period = {
            setting.period_id: setting
            for setting in PeriodSetting.objects.filter(unit=scope).select_related("changed_by")
        }

    def form_for(period, data=None):
        setting = settings_by_period.get(period.pk)
        if scope is None:
            initial = {"is_open": period.is_open, "deadline": period.deadline}
        elif setting is not None:
            initial = {"is_open": setting.is_open, "deadline": setting.deadline}
        else:
            initial = {"is_open": period.is_open, "deadline": period.deadline}
        return PeriodForm(data, initial=initial, prefix=period.code)

    forms_by_code = {period.code: form_for(period) for period in items}
    exception_form = LockExceptionForm(scope=scope, periods=items, user=request.user, prefix="exception")
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "period")
        try:
            if action == "exception":
                exception_form = LockExceptionForm(
                    request.POST, scope=scope, periods=items, user=request.user, prefix="exception"
                )
                if exception_form.is_valid():
                    services.grant_lock_exception(
                        user=request.user,
                        unit=exception_form.cleaned_data["unit"],
                        period=exception_form.cleaned_data["period"],
                        reason=exception_form.cleaned_data["reason"],
                    )
                    messages.success(
                        request,
                        _("Đã mở riêng kỳ %(code)s cho %(unit)s.")
                        % {
                            "code": exception_form.cleaned_data["period"].code,
                            "unit": exception_form.cleaned_data["unit"].name,
                        },
                    )
                    return redirect(_periods_url(scope))
                status = 400
            elif action == "remove_exception":
                exception = get_object_or_404(
                    LockException.objects.select_related("unit__parent__parent__parent", "period"),
                    pk=request.POST.get("exception") or 0,
                )
                services.remove_lock_exception(user=request.user, exception=exception)
                messages.success(
                    request,
                    _("Đã bỏ mở riêng kỳ %(code)s cho %(unit)s.")
                    % {"code": exception.period.code, "unit": exception.unit.name},
                )
                return redirect(_periods_url(scope))
            else:
                code = request.POST.get("period", "")
                period = next((item for item in items if item.code == code), None)
                if period is None:
                    raise Http404(_("Không có kỳ báo cáo này."))
                form = form_for(period, request.POST)
                if form.is_valid():
                    services.update_period(
                        user=request.user,
                        period=period,
                        is_open=form.cleaned_data["is_open"],
                        deadline=form.cleaned_data["deadline"],
                        unit=scope,
                    )
                    state = _("đang mở") if form.cleaned_data["is_open"] else _("đã khóa")
                    where = scope.name if scope is not None else _("toàn hệ thống")
                    messages.success(
                        request,
                        _("Đã cập nhật kỳ %(code)s cho %(where)s: %(state)s.")
                        % {"code": code, "where": where, "state": state},
                    )
                    return redirect(_periods_url(scope))
                forms_by_code[code] = form
                status = 400
        except services.WorkflowError as exc:
            messages.error(request, exc.message)
            status = 403
    exceptions = LockException.objects.select_related("unit", "period", "granted_by").order_by(
        "-period__year", "-period__half", "unit__code"
    )
    if scope is not None:
        exceptions = exceptions.filter(access.subtree_q(request.user, access.REOPEN_ROLES))
    return render(
        request,
        "indicators/periods.html",
        {
            "items": [(period, forms_by_code[period.code], settings_by_period.get(period.pk)) for period in items],
            "scope": scope,
            "roots": roots,
            "exception_form": exception_form,
            "exceptions": list(exceptions),
        },
        status=status,
    )


def _periods_url(scope):
    url = reverse("indicators:periods")
    return f"{url}?unit={scope.code}" if scope is not None else url


# --- Entry that never loses a figure (issue 15): withdraw, attachments, offline ---------------


@login_keeping_input(_entry_page)
@require_POST
def withdraw(request, unit_code, period_code):
    """ "Rút lại để sửa": take a submitted report back to draft (confirmed on the page)."""
    unit = access.get_unit_for(request.user, unit_code)
    period = _half_period(period_code)
    report = get_object_or_404(Submission, unit=unit, period=period)
    form = VersionForm(request.POST, prefix="withdraw")
    if not form.is_valid():
        messages.error(request, _("Thiếu phiên bản báo cáo; hãy tải lại trang rồi thử lại."))
    else:
        try:
            services.withdraw(user=request.user, submission=report, version=form.cleaned_data["version"])
        except services.WorkflowError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("Đã rút lại báo cáo về bản nháp. Sửa xong, bấm “Gửi báo cáo” để gửi lại cho cơ quan thường trực."),
            )
    return redirect("indicators:entry", unit_code=unit.code, period_code=period.code)


def _answer(request, ok, message, status, unit, period, **extra):
    """JSON for static/js/entry.js (queued offline uploads), else a message and the form."""
    if request.headers.get("Accept") == "application/json":
        return JsonResponse({"ok": ok, "message": message, **extra}, status=status)
    (messages.success if ok else messages.error)(request, message)
    return redirect("indicators:entry", unit_code=unit.code, period_code=period.code)


@login_keeping_input(_entry_page)
@require_POST
def attach(request, unit_code, period_code):
    """Upload the signed paper report or a photo to the unit's report for the period."""
    unit = access.get_unit_for(request.user, unit_code)
    period = _half_period(period_code)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        return _answer(request, False, " ".join(form.errors["file"]), 400, unit, period)
    try:
        attachment = services.attach_file(user=request.user, unit=unit, period=period, upload=form.cleaned_data["file"])
    except services.WorkflowError as exc:
        return _answer(request, False, exc.message, 400, unit, period)
    return _answer(
        request,
        True,
        _("Đã đính kèm tệp “%(name)s”.") % {"name": attachment.name},
        201,
        unit,
        period,
        id=attachment.pk,
    )


def _attachment_for(user, pk):
    """The attachment, if ``user`` may see its unit (404 unknown, 403 outside scope)."""
    attachment = get_object_or_404(Attachment.objects.select_related("submission__unit", "submission__period"), pk=pk)
    access.get_unit_for(user, attachment.submission.unit.code)
    return attachment


@login_required
@require_GET
def attachment(request, pk):
    """An attachment's bytes, for users whose scope covers its unit; never a public URL."""
    item = _attachment_for(request.user, pk)
    response = FileResponse(item.file.open("rb"), content_type=item.content_type, filename=item.name)
    response["Cache-Control"] = "private, no-store"
    # A PDF or image opened alone: nothing in it may run or load anything.
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"
    return response


@login_required
@require_POST
def remove_attachment(request, pk):
    item = _attachment_for(request.user, pk)
    unit, period = item.submission.unit, item.submission.period
    try:
        services.remove_attachment(user=request.user, attachment=item)
    except services.WorkflowError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã xóa tệp đính kèm “%(name)s”.") % {"name": item.name})
    return redirect("indicators:entry", unit_code=unit.code, period_code=period.code)


@require_POST
@never_cache
def keepalive(request):
    """Keeps the session of someone typing on a form (static/js/entry.js calls it at most
    every few minutes while keys are pressed); SessionLifetimeMiddleware moves the
    expiry on. 401 rather than a redirect to login when the session has already ended."""
    if not request.user.is_authenticated:
        return JsonResponse({"ok": False, "expired": True, "message": str(SESSION_EXPIRED)}, status=401)
    return HttpResponse(status=204)


# The worker fetches what the pages load, Bootstrap from the pinned CDN included, to keep
# it for offline use: its own CSP (this answer's) must let it connect there; the pages'
# CSP is unchanged (no connect-src beyond 'self').
@csp_update({"connect-src": ["'self'", "https://cdn.jsdelivr.net"]})
@require_GET
def service_worker(request):
    """static/js/sw.js served from the site root, so that its scope covers every page."""
    response = render(
        request,
        "indicators/sw.js",
        {"offline_url": reverse("indicators:offline"), "cache_version": OFFLINE_CACHE_VERSION},
        content_type="text/javascript; charset=utf-8",
    )
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = "/"
    return response


# Raise when the service worker's caching rules change, so old caches are dropped.
OFFLINE_CACHE_VERSION = "1"


@require_GET
def manifest(request):
    """The web app manifest: installable on a phone's home screen, opening at "/"."""
    icons = [
        {"src": static(f"icons/icon-{size}.png"), "sizes": f"{size}x{size}", "type": "image/png", "purpose": purpose}
        for size, purpose in ((192, "any"), (512, "any"), (512, "maskable"))
    ]
    if icons[2]["purpose"] == "maskable":
        icons[2]["src"] = static("icons/icon-maskable-512.png")
    data = {
        "name": _("Theo dõi chỉ tiêu Ban Chỉ đạo huyện Đầm Hà"),
        "short_name": _("BCĐ Đầm Hà"),
        "description": _("Nhập, duyệt và theo dõi số liệu chỉ tiêu của Ban Chỉ đạo; nhập được cả khi mất mạng."),
        "lang": request.LANGUAGE_CODE,
        "id": "/",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#0a3d7a",
        "icons": icons,
    }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json"
    return response


@require_GET
def offline(request):
    """What the service worker shows offline for a page it has not kept: the entry pages
    it has kept for the signed-in user (listed by static/js/offline.js), nothing else.
    Rendered without the user, since the worker keeps this page for everyone."""
    request.user = AnonymousUser()
    response = render(request, "indicators/offline.html")
    messages.get_messages(request).used = False  # a flash message stays for the page it was meant for
    return response
