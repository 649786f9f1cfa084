"""Entry season: leaders read the dashboards while communes save and submit (issue 18, point 4).

    python bench/season.py [--source bench_national] [--copy bench_season] [--keep] [--reuse-copy]
                           [--cache redis|locmem|off] [--workers 3] [--seconds 90]
                           [--readers 8] [--read-rate 3] [--districts-per-province 1]
                           [--writers 6] [--communes-per-writer 40] [--write-rate R]
                           [--season-days 15] [--saves-per-report 6] [--peak-factor 6]
    make bench-season BENCH_SEASON_ARGS="--seconds 30"

What it does, bounded in time and on loopback only:

1. copies the national data set (``createdb -T <source> <copy>``: the writers write, the
   source is never touched; a 6-million-figure database takes a minute or two) and
   migrates the copy; the copy is dropped at the end unless ``--keep``;
2. makes the users: one viewer with a view role on every province (a national leader;
   each virtual reader has a session of its own), and one entry user per virtual writer
   with an entry role on its own communes, drawn across the country — nine in ten whose
   latest-half report is still a draft, one in ten whose report awaits review;
3. starts a private ``redis-server`` (``--cache redis``) and gunicorn (``--workers``
   sync workers, the bench settings, persistent database connections) on free loopback
   ports, and opens every reader page once per worker (the cache warm, as mid-season);
4. phase 1, **readers only**, ``--seconds``: virtual readers open pages at
   ``--read-rate`` pages/s in all (Poisson arrivals): the province dashboard and API of
   every province, and the dashboard and API of ``--districts-per-province`` districts
   of each (:data:`MIX`);
5. phase 2, **readers + writers**, ``--seconds``: the same readers, plus virtual
   officers saving the entry form as a browser does — the page, "Lưu nháp" (POST, then
   the redirect's GET, whose version the next save sends), every ``--saves-per-report``-th
   save "Gửi báo cáo" (submit). A submitted report is read-only: the officer's next turn
   on it takes it back with "Rút lại để sửa" (withdraw) and goes on. A save refused
   because a figure needs a note (an outlier on submit: 400, as the form tells an
   officer) is sent again with a note on the figures — an expected answer, counted
   apart; if the second is refused too, that is an error;
6. checks in the database that every writer commune holds exactly the figures, notes
   and state its officer last saved (no lost or extra write), stops everything and
   drops the copy (also on Ctrl-C, SIGTERM or an error).

It prints p50/p95 per page kind and phase, the rates achieved, the cache hit rate of
each phase (Redis: keyspace hits / (hits + misses) from ``INFO stats``, every GET the
application makes on Redis; n/a for locmem and off), the machine's CPU use and load
average, every error, and the goals: each dashboard's p95 under writes ≤ 2 × its p95
readers-only, and 0 errors. Exit status 1 when there was an error.

The write rate, unless ``--write-rate`` is given, is the season's peak derived from the
data set (:func:`peak_write_rate`): every commune of the copy saves its report
``--saves-per-report`` times (5 drafts and the submit) over ``--season-days`` working
days of 8 hours, and the peak hour — on the deadline days — runs ``--peak-factor`` ×
the season's average hour (the deadline day ~3 × an average day, its busiest hour ~2 ×
the day's average). 10,000 communes: 10,000 × 6 / (15 × 8 × 3600 s) × 6 = 0.83 saves/s.
The writes are spread as at a real peak: with minutes of typing between two saves of
one report, hundreds of communes across the country save at once, so each officer takes
turns over ``--communes-per-writer`` communes (240 in all), each report somewhere in its
cycle of saves. The read rate: 835 committees (65 provinces, 770 districts) × ~3
leaders, ~4 pages each in the peak hour: 2,500 × 4 / 3600 s ≈ 2.8 pages/s, so 3.
"""

from __future__ import annotations

import argparse
import collections
import concurrent.futures
import contextlib
import http.client
import http.cookies
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG = ["-h", "127.0.0.1", "-p", "5432", "-U", "root"]
TIMEOUT = 60  # seconds for one request
GOAL_RATIO = 2.0
# The readers' pages: (kind, weight). Leaders mostly open dashboards; the API serves
# other systems (portals, spreadsheets).
MIX = {"district dashboard": 0.45, "province dashboard": 0.30, "district API": 0.125, "province API": 0.125}
DASHBOARDS = ("district dashboard", "province dashboard")
CHECK_NOTE = "Đã kiểm tra lại số liệu (bench)"  # a note explaining an outlier, as an officer writes one


def peak_write_rate(communes, season_days, saves_per_report, peak_factor):
    """Saves per second in the season's peak hour (the module docstring says why)."""
    return communes * saves_per_report / (season_days * 8 * 3600) * peak_factor


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", default="bench_national", help="database copied (never written)")
    parser.add_argument("--copy", default="bench_season", help="the copy the run writes to")
    parser.add_argument("--keep", action="store_true", help="keep the copy at the end")
    parser.add_argument("--reuse-copy", action="store_true", help="run on an existing copy (made with --keep)")
    parser.add_argument("--cache", choices=("redis", "locmem", "off"), default="redis")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn sync workers (docs/deployment.md: 3)")
    parser.add_argument("--seconds", type=int, default=90, help="length of each phase")
    parser.add_argument("--readers", type=int, default=8, help="virtual readers (sessions)")
    parser.add_argument("--read-rate", type=float, default=3.0, help="reader pages per second, all readers")
    parser.add_argument("--districts-per-province", type=int, default=1, help="districts read in each province")
    parser.add_argument("--writers", type=int, default=6, help="virtual officers")
    parser.add_argument("--communes-per-writer", type=int, default=40, help="communes each officer takes turns on")
    parser.add_argument("--write-rate", type=float, default=None, help="saves per second (default: the peak)")
    parser.add_argument("--season-days", type=int, default=15, help="working days of the entry season")
    parser.add_argument("--saves-per-report", type=int, default=6, help="saves per report, the submit included")
    parser.add_argument("--peak-factor", type=float, default=6.0, help="peak hour / the season's average hour")
    parser.add_argument("--seed", type=int, default=18)
    args = parser.parse_args()
    if args.copy == args.source:
        parser.error("--copy must differ from --source: the writers write to the copy")
    return args


# Parsed before Django is set up: the settings read the database (the copy) at set-up.
ARGS = parse_args()
os.environ["DATABASE_URL"] = f"postgres://root@127.0.0.1:5432/{ARGS.copy}"
sys.path.insert(0, str(ROOT))

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from bench import run  # noqa: E402 - sets Django up (bench.settings) on the copy
from committees.models import AdministrativeUnit, Level, Role, UnitRole  # noqa: E402
from indicators import services  # noqa: E402
from indicators.fixtures import scale  # noqa: E402
from indicators.forms import NOTE_PREFIX, VALUE_PREFIX  # noqa: E402
from indicators.models import Figure, IndicatorKind, Period, Submission, SubmissionStatus  # noqa: E402

# --------------------------------------------------------------------------- processes


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def database_copy(args):
    """The copy of ``--source``, dropped on leaving unless ``--keep``."""
    if args.reuse_copy:
        print(f"Reusing the copy {args.copy}")
    else:
        print(f"Copying {args.source} to {args.copy} (a minute or two at national scale)…", flush=True)
        started = time.monotonic()
        for attempt in range(40):  # createdb -T needs the source without open connections
            made = subprocess.run(["createdb", *PG, "-T", args.source, args.copy], capture_output=True, text=True)
            if made.returncode == 0:
                break
            if "being accessed" not in made.stderr or attempt == 39:
                raise SystemExit(f"createdb -T {args.source} {args.copy}: {made.stderr.strip()}")
            time.sleep(3)
        print(f"  copied in {time.monotonic() - started:.0f} s")
    try:
        yield
    finally:
        connection.close()
        if not args.keep:
            subprocess.run(["dropdb", *PG, "--if-exists", "--force", args.copy], check=False)


@contextlib.contextmanager
def redis_server():
    """A throwaway redis-server on a free loopback port (no persistence); its URL and port."""
    if not shutil.which("redis-server"):
        raise SystemExit("--cache redis needs redis-server (apt-get install redis-server)")
    port = free_port()
    server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            if redis_stats(port) is not None:
                break
            time.sleep(0.1)
        else:
            raise SystemExit(f"redis-server did not answer on port {port}")
        yield f"redis://127.0.0.1:{port}/0", port
    finally:
        run.stop_process(server, 10)


def redis_stats(port):
    """(keyspace_hits, keyspace_misses) of the Redis on ``port``, or None."""
    out = subprocess.run(["redis-cli", "-p", str(port), "INFO", "stats"], capture_output=True, text=True, check=False)
    found = dict(re.findall(r"^(keyspace_hits|keyspace_misses):(\d+)", out.stdout, re.MULTILINE))
    if len(found) != 2:
        return None
    return int(found["keyspace_hits"]), int(found["keyspace_misses"])


def cpu_times():
    """(busy, total) jiffies of the whole machine, from /proc/stat."""
    fields = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return sum(fields) - idle, sum(fields)


# --------------------------------------------------------------------------- measuring


class Phase:
    """What one phase saw: response times per page kind, every error, the machine's load."""

    def __init__(self, name):
        self.name = name
        self.times = collections.defaultdict(list)
        self.errors = []
        self.lock = threading.Lock()
        self.seconds = 0.0
        self.cpu = self.load = self.hit_rate = None

    def record(self, kind, ms, error=None):
        with self.lock:
            self.times[kind].append(ms)
            if error:
                self.errors.append(f"{kind}: {error}")

    def error(self, message):
        with self.lock:
            self.errors.append(message)


class Browser:
    """One virtual user's browser: its cookies (starting with the session made for it),
    no redirect followed by itself, every request timed into the current phase."""

    def __init__(self, port, session_key):
        self.port = port
        self.cookies = {"sessionid": session_key}
        self.phase = None

    def request(self, kind, path, data=None, expect=(200,), to=None):
        """(status, text); an unexpected status, a redirect elsewhere than ``to`` (default:
        ``path``) or a failure is recorded as an error of ``kind``."""
        headers = {"Cookie": "; ".join(f"{name}={value}" for name, value in self.cookies.items())}
        body = None
        if data is not None:
            body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")})
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        status, text, location = None, "", ""
        try:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=TIMEOUT)
            try:
                conn.request("POST" if data is not None else "GET", path, body, headers)
                response = conn.getresponse()
                status, text = response.status, response.read().decode(errors="replace")
                location = response.getheader("Location", "")
                for header in response.headers.get_all("Set-Cookie") or []:
                    for name, morsel in http.cookies.SimpleCookie(header).items():
                        self.cookies[name] = morsel.value
            finally:
                conn.close()
        except OSError as exc:
            text = repr(exc)
        ms = (time.perf_counter() - started) * 1000
        error = None
        if status not in expect:
            error = f"{path} answered {status}: {run.form_errors(text) if status else text}"
        elif status == 302 and location != (to or path):
            error = f"{path} redirected to {location}"
        self.phase.record(kind, ms, error)
        return status, text


def poisson(rate, rng, stop, action):
    """Call ``action`` at Poisson arrivals of ``rate`` per second until ``stop``. One
    request at a time per virtual user, as a person at a browser: a call due while the
    previous one still runs starts as soon as it ends (the rates printed say when the
    server could not keep up)."""
    due = time.monotonic()
    while True:
        due += rng.expovariate(rate)
        if stop.wait(max(0.0, due - time.monotonic())):
            return
        action()


# --------------------------------------------------------------------------- readers


def reader_pages(rng, provinces, per_province, period):
    """{kind: [path, …]}: every province, and ``per_province`` of its districts."""
    pages = collections.defaultdict(list)
    for province in provinces:
        districts = list(province.children.order_by("code").values_list("code", flat=True))
        for level, code in [("province", province.code)] + [
            ("district", c) for c in rng.sample(districts, per_province)
        ]:
            pages[f"{level} dashboard"].append(f"/dashboard/{code}/{period.code}/")
            pages[f"{level} API"].append(f"/api/v1/progress/{code}/{period.code}/")
    return pages


def reader(browser, pages, rate, rng, stop):
    kinds, weights = list(MIX), list(MIX.values())

    def open_page():
        kind = rng.choices(kinds, weights)[0]
        browser.request(kind, rng.choice(pages[kind]))

    poisson(rate, rng, stop, open_page)


# --------------------------------------------------------------------------- writers


class Commune:
    """One commune's report as its officer knows it: the figures last saved and the page's state."""

    def __init__(self, code, figures, indicators, path, saves):
        self.code, self.path, self.indicators = code, path, indicators
        self.base = {}  # the starting values; saves alternate counts between base and base - 1
        self.notes = {}
        for indicator in indicators:
            value, note = figures.get(indicator.code, (None, ""))
            self.base[indicator.code] = 1 if value is None and indicator.kind == IndicatorKind.YES_NO else value or 0
            self.notes[indicator.code] = note
        self.saved = None  # {code: value} of the last accepted save, checked at the end
        self.state = self.version = None
        self.saves = saves  # saves of the report so far this season (spread: not every report starts together)

    def read(self, text):
        """The state and version the entry page shows; False when the page is neither."""
        if 'id="entry-form"' in text:
            self.state, name = "draft", "version"
        elif 'id="withdraw"' in text:
            self.state, name = "submitted", "withdraw-version"
        else:
            return False
        self.version = int(re.search(rf'name="{name}" value="(\d+)"', text).group(1))
        return True

    def form(self, submit, notes=False):
        odd = self.saves % 2
        data = {"version": self.version, "action": "submit" if submit else "draft"}
        values = {}
        for indicator in self.indicators:
            code, value = indicator.code, self.base[indicator.code]
            if indicator.kind == IndicatorKind.COUNT:
                # Every count 1 lower, or back: a rate keeps numerator ≤ denominator, and no
                # figure jumps up (a jump needs a note even in a draft).
                value = max(0, value - odd)
            values[code] = value
            if notes and not self.notes[code]:
                self.notes[code] = CHECK_NOTE
            data[VALUE_PREFIX + code] = str(value)
            data[NOTE_PREFIX + code] = self.notes[code]
        return data, values


class Officer:
    """A virtual officer entering the reports of its communes, one turn (one write) at a time."""

    def __init__(self, browser, communes, saves_per_report):
        self.browser, self.communes, self.saves_per_report = browser, communes, saves_per_report
        self.turns = 0

    def load(self, commune):
        status, text = self.browser.request("entry page (GET)", commune.path)
        if status == 200 and not commune.read(text):
            self.browser.phase.error(f"{commune.path}: the page offers neither the form nor withdrawing")
            return False
        return status == 200

    def turn(self):
        commune = self.communes[self.turns % len(self.communes)]
        self.turns += 1
        if commune.state is None and not self.load(commune):
            return
        if commune.state == "submitted":  # read-only until taken back: "Rút lại để sửa"
            status, _ = self.browser.request(
                "withdraw (POST)",
                commune.path + "withdraw/",
                {"withdraw-version": commune.version},
                expect=(302,),
                to=commune.path,
            )
            location_ok = status == 302
        else:
            submit = (commune.saves + 1) % self.saves_per_report == 0
            data, values = commune.form(submit)
            kind = "submit (POST)" if submit else "save draft (POST)"
            status, _ = self.browser.request(kind, commune.path, data, expect=(302, 400))
            if status == 400:  # a figure needs a note (an outlier on submit): explain, send again
                self.browser.phase.record("refused, needs a note (400)", 0.0)
                data, values = commune.form(submit, notes=True)
                status, _ = self.browser.request(kind, commune.path, data, expect=(302,))
            location_ok = status == 302
            if location_ok:
                commune.saves += 1
                commune.saved = values
        commune.state = None
        if location_ok:
            self.load(commune)  # the redirect's GET, as the browser follows it


def writer_communes(rng, period, count):
    """``count`` generated communes drawn across the country: nine in ten whose report for
    ``period`` is still a draft (being entered), one in ten whose report awaits review
    (its officer takes it back to correct it)."""
    chosen = []
    for status, share in ((SubmissionStatus.SUBMITTED, count // 10), (SubmissionStatus.DRAFT, count - count // 10)):
        found = list(
            Submission.objects.filter(period=period, unit__level=Level.COMMUNE, unit__note=scale.MARKER, status=status)
            .order_by("unit__code")
            .values_list("unit__code", flat=True)
        )
        if len(found) < share:
            raise SystemExit(f"only {len(found)} communes with a {status} report for {period.code}")
        chosen += rng.sample(found, share)
    rng.shuffle(chosen)
    return chosen


def session_for(user):
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def make_officers(args, rng, period, port):
    codes = writer_communes(rng, period, args.writers * args.communes_per_writer)
    indicators = list(services.entered_indicators(Level.COMMUNE))
    figures = collections.defaultdict(dict)
    for unit, code, value, note in Figure.objects.filter(
        submission__period=period, submission__unit__code__in=codes
    ).values_list("submission__unit__code", "indicator__code", "value", "note"):
        figures[unit][code] = (value, note)
    units = {unit.code: unit for unit in AdministrativeUnit.objects.filter(code__in=codes)}
    officers = []
    for number in range(args.writers):
        own = codes[number * args.communes_per_writer : (number + 1) * args.communes_per_writer]
        user, _ = get_user_model().objects.get_or_create(username=f"bench.season.{number:02d}")
        for code in own:
            UnitRole.objects.get_or_create(user=user, unit=units[code], role=Role.ENTRY)
        communes = [
            Commune(
                code, figures[code], indicators, f"/entry/{code}/{period.code}/", rng.randrange(args.saves_per_report)
            )
            for code in own
        ]
        officers.append(Officer(Browser(port, session_for(user)), communes, args.saves_per_report))
    return officers


def check_writes(officers, period, phase):
    """Every writer commune holds the figures, notes and state its officer last saved."""
    for officer in officers:
        for commune in officer.communes:
            if commune.saved is None:
                continue
            submission = Submission.objects.get(unit__code=commune.code, period=period)
            stored = dict(submission.figures.values_list("indicator__code", "value"))
            notes = dict(submission.figures.values_list("indicator__code", "note"))
            if stored != commune.saved:
                phase.error(f"{commune.code}: figures stored differ from the last save ({stored} ≠ {commune.saved})")
            if notes != commune.notes:
                phase.error(f"{commune.code}: notes stored differ from the last save")
            expected = {"draft": SubmissionStatus.DRAFT, "submitted": SubmissionStatus.SUBMITTED}.get(commune.state)
            if expected and submission.status != expected:
                phase.error(f"{commune.code}: {submission.status}, the officer's page said {commune.state}")


# --------------------------------------------------------------------------- phases


def run_phase(phase, seconds, readers, read_rate, officers=(), write_rate=0.0, redis_port=None, seed=0):
    stop = threading.Event()
    rngs = [random.Random(seed * 1000 + n) for n in range(len(readers) + len(officers))]
    for browser, _pages in readers:
        browser.phase = phase
    for officer in officers:
        officer.browser.phase = phase
    hits = redis_stats(redis_port) if redis_port else None
    cpu = cpu_times()
    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(max_workers=len(readers) + len(officers)) as pool:
        futures = [
            pool.submit(reader, browser, pages, read_rate / len(readers), rngs[n], stop)
            for n, (browser, pages) in enumerate(readers)
        ]
        futures += [
            pool.submit(poisson, write_rate / len(officers), rngs[len(readers) + n], stop, officer.turn)
            for n, officer in enumerate(officers)
        ]
        try:
            stop.wait(seconds)
        finally:  # Ctrl-C or SIGTERM too: the virtual users stop after their current request
            stop.set()
            phase.seconds = time.monotonic() - started  # the rates count the requests started by now
        for future in futures:
            try:
                future.result()
            except Exception as exc:  # noqa: BLE001 - a virtual user's crash is an error of the run, reported
                phase.error(f"virtual user stopped: {exc!r}")
    busy, total = cpu_times()
    phase.cpu = (busy - cpu[0]) / max(1, total - cpu[1])
    phase.load = os.getloadavg()
    if hits:
        after = redis_stats(redis_port)
        looked_up = (after[0] - hits[0]) + (after[1] - hits[1])
        phase.hit_rate = (after[0] - hits[0]) / looked_up if looked_up else None


def warm_up(port, readers, workers, passes):
    """Every reader page ``passes`` times, ``workers`` browsers at a time (for locmem,
    passes enough for each worker's own cache to hold them)."""
    session, pages = readers[0][0].cookies["sessionid"], readers[0][1]
    paths = [(kind, path) for kind, paths in pages.items() for path in paths] * passes
    warm, stop = Phase("warm-up"), threading.Event()

    def browse(chunk):
        browser = Browser(port, session)
        browser.phase = warm
        for kind, path in chunk:
            if stop.is_set():
                return
            browser.request(kind, path)

    with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as pool:
        try:
            for future in [pool.submit(browse, paths[n::workers]) for n in range(workers)]:
                future.result()
        finally:
            stop.set()
    return warm


# --------------------------------------------------------------------------- report


def print_phases(phases):
    print(f"\n  {'phase':<20} {'page':<36} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for phase in phases:
        for kind in [*MIX, *sorted(k for k in phase.times if k not in MIX)]:
            times = phase.times.get(kind)
            if not times:
                continue
            if kind.startswith("refused"):
                print(f"  {phase.name:<20} {kind:<36} {len(times):>5} {'(expected answers, then sent with notes)'}")
                continue
            print(
                f"  {phase.name:<20} {kind:<36} {len(times):>5} {run.percentile(times, 0.5):8.1f} "
                f"{run.percentile(times, 0.95):8.1f} {max(times):8.1f}"
            )
    print()
    for phase in phases:
        reads = sum(len(phase.times.get(kind, ())) for kind in MIX)
        writes = sum(len(t) for k, t in phase.times.items() if k.endswith("(POST)"))
        hit = "n/a" if phase.hit_rate is None else f"{phase.hit_rate:.1%}"
        print(
            f"  {phase.name:<20} {phase.seconds:5.1f} s: reads {reads / phase.seconds:.2f}/s, "
            f"POSTs {writes / phase.seconds:.2f}/s; cache hit rate {hit}; "
            f"machine CPU busy {phase.cpu:.0%}, load average {phase.load[0]:.2f} / {phase.load[1]:.2f} (1 / 5 min); "
            f"errors {len(phase.errors)}"
        )


def print_goals(alone, loaded, errors):
    print("\nGoals (issue 18, point 4)")
    met_all = True
    for kind in DASHBOARDS:
        if not alone.times.get(kind) or not loaded.times.get(kind):
            print(f"  {kind}: not measured in both phases")
            met_all = False
            continue
        before, after = run.percentile(alone.times[kind], 0.95), run.percentile(loaded.times[kind], 0.95)
        ratio = after / before
        met = ratio <= GOAL_RATIO
        met_all &= met
        print(
            f"  {kind} p95 under writes / readers only = {after:.1f} / {before:.1f} ms = {ratio:.2f} "
            f"≤ {GOAL_RATIO:g}: {'met' if met else 'NOT met'}"
        )
    print(f"  errors = {errors} = 0: {'met' if not errors else 'NOT met'}")
    return met_all and not errors


def main():
    args = ARGS
    signal.signal(signal.SIGTERM, lambda *_args: sys.exit(143))  # `finally` blocks still run
    rng = random.Random(args.seed)
    if not args.keep and args.reuse_copy:
        print("(--reuse-copy without --keep: the copy is dropped at the end)")
    with contextlib.ExitStack() as stack:
        stack.enter_context(database_copy(args))
        call_command("migrate", verbosity=0)
        generated = AdministrativeUnit.objects.filter(note=scale.MARKER)
        period = Period.objects.halves().order_by("-end").first()
        communes = generated.filter(level=Level.COMMUNE).count()
        if not communes:
            raise SystemExit(f"{args.source} holds no generated data set: `make bench` generates it.")
        provinces = list(generated.filter(level=Level.PROVINCE).order_by("code"))
        write_rate = args.write_rate or peak_write_rate(
            communes, args.season_days, args.saves_per_report, args.peak_factor
        )
        cache, redis_port = args.cache, None
        if args.cache == "redis":
            cache, redis_port = stack.enter_context(redis_server())
        port = free_port()
        viewer = run.bench_user(provinces)
        pages = reader_pages(rng, provinces, args.districts_per_province, period)
        readers = [(Browser(port, session_for(viewer)), pages) for _ in range(args.readers)]
        officers = make_officers(args, rng, period, port)
        print(
            f"{communes} communes, {len(provinces)} provinces, period {period.code}; "
            f"gunicorn {args.workers} workers, DAMHA_CACHE={cache}\n"
            f"readers: {args.readers} sessions, {args.read_rate:g} pages/s, {sum(map(len, pages.values()))} pages "
            f"({len(provinces)} provinces × {args.districts_per_province + 1} units × dashboard + API)\n"
            f"writers: {args.writers} officers × {args.communes_per_writer} communes, {write_rate:.2f} saves/s"
            + (
                ""
                if args.write_rate
                else f" = {communes} communes × {args.saves_per_report} saves / ({args.season_days} days × 8 h) "
                f"× peak {args.peak_factor:g}"
            )
            + f"; {args.seconds} s per phase; load average before {os.getloadavg()[0]:.2f}",
            flush=True,
        )
        stack.enter_context(run.gunicorn_server(cache, workers=args.workers, port=port))
        passes = 2 * args.workers if args.cache == "locmem" else 1
        started = time.monotonic()
        warm = warm_up(port, readers, args.workers, passes)
        print(f"warm-up: every reader page {passes}× in {time.monotonic() - started:.0f} s", flush=True)
        alone = Phase("readers only")
        run_phase(alone, args.seconds, readers, args.read_rate, redis_port=redis_port, seed=args.seed)
        print(f"phase 1 done ({len(alone.errors)} errors)", flush=True)
        loaded = Phase("readers + writers")
        run_phase(
            loaded, args.seconds, readers, args.read_rate, officers, write_rate, redis_port=redis_port, seed=args.seed
        )
        check_writes(officers, period, loaded)
    print_phases([alone, loaded])
    errors = [*warm.errors, *alone.errors, *loaded.errors]
    for error in errors[:20]:
        print(f"  ERROR {error}")
    if len(errors) > 20:
        print(f"  … and {len(errors) - 20} more errors")
    print_goals(alone, loaded, len(errors))
    return 1 if errors else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:  # everything started is stopped by then (the `finally` blocks)
        sys.exit("interrupted: gunicorn, redis-server and the copy are gone")
