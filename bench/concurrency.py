"""50 concurrent submissions at the deadline, and two editors of one submission (issue 9, point 5).

One command (from the project root):

    /work/main/.venv/bin/python bench/concurrency.py
    # SQLite, the embedded default (issue 17): 30 communes
    LOAD_DATABASE_URL=sqlite:////tmp/damha-load.sqlite3 LOAD_USERS=30 .venv/bin/python bench/concurrency.py

What it does, bounded and self-stopping:
1. recreates the PostgreSQL database ``h_sec2_load`` (override with LOAD_DATABASE_URL; a
   ``sqlite:///`` URL recreates that file instead),
   migrates it, loads the demo and adds 50 communes (LT01…LT50) under Huyện Đầm Hà, each
   with its own entry user, plus one commune (LT99) with two entry users;
2. starts gunicorn (3 workers) on 127.0.0.1:8110 (loopback only);
3. 50 threads at once: each logs in, saves the entry form as a draft, then submits it;
4. two editors load LT99's entry page at the same version and save at the same moment;
5. checks in the database: 50 submitted submissions, every figure as sent, versions 2
   (draft then submit), no 5xx; exactly one editor's save won, the other got 409 with the
   stale-version message, the winner's figures are stored, nothing else;
6. stops gunicorn and prints the figures. Exit status 0 only when every check holds.
"""

import concurrent.futures
import http.cookiejar
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DB_NAME = "h_sec2_load"
DATABASE_URL = os.environ.get("LOAD_DATABASE_URL") or f"postgres://root@127.0.0.1:5432/{DB_NAME}"
PORT = int(os.environ.get("LOAD_PORT", "8110"))
BASE = f"http://127.0.0.1:{PORT}"
USERS = int(os.environ.get("LOAD_USERS", "50"))
PERIOD = "2024-H2"
PASSWORD = "tai-thu-2024-dam-ha"  # noqa: S105 - a throwaway load-test database only
REQUEST_TIMEOUT = 180
TOTAL_TIMEOUT = 400
STALE = "trong khi bạn đang nhập, nên chưa lưu gì"

ENV = {
    **os.environ,
    "DATABASE_URL": DATABASE_URL,
    "DJANGO_DEBUG": "1",  # plain HTTP on loopback; the settings are otherwise production's
    "DAMHA_ASSETS": "local",
}

SETUP = f"""
from django.contrib.auth import get_user_model
from django.db import transaction
from committees.models import AdministrativeUnit, Level, Role, UnitRole
district = AdministrativeUnit.objects.get(code="200")
User = get_user_model()
with transaction.atomic():
    for code, users in [(f"LT{{n:02d}}", [f"tai.lt{{n:02d}}"]) for n in range(1, {USERS} + 1)] + [
        ("LT99", ["soan.a", "soan.b"])
    ]:
        unit = AdministrativeUnit.objects.create(
            code=code, name=f"Xã thử tải {{code}}", kind="xã", level=Level.COMMUNE, parent=district
        )
        for username in users:
            user = User.objects.create_user(username=username, password="{PASSWORD}")
            UnitRole.objects.create(user=user, unit=unit, role=Role.ENTRY)
"""


def manage(*args, stdin=None):
    subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=ENV, check=True, input=stdin, text=True, capture_output=True
    )


def prepare():
    if DATABASE_URL.startswith("sqlite:"):
        path = Path(DATABASE_URL.removeprefix("sqlite:///"))
        for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            leftover.unlink(missing_ok=True)
        manage("migrate", "--verbosity", "0")
        manage("load_demo")
        manage("shell", stdin=SETUP)
        return
    db = urllib.parse.urlparse(DATABASE_URL)
    connect = ["-h", db.hostname or "127.0.0.1", "-p", str(db.port or 5432), "-U", db.username or "root"]
    name = db.path.lstrip("/")
    subprocess.run(["dropdb", *connect, "--if-exists", "--force", name], check=True)
    subprocess.run(["createdb", *connect, name], check=True)
    manage("migrate", "--verbosity", "0")
    manage("load_demo")
    manage("shell", stdin=SETUP)


class Browser:
    """A cookie-keeping HTTP client that records every status it sees."""

    def __init__(self, statuses):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirect())
        self.statuses = statuses

    def request(self, path, data=None):
        body = None
        headers = {"Referer": BASE + path}
        if data is not None:
            data = {**data, "csrfmiddlewaretoken": self.csrf()}
            body = urllib.parse.urlencode(data).encode()
        request = urllib.request.Request(BASE + path, data=body, headers=headers)
        try:
            with self.opener.open(request, timeout=REQUEST_TIMEOUT) as response:
                status, text = response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            status, text = error.code, error.read().decode()
        self.statuses.append(status)
        return status, text

    def csrf(self):
        return next((c.value for c in self.jar if c.name == "csrftoken"), "")

    def login(self, username):
        self.request("/accounts/login/")
        status, _text = self.request("/accounts/login/", {"username": username, "password": PASSWORD})
        if status != 302:
            raise RuntimeError(f"login of {username} answered {status}")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None

    def http_error_302(self, req, fp, code, msg, headers):
        return fp


def form_fields(text):
    """(version, {field: value to send}) read from the entry page."""
    version = int(re.search(r'name="version" value="(\d+)"', text).group(1))
    fields = {}
    for name in re.findall(r'<input[^>]*name="(v_[A-Z0-9_]+)"', text):
        fields[name] = None
    for name in re.findall(r'<select[^>]*name="(v_[A-Z0-9_]+)"', text):
        fields[name] = "select"
    return version, fields


def values_for(number, fields):
    """One count for every field of a unit, another for each unit. The demo's validation
    rules are all "≤" between two counts of a unit: counts differing by field broke them for
    LT34 and LT39 (400, the rule's message), which is no concurrency problem."""
    return {name: ("1" if kind == "select" else str(number % 40 + 1)) for name, kind in sorted(fields.items())}


def one_unit(number, statuses, sent, barrier):
    code = f"LT{number:02d}"
    browser = Browser(statuses)
    browser.login(f"tai.lt{number:02d}")
    path = f"/entry/{code}/{PERIOD}/"
    _status, page = browser.request(path)
    version, fields = form_fields(page)
    values = values_for(number, fields)
    barrier.wait(timeout=TOTAL_TIMEOUT)  # everyone at the deadline at once (logins take a while)
    status, _text = browser.request(path, {"version": version, **values})
    if status != 302:
        raise RuntimeError(f"{code}: draft save answered {status}")
    _status, page = browser.request(path)
    version, _fields = form_fields(page)
    status, _text = browser.request(path, {"version": version, "action": "submit", **values})
    if status != 302:
        raise RuntimeError(f"{code}: submit answered {status}")
    sent[code] = {name[2:]: int(value) for name, value in values.items()}


def two_editors(statuses):
    path = f"/entry/LT99/{PERIOD}/"
    editors = []
    for username in ("soan.a", "soan.b"):
        browser = Browser(statuses)
        browser.login(username)
        _status, page = browser.request(path)
        editors.append((username, browser, *form_fields(page)))
    barrier = threading.Barrier(2)
    results = {}

    def save(username, browser, version, fields, offset):
        values = {name: ("1" if kind == "select" else str(offset)) for name, kind in fields.items()}
        barrier.wait(timeout=REQUEST_TIMEOUT)
        results[username] = (*browser.request(path, {"version": version, **values}), values)

    threads = [
        threading.Thread(target=save, args=(username, browser, version, fields, 11 + index))
        for index, (username, browser, version, fields) in enumerate(editors)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TOTAL_TIMEOUT)
    return results


def check(sent, race):
    sys.path.insert(0, str(ROOT))
    os.environ.update(ENV)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "damha.settings")
    import django

    django.setup()
    from indicators.models import Figure, Submission, SubmissionStatus

    problems = []
    submissions = {s.unit.code: s for s in Submission.objects.filter(unit__code__startswith="LT", period__code=PERIOD)}
    submitted = [code for code, s in submissions.items() if code != "LT99" and s.status == SubmissionStatus.SUBMITTED]
    lost = 0
    for code, values in sent.items():
        stored = dict(
            Figure.objects.filter(submission__unit__code=code, submission__period__code=PERIOD).values_list(
                "indicator__code", "value"
            )
        )
        if stored != values:
            lost += sum(1 for key, value in values.items() if stored.get(key) != value)
            problems.append(f"{code}: stored {stored} != sent {values}")
        if submissions[code].version != 2:
            problems.append(f"{code}: version {submissions[code].version}, expected 2 (draft, submit)")
        history = list(submissions[code].history.order_by("history_date").values_list("status", flat=True))
        if history != [SubmissionStatus.DRAFT, SubmissionStatus.SUBMITTED]:
            problems.append(f"{code}: history {history}")
    if len(submitted) != USERS:
        problems.append(f"{len(submitted)} submitted submissions, expected {USERS}")
    codes = sorted(race)
    outcome = sorted(race[name][0] for name in codes)
    if outcome != [302, 409]:
        problems.append(f"two editors: statuses {outcome}, expected one 302 and one 409")
    else:
        winner = next(name for name in codes if race[name][0] == 302)
        loser = next(name for name in codes if race[name][0] == 409)
        if STALE not in race[loser][1]:
            problems.append("two editors: the refused editor was not told (stale-version message missing)")
        stored = dict(
            Figure.objects.filter(submission__unit__code="LT99", submission__period__code=PERIOD).values_list(
                "indicator__code", "value"
            )
        )
        expected = {name[2:]: int(value) for name, value in race[winner][2].items()}
        if stored != expected:
            problems.append(f"two editors: stored {stored}, the winner sent {expected}")
        if Submission.objects.get(unit__code="LT99", period__code=PERIOD).version != 1:
            problems.append("two editors: the loser's save was written too")
    return problems, len(submitted), lost


def main():
    # A SIGTERM (e.g. from `timeout`) still runs the `finally` below that stops gunicorn.
    signal.signal(signal.SIGTERM, lambda *_args: sys.exit(1))
    started = time.monotonic()
    print(f"Preparing {DATABASE_URL} (migrate, load_demo, {USERS} + 1 communes with entry users)…", flush=True)
    prepare()
    server = subprocess.Popen(
        [str(Path(PYTHON).parent / "gunicorn"), "damha.wsgi", "-w", "3", "-b", f"127.0.0.1:{PORT}", "--timeout", "60"],
        cwd=ROOT,
        env=ENV,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    statuses, sent, failures = [], {}, []
    try:
        for _ in range(60):
            try:
                urllib.request.urlopen(BASE + "/healthz", timeout=2).read()  # noqa: S310 - loopback URL
                break
            except OSError:
                time.sleep(0.5)
        barrier = threading.Barrier(USERS)
        load_started = time.monotonic()
        with concurrent.futures.ThreadPoolExecutor(max_workers=USERS) as pool:
            futures = [pool.submit(one_unit, n, statuses, sent, barrier) for n in range(1, USERS + 1)]
            for future in concurrent.futures.as_completed(futures, timeout=TOTAL_TIMEOUT):
                try:
                    future.result()
                except Exception as exc:  # noqa: BLE001 - every failure is counted and printed
                    failures.append(str(exc))
        load_seconds = time.monotonic() - load_started
        try:
            race = two_editors(statuses)
        except Exception as exc:  # noqa: BLE001 - reported with the figures, not instead of them
            failures.append(f"two editors: {exc!r}")
            race = {}
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
    problems, submitted, lost = check(sent, race)
    server_errors = sum(1 for status in statuses if status >= 500)
    print(f"requests sent: {len(statuses)}")
    print(f"5xx answers: {server_errors}")
    print(f"failed users: {len(failures)}")
    for failure in failures:
        print(f"  {failure}")
    print(f"submitted submissions: {submitted} of {USERS} (in {load_seconds:.1f} s, 3 gunicorn workers)")
    print(f"figures sent: {sum(len(v) for v in sent.values())}, rows lost: {lost}")
    print(f"two editors: {', '.join(f'{name} → {race[name][0]}' for name in sorted(race))}")
    for problem in problems:
        print(f"PROBLEM: {problem}")
    print(f"total time {time.monotonic() - started:.1f} s")
    ok = not problems and not failures and server_errors == 0
    print("OK" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
