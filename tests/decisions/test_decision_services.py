from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from decisions import services
from decisions.models import Decision
from roles.standing import SYSTEM
from tests.factories import (
    DelegatedAuthorityFactory,
    GoverningBodyFactory,
    MeetingFactory,
    PersonFactory,
    RoleAssignmentFactory,
    RoleFactory,
)
from tests.helpers import refused_watching
from tests.scenes import CLOSED, DECISION_ROWS, OPENED

pytestmark = pytest.mark.django_db

refused = refused_watching(*DECISION_ROWS)


# Drafting


def test_draft_takes_the_alliance_from_the_body_and_records_revisits(scene):
    earlier = scene.open()
    draft = scene.draft(title="Outreach again", revisits=[earlier], tags=[" Outreach ", "winter", "outreach"])
    assert draft.alliance == scene.alliance and draft.status == Decision.Status.DRAFT and draft.reference == ""
    assert list(draft.revisits.all()) == [earlier] and list(earlier.revisited_by.all()) == [draft]
    assert draft.tags == ["outreach", "winter"]


def test_draft_needs_title_and_proposal(scene):
    refused("decision_title_required", lambda: scene.draft(title=" "))
    refused("decision_proposal_required", lambda: scene.draft(proposal=""))


def test_draft_refuses_unknown_kind_and_visibility(scene):
    refused("decision_kind_unknown", lambda: scene.draft(kind="WHIM"))
    refused("decision_visibility_unknown", lambda: scene.draft(visibility="SECRET"))


def test_draft_refuses_a_meeting_of_another_body(scene):
    other = GoverningBodyFactory(alliance=scene.alliance, code="AMT", name="Management team")
    error = refused("decision_meeting_other_body", lambda: scene.draft(meeting=MeetingFactory(body=other)))
    assert error.field == "meeting"


def test_draft_refuses_a_cancelled_meeting(scene):
    meeting = MeetingFactory(body=scene.body, status="cancelled")
    refused("decision_meeting_cancelled", lambda: scene.draft(meeting=meeting))


def test_draft_refuses_things_of_another_alliance(scene):
    elsewhere = RoleFactory()
    refused(
        "decision_alliance_mismatch",
        lambda: scene.draft(
            kind="APPOINTMENT",
            appointment_role=elsewhere,
            appointment_person=PersonFactory(),
            appointment_starts_on=date(2021, 4, 1),
        ),
    )
    other = make_other_decision()
    refused("decision_alliance_mismatch", lambda: scene.draft(revisits=[other]))


def make_other_decision():
    body = GoverningBodyFactory()
    return services.draft_decision(actor=SYSTEM, body=body, title="Elsewhere", proposal="Other alliance", kind="KEY")


def test_appointment_needs_role_person_and_start(scene):
    error = refused("appointment_incomplete", lambda: scene.draft(kind="APPOINTMENT", appointment_person=None))
    assert "the role, the person appointed, the start date" in error.message


def test_appointment_cannot_end_before_it_starts(scene):
    refused(
        "appointment_ends_before_starts",
        lambda: scene.draft(
            kind="APPOINTMENT",
            appointment_role=RoleFactory(alliance=scene.alliance),
            appointment_person=PersonFactory(),
            appointment_starts_on=date(2021, 4, 1),
            appointment_ends_on=date(2021, 3, 1),
        ),
    )


def test_delegation_needs_a_grant_or_a_revocation_not_both(scene):
    refused("delegation_decision_incomplete", lambda: scene.draft(kind="DELEGATION"))
    role = RoleFactory(alliance=scene.alliance)
    refused(
        "delegation_decision_both",
        lambda: scene.draft(
            kind="DELEGATION",
            delegation_role=role,
            delegation_to_revoke=DelegatedAuthorityFactory(role=role, body=scene.body),
        ),
    )


def test_delegation_grant_needs_scope_and_known_kinds(scene):
    role = RoleFactory(alliance=scene.alliance)
    refused("delegation_scope_required", lambda: scene.draft(kind="DELEGATION", delegation_role=role))
    error = refused(
        "delegation_kinds_invalid",
        lambda: scene.draft(
            kind="DELEGATION", delegation_role=role, delegation_scope="Spend", delegation_kinds=["ANYTHING"]
        ),
    )
    assert "'ANYTHING'" in error.message


def test_negative_value_is_refused(scene):
    refused("money_negative", lambda: scene.draft(value=Decimal("-1")))


# Opening and references


def test_opening_allocates_consecutive_references_per_body_and_year(scene):
    first, second = scene.open(), scene.open()
    assert (first.reference, second.reference) == ("ALT-2021-001", "ALT-2021-002")
    assert first.status == Decision.Status.OPEN and first.opened_at == OPENED


def test_reference_year_is_the_year_of_opening_not_of_drafting(scene):
    draft = scene.draft(closes_at=datetime(2022, 2, 1, tzinfo=UTC))
    opened = services.open_decision(actor=SYSTEM, decision=draft, opened_at=datetime(2022, 1, 4, 9, 0, tzinfo=UTC))
    assert opened.reference == "ALT-2022-001"


def test_written_procedure_needs_closes_at_to_open(scene):
    draft = scene.draft(closes_at=None)
    error = refused("written_procedure_needs_closes_at", lambda: services.open_decision(actor=SYSTEM, decision=draft))
    assert error.field == "closes_at"


def test_written_procedure_cannot_close_before_it_opens(scene):
    # Drafted in January, opened only in March: its votes would already have closed.
    draft = scene.draft(closes_at=datetime(2021, 2, 1, tzinfo=UTC), now=datetime(2021, 1, 15, tzinfo=UTC))
    refused(
        "written_procedure_closes_before_opening",
        lambda: services.open_decision(actor=SYSTEM, decision=draft, opened_at=OPENED),
    )


def test_meeting_decision_opens_without_closes_at(scene):
    draft = scene.draft(meeting=MeetingFactory(body=scene.body), closes_at=None)
    assert services.open_decision(actor=SYSTEM, decision=draft, opened_at=OPENED).status == Decision.Status.OPEN


def test_opening_twice_is_refused(scene):
    decision = scene.open()
    error = refused("decision_already_open", lambda: services.open_decision(actor=SYSTEM, decision=decision))
    assert error.conflict


def test_deferred_decision_reopens_with_its_reference(scene):
    decision = scene.open()
    deferred = services.defer_decision(
        actor=SYSTEM, decision=decision, reason="Wait for the budget", review_on=date(2021, 5, 1)
    )
    assert deferred.status == Decision.Status.DEFERRED and deferred.review_on == date(2021, 5, 1)
    reopened = services.open_decision(actor=SYSTEM, decision=deferred, opened_at=datetime(2021, 3, 5, tzinfo=UTC))
    assert reopened.reference == "ALT-2021-001" and reopened.status == Decision.Status.OPEN
    assert scene.open().reference == "ALT-2021-002"


def test_defer_needs_a_reason_and_is_refused_twice(scene):
    decision = scene.open()
    refused("deferred_reason_required", lambda: services.defer_decision(actor=SYSTEM, decision=decision, reason=""))
    services.defer_decision(actor=SYSTEM, decision=decision, reason="Later")
    refused(
        "decision_already_deferred", lambda: services.defer_decision(actor=SYSTEM, decision=decision, reason="Again")
    )


# Editing


def test_update_changes_an_open_decision(scene):
    decision = scene.open()
    updated = services.update_decision(
        actor=SYSTEM, decision=decision, rationale="Fewer handoffs for people", tags=["Outreach"]
    )
    assert updated.rationale == "Fewer handoffs for people" and updated.tags == ["outreach"]
    assert updated.history.first().history_change_reason == "Edited"


def test_update_refuses_unknown_fields(scene):
    draft = scene.draft()
    error = refused(
        "decision_field_unknown", lambda: services.update_decision(actor=SYSTEM, decision=draft, status="AGREED")
    )
    assert error.field == "status"


def test_update_of_a_closed_decision_is_refused_with_409(scene):
    decision = services.close_decision(actor=SYSTEM, decision=scene.open(), closed_at=CLOSED)
    error = refused("decision_sealed", lambda: services.update_decision(actor=SYSTEM, decision=decision, title="New"))
    assert error.conflict and "amends or supersedes" in error.message


def test_open_written_procedure_keeps_its_closing_moment(scene):
    decision = scene.open()
    refused(
        "written_procedure_needs_closes_at",
        lambda: services.update_decision(actor=SYSTEM, decision=decision, closes_at=None),
    )


# Withdrawing


def test_withdraw_seals_the_decision_with_its_reason(scene):
    decision = services.withdraw_decision(actor=SYSTEM, decision=scene.open(), reason="Overtaken by the budget review")
    assert decision.status == Decision.Status.WITHDRAWN and decision.is_sealed
    assert decision.history.first().history_change_reason == "Withdrawn: Overtaken by the budget review"
    refused("decision_sealed", lambda: services.withdraw_decision(actor=SYSTEM, decision=decision, reason="Again"))


def test_withdraw_needs_a_reason(scene):
    decision = scene.open()
    refused(
        "withdrawn_reason_required", lambda: services.withdraw_decision(actor=SYSTEM, decision=decision, reason=" ")
    )


# Amend and supersede (rule 4)


def agreed(scene):
    decision = scene.open()
    for i in range(3):
        scene.vote(decision, i)
    return services.close_decision(actor=SYSTEM, decision=decision, closed_at=CLOSED)


def test_amend_links_both_ways(scene):
    old = agreed(scene)
    new = services.amend_decision(actor=SYSTEM, decision=old, proposal="As before, with a winter night shelter.")
    assert new.status == Decision.Status.DRAFT and new.amends == old
    assert list(old.amended_by.all()) == [new]
    assert new.title == old.title and new.tags == old.tags
    assert new.history.first().history_change_reason == f"Amends {old.reference}"


def test_supersede_links_both_ways_and_only_once(scene):
    old = agreed(scene)
    new = services.supersede_decision(
        actor=SYSTEM, decision=old, title="Replace the outreach model", proposal="A new model."
    )
    assert new.supersedes == old and list(old.superseded_by.all()) == [new]
    error = refused(
        "supersede_already_superseded", lambda: services.supersede_decision(actor=SYSTEM, decision=old, proposal="X")
    )
    assert error.conflict
    refused("amend_already_superseded", lambda: services.amend_decision(actor=SYSTEM, decision=old, proposal="Y"))


def test_amending_an_open_decision_says_edit_it(scene):
    decision = scene.open()
    error = refused("amend_not_closed", lambda: services.amend_decision(actor=SYSTEM, decision=decision, proposal="Y"))
    assert "edit it instead" in error.message


def test_amending_a_decision_not_agreed_is_refused(scene):
    decision = services.close_decision(actor=SYSTEM, decision=scene.open(), closed_at=CLOSED)
    error = refused("amend_not_agreed", lambda: services.amend_decision(actor=SYSTEM, decision=decision, proposal="Y"))
    assert "revisits" in error.message


# Rule 7: decisions under delegated authority


@pytest.fixture
def director(scene):
    role = RoleFactory(alliance=scene.alliance, title="Alliance director")
    person = PersonFactory(name="Eilidh Director")
    RoleAssignmentFactory(role=role, person=person, starts_on=date(2021, 1, 1))
    delegation = DelegatedAuthorityFactory(role=role, body=scene.body, financial_limit=Decimal("50000"))
    return person, delegation


def delegated(scene, person, delegation, value="12000", on=date(2021, 6, 1)):
    return services.take_delegated_decision(
        actor=SYSTEM,
        body=scene.body,
        title="Spot-purchase winter beds",
        proposal="Buy ten winter beds.",
        value=Decimal(value),
        decided_by=person,
        delegation=delegation,
        decided_on=on,
        rationale="Cold weather",
    )


def test_delegated_decision_is_agreed_at_once_with_a_reference(scene, director):
    person, delegation = director
    decision = delegated(scene, person, delegation)
    assert decision.status == Decision.Status.AGREED and decision.kind == "OPERATIONAL"
    assert (decision.reference, decision.taken_under, decision.decided_by) == ("ALT-2021-001", delegation, person)
    assert decision.decided_on == date(2021, 6, 1) and decision.rationale == "Cold weather"


def test_delegated_decision_over_the_limit_is_refused_with_the_authority_reason(scene, director):
    person, delegation = director
    error = refused("delegated_authority_refused", lambda: delegated(scene, person, delegation, value="60000"))
    assert error.message == (
        "£60,000.00 is above the limit of £50,000.00 delegated to Alliance director by £10,000.00; "
        "the matter needs a decision of Alliance Leadership Team."
    )


def test_delegated_decision_by_someone_without_the_role_is_refused(scene, director):
    _, delegation = director
    error = refused("delegated_authority_refused", lambda: delegated(scene, PersonFactory(name="Nobody"), delegation))
    assert error.message == "No delegation covers operational decisions for any role Nobody has held."


def test_delegated_decision_after_revocation_is_refused(scene, director):
    person, delegation = director
    delegation.revoked_on = date(2021, 5, 1)
    delegation.revocation_reason = "Restructure"
    delegation.save()
    error = refused("delegated_authority_refused", lambda: delegated(scene, person, delegation))
    assert "revoked from 01/05/2021 (Restructure)" in error.message


def test_delegated_decision_naming_a_delegation_that_is_not_in_force_is_refused(scene, director):
    person, delegation = director
    old = DelegatedAuthorityFactory(
        role=delegation.role, body=scene.body, valid_from=date(2020, 1, 1), valid_to=date(2020, 12, 31)
    )
    refused("delegation_not_in_force", lambda: delegated(scene, person, old))


def test_delegated_decision_naming_a_delegation_of_another_kind_is_refused(scene, director):
    person, delegation = director
    other = DelegatedAuthorityFactory(role=delegation.role, body=scene.body, decision_kinds=["AWARD"])
    refused("delegation_does_not_cover_kind", lambda: delegated(scene, person, other))


def test_delegated_decision_naming_a_lower_limit_delegation_is_refused(scene, director):
    person, delegation = director
    small = DelegatedAuthorityFactory(role=delegation.role, body=scene.body, financial_limit=Decimal("5000"))
    refused("delegation_limit_exceeded", lambda: delegated(scene, person, small, value="12000"))


def test_long_reasons_stay_whole_on_the_record_and_the_history_row(scene):
    reason = "The budget review of the partnership changed the whole picture for outreach services " * 3
    decision = services.withdraw_decision(actor=SYSTEM, decision=scene.open(), reason=reason)
    assert decision.outcome_explanation == f"Withdrawn: {reason.strip()}"
    assert decision.history.first().history_change_reason == f"Withdrawn: {reason.strip()}"
