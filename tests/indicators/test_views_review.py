import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from indicators import services
from indicators.models import Period, PeriodSetting, Submission, SubmissionStatus
from tests import factories as f

S = SubmissionStatus


def _text(response):
    return re.sub(r"\s+", " ", response.content.decode())


def _review_url(unit="200", period="2024-H2"):
    return reverse("indicators:review", args=[unit, period])


def _submission_url(name="submission", unit="06913", period="2024-H2"):
    return reverse(f"indicators:{name}", args=[unit, period])


@pytest.fixture
def submitted(world):
    """Commune A submitted 2024-H2 through the workflow (so it has history)."""
    return services.save_figures(
        user=world.officer_a,
        unit=world.a,
        period=world.h2,
        values={"VU": (2, ""), "LAMRO": (1, ""), "QL": (1, "")},
        version=0,
        submit=True,
    )


# --- Review page ------------------------------------------------------------------------------

REVIEW_EXPECTED = {"officer_a": 403, "officer_b": 403, "reviewer": 200, "leader": 403, "office": 403, "anonymous": 302}


@pytest.mark.parametrize("who", REVIEW_EXPECTED)
def test_review_page_permissions(client_for, who):
    assert client_for(who).get(_review_url()).status_code == REVIEW_EXPECTED[who]


def test_review_page_of_a_commune_is_forbidden_to_its_officer_and_404_for_unknown(client_for):
    assert client_for("officer_a").get(_review_url(unit="06913")).status_code == 403
    assert client_for("reviewer").get(_review_url(unit="nope")).status_code == 404
    assert client_for("reviewer").get(_review_url(period="2024")).status_code == 404


def test_review_page_lists_each_unit_with_its_state(world, client_for, submitted):
    f.submission(world.b, world.h2, status=S.RETURNED, VU=1)
    text = _text(client_for("reviewer").get(_review_url()))
    rows = re.findall(r'data-unit="(\w+)".*?review-state">([^<]+)<', text)
    assert rows == [("200", "Chưa nhập"), ("06913", "Đã gửi"), ("06916", "Bị trả lại")]
    assert "Chưa nhập: 1" in text and "Đã gửi: 1" in text and "Bị trả lại: 1" in text and "Đã duyệt: 0" in text
    # Remind buttons only for communes that have not submitted.
    assert text.count(_submission_url("remind", unit="06916")) == 1
    assert _submission_url("remind", unit="06913") not in text


def test_review_page_says_what_to_do_when_nothing_was_sent(client_for):
    text = _text(client_for("reviewer").get(_review_url()))
    assert 'id="review-empty"' in text
    assert "Chưa đơn vị nào nhập số liệu kỳ này. Bấm “Nhắc nhở” bên cạnh từng đơn vị để gửi thư nhắc" in text


def test_review_page_has_no_empty_note_once_a_report_exists(client_for, submitted):
    assert 'id="review-empty"' not in _text(client_for("reviewer").get(_review_url()))


def test_review_page_skips_units_not_valid_at_the_end_of_the_period(world, client_for):
    gone = f.unit("06907", parent=world.district, name="Xã Quảng Lợi")
    gone.valid_to = world.h2.start
    gone.save()
    text = _text(client_for("reviewer").get(_review_url()))
    assert "Xã Quảng Lợi" not in text


def test_review_page_query_count_is_the_same_for_2_and_12_communes(world, client_for):
    client = client_for("reviewer")
    f.submission(world.a, world.h2, status=S.SUBMITTED, VU=1)
    client.get(_review_url())
    with CaptureQueriesContext(connection) as two:
        client.get(_review_url())
    for number in range(10):
        commune = f.unit(f"07{number:03d}", parent=world.district)
        submission = f.submission(commune, world.h2, status=S.SUBMITTED, VU=number)
        submission.submitted_by = submission.updated_by = world.officer_a
        submission.save()
    with CaptureQueriesContext(connection) as twelve:
        response = client.get(_review_url())
    assert len(re.findall(r'class="list-group-item review-row"', _text(response))) == 13  # 12 communes + district
    assert len(twelve) == len(two)


# --- Submission page -----------------------------------------------------------------------------

SUBMISSION_EXPECTED = {
    "officer_a": (200, False),
    "officer_b": (403, False),
    "reviewer": (200, True),
    "leader": (200, False),
    "office": (200, False),
    "anonymous": (302, False),
}


@pytest.mark.parametrize("who", SUBMISSION_EXPECTED)
def test_submission_page_permissions(client_for, submitted, who):
    response = client_for(who).get(_submission_url())
    status, can_act = SUBMISSION_EXPECTED[who]
    assert response.status_code == status
    text = _text(response)
    assert ("Duyệt (khóa số liệu)" in text) is can_act
    if status == 200:
        assert "Số vụ phạm tội (vụ)" in text


def test_submission_page_shows_figures_computed_values_and_history(world, client_for, submitted):
    services.return_submission(user=world.reviewer, submission=submitted, reason="Số vụ chưa khớp")
    services.save_figures(
        user=world.officer_a,
        unit=world.a,
        period=world.h2,
        values={"VU": (4, "Bổ sung 2 vụ"), "LAMRO": (1, ""), "QL": (1, "")},
        version=3,
        submit=True,
    )
    text = _text(client_for("leader").get(_submission_url()))
    assert "25,0%" in text  # LAMRO 1 / VU 4
    assert "Số vụ phạm tội: 2 → <strong>4</strong>" in text
    assert "Ghi chú: Bổ sung 2 vụ" in text
    assert "Trả lại</strong>: Đã gửi → Bị trả lại" in text
    assert "Lý do: Số vụ chưa khớp" in text
    assert "Lịch sử chỉ để xem, không sửa được." in text
    history = text.split('id="history"')[1].split("</section>")[0]
    assert "<form" not in history and "<input" not in history  # the timeline offers no editing


# --- Approve, return, reopen ------------------------------------------------------------------------

ACTION_EXPECTED = {"officer_a": 403, "officer_b": 403, "reviewer": 302, "leader": 403, "office": 403, "anonymous": 302}


@pytest.mark.parametrize("who", ACTION_EXPECTED)
def test_approve_permissions(client_for, submitted, who):
    response = client_for(who).post(_submission_url("approve"), {"approve-version": submitted.version})
    assert response.status_code == ACTION_EXPECTED[who]
    submitted.refresh_from_db()
    assert submitted.status == (S.APPROVED if who == "reviewer" else S.SUBMITTED)


@pytest.mark.parametrize("who", ACTION_EXPECTED)
def test_return_permissions(client_for, submitted, who):
    response = client_for(who).post(
        _submission_url("return"), {"return-version": submitted.version, "return-reason": "Sai số vụ"}
    )
    assert response.status_code == ACTION_EXPECTED[who]
    submitted.refresh_from_db()
    assert submitted.status == (S.RETURNED if who == "reviewer" else S.SUBMITTED)


@pytest.mark.parametrize("who", ACTION_EXPECTED)
def test_reopen_permissions(world, client_for, submitted, who):
    services.approve(user=world.reviewer, submission=submitted)
    submitted.refresh_from_db()
    response = client_for(who).post(
        _submission_url("reopen"), {"reopen-version": submitted.version, "reopen-reason": "Bổ sung vụ tháng 12"}
    )
    assert response.status_code == ACTION_EXPECTED[who]
    submitted.refresh_from_db()
    assert submitted.status == (S.RETURNED if who == "reviewer" else S.APPROVED)


def test_approve_then_the_officer_is_told_why_they_cannot_edit(world, client_for, submitted):
    client = client_for("reviewer")
    response = client.post(_submission_url("approve"), {"approve-version": submitted.version}, follow=True)
    assert "Đã duyệt báo cáo của Xã Quảng Tân; số liệu đã khóa." in _text(response)
    text = _text(client_for("officer_a").get(reverse("indicators:entry", args=["06913", "2024-H2"])))
    assert "đã được Công an huyện duyệt lúc" in text


def test_return_without_reason_is_refused(client_for, submitted):
    response = client_for("reviewer").post(
        _submission_url("return"), {"return-version": submitted.version, "return-reason": ""}, follow=True
    )
    assert "Cần ghi lý do." in _text(response)
    submitted.refresh_from_db()
    assert submitted.status == S.SUBMITTED


def test_returned_reason_reaches_the_officer(client_for, submitted):
    client_for("reviewer").post(
        _submission_url("return"), {"return-version": submitted.version, "return-reason": "Thiếu vụ tháng 11"}
    )
    text = _text(client_for("officer_a").get(reverse("indicators:entry", args=["06913", "2024-H2"])))
    assert "Báo cáo bị trả lại, lý do:</strong> Thiếu vụ tháng 11" in text
    assert "Bị trả lại" in text


def test_approving_a_draft_is_refused_with_a_message(world, client_for):
    draft = f.submission(world.a, world.h2, status=S.DRAFT, VU=1)
    response = client_for("reviewer").post(_submission_url("approve"), {"approve-version": draft.version}, follow=True)
    assert "Không thể duyệt: báo cáo đang là bản nháp, đơn vị chưa gửi." in _text(response)
    draft.refresh_from_db()
    assert draft.status == S.DRAFT


def test_approving_a_report_changed_since_opened_is_refused(world, client_for, submitted):
    seen = submitted.version
    services.withdraw(user=world.officer_a, submission=submitted, version=seen)
    services.save_figures(
        user=world.officer_a,
        unit=world.a,
        period=world.h2,
        values={"VU": (9, ""), "LAMRO": (1, ""), "QL": (1, "")},
        version=seen + 1,
        submit=True,
    )
    response = client_for("reviewer").post(_submission_url("approve"), {"approve-version": seen}, follow=True)
    text = _text(response)
    assert "chưa lưu gì" in text and "Số vụ phạm tội: 2 → 9" in text
    assert Submission.objects.get().status == S.SUBMITTED


def test_approve_of_a_missing_submission_is_404(client_for):
    assert client_for("reviewer").post(_submission_url("approve"), {"approve-version": 0}).status_code == 404


def test_actions_need_post(client_for, submitted):
    assert client_for("reviewer").get(_submission_url("approve")).status_code == 405


# --- Remind ------------------------------------------------------------------------------------------

REMIND_EXPECTED = {"officer_a": 403, "officer_b": 403, "reviewer": 302, "leader": 403, "office": 403, "anonymous": 302}


@pytest.mark.parametrize("who", REMIND_EXPECTED)
def test_remind_button_permissions(client_for, who):
    response = client_for(who).post(_submission_url("remind"), {"next": _review_url()})
    assert response.status_code == REMIND_EXPECTED[who]
    assert [message.to for message in mail.outbox] == ([["officer_a@damha.example"]] if who == "reviewer" else [])


def test_remind_button_mails_the_officer_in_vietnamese_and_goes_back(client_for):
    response = client_for("reviewer").post(_submission_url("remind"), {"next": _review_url()}, follow=True)
    assert response.redirect_chain[-1][0] == _review_url()
    assert "Đã gửi thư nhắc Xã Quảng Tân tới: officer_a@damha.example." in _text(response)
    message = mail.outbox[0]
    assert message.subject == "[BCĐ huyện] Nhắc nhập số liệu 6 tháng cuối năm 2024 — Xã Quảng Tân"
    assert "Đơn vị chưa gửi báo cáo số liệu 6 tháng cuối năm 2024 (mã kỳ 2024-H2)." in message.body
    assert "http://testserver/entry/06913/2024-H2/" in message.body


def test_remind_ignores_an_offsite_next(client_for):
    response = client_for("reviewer").post(_submission_url("remind"), {"next": "https://example.com/"})
    assert response["Location"] == _submission_url()


def test_remind_without_an_email_address_says_so(world, client_for):
    world.officer_a.email = ""
    world.officer_a.save()
    response = client_for("reviewer").post(_submission_url("remind"), follow=True)
    assert "chưa có tài khoản nhập liệu nào có địa chỉ e-mail" in _text(response)
    assert mail.outbox == []


# --- Periods -------------------------------------------------------------------------------------------

PERIODS_EXPECTED = {"officer_a": 403, "officer_b": 403, "reviewer": 200, "leader": 403, "office": 200, "anonymous": 302}


@pytest.mark.parametrize("who", PERIODS_EXPECTED)
def test_periods_page_permissions(client_for, who):
    response = client_for(who).get(reverse("indicators:periods"))
    assert response.status_code == PERIODS_EXPECTED[who]
    if response.status_code == 200:
        assert "2024-H2" in _text(response) and 'id="period-2024"' not in _text(response)


@pytest.mark.parametrize("who", PERIODS_EXPECTED)
def test_closing_a_period(client_for, who):
    data = {"period": "2024-H2", "2024-H2-deadline": "2024-12-20"}  # is_open unticked
    response = client_for(who).post(reverse("indicators:periods"), data)
    allowed = PERIODS_EXPECTED[who] == 200
    assert response.status_code == (302 if allowed else PERIODS_EXPECTED[who])
    period = Period.objects.get(code="2024-H2")
    assert period.is_open is True  # review and office users close their own district, not everyone's
    settings = list(PeriodSetting.objects.values_list("period__code", "unit__code", "is_open", "deadline"))
    if allowed:
        assert settings == [("2024-H2", "200", False, datetime.date(2024, 12, 20))]
    else:
        assert settings == []


def test_closing_stops_entry_with_the_message(client_for):
    client_for("office").post(reverse("indicators:periods"), {"period": "2024-H2", "2024-H2-is_open": ""})
    text = _text(client_for("officer_a").get(reverse("indicators:entry", args=["06913", "2024-H2"])))
    assert re.search(
        r"Kỳ 2024-H2 đã khóa nhập liệu \(office khóa cho Huyện Đầm Hà lúc \d\d:\d\d \d\d/\d\d/\d{4}\)\.", text
    )


def test_periods_page_refuses_a_bad_date(world, client_for):
    response = client_for("reviewer").post(
        reverse("indicators:periods"), {"period": "2024-H2", "2024-H2-deadline": "31/31/2024"}
    )
    assert response.status_code == 400
    period = Period.objects.get(code="2024-H2")
    assert (period.is_open, period.deadline) == (True, world.h2.deadline)
    assert "Nhập một ngày hợp lệ." in _text(response)


def test_the_demo_offers_every_step_of_2024_h2(demo, client):
    """Point 10: the demo's open period has a unit not started, drafts, submitted and approved ones."""
    users = get_user_model().objects
    client.force_login(users.get(username="duyet"))
    text = _text(client.get(_review_url()))
    states = dict(re.findall(r'data-unit="(\w+)".*?review-state">([^<]+)<', text))
    assert states == {
        "200": "Chưa nhập",
        "06895": "Đã gửi",
        "06898": "Đã gửi",
        "06901": "Đã gửi",
        "06904": "Đã duyệt",
        "06910": "Đã gửi",
        "06913": "Chưa nhập",
        "06916": "Nháp",
        "06917": "Nháp",
        "06919": "Đã gửi",
    }
    client.force_login(users.get(username="congan.quangtan"))
    assert 'name="v_TTXH_VU"' in _text(client.get(reverse("indicators:entry", args=["06913", "2024-H2"])))
    client.force_login(users.get(username="congan.damha"))
    assert 'name="v_TTXH_VU" value="1"' in _text(client.get(reverse("indicators:entry", args=["06916", "2024-H2"])))
    assert users.get(username="congan.quangtan").email == "congan.quangtan@damha.example"
