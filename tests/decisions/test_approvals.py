"""The authority map: an agreement beyond what an outside body delegated to the body waits for its approval."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from alliance.errors import RuleViolation
from alliance.models import GoverningBody
from decisions import services
from decisions.models import Decision, DecisionApproval
from roles import services as role_services
from roles.models import DelegatedAuthority, RoleAssignment
from roles.standing import SYSTEM
from tests.factories import DecisionFactory, PersonFactory, RoleFactory
from tests.helpers import actor_for, refused, viewer_of
from tests.scenes import CLOSED, outside_body_with_authority

pytestmark = pytest.mark.django_db


def agreed(scene, **fields) -> Decision:
    decision = scene.open(**fields)
    for index in range(len(scene.members)):
        scene.vote(decision, index)
    return services.close_decision(actor=SYSTEM, decision=decision, closed_at=CLOSED)


def approve(decision, **fields) -> DecisionApproval:
    values = {"outcome": "approved", "given_on": date(2021, 3, 24), "reference": "IJB minute 21/14"}
    values.update(fields)
    values.setdefault("actor", SYSTEM)
    return services.record_approval(decision=decision, **values)


# Applying the map on close


def test_a_decision_within_the_authority_is_agreed(scene):
    outside_body_with_authority(scene)
    decision = agreed(scene, value=Decimal("1500000"))
    assert decision.status == Decision.Status.AGREED
    assert decision.approval_needed == "" and decision.approval_from is None


def test_a_decision_over_the_limit_is_agreed_subject_to_approval(scene):
    board = outside_body_with_authority(scene)
    decision = agreed(scene, value=Decimal("24600000"))
    assert decision.status == Decision.Status.AWAITING_APPROVAL
    assert decision.approval_from == board
    assert decision.approval_needed == "£24.6m is over the £2m IJB delegated to ALT."
    assert decision.status_text == "Agreed subject to the approval of Dunmarrow Integration Joint Board"
    assert "Needs the approval of Dunmarrow Integration Joint Board" in decision.outcome_explanation


def test_a_reserved_kind_needs_approval_whatever_its_value(scene):
    outside_body_with_authority(scene)
    decision = agreed(scene, kind="POLICY")
    assert decision.status == Decision.Status.AWAITING_APPROVAL
    assert decision.approval_needed == "Policy is a matter IJB reserved to itself when it delegated to ALT."


def test_a_kind_not_delegated_needs_approval(scene):
    outside_body_with_authority(scene, reserved_kinds=[])
    decision = agreed(scene, kind="POLICY")
    assert decision.status == Decision.Status.AWAITING_APPROVAL
    assert decision.approval_needed == "Policy is not among the kinds of decision IJB delegated to ALT."


def test_no_authority_in_force_on_the_day_needs_approval(scene):
    outside_body_with_authority(scene, valid_from=date(2021, 4, 1))
    decision = agreed(scene, value=Decimal("1000"))
    assert decision.status == Decision.Status.AWAITING_APPROVAL
    assert decision.approval_needed == (
        "No authority from Dunmarrow Integration Joint Board to ALT was in force on 10/03/2021."
    )


def test_a_body_that_holds_no_authority_from_outside_is_not_held_to_a_map(scene):
    decision = agreed(scene, value=Decimal("24600000"))
    assert decision.status == Decision.Status.AGREED


def test_an_appointment_awaiting_approval_does_not_take_effect(scene):
    outside_body_with_authority(scene, reserved_kinds=["APPOINTMENT"])
    role = RoleFactory(alliance=scene.alliance, title="Alliance Director", single_holder=True)
    person = PersonFactory(name="Ailsa Director")
    decision = agreed(
        scene,
        kind="APPOINTMENT",
        appointment_role=role,
        appointment_person=person,
        appointment_starts_on=date(2021, 4, 1),
    )
    assert decision.status == Decision.Status.AWAITING_APPROVAL
    assert not RoleAssignment.objects.filter(role=role).exists()
    approve(decision)
    decision.refresh_from_db()
    assert decision.status == Decision.Status.AGREED
    assert decision.resulting_assignment.person == person


# Recording the approval


def test_recording_the_approval_completes_the_decision(scene):
    board = outside_body_with_authority(scene)
    decision = agreed(scene, value=Decimal("24600000"))
    explanation = decision.outcome_explanation
    approval = approve(decision, approver="Chief Officer", note="Approved with the annual plan.")
    decision.refresh_from_db()
    assert decision.status == Decision.Status.AGREED
    assert decision.outcome_explanation == explanation  # the sealed record stays as closed
    assert (approval.body, approval.source, approval.outcome) == (board, "IJB minute 21/14", "approved")
    assert decision.history.first().history_change_reason == "Approved by IJB (IJB minute 21/14)"
    assert approval.history.count() == 1


def test_a_refused_approval_ends_the_decision_not_approved(scene):
    outside_body_with_authority(scene, reserved_kinds=["APPOINTMENT"])
    role = RoleFactory(alliance=scene.alliance, title="Alliance Director")
    decision = agreed(
        scene,
        kind="APPOINTMENT",
        appointment_role=role,
        appointment_person=PersonFactory(),
        appointment_starts_on=date(2021, 4, 1),
    )
    approve(decision, outcome="refused")
    decision.refresh_from_db()
    assert decision.status == Decision.Status.NOT_APPROVED
    assert not RoleAssignment.objects.filter(role=role).exists()


def test_an_approval_may_cite_the_outside_bodys_decision(scene):
    board = outside_body_with_authority(scene)
    answer = DecisionFactory(body=board, status=Decision.Status.AGREED, reference="IJB-2021-004")
    decision = agreed(scene, value=Decimal("24600000"))
    approval = approve(decision, reference="", approving_decision=answer)
    assert approval.source == "IJB-2021-004"


WATCHED = (Decision, DecisionApproval, RoleAssignment)


@pytest.fixture
def awaiting(scene):
    outside_body_with_authority(scene)
    return agreed(scene, value=Decimal("24600000"))


def test_an_approval_without_a_reference_is_refused(awaiting):
    error = refused("approval_reference_required", approve, *WATCHED, decision=awaiting, reference="  ")
    assert error.field == "reference" and "minute or paper" in error.message


def test_an_approval_of_a_decision_not_awaiting_one_is_refused(scene):
    outside_body_with_authority(scene)
    decision = agreed(scene, value=Decimal("1000"))
    error = refused("decision_not_awaiting_approval", approve, *WATCHED, decision=decision)
    assert error.conflict


def test_a_second_approval_is_refused(awaiting):
    approve(awaiting)
    refused("decision_not_awaiting_approval", approve, *WATCHED, decision=awaiting)


def test_an_approval_dated_before_the_decision_is_refused(awaiting):
    error = refused("approval_before_decision", approve, *WATCHED, decision=awaiting, given_on=date(2021, 3, 9))
    assert error.field == "given_on"


def test_an_approval_dated_in_the_future_is_refused(awaiting):
    later = timezone.localdate() + timedelta(days=2)
    refused("approval_in_future", approve, *WATCHED, decision=awaiting, given_on=later)


def test_an_approval_citing_another_bodys_decision_is_refused(scene, awaiting):
    other = DecisionFactory(body=scene.body, status=Decision.Status.AGREED, reference="ALT-2020-009")
    refused("approval_decision_mismatch", approve, *WATCHED, decision=awaiting, reference="", approving_decision=other)


def test_only_the_secretary_records_an_approval(scene, awaiting):
    reader = actor_for(viewer_of(scene.alliance))
    refused("not_permitted", approve, *WATCHED, decision=awaiting, actor=reader)


def test_a_decision_awaiting_approval_is_sealed(awaiting):
    refused("decision_sealed", services.update_decision, Decision, actor=SYSTEM, decision=awaiting, title="Other")
    awaiting.title = "Changed behind the application's back"
    with pytest.raises(RuleViolation):
        awaiting.save()


def test_a_recorded_approval_cannot_be_changed(awaiting):
    approval = approve(awaiting)
    approval.note = "Changed"
    with pytest.raises(RuleViolation):
        approval.save()


# Outside bodies


def test_drafting_a_decision_at_an_outside_body_is_refused(scene):
    board = outside_body_with_authority(scene)
    error = refused("outside_body_not_voted", scene.draft, Decision, body=board)
    assert "Record its approval" in error.message


def test_opening_a_decision_at_an_outside_body_is_refused(scene):
    board = outside_body_with_authority(scene)
    draft = DecisionFactory(body=board)
    refused(
        "outside_body_not_voted",
        services.open_decision,
        Decision,
        actor=SYSTEM,
        decision=draft,
        opened_at=datetime(2021, 3, 1, 9, tzinfo=UTC),
    )


# The authority's record


def test_authority_is_granted_by_an_outside_body_only(scene):
    other = GoverningBody.objects.create(
        alliance=scene.alliance,
        name="Management",
        code="AMT",
        kind="management",
        decision_rule="MAJORITY",
        quorum_fraction=Decimal("0.5"),
    )
    refused(
        "authority_map_bodies",
        role_services.grant_body_authority,
        DelegatedAuthority,
        grantor=other,
        grantee=scene.body,
        scope="Anything",
        decision_kinds=["KEY"],
        valid_from=date(2021, 1, 1),
    )


def test_a_delegation_with_no_granting_decision_is_flagged(scene):
    outside_body_with_authority(scene, granted_reference="")
    authority = DelegatedAuthority.objects.get(grantee_body=scene.body)
    assert authority.grant_unrecorded
    assert authority.grantee_name == f"{scene.body.name} (collectively)"


def test_decisions_awaiting_or_refused_approval_count_as_decided():
    """The dashboard, the outcome notification and "decided more than once" count what the body decided, the
    decisions agreed subject to an outside body's approval included (queries.DECIDED)."""
    from contracts.dashboard import OUTCOMES
    from decisions.exports import POPOLO_RESULT
    from decisions.queries import DECIDED

    assert {Decision.Status.AWAITING_APPROVAL, Decision.Status.NOT_APPROVED} <= set(DECIDED) & set(OUTCOMES)
    assert Decision.Status.LAPSED not in DECIDED
    assert POPOLO_RESULT[Decision.Status.NOT_APPROVED] == "fail"
