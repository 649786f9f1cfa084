"""Infrastructure findings of the outside probe (issue 17): SQLite under concurrent writes and
its deploy check (5), server errors logged in production (6), a security log that cannot
be forged (7), and no copy of any authenticated answer kept by a browser (9)."""

import io
import json
import logging
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from damha.security import field
from tests import factories
from tests.test_security import manage, production_env

ROOT = Path(__file__).resolve().parents[2]


# --- 5. SQLite: immediate transactions, a busy timeout, WAL; a deploy check ------------------


def test_sqlite_connection_options_make_writers_queue():
    """A fresh process with the default database (DATABASE_URL empty)."""
    env = {**os.environ, "DATABASE_URL": "", "DJANGO_SETTINGS_MODULE": "damha.settings", "DJANGO_DEBUG": "1"}
    code = "from django.conf import settings; import json; print(json.dumps(settings.DATABASES['default']['OPTIONS']))"
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert json.loads(result.stdout) == {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
    }


CONCURRENT_WRITERS = textwrap.dedent(
    """
    import threading, django
    django.setup()
    from django.db import connection, transaction
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE counter (n integer)")
        cursor.execute("INSERT INTO counter VALUES (0)")
        mode = cursor.execute("PRAGMA journal_mode").fetchone()[0]
    connection.close()
    errors, barrier = [], threading.Barrier(12)

    def writer():
        barrier.wait()
        for _ in range(15):
            try:
                with transaction.atomic():  # read, then write: what a submit does
                    with connection.cursor() as cursor:
                        n = cursor.execute("SELECT n FROM counter").fetchone()[0]
                        cursor.execute("UPDATE counter SET n = %s", [n + 1])
            except Exception as exc:
                errors.append(repr(exc))
        connection.close()

    threads = [threading.Thread(target=writer) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with connection.cursor() as cursor:
        total = cursor.execute("SELECT n FROM counter").fetchone()[0]
    print(mode, len(errors), total)
    """
)


def test_concurrent_read_then_write_transactions_on_sqlite_all_succeed(tmp_path):
    """12 threads × 15 read-then-write transactions on one SQLite file: no "database is
    locked", no lost update (on main: most of them failed at once with "database is locked")."""
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'load.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "damha.settings",
        "DJANGO_DEBUG": "1",
    }
    result = subprocess.run(
        [sys.executable, "-c", CONCURRENT_WRITERS], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.stdout.split() == ["wal", "0", "180"], result.stderr[-2000:]


def test_check_deploy_warns_about_sqlite_in_production(tmp_path):
    result = manage(
        production_env(tmp_path, DAMHA_SQLITE_PRODUCTION=None), "check", "--deploy", "--fail-level", "WARNING"
    )
    assert result.returncode == 1
    assert "(damha.W002) Máy chủ đang chạy với SQLite" in result.stderr
    assert "đặt DAMHA_SQLITE_PRODUCTION=1" in result.stderr


# --- 6. Server errors reach the console in production, with a request id --------------------


def test_production_logs_a_server_error_as_one_json_line_with_its_traceback(tmp_path):
    code = (
        "import logging; from damha import logs; logs.request_id.set('probe-1234abcd')\n"
        "try:\n    1 / 0\nexcept ZeroDivisionError:\n"
        "    logging.getLogger('django.request').error('Internal Server Error: /x', exc_info=True)\n"
    )
    result = manage(production_env(tmp_path), "shell", "-c", code)
    lines = [line for line in result.stderr.splitlines() if line.startswith("{")]
    assert len(lines) == 1, result.stderr
    entry = json.loads(lines[0])
    assert entry["level"] == "ERROR" and entry["logger"] == "django.request"
    assert entry["request_id"] == "probe-1234abcd"
    assert entry["message"] == "Internal Server Error: /x"
    assert "ZeroDivisionError: division by zero" in entry["traceback"]


@pytest.fixture
def console():
    """What the console handler writes (the handler of settings.LOGGING, stream swapped)."""
    handler = logging.getLogger("django.request").handlers[0]
    stream, previous = io.StringIO(), handler.stream
    handler.stream = stream  # not setStream(): it flushes the old stream, which pytest may have closed
    yield stream
    handler.stream = previous


def test_a_500_is_logged_with_traceback_and_the_request_id_it_answered(demo, console):
    client = Client(raise_request_exception=False)
    client.force_login(get_user_model().objects.get(username="congan.quangtan"))
    with mock.patch("indicators.services.edit_blocker", side_effect=RuntimeError("boom in edit_blocker")):
        response = client.get("/entry/06913/2024-H2/")
    assert response.status_code == 500
    request_id = response.headers["X-Request-ID"]
    assert len(request_id) == 32
    text = console.getvalue()
    assert f"ERROR django.request [{request_id}] Internal Server Error: /entry/06913/2024-H2/" in text
    assert "RuntimeError: boom in edit_blocker" in text
    assert "Traceback (most recent call last)" in text


def test_a_plain_request_id_from_the_proxy_is_kept_and_a_strange_one_replaced(client, db):
    assert client.get("/healthz", HTTP_X_REQUEST_ID="nginx-0123456789").headers["X-Request-ID"] == "nginx-0123456789"
    replaced = client.get("/healthz", HTTP_X_REQUEST_ID="a\nb").headers["X-Request-ID"]
    assert replaced != "a\nb" and len(replaced) == 32


# --- 7. The security log cannot be forged -----------------------------------------------------


def test_a_newline_in_a_username_cannot_write_a_second_log_line(client, db, caplog):
    caplog.set_level("INFO", logger="damha.security")
    forged = "x\n2026-01-01 00:00:00,000 INFO damha.security login user=admin ip=10.0.0.1"
    client.post(reverse("login"), {"username": forged, "password": "sai"}, REMOTE_ADDR="10.1.1.7")
    lines = [record.getMessage() for record in caplog.records if record.name == "damha.security"]
    assert lines == [
        'login failed user="x\\x0a2026-01-01 00:00:00,000 INFO damha.security login user=admin ip=10.0.0.1" ip=10.1.1.7'
    ]
    assert "\n" not in lines[0]


def test_a_huge_username_is_refused_by_the_form_and_never_logged_whole(client, db, caplog):
    """On PostgreSQL a 100,000-character username reached django-axes, whose 255-character
    column answered 500; on SQLite it was logged whole."""
    from axes.models import AccessAttempt

    caplog.set_level("INFO", logger="damha.security")
    for url in (reverse("login"), "/admin/login/"):
        response = client.post(url, {"username": "a" * 100_000, "password": "sai"}, REMOTE_ADDR="10.1.1.7")
        assert response.status_code == 200, url  # the form again, not a 500
        assert "username" in response.context["form"].errors
    assert AccessAttempt.objects.count() == 0
    assert all(len(record.getMessage()) < 400 for record in caplog.records)
    assert field("a" * 100_000) == "a" * 150 + "…(+99850)"


def test_a_refused_path_with_control_characters_is_escaped(db, caplog):
    from django.test import RequestFactory

    from damha.security import log_refused

    request = RequestFactory().get("/")
    request.path = "/dashboard/06916\n2026-01-01 INFO damha.security login user=admin/2024-H1/"
    request.user = factories.user("canbo")
    caplog.set_level("WARNING", logger="damha.security")
    log_refused(request, "Không có quyền.\nlogin user=admin")
    (message,) = [record.getMessage() for record in caplog.records if record.name == "damha.security"]
    assert message == (
        'refused user=canbo ip=127.0.0.1 GET "/dashboard/06916\\x0a2026-01-01 INFO damha.security '
        'login user=admin/2024-H1/": Không có quyền.\\x0alogin user=admin'
    )


@pytest.mark.parametrize(
    ("value", "logged"),
    [
        ("canbo", "canbo"),
        ("Nguyễn Văn A", '"Nguyễn Văn A"'),
        ("a\rb\tc\x1bd\\e", "a\\x0db\\x09c\\x1bd\\\\e"),
        ("x\u2028y", "x\\u2028y"),
        ('a"b', '"a\\"b"'),
        ("", '""'),
        (None, "-"),
    ],
)
def test_log_fields_are_escaped_and_quoted(value, logged):
    assert field(value) == logged


# --- 9. No copy of an authenticated answer is kept -------------------------------------------


def test_every_authenticated_answer_is_private_and_not_stored(demo, client):
    client.force_login(get_user_model().objects.get(username="duyet"))
    for url in (
        "/dashboard/200/2024-H1/",
        "/dashboard/200/2024-H1/export.xlsx",
        "/api/v1/progress/200/2024-H1/",
        "/review/200/2024-H2/",
        "/entry/200/2024-H2/",
        "/import/template/200/2024-H2.xlsx",
        "/submission/06913/2024-H1/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        directives = {part.strip() for part in response.headers["Cache-Control"].split(",")}
        assert {"private", "no-store"} <= directives, url


def test_report_downloads_are_private_and_not_stored(report_demo_data, client):
    """The probe named report downloads too: the final report's page, PDF, DOCX and XLSX."""
    from reports.models import ReportDocument

    client.force_login(get_user_model().objects.get(username="vanphong"))
    report = ReportDocument.objects.get()
    for suffix in ("/", ".pdf", ".docx", ".xlsx"):
        response = client.get(f"/reports/{report.pk}{suffix}")
        assert response.status_code == 200, suffix
        directives = {part.strip() for part in response.headers["Cache-Control"].split(",")}
        assert {"private", "no-store"} <= directives, suffix


def test_static_files_keep_their_cache_lifetime(client, db):
    assert settings.MIDDLEWARE.index("damha.middleware.NoStoreMiddleware") > settings.MIDDLEWARE.index(
        "whitenoise.middleware.WhiteNoiseMiddleware"
    )
