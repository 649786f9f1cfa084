"""Redis as the shared cache (indicators/cache.py): losing it degrades to computing.

Runs when a redis-server binary is installed (or DAMHA_TEST_REDIS=1 insists); each test
starts its own private server so that it can stop it.
"""

import logging
import os
import subprocess
import sys
import time

import pytest
from django.conf import settings as django_settings
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from committees.models import Role
from indicators.models import Figure, Period, SubmissionStatus
from reports import verification
from tests import factories as f
from tests.redis_server import CACHE_BACKENDS, RedisServer

pytestmark = pytest.mark.skipif("redis" not in CACHE_BACKENDS, reason="no redis-server (apt-get install redis-server)")


@pytest.fixture
def server(settings):
    server = RedisServer().start()
    server.use(settings, BACKOFF=0.3)
    yield server
    server.close()


@pytest.fixture
def viewer(client, db):
    f.period("2024-H1")
    _, district, (c1,) = f.tree(communes=("C1",))
    f.indicator("VU", name="Số vụ", order=1)
    f.submission(c1, Period.objects.get(code="2024-H1"), SubmissionStatus.SUBMITTED, VU=3)
    client.force_login(f.user("xem", (Role.VIEW, district)))
    return client


def served(client):
    """(VU's actual at district 200, whether the roll-up was computed)."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("reports:api_progress", args=["200", "2024-H1"]))
    assert response.status_code == 200
    row = next(row for row in response.json()["rows"] if row["indicator"] == "VU")
    return row["actual"], any("tree(pid, pend, bucket, uid, lvl)" in q["sql"] for q in captured.captured_queries)


def test_pages_are_kept_in_redis(server, viewer):
    assert served(viewer) == (3, True)
    assert served(viewer) == (3, False)
    assert any(server.client().scan_iter("damha:*"))


def test_a_dead_redis_gives_the_correct_page_not_an_error(server, viewer, settings, caplog):
    server.use(settings, BACKOFF=3)
    assert served(viewer) == (3, True)
    server.stop()
    Figure.objects.update(value=5)
    with caplog.at_level(logging.WARNING, logger="indicators.cache"):
        assert served(viewer) == (5, True)
        assert served(viewer) == (5, True)  # computed again: no cache
    warnings = [r for r in caplog.records if r.name == "indicators.cache"]
    # One warning: within the back-off the second request did not try Redis again.
    assert len(warnings) == 1
    assert "Redis cache unavailable" in warnings[0].getMessage()

    # After the back-off it tries again, and a server that came back is used again.
    server.start()
    time.sleep(3.1)
    assert served(viewer) == (5, True)
    assert served(viewer) == (5, False)


def test_a_redis_that_comes_back_never_serves_a_stale_page(server, viewer):
    assert served(viewer) == (3, True)  # cached in Redis under the 2024 versions
    server.client().client_pause(1000)  # unresponsive for 1 s (its back-off: 0.3 s), keeping its data
    Figure.objects.update(value=6)  # written while Redis does not answer
    assert served(viewer) == (6, True)  # its socket timed out: computed
    time.sleep(1.1)
    assert server.client().dbsize() > 0  # the old entry is still there…
    assert served(viewer) == (6, True)  # …under a key no page asks for any more
    assert served(viewer) == (6, False)


def test_the_rate_limit_keeps_counting_per_worker_while_redis_is_away(server):
    caches["ratelimit"].clear()
    assert [verification.allow("10.0.0.1", limit=2) for _ in range(3)] == [True, True, False]
    server.stop()
    assert [verification.allow("10.0.0.2", limit=2) for _ in range(3)] == [True, True, False]


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("redis://127.0.0.1:6390/0", "redis indicators.cache.ResilientRedisCache indicators.cache.ResilientRedisCache"),
        (
            "rediss://cache.example:6380/1",
            "redis indicators.cache.ResilientRedisCache indicators.cache.ResilientRedisCache",
        ),
        (
            "locmem",
            "locmem django.core.cache.backends.locmem.LocMemCache django.core.cache.backends.locmem.LocMemCache",
        ),
        ("off", "off django.core.cache.backends.dummy.DummyCache django.core.cache.backends.locmem.LocMemCache"),
    ],
)
def test_damha_cache_selects_the_backend(value, shown):
    script = (
        "from django.conf import settings as s; "
        "print(s.DAMHA_CACHE, s.CACHES['default']['BACKEND'], s.CACHES['ratelimit']['BACKEND'], s.CACHES['default'].get('LOCATION'))"
    )
    env = {**os.environ, "DAMHA_CACHE": value, "DJANGO_DEBUG": "1", "DJANGO_SETTINGS_MODULE": "damha.settings"}
    result = subprocess.run(  # noqa: S603 - this interpreter, a fixed script
        [sys.executable, "-c", "import django; django.setup(); " + script],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        cwd=django_settings.BASE_DIR,
    )
    out = result.stdout.strip()
    assert out.startswith(shown)
    if value.startswith("redis"):
        assert out.endswith(value)
