"""Benchmarks at national scale: one entry point (`make bench`, docs/performance.md).

    python bench/run.py [--runs 30] [--skip-throughput] [--communes 10000 --indicators 40 --years 10]

On the PostgreSQL database in DATABASE_URL (default: bench_national on 127.0.0.1), it
migrates, generates the synthetic data set if it is not there yet, then measures, in one
run and interleaved so that machine noise hits every measure alike:

- latency (median and p95 of N runs) of the progress API and the dashboard through the
  Django test client, for a district and a province;
- the bare roll-up statement executed with the cursor (the physical limit: the database
  work alone, no Python around it) for the same units;
- a trivial login-protected Django view measured the same way (the fixed cost of any page);
- the national roll-up (every province side by side, rollup.overview) against its bare SQL;
- the query count of each;
- throughput under gunicorn (2 workers, 127.0.0.1, bounded wrk runs) of the district
  dashboard and API against the trivial view in the same run.

Ratios, not absolute times, are what the goals are about (issue 8): the machine has two
cores shared with other work. Saving an entry form and the district PDF are measured
after the entry and report branches are merged (docs/performance.md).
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

from committees.models import AdministrativeUnit, Level, Role, UnitRole  # noqa: E402
from indicators import datacache, rollup, scale  # noqa: E402
from indicators.models import Period  # noqa: E402

PORT = int(os.environ.get("BENCH_PORT", "8106"))
USERNAME = "bench.viewer"


def percentile(values, fraction):
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


class Measure:
    def __init__(self, name, func, runs):
        self.name, self.func, self.runs = name, func, runs
        self.times = []
        self.queries = None

    def once(self):
        started = time.perf_counter()
        self.func()
        self.times.append((time.perf_counter() - started) * 1000)

    def count_queries(self):
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
            measure.func()
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
    sql, params = rollup.aggregate_sql(rollup.plan_roots(units, period))

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


@contextlib.contextmanager
def gunicorn_server(cache):
    """gunicorn with 2 workers on loopback; ``cache``: DAMHA_CACHE ("locmem" or "off")."""
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", "PYTHONPATH": str(ROOT), "DAMHA_CACHE": cache}
    server = subprocess.Popen(
        [gunicorn, "-w", "2", "-b", f"127.0.0.1:{PORT}", "--log-level", "warning", "damha.wsgi:application"],
        cwd=ROOT,
        env=env,
    )
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{PORT}/healthz", timeout=1)  # noqa: S310 - loopback only
                break
            except OSError:
                time.sleep(0.1)
        yield f"http://127.0.0.1:{PORT}"
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


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


GOALS = {
    f"{level} {page} {state}": ("≤", 2.0)
    for state in ("fresh", "cached")
    for level in ("district", "province")
    for page in ("API", "dashboard")
}
GOALS |= {
    "national": ("≤", 1.5),
    "throughput dashboard cached": ("≥", 0.25),
    "throughput dashboard fresh": ("≥", 0.25),
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30, help="runs per district measure (province ½, nation ⅕)")
    parser.add_argument("--period", default=None, help="period code (default: the latest half)")
    parser.add_argument("--seconds", type=int, default=10, help="length of each wrk run")
    parser.add_argument("--throughput-rounds", type=int, default=3)
    parser.add_argument("--skip-throughput", action="store_true")
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
        f"{version}; {os.cpu_count()} CPUs; {generated.count()} generated units "
        f"({len(provinces)} provinces), {figures} figures"
    )
    results, client = latency(args, period, district, province, provinces)
    if not args.skip_throughput:
        results.update(throughput(args, client, district, period))
    print("\nGoals (issue 8)")
    for name, (op, goal) in GOALS.items():
        if name not in results:
            continue
        value = results[name]
        met = value <= goal if op == "≤" else value >= goal
        print(f"  {name:<30} {value:6.2f} {op} {goal:<5} {'met' if met else 'NOT met'}")


if __name__ == "__main__":
    main()
