"""Races that the row locks must settle (PostgreSQL: SQLite serialises every write anyway)."""

import threading

import pytest
from django.db import connection

from alliance.errors import RuleViolation
from decisions import services
from decisions.models import Decision, Vote
from roles.standing import SYSTEM
from tests.scenes import CLOSED, OPENED, make_scene

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def race(*calls):
    """Run every call in its own thread and connection at once; return results or the errors raised."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            results[index] = call()
        except RuleViolation as error:
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_concurrent_openings_get_distinct_consecutive_references():
    scene = make_scene()
    drafts = [scene.draft(title=f"Matter {n}") for n in range(8)]
    race(*[lambda d=d: services.open_decision(actor=SYSTEM, decision=d, opened_at=OPENED) for d in drafts])
    references = sorted(Decision.objects.values_list("reference", flat=True))
    assert references == [f"ALT-2021-{n:03d}" for n in range(1, 9)]


def test_two_votes_for_one_member_at_once_leave_one_row():
    scene = make_scene()
    decision = scene.open()
    results = race(
        lambda: scene.vote(decision, 0, position="AGREE"),
        lambda: scene.vote(decision, 0, position="ABSTAIN"),
    )
    assert all(isinstance(r, Vote) for r in results)
    vote = Vote.objects.get(decision=decision)
    assert vote.history.count() == 2
    assert vote.position == vote.history.order_by("-history_id").first().position


@pytest.mark.parametrize("attempt", range(3))
def test_close_while_a_vote_arrives_keeps_counts_and_votes_in_step(attempt):
    scene = make_scene()
    decision = scene.open()
    scene.vote(decision, 0)
    scene.vote(decision, 1)
    vote, closed = race(
        lambda: scene.vote(decision, 2),
        # The vote may arrive after the close: closing with a position missing then lapses, which it confirms.
        lambda: services.close_decision(actor=SYSTEM, decision=decision, closed_at=CLOSED, confirm_missing=True),
    )
    decision.refresh_from_db()
    stored = Vote.objects.filter(decision=decision)
    assert isinstance(closed, Decision)
    assert decision.agree_count == stored.filter(position="AGREE").count()
    assert decision.not_voted_count == decision.eligible_count - stored.count()
    if isinstance(vote, RuleViolation):
        assert vote.code == "decision_sealed" and stored.count() == 2
    else:
        assert stored.count() == 3 and decision.status == Decision.Status.AGREED
