"""Rule 4 below the services: a closed decision and its record refuse change whatever calls them."""

import pytest
from django.db import transaction

from alliance.errors import RuleViolation
from decisions import services
from decisions.models import AdvisoryInput, Decision, Recusal, Vote
from roles.standing import SYSTEM
from tests.helpers import rows
from tests.scenes import CLOSED, VOTED, make_scene

pytestmark = pytest.mark.django_db

RECORD = (Decision, Vote, Recusal, AdvisoryInput)


@pytest.fixture
def closed():
    scene = make_scene()
    decision = scene.open()
    scene.vote(decision, 0)
    services.record_recusal(actor=SYSTEM, decision=decision, membership=scene.members[1], reason="Bidder")
    services.record_advice(
        actor=SYSTEM,
        decision=decision,
        organisation=scene.advisory.organisation,
        advice="Keep drop-ins",
        given_at=VOTED,
    )
    return services.close_decision(actor=SYSTEM, decision=decision, closed_at=CLOSED, confirm_missing=True)


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
        lambda: services.update_decision(actor=SYSTEM, decision=closed, title="New"),
        lambda: services.withdraw_decision(actor=SYSTEM, decision=closed, reason="Late"),
        lambda: services.defer_decision(actor=SYSTEM, decision=closed, reason="Late"),
        lambda: services.open_decision(actor=SYSTEM, decision=closed),
        lambda: services.grant_dispensation(actor=SYSTEM, recusal=closed.recusals.get(), reason="Late"),
    ):
        sealed(call)


def test_withdrawn_decision_is_sealed_too():
    scene = make_scene()
    decision = services.withdraw_decision(actor=SYSTEM, decision=scene.open(), reason="Overtaken")
    decision.title = "Changed"
    sealed(decision.save)


# Deletes, bulk inserts and links below the API (rule 4)

LINKS = Decision.revisits.through


def in_savepoint(call):
    """The related manager writes in its caller's transaction; a savepoint keeps the test's usable."""

    def run():
        with transaction.atomic():
            call()

    return run


def test_bulk_delete_of_a_closed_decisions_votes_is_refused(closed):
    sealed(lambda: Vote.objects.filter(decision=closed).delete())
    sealed(lambda: Recusal.objects.filter(decision=closed).delete())
    sealed(lambda: AdvisoryInput.objects.filter(decision=closed).delete())


def test_bulk_delete_of_a_withdrawn_decision_is_refused():
    scene = make_scene()
    withdrawn = services.withdraw_decision(actor=SYSTEM, decision=scene.open(), reason="Overtaken")
    sealed(lambda: Decision.objects.filter(pk=withdrawn.pk).delete())


def test_bulk_create_of_a_vote_on_a_closed_decision_is_refused(closed):
    scene_member = closed.recusals.get().membership
    vote = Vote(decision=closed, membership=scene_member, cast_by=closed.votes.get().cast_by, position="AGREE")
    vote.cast_at = CLOSED
    sealed(lambda: Vote.objects.bulk_create([vote]))


def test_bulk_create_of_a_closed_decision_is_refused(closed):
    copy = Decision(alliance=closed.alliance, body=closed.body, title="Copy", proposal="Copy", kind="KEY")
    copy.status = Decision.Status.AGREED
    sealed(lambda: Decision.objects.bulk_create([copy]))


def test_links_of_a_closed_decision_are_frozen(closed):
    scene_body = closed.body
    other = services.draft_decision(actor=SYSTEM, body=scene_body, title="Earlier", proposal="Earlier", kind="KEY")
    before = LINKS.objects.count()
    sealed(in_savepoint(lambda: closed.revisits.add(other)))
    sealed(in_savepoint(lambda: other.revisited_by.add(closed)))
    sealed(in_savepoint(lambda: closed.revisits.clear()))
    assert LINKS.objects.count() == before


def test_links_of_a_closed_decision_cannot_be_cleared_from_the_other_side(closed):
    earlier = services.draft_decision(actor=SYSTEM, body=closed.body, title="Earlier", proposal="Earlier", kind="KEY")
    LINKS.objects.create(from_decision=closed, to_decision=earlier)
    sealed(in_savepoint(lambda: earlier.revisited_by.clear()))
    sealed(in_savepoint(lambda: earlier.revisited_by.remove(closed)))
    assert LINKS.objects.filter(from_decision=closed).count() == 1


def test_a_new_decision_may_revisit_a_closed_one(closed):
    later = services.draft_decision(
        actor=SYSTEM, body=closed.body, title="Again", proposal="Again", kind="KEY", revisits=[closed]
    )
    assert list(later.revisits.all()) == [closed]


def test_bulk_delete_of_open_decisions_votes_still_works():
    scene = make_scene()
    decision = scene.open()
    scene.vote(decision, 0)
    assert Vote.objects.filter(decision=decision).delete()[0] == 1


# The admin shows a sealed record read-only: a refusal, never a 500


def test_admin_change_post_on_a_closed_decision_is_refused_not_a_500(admin_client, closed):
    url = f"/admin/decisions/decision/{closed.pk}/change/"
    assert admin_client.get(url).status_code == 200
    before = rows(*RECORD)
    response = admin_client.post(url, {"title": "Quietly rewritten", "proposal": "x", "kind": "KEY"})
    assert response.status_code == 403
    assert rows(*RECORD) == before


def test_admin_offers_no_delete_for_a_closed_decisions_vote(admin_client, closed):
    vote = closed.votes.get()
    assert admin_client.post(f"/admin/decisions/vote/{vote.pk}/delete/", {"post": "yes"}).status_code == 403
    before = rows(*RECORD)
    response = admin_client.post(
        "/admin/decisions/vote/", {"action": "delete_selected", "_selected_action": [vote.pk], "post": "yes"}
    )
    assert response.status_code in (200, 302, 403)
    assert rows(*RECORD) == before


def test_admin_history_revert_of_a_closed_decision_is_refused(admin_client, closed):
    version = closed.history.earliest()
    url = f"/admin/decisions/decision/{closed.pk}/history/{version.history_id}/"
    before = rows(*RECORD)
    assert admin_client.post(url, {"title": "Reverted", "proposal": "x", "kind": "KEY"}).status_code == 403
    assert rows(*RECORD) == before


def test_admin_still_edits_an_open_decision(admin_client):
    scene = make_scene()
    decision = scene.open()
    response = admin_client.get(f"/admin/decisions/decision/{decision.pk}/change/")
    assert response.status_code == 200 and b'name="_save"' in response.content
