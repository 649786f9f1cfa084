"""Report and meeting workflows: create, edit, finalise, correct; record conclusions.

Keyword-only functions that take the acting ``user``, check their access through
committees/access.py (``PermissionDenied`` outside their scope, as in every app's
services), check the state (``ReportError``), write inside a transaction and leave the
history to django-simple-history.
"""

import datetime
from collections import Counter

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from committees import access
from committees.errors import ServiceError
from committees.models import Conclusion, ConclusionStatus, MemberRole

from . import documents
from .models import SECTION_FIELDS, ReportDocument, ReportStatus

EDITABLE_FIELDS = [
    "parent_body",
    "issuing_body",
    "number",
    "place",
    "issued_on",
    "subject",
    *SECTION_FIELDS,
    "recipients",
    "signature_authority",
    "signer_name",
]

DEFAULT_RECIPIENTS = [
    "- Thường trực Huyện ủy, HĐND huyện (b/c);",
    "- Chủ tịch, các PCT UBND huyện;",
    "- Thành viên Ban Chỉ đạo;",
    "- UBND các xã, thị trấn;",
    "- Lưu: VT, CA.",
]


class ReportError(ServiceError):
    """A workflow refused, with a Vietnamese message for the user."""


def default_subject(period):
    if period.half == 1:
        return _("Kết quả thực hiện nhiệm vụ 6 tháng đầu năm, phương hướng nhiệm vụ 6 tháng cuối năm %(year)s") % {
            "year": period.year
        }
    if period.half == 2:
        return _("Kết quả thực hiện nhiệm vụ năm %(year)s, phương hướng nhiệm vụ năm %(next)s") % {
            "year": period.year,
            "next": period.year + 1,
        }
    return _("Kết quả thực hiện nhiệm vụ năm %(year)s, phương hướng nhiệm vụ năm %(next)s") % {
        "year": period.year,
        "next": period.year + 1,
    }


def _place(unit):
    """ "Đầm Hà" from "Huyện Đầm Hà": the place name without its kind."""
    kind = (unit.kind or "").strip()
    name = unit.name
    if kind and name.lower().startswith(kind.lower() + " "):
        return name[len(kind) + 1 :]
    return name


def _signer(committee):
    """The signature block: the deputy head signs for the head (KT.) when there is one."""
    members = list(committee.members.all())
    head = next((m for m in members if m.role == MemberRole.HEAD), None)
    deputy = next((m for m in members if m.role in (MemberRole.DEPUTY, MemberRole.STANDING_DEPUTY)), None)
    if head is None and deputy is not None:
        return [_("TM. BAN CHỈ ĐẠO"), _("KT. TRƯỞNG BAN"), _("PHÓ TRƯỞNG BAN")], deputy.name
    if head is not None:
        return [_("TM. BAN CHỈ ĐẠO"), _("TRƯỞNG BAN")], head.name
    return [_("TM. BAN CHỈ ĐẠO"), _("TRƯỞNG BAN")], ""


def _draft_results(report):
    """Section II: one sentence per roll-up row, then how the last meeting's conclusions went
    (in a sentence; the full list is the appendix's second table)."""
    progress = documents.report_progress(report)
    lines = documents.result_sentences(progress)
    previous = documents.previous_meeting(report)
    rows = documents.conclusion_rows(previous, datetime.date.today()) if previous else []
    if rows:
        counts = Counter(row["status"] for row in rows)
        parts = [
            _("%(done)d/%(total)d kết luận đã hoàn thành") % {"done": counts["done"], "total": len(rows)},
            *(
                label % {"count": counts[key]}
                for key, label in (
                    ("in_progress", _("%(count)d đang thực hiện")),
                    ("not_started", _("%(count)d chưa thực hiện")),
                    ("overdue", _("%(count)d quá hạn")),
                )
                if counts[key]
            ),
        ]
        lines.append(
            _("- Thực hiện kết luận của %(meeting)s ngày %(day)s: %(parts)s (chi tiết tại phụ lục).")
            % {
                "meeting": previous.title[:1].lower() + previous.title[1:],
                "day": previous.held_on.strftime("%d/%m/%Y"),
                "parts": ", ".join(parts),
            }
        )
    return "\n".join(lines)


def _draft_directions(meeting):
    if meeting is None:
        return ""
    return "\n".join(f"{position}. {c.text}" for position, c in enumerate(meeting.conclusions.all(), start=1))


@transaction.atomic
def create_report(*, user, committee, unit, period, meeting=None, number="", issued_on=None):
    """A new draft, pre-filled from the roll-up (section II) and the meeting (section IV)."""
    access.require_role(user, unit, access.REPORT_EDIT_ROLES)
    if meeting is not None and not meeting.committees.filter(pk=committee.pk).exists():
        raise ReportError(_("Hội nghị đã chọn không phải của ban chỉ đạo này."))
    issued_on = issued_on or (meeting.held_on if meeting else datetime.date.today())
    with translation.override(documents.OFFICIAL_LANGUAGE):
        report = _draft(
            user=user,
            committee=committee,
            unit=unit,
            period=period,
            meeting=meeting,
            number=number,
            issued_on=issued_on,
        )
    report._history_user = user
    report.save()
    return report


def _draft(*, user, committee, unit, period, meeting, number, issued_on):
    """The pre-filled texts of a new draft, in the document's language (Vietnamese)."""
    authority, signer = _signer(committee)
    report = ReportDocument(
        unit=unit,
        period=period,
        committee=committee,
        meeting=meeting,
        parent_body=_("UBND %(unit)s") % {"unit": unit.name.upper()},
        issuing_body=_("BAN CHỈ ĐẠO"),
        number=number,
        place=_place(unit),
        issued_on=issued_on,
        subject=default_subject(period),
        recipients="\n".join(DEFAULT_RECIPIENTS),
        signature_authority="\n".join(authority),
        signer_name=signer,
        created_by=user,
    )
    report.results = _draft_results(report)
    report.directions = _draft_directions(meeting)
    return report


def _lock(report):
    return ReportDocument.objects.select_for_update().get(pk=report.pk)


@transaction.atomic
def update_report(*, report, user, data):
    """Save edited header and section texts; only a draft can change."""
    access.require_role(user, report.unit, access.REPORT_EDIT_ROLES)
    current = _lock(report)
    if current.is_final:
        raise ReportError(_("Báo cáo đã ban hành, không sửa được. Hãy tạo bản đính chính."))
    for field in EDITABLE_FIELDS:
        if field in data:
            setattr(current, field, data[field])
    current.full_clean()
    current._history_user = user
    current.save()
    return current


@transaction.atomic
def finalise(*, report, user, today=None):
    """Freeze the report: store its texts and tables as a snapshot with their SHA-256."""
    access.require_role(user, report.unit, access.REPORT_EDIT_ROLES)
    current = _lock(report)
    if current.is_final:
        raise ReportError(_("Báo cáo này đã được ban hành."))
    missing = [
        label
        for field, label in (("number", _("số, ký hiệu")), ("subject", _("trích yếu")), ("results", _("kết quả")))
        if not getattr(current, field).strip()
    ]
    if missing:
        raise ReportError(_("Chưa thể ban hành: còn thiếu %(fields)s.") % {"fields": ", ".join(missing)})
    content = documents.build_content(current, today=today)
    current.snapshot = content
    current.content_hash = documents.content_hash(content)
    current.status = ReportStatus.FINAL
    current.finalised_at = timezone.now()
    current.finalised_by = user
    current._history_user = user
    current.save()
    return current


@transaction.atomic
def correct(*, report, user):
    """A new draft version copying a final report; the final one is kept unchanged."""
    access.require_role(user, report.unit, access.REPORT_EDIT_ROLES)
    current = _lock(report)
    if not current.is_final:
        raise ReportError(_("Chỉ đính chính được báo cáo đã ban hành."))
    if current.corrections.filter(status=ReportStatus.DRAFT).exists():
        raise ReportError(_("Đã có một bản đính chính đang soạn cho báo cáo này."))
    root = current
    while root.corrects_id:
        root = root.corrects
    family = [root.pk, *_descendants(root)]
    top = ReportDocument.objects.filter(pk__in=family).aggregate(top=Max("version"))["top"] or current.version
    copy = ReportDocument(
        unit=current.unit,
        period=current.period,
        committee=current.committee,
        meeting=current.meeting,
        version=top + 1,
        corrects=current,
        created_by=user,
        **{field: getattr(current, field) for field in EDITABLE_FIELDS},
    )
    copy._history_user = user
    copy.save()
    return copy


def _descendants(report):
    found, frontier = [], [report.pk]
    while frontier:
        frontier = list(ReportDocument.objects.filter(corrects__in=frontier).values_list("pk", flat=True))
        found.extend(frontier)
    return found


# ------------------------------------------------------------------- meetings


def _require_meeting_editor(user, meeting):
    """PermissionDenied unless the user may edit for one of the meeting's committees."""
    if not any(
        access.has_role(user, committee.unit, access.REPORT_EDIT_ROLES) for committee in meeting.committees.all()
    ):
        raise PermissionDenied(_("Tài khoản của bạn không có quyền với mục này."))


@transaction.atomic
def add_conclusion(*, meeting, user, text, owner, due_on=None):
    """Record one conclusion of the meeting, numbered after the others."""
    _require_meeting_editor(user, meeting)
    text, owner = (text or "").strip(), (owner or "").strip()
    if not text or not owner:
        raise ReportError(_("Cần nhập nội dung kết luận và cơ quan chủ trì thực hiện."))
    order = (meeting.conclusions.aggregate(top=Max("order"))["top"] or 0) + 1
    conclusion = Conclusion(meeting=meeting, order=order, text=text, owner=owner, due_on=due_on)
    conclusion._history_user = user
    conclusion.save()
    return conclusion


@transaction.atomic
def update_conclusion(*, conclusion, user, status, follow_up):
    """Record how a conclusion stands at the follow-up."""
    _require_meeting_editor(user, conclusion.meeting)
    if status not in ConclusionStatus.values:
        raise ReportError(_("Tình trạng không hợp lệ."))
    current = Conclusion.objects.select_for_update().get(pk=conclusion.pk)
    current.status = status
    current.follow_up = follow_up
    current._history_user = user
    current.save()
    return current
