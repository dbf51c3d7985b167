from datetime import UTC, date, datetime

import pytest

from alliance.errors import RuleViolation
from decisions import services
from decisions.models import Decision, Vote
from roles.models import DelegatedAuthority, RoleAssignment
from roles.standing import SYSTEM
from tests.factories import (
    AttendanceFactory,
    DelegatedAuthorityFactory,
    MeetingFactory,
    PersonFactory,
    RoleAssignmentFactory,
    RoleFactory,
)
from tests.helpers import rows
from tests.scenes import CLOSED, make_scene

pytestmark = pytest.mark.django_db


def close(decision, **kwargs):
    return services.close_decision(actor=SYSTEM, decision=decision, closed_at=CLOSED, **kwargs)


def counts(decision):
    return (
        decision.agree_count,
        decision.object_count,
        decision.abstain_count,
        decision.not_voted_count,
        decision.recused_count,
        decision.eligible_count,
    )


# UNANIMOUS


def test_unanimous_agreement_when_every_eligible_member_agrees():
    scene = make_scene()
    decision = scene.open()
    for i in range(3):
        scene.vote(decision, i)
    decision = close(decision)
    assert decision.status == Decision.Status.AGREED
    assert counts(decision) == (3, 0, 0, 0, 0, 3)
    assert decision.decided_on == date(2021, 3, 10)
    assert decision.outcome_explanation == "Agreed unanimously by all 3 eligible members."
    assert decision.history.first().history_change_reason == decision.outcome_explanation


def test_one_objection_makes_a_unanimous_decision_not_agreed():
    scene = make_scene()
    decision = scene.open()
    scene.vote(decision, 0, position="OBJECT")
    scene.vote(decision, 1)
    scene.vote(decision, 2)
    decision = close(decision)
    assert decision.status == Decision.Status.NOT_AGREED
    assert decision.outcome_explanation == "Not agreed: Harbour Light Housing objected."
    assert counts(decision) == (2, 1, 0, 0, 0, 3)


def test_abstention_blocks_when_the_body_says_so():
    scene = make_scene(abstention_blocks=True)
    decision = scene.open()
    scene.vote(decision, 0, position="ABSTAIN")
    scene.vote(decision, 1)
    scene.vote(decision, 2)
    decision = close(decision)
    assert decision.status == Decision.Status.NOT_AGREED
    assert "Harbour Light Housing abstained" in decision.outcome_explanation


def test_abstention_does_not_block_when_the_body_says_not():
    scene = make_scene(abstention_blocks=False)
    decision = scene.open()
    scene.vote(decision, 0, position="ABSTAIN")
    scene.vote(decision, 1)
    scene.vote(decision, 2)
    decision = close(decision)
    assert decision.status == Decision.Status.AGREED
    assert counts(decision) == (2, 0, 1, 0, 0, 3)


def test_a_member_not_voting_lapses_unanimity_without_refusing_it():
    scene = make_scene()
    decision = scene.open()
    scene.vote(decision, 0)
    scene.vote(decision, 1)
    decision = close(decision, confirm_missing=True)
    assert decision.status == Decision.Status.LAPSED
    assert "Nobody objected, but Northgate Housing Association gave no position" in decision.outcome_explanation
    assert decision.not_voted_count == 1


def test_recused_member_is_not_counted_and_unanimity_holds_without_it():
    scene = make_scene()
    decision = scene.open()
    services.record_recusal(actor=SYSTEM, decision=decision, membership=scene.members[2], reason="Bidder")
    scene.vote(decision, 0)
    scene.vote(decision, 1)
    decision = close(decision)
    assert decision.status == Decision.Status.AGREED
    assert counts(decision) == (2, 0, 0, 0, 1, 2)


def test_a_vote_struck_by_a_recusal_is_not_counted():
    scene = make_scene()
    decision = scene.open()
    scene.vote(decision, 0)
    scene.vote(decision, 1)
    scene.vote(decision, 2, position="OBJECT")
    services.record_recusal(actor=SYSTEM, decision=decision, membership=scene.members[2], reason="Bidder")
    decision = close(decision)
    assert decision.status == Decision.Status.AGREED
    assert counts(decision) == (2, 0, 0, 0, 1, 2)


def test_after_a_dispensation_the_struck_vote_stays_uncounted_until_the_member_votes_again():
    scene = make_scene()
    decision = scene.open()
    scene.vote(decision, 0)
    scene.vote(decision, 1)
    scene.vote(decision, 2)
    recusal = services.record_recusal(actor=SYSTEM, decision=decision, membership=scene.members[2], reason="Bidder")
    services.grant_dispensation(actor=SYSTEM, recusal=recusal, reason="The interest is remote.")
    decision = close(decision, confirm_missing=True)
    assert decision.status == Decision.Status.LAPSED
    assert "Northgate Housing Association gave no position" in decision.outcome_explanation
    assert counts(decision) == (2, 0, 0, 1, 0, 3)


def test_the_vote_cast_again_after_a_dispensation_counts():
    scene = make_scene()
    decision = scene.open()
    scene.vote(decision, 0)
    scene.vote(decision, 1)
    scene.vote(decision, 2, position="OBJECT")
    recusal = services.record_recusal(actor=SYSTEM, decision=decision, membership=scene.members[2], reason="Bidder")
    services.grant_dispensation(actor=SYSTEM, recusal=recusal, reason="The interest is remote.")
    scene.vote(decision, 2)
    decision = close(decision)
    assert decision.status == Decision.Status.AGREED
    assert counts(decision) == (3, 0, 0, 0, 0, 3)


def test_advisory_members_never_count():
    scene = make_scene(voting=2)
    decision = scene.open()
    scene.vote(decision, 0)
    scene.vote(decision, 1)
    decision = close(decision)
    assert decision.eligible_count == 2 and decision.status == Decision.Status.AGREED


# Quorum


def test_written_procedure_quorum_counts_votes_received():
    scene = make_scene(voting=4, rule="CONSENSUS", quorum_fraction="0.75")
    decision = scene.open()
    scene.vote(decision, 0)
    scene.vote(decision, 1)
    decision = close(decision)
    assert decision.status == Decision.Status.NOT_AGREED
    assert (decision.quorum_present, decision.quorum_needed) == (2, 3)
    assert decision.outcome_explanation == "Not agreed: quorum not met (2 of 3 needed)."


def meeting_decision(scene, present):
    meeting = MeetingFactory(body=scene.body, starts_at=datetime(2021, 3, 4, 10, 0, tzinfo=UTC), status="held")
    for i in present:
        AttendanceFactory(
            meeting=meeting,
            person=scene.reps[i],
            capacity="voting_representative",
            organisation=scene.members[i].organisation,
        )
    AttendanceFactory(meeting=meeting, capacity="advisor", organisation=scene.advisory.organisation)
    return meeting, scene.open(meeting=meeting, closes_at=None)


def test_meeting_quorum_counts_voting_members_present():
    scene = make_scene(voting=4, rule="CONSENSUS", quorum_count=3, quorum_fraction=None)
    meeting, decision = meeting_decision(scene, present=[0, 1, 2])
    for i in range(3):
        scene.vote(decision, i)
    decision = close(decision)
    assert decision.status == Decision.Status.AGREED
    assert (decision.quorum_present, decision.quorum_needed) == (3, 3)
    assert decision.outcome_explanation == "Agreed by consensus: 3 agreed, 0 abstained, no objection."


def test_meeting_without_quorum_is_not_agreed_even_with_votes():
    scene = make_scene(voting=4, rule="CONSENSUS", quorum_count=3, quorum_fraction=None)
    meeting, decision = meeting_decision(scene, present=[0])
    AttendanceFactory(
        meeting=meeting,
        person=scene.reps[1],
        capacity="voting_representative",
        organisation=scene.members[1].organisation,
        present=False,
    )
    for i in range(3):
        scene.vote(decision, i)
    decision = close(decision)
    assert decision.outcome_explanation == "Not agreed: quorum not met (1 of 3 needed)."


# CONSENSUS and MAJORITY


def test_consensus_fails_on_one_objection():
    scene = make_scene(rule="CONSENSUS")
    decision = scene.open()
    scene.vote(decision, 0, position="OBJECT")
    scene.vote(decision, 1)
    decision = close(decision)
    assert decision.status == Decision.Status.NOT_AGREED
    assert "Harbour Light Housing objected" in decision.outcome_explanation


def test_consensus_allows_abstention_and_silence_with_quorum():
    scene = make_scene(rule="CONSENSUS")
    decision = scene.open()
    scene.vote(decision, 0, position="ABSTAIN")
    scene.vote(decision, 1)
    decision = close(decision)
    assert decision.status == Decision.Status.AGREED
    assert counts(decision) == (1, 0, 1, 1, 0, 3)


def test_majority_needs_more_agree_than_object():
    scene = make_scene(voting=4, rule="MAJORITY")
    decision = scene.open()
    scene.vote(decision, 0)
    scene.vote(decision, 1)
    scene.vote(decision, 2, position="OBJECT")
    decision = close(decision)
    assert decision.status == Decision.Status.AGREED
    assert decision.outcome_explanation == "Agreed by majority: 2 agreed, 1 objected, 0 abstained."


def test_majority_tie_is_not_agreed():
    scene = make_scene(voting=4, rule="MAJORITY")
    decision = scene.open()
    scene.vote(decision, 0)
    scene.vote(decision, 1, position="OBJECT")
    decision = close(decision)
    assert decision.status == Decision.Status.NOT_AGREED
    assert "1 agreed and 1 objected" in decision.outcome_explanation


# Closing


def test_closing_a_draft_is_refused_with_nothing_written():
    scene = make_scene()
    draft = scene.draft()
    before = rows(Decision)
    with pytest.raises(RuleViolation) as info:
        close(draft)
    assert info.value.code == "decision_not_open" and info.value.conflict
    assert rows(Decision) == before


def test_closing_twice_is_refused():
    scene = make_scene()
    decision = close(scene.open())
    with pytest.raises(RuleViolation) as info:
        close(decision)
    assert info.value.code == "decision_sealed"


def test_stored_counts_match_stored_votes():
    scene = make_scene()
    decision = scene.open()
    scene.vote(decision, 0)
    scene.vote(decision, 1, position="ABSTAIN")
    decision = close(decision)
    stored = Vote.objects.filter(decision=decision)
    assert decision.agree_count == stored.filter(position="AGREE").count()
    assert decision.abstain_count == stored.filter(position="ABSTAIN").count()
    assert decision.not_voted_count == decision.eligible_count - stored.count()


# Rule 8: effects of agreement


def agree_all(scene, decision):
    for i in range(len(scene.members)):
        scene.vote(decision, i)
    return close(decision)


def test_agreed_appointment_creates_the_role_assignment():
    scene = make_scene()
    director = RoleFactory(alliance=scene.alliance, title="Alliance director")
    person = PersonFactory(name="Eilidh Director")
    decision = scene.open(
        kind="APPOINTMENT",
        appointment_role=director,
        appointment_person=person,
        appointment_starts_on=date(2021, 4, 1),
    )
    decision = agree_all(scene, decision)
    assignment = decision.resulting_assignment
    assert (assignment.role, assignment.person, assignment.starts_on) == (director, person, date(2021, 4, 1))
    assert assignment.appointed_by == decision


def test_not_agreed_appointment_creates_nothing():
    scene = make_scene()
    director = RoleFactory(alliance=scene.alliance)
    decision = scene.open(
        kind="APPOINTMENT",
        appointment_role=director,
        appointment_person=PersonFactory(),
        appointment_starts_on=date(2021, 4, 1),
    )
    before = rows(RoleAssignment)
    decision = close(decision)
    assert decision.status == Decision.Status.NOT_AGREED and decision.resulting_assignment is None
    assert rows(RoleAssignment) == before


def test_refused_appointment_refuses_the_close_and_writes_nothing():
    scene = make_scene()
    director = RoleFactory(alliance=scene.alliance, title="Alliance director", single_holder=True)
    RoleAssignmentFactory(role=director, person=PersonFactory(name="Sitting Director"), starts_on=date(2021, 1, 1))
    decision = scene.open(
        kind="APPOINTMENT",
        appointment_role=director,
        appointment_person=PersonFactory(),
        appointment_starts_on=date(2021, 4, 1),
    )
    for i in range(3):
        scene.vote(decision, i)
    before = rows(Decision, Vote, RoleAssignment)
    with pytest.raises(RuleViolation) as info:
        close(decision)
    assert info.value.code == "assignment_overlap" and "Sitting Director" in info.value.message
    assert rows(Decision, Vote, RoleAssignment) == before
    decision.refresh_from_db()
    assert decision.status == Decision.Status.OPEN


def test_agreed_delegation_grants_it_from_the_body():
    scene = make_scene()
    director = RoleFactory(alliance=scene.alliance, title="Alliance director")
    decision = scene.open(
        kind="DELEGATION",
        delegation_role=director,
        delegation_scope="Spot purchases within budget",
        delegation_kinds=["OPERATIONAL"],
        delegation_limit="25000.00",
    )
    decision = agree_all(scene, decision)
    granted = decision.granted_delegation
    assert (granted.role, granted.body, granted.valid_from) == (director, scene.body, date(2021, 3, 10))
    assert granted.granted_by == decision


def test_agreed_delegation_revokes_the_named_one():
    scene = make_scene()
    delegation = DelegatedAuthorityFactory(role=RoleFactory(alliance=scene.alliance), body=scene.body)
    decision = agree_all(scene, scene.open(kind="DELEGATION", delegation_to_revoke=delegation))
    delegation.refresh_from_db()
    assert delegation.revoked_on == date(2021, 3, 10) and decision.revoked_delegation == delegation
    assert decision.reference in delegation.revocation_reason


def test_refused_revocation_refuses_the_close():
    scene = make_scene()
    delegation = DelegatedAuthorityFactory(
        role=RoleFactory(alliance=scene.alliance), body=scene.body, revoked_on=date(2021, 2, 1)
    )
    decision = scene.open(kind="DELEGATION", delegation_to_revoke=delegation)
    for i in range(3):
        scene.vote(decision, i)
    before = rows(Decision, DelegatedAuthority)
    with pytest.raises(RuleViolation) as info:
        close(decision)
    assert info.value.code == "delegation_already_revoked"
    assert rows(Decision, DelegatedAuthority) == before
