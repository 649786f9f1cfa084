"""The district progress dashboard and its export; report documents and meetings."""

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from committees import access
from committees.access import (
    REPORT_EDIT_ROLES,
    REPORT_READ_ROLES,
    get_object_for,
    get_unit_for,
    has_role,
    holds_any,
    require_any,
    require_role,
    subtree_q,
)
from committees.models import Conclusion, Meeting, SteeringCommittee
from indicators import datacache, rollup
from indicators.models import Period
from indicators.selectors import period_in_catalogue

from . import documents, exports, presentation, selectors, services, signing, verification
from .exports import dashboard_workbook
from .forms import ConclusionForm, ConclusionUpdateForm, MeetingForm, ReportCreateForm, ReportEditForm, VerifyForm
from .models import ReportDocument

TREND_HALVES = 6
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def unit_and_period(user, unit_code, period_code):
    """The unit (404 unknown, 403 outside the user's scope) and the period (404 unknown)."""
    unit = get_unit_for(user, unit_code)
    period = get_object_or_404(Period, code=period_code)
    return unit, period


def dashboard_body(unit, period, periods):
    """The dashboard's body (everything below the breadcrumbs) as HTML.

    It depends on the unit, the period, the data and the language only — never on the
    user, who has already been let in — so it is cached by data version
    (indicators/datacache.py) and shared by everyone who may see the unit.
    ``periods``: every period (selectors.period_in_catalogue), for the period switcher,
    the trend (the halves up to this period, summed in the roll-up's own statement) and
    the roll-up's own set-up.
    """
    trend_periods = sorted(
        (p for p in periods if p.half is not None and p.end <= period.end), key=lambda p: (p.year, p.half)
    )[-TREND_HALVES:]
    progress = rollup.progress(unit, period, trend=trend_periods, periods=periods)
    context = presentation.dashboard(progress, periods, trend_periods)
    return render_to_string("reports/_dashboard_body.html", context)


@login_required
def dashboard(request, unit_code, period_code):
    def page():
        unit = get_unit_for(request.user, unit_code)  # 404 / 403 before any work
        periods, period = period_in_catalogue(period_code)
        return unit, period, dashboard_body(unit, period, periods)

    # Keyed by the codes in the URL and the versions of the unit's data (its subtree and
    # predecessors, the years of the period, last year and the trend): on a hit neither
    # the unit nor the period is looked up (both are metadata: a change to either changes
    # every key), and the access check runs on the cached unit. A 404 or 403 raised while
    # computing is not cached.
    unit, period, body = datacache.cached(
        ("dashboard", unit_code, period_code, get_language()),
        page,
        units=[unit_code],
        period=period_code,
        trend=TREND_HALVES,
    )
    require_role(request.user, unit)
    context = {
        "unit": unit,
        "period": period,
        "body": body,
        # What became of a unit that ended, or where a new one came from (no query while in force).
        "fate": selectors.dashboard_fate(request.user, unit, period),
        # Units above the user's scope are named but not linked (their page would be 403).
        "ancestors": [(ancestor, has_role(request.user, ancestor)) for ancestor in unit.ancestors()[::-1]],
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


# ------------------------------------------------------------ report documents

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
UNIT_WITH_PARENTS = "unit__parent__parent__parent"


def _report(request, pk, roles=REPORT_READ_ROLES):
    """A report the user may read (or, with REPORT_EDIT_ROLES, change): 404 / 403 otherwise."""
    queryset = ReportDocument.objects.select_related(UNIT_WITH_PARENTS, "period", "committee", "meeting", "corrects")
    return get_object_for(request.user, queryset, pk, roles, lambda report: [report.unit])


@login_required
def document_list(request):
    require_any(request.user, REPORT_READ_ROLES)
    reports = list(
        ReportDocument.objects.for_list()
        .select_related(UNIT_WITH_PARENTS)
        .filter(subtree_q(request.user, REPORT_READ_ROLES))
    )
    items = [
        {"report": report, "can_edit": has_role(request.user, report.unit, REPORT_EDIT_ROLES)} for report in reports
    ]
    return render(
        request,
        "reports/document_list.html",
        {"items": items, "can_create": holds_any(request.user, REPORT_EDIT_ROLES)},
    )


@login_required
def document_create(request):
    require_any(request.user, REPORT_EDIT_ROLES)
    form = ReportCreateForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        committee = data["committee"]
        unit = data["unit"] or committee.unit
        if not has_role(request.user, unit, REPORT_EDIT_ROLES):
            form.add_error("unit", _("Đơn vị này không thuộc phạm vi được phân công cho tài khoản của bạn."))
        else:
            try:
                report = services.create_report(
                    user=request.user,
                    committee=committee,
                    unit=unit,
                    period=data["period"],
                    meeting=data["meeting"],
                    number=data["number"],
                    issued_on=data["issued_on"],
                )
            except services.ReportError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request, _("Đã tạo dự thảo báo cáo. Mục II đã được điền sẵn từ số liệu; hãy rà soát và chỉnh sửa.")
                )
                return redirect("reports:document_detail", pk=report.pk)
    return render(request, "reports/document_create.html", {"form": form})


@login_required
def document_detail(request, pk):
    report = _report(request, pk)
    content = documents.content_for(report)
    return render(
        request,
        "reports/document_detail.html",
        {
            "report": report,
            "c": content,
            "can_edit": has_role(request.user, report.unit, REPORT_EDIT_ROLES),
            "corrections": report.corrections.order_by("version", "id"),
            "will_be_signed": not report.is_final and signing.can_sign(report),
        },
    )


@login_required
def document_edit(request, pk):
    report = _report(request, pk, REPORT_EDIT_ROLES)
    if report.is_final:
        messages.error(request, _("Báo cáo đã ban hành, không sửa được. Hãy tạo bản đính chính."))
        return redirect("reports:document_detail", pk=report.pk)
    form = ReportEditForm(request.POST or None, instance=report)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_report(report=report, user=request.user, data=form.cleaned_data)
        except services.ReportError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Đã lưu dự thảo báo cáo."))
            return redirect("reports:document_detail", pk=report.pk)
    return render(request, "reports/document_edit.html", {"report": report, "form": form})


@login_required
@require_POST
def document_finalise(request, pk):
    report = _report(request, pk, REPORT_EDIT_ROLES)
    try:
        report = services.finalise(report=report, user=request.user)
    except services.ReportError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Đã ban hành báo cáo. Nội dung và số liệu đã được chốt (mã xác thực %(code)s).")
            % {"code": report.verification_code},
        )
    return redirect("reports:document_detail", pk=report.pk)


@login_required
@require_POST
def document_correct(request, pk):
    report = _report(request, pk, REPORT_EDIT_ROLES)
    try:
        copy = services.correct(report=report, user=request.user)
    except services.ReportError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("reports:document_detail", pk=report.pk)
    messages.success(
        request,
        _("Đã tạo bản đính chính (lần %(version)d) dưới dạng dự thảo; bản đã ban hành được giữ nguyên.")
        % {"version": copy.version},
    )
    return redirect("reports:document_edit", pk=copy.pk)


def _issued_pdf(report):
    """A final report's PDF as issued (the stored, signed bytes); a draft's rendered afresh.
    Reports finalised before issue 16 have no stored PDF: rendered from their snapshot."""
    if report.is_final and report.pdf:
        return bytes(report.pdf)
    return exports.report_pdf(documents.content_for(report), report.content_hash)


def _download(report, body, content_type, extension):
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{report.filename(extension)}"'
    return response


@login_required
def document_pdf(request, pk):
    report = _report(request, pk)
    return _download(report, _issued_pdf(report), PDF, "pdf")


@login_required
def document_docx(request, pk):
    report = _report(request, pk)
    body = exports.report_docx(documents.content_for(report), report.content_hash)
    return _download(report, body, DOCX, "docx")


@login_required
def document_xlsx(request, pk):
    report = _report(request, pk)
    body = exports.report_workbook(documents.content_for(report), report.content_hash)
    return _download(report, body, XLSX, "xlsx")


@login_required
def document_print(request, pk):
    report = _report(request, pk)
    context = exports.document_context(documents.content_for(report), report.content_hash)
    return render(request, "reports/document_print.html", {**context, "report": report})


# ------------------------------------------------------------------- /verify/


def verify(request):
    """Public: is this an issued report of ours, by its code (?code= or the form) or its PDF?

    Rate-limited per client address (DAMHA_VERIFY_PER_MINUTE); uploads up to
    DAMHA_VERIFY_MAX_BYTES. Shows the document's number, date, issuer, replacement and
    signature state only, never its content.
    """
    data = request.POST if request.method == "POST" else (request.GET if "code" in request.GET else None)
    form = VerifyForm(data, request.FILES or None, max_bytes=settings.DAMHA_VERIFY_MAX_BYTES)
    verdict, status, refused = None, 200, ""
    if data is not None:
        # The client's address as the login throttle sees it (AXES_CLIENT_IP_CALLABLE).
        if not verification.allow(get_client_ip_address(request), limit=settings.DAMHA_VERIFY_PER_MINUTE):
            form = VerifyForm(max_bytes=settings.DAMHA_VERIFY_MAX_BYTES)
            refused = _("Quá nhiều lượt kiểm tra từ địa chỉ này. Vui lòng thử lại sau một phút.")
            status = 429
        elif form.is_valid():
            if form.cleaned_data["document"]:
                verdict = verification.by_file(form.cleaned_data["document"])
            else:
                verdict = verification.by_code(form.cleaned_data["code"])
        elif request.FILES:
            status = 400
    context = {"form": form, "verdict": verdict, "refused": refused}
    return render(request, "reports/verify.html", context, status=status)


# ------------------------------------------------------------------- meetings


def _meetings():
    committees = SteeringCommittee.objects.select_related(UNIT_WITH_PARENTS).order_by("code")
    return Meeting.objects.prefetch_related(Prefetch("committees", queryset=committees)).select_related("chair_member")


def _meeting(request, pk, roles=REPORT_READ_ROLES):
    return get_object_for(
        request.user, _meetings(), pk, roles, lambda meeting: [c.unit for c in meeting.committees.all()]
    )


@login_required
def meeting_list(request):
    require_any(request.user, REPORT_READ_ROLES)
    meetings = (
        _meetings()
        .filter(pk__in=Meeting.objects.filter(subtree_q(request.user, REPORT_READ_ROLES, field="committees__unit")))
        .annotate(conclusion_count=Count("conclusions", distinct=True))
        .order_by("-held_on", "-id")
    )
    return render(
        request,
        "reports/meeting_list.html",
        {"meetings": meetings, "can_create": holds_any(request.user, REPORT_EDIT_ROLES)},
    )


@login_required
def meeting_create(request):
    require_any(request.user, REPORT_EDIT_ROLES)
    form = MeetingForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        meeting = form.save()
        messages.success(request, _("Đã thêm hội nghị. Hãy ghi các kết luận của hội nghị."))
        return redirect("reports:meeting_detail", pk=meeting.pk)
    return render(request, "reports/meeting_create.html", {"form": form})


@login_required
def meeting_detail(request, pk):
    meeting = _meeting(request, pk)
    can_edit = any(has_role(request.user, c.unit, REPORT_EDIT_ROLES) for c in meeting.committees.all())
    conclusions = list(meeting.conclusions.order_by("order", "id"))
    rows = [
        {
            "conclusion": c,
            "form": ConclusionUpdateForm(prefix=f"c{c.pk}", initial={"status": c.status, "follow_up": c.follow_up})
            if can_edit
            else None,
        }
        for c in conclusions
    ]
    form = ConclusionForm(request.POST or None) if can_edit else None
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied(_("Tài khoản của bạn không có quyền với mục này."))
        if form.is_valid():
            try:
                services.add_conclusion(meeting=meeting, user=request.user, **form.cleaned_data)
            except services.ReportError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Đã thêm kết luận."))
                return redirect("reports:meeting_detail", pk=meeting.pk)
    reports = ReportDocument.objects.filter(meeting=meeting).select_related("period").order_by("-version")
    return render(
        request,
        "reports/meeting_detail.html",
        {"meeting": meeting, "rows": rows, "form": form, "can_edit": can_edit, "reports": reports},
    )


@login_required
@require_POST
def conclusion_update(request, pk):
    conclusion = get_object_or_404(Conclusion, pk=pk)
    meeting = _meeting(request, conclusion.meeting_id, REPORT_EDIT_ROLES)
    form = ConclusionUpdateForm(request.POST, prefix=f"c{conclusion.pk}")
    if form.is_valid():
        services.update_conclusion(conclusion=conclusion, user=request.user, **form.cleaned_data)
        messages.success(request, _("Đã cập nhật tình trạng kết luận số %(order)d.") % {"order": conclusion.order})
    else:
        messages.error(request, _("Chưa cập nhật được: tình trạng không hợp lệ."))
    return redirect("reports:meeting_detail", pk=meeting.pk)


@login_required
def home(request):
    """Send each user where their work is (``access.landing_for``) in the current half-year."""
    period = Period.objects.current_half()
    landing = access.landing_for(request.user) if period is not None else None
    if landing is not None:
        page, unit = landing
        name = {"entry": "indicators:entry", "review": "indicators:review", "dashboard": "reports:dashboard"}[page]
        return redirect(name, unit_code=unit.code, period_code=period.code)
    return render(request, "home.html", {"roots": access.scope_roots(request.user), "period": period})
