"""The smoke walk: every route of the URLconf, as every standing, on the demo plus the canary alliance.

For each standing the walk GETs every route with real ids of both alliances (pages, API lists and
details, history, ``as_of``, exports, the browsable API with ``?format=api``, the admin), then crawls
the same-origin links it found from the home page on. It fails, per standing, with one message listing
every URL that answered 5xx (with the traceback's last line) or showed a canary the standing may not
read (see tests/smoke/scene.py for the table). Run it before adding a page or an endpoint, and extend
tests/smoke/routes.py when it says it cannot fill a new route:

    .venv/bin/python -m pytest tests/smoke -m smoke
"""

import os
from pathlib import Path

import pytest

from tests.smoke import known
from tests.smoke.routes import Unfillable, admin_urls, every_route, urls
from tests.smoke.scene import ANONYMOUS, STAFF, STANDINGS, VIEWER, WHO
from tests.smoke.walk import Problem, Walk, pattern

pytestmark = [pytest.mark.django_db, pytest.mark.smoke]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "smoke"
MESSAGE_LINES = int(os.environ.get("SMOKE_MESSAGE_LINES", "400"))


def route_urls(scene) -> list[str]:
    found = []
    for route in every_route():
        found += urls(route, scene)
    return list(dict.fromkeys(found))


def test_every_route_is_walked(smoke):
    """A route the walk cannot fill with real ids fails here, naming what to add to tests/smoke/routes.py."""
    unfillable, empty = [], []
    for route in every_route():
        try:
            if not urls(route, smoke):
                empty.append(route.template)
        except Unfillable as error:
            unfillable.append(str(error))
    assert not unfillable, "routes the smoke walk cannot fill:\n" + "\n".join(unfillable)
    assert not empty, "routes the smoke scene has no record for (add one to tests/smoke/scene.py):\n" + "\n".join(empty)


def test_the_canary_table_names_every_canary_once(smoke):
    tokens = [c.token for c in smoke.canaries]
    assert len(tokens) == len(set(tokens)) > 100
    assert all(STAFF in c.readers for c in smoke.canaries), "staff reads everything"
    assert not any(ANONYMOUS in c.readers for c in smoke.canaries), "every canary is on a restricted record"


def write_report(walk: Walk, new, stale) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{walk.standing}.txt"
    parts = [
        f"New (not in tests/smoke/known/{walk.standing}.txt):",
        walk.report(new),
        "",
        "Known and fixed (delete these lines from the known list):",
        *stale,
        "",
        "Every problem, grouped by route:",
        walk.report(),
        "",
        "Every URL:",
        walk.report(grouped=False),
    ]
    path.write_text("\n".join(parts) + "\n")
    return path


@pytest.mark.parametrize("standing", STANDINGS)
def test_walk(smoke, standing):
    walk = Walk(smoke, standing)
    walk.walk(route_urls(smoke))
    if standing == STAFF:
        walk.walk(admin_urls(smoke, full=True))
    elif standing in (ANONYMOUS, VIEWER):
        walk.walk(admin_urls(smoke, full=False))
    walk.crawl("/")
    if standing == STAFF:
        # A canary staff is never shown tests nothing: each must appear somewhere, or the walk misses its page.
        for canary in smoke.canaries:
            if canary.token not in walk.seen:
                walk.problems.append(
                    Problem("(anywhere)", "-", "missing", f"{canary.token} ({canary.what}) is shown to staff nowhere")
                )
    keys = {p.key for p in walk.problems}
    if known.updating():
        known.save(standing, keys, f"the smoke walk as {standing} ({WHO[standing]})")
    listed = known.load(standing)
    new = [p for p in walk.problems if p.key not in listed]
    # A listed problem is fixed only if its route was walked this time (the crawl's reach may vary).
    walked = {pattern(url) for url in walk.answers}
    stale = sorted(k for k in listed - keys if k.startswith("missing") or k.split(" ")[2] in walked)
    path = write_report(walk, new, stale)
    message = []
    if new:
        lines = walk.report(new).splitlines()
        more = f"\n  ... {len(lines) - MESSAGE_LINES} more" if len(lines) > MESSAGE_LINES else ""
        message.append("\n".join(lines[:MESSAGE_LINES]) + more)
    if stale:
        message.append(
            f"fixed since tests/smoke/known/{standing}.txt was written (delete these lines):\n  " + "\n  ".join(stale)
        )
    if message:
        message.append(f"({len(walk.answers)} URLs walked; the whole report is in {path})")
        pytest.fail("\n".join(message), pytrace=False)
