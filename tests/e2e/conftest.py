"""Browser tests: real Chromium (Debian's package) driven by Playwright.

Playwright's own browser download does not work on these machines (TOOLING.md), so
the launch options point at /usr/bin/chromium. Screenshots go to artifacts/ so a person
can open them.
"""

import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
DEMO_PASSWORD = "damha2024"


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


@pytest.fixture
def demo_server(live_server, demo):
    """A live server holding the Đầm Hà demo."""
    return live_server


@pytest.fixture
def login(page, demo_server):
    """Log a demo user in through the real login form; returns the page."""

    def _login(username, password=DEMO_PASSWORD):
        page.goto(f"{demo_server.url}/accounts/login/")
        # The form's CSRF token must match the cookie when it is posted: let anything the
        # previous page still had in flight (its service worker's fetches) land first, so
        # that no late answer replaces the cookie under the form.
        page.wait_for_load_state("networkidle")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", password)
        page.click("button[type=submit]")
        page.wait_for_load_state("networkidle")
        return page

    return _login


@pytest.fixture
def screenshot(page):
    """Save a full-page PNG under artifacts/ and return its path."""

    def _shot(name, full_page=True):
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=full_page)
        return path

    return _shot
