"""Production settings, Content-Security-Policy, session lifetime and login throttling
(issue 9, points 1 and 2; docs/security.md)."""

import datetime
import json
import os
import re
import secrets
import subprocess
import sys
import time
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from damha.security import client_ip
from damha.sessions import LOGIN_AT_KEY, SEEN_AT_KEY
from tests import factories

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "mat-khau-thu-nghiem-12"  # tests/factories.py


# --- Production mode, in a fresh process with the environment a server would have ----


def production_env(tmp_path, **overrides):
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_URL", "DAMHA_"))}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "damha.settings",
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "bcd.damha.example",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.sqlite3'}",
            # An embedded install on purpose; damha.W002 is tested in tests/damha/test_hardening.py.
            "DAMHA_SQLITE_PRODUCTION": "1",
        }
    )
    env.update(overrides)
    return {key: value for key, value in env.items() if value is not None}


def manage(env, *args):
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize("behind_proxy", ["0", "1"])
def test_check_deploy_passes_with_production_environment(tmp_path, behind_proxy):
    result = manage(
        production_env(tmp_path, DJANGO_BEHIND_PROXY=behind_proxy), "check", "--deploy", "--fail-level", "WARNING"
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_check_deploy_refuses_to_start_without_secret_key(tmp_path):
    result = manage(production_env(tmp_path, DJANGO_SECRET_KEY=None), "check", "--deploy")
    assert result.returncode == 1
    assert "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off" in result.stderr


def test_check_deploy_fails_with_a_weak_secret_key(tmp_path):
    result = manage(
        production_env(tmp_path, DJANGO_SECRET_KEY="short-key"), "check", "--deploy", "--fail-level", "WARNING"
    )
    assert result.returncode == 1
    assert "security.W009" in result.stderr + result.stdout


PROBE = """
import json
from django.test import Client
c = Client(HTTP_HOST="bcd.damha.example")
out = {}
for name, path, extra in [
    ("plain", "/", {}),
    ("proxied", "/", {"HTTP_X_FORWARDED_PROTO": "https"}),
    ("healthz", "/healthz", {}),
]:
    r = c.get(path, **extra)
    out[name] = {"status": r.status_code, "headers": dict(r.headers)}
print(json.dumps(out))
"""


def test_production_headers_behind_a_tls_terminating_proxy(tmp_path):
    # No migrate: none of the three requests reads a table (anonymous, no session cookie;
    # /healthz/ asks the database for SELECT 1), and a fresh migrate cost seconds.
    result = manage(production_env(tmp_path, DJANGO_BEHIND_PROXY="1"), "shell", "--no-imports", "-c", PROBE)
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout.strip().splitlines()[-1])

    # Plain HTTP is sent to HTTPS...
    assert out["plain"]["status"] == 301
    assert out["plain"]["headers"]["Location"] == "https://bcd.damha.example/"
    # ...but a request the proxy marks as HTTPS is served (here: login required).
    proxied = out["proxied"]
    assert proxied["status"] == 302
    assert proxied["headers"]["Location"] == "/accounts/login/?next=/"
    assert proxied["headers"]["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert proxied["headers"]["X-Frame-Options"] == "DENY"
    assert proxied["headers"]["X-Content-Type-Options"] == "nosniff"
    assert proxied["headers"]["Referrer-Policy"] == "same-origin"
    assert "frame-ancestors 'none'" in proxied["headers"]["Content-Security-Policy"]
    # Load balancers probe /healthz over plain HTTP on the private network.
    assert out["healthz"]["status"] == 200


def test_production_settings_values(tmp_path):
    probe = (
        "import json; from django.conf import settings as s; print(json.dumps([s.DEBUG, s.SESSION_COOKIE_SECURE, "
        "s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, s.SECURE_PROXY_SSL_HEADER, s.SESSION_COOKIE_AGE, "
        "s.SESSION_SAVE_EVERY_REQUEST, s.DAMHA_SESSION_MAX_AGE]))"
    )
    result = manage(production_env(tmp_path, DJANGO_BEHIND_PROXY="1"), "shell", "--no-imports", "-c", probe)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [
        False,
        True,
        True,
        True,
        ["HTTP_X_FORWARDED_PROTO", "https"],
        1800,
        False,  # the expiry moves at most once a minute (damha.middleware), not every request
        43200,
    ]


def test_passwords_need_twelve_characters(db):
    with pytest.raises(ValidationError) as refused:
        validate_password("Qx7!mPz2rK9")  # 11 characters, otherwise strong
    assert [e.code for e in refused.value.error_list] == ["password_too_short"]
    validate_password("Qx7!mPz2rK9w")  # 12 characters: accepted (no exception)


# --- Content-Security-Policy ---------------------------------------------------------


def csp_directives(response):
    header = response.headers["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in (p.strip() for p in header.split(";")) if part}


def test_csp_on_login_page_forbids_inline_script(client, db):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    directives = csp_directives(response)
    assert directives == {
        "default-src": ["'self'"],
        "script-src": ["'self'", "https://cdn.jsdelivr.net"],
        "style-src": ["'self'", "https://cdn.jsdelivr.net"],
        "img-src": ["'self'", "data:"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
    assert "'unsafe-inline'" not in directives["script-src"]
    assert "'unsafe-eval'" not in directives["script-src"]


TEMPLATE_DIRS = [ROOT / "templates", *ROOT.glob("*/templates")]
INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I), "inline <script>"),
    (re.compile(r"<style\b", re.I), "<style> element"),
    (re.compile(r"\sstyle=", re.I), "style attribute"),
    (re.compile(r"\son[a-z]+=", re.I), "event handler attribute"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
]


def test_templates_have_no_inline_script_or_style():
    """The strict CSP would block these in the browser; catch them before it does."""
    found = []
    templates = [path for folder in TEMPLATE_DIRS for path in folder.rglob("*.html")]
    assert len(templates) >= 8  # the scan sees the project's templates
    for path in templates:
        text = path.read_text(encoding="utf-8")
        for pattern, what in INLINE:
            for match in pattern.finditer(text):
                found.append(f"{path.relative_to(ROOT)}: {what}: {match.group(0)!r}")
    assert found == []


# --- Sessions: 30 minutes idle, 12 hours at most -------------------------------------


def session_row(client):
    return Session.objects.get(session_key=client.cookies["sessionid"].value)


def test_session_expiry_moves_on_at_most_once_a_minute(client, db):
    client.force_login(factories.user("canbo"))
    row = session_row(client)
    row.expire_date = timezone.now() + datetime.timedelta(minutes=1)
    row.save()
    # Within a minute of the login (or of the last move): the session is not written.
    assert client.get(reverse("home")).status_code == 200
    remaining = session_row(client).expire_date - timezone.now()
    assert remaining <= datetime.timedelta(minutes=1)
    # A minute later: the next request moves the expiry 30 minutes on.
    session = client.session
    session[SEEN_AT_KEY] = time.time() - 61
    session.save()
    row = session_row(client)
    row.expire_date = timezone.now() + datetime.timedelta(minutes=1)
    row.save()
    assert client.get(reverse("home")).status_code == 200
    remaining = session_row(client).expire_date - timezone.now()
    assert datetime.timedelta(minutes=29) < remaining <= datetime.timedelta(minutes=30)
    assert time.time() - client.session[SEEN_AT_KEY] < 5


def test_a_page_within_the_minute_costs_no_session_write(client, db):
    client.force_login(factories.user("canbo"))
    with CaptureQueriesContext(connection) as captured:
        client.get(reverse("home"))
    assert not [q for q in captured.captured_queries if "django_session" in q["sql"] and "UPDATE" in q["sql"]]


def test_session_ends_after_thirty_minutes_idle(client, db):
    client.force_login(factories.user("canbo"))
    assert client.get(reverse("home")).status_code == 200
    row = session_row(client)
    row.expire_date = timezone.now() - datetime.timedelta(seconds=1)  # 30 min since the last request
    row.save()
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.headers["Location"] == "/accounts/login/?next=/"


def test_a_late_answer_to_the_old_cookie_does_not_log_out_after_a_password_change(db):
    """A request sent with the session cookie before the password change (which gives the
    session a new key) and answered after it must not delete the new cookie: Django's own
    middleware answered it with "delete sessionid" and the user found themselves logged out
    (seen in the browser test of the forced change: the service worker's update check)."""
    factories.user("canbo")
    browser = Client()
    assert browser.post(reverse("login"), {"username": "canbo", "password": PASSWORD}).status_code == 302
    old = browser.cookies["sessionid"].value
    new_password = "mat-khau-moi-cua-canbo-2026"
    response = browser.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": new_password, "new_password2": new_password},
    )
    assert response.status_code == 302
    new = browser.cookies["sessionid"].value
    assert new != old and not Session.objects.filter(session_key=old).exists()

    late = Client()  # the request that left with the old cookie
    late.cookies["sessionid"] = old
    for url in ("/sw.js", reverse("home"), "/healthz"):
        answer = late.get(url)
        assert "sessionid" not in answer.cookies, url  # no Set-Cookie: the browser keeps the new one
    assert browser.get(reverse("home")).status_code == 200  # still logged in with the new session

    # A logout still deletes the cookie.
    answer = browser.post(reverse("logout"))
    assert answer.cookies["sessionid"].value == ""
    assert answer.cookies["sessionid"]["max-age"] == 0


def age_login(client, seconds):
    session = client.session
    session[LOGIN_AT_KEY] = time.time() - seconds
    session.save()


def test_login_time_is_stamped_on_the_login_request(client, db):
    factories.user("canbo")
    before = time.time()
    response = client.post(reverse("login"), {"username": "canbo", "password": PASSWORD})
    assert response.status_code == 302
    assert before <= client.session[LOGIN_AT_KEY] <= time.time()


def test_session_still_open_just_under_twelve_hours(client, db):
    client.force_login(factories.user("canbo"))
    client.get(reverse("home"))
    age_login(client, 12 * 3600 - 60)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert response.context["user"].username == "canbo"


def test_session_ends_twelve_hours_after_login_with_a_message(client, db, caplog):
    client.force_login(factories.user("canbo"))
    client.get(reverse("home"))
    age_login(client, 12 * 3600 + 1)
    caplog.set_level("INFO", logger="damha.security")
    response = client.get(reverse("home"), follow=True)
    assert response.redirect_chain == [("/accounts/login/?next=/", 302)]
    assert "_auth_user_id" not in client.session
    assert [str(m) for m in response.context["messages"]] == [
        "Phiên làm việc đã hết hạn (tối đa 12 giờ kể từ khi đăng nhập). Vui lòng đăng nhập lại."
    ]
    assert "session ended user=canbo" in caplog.text


# --- Login throttling (django-axes) --------------------------------------------------


def try_login(client, password, ip="10.1.1.7", username="canbo"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip)


LOCKOUT_TEXT = "Tài khoản này đã bị tạm khóa trên máy của bạn vì nhập sai mật khẩu 5 lần liên tiếp."


def test_four_wrong_passwords_are_only_refused(client, db):
    factories.user("canbo")
    for _ in range(4):
        response = try_login(client, "sai-mat-khau")
        assert response.status_code == 200
        assert response.context["form"].errors["__all__"]
    assert AccessAttempt.objects.get(username="canbo").failures_since_start == 4
    assert try_login(client, PASSWORD).status_code == 302  # right password still works
    assert AccessAttempt.objects.count() == 0  # and clears the count


def test_fifth_wrong_password_locks_username_and_address_for_15_minutes(client, db, caplog):
    factories.user("canbo")
    caplog.set_level("INFO", logger="damha.security")
    statuses = [try_login(client, "sai-mat-khau").status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 200, 429]

    # The sixth attempt, with the RIGHT password, is refused while locked.
    response = try_login(client, PASSWORD)
    assert response.status_code == 429
    text = response.content.decode()
    assert LOCKOUT_TEXT in text
    assert "Vui lòng thử lại sau 15 phút." in text
    assert "_auth_user_id" not in client.session

    assert "login failed user=canbo ip=10.1.1.7" in caplog.text
    assert "lockout user=canbo ip=10.1.1.7" in caplog.text
    assert "login user=canbo" not in caplog.text


def test_lockout_is_for_the_pair_not_the_whole_account(client, db):
    factories.user("canbo")
    factories.user("canbo2")
    for _ in range(5):
        try_login(client, "sai-mat-khau")
    # The same officer from another address, and another officer from the same address.
    assert try_login(client, PASSWORD, ip="10.1.1.8").status_code == 302
    client.logout()
    assert try_login(client, PASSWORD, username="canbo2").status_code == 302


def test_lockout_ends_after_15_minutes(client, db):
    factories.user("canbo")
    for _ in range(5):
        try_login(client, "sai-mat-khau")
    attempt = AccessAttempt.objects.get(username="canbo")
    attempt.attempt_time = timezone.now() - datetime.timedelta(minutes=14)
    attempt.save()
    assert try_login(client, PASSWORD).status_code == 429  # still locked (and the wait starts again)
    attempt = AccessAttempt.objects.get(username="canbo")
    attempt.attempt_time = timezone.now() - datetime.timedelta(minutes=15, seconds=1)
    attempt.save()
    assert try_login(client, PASSWORD).status_code == 302


def test_admin_login_is_throttled_too(client, db):
    factories.user("quantri", superuser=True)
    url = reverse("admin:login")
    for _ in range(5):
        client.post(url, {"username": "quantri", "password": "sai"}, REMOTE_ADDR="10.1.1.9")
    response = client.post(url, {"username": "quantri", "password": PASSWORD}, REMOTE_ADDR="10.1.1.9")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_successful_login_is_logged(client, db, caplog):
    factories.user("canbo")
    caplog.set_level("INFO", logger="damha.security")
    assert try_login(client, PASSWORD).status_code == 302
    assert "login user=canbo ip=10.1.1.7" in caplog.text


def request_from(remote, forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_client_address_without_proxy_ignores_forwarded_header(settings):
    settings.DAMHA_BEHIND_PROXY = False
    assert client_ip(request_from("203.0.113.5", "198.51.100.1")) == "203.0.113.5"


def test_client_address_behind_proxy_is_the_entry_the_proxy_added(settings):
    settings.DAMHA_BEHIND_PROXY = True
    settings.DAMHA_PROXY_HOPS = 1
    # The client wrote "1.1.1.1" itself; nginx appended the address it saw.
    assert client_ip(request_from("127.0.0.1", "1.1.1.1, 203.0.113.5")) == "203.0.113.5"
    settings.DAMHA_PROXY_HOPS = 2  # load balancer → nginx → app
    assert client_ip(request_from("127.0.0.1", "203.0.113.5, 10.0.0.2")) == "203.0.113.5"
    # No header (a request that bypassed the proxy): the socket's address.
    assert client_ip(request_from("127.0.0.1")) == "127.0.0.1"
