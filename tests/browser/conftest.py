"""Browser tests: Playwright for Python driving Debian's Chromium.

Where /usr/bin/chromium is missing they are skipped with a plain message, except
in CI (the CI environment variable is set), where a missing browser fails.
Never run `playwright install`: the browser comes from the distribution.
"""

import os
import re
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
MISSING = (
    "Browser tests skipped: Chromium was not found at {path}. Install it with "
    "`sudo apt-get install -y chromium` (Debian/Ubuntu) and run the tests again."
)


def _unavailable(reason):
    if os.environ.get("CI"):
        reason = reason.replace("Browser tests skipped", "Browser tests cannot run")
        pytest.fail(f"{reason} CI never skips the browser tests.", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def chromium():
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        _unavailable(MISSING.format(path=CHROMIUM))
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable(
            "Browser tests skipped: the playwright package is not installed "
            "(.venv/bin/pip install -r requirements.txt)."
        )
    # Playwright's sync API keeps an event loop in the test thread; the database calls
    # the tests make there (loading data, flushing) are ordinary synchronous ones. Set
    # only while a browser module runs: `check --deploy` rightly refuses the variable.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="module")
def demo_site(django_db_setup, django_db_blocker):
    """What `make run` gives a new site (the reference lists, the synthetic demo cases,
    the shipped figures), made once for a module of tests that only read it, and
    served by a live server of the module's own: about a minute saved per test.

    The data stays in a transaction rolled back after the module. The server's
    thread sees it because it shares the test thread's connection, as it does for
    SQLite's in-memory test database; the browser tests run on SQLite (.ci/run).
    """
    from django.db import connections
    from pytest_django.live_server_helper import LiveServer

    from cases.demo import DEMO_PERSONS, generate_demo_data
    from cases.reference import load_reference_data
    from core.testing import rolled_back
    from stats.shipped import load_shipped_statistics

    if not all(c.vendor == "sqlite" and c.is_in_memory_db() for c in connections.all()):
        # Never the development databases: a module whose tests carry no django_db
        # mark gets no test databases at all.
        pytest.fail("the shared demo site needs SQLite's in-memory test databases")
    with django_db_blocker.unblock(), rolled_back():
        load_reference_data()
        generate_demo_data(persons=DEMO_PERSONS, seed=1)  # what `seed_demo` gives a new site
        load_shipped_statistics()
        server = LiveServer("localhost")
        server._live_server_modified_settings.enable()
        try:
            yield server
        finally:
            server._live_server_modified_settings.disable()
            server.stop()


@pytest.fixture
def page(chromium, request):
    """A page of a fresh context that records every request it makes; on failure
    a full-page screenshot goes to test-artifacts/."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.requests = []
    page.on("request", lambda r: page.requests.append(r.url))
    # What the browser refused or failed at (a Content-Security-Policy violation is
    # reported here): tests assert it is empty.
    page.console_errors = []
    page.on("console", lambda m: m.type == "error" and page.console_errors.append(m.text))
    page.set_default_timeout(15000)
    yield page
    failed = getattr(request.node, "report_call", None)
    if failed is not None and failed.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    context.close()


def assert_only_own_host(page, live_server):
    others = [url for url in page.requests if not url.startswith(live_server.url + "/")]
    assert not others, f"requests to other hosts: {others}"
    assert page.requests, "no request recorded"
