"""Entry that never loses a figure (issue 15), server side: the session kept alive while
typing, an expired session sent to login and back, the read-only submitted report with
"Rút lại để sửa", the deadline countdown, the service worker and the manifest."""

import datetime
import json
import re
import time

import pytest
from django.urls import reverse
from django.utils import timezone

from damha.middleware import SEEN_AT_KEY
from indicators import selectors, services
from indicators.models import Submission, SubmissionStatus

S = SubmissionStatus
EXPIRED = "Phiên làm việc đã hết hạn, vui lòng đăng nhập lại — số liệu bạn đã nhập vẫn được giữ"


def _entry(unit="06913", period="2024-H2"):
    return reverse("indicators:entry", args=[unit, period])


def _text(response):
    return re.sub(r"\s+", " ", response.content.decode())


# --- Keep-alive ------------------------------------------------------------------------------------


def test_keepalive_moves_the_session_expiry_on(client_for, world):
    client = client_for("officer_a")
    session = client.session
    session[SEEN_AT_KEY] = time.time() - 10 * 60  # last refreshed ten minutes ago
    session.save()
    before = client.session.get_expiry_date()

    response = client.post(reverse("indicators:keepalive"))

    assert response.status_code == 204
    assert response.content == b""
    assert time.time() - client.session[SEEN_AT_KEY] < 5
    assert client.session.get_expiry_date() > before


def test_keepalive_answers_401_not_a_login_page_when_the_session_has_ended(client_for, world):
    response = client_for("anonymous").post(reverse("indicators:keepalive"))
    assert response.status_code == 401
    assert response.json() == {"ok": False, "expired": True, "message": EXPIRED}


def test_keepalive_is_post_only(client_for, world):
    assert client_for("officer_a").get(reverse("indicators:keepalive")).status_code == 405


# --- Expired session -------------------------------------------------------------------------------


def test_a_save_after_the_session_ended_goes_to_login_with_the_message_and_back(client_for, world):
    client = client_for("anonymous")
    response = client.post(_entry(), {"version": 0, "action": "draft", "v_VU": "7"}, follow=True)

    assert response.redirect_chain == [(reverse("login") + "?next=" + _entry(), 302)]
    assert EXPIRED in [str(message) for message in response.context["messages"]]
    assert EXPIRED in _text(response)
    assert Submission.objects.count() == 0  # nothing written; the browser keeps the 7


def test_a_return_posted_after_the_session_ended_comes_back_to_the_submission_page(client_for, world):
    services.save_figures(
        user=world.officer_a, unit=world.a, period=world.h2, values={"VU": (1, "")}, version=0, submit=True
    )
    url = reverse("indicators:return", args=["06913", "2024-H2"])
    response = client_for("anonymous").post(url, {"return-version": 2, "return-reason": "Sai số"}, follow=True)
    page = reverse("indicators:submission", args=["06913", "2024-H2"])
    assert response.redirect_chain == [(reverse("login") + "?next=" + page, 302)]
    assert EXPIRED in _text(response)
    assert Submission.objects.get().status == S.SUBMITTED


# --- Submitted: read-only, "Rút lại để sửa" -------------------------------------------------------


def _submitted(world):
    return services.save_figures(
        user=world.officer_a, unit=world.a, period=world.h2, values={"VU": (3, "")}, version=0, submit=True
    )


def test_a_submitted_report_shows_read_only_with_one_withdraw_action(client_for, world):
    _submitted(world)
    text = _text(client_for("officer_a").get(_entry()))
    assert 'name="v_VU"' not in text
    assert 'value="draft"' not in text and 'value="submit"' not in text  # neither save button
    assert len(re.findall(r"<summary[^>]*>Rút lại để sửa</summary>", text)) == 1
    assert "Xác nhận rút lại để sửa" in text


def test_draft_posted_to_a_submitted_report_is_refused_not_withdrawn(client_for, world):
    _submitted(world)
    response = client_for("officer_a").post(_entry(), {"version": 2, "action": "draft", "v_VU": "4"})
    assert response.status_code == 400
    assert "Báo cáo đã gửi, đang chờ duyệt nên không sửa được." in _text(response)
    submission = Submission.objects.get()
    assert (submission.status, submission.version, submission.figures.get().value) == (S.SUBMITTED, 2, 3)


def test_entry_page_carries_the_lock_message_for_figures_kept_against_an_older_version(client_for, world):
    # static/js/entry.js shows it (with both values) instead of restoring older figures silently.
    assert 'id="server-newer-message"></p>' in _text(client_for("officer_a").get(_entry()))  # no report yet
    saved = services.save_figures(
        user=world.officer_a, unit=world.a, period=world.h2, values={"VU": (3, "")}, version=0
    )
    when = timezone.localtime(saved.updated_at).strftime("%H:%M %d/%m/%Y")
    assert (
        f'id="server-newer-message">Báo cáo vừa được Công an Quảng Tân thay đổi lúc {when} trong khi bạn đang nhập, '
        "nên chưa lưu gì. Hãy xem các thay đổi, sửa lại nếu cần rồi bấm lưu lần nữa.</p>"
    ) in _text(client_for("officer_a").get(_entry()))


WITHDRAW_EXPECTED = {
    "officer_a": (S.DRAFT, "Đã rút lại báo cáo về bản nháp."),
    "officer_b": (S.SUBMITTED, None),
    "reviewer": (S.SUBMITTED, "chỉ được xem hoặc duyệt"),
    "leader": (S.SUBMITTED, "chỉ được xem hoặc duyệt"),
    "office": (S.SUBMITTED, "chỉ được xem hoặc duyệt"),
    "anonymous": (S.SUBMITTED, None),
}


@pytest.mark.parametrize("who", WITHDRAW_EXPECTED)
def test_withdraw_view_permissions(client_for, world, who):
    _submitted(world)
    client = client_for(who)
    response = client.post(reverse("indicators:withdraw", args=["06913", "2024-H2"]), {"withdraw-version": 2})
    status, message = WITHDRAW_EXPECTED[who]
    assert Submission.objects.get().status == status
    if who == "officer_b":
        assert response.status_code == 403
    elif who == "anonymous":
        assert response["Location"] == reverse("login") + "?next=" + _entry()
    else:
        assert response["Location"] == _entry()
        assert message in _text(client.get(_entry()))


def test_withdraw_view_leaves_a_history_entry_shown_on_the_submission_page(client_for, world):
    _submitted(world)
    client = client_for("officer_a")
    response = client.post(
        reverse("indicators:withdraw", args=["06913", "2024-H2"]), {"withdraw-version": 2}, follow=True
    )
    assert "Đã rút lại báo cáo về bản nháp." in _text(response)
    history = re.sub(r"<[^>]+>", "", _text(client.get(reverse("indicators:submission", args=["06913", "2024-H2"]))))
    assert "Rút lại để sửa: Đã gửi → Nháp" in history


# --- Countdown -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days", "text", "urgent"),
    [
        (3, "còn 3 ngày", True),
        (10, "còn 10 ngày", False),
        (0, "hôm nay là hạn cuối", True),
        (-2, "đã quá hạn 2 ngày", True),
    ],
)
def test_deadline_countdown(world, days, text, urgent):
    today = datetime.date(2024, 12, 1)
    world.h2.deadline = today + datetime.timedelta(days=days)
    assert selectors.deadline_countdown(world.h2, today=today) == {"days": days, "text": text, "urgent": urgent}


def test_no_countdown_without_deadline_or_on_a_closed_period(world):
    world.h2.deadline = None
    assert selectors.deadline_countdown(world.h2) is None
    world.h2.deadline, world.h2.is_open = timezone.localdate(), False
    assert selectors.deadline_countdown(world.h2) is None


def test_the_entry_page_shows_the_countdown(client_for, world):
    world.h2.deadline = timezone.localdate() + datetime.timedelta(days=3)
    world.h2.save()
    text = _text(client_for("officer_a").get(_entry()))
    assert re.search(r'id="deadline-countdown">còn 3 ngày<', text)


# --- Installable: manifest, service worker, offline page ------------------------------------------


def test_manifest(client):
    response = client.get("/manifest.webmanifest")
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert (manifest["start_url"], manifest["scope"], manifest["display"]) == ("/", "/", "standalone")
    assert manifest["short_name"] == "BCĐ Đầm Hà"
    assert [(icon["sizes"], icon["purpose"]) for icon in manifest["icons"]] == [
        ("192x192", "any"),
        ("512x512", "any"),
        ("512x512", "maskable"),
    ]


def test_service_worker_is_served_from_the_root(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert response["Service-Worker-Allowed"] == "/"
    # No stale worker: always revalidated (and, as every answer of the site, never stored).
    assert "no-cache" in response["Cache-Control"]
    assert 'const OFFLINE_URL = "/offline/";' in response.content.decode()
    # The worker keeps the pinned CDN files: its own CSP lets it connect there, a page's does not.
    assert "connect-src 'self' https://cdn.jsdelivr.net" in response["Content-Security-Policy"]
    assert "connect-src" not in client.get(reverse("login"))["Content-Security-Policy"]


def test_entry_page_is_marked_for_the_offline_cache_of_its_user_only(client_for, world):
    response = client_for("officer_a").get(_entry())
    assert (response["X-Damha-Offline"], response["X-Damha-User"]) == ("entry", str(world.officer_a.pk))
    assert "X-Damha-Offline" not in client_for("officer_a").get(
        reverse("indicators:submission", args=["06913", "2024-H2"])
    )


def test_offline_page_shows_nothing_of_the_user(client_for, world):
    text = _text(client_for("officer_a").get(reverse("indicators:offline")))
    assert "Không có mạng" in text
    assert 'data-user=""' in text
    assert "officer_a" not in text and 'id="logout-form"' not in text


def test_logout_clears_the_sites_data(client_for, world):
    response = client_for("officer_a").post(reverse("logout"))
    assert response["Clear-Site-Data"] == '"cache", "storage"'
