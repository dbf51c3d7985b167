"""Advisors heard: asked to advise (and reading what they advise on), exclusions with a reason, advice
required before a KEY decision closes, and responses appended after close."""

from datetime import date

import pytest

from alliance.access import restrict
from alliance.errors import RuleViolation
from decisions import queries, services
from decisions.models import AdviceRequest, AdvisoryInput, AdvisoryResponse, Decision, Vote
from roles.models import Role
from roles.standing import SYSTEM
from tests.factories import (
    AllianceFactory,
    MembershipFactory,
    PersonFactory,
    RoleAssignmentFactory,
    RoleFactory,
    UserFactory,
)
from tests.helpers import actor_for, refused, rows
from tests.scenes import CLOSED, VOTED

WATCHED = (AdviceRequest, AdvisoryInput, AdvisoryResponse, Decision)


def advisory_rep(scene, name="Network rep"):
    """A person holding the advisory network's representative role, with a login."""
    person = PersonFactory(name=name, user=UserFactory())
    role = RoleFactory(
        alliance=scene.alliance, kind=Role.Kind.MEMBER_REPRESENTATIVE, organisation=scene.advisory.organisation
    )
    RoleAssignmentFactory(role=role, person=person, starts_on=date(2021, 1, 1))
    return person


def advise(scene, decision, text="Keep the drop-ins open"):
    return services.record_advice(
        actor=SYSTEM, decision=decision, organisation=scene.advisory.organisation, advice=text, given_at=VOTED
    )


def close(scene, decision):
    for i in range(len(scene.members)):
        scene.vote(decision, i)
    return services.close_decision(actor=SYSTEM, decision=decision, closed_at=CLOSED)


# Asked to advise -------------------------------------------------------------------------------


def test_opening_a_key_decision_asks_the_advisory_members(scene):
    decision = scene.open()
    asked = AdviceRequest.objects.get(decision=decision)
    assert asked.membership == scene.advisory and asked.requested_at == decision.opened_at
    assert asked.history.count() == 1


def test_other_kinds_ask_nobody_by_default(scene):
    decision = scene.open(kind="OPERATIONAL", title="Move the office")
    assert not AdviceRequest.objects.filter(decision=decision).exists()


def test_secretary_asks_an_advisory_member_on_any_decision(scene):
    decision = scene.open(kind="OPERATIONAL", title="Move the office")
    asked = services.ask_for_advice(
        actor=actor_for(scene.secretary), decision=decision, membership=scene.advisory, requested_at=VOTED
    )
    assert asked.requested_by == scene.secretary


def test_asking_a_voting_member_is_refused(scene):
    decision = scene.open(kind="OPERATIONAL")
    error = refused(
        "not_an_advisory_member",
        lambda: services.ask_for_advice(actor=SYSTEM, decision=decision, membership=scene.members[0]),
        *WATCHED,
    )
    assert "its view is its vote" in error.message


def test_asking_twice_or_another_alliances_member_or_after_close_is_refused(scene):
    decision = scene.open()
    refused(
        "already_asked_to_advise",
        lambda: services.ask_for_advice(actor=SYSTEM, decision=decision, membership=scene.advisory),
        *WATCHED,
    )
    other = MembershipFactory(status="ADVISORY")
    error = refused(
        "advice_member_other_alliance",
        lambda: services.ask_for_advice(actor=SYSTEM, decision=decision, membership=other),
        *WATCHED,
    )
    assert other.organisation.name not in error.message
    closed = scene.open(kind="OPERATIONAL", title="Other")
    close(scene, closed)
    refused(
        "decision_sealed",
        lambda: services.ask_for_advice(actor=SYSTEM, decision=closed, membership=scene.advisory),
        *WATCHED,
    )


def test_only_the_secretary_asks(scene):
    decision = scene.open(kind="OPERATIONAL")
    refused(
        "not_permitted",
        lambda: services.ask_for_advice(actor=actor_for(scene.reps[0]), decision=decision, membership=scene.advisory),
        *WATCHED,
    )


# Reading what one advises on: the one read rule ----------------------------------------------


def test_advisory_representative_reads_a_confidential_decision_it_is_asked_on(scene):
    rep = advisory_rep(scene)
    decision = scene.open(visibility="CONFIDENTIAL")
    scene.vote(decision, 0)
    access = actor_for(rep)
    assert Decision.objects.restrict(access).filter(pk=decision.pk).exists()
    assert access.can_read(decision)
    assert Vote.objects.restrict(access).filter(decision=decision).count() == 1
    assert restrict(decision.history.all(), access).exists()


def test_advisory_representative_does_not_read_a_confidential_decision_it_is_not_asked_on(scene):
    rep = advisory_rep(scene)
    decision = scene.open(visibility="CONFIDENTIAL", kind="OPERATIONAL", title="Staffing")
    access = actor_for(rep)
    assert not Decision.objects.restrict(access).filter(pk=decision.pk).exists()
    assert not access.can_read(decision)


def test_an_exclusion_hides_the_decision_and_keeps_its_reason(scene):
    rep = advisory_rep(scene)
    decision = scene.open(visibility="CONFIDENTIAL")
    asked = AdviceRequest.objects.get(decision=decision)
    services.exclude_adviser(
        actor=actor_for(scene.secretary), request=asked, reason="It names a member of the network's staff."
    )
    access = actor_for(rep)
    assert not Decision.objects.restrict(access).filter(pk=decision.pk).exists()
    assert not access.can_read(decision)
    shown = queries.exclusion_for(access, scene.alliance, decision.pk)
    assert shown.exclusion_reason == "It names a member of the network's staff."
    assert shown.excluded_by == scene.secretary


def test_exclusion_needs_a_reason_and_the_secretary_and_is_recorded_once(scene):
    decision = scene.open(visibility="CONFIDENTIAL")
    asked = AdviceRequest.objects.get(decision=decision)
    refused(
        "exclusion_reason_required",
        lambda: services.exclude_adviser(actor=SYSTEM, request=asked, reason=" "),
        *WATCHED,
    )
    refused(
        "not_permitted",
        lambda: services.exclude_adviser(actor=actor_for(scene.reps[0]), request=asked, reason="No"),
        *WATCHED,
    )
    services.exclude_adviser(actor=SYSTEM, request=asked, reason="Staff named")
    refused("already_excluded", lambda: services.exclude_adviser(actor=SYSTEM, request=asked, reason="Again"), *WATCHED)


def test_the_same_organisation_asked_in_another_alliance_is_not_read_there(scene):
    """A representative of the network in Dunmarrow reads nothing of another alliance that asks the
    network to advise, where they hold no role."""
    rep = advisory_rep(scene)
    other = AllianceFactory(slug="kestrel", name="Kestrel Vale Alliance")
    there = MembershipFactory(alliance=other, organisation=scene.advisory.organisation, status="ADVISORY")
    from tests.factories import DecisionFactory

    decision = DecisionFactory(alliance=other, visibility="CONFIDENTIAL", status="OPEN")
    services.ask_for_advice(actor=SYSTEM, decision=decision, membership=there)
    access = actor_for(rep)
    assert not Decision.objects.restrict(access).filter(pk=decision.pk).exists()
    assert not access.can_read(decision)
    assert queries.exclusion_for(access, other, decision.pk) is None


# Advice required before a KEY decision closes ---------------------------------------------------


@pytest.fixture
def requiring(scene):
    scene.body.advice_required_for_key = True
    scene.body.save()
    return scene


def test_close_is_refused_naming_the_members_not_heard(requiring):
    scene = requiring
    decision = scene.open()
    for i in range(len(scene.members)):
        scene.vote(decision, i)
    error = refused(
        "advice_missing",
        lambda: services.close_decision(actor=SYSTEM, decision=decision, closed_at=CLOSED),
        *WATCHED,
        Vote,
    )
    assert "Dunmarrow Homelessness Network has not advised" in error.message and error.conflict
    assert Decision.objects.get(pk=decision.pk).status == "OPEN"


def test_close_goes_ahead_once_advice_is_in(requiring):
    decision = requiring.open()
    advise(requiring, decision)
    assert close(requiring, decision).status == "AGREED"


def test_close_goes_ahead_with_a_reason_why_not(requiring):
    decision = requiring.open()
    asked = services.record_no_advice_reason(
        actor=actor_for(requiring.secretary),
        decision=decision,
        membership=requiring.advisory,
        reason="The network asked to be left out: its chair is conflicted.",
    )
    assert asked.no_advice_recorded_by == requiring.secretary
    assert close(requiring, decision).status == "AGREED"


def test_close_goes_ahead_when_the_member_was_excluded(requiring):
    decision = requiring.open()
    services.exclude_adviser(actor=SYSTEM, request=AdviceRequest.objects.get(decision=decision), reason="Staff named")
    assert close(requiring, decision).status == "AGREED"


def test_other_kinds_and_bodies_that_do_not_require_advice_close_without_it(scene, requiring):
    assert close(scene, scene.open(kind="OPERATIONAL", title="Office")).status == "AGREED"
    requiring.body.advice_required_for_key = False
    requiring.body.save()
    assert close(scene, scene.open(title="Second")).status == "AGREED"


def test_a_reason_why_not_needs_words_the_secretary_and_an_open_decision(requiring):
    decision = requiring.open()
    call = services.record_no_advice_reason
    refused(
        "no_advice_reason_required",
        lambda: call(actor=SYSTEM, decision=decision, membership=requiring.advisory, reason=""),
        *WATCHED,
    )
    refused(
        "not_permitted",
        lambda: call(actor=actor_for(requiring.reps[0]), decision=decision, membership=requiring.advisory, reason="X"),
        *WATCHED,
    )
    refused(
        "not_an_advisory_member",
        lambda: call(actor=SYSTEM, decision=decision, membership=requiring.members[0], reason="X"),
        *WATCHED,
    )


# Responses, after close too ---------------------------------------------------------------------


def test_a_response_after_close_is_appended_and_leaves_the_sealed_record_intact(scene):
    decision = scene.open()
    advice = advise(scene, decision)
    services.respond_to_advice(actor=SYSTEM, advisory_input=advice, response="We will look at it.")
    close(scene, decision)
    before = rows(AdvisoryInput, Decision)
    sealed = Decision.objects.get(pk=decision.pk)
    later = services.respond_to_advice(
        actor=actor_for(scene.secretary), advisory_input=advice, response="Drop-ins kept open in two areas."
    )
    assert rows(AdvisoryInput, Decision) == before
    advice.refresh_from_db()
    assert advice.response == "We will look at it."  # the sealed record's answer
    assert [r.response for r in advice.responses.all()] == ["We will look at it.", "Drop-ins kept open in two areas."]
    assert later.responded_by == scene.secretary and later.history.count() == 1
    assert Decision.objects.get(pk=decision.pk).closed_at == sealed.closed_at


def test_a_response_is_never_changed_or_deleted(scene):
    decision = scene.open()
    answer = services.respond_to_advice(actor=SYSTEM, advisory_input=advise(scene, decision), response="Noted.")
    answer.response = "Rewritten"
    with pytest.raises(RuleViolation):
        answer.save()
    with pytest.raises(RuleViolation):
        answer.delete()
    with pytest.raises(RuleViolation):
        AdvisoryResponse.objects.filter(pk=answer.pk).delete()
    assert AdvisoryResponse.objects.get(pk=answer.pk).response == "Noted."


def test_a_response_needs_words_and_the_secretary(scene):
    decision = scene.open()
    advice = advise(scene, decision)
    close(scene, decision)
    refused(
        "advice_response_required",
        lambda: services.respond_to_advice(actor=SYSTEM, advisory_input=advice, response=" "),
        *WATCHED,
    )
    refused(
        "not_permitted",
        lambda: services.respond_to_advice(actor=actor_for(scene.reps[0]), advisory_input=advice, response="Yes"),
        *WATCHED,
    )


# Waiting lists ----------------------------------------------------------------------------------


def test_unanswered_advice_and_advice_awaited(scene):
    decision = scene.open()
    assert list(queries.advice_awaited(scene.alliance)) == [AdviceRequest.objects.get(decision=decision)]
    advice = advise(scene, decision)
    assert not queries.advice_awaited(scene.alliance).exists()
    assert list(queries.unanswered_advice(scene.alliance)) == [advice]
    close(scene, decision)
    services.respond_to_advice(actor=SYSTEM, advisory_input=advice, response="Done.")
    assert not queries.unanswered_advice(scene.alliance).exists()
