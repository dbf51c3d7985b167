"""Rule 4 below the services: a closed decision and its record refuse change whatever calls them."""

import pytest

from alliance.errors import RuleViolation
from decisions import services
from decisions.models import AdvisoryInput, Decision, Recusal, Vote
from tests.decisions.scene import CLOSED, VOTED, make_scene
from tests.helpers import rows

pytestmark = pytest.mark.django_db

RECORD = (Decision, Vote, Recusal, AdvisoryInput)


@pytest.fixture
def closed():
    scene = make_scene()
    decision = scene.open()
    scene.vote(decision, 0)
    services.record_recusal(decision=decision, membership=scene.members[1], reason="Bidder")
    services.record_advice(
        decision=decision, organisation=scene.advisory.organisation, advice="Keep drop-ins", given_at=VOTED
    )
    return services.close_decision(decision=decision, closed_at=CLOSED)


def sealed(call):
    before = rows(*RECORD)
    with pytest.raises(RuleViolation) as info:
        call()
    assert info.value.code == "decision_sealed" and info.value.conflict
    assert rows(*RECORD) == before


def test_admin_style_save_of_a_closed_decision_is_refused(closed):
    closed.title = "Quietly rewritten"

    sealed(closed.save)
    assert Decision.objects.get(pk=closed.pk).title != "Quietly rewritten"


def test_bulk_update_of_closed_decisions_is_refused(closed):
    sealed(lambda: Decision.objects.filter(pk=closed.pk).update(title="Bulk"))


def test_deleting_a_closed_decision_is_refused(closed):
    sealed(closed.delete)


def test_votes_of_a_closed_decision_are_frozen(closed):
    vote = closed.votes.get()
    vote.position = "OBJECT"
    vote.statement = "Changed after the event"
    sealed(vote.save)
    sealed(lambda: Vote.objects.filter(decision=closed).update(position="ABSTAIN"))
    sealed(vote.delete)


def test_recusals_and_advice_of_a_closed_decision_are_frozen(closed):
    recusal = closed.recusals.get()
    recusal.reason = "Different"
    sealed(recusal.save)
    sealed(recusal.delete)
    advice = closed.advisory_inputs.get()
    advice.response = "Answered late"
    sealed(advice.save)
    sealed(lambda: AdvisoryInput.objects.filter(decision=closed).update(response="Bulk"))


def test_bulk_update_of_open_decisions_still_works():
    scene = make_scene()
    decision = scene.open()
    assert Decision.objects.filter(pk=decision.pk).update(review_on="2022-01-01") == 1


def test_services_refuse_edits_of_a_closed_decision(closed):
    for call in (
        lambda: services.update_decision(decision=closed, title="New"),
        lambda: services.withdraw_decision(decision=closed, reason="Late"),
        lambda: services.defer_decision(decision=closed, reason="Late"),
        lambda: services.open_decision(decision=closed),
        lambda: services.grant_dispensation(recusal=closed.recusals.get(), reason="Late"),
    ):
        sealed(call)


def test_withdrawn_decision_is_sealed_too():
    scene = make_scene()
    decision = services.withdraw_decision(decision=scene.open(), reason="Overtaken")
    decision.title = "Changed"
    sealed(decision.save)
