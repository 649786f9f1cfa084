"""Workflows on submissions: save, submit, approve, return, reopen, import, remind.

Every function is keyword-only, checks access through ``committees.access``, writes inside
``transaction.atomic`` with the submission row locked (``select_for_update``) and leaves a
history row (django-simple-history) naming the user and, for a state change, the reason.

State machine (DESIGN.md "Submission"):

    (none) ──save──▶ draft ──submit──▶ submitted ──approve──▶ approved
                       ▲                  │  ▲                   │
                       │               return │                reopen (reason)
                       │                  ▼  │ submit            ▼
                       └────── save ──── returned ◀──────────────┘

A submitted report is read-only for its unit: saving it is refused, and the officer
takes it back with the explicit "Rút lại để sửa" (:func:`withdraw`, recorded in the
history) — never as a side effect of "Lưu nháp". Saving a returned report puts it back
to draft. An approved report is locked.

Within one workflow the submission row is written *before* its figures, so the figures
a user saw at version ``v`` are those recorded before the submission's history row of
version ``v + 1`` (used to say what changed when a save is refused as stale).
"""

import dataclasses
import datetime
from collections import defaultdict

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from committees import access
from committees.errors import ServiceError
from committees.models import AdministrativeUnit

from . import numbers, selectors, validation
from .models import (
    Attachment,
    AttachmentKind,
    Figure,
    Indicator,
    IndicatorKind,
    LockException,
    Period,
    PeriodSetting,
    Submission,
    SubmissionStatus,
)

S = SubmissionStatus
# simple-history's history_change_reason column is a CharField(max_length=100); the full
# return/reopen reason lives in Submission.return_reason, which history also keeps.
REASON_MAX = 100


class WorkflowError(ServiceError):
    """A refused move, with a Vietnamese message meant for the user."""


@dataclasses.dataclass(frozen=True)
class Change:
    """One figure that someone else changed since the user loaded the page."""

    indicator: Indicator
    seen: int | None
    now: int | None


class RuleError(WorkflowError):
    """Figures refused by validation rules (indicators/validation.py); ``messages`` name
    each rule and its figures. Nothing was written."""


class StaleVersionError(WorkflowError):
    """The submission changed since the user loaded it; nothing was written."""

    def __init__(self, *, submission, seen_version, changes):
        self.submission = submission
        self.seen_version = seen_version
        self.current_version = submission.version if submission else 0
        self.changes = changes
        super().__init__(stale_version_message(submission))


def stale_version_message(submission):
    """The optimistic lock's message: who changed the report, when, and that nothing was
    saved. Also on the entry page when figures kept in the browser are older than the
    server's report (static/js/entry.js never puts them back silently)."""
    who = ""
    when = ""
    if submission is not None:
        who = _display_user(submission.updated_by) or _("người khác")
        when = format_datetime(submission.updated_at)
    return _(
        "Báo cáo vừa được %(who)s thay đổi lúc %(when)s trong khi bạn đang nhập, nên chưa lưu gì. "
        "Hãy xem các thay đổi, sửa lại nếu cần rồi bấm lưu lần nữa."
    ) % {"who": who, "when": when}


def format_date(day):
    return day.strftime("%d/%m/%Y") if day else ""


def format_datetime(moment):
    return timezone.localtime(moment).strftime("%H:%M %d/%m/%Y") if moment else ""


def _display_user(user):
    if user is None:
        return ""
    return user.get_full_name() or user.username


def _reason(text):
    return text[:REASON_MAX]


# --- Why editing is not allowed ------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class EntryWindow:
    """Whether entry is open for one unit in one half-year, and until when.

    ``closed_by`` says who closed it and for which unit's subtree (for the entry page);
    ``exception`` is the lock exception that reopened this unit, if any.
    """

    is_open: bool
    deadline: datetime.date | None
    closed_by: str = ""
    exception: LockException | None = None


def entry_window(*, unit, period):
    """The effective opening and deadline of ``period`` for ``unit`` (2 queries).

    - closed when the period is closed for everyone (superusers' default) or by a setting
      on the unit or any unit above it (a province's closing holds for its districts);
    - the deadline is the one set nearest above the unit (the unit itself, its district,
      its province), else the period's default;
    - a lock exception on the unit itself (not its subtree) reopens it: open, no deadline.
    """
    lineage = access.lineage_ids(unit)
    found = {
        setting.unit_id: setting
        for setting in PeriodSetting.objects.filter(period=period, unit_id__in=lineage).select_related(
            "unit", "changed_by"
        )
    }
    exception = LockException.objects.filter(period=period, unit=unit).select_related("granted_by").first()
    if exception is not None:
        return EntryWindow(is_open=True, deadline=None, exception=exception)
    ordered = [found[unit_id] for unit_id in lineage if unit_id in found]  # nearest first
    deadline = next((setting.deadline for setting in ordered if setting.deadline), period.deadline)
    closing = [setting for setting in ordered if not setting.is_open]
    if closing:
        top = closing[-1]  # the widest closing explains it best
        who = _display_user(top.changed_by) or _("người quản lý")
        closed_by = _("%(who)s khóa cho %(unit)s lúc %(when)s") % {
            "who": who,
            "unit": top.unit.name,
            "when": format_datetime(top.changed_at),
        }
        return EntryWindow(is_open=False, deadline=deadline, closed_by=closed_by)
    if not period.is_open:
        return EntryWindow(is_open=False, deadline=deadline, closed_by=_("quản trị viên khóa cho toàn hệ thống"))
    return EntryWindow(is_open=True, deadline=deadline)


def edit_blocker(*, user, unit, period, submission=None, today=None, window=None):
    """Why ``user`` may not type ``unit``'s figures for ``period`` now, or None when allowed.

    ``submission`` is the unit's submission for the period if the caller already has it
    (else it is fetched); likewise ``window``, the unit's :func:`entry_window`. The reasons, in the order they are checked: the unit is not
    yours; the period is a year; the unit did not exist at the end of the period; then
    the lock rule (:func:`lock_blocker`).
    """
    if not access.can_enter(user, unit):
        if access.has_role(user, unit):
            return _(
                "Tài khoản của bạn chỉ được xem hoặc duyệt số liệu của %(unit)s, không được nhập: "
                "số liệu do tài khoản nhập liệu của đơn vị này nhập."
            ) % {"unit": unit.name}
        return _("Đơn vị %(unit)s không thuộc phạm vi nhập liệu của tài khoản của bạn.") % {"unit": unit.name}
    if period.half is None:
        return _("Số liệu chỉ nhập theo kỳ 6 tháng; số liệu năm %(year)s được tính từ hai kỳ 6 tháng.") % {
            "year": period.year
        }
    if not unit.is_valid_on(period.end):
        if unit.valid_to and unit.valid_to < period.end:
            return _(
                "%(unit)s không còn tồn tại vào cuối kỳ %(period)s (hết hiệu lực từ %(date)s), "
                "nên không nhập số liệu cho kỳ này; đơn vị kế thừa báo cáo thay."
            ) % {"unit": unit.name, "period": period.code, "date": format_date(unit.valid_to)}
        return _(
            "%(unit)s chưa được thành lập vào cuối kỳ %(period)s (có hiệu lực từ %(date)s), "
            "nên không nhập số liệu cho kỳ này."
        ) % {"unit": unit.name, "period": period.code, "date": format_date(unit.valid_from)}
    if submission is None:
        submission = Submission.objects.select_related("approved_by").filter(unit=unit, period=period).first()
    return lock_blocker(user=user, unit=unit, period=period, submission=submission, today=today, window=window)


def lock_blocker(*, user, unit, period, submission, today=None, window=None):
    """The lock rule — the one rule for the entry form, the figures import and their messages.

    Why ``unit``'s figures for the half-year ``period`` are locked for ``user``, or None:

    - an approved report is locked for everyone (who approved it, when, who may reopen);
    - a closed period, and a passed deadline, hold those who may not reopen them (entry
      users); review and office users, who may reopen the period or extend the deadline,
      are not held to them;
    - a returned report may still be corrected after the deadline, since the reviewer
      asked for it.

    The period's opening and deadline are the unit's own (:func:`entry_window`: the
    closing and deadline set for the unit's district or province, or the default; a lock
    exception on the unit lifts both); the message says who closed it, for which unit.

    ``submission`` is the unit's submission for the period or None (with ``approved_by``
    loaded, for the message); ``window`` the unit's entry window if the caller has it.
    """
    today = today or timezone.localdate()
    if submission is not None and submission.status == S.APPROVED:
        return _(
            "Báo cáo kỳ %(period)s của %(unit)s đã được %(who)s duyệt lúc %(when)s nên đã khóa. "
            "Muốn sửa, đề nghị %(reopeners)s mở lại (cần nêu lý do)."
        ) % {
            "period": period.code,
            "unit": unit.name,
            "who": _display_user(submission.approved_by) or _("người duyệt"),
            "when": format_datetime(submission.approved_at),
            "reopeners": _reopeners(unit),
        }
    if access.can_reopen(user, unit):
        return None
    window = window or entry_window(unit=unit, period=period)
    if not window.is_open:
        return _("Kỳ %(period)s đã khóa nhập liệu (%(closed_by)s). Muốn nhập hoặc sửa, đề nghị %(who)s mở lại kỳ.") % {
            "period": period.code,
            "closed_by": window.closed_by,
            "who": _reopeners(unit),
        }
    returned = submission is not None and submission.status == S.RETURNED
    deadline = window.deadline
    if deadline and today > deadline and not returned:
        return _(
            "Đã quá hạn nhập số liệu kỳ %(period)s (hạn %(date)s). Muốn nhập hoặc sửa, đề nghị %(who)s gia hạn."
        ) % {"period": period.code, "date": format_date(deadline), "who": _reopeners(unit)}
    return None


def _reopeners(unit):
    """Who to ask, for a blocker's message (a query: only when there is a message)."""
    return ", ".join(access.reopeners_of(unit)) or _("quản trị viên")


# --- Saving and submitting -------------------------------------------------------------------

AWAITING_REVIEW_MESSAGE = gettext_lazy(
    "Báo cáo đã gửi, đang chờ duyệt nên không sửa được. Muốn sửa, bấm “Rút lại để sửa” (báo cáo trở về bản nháp)."
)
WITHDRAW_REASON = gettext_lazy("Rút lại để sửa")


def entered_indicators(level):
    """The count and yes/no indicators typed at ``level``, in report order."""
    return Indicator.objects.entered().filter(entry_level=level).order_by("section", "order", "code")


# A value more than NOTE_JUMP_FACTOR times the previous period's and more than
# NOTE_JUMP_MIN above it needs a note (a typo such as 50 for 5 is caught, 1 → 4 is not).
NOTE_JUMP_FACTOR = 3
NOTE_JUMP_MIN = 5


def is_large_jump(previous, value):
    if previous is None or value is None:
        return False
    return value > NOTE_JUMP_FACTOR * previous and value > previous + NOTE_JUMP_MIN


FIGURE_MAX = numbers.FIGURE_MAX


def check_value(indicator, value):
    """A Vietnamese message when ``value`` is not acceptable for ``indicator``, else None."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        return _("Số liệu phải là số nguyên.")
    if value < 0:
        return _("Số liệu không được âm.")
    if value > FIGURE_MAX:
        return _("Số liệu quá lớn (tối đa %(max)s).") % {"max": FIGURE_MAX}
    if indicator.kind == IndicatorKind.YES_NO and value not in (0, 1):
        return _("Chỉ tiêu có/không chỉ nhận 1 (có) hoặc 0 (không).")
    return None


def _figures_seen_at(submission, version):
    """{indicator_id: value} as the submission stood at ``version`` (see the module docstring)."""
    if submission is None or version <= 0:
        return {}
    next_record = (
        Submission.history.filter(id=submission.pk, version__gt=version).order_by("history_date", "history_id").first()
    )
    records = Figure.history.filter(submission_id=submission.pk)
    if next_record is not None:
        records = records.filter(history_date__lt=next_record.history_date)
    seen = {}
    for record in records.order_by("history_date", "history_id"):
        seen[record.indicator_id] = None if record.history_type == "-" else record.value
    return seen


def _stale(submission, seen_version):
    """The error saying what changed between ``seen_version`` and now."""
    seen = _figures_seen_at(submission, seen_version)
    now = {}
    if submission is not None:
        now = dict(submission.figures.values_list("indicator_id", "value"))
    changed_ids = [pk for pk in set(seen) | set(now) if seen.get(pk) != now.get(pk)]
    indicators = Indicator.objects.in_bulk(changed_ids)
    changes = sorted(
        (Change(indicators[pk], seen.get(pk), now.get(pk)) for pk in changed_ids),
        key=lambda change: (change.indicator.section, change.indicator.order, change.indicator.code),
    )
    return StaleVersionError(submission=submission, seen_version=seen_version, changes=changes)


def _lock(unit, period):
    return Submission.objects.select_for_update().filter(unit=unit, period=period).first()


def _create(user, unit, period, reason):
    """A new draft; a concurrent creation by someone else is reported as a stale version."""
    submission = Submission(unit=unit, period=period, status=S.DRAFT, version=1, updated_by=user)
    submission._history_user = user
    submission._change_reason = _reason(reason)
    try:
        with transaction.atomic():
            submission.save()
    except IntegrityError:
        raise _stale(_lock(unit, period), 0) from None
    return submission


def save_figures(*, user, unit, period, values, version, submit=False):
    """Save the unit's figures for the period as a draft, or save and submit them.

    ``values`` maps indicator codes to ``(value, note)``; ``value`` is an int or None.
    ``version`` is the submission version the user loaded (0 when there was none): if the
    submission changed since, :class:`StaleVersionError` says what changed and nothing is
    written. Returns the submission.
    """
    with transaction.atomic():
        submission = _lock(unit, period)
        blocker = edit_blocker(user=user, unit=unit, period=period, submission=submission)
        if blocker:
            raise WorkflowError(blocker)
        if (submission.version if submission else 0) != version:
            raise _stale(submission, version)
        if submission is not None and submission.status == S.SUBMITTED:
            raise WorkflowError(str(AWAITING_REVIEW_MESSAGE))
        indicators = {indicator.code: indicator for indicator in entered_indicators(unit.level)}
        for code, (value, _note) in values.items():
            indicator = indicators.get(code)
            if indicator is None:
                raise WorkflowError(
                    _("Chỉ tiêu %(code)s không nhập ở cấp của %(unit)s.") % {"code": code, "unit": unit.name}
                )
            problem = check_value(indicator, value)
            if problem:
                raise WorkflowError(f"{indicator.name}: {problem}")

        existing = {} if submission is None else {figure.indicator_id: figure for figure in submission.figures.all()}
        _check_rules(
            unit=unit,
            period=period,
            indicators=list(indicators.values()),
            figures=existing,
            values=values,
            submit=submit,
        )
        pending = []
        for code, (value, note) in values.items():
            indicator = indicators[code]
            figure = existing.get(indicator.pk)
            note = (note or "").strip()
            if figure is None:
                if value is None and not note:
                    continue
                pending.append(Figure(indicator=indicator, value=value, note=note))
            elif figure.value != value or figure.note != note:
                figure.value, figure.note = value, note
                pending.append(figure)

        action = _("Gửi báo cáo") if submit else _("Lưu nháp")
        new_status = S.SUBMITTED if submit else S.DRAFT
        if submission is not None and not pending and submission.status == new_status:
            return submission  # nothing to record

        if submission is None:
            submission = _create(user, unit, period, action)
            if submit:
                _advance(submission, user, action, status=S.SUBMITTED)
        else:
            _advance(submission, user, action, status=new_status)
        _write_figures(submission, pending, user, action)
        return submission


def _check_rules(*, unit, period, indicators, figures, values, submit):
    """Refuse figures breaking an error rule; on submit, also warnings and outliers with
    no note (indicators/validation.py). ``figures``: the saved ones by indicator id;
    ``values``: {code: (value, note)} about to be saved over them."""
    by_id = {indicator.pk: indicator for indicator in indicators}
    current = {by_id[pk].code: (figure.value, figure.note) for pk, figure in figures.items() if pk in by_id}
    current.update(values)
    result = validation.check(
        indicators=indicators,
        rules=validation.rules_for(indicators),
        values={code: value for code, (value, _note) in current.items()},
        notes={code: note for code, (_value, note) in current.items()},
        history=selectors.recent_history(unit, period) if submit else None,
    )
    if result.errors:
        raise RuleError(result.error_messages())
    if submit and result.unexplained():
        raise RuleError(result.unexplained())


def _advance(submission, user, reason, *, status, **fields):
    """Write a state change (or a plain edit) of the submission with its history row."""
    now = timezone.now()
    submission.status = status
    submission.version += 1
    submission.updated_by = user
    if status == S.SUBMITTED:
        submission.submitted_at, submission.submitted_by = now, user
        submission.return_reason = ""
    if status != S.APPROVED:
        submission.approved_at, submission.approved_by = None, None
    for name, value in fields.items():
        setattr(submission, name, value)
    submission._history_user = user
    submission._change_reason = _reason(reason)
    submission.save()


def _write_figures(submission, figures, user, reason):
    """Insert the new figures and update the changed ones, each with its history row.

    Set-based, so a save takes the same queries whatever the number of figures: one
    INSERT of the new figures and one of their history rows, one UPDATE of the changed
    ones and one of their history rows (simple-history's bulk helpers write the same
    history rows as ``save()``: "+" or "~", the user, the reason).
    """
    created = [figure for figure in figures if figure.pk is None]
    changed = [figure for figure in figures if figure.pk is not None]
    history = {"default_user": user, "default_change_reason": _reason(reason)}
    for figure in created:
        figure.submission = submission
    if created:
        bulk_create_with_history(created, Figure, **history)
    if changed:
        bulk_update_with_history(changed, Figure, ["value", "note"], **history)


def withdraw(*, user, submission, version):
    """ "Rút lại để sửa": the unit takes its submitted report back to draft to correct it.

    Only while it awaits review (not approved), by a user who may enter the unit's
    figures, at the version the user saw; the history records who and when.
    """
    with transaction.atomic():
        locked = _lock(submission.unit, submission.period)
        blocker = edit_blocker(user=user, unit=locked.unit, period=locked.period, submission=locked)
        if blocker:
            raise WorkflowError(blocker)
        if version != locked.version:
            raise _stale(locked, version)
        if locked.status != S.SUBMITTED:
            raise WorkflowError(
                _("Chỉ rút lại được báo cáo đã gửi và đang chờ duyệt; báo cáo này đang ở trạng thái “%(status)s”.")
                % {"status": locked.get_status_display()}
            )
        _advance(locked, user, str(WITHDRAW_REASON), status=S.DRAFT)
        return locked


def submit(*, user, submission, version=None):
    """Submit a draft or returned report as it stands."""
    with transaction.atomic():
        locked = _lock(submission.unit, submission.period)
        blocker = edit_blocker(user=user, unit=locked.unit, period=locked.period, submission=locked)
        if blocker:
            raise WorkflowError(blocker)
        if version is not None and version != locked.version:
            raise _stale(locked, version)
        if locked.status == S.SUBMITTED:
            raise WorkflowError(_("Báo cáo đã được gửi, đang chờ duyệt."))
        figures = {figure.indicator_id: figure for figure in locked.figures.all()}
        _check_rules(
            unit=locked.unit,
            period=locked.period,
            indicators=list(entered_indicators(locked.unit.level)),
            figures=figures,
            values={},
            submit=True,
        )
        _advance(locked, user, _("Gửi báo cáo"), status=S.SUBMITTED)
        return locked


# --- Attachments ---------------------------------------------------------------------------------

# What a file's first bytes must be: the type is judged on the content, never on the
# name or the browser's Content-Type, which the sender chooses.
ATTACHMENT_SIGNATURES = (
    (b"%PDF-", AttachmentKind.PDF),
    (b"\xff\xd8\xff", AttachmentKind.JPEG),
    (b"\x89PNG\r\n\x1a\n", AttachmentKind.PNG),
)


def attachment_max_bytes():
    return settings.DAMHA_ATTACHMENT_MAX_MB * 1024 * 1024


def sniff_attachment(head):
    """The AttachmentKind of a file whose content starts with ``head``, or None."""
    for signature, kind in ATTACHMENT_SIGNATURES:
        if head.startswith(signature):
            return kind
    return None


def attach_file(*, user, unit, period, upload):
    """Keep ``upload`` (a Django UploadedFile) as evidence on the unit's report for the period.

    Refused, with nothing written: a user who may not enter the unit's figures now (the
    edit blocker's reason), a report awaiting review or approved, an empty file, a file
    over the size limit, content that is not PDF, JPEG or PNG. A report is created as a
    draft when the unit has none yet.
    """
    name = (upload.name or "").rsplit("/", 1)[-1].strip()[:200] or "tep"
    with transaction.atomic():
        submission = _lock(unit, period)
        blocker = edit_blocker(user=user, unit=unit, period=period, submission=submission)
        if blocker:
            raise WorkflowError(blocker)
        if submission is not None and submission.status == S.SUBMITTED:
            raise WorkflowError(str(AWAITING_REVIEW_MESSAGE))
        if not upload.size:
            raise WorkflowError(_("Tệp “%(name)s” trống.") % {"name": name})
        if upload.size > attachment_max_bytes():
            raise WorkflowError(
                _("Tệp “%(name)s” lớn quá %(max)d MB; hãy chụp ảnh nhỏ hơn hoặc quét với độ phân giải thấp hơn.")
                % {"name": name, "max": settings.DAMHA_ATTACHMENT_MAX_MB}
            )
        upload.seek(0)
        kind = sniff_attachment(upload.read(16))
        upload.seek(0)
        if kind is None:
            raise WorkflowError(
                _("Tệp “%(name)s” không phải PDF, JPEG hay PNG; chỉ nhận báo cáo giấy đã ký (PDF) hoặc ảnh chụp.")
                % {"name": name}
            )
        if submission is None:
            submission = _create(user, unit, period, _("Đính kèm tệp"))
        attachment = Attachment(submission=submission, name=name, content_type=kind, size=upload.size, uploaded_by=user)
        attachment._history_user = user
        attachment.file.save(name, upload, save=False)
        attachment.save()
        return attachment


def remove_attachment(*, user, attachment):
    """Delete an attachment of a report the user may still edit (not submitted, not approved)."""
    with transaction.atomic():
        submission = _lock(attachment.submission.unit, attachment.submission.period)
        blocker = edit_blocker(user=user, unit=submission.unit, period=submission.period, submission=submission)
        if blocker:
            raise WorkflowError(blocker)
        if submission.status == S.SUBMITTED:
            raise WorkflowError(str(AWAITING_REVIEW_MESSAGE))
        stored = attachment.file.name
        attachment._history_user = user
        attachment.delete()
        storage = attachment.file.storage
        transaction.on_commit(lambda: storage.delete(stored))


# --- Review ------------------------------------------------------------------------------------


def _locked_for_review(user, submission, version):
    locked = Submission.objects.select_for_update().select_related("unit", "period").get(pk=submission.pk)
    if not access.can_review(user, locked.unit):
        raise WorkflowError(_("Bạn không có quyền duyệt báo cáo của %(unit)s.") % {"unit": locked.unit.name})
    if version is not None and version != locked.version:
        raise _stale(locked, version)
    return locked


def _required_reason(reason, message):
    reason = (reason or "").strip()
    if not reason:
        raise WorkflowError(message)
    return reason


def _authors(submission):
    """Ids of the users who saved or submitted this submission or wrote one of its figures,
    as its history records them (a reviewer's return or reopen is not authorship)."""
    authors = set(
        Submission.history.filter(id=submission.pk, status__in=(S.DRAFT, S.SUBMITTED), history_user__isnull=False)
        .values_list("history_user_id", flat=True)
        .distinct()
    )
    authors |= set(
        Figure.history.filter(submission_id=submission.pk, history_user__isnull=False)
        .values_list("history_user_id", flat=True)
        .distinct()
    )
    if submission.submitted_by_id:
        authors.add(submission.submitted_by_id)
    return authors


def approval_blocker(*, user, submission):
    """Four eyes: why ``user`` may not approve ``submission`` they saved or submitted, or None.

    The message names who else may approve (reviewers of the unit who did not write it).
    """
    authors = _authors(submission)
    if user.pk not in authors:
        return None
    others = [
        _display_user(reviewer) for reviewer in access.reviewers_of(submission.unit) if reviewer.pk not in authors
    ]
    if others:
        return _(
            "Bạn không tự duyệt được báo cáo mà chính bạn đã nhập hoặc gửi (nguyên tắc hai người). "
            "Người có thể duyệt: %(others)s."
        ) % {"others": ", ".join(others)}
    return _(
        "Bạn không tự duyệt được báo cáo mà chính bạn đã nhập hoặc gửi (nguyên tắc hai người), và "
        "%(unit)s chưa có người duyệt nào khác: đề nghị quản trị viên phân công thêm người duyệt."
    ) % {"unit": submission.unit.name}


def approve(*, user, submission, version=None):
    """Approve a submitted report; it is then locked. Nobody approves their own work."""
    with transaction.atomic():
        locked = _locked_for_review(user, submission, version)
        if locked.status != S.SUBMITTED:
            raise WorkflowError(
                {
                    S.DRAFT: _("Không thể duyệt: báo cáo đang là bản nháp, đơn vị chưa gửi."),
                    S.RETURNED: _("Không thể duyệt: báo cáo đã bị trả lại, đang chờ đơn vị sửa và gửi lại."),
                    S.APPROVED: _("Báo cáo này đã được duyệt rồi."),
                }[locked.status]
            )
        blocker = approval_blocker(user=user, submission=locked)
        if blocker:
            raise WorkflowError(blocker)
        _advance(locked, user, _("Duyệt"), status=S.APPROVED, approved_at=timezone.now(), approved_by=user)
        return locked


@dataclasses.dataclass(frozen=True)
class _SendBack:
    """What differs between returning a submitted report and reopening an approved one."""

    from_status: str
    no_reason: str
    refused: str  # may name the report's state as %(status)s
    history: str


_RETURN = _SendBack(
    S.SUBMITTED,
    gettext_lazy("Cần ghi lý do trả lại để đơn vị biết phải sửa gì."),
    gettext_lazy("Chỉ trả lại được báo cáo đã gửi; báo cáo này đang ở trạng thái “%(status)s”."),
    gettext_lazy("Trả lại: %(reason)s"),
)
_REOPEN = _SendBack(
    S.APPROVED,
    gettext_lazy("Cần ghi lý do mở lại báo cáo đã duyệt."),
    gettext_lazy("Chỉ mở lại được báo cáo đã duyệt."),
    gettext_lazy("Mở lại: %(reason)s"),
)


def return_submission(*, user, submission, reason, version=None):
    """Return a submitted report to its unit with a reason the officer will see."""
    return _send_back(user, submission, reason, version, _RETURN)


def reopen(*, user, submission, reason, version=None):
    """Unlock an approved report: it goes back to the unit as returned, with the reason."""
    return _send_back(user, submission, reason, version, _REOPEN)


def _send_back(user, submission, reason, version, words):
    with transaction.atomic():
        reason = _required_reason(reason, str(words.no_reason))
        locked = _locked_for_review(user, submission, version)
        if locked.status != words.from_status:
            raise WorkflowError(words.refused % {"status": locked.get_status_display()})
        _advance(locked, user, words.history % {"reason": reason}, status=S.RETURNED, return_reason=reason)
        return locked


# --- Import ------------------------------------------------------------------------------------


def import_figures(*, user, rows, source=""):
    """Write validated figure rows (objects with unit, period, indicator, value, note).

    Each unit × period's submission is created or updated as submitted, in one
    transaction: if any submission turns out to be approved meanwhile, nothing is
    written. An empty note keeps the figure's existing note. Returns the submissions.
    """
    reason = _("Nhập từ tệp %(file)s") % {"file": source} if source else _("Nhập từ tệp")
    grouped = defaultdict(list)
    for row in rows:
        grouped[(row.unit, row.period)].append(row)
    submissions = []
    with transaction.atomic():
        for (unit, period), unit_rows in grouped.items():
            submission = _lock(unit, period)
            blocker = lock_blocker(user=user, unit=unit, period=period, submission=submission)
            if blocker:
                raise WorkflowError(blocker)
            if submission is None:
                submission = _create(user, unit, period, reason)
            _advance(submission, user, reason, status=S.SUBMITTED)
            existing = {figure.indicator_id: figure for figure in submission.figures.all()}
            pending = []
            for row in unit_rows:
                figure = existing.get(row.indicator.pk) or Figure(indicator=row.indicator, note="")
                note = row.note or figure.note
                if figure.pk is None or figure.value != row.value or figure.note != note:
                    figure.value, figure.note = row.value, note
                    pending.append(figure)
            _write_figures(submission, pending, user, reason)
            submissions.append(submission)
    return submissions


# --- Reminders ---------------------------------------------------------------------------------


def units_not_submitted(*, period, root=None):
    """Units that should report for ``period`` and have not (none, draft or returned).

    Units valid at the end of the period, at a level where a count or yes/no indicator
    is entered, inside ``root``'s subtree when given.
    """
    levels = Indicator.objects.reporting_levels()
    units = (
        AdministrativeUnit.objects.valid_on(period.end)
        .filter(level__in=levels)
        .select_related("parent__parent__parent")
    )
    done = Submission.objects.filter(period=period, status__in=(S.SUBMITTED, S.APPROVED)).values("unit_id")
    units = units.exclude(pk__in=done).order_by("level_rank", "code")
    if root is None:
        return list(units)
    return [unit for unit in units if root.pk in access.lineage_ids(unit)]


def send_reminder(*, unit, period, link="", today=None):
    """E-mail the entry users of ``unit`` that its report for ``period`` is awaited.

    Returns the addresses written to (users without an e-mail address are skipped).
    """
    today = today or timezone.localdate()
    recipients = [user.email for user in access.entry_users_of(unit) if user.email]
    if not recipients:
        return []
    if period.deadline:
        days_left = (period.deadline - today).days
        if days_left >= 0:
            deadline = _("Hạn nhập: %(date)s (còn %(days)d ngày).") % {
                "date": format_date(period.deadline),
                "days": days_left,
            }
        else:
            deadline = _("Hạn nhập: %(date)s (đã quá hạn).") % {"date": format_date(period.deadline)}
    else:
        deadline = ""
    subject = _("[BCĐ huyện] Nhắc nhập số liệu %(period)s — %(unit)s") % {"period": period.label, "unit": unit.name}
    lines = [
        _("Kính gửi đồng chí phụ trách nhập số liệu của %(unit)s,") % {"unit": unit.name},
        "",
        _("Đơn vị chưa gửi báo cáo số liệu %(period)s (mã kỳ %(code)s).")
        % {"period": period.label, "code": period.code},
    ]
    if deadline:
        lines.append(deadline)
    if link:
        lines.append(_("Nhập và gửi báo cáo tại: %(link)s") % {"link": link})
    lines += ["", _("Thư này được gửi tự động từ hệ thống theo dõi chỉ tiêu Ban Chỉ đạo.")]
    send_mail(subject, "\n".join(lines), settings.DEFAULT_FROM_EMAIL, recipients)
    return recipients


def reminder_due(period, days, today=None):
    """True when ``period`` is open with a deadline between today and ``days`` days ahead."""
    today = today or timezone.localdate()
    if not period.is_open or period.deadline is None:
        return False
    return today <= period.deadline <= today + datetime.timedelta(days=days)


# --- Periods -----------------------------------------------------------------------------------


def update_period(*, user, period, is_open, deadline, unit=None):
    """Open or close a half-year period for entry and set its deadline.

    With ``unit``: for that unit's subtree (review or office users of the unit); without:
    the default for every unit (superusers only).
    """
    if unit is None:
        if not user.is_superuser:
            raise WorkflowError(_("Chỉ quản trị viên được mở, khóa kỳ cho toàn hệ thống."))
        with transaction.atomic():
            locked = Period.objects.select_for_update().get(pk=period.pk)
            locked.is_open, locked.deadline = is_open, deadline
            locked.save(update_fields=["is_open", "deadline"])
            return locked
    if not access.can_reopen(user, unit):
        raise WorkflowError(
            _("Chỉ người duyệt hoặc văn phòng của %(unit)s được mở, khóa kỳ báo cáo của đơn vị này.")
            % {"unit": unit.name}
        )
    with transaction.atomic():
        setting = PeriodSetting.objects.select_for_update().filter(period=period, unit=unit).first()
        setting = setting or PeriodSetting(period=period, unit=unit)
        setting.is_open, setting.deadline, setting.changed_by = is_open, deadline, user
        setting._history_user = user
        setting.save()
        return setting


def grant_lock_exception(*, user, unit, period, reason):
    """Reopen entry for exactly ``unit`` in ``period`` (a lock exception), with a reason."""
    if not access.can_reopen(user, unit):
        raise WorkflowError(
            _("Chỉ người duyệt hoặc văn phòng của %(unit)s được mở riêng kỳ cho đơn vị này.") % {"unit": unit.name}
        )
    reason = _required_reason(reason, _("Cần ghi lý do mở riêng cho đơn vị."))
    if period.half is None:
        raise WorkflowError(_("Chỉ mở riêng được kỳ 6 tháng."))
    with transaction.atomic():
        exception = LockException.objects.select_for_update().filter(period=period, unit=unit).first()
        exception = exception or LockException(period=period, unit=unit)
        exception.reason, exception.granted_by = reason[:300], user
        exception._history_user = user
        exception.save()
        return exception


def remove_lock_exception(*, user, exception):
    if not access.can_reopen(user, exception.unit):
        raise WorkflowError(
            _("Chỉ người duyệt hoặc văn phòng của %(unit)s được bỏ ngoại lệ này.") % {"unit": exception.unit.name}
        )
    exception._history_user = user
    exception.delete()


# --- History -----------------------------------------------------------------------------------


@dataclasses.dataclass
class Event:
    """One line of a submission's timeline."""

    when: datetime.datetime
    who: str
    kind: str  # "status" or "figure"
    title: str
    old: str = ""
    new: str = ""
    detail: str = ""
    reason: str = ""
    order: int = 0


def _shown(indicator, value):
    if value is None:
        return _("(trống)")
    if indicator is not None and indicator.kind == IndicatorKind.YES_NO:
        return _("Có") if value else _("Không")
    return str(value)


def timeline(submission):
    """Every status change and every figure change of ``submission``, newest first (3 queries)."""
    events = []
    records = Submission.history.filter(id=submission.pk).select_related("history_user")
    previous = None
    for record in records.order_by("history_date", "history_id"):
        status_label = S(record.status).label
        if previous is None or previous.status != record.status:
            detail = ""
            title = record.history_change_reason or ""
            if previous is None:
                title = _("Tạo báo cáo")
            elif record.status == S.RETURNED:
                # The reason goes in the detail line, whole (the change reason is cut at 100).
                title = _("Mở lại") if previous.status == S.APPROVED else _("Trả lại")
                detail = record.return_reason
            events.append(
                Event(
                    when=record.history_date,
                    who=_display_user(record.history_user),
                    kind="status",
                    title=title,
                    old=S(previous.status).label if previous else "",
                    new=status_label,
                    detail=detail,
                    order=record.history_id,
                )
            )
        previous = record
    figure_records = Figure.history.filter(submission_id=submission.pk).select_related("history_user", "indicator")
    last = {}
    for record in figure_records.order_by("history_date", "history_id"):
        before = last.get(record.id)
        indicator = record.indicator
        old_value = before.value if before else None
        old_note = before.note if before else ""
        if record.history_type == "-":
            new_value, new_note = None, ""
        else:
            new_value, new_note = record.value, record.note
        if before is not None and old_value == new_value and old_note == new_note:
            last[record.id] = record
            continue
        detail = new_note if new_note != old_note else ""
        events.append(
            Event(
                when=record.history_date,
                who=_display_user(record.history_user),
                kind="figure",
                title=indicator.name if indicator else str(record.indicator_id),
                old=_shown(indicator, old_value) if before is not None else "",
                new=_shown(indicator, new_value),
                detail=detail,
                reason=record.history_change_reason or "",
                order=record.history_id,
            )
        )
        last[record.id] = record
    events.sort(key=lambda event: (event.when, event.kind == "status", event.order), reverse=True)
    return events
