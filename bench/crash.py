"""kill -9 of an import in the middle of its write leaves the database consistent (issue 9, point 6).

One command (from the project root), after bench/concurrency.py has prepared ``h_sec2_load``
(or with LOAD_DATABASE_URL pointing at any migrated database with the demo loaded):

    /work/main/.venv/bin/python bench/crash.py

It writes a big figures CSV (every commune × every commune indicator × three half-years),
runs ``manage.py import_figures`` on it in a subprocess, waits until PostgreSQL shows that
import's transaction has written rows (``backend_xid`` set in pg_stat_activity), sends
SIGKILL, then checks: no figure, submission or history row of that import exists and the
figure counts are as before (all-or-nothing, one transaction). Bounded: gives up after 120 s.
"""

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATABASE_URL = os.environ.get("LOAD_DATABASE_URL") or "postgres://root@127.0.0.1:5432/h_sec2_load"
os.environ.update({"DATABASE_URL": DATABASE_URL, "DJANGO_DEBUG": "1", "DJANGO_SETTINGS_MODULE": "damha.settings"})
sys.path.insert(0, str(ROOT))

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from committees.models import AdministrativeUnit, Level  # noqa: E402
from indicators.models import Figure, Indicator, Submission  # noqa: E402

PERIODS = ["2023-H2", "2024-H1", "2024-H2"]
NAME = "crash-import.csv"


def state():
    return (
        Figure.objects.count(),
        Submission.objects.count(),
        Figure.history.count(),
        Submission.history.count(),
        Submission.history.filter(history_change_reason__contains=NAME).count(),
    )


def big_csv(path):
    units = list(AdministrativeUnit.objects.filter(level=Level.COMMUNE, valid_to__isnull=True, valid_from__isnull=True))
    indicators = list(Indicator.objects.entered().filter(entry_level=Level.COMMUNE))
    lines = ["unit_code,indicator_code,period,value,note"]
    for period in PERIODS:
        for unit in units:
            for indicator in indicators:
                lines.append(f"{unit.code},{indicator.code},{period},{1 if indicator.kind == 'yes_no' else 3},crash")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(lines) - 1


def writing(pid_hint):
    """Whether an import_figures backend holds a transaction that has written rows."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL"
        )
        return cursor.fetchone()[0] > 0


def main():
    before = state()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / NAME
        rows = big_csv(path)
        print(f"generated {rows} rows in {path.name}")
        process = subprocess.Popen(
            [sys.executable, "manage.py", "import_figures", str(path), "--user", "admin"],
            cwd=ROOT,
            env=os.environ,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 120
        seen_writing = False
        while time.monotonic() < deadline and process.poll() is None:
            if writing(process.pid):
                seen_writing = True
                time.sleep(0.3)  # let it write some more rows
                break
            time.sleep(0.05)
        if process.poll() is not None:
            print(f"FAILED: the import finished (exit {process.returncode}) before it could be killed")
            return 1
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
        print(f"import killed with SIGKILL while writing: {seen_writing}")
    # PostgreSQL rolls the orphaned transaction back when it notices the client is gone.
    for _ in range(100):
        if not writing(None):
            break
        time.sleep(0.1)
    connection.close()
    after = state()
    labels = ["figures", "submissions", "figure history rows", "submission history rows", "rows of this import"]
    ok = seen_writing and after == before and after[4] == 0
    for label, old, new in zip(labels, before, after, strict=True):
        print(f"{label}: before {old}, after {new}")
    print(f"rows of the killed import written: {after[4]} (all-or-nothing holds: {after == before})")
    print("OK" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
