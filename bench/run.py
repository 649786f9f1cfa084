"""Benchmarks at national scale: one entry point (`make bench`, docs/performance.md).

    python bench/run.py [--runs 30] [--skip-throughput] [--skip-entry] [--skip-pdf] [--pdf-runs 5]
                        [--communes 10000 --indicators 40 --years 10]

On the PostgreSQL database in DATABASE_URL (default: bench_national on 127.0.0.1), it
migrates, generates the synthetic data set if it is not there yet, then measures, in one
run and interleaved so that machine noise hits every measure alike:

- latency (median and p95 of N runs) of the progress API and the dashboard through the
  Django test client, for a district and a province: "fresh" (computed, as the first
  request after a write) and "cached" (the data unchanged since the page was computed;
  indicators/datacache.py);
- the bare roll-up statement executed with the cursor (the physical limit: the database
  work alone, no Python around it) for the same units;
- a trivial login-protected Django view measured the same way (the fixed cost of any page);
- the national roll-up (every province side by side, rollup.overview) against its bare SQL;
- saving the entry form ("Lưu nháp", through the test client) of the first generated
  commune whose latest-half report is a draft, every figure changed and one figure
  changed, against the trivial view (the draft stays a draft: drafts do not count);
- the district's meeting report as a PDF (its view, then apart: the content with its
  roll-up, the HTML, WeasyPrint), against the absolute goal of 2 s;
- the query count of each;
- throughput under gunicorn (2 workers, 127.0.0.1, bounded wrk runs) of the district
  dashboard and API against the trivial view in the same run, with the roll-up cache and
  without it (DAMHA_CACHE=off).

Ratios, not absolute times, are what the goals are about (issue 8): the machine has two
cores shared with other work. The PDF's goal is absolute (issue 8: "district PDF ≤ 2 s").
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import translation  # noqa: E402

from committees.models import AdministrativeUnit, Level, Role, SteeringCommittee, UnitRole  # noqa: E402
from indicators import datacache, rollup, services  # noqa: E402
from indicators.fixtures import scale  # noqa: E402
from indicators.forms import NOTE_PREFIX, VALUE_PREFIX  # noqa: E402
from indicators.models import Figure, IndicatorKind, Period, Submission, SubmissionStatus  # noqa: E402
from reports import documents, exports  # noqa: E402
from reports import services as report_services  # noqa: E402
from reports.models import ReportDocument, ReportStatus  # noqa: E402

PORT = int(os.environ.get("BENCH_PORT", "8106"))
USERNAME = "bench.viewer"
ENTRY_USERNAME = "bench.entry"
PDF_GOAL_SECONDS = 2.0


def percentile(values, fraction):
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


class Measure:
    """``func`` timed and its queries counted; ``prepare``, when given, runs before each call
    of ``func`` and is neither timed nor counted (e.g. reading the version a form needs)."""

    def __init__(self, name, func, runs, prepare=None):
        self.name, self.func, self.runs, self.prepare = name, func, runs, prepare
        self.times = []
        self.queries = None

    def warm(self):
        if self.prepare:
            self.prepare()
        self.func()

    def once(self):
        if self.prepare:
            self.prepare()
        started = time.perf_counter()
        self.func()
        self.times.append((time.perf_counter() - started) * 1000)

    def count_queries(self):
        if self.prepare:
            self.prepare()
        with CaptureQueriesContext(connection) as captured:
            self.func()
        self.queries = len(captured.captured_queries)

    @property
    def median(self):
        return statistics.median(self.times)

    @property
    def p95(self):
        return percentile(self.times, 0.95)


def run_interleaved(measures, warmup=2):
    """Round-robin over the measures so that noise spreads over all of them."""
    for measure in measures:
        for _ in range(warmup):
            measure.warm()
        measure.count_queries()
    for i in range(max(m.runs for m in measures)):
        for measure in measures:
            if i < measure.runs:
                measure.once()


def ensure_data(args):
    call_command("migrate", verbosity=0)
    if AdministrativeUnit.objects.filter(note=scale.MARKER).exists():
        return
    print(f"No generated data: generating {args.communes} communes × {args.indicators} indicators × {args.years} years")
    started = time.monotonic()
    scale.generate(communes=args.communes, indicators=args.indicators, years=args.years, force=args.force)
    print(f"generated in {time.monotonic() - started:.0f} s")


def bench_user(units):
    user, _ = get_user_model().objects.get_or_create(username=USERNAME)
    for unit in units:
        UnitRole.objects.get_or_create(user=user, unit=unit, role=Role.VIEW)
    return user


def client_get(client, url):
    def get():
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
        return response

    return get


def uncached(get):
    """``get`` as the first request after a write: its cache entry is not there yet.

    Each call gets a key of its own (a new schema number) — the whole fresh path, the
    version query and the store included — while the other measures' entries stay.
    """
    fresh = itertools.count(1)

    def run():
        schema = datacache.SCHEMA
        datacache.SCHEMA = f"bench-{next(fresh)}"
        try:
            return get()
        finally:
            datacache.SCHEMA = schema

    return run


def bare_sql(units, period):
    """The roll-up statement alone, as the database runs it (roots prepared beforehand)."""
    # The roots progress() or overview() would aggregate over, from the roll-up's own set-up.
    sql, params = rollup.aggregate_sql(rollup._Setting.build(list(units), period).roots())

    def run():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            cursor.fetchall()

    return run


def row(measure, width=34):
    queries = "" if measure.queries is None else measure.queries
    return f"  {measure.name:<{width}} {measure.median:9.1f} {measure.p95:9.1f} {queries:>8}"


def print_table(title, measures):
    print(f"\n{title}")
    print(f"  {'':<34} {'median ms':>9} {'p95 ms':>9} {'queries':>8}")
    for measure in measures:
        print(row(measure))


def latency(args, period, district, province, provinces):
    client = Client()
    client.force_login(bench_user([province]))
    results = {}
    for label, unit, runs in (("district", district, args.runs), ("province", province, max(5, args.runs // 2))):
        api_url = f"/api/v1/progress/{unit.code}/{period.code}/"
        dashboard_url = f"/dashboard/{unit.code}/{period.code}/"
        # "fresh": the roll-up cache emptied before each request, as for the first view
        # after any write (indicators/datacache.py); "cached": data unchanged since the
        # page was last computed, the usual case between two writes.
        api = Measure(f"API {unit.code} fresh", uncached(client_get(client, api_url)), runs)
        dashboard = Measure(f"dashboard {unit.code} fresh", uncached(client_get(client, dashboard_url)), runs)
        api_cached = Measure(f"API {unit.code} cached", client_get(client, api_url), runs)
        dashboard_cached = Measure(f"dashboard {unit.code} cached", client_get(client, dashboard_url), runs)
        units = [unit, *unit.children.valid_on(period.end).order_by("code")]
        bare = Measure("bare roll-up SQL", bare_sql(units, period), runs)
        trivial = Measure("trivial view", client_get(client, "/bench/trivial/"), runs)
        measures = [api, dashboard, api_cached, dashboard_cached, bare, trivial]
        run_interleaved(measures)
        print_table(
            f"{label.capitalize()} {unit.code} ({len(units) - 1} children), {period.code}, {runs} runs", measures
        )
        limit = bare.median + trivial.median
        for measure in (api, dashboard, api_cached, dashboard_cached):
            ratio = measure.median / limit
            print(f"  ratio {measure.name} / (bare SQL + trivial) = {ratio:.2f}")
            name = measure.name.split()
            results[f"{label} {name[0]} {name[-1]}"] = ratio
    runs = max(3, args.runs // 5)
    national = Measure(
        f"national overview ({len(provinces)} provinces)", lambda: rollup.overview(provinces, period), runs
    )
    bare = Measure("bare roll-up SQL", bare_sql(provinces, period), runs)
    run_interleaved([national, bare], warmup=1)
    print_table(f"Nation: all provinces, {period.code}, {runs} runs", [national, bare])
    ratio = national.median / bare.median
    print(f"  ratio national / bare SQL = {ratio:.2f}")
    results["national"] = ratio
    return results, client


def entry_submission(period):
    """The first generated commune whose submission for ``period`` is a draft.

    Saving a draft leaves it a draft, and drafts do not count in the roll-up: the other
    measures see the same data whatever is typed here, and the next run picks the same
    commune again.
    """
    submission = (
        Submission.objects.filter(
            period=period, status=SubmissionStatus.DRAFT, unit__note=scale.MARKER, unit__level=Level.COMMUNE
        )
        .select_related("unit", "period")
        .order_by("unit__code")
        .first()
    )
    if submission is None:
        raise SystemExit(f"No generated commune has a draft for {period.code}: no entry form to save.")
    return submission


def _other_value(indicator, value):
    """A value different from ``value`` and at most 5, so that no figure jumps more than
    the entry form allows without a note (services.is_large_jump: > 3× and > +5)."""
    if indicator.kind == IndicatorKind.YES_NO:
        return 1 - value if value in (0, 1) else 1
    return (value + 1) % 6 if value is not None and value <= 5 else 0


def form_errors(text):
    """The first error messages of an HTML page (a refused form), else its beginning."""
    found = re.findall(r'class="(?:invalid-feedback|alert[^"]*)"[^>]*>\s*([^<]+)', text)
    return "; ".join(" ".join(item.split()) for item in found[:5]) or text[:300]


class EntrySaves:
    """POSTs of the entry form as the officer's browser sends it ("Lưu nháp"): every
    field, the notes unchanged, and the version the page was loaded at.

    The version (optimistic locking) changes with every save, so it is read again before
    each POST, in ``prepare``: untimed and uncounted, as the officer's page was loaded
    before they pressed the button (reading it inside the timed part would add a query
    the real save does not make). The same read checks that the previous save wrote
    exactly what was posted; any other answer than the redirect to the page stops the run.
    """

    def __init__(self, client, submission, indicators):
        self.client, self.submission, self.indicators = client, submission, indicators
        self.url = f"/entry/{submission.unit.code}/{submission.period.code}/"
        self.data = self.expected = None

    def current(self):
        rows = Figure.objects.filter(submission_id=self.submission.pk).values_list("indicator_id", "value", "note")
        return {indicator_id: (value, note) for indicator_id, value, note in rows}

    def check(self, current=None):
        if self.expected is None:
            return
        current = self.current() if current is None else current
        written = {pk: current.get(pk, (None, ""))[0] for pk in self.expected}
        if written != self.expected:
            raise SystemExit(f"entry save: {self.url} redirected but the figures are not those posted")

    def prepare(self, changed):
        """``changed``: how many figures the next save changes (the first ones)."""

        def run():
            current = self.current()
            self.check(current)
            version = Submission.objects.values_list("version", flat=True).get(pk=self.submission.pk)
            self.data, self.expected = {"version": version, "action": "draft"}, {}
            for position, indicator in enumerate(self.indicators):
                value, note = current.get(indicator.pk, (None, ""))
                if position < changed:
                    value = _other_value(indicator, value)
                self.data[VALUE_PREFIX + indicator.code] = "" if value is None else str(value)
                self.data[NOTE_PREFIX + indicator.code] = note
                self.expected[indicator.pk] = value

        return run

    def post(self):
        response = self.client.post(self.url, self.data)
        if response.status_code != 302 or response.url != self.url:
            raise SystemExit(
                f"entry save: {self.url} answered {response.status_code}: "
                f"{form_errors(response.content.decode(errors='replace'))}"
            )


def entry(args, period):
    """Saving the entry form of one commune (every figure changed, or one) against the trivial view."""
    submission = entry_submission(period)
    commune = submission.unit
    user, _ = get_user_model().objects.get_or_create(username=ENTRY_USERNAME)
    UnitRole.objects.get_or_create(user=user, unit=commune, role=Role.ENTRY)
    client = Client()
    client.force_login(user)
    indicators = list(services.entered_indicators(commune.level))
    saves = EntrySaves(client, submission, indicators)
    runs = args.runs
    every = Measure(
        f"save, {len(indicators)} figures changed", saves.post, runs, prepare=saves.prepare(len(indicators))
    )
    one = Measure("save, 1 figure changed", saves.post, runs, prepare=saves.prepare(1))
    trivial = Measure("trivial view", client_get(client, "/bench/trivial/"), runs)
    run_interleaved([every, one, trivial])
    saves.check()
    print_table(
        f"Entry form {commune.code}, {period.code} (draft, {len(indicators)} entered indicators), {runs} runs",
        [every, one, trivial],
    )
    for measure in (every, one):
        print(f"  ratio {measure.name} / trivial view = {measure.median / trivial.median:.2f}")
    # The same queries whether a save writes every figure or one; that the count does not
    # grow with the number of indicators either is tests/indicators/test_entry_query_counts.py.
    return {"entry save extra queries": every.queries - one.queries}


def district_report(district, period, user):
    """The district's draft report for the period (made once, then reused)."""
    committee = SteeringCommittee.objects.get(code=scale.COMMITTEE_CODE)
    report = (
        ReportDocument.objects.filter(
            unit=district, period=period, committee=committee, meeting=None, corrects=None, status=ReportStatus.DRAFT
        )
        .order_by("pk")
        .first()
    )
    if report is None:
        report = report_services.create_report(user=user, committee=committee, unit=district, period=period)
    return report


def pdf(args, client, district, period):
    """The district report's PDF through its view, and its parts: content, HTML, WeasyPrint."""
    report = district_report(district, period, get_user_model().objects.get(username=USERNAME))
    url = f"/reports/{report.pk}.pdf"

    def view():
        response = client.get(url)
        if response.status_code != 200 or not response.content.startswith(b"%PDF"):
            raise SystemExit(f"{url} answered {response.status_code} {response.get('Content-Type')}")

    parts = {}

    def content():
        parts["content"] = documents.content_for(report)

    def html():
        with translation.override(documents.OFFICIAL_LANGUAGE):
            parts["html"] = exports.report_html(parts["content"], report.content_hash)

    def weasyprint():
        exports.html_to_pdf(parts["html"])

    started = time.perf_counter()
    view()
    cold = (time.perf_counter() - started) * 1000
    runs = args.pdf_runs
    measures = [
        Measure(f"PDF {district.code} (view)", view, runs),
        Measure("content (roll-up + document)", content, runs),
        Measure("HTML (template)", html, runs),
        Measure("WeasyPrint (CSS, layout, PDF)", weasyprint, runs),
    ]
    run_interleaved(measures, warmup=1)
    print_table(f"District report PDF {district.code}, {period.code} (report {report.pk}), {runs} runs", measures)
    print(f"  first PDF of this process (WeasyPrint imported, fonts loaded): {cold:.1f} ms")
    whole = measures[0]
    print(f"  goal: median {whole.median / 1000:.2f} s, p95 {whole.p95 / 1000:.2f} s ≤ {PDF_GOAL_SECONDS:g} s")
    return {"district PDF (s)": whole.median / 1000}


def wrk(url, cookie, seconds, connections):
    out = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "60s",
            "-H",
            f"Cookie: sessionid={cookie}",
            url,
        ],
        capture_output=True,
        text=True,
        timeout=seconds + 30,
        check=True,
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([0-9.]+)", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if bad:
        raise SystemExit(f"{url}: {bad.group(1)} error responses under load")
    return rate


def stop_process(process, timeout):
    """SIGTERM, then SIGKILL if ``process`` has not ended within ``timeout`` seconds."""
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextlib.contextmanager
def gunicorn_server(cache, workers=2, port=PORT):
    """gunicorn with ``workers`` sync workers on 127.0.0.1:``port``, the database in
    DATABASE_URL; ``cache``: DAMHA_CACHE ("locmem", "off", or a Redis URL where the
    settings accept one). Stopped on leaving the block, whatever happened inside."""
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", "PYTHONPATH": str(ROOT), "DAMHA_CACHE": cache}
    server = subprocess.Popen(
        [gunicorn, "-w", str(workers), "-b", f"127.0.0.1:{port}", "--log-level", "warning", "damha.wsgi:application"],
        cwd=ROOT,
        env=env,
    )
    try:
        for _ in range(300):
            if server.poll() is not None:
                raise SystemExit(f"gunicorn stopped at start (exit status {server.returncode}; DAMHA_CACHE={cache})")
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)  # noqa: S310 - loopback only
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise SystemExit(f"gunicorn did not answer on 127.0.0.1:{port} within 30 s")
        yield f"http://127.0.0.1:{port}"
    finally:
        stop_process(server, 30)


def throughput(args, client, district, period):
    """Requests per second under gunicorn (2 workers, loopback), dashboard vs trivial view.

    Twice: with the roll-up cache ("cached": the data does not change during the run) and
    without it (DAMHA_CACHE=off: "fresh", every request computes, as after each write).
    """
    if not shutil.which("wrk"):
        print("\nThroughput: skipped — wrk is not installed (apt-get install wrk).")
        return {}
    cookie = client.cookies["sessionid"].value
    paths = {
        "trivial view": "/bench/trivial/",
        f"dashboard {district.code}": f"/dashboard/{district.code}/{period.code}/",
        f"API {district.code}": f"/api/v1/progress/{district.code}/{period.code}/",
    }
    results = {}
    for state, cache in (("cached", "locmem"), ("fresh", "off")):
        rates = {name: [] for name in paths}
        with gunicorn_server(cache) as base:
            for _ in range(args.throughput_rounds):
                for name, path in paths.items():
                    rates[name].append(wrk(base + path, cookie, args.seconds, 4))
        print(
            f"\nThroughput, {state} (DAMHA_CACHE={cache}), gunicorn 2 workers, "
            f"wrk -t2 -c4 -d{args.seconds}s, {args.throughput_rounds} rounds, median"
        )
        medians = {name: statistics.median(values) for name, values in rates.items()}
        for name, value in medians.items():
            print(f"  {name:<34} {value:9.1f} req/s")
        for name, value in medians.items():
            if name != "trivial view":
                ratio = value / medians["trivial view"]
                print(f"  ratio {name} / trivial view = {ratio:.1%}")
                results[f"throughput {name.split()[0]} {state}"] = ratio
    return results


# (issue, name, comparison, goal): every figure a goal is set for, printed met or not.
# Issue 8: the pages within 2 × (bare roll-up SQL + trivial view) — met by the roll-up cache,
# "cached" — and the throughput, entry save and PDF goals. Issue 18, part 3: the computed
# ("fresh") pages near the limit, as the first request after a write sees them.
GOALS = [
    *(("8", f"{level} {page} cached", "≤", 2.0) for level in ("district", "province") for page in ("API", "dashboard")),
    ("8", "throughput dashboard cached", "≥", 0.25),
    ("8", "throughput dashboard fresh", "≥", 0.25),
    # Queries of a save changing every figure minus those of a save changing one figure.
    ("8", "entry save extra queries", "≤", 0),
    ("8", "district PDF (s)", "≤", PDF_GOAL_SECONDS),
    ("18", "district API fresh", "≤", 2.0),
    ("18", "district dashboard fresh", "≤", 3.0),
    ("18", "province API fresh", "≤", 2.0),
    ("18", "province dashboard fresh", "≤", 2.0),
    ("18", "national", "≤", 1.5),
]


def print_goals(results):
    for issue in dict.fromkeys(goal[0] for goal in GOALS):
        title = {"8": "Goals (issue 8)", "18": "Goals (issue 18, part 3: fresh pages near the limit)"}[issue]
        print(f"\n{title}")
        for _issue, name, op, goal in (g for g in GOALS if g[0] == issue):
            if name not in results:
                continue
            value = results[name]
            met = value <= goal if op == "≤" else value >= goal
            shown = f"{value:6d}" if isinstance(value, int) else f"{value:6.2f}"
            print(f"  {name:<30} {shown} {op} {goal:<5} {'met' if met else 'not met'}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30, help="runs per district measure (province ½, nation ⅕)")
    parser.add_argument("--period", default=None, help="period code (default: the latest half)")
    parser.add_argument("--seconds", type=int, default=10, help="length of each wrk run")
    parser.add_argument("--throughput-rounds", type=int, default=3)
    parser.add_argument("--skip-throughput", action="store_true")
    parser.add_argument("--pdf-runs", type=int, default=5, help="runs of the district PDF")
    parser.add_argument("--skip-entry", action="store_true")
    parser.add_argument("--skip-pdf", action="store_true")
    parser.add_argument("--communes", type=int, default=10000)
    parser.add_argument("--indicators", type=int, default=40)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--force", action="store_true", help="generate even next to real data")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        raise SystemExit("The benchmarks need PostgreSQL (DATABASE_URL).")
    ensure_data(args)
    generated = AdministrativeUnit.objects.filter(note=scale.MARKER)
    period = Period.objects.get(code=args.period) if args.period else Period.objects.halves().order_by("-end").first()
    provinces = list(generated.filter(level=Level.PROVINCE).order_by("code"))
    province = provinces[0]
    district = generated.filter(level=Level.DISTRICT, parent=province).order_by("code").first()
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        version = cursor.fetchone()[0].split(" on ")[0]
        cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name('indicators_figure')}")
        figures = cursor.fetchone()[0]
    print(
        f"{version}; {os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.1f}; {generated.count()} generated units "
        f"({len(provinces)} provinces), {figures} figures"
    )
    results, client = latency(args, period, district, province, provinces)
    if not args.skip_entry:
        results.update(entry(args, period))
    if not args.skip_pdf:
        results.update(pdf(args, client, district, period))
    if not args.skip_throughput:
        results.update(throughput(args, client, district, period))
    print(f"\nLoad average (1, 5, 15 min) at the end: {', '.join(f'{v:.1f}' for v in os.getloadavg())}")
    print_goals(results)


if __name__ == "__main__":
    main()
