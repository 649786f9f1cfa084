"""Four eyes (issue 17, finding 4): nobody approves a submission they saved or submitted
themselves; the history decides, and the message names who else may approve.

On main the district reviewer typed the district's own figures, submitted them and approved
them (``submitted_by = approved_by = duyet``)."""

import pytest
from django.urls import reverse

from committees.models import Role
from indicators import services
from indicators.models import Submission, SubmissionStatus
from tests import factories as f

S = SubmissionStatus
OWN = "Bạn không tự duyệt được báo cáo mà chính bạn đã nhập hoặc gửi (nguyên tắc hai người)."


@pytest.fixture
def second(world):
    account = f.user("reviewer2", (Role.REVIEW, world.district))
    account.first_name = "Người duyệt thứ hai"
    account.save()
    return account


def _district_submitted_by_reviewer(world):
    return services.save_figures(
        user=world.reviewer, unit=world.district, period=world.h2, values={"XLHS": (5, "")}, version=0, submit=True
    )


def test_the_reviewer_who_entered_district_figures_cannot_approve_them(world, second):
    submission = _district_submitted_by_reviewer(world)
    with pytest.raises(services.WorkflowError) as refused:
        services.approve(user=world.reviewer, submission=submission)
    assert refused.value.message == f"{OWN[:-1]}. Người có thể duyệt: Người duyệt thứ hai."
    submission.refresh_from_db()
    assert (submission.status, submission.approved_by) == (S.SUBMITTED, None)

    services.approve(user=second, submission=submission)
    submission.refresh_from_db()
    assert (submission.status, submission.submitted_by, submission.approved_by) == (S.APPROVED, world.reviewer, second)


def test_without_another_reviewer_the_message_says_so(world):
    submission = _district_submitted_by_reviewer(world)
    with pytest.raises(services.WorkflowError) as refused:
        services.approve(user=world.reviewer, submission=submission)
    assert refused.value.message == (
        "Bạn không tự duyệt được báo cáo mà chính bạn đã nhập hoặc gửi (nguyên tắc hai người), và Huyện Đầm Hà "
        "chưa có người duyệt nào khác: đề nghị quản trị viên phân công thêm người duyệt."
    )


def test_a_figure_saved_by_the_reviewer_in_an_earlier_round_counts(world, second):
    """The officer submitted, the reviewer corrected one figure while it was a draft... any
    figure written by the reviewer makes it their work too."""
    services.save_figures(
        user=world.officer_a, unit=world.a, period=world.h2, values={"VU": (3, "")}, version=0, submit=True
    )
    submission = Submission.objects.get()
    rows = [
        type(
            "Row",
            (),
            {"unit": world.a, "period": world.h2, "indicator": world.indicators["VU"], "value": 4, "note": ""},
        )
    ]
    services.import_figures(user=world.reviewer, rows=rows, source="sua.csv")
    with pytest.raises(services.WorkflowError, match="Người có thể duyệt: Người duyệt thứ hai"):
        services.approve(user=world.reviewer, submission=submission)


def test_returning_is_not_authorship(world):
    services.save_figures(
        user=world.officer_a, unit=world.a, period=world.h2, values={"VU": (3, "")}, version=0, submit=True
    )
    submission = Submission.objects.get()
    services.return_submission(user=world.reviewer, submission=submission, reason="Kiểm tra lại")
    submission.refresh_from_db()
    services.save_figures(
        user=world.officer_a,
        unit=world.a,
        period=world.h2,
        values={"VU": (2, "")},
        version=submission.version,
        submit=True,
    )
    services.approve(user=world.reviewer, submission=Submission.objects.get())
    assert Submission.objects.get().status == S.APPROVED


def test_the_submission_page_says_who_else_may_approve_instead_of_the_button(client_for, world, second):
    _district_submitted_by_reviewer(world)
    client = client_for("reviewer")
    url = reverse("indicators:submission", args=["200", "2024-H2"])
    text = client.get(url).content.decode()
    assert 'id="approve-blocker"' in text and "Người có thể duyệt: Người duyệt thứ hai." in text
    assert "Duyệt (khóa số liệu)" not in text
    response = client.post(
        reverse("indicators:approve", args=["200", "2024-H2"]), {"approve-version": "2"}, follow=True
    )
    assert "Người có thể duyệt: Người duyệt thứ hai." in response.content.decode()
    assert Submission.objects.get().status == S.SUBMITTED

    client.force_login(second)
    assert "Duyệt (khóa số liệu)" in client.get(url).content.decode()
