import io

import pytest
from django.db import transaction

from alliance import demo as alliance_demo
from decisions import demo
from decisions.models import ActionItem, AdvisoryInput, Attendance, Decision, Meeting, Recusal, Vote
from roles import demo as roles_demo
from roles.models import RoleAssignment
from tests.helpers import rows

# One xdist worker loads the demo once for the whole module (the module fixture), not one per worker.
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("demo-decisions")]

MODELS = (Meeting, Attendance, Decision, Vote, Recusal, AdvisoryInput, ActionItem, RoleAssignment)


@pytest.fixture(scope="module")
def ctx(django_db_setup, django_db_blocker):
    """The demo is slow to build: load it once for this module, and roll it back afterwards."""
    with django_db_blocker.unblock(), transaction.atomic():
        ctx = {}
        for part in (alliance_demo, roles_demo, demo):
            part.load(ctx, io.StringIO())
        yield ctx
        transaction.set_rollback(True)


def test_demo_tells_the_story_and_loading_twice_duplicates_nothing(ctx):
    decisions = Decision.objects.filter(alliance=ctx["alliance"])
    assert 35 <= decisions.count() <= 45
    years = {d.year for d in decisions.exclude(decided_on=None).values_list("decided_on", flat=True)}
    assert years == {2020, 2021, 2022, 2023}
    conclusion = decisions.get(title__startswith="Conclude the alliance")
    assert (conclusion.status, conclusion.decided_on.year, conclusion.decided_on.month) == ("AGREED", 2023, 9)
    assert decisions.filter(taken_under__isnull=False).count() >= 3
    assert decisions.filter(meeting__isnull=True, taken_under__isnull=True).exists()  # written procedure
    manual = [d.status for d in decisions if "operating-manual" in d.tags]  # never agreed as a manual
    assert sorted(manual) == [Decision.Status.AGREED, Decision.Status.DEFERRED, Decision.Status.LAPSED]
    assert decisions.get(title__startswith="Appoint Rowan Kelly").resulting_assignment is not None
    assert max(d.revisits.count() + d.revisited_by.count() for d in decisions) >= 2
    assert ActionItem.objects.filter(status="open").exists()
    assert Attendance.objects.filter(capacity="advisor").exists()
    assert Recusal.objects.exists()
    assert Decision.history.count() > decisions.count()  # built through the services, with history

    before = rows(*MODELS)
    demo.load(dict(ctx), io.StringIO())
    assert rows(*MODELS) == before


def test_one_objection_makes_the_outreach_model_not_agreed(ctx):
    lost = Decision.objects.get(status=Decision.Status.NOT_AGREED)
    objections = lost.votes.filter(position="OBJECT")
    assert objections.count() == 1
    assert "night-time gap" in objections.get().statement
    assert lost.votes.filter(position="AGREE").count() == 7


def test_advisory_members_advise_and_never_vote(ctx):
    for advisory in (ctx["network"], ctx["lived"]):
        assert AdvisoryInput.objects.filter(organisation=advisory).exclude(response="").exists()
        assert not Vote.objects.filter(membership__organisation=advisory).exists()
