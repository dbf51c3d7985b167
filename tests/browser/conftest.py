"""Browser tests: Debian's Chromium driven by Playwright against a real server.

The server is this project's own `manage.py runserver`, started once per session on a throwaway
SQLite database that `migrate` and `load_demo` fill, so the journeys walk the demo as a person
would. Nothing downloads a browser: Chromium comes from Debian (`apt-get install chromium`),
which `.ci/run` installs when it is missing. Screenshots land in test-artifacts/screenshots/.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
AXE = ROOT / "static" / "vendor" / "axe-core-4.14.1" / "axe.min.js"
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


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(port: int, process: subprocess.Popen, log: Path, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"The test server stopped: {log.read_text()[-2000:]}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError(f"The test server did not answer on port {port}: {log.read_text()[-2000:]}")


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """The demo served by runserver on a fresh SQLite file; yields its base URL.

    BROWSER_TEST_SERVER=http://127.0.0.1:8000 reuses a demo server already running (handy while
    writing a journey: the demo loads once instead of on every run).
    """
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium is not installed: `apt-get install chromium` (.ci/run does it)")
    if os.environ.get("BROWSER_TEST_SERVER"):
        yield os.environ["BROWSER_TEST_SERVER"].rstrip("/")
        return
    folder = tmp_path_factory.mktemp("browser-db")
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{folder / 'browser.sqlite3'}",
        "DEBUG": "true",
        "DJANGO_SETTINGS_MODULE": "alliance.settings",
    }
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], env=env, check=True, cwd=ROOT)
    subprocess.run([*manage, "load_demo"], env=env, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    port = _free_port()
    log = folder / "server.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [*manage, "runserver", f"127.0.0.1:{port}", "--noreload"], env=env, cwd=ROOT, stdout=out, stderr=out
        )
    try:
        _wait_for(port, process, log)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="session")
def browser(server):
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
    yield page
    context.close()


@pytest.fixture(scope="session", autouse=True)
def _fresh_artifacts():
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)


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
    """Run axe-core (vendored) in the page; return its serious and critical violations."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    serious = [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"][:5]]}
        for v in serious
    ]


def assert_accessible(page, name: str) -> None:
    violations = serious_accessibility_violations(page)
    assert not violations, f"{name}: {json.dumps(violations, indent=2)}"
