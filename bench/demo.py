"""The 9-commune Đầm Hà demo on the embedded SQLite database: did anything get slower?

    python bench/demo.py [--runs 50]

Loads the demo into a temporary SQLite file and measures, interleaved, the district
dashboard and progress API (district 200, 2024-H1) and the province dashboard against
the trivial view, through the Django test client. Run it on two commits and compare the
ratios (docs/performance.md).
"""

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
_db = Path(tempfile.mkdtemp()) / "demo.sqlite3"
os.environ["DATABASE_URL"] = f"sqlite:///{_db}"
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from bench.run import Measure, client_get, print_table, run_interleaved, uncached  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0)
    client = Client()
    client.force_login(get_user_model().objects.get(username="admin"))
    pages = {
        "dashboard 200 2024-H1": "/dashboard/200/2024-H1/",
        "API 200 2024-H1": "/api/v1/progress/200/2024-H1/",
        "dashboard 22 2024-H1": "/dashboard/22/2024-H1/",
    }
    # "fresh": computed, as the first request after a write; "cached": data unchanged.
    measures = [Measure(f"{name} fresh", uncached(client_get(client, url)), args.runs) for name, url in pages.items()]
    measures += [Measure(f"{name} cached", client_get(client, url), args.runs) for name, url in pages.items()]
    measures.append(Measure("trivial view", client_get(client, "/bench/trivial/"), args.runs))
    run_interleaved(measures)
    print_table(f"Đầm Hà demo on SQLite, {args.runs} runs", measures)
    trivial = measures[-1].median
    for measure in measures[:-1]:
        print(f"  ratio {measure.name} / trivial view = {measure.median / trivial:.2f}")


if __name__ == "__main__":
    main()
