import datetime

import pytest
from django.utils import timezone

from indicators import services
from indicators.models import Figure, Submission, SubmissionStatus
from tests import factories as f

S = SubmissionStatus


def _save(world, user, unit=None, version=0, submit=False, **values):
    return services.save_figures(
        user=user,
        unit=unit or world.a,
        period=world.h2,
        values={code: (value, "") for code, value in values.items()},
        version=version,
        submit=submit,
    )


def _history_counts():
    return Submission.history.count(), Figure.history.count()


# --- Saving and submitting ------------------------------------------------------------


def test_save_draft_creates_submission_figures_and_history(world):
    submission = _save(world, world.officer_a, VU=3, LAMRO=2)

    assert (submission.status, submission.version) == (S.DRAFT, 1)
    assert dict(submission.figures.values_list("indicator__code", "value")) == {"VU": 3, "LAMRO": 2}
    record = Submission.history.get(id=submission.pk)
    assert (record.history_user, record.history_change_reason, record.history_type) == (
        world.officer_a,
        "Lưu nháp",
        "+",
    )
    figure_records = Figure.history.filter(submission_id=submission.pk)
    assert sorted(figure_records.values_list("value", "history_user__username")) == [
        (2, "officer_a"),
        (3, "officer_a"),
    ]


def test_saving_the_same_values_again_writes_nothing(world):
    _save(world, world.officer_a, VU=3)
    before = _history_counts()

    submission = _save(world, world.officer_a, version=1, VU=3)

    assert submission.version == 1
    assert _history_counts() == before


def test_blank_values_are_not_stored_for_new_figures(world):
    submission = _save(world, world.officer_a, VU=3, LAMRO=None)
    assert list(submission.figures.values_list("indicator__code", flat=True)) == ["VU"]


def test_submit_records_who_and_when(world):
    submission = _save(world, world.officer_a, submit=True, VU=3, LAMRO=1, QL=1)

    submission.refresh_from_db()
    assert (submission.status, submission.version, submission.submitted_by) == (S.SUBMITTED, 2, world.officer_a)
    assert submission.submitted_at is not None
    reasons = list(
        Submission.history.filter(id=submission.pk)
        .order_by("history_id")
        .values_list("history_change_reason", "status")
    )
    assert reasons == [("Gửi báo cáo", S.DRAFT), ("Gửi báo cáo", S.SUBMITTED)]


AWAITING = (
    "Báo cáo đã gửi, đang chờ duyệt nên không sửa được. Muốn sửa, bấm “Rút lại để sửa” (báo cáo trở về bản nháp)."
)


@pytest.mark.parametrize("submit", [False, True])
def test_saving_a_submitted_report_is_refused_and_changes_nothing(world, submit):
    """ "Lưu nháp" never takes a submitted report back to draft silently (issue 15)."""
    _save(world, world.officer_a, submit=True, VU=3)
    before = _history_counts()

    with pytest.raises(services.WorkflowError) as refused:
        _save(world, world.officer_a, version=2, submit=submit, VU=4)

    assert refused.value.message == AWAITING
    submission = Submission.objects.get()
    assert (submission.status, submission.version) == (S.SUBMITTED, 2)
    assert submission.figures.get().value == 3
    assert _history_counts() == before


def test_withdraw_takes_a_submitted_report_back_to_draft_with_a_history_entry(world):
    submission = _save(world, world.officer_a, submit=True, VU=3)

    withdrawn = services.withdraw(user=world.officer_a, submission=submission, version=2)

    assert (withdrawn.status, withdrawn.version, withdrawn.updated_by) == (S.DRAFT, 3, world.officer_a)
    record = Submission.history.filter(id=submission.pk).order_by("-history_id").first()
    assert (record.history_user, record.history_change_reason, record.status, record.version) == (
        world.officer_a,
        "Rút lại để sửa",
        S.DRAFT,
        3,
    )
    newest = services.timeline(withdrawn)[0]
    assert (newest.kind, newest.title, newest.old, newest.new, newest.who) == (
        "status",
        "Rút lại để sửa",
        "Đã gửi",
        "Nháp",
        "Công an Quảng Tân",
    )
    # Now it can be corrected and sent again.
    corrected = _save(world, world.officer_a, version=3, submit=True, VU=4)
    assert (corrected.status, corrected.figures.get().value) == (S.SUBMITTED, 4)


@pytest.mark.parametrize(
    ("who", "message"),
    [
        ("officer_b", "không thuộc phạm vi nhập liệu"),
        ("reviewer", "chỉ được xem hoặc duyệt số liệu của Xã Quảng Tân"),
        ("leader", "chỉ được xem hoặc duyệt số liệu của Xã Quảng Tân"),
    ],
)
def test_only_the_units_entry_users_may_withdraw(world, who, message):
    submission = _save(world, world.officer_a, submit=True, VU=3)
    with pytest.raises(services.WorkflowError, match=message):
        services.withdraw(user=getattr(world, who), submission=submission, version=2)
    submission.refresh_from_db()
    assert (submission.status, submission.version) == (S.SUBMITTED, 2)


def test_withdraw_refuses_a_stale_version_a_draft_and_an_approved_report(world):
    submission = _save(world, world.officer_a, submit=True, VU=3)
    with pytest.raises(services.StaleVersionError):
        services.withdraw(user=world.officer_a, submission=submission, version=1)
    services.approve(user=world.reviewer, submission=submission, version=2)
    with pytest.raises(services.WorkflowError, match="đã được .* duyệt lúc .* nên đã khóa"):
        services.withdraw(user=world.officer_a, submission=submission, version=3)
    draft = _save(world, world.officer_b, unit=world.b, VU=1)
    with pytest.raises(services.WorkflowError) as refused:
        services.withdraw(user=world.officer_b, submission=draft, version=1)
    assert refused.value.message == (
        "Chỉ rút lại được báo cáo đã gửi và đang chờ duyệt; báo cáo này đang ở trạng thái “Nháp”."
    )


def test_editing_a_returned_report_puts_it_back_to_draft_keeping_the_reason(world):
    submission = _save(world, world.officer_a, submit=True, VU=3)
    services.return_submission(user=world.reviewer, submission=submission, reason="Số vụ chưa khớp sổ")

    submission = _save(world, world.officer_a, version=3, VU=4)

    assert submission.status == S.DRAFT
    assert submission.return_reason == "Số vụ chưa khớp sổ"
    resubmitted = services.submit(user=world.officer_a, submission=submission, version=4)
    assert (resubmitted.status, resubmitted.return_reason) == (S.SUBMITTED, "")


def test_resubmitting_an_unchanged_submitted_report_is_refused(world):
    _save(world, world.officer_a, submit=True, VU=3)
    with pytest.raises(services.WorkflowError, match="đã gửi, đang chờ duyệt"):
        _save(world, world.officer_a, version=2, submit=True, VU=3)


@pytest.mark.parametrize(
    ("code", "value", "message"),
    [
        ("VU", -1, "không được âm"),
        ("QL", 2, "chỉ nhận 1 \\(có\\) hoặc 0 \\(không\\)"),
        ("TYLE", 50, "không nhập ở cấp"),
        ("XLHS", 1, "không nhập ở cấp"),
    ],
)
def test_bad_values_are_refused_and_nothing_is_written(world, code, value, message):
    with pytest.raises(services.WorkflowError, match=message):
        _save(world, world.officer_a, **{code: value})
    assert Submission.objects.count() == 0
    assert _history_counts() == (0, 0)


# --- Who may do what ----------------------------------------------------------------------


def test_an_officer_cannot_save_or_submit_another_communes_figures(world):
    with pytest.raises(services.WorkflowError, match="không thuộc phạm vi nhập liệu"):
        _save(world, world.officer_b, submit=True, VU=1)
    assert Submission.objects.count() == 0


def test_submitting_someone_elses_draft_is_refused(world):
    submission = _save(world, world.officer_a, VU=1)
    with pytest.raises(services.WorkflowError, match="không thuộc phạm vi nhập liệu"):
        services.submit(user=world.officer_b, submission=submission)
    submission.refresh_from_db()
    assert submission.status == S.DRAFT


def test_a_reviewer_enters_the_districts_own_figures_but_not_a_communes(world):
    with pytest.raises(services.WorkflowError, match="chỉ được xem hoặc duyệt"):
        _save(world, world.reviewer, VU=1)
    submission = _save(world, world.reviewer, unit=world.district, XLHS=5)
    assert submission.figures.get().value == 5


def test_an_officer_cannot_approve(world):
    submission = _save(world, world.officer_a, submit=True, VU=1)
    with pytest.raises(services.WorkflowError, match="không có quyền duyệt"):
        services.approve(user=world.officer_a, submission=submission)
    submission.refresh_from_db()
    assert submission.status == S.SUBMITTED


# --- Review: legal and illegal transitions ----------------------------------------------


def test_approve_locks_the_report(world):
    submission = _save(world, world.officer_a, submit=True, VU=1)
    approved = services.approve(user=world.reviewer, submission=submission, version=2)

    assert (approved.status, approved.approved_by, approved.version) == (S.APPROVED, world.reviewer, 3)
    assert Submission.history.filter(id=submission.pk).latest().history_change_reason == "Duyệt"
    with pytest.raises(services.WorkflowError, match="đã được Công an huyện duyệt lúc"):
        _save(world, world.officer_a, version=3, VU=2)
    assert Figure.objects.get(indicator__code="VU").value == 1


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (S.DRAFT, "bản nháp, đơn vị chưa gửi"),
        (S.RETURNED, "đã bị trả lại"),
        (S.APPROVED, "đã được duyệt rồi"),
    ],
)
def test_only_a_submitted_report_can_be_approved(world, status, message):
    submission = f.submission(world.a, world.h2, status=status, VU=1)
    before = _history_counts()
    with pytest.raises(services.WorkflowError, match=message):
        services.approve(user=world.reviewer, submission=submission)
    submission.refresh_from_db()
    assert submission.status == status
    assert _history_counts() == before


@pytest.mark.parametrize("status", [S.DRAFT, S.RETURNED, S.APPROVED])
def test_only_a_submitted_report_can_be_returned(world, status):
    submission = f.submission(world.a, world.h2, status=status, VU=1)
    with pytest.raises(services.WorkflowError, match="Chỉ trả lại được báo cáo đã gửi"):
        services.return_submission(user=world.reviewer, submission=submission, reason="sai")


@pytest.mark.parametrize("reason", ["", "   "])
def test_return_needs_a_reason(world, reason):
    submission = _save(world, world.officer_a, submit=True, VU=1)
    with pytest.raises(services.WorkflowError, match="Cần ghi lý do trả lại"):
        services.return_submission(user=world.reviewer, submission=submission, reason=reason)
    submission.refresh_from_db()
    assert submission.status == S.SUBMITTED


def test_return_records_the_full_reason(world):
    submission = _save(world, world.officer_a, submit=True, VU=1)
    reason = (
        "Số vụ phạm tội chưa khớp với sổ theo dõi của Công an xã; đề nghị kiểm tra lại toàn bộ số liệu tháng 9 và 10."
    )
    returned = services.return_submission(user=world.reviewer, submission=submission, reason=reason, version=2)

    assert (returned.status, returned.return_reason) == (S.RETURNED, reason)
    record = Submission.history.filter(id=submission.pk).latest()
    assert record.return_reason == reason
    assert record.history_change_reason == ("Trả lại: " + reason)[:100]
    assert record.history_user == world.reviewer


def test_reopen_needs_a_reason_and_an_approved_report(world):
    submission = _save(world, world.officer_a, submit=True, VU=1)
    with pytest.raises(services.WorkflowError, match="Chỉ mở lại được báo cáo đã duyệt"):
        services.reopen(user=world.reviewer, submission=submission, reason="sửa")
    services.approve(user=world.reviewer, submission=submission)
    with pytest.raises(services.WorkflowError, match="Cần ghi lý do mở lại"):
        services.reopen(user=world.reviewer, submission=submission, reason=" ")
    submission.refresh_from_db()
    assert submission.status == S.APPROVED


def test_reopen_returns_the_report_to_the_unit_and_is_recorded(world):
    submission = _save(world, world.officer_a, submit=True, VU=1)
    services.approve(user=world.reviewer, submission=submission)
    reopened = services.reopen(user=world.reviewer, submission=submission, reason="Bổ sung vụ án tháng 12")

    assert (reopened.status, reopened.approved_by, reopened.return_reason) == (
        S.RETURNED,
        None,
        "Bổ sung vụ án tháng 12",
    )
    assert (
        Submission.history.filter(id=submission.pk).latest().history_change_reason == "Mở lại: Bổ sung vụ án tháng 12"
    )
    assert _save(world, world.officer_a, version=reopened.version, VU=2).status == S.DRAFT


def test_an_officer_cannot_reopen(world):
    submission = f.submission(world.a, world.h2, status=S.APPROVED, VU=1)
    with pytest.raises(services.WorkflowError, match="không có quyền duyệt"):
        services.reopen(user=world.officer_a, submission=submission, reason="xin sửa")


# --- Optimistic locking ---------------------------------------------------------------------


def test_a_stale_save_is_refused_with_what_changed(world):
    _save(world, world.officer_a, VU=3, LAMRO=1)  # both loaded version 1 after this
    _save(world, world.officer_a, version=1, VU=5, LAMRO=1)  # the first client saves
    before = _history_counts()

    with pytest.raises(services.StaleVersionError) as caught:
        _save(world, world.officer_a, version=1, VU=4, LAMRO=2)  # the second client, stale

    error = caught.value
    assert [(c.indicator.code, c.seen, c.now) for c in error.changes] == [("VU", 3, 5)]
    assert (error.seen_version, error.current_version) == (1, 2)
    assert "vừa được" in error.message
    assert dict(Figure.objects.values_list("indicator__code", "value")) == {"VU": 5, "LAMRO": 1}
    assert _history_counts() == before


def test_a_stale_save_against_a_report_created_meanwhile_shows_the_new_values(world):
    _save(world, world.officer_a, VU=3)
    with pytest.raises(services.StaleVersionError) as caught:
        _save(world, world.officer_a, version=0, VU=4)
    assert [(c.indicator.code, c.seen, c.now) for c in caught.value.changes] == [("VU", None, 3)]


def test_what_was_seen_is_read_from_history_even_when_figures_were_written_after_the_submission(world):
    # The demo writes a submission, then its figures: version 1 must include them.
    submission = f.submission(world.a, world.h2, status=S.DRAFT, VU=2, LAMRO=1)
    _save(world, world.officer_a, version=1, VU=7, LAMRO=1)
    with pytest.raises(services.StaleVersionError) as caught:
        _save(world, world.officer_a, version=1, VU=2, LAMRO=0)
    assert [(c.indicator.code, c.seen, c.now) for c in caught.value.changes] == [("VU", 2, 7)]
    assert submission.figures.get(indicator__code="LAMRO").value == 1


def test_a_concurrent_first_save_is_reported_as_stale(world, monkeypatch):
    _save(world, world.officer_b, unit=world.b, VU=1)
    other = Submission.objects.create(unit=world.a, period=world.h2, status=S.DRAFT)
    real_lock = services._lock
    calls = []

    def lock_missing_once(unit, period):
        calls.append(unit)
        return None if len(calls) == 1 else real_lock(unit, period)

    monkeypatch.setattr(services, "_lock", lock_missing_once)
    with pytest.raises(services.StaleVersionError):
        _save(world, world.officer_a, VU=4)
    assert list(Submission.objects.filter(unit=world.a).values_list("pk", flat=True)) == [other.pk]
    assert not Figure.objects.filter(submission=other).exists()


def test_approving_a_report_changed_since_it_was_opened_is_refused(world):
    submission = _save(world, world.officer_a, submit=True, VU=1)
    services.withdraw(user=world.officer_a, submission=submission, version=2)
    _save(world, world.officer_a, version=3, submit=True, VU=9)
    with pytest.raises(services.StaleVersionError) as caught:
        services.approve(user=world.reviewer, submission=submission, version=2)
    assert [(c.indicator.code, c.seen, c.now) for c in caught.value.changes] == [("VU", 1, 9)]
    submission.refresh_from_db()
    assert submission.status == S.SUBMITTED


# --- Why editing is not allowed ---------------------------------------------------------------


def _blocker(world, user=None, unit=None, period=None, **kwargs):
    return services.edit_blocker(
        user=user or world.officer_a, unit=unit or world.a, period=period or world.h2, **kwargs
    )


def test_nothing_blocks_the_officer_of_an_open_period(world):
    assert _blocker(world) is None


def test_blocker_not_your_unit(world):
    assert (
        _blocker(world, user=world.officer_b)
        == "Đơn vị Xã Quảng Tân không thuộc phạm vi nhập liệu của tài khoản của bạn."
    )


def test_blocker_reviewer_reads_but_does_not_enter(world):
    assert "chỉ được xem hoặc duyệt số liệu của Xã Quảng Tân" in _blocker(world, user=world.reviewer)


def test_blocker_closed_period_names_who_can_reopen(world):
    world.h2.is_open = False
    world.h2.save()
    assert _blocker(world) == (
        "Kỳ 2024-H2 đã khóa nhập liệu (quản trị viên khóa cho toàn hệ thống). "
        "Muốn nhập hoặc sửa, đề nghị office, Công an huyện mở lại kỳ."
    )


def test_blocker_approved_by_whom_and_when(world):
    submission = f.submission(world.a, world.h2, status=S.APPROVED, VU=1)
    submission.approved_by = world.reviewer
    submission.approved_at = datetime.datetime(2024, 12, 20, 2, 30, tzinfo=datetime.UTC)
    submission.save()
    assert _blocker(world) == (
        "Báo cáo kỳ 2024-H2 của Xã Quảng Tân đã được Công an huyện duyệt lúc 09:30 20/12/2024 nên đã khóa. "
        "Muốn sửa, đề nghị office, Công an huyện mở lại (cần nêu lý do)."
    )


def test_blocker_unit_gone_before_the_end_of_the_period(world):
    world.a.valid_to = datetime.date(2024, 9, 30)
    world.a.save()
    assert _blocker(world) == (
        "Xã Quảng Tân không còn tồn tại vào cuối kỳ 2024-H2 (hết hiệu lực từ 30/09/2024), "
        "nên không nhập số liệu cho kỳ này; đơn vị kế thừa báo cáo thay."
    )


def test_blocker_unit_created_after_the_end_of_the_period(world):
    world.a.valid_from = datetime.date(2025, 7, 1)
    world.a.save()
    assert "chưa được thành lập vào cuối kỳ 2024-H2 (có hiệu lực từ 01/07/2025)" in _blocker(world)


def test_blocker_deadline_passed_names_who_can_extend(world):
    world.h2.deadline = timezone.localdate() - datetime.timedelta(days=1)
    world.h2.save()
    assert _blocker(world) == (
        f"Đã quá hạn nhập số liệu kỳ 2024-H2 (hạn {world.h2.deadline:%d/%m/%Y}). "
        "Muốn nhập hoặc sửa, đề nghị office, Công an huyện gia hạn."
    )
    # A returned report may still be corrected: the reviewer asked for it.
    f.submission(world.a, world.h2, status=S.RETURNED, VU=1)
    assert _blocker(world) is None
    # The standing agency, who may extend the deadline, is not held to it for its own figures.
    assert _blocker(world, user=world.reviewer, unit=world.district) is None


def test_blocker_year_periods_are_not_entered(world):
    assert "chỉ nhập theo kỳ 6 tháng" in _blocker(world, period=world.periods["2024"])


# --- History and periods -------------------------------------------------------------------------


def test_timeline_lists_status_changes_with_reasons_and_figure_changes(world):
    submission = _save(world, world.officer_a, submit=True, VU=3)
    services.return_submission(user=world.reviewer, submission=submission, reason="Kiểm tra lại số vụ")
    _save(world, world.officer_a, version=3, submit=True, VU=4)
    services.approve(user=world.reviewer, submission=submission)

    events = services.timeline(submission)

    assert [(e.kind, e.title, e.old, e.new, e.detail, e.who) for e in events] == [
        ("status", "Duyệt", "Đã gửi", "Đã duyệt", "", "Công an huyện"),
        ("figure", "Số vụ phạm tội", "3", "4", "", "Công an Quảng Tân"),
        ("status", "Gửi báo cáo", "Bị trả lại", "Đã gửi", "", "Công an Quảng Tân"),
        ("status", "Trả lại", "Đã gửi", "Bị trả lại", "Kiểm tra lại số vụ", "Công an huyện"),
        ("figure", "Số vụ phạm tội", "", "3", "", "Công an Quảng Tân"),
        ("status", "Gửi báo cáo", "Nháp", "Đã gửi", "", "Công an Quảng Tân"),
        ("status", "Tạo báo cáo", "", "Nháp", "", "Công an Quảng Tân"),
    ]


def test_timeline_names_a_reopening(world):
    submission = _save(world, world.officer_a, submit=True, VU=3)
    services.approve(user=world.reviewer, submission=submission)
    services.reopen(user=world.reviewer, submission=submission, reason="Bổ sung vụ án tháng 12")
    event = services.timeline(submission)[0]
    assert (event.title, event.old, event.new, event.detail) == (
        "Mở lại",
        "Đã duyệt",
        "Bị trả lại",
        "Bổ sung vụ án tháng 12",
    )


def test_update_period_only_by_review_or_office(world):
    with pytest.raises(services.WorkflowError, match="Chỉ người duyệt hoặc văn phòng của Huyện Đầm Hà"):
        services.update_period(user=world.officer_a, period=world.h2, is_open=False, deadline=None, unit=world.district)
    with pytest.raises(services.WorkflowError, match="Chỉ quản trị viên được mở, khóa kỳ cho toàn hệ thống"):
        services.update_period(user=world.office, period=world.h2, is_open=False, deadline=None)
    setting = services.update_period(
        user=world.office, period=world.h2, is_open=False, deadline=datetime.date(2024, 12, 31), unit=world.district
    )
    world.h2.refresh_from_db()
    assert world.h2.is_open is True  # the default for everyone is untouched
    assert (setting.unit, setting.is_open, setting.deadline, setting.changed_by) == (
        world.district,
        False,
        datetime.date(2024, 12, 31),
        world.office,
    )
    services.update_period(user=world.admin, period=world.h2, is_open=False, deadline=None)
    world.h2.refresh_from_db()
    assert world.h2.is_open is False
