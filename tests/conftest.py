"""Shared fixtures: the Đầm Hà demo, built once per test session, and the cast.

Loading the demo takes about a second on SQLite and several on PostgreSQL, and about a
hundred tests read it. So the demo is loaded once into an outer transaction that stays
open while the tests that use it run; each test runs inside pytest-django's own
transaction nested in it (a savepoint), so whatever a test writes is rolled back and the
next test sees the demo as loaded. The layers are:

- ``demo``: the indicators demo (units, committees, targets, figures, demo users);
- ``report_demo_data``: the demo plus the 08/07/2024 conference and its final report.

Tests are ordered so that those needing the same layers run together
(``pytest_collection_modifyitems``); between groups the outer transaction is rolled back
or extended. A test that needs committed data (``live_server``, ``transactional_db``, a
``django_db(transaction=True)`` marker) gets no layer: its ``demo`` fixture loads the demo
for real, and pytest-django empties the tables after it, as before.
"""

import pytest
from django.db import transaction

from indicators.fixtures import demo as demo_data
from reports.fixtures import demo as report_demo
from tests.cast import client_for, world  # noqa: F401 - pytest fixtures for every folder

LAYERS = (("demo", demo_data.load), ("report_demo_data", report_demo.load))


def _transactional(item):
    marker = item.get_closest_marker("django_db")
    if marker is not None and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])):
        return True
    names = getattr(item, "fixturenames", ())
    return "live_server" in names or "transactional_db" in names


def _wanted(item):
    """The layers ``item`` reads, outermost first (none for a transactional test)."""
    if _transactional(item):
        return ()
    names = set(getattr(item, "fixturenames", ()))
    wanted = ()
    for depth, (name, _loader) in enumerate(LAYERS, start=1):
        if name in names:
            wanted = tuple(layer for layer, _loader in LAYERS[:depth])
    return wanted


def pytest_collection_modifyitems(items):
    """Run the tests needing the same layers together, transactional (browser) tests last."""
    order = {(): 0, ("demo",): 1, ("demo", "report_demo_data"): 2}
    items.sort(key=lambda item: (_transactional(item), order[_wanted(item)]))


class _Stack:
    """The open outer transactions, one per loaded layer."""

    def __init__(self, blocker):
        self.open = []  # [(name, atomic)]
        self.blocker = blocker

    def names(self):
        return tuple(name for name, _atomic in self.open)

    def pop(self):
        _name, atomic = self.open.pop()
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)

    def close(self):
        with self.blocker.unblock():
            while self.open:
                self.pop()

    def ensure(self, wanted):
        while self.names() != wanted[: len(self.open)]:
            self.pop()
        for name, loader in LAYERS[len(self.open) : len(wanted)]:
            atomic = transaction.atomic()
            atomic.__enter__()
            self.open.append((name, atomic))
            loader()


_STACK = []  # the session's _Stack, once made


@pytest.fixture(scope="session")
def _layers(django_db_setup, django_db_blocker):
    stack = _Stack(django_db_blocker)
    _STACK.append(stack)
    yield stack
    stack.close()
    _STACK.clear()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """Roll the layers back as soon as the last test reading them is done, before the
    transactional (browser) tests start. It must happen here, on the connection that
    opened them: once Playwright runs, the test code runs in a greenlet of its own, where
    Django hands out another connection (connections are per thread and per context), so
    the layers' transaction could no longer be closed, and on the shared in-memory SQLite
    database it would keep the tables locked for the browser tests' server."""
    yield
    if _STACK and _STACK[0].open and (nextitem is None or _transactional(nextitem)):
        _STACK[0].close()


@pytest.fixture
def _demo_layers(request, _layers, django_db_blocker):
    """Load or drop the shared layers this test needs."""
    with django_db_blocker.unblock():
        _layers.ensure(_wanted(request.node))


@pytest.fixture
def _django_db_helper(_demo_layers, _django_db_helper):
    """pytest-django's per-test transaction (the fixture behind ``db``, ``transactional_db``
    and the ``django_db`` marker), opened after the shared layers are in place, so that it
    nests inside them. (Overrides pytest-django 4's fixture of that name and uses it.)"""
    return _django_db_helper


@pytest.fixture
def demo(request, db):
    """The full Đầm Hà demo (units, committees, targets, figures, demo users)."""
    if _transactional(request.node):
        demo_data.load()  # committed; pytest-django empties the tables after the test
    return demo_data


@pytest.fixture
def report_demo_data(request, demo):
    """The Đầm Hà demo plus the 08/07/2024 conference, its conclusions and its final report."""
    if _transactional(request.node):
        report_demo.load()
    return report_demo


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: the shared demo keeps one data version across
    tests, so a page cached by one test would otherwise be served to the next."""
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()


@pytest.fixture(scope="session")
def redis_server():
    """A private Redis server for the session (tests/redis_server.py)."""
    from tests.redis_server import RedisServer

    server = RedisServer().start()
    yield server
    server.close()
