"""Browser tests: Debian's Chromium driven by Playwright against a real server.

The server is this project's own `manage.py runserver`, started once per session on a throwaway
SQLite database that `migrate` and `load_demo` fill (tests/demo_server.py), so the journeys walk
the demo as a person would, under the site's Content-Security-Policy: a page that breaks it fails
its test. Nothing downloads a browser: Chromium comes from Debian (`apt-get install chromium`),
which `.ci/run` installs when it is missing. Screenshots land in test-artifacts/screenshots/.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from tests import demo_server

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
# Loaded from the site (static/vendor/) with <script src>: the policy refuses an inline copy.
AXE_URL = "/static/vendor/axe-core-4.14.1/axe.min.js"
# Chromium as the machine's probe runs it: no sandbox as root, no calls home.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items):
    # A conftest's own `pytestmark` marks nothing: mark every journey here so `-m browser` selects them.
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def server(tmp_path_factory, request):
    """The demo served by runserver (DEBUG=true, as `make run`) on a copy of the session's demo
    database (tests/demo_server.py); yields its base URL.

    BROWSER_TEST_SERVER=http://127.0.0.1:8000 reuses a demo server already running (handy while
    writing a journey: the demo loads once instead of on every run).
    """
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium is not installed: `apt-get install chromium` (.ci/run does it)")
    if os.environ.get("BROWSER_TEST_SERVER"):
        yield os.environ["BROWSER_TEST_SERVER"].rstrip("/")
        return
    folder = tmp_path_factory.mktemp("browser-db")
    database = demo_server.copy_database(request.getfixturevalue("demo_database"), folder / "browser.sqlite3")
    env = demo_server.demo_environment(database)
    with demo_server.serve(demo_server.RUNSERVER, env=env, database=database, log=folder / "server.log") as running:
        yield running.url


@pytest.fixture(scope="module")
def browser(server):
    """Chromium, for one module's journeys.

    Not for the session: Playwright's sync API leaves its asyncio loop marked as running in this
    thread while it is open, and Django then refuses every database call ("You cannot call this from
    an async context"). Under pytest-xdist a worker runs database tests after the journeys, so
    Playwright closes with each module (a launch costs about a second).
    """
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, server):
    context = browser.new_context(base_url=server, locale="en-GB", timezone_id="Europe/London")
    page = context.new_page()
    page.set_default_timeout(15_000)
    refused = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    yield page
    context.close()
    assert not refused, f"The Content-Security-Policy refused something on these pages: {refused}"


@pytest.fixture(scope="session", autouse=True)
def _fresh_artifacts():
    # Emptied once a run: under pytest-xdist the first worker that runs a journey empties it, the
    # others (if the journeys are spread, as without `--dist loadgroup`) find the run's stamp.
    run = os.environ.get("PYTEST_XDIST_TESTRUNUID", "")
    stamp = ARTIFACTS / ".run"
    ARTIFACTS.parent.mkdir(parents=True, exist_ok=True)
    with demo_server.file_lock(ARTIFACTS.parent / ".screenshots.lock"):
        if not run or not stamp.exists() or stamp.read_text() != run:
            shutil.rmtree(ARTIFACTS, ignore_errors=True)
            ARTIFACTS.mkdir(parents=True)
            stamp.write_text(run)


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot as a test artefact (and for the user guide)."""
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def guide_screenshot(page, name: str) -> Path:
    """Save what the window shows (not the full page) under guide/, small enough for docs/screenshots/."""
    path = ARTIFACTS / "guide" / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=False)
    return path


def log_in(page, username: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()


def serious_accessibility_violations(page) -> list[dict]:
    """Run axe-core (vendored) in the page; return its serious and critical violations.

    A check called just after a click may meet the next page while it is still being built (no
    <head> yet, or the old page's context gone): wait for it to load and try again."""
    for attempt in range(3):
        page.wait_for_load_state()
        try:
            page.add_script_tag(url=AXE_URL)
            break
        except Exception as error:  # playwright's Error; imported lazily like the rest of it here
            navigating = "appendChild" in str(error) or "context was destroyed" in str(error)
            if attempt == 2 or not navigating:
                raise
            page.wait_for_timeout(250)
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    serious = [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"][:5]]}
        for v in serious
    ]


def assert_accessible(page, name: str) -> None:
    violations = serious_accessibility_violations(page)
    assert not violations, f"{name}: {json.dumps(violations, indent=2)}"
