"""The embedded database (SQLite) holds concurrent writes: eight users writing through the API at
once to a production server (gunicorn, two processes of four threads, tests/conftest.py) get no
5xx, and every write is there afterwards, with its audit chain intact.

Without WAL and IMMEDIATE transactions (alliance/settings.py), SQLite answered most of these with
"database is locked" (a 500): a request's transaction began as a reader and could not become a
writer once another request had committed.
"""

import sqlite3
import subprocess
import threading
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest

from tests import demo_server
from tests.demo_server import count_rows, fetch

pytestmark = pytest.mark.slow

DECISIONS = 3  # open for votes, each voted on by all eight voting members at once
DRAFTS = 6  # drafted by each of two users
NOTES = 6  # oversight notes written by each of two users


def token(base: str, username: str, password: str) -> str:
    answer = fetch(base + "/api/v1/auth/token/", method="POST", data={"username": username, "password": password})
    assert answer.status == 200, answer.body
    return answer.json()["token"]


def test_eight_users_writing_at_once_get_no_error_and_lose_nothing(production_server):
    base = production_server.url
    api = base + "/api/v1"
    tokens = {
        name: token(base, name, password)
        for name, password in [
            ("admin", "demo-admin-2020"),
            ("secretary", "demo-secretary-2020"),
            ("oversight", "demo-oversight-2020"),
        ]
    }
    run = uuid.uuid4().hex[:8]
    today = date.today().isoformat()
    alt = next(
        b["id"]
        for b in fetch(f"{api}/bodies/?alliance=dunmarrow", token=tokens["admin"]).json()["results"]
        if b["code"] == "ALT"
    )
    directory = fetch(f"{api}/directory/?alliance=dunmarrow&on={today}", token=tokens["admin"]).json()
    representative = {
        r["role"]["organisation"]: r["holders"][0]["person"]["id"]
        for r in directory["roles"]
        if r["role"]["kind"] == "member_representative" and r["holders"]
    }
    members = fetch(f"{api}/memberships/?alliance=dunmarrow&status=VOTING&on={today}", token=tokens["admin"]).json()
    # A member holding several capacities says which one it votes in (the commissioner votes as partner).
    voters = [
        (m["id"], representative[m["organisation"]["id"]], "partner" if len(m["capacities"]) > 1 else "")
        for m in members["results"]
    ]
    assert len(voters) == 8

    # Decisions open for votes, by written procedure closing in a week.
    closes_at = (datetime.now(UTC) + timedelta(days=7)).isoformat()
    decisions = []
    for n in range(DECISIONS):
        draft = fetch(
            f"{api}/decisions/",
            method="POST",
            token=tokens["secretary"],
            data={
                "body": alt,
                "title": f"Vote {n} ({run})",
                "proposal": "That ...",
                "kind": "POLICY",
                "closes_at": closes_at,
            },
        )
        assert draft.status == 201, draft.body
        opened = fetch(
            f"{api}/decisions/{draft.json()['id']}/open/",
            method="POST",
            token=tokens["secretary"],
            data={"opened_at": datetime.now(UTC).isoformat()},
        )
        assert opened.status == 200, opened.body
        decisions.append(draft.json()["id"])

    def record_votes(who, membership, person, capacity):
        # One voting member's votes on every open decision, by the secretary or the administrator.
        for decision in decisions:
            yield (
                "POST",
                f"{api}/decisions/{decision}/votes/",
                tokens[who],
                {"membership": membership, "position": "AGREE", "cast_by": person, "capacity": capacity},
            )
            yield ("GET", f"{api}/votes/?decision={decision}", tokens[who], None)

    def draft_decisions(who):
        for n in range(DRAFTS):
            yield (
                "POST",
                f"{api}/decisions/",
                tokens[who],
                {"body": alt, "title": f"Draft {who} {n} ({run})", "proposal": "That ...", "kind": "POLICY"},
            )
            yield ("GET", f"{api}/decisions/?alliance=dunmarrow&status=DRAFT", tokens[who], None)

    def write_notes(who):
        for n in range(NOTES):
            yield (
                "POST",
                f"{api}/oversight-notes/",
                tokens[who],
                {"alliance": "dunmarrow", "decision": decisions[n % DECISIONS], "text": f"Note {who} {n} ({run})"},
            )
            yield ("GET", f"{api}/oversight-notes/?alliance=dunmarrow", tokens[who], None)

    # Eight users: four recording two members' votes each, two drafting, two writing notes.
    users = [
        [*record_votes("secretary", *voters[0]), *record_votes("secretary", *voters[1])],
        [*record_votes("admin", *voters[2]), *record_votes("admin", *voters[3])],
        [*record_votes("secretary", *voters[4]), *record_votes("secretary", *voters[5])],
        [*record_votes("admin", *voters[6]), *record_votes("admin", *voters[7])],
        list(draft_decisions("secretary")),
        list(draft_decisions("admin")),
        list(write_notes("oversight")),
        list(write_notes("admin")),
    ]
    answers: list[tuple[str, str, int, bytes]] = []
    start = threading.Barrier(len(users))

    def act(requests):
        start.wait()
        for method, url, key, data in requests:
            answer = fetch(url, method=method, token=key, data=data)
            answers.append((method, url, answer.status, answer.body[:300]))

    threads = [threading.Thread(target=act, args=(requests,)) for requests in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not any(thread.is_alive() for thread in threads), "a user's requests did not finish"

    expected = sum(len(requests) for requests in users)
    assert len(answers) == expected
    errors = [a for a in answers if a[2] >= 500]
    assert not errors, f"{len(errors)} of {expected} requests answered 5xx, e.g. {errors[:3]}"
    refused = [a for a in answers if a[2] not in ({"GET": 200, "POST": 201}[a[0]],)]
    assert not refused, f"{len(refused)} requests were refused, e.g. {refused[:3]}"

    # Every write is in the database.
    database = production_server.database
    placeholders = ",".join("?" * DECISIONS)
    votes = count_rows(
        database, f"SELECT COUNT(*) FROM decisions_vote WHERE decision_id IN ({placeholders})", *decisions
    )
    assert votes == 8 * DECISIONS
    drafts = count_rows(database, "SELECT COUNT(*) FROM decisions_decision WHERE title LIKE ?", f"Draft % ({run})")
    assert drafts == 2 * DRAFTS
    notes = count_rows(database, "SELECT COUNT(*) FROM contracts_oversightnote WHERE text LIKE ?", f"Note % ({run})")
    assert notes == 2 * NOTES
    with sqlite3.connect(database) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"  # set by the server's connections

    # And the audit trail's hash chains still verify: no two writers linked to the same link.
    env = demo_server.demo_environment(database)
    verified = subprocess.run(
        [*demo_server.MANAGE, "verify_audit", "--alliance", "dunmarrow"],
        env=env,
        cwd=demo_server.ROOT,
        capture_output=True,
        text=True,
    )
    assert verified.returncode == 0, verified.stdout + verified.stderr
