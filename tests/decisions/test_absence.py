"""Absence is not refusal (rule 3, issue 18 part 3): a unanimous decision closed with positions missing and
nobody objecting lapses, only when the secretary confirms it; the close is previewed; a written procedure's
deadline can be extended; a member holding several capacities says which one it votes in."""

from datetime import UTC, date, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import call_command

from alliance.models import Membership
from contracts.dashboard import decisions_per_quarter
from decisions import queries, services
from decisions.exports import popolo
from decisions.models import ActionItem, Decision, Vote
from roles.models import RoleAssignment
from roles.standing import SYSTEM
from tests.factories import AttendanceFactory, MeetingFactory, PersonFactory, RoleFactory
from tests.helpers import actor_for, refused
from tests.scenes import CLOSED, CLOSES, DECISION_ROWS, OPENED

pytestmark = pytest.mark.django_db

NOW = datetime(2021, 3, 5, 12, 0, tzinfo=UTC)  # while the scene's written procedure is open


def two_of_three(scene, **fields) -> Decision:
    decision = scene.open(**fields)
    scene.vote(decision, 0)
    scene.vote(decision, 1)
    return decision


def close(decision, **kwargs):
    return services.close_decision(actor=SYSTEM, decision=decision, closed_at=CLOSED, **kwargs)


# Closing with positions missing


def test_closing_with_a_position_missing_is_refused_without_confirmation_and_writes_nothing(scene):
    decision = two_of_three(scene)
    refusal = refused("positions_missing", close, *DECISION_ROWS, decision=decision)
    assert refusal.field == "confirm_missing"
    assert "Northgate Housing Association has not given a position" in refusal.message
    assert "extend the deadline, defer the decision, or tick “Close with positions missing”" in refusal.message
    decision.refresh_from_db()
    assert decision.status == Decision.Status.OPEN


def test_confirmed_close_with_a_position_missing_lapses_and_is_sealed(scene):
    decision = close(two_of_three(scene), confirm_missing=True)
    assert decision.status == Decision.Status.LAPSED
    assert decision.get_status_display() == "Lapsed: positions missing"
    assert (decision.agree_count, decision.object_count, decision.not_voted_count, decision.eligible_count) == (
        2,
        0,
        1,
        3,
    )
    assert "Nobody objected, but Northgate Housing Association gave no position" in decision.outcome_explanation
    assert decision.is_sealed
    refused("decision_sealed", scene.vote, Vote, decision=decision, index=2)


def test_a_lapsed_appointment_creates_nothing(scene):
    director = RoleFactory(alliance=scene.alliance, title="Alliance director")
    decision = two_of_three(
        scene,
        kind="APPOINTMENT",
        appointment_role=director,
        appointment_person=PersonFactory(),
        appointment_starts_on=date(2021, 4, 1),
    )
    decision = close(decision, confirm_missing=True)
    assert decision.status == Decision.Status.LAPSED and decision.resulting_assignment is None
    assert not RoleAssignment.objects.filter(role=director).exists()


def test_an_objection_with_a_position_missing_is_not_agreed_with_no_confirmation_needed(scene):
    decision = scene.open()
    scene.vote(decision, 0, position="OBJECT")
    scene.vote(decision, 1)
    decision = close(decision)
    assert decision.status == Decision.Status.NOT_AGREED
    assert decision.outcome_explanation == "Not agreed: Harbour Light Housing objected."


def test_every_position_given_needs_no_confirmation(scene):
    decision = scene.open()
    for i in range(3):
        scene.vote(decision, i)
    assert close(decision).status == Decision.Status.AGREED


# The preview


def test_preview_shows_the_lapse_who_is_missing_and_the_choices(scene):
    decision = two_of_three(scene)
    preview = services.closing_preview(decision=decision, at=CLOSED)
    assert preview["outcome"] == "LAPSED" and preview["outcome_label"] == "Lapsed: positions missing"
    assert preview["missing"] == ["Northgate Housing Association"]
    assert preview["needs_confirmation"]
    assert preview["choices"] == ["extend_deadline", "defer", "close_as_lapsed"]
    assert (preview["agree"], preview["not_voted"], preview["eligible"]) == (2, 1, 3)
    decision.refresh_from_db()
    assert decision.status == Decision.Status.OPEN and decision.closed_at is None


def test_preview_of_a_meeting_decision_offers_no_deadline(scene):
    meeting = MeetingFactory(body=scene.body, starts_at=datetime(2021, 3, 4, 10, 0, tzinfo=UTC), status="held")
    for i in range(3):
        AttendanceFactory(
            meeting=meeting,
            person=scene.reps[i],
            capacity="voting_representative",
            organisation=scene.members[i].organisation,
        )
    decision = scene.open(meeting=meeting, closes_at=None)
    scene.vote(decision, 0, cast_at=datetime(2021, 3, 4, 11, 0, tzinfo=UTC))
    preview = services.closing_preview(decision=decision, at=CLOSED)
    assert preview["choices"] == ["defer", "close_as_lapsed"]
    assert preview["missing"] == ["Northgate Housing Association", "Second Step Trust"]


def test_preview_of_a_closed_decision_is_refused(scene):
    decision = close(two_of_three(scene), confirm_missing=True)
    refused("decision_not_open", services.closing_preview, *DECISION_ROWS, decision=decision)


# Extending a written procedure's deadline


def extend(decision, closes_at, actor=SYSTEM, now=NOW, **kwargs):
    return services.extend_deadline(actor=actor, decision=decision, closes_at=closes_at, now=now, **kwargs)


def test_extending_the_deadline_lets_the_missing_member_vote(scene):
    decision = two_of_three(scene)
    later = datetime(2021, 3, 20, 17, 0, tzinfo=UTC)
    decision = extend(decision, later, reason="Northgate's board meets on the 15th.")
    assert decision.closes_at == later
    assert decision.history.first().history_change_reason.endswith("Northgate's board meets on the 15th.")
    scene.vote(decision, 2, cast_at=datetime(2021, 3, 16, 9, 0, tzinfo=UTC))
    decision = services.close_decision(
        actor=SYSTEM, decision=decision, closed_at=datetime(2021, 3, 21, 9, 0, tzinfo=UTC)
    )
    assert decision.status == Decision.Status.AGREED


def test_a_deadline_in_the_past_is_refused(scene):
    decision = two_of_three(scene)
    refused("closes_at_in_past", extend, *DECISION_ROWS, decision=decision, closes_at=OPENED)


def test_a_deadline_before_the_current_one_is_refused(scene):
    decision = two_of_three(scene)
    refusal = refused("closes_at_not_later", extend, *DECISION_ROWS, decision=decision, closes_at=CLOSES.replace(day=9))
    assert "“Closes at”" in refusal.message and refusal.field == "closes_at"


def test_a_meeting_decision_has_no_deadline_to_extend(scene):
    meeting = MeetingFactory(body=scene.body, starts_at=datetime(2021, 3, 4, 10, 0, tzinfo=UTC))
    decision = scene.open(meeting=meeting, closes_at=None)
    refused("deadline_at_meeting", extend, *DECISION_ROWS, decision=decision, closes_at=CLOSES)


def test_a_closed_decision_deadline_is_sealed(scene):
    decision = close(two_of_three(scene), confirm_missing=True)
    refused("decision_sealed", extend, *DECISION_ROWS, decision=decision, closes_at=CLOSES.replace(day=20))


def test_a_representative_cannot_extend_the_deadline(scene):
    decision = two_of_three(scene)
    refusal = refused(
        "not_permitted",
        extend,
        *DECISION_ROWS,
        decision=decision,
        closes_at=CLOSES.replace(day=20),
        actor=actor_for(scene.reps[0], on=NOW.date()),
    )
    assert refusal.forbidden


# A lapsed matter comes back without counting as a refusal


def test_a_lapsed_decision_is_not_amended_but_revisited(scene):
    lapsed = close(two_of_three(scene), confirm_missing=True)
    refused("amend_not_agreed", services.amend_decision, *DECISION_ROWS, actor=SYSTEM, decision=lapsed)
    again = scene.open(revisits=[lapsed], tags=["outreach"])
    for i in range(3):
        scene.vote(again, i)
    close(again)
    groups = queries.matters_decided_more_than_once(scene.alliance)
    assert groups == []  # the lapsed one decided nothing: the matter was decided once


def test_a_lapsed_decision_takes_no_action_items(scene):
    lapsed = close(two_of_three(scene), confirm_missing=True)
    refused(
        "action_decision_not_taken",
        services.create_action_item,
        ActionItem,
        actor=SYSTEM,
        decision=lapsed,
        title="Tell providers",
        owner_person=scene.reps[0],
        due_on=date(2021, 4, 1),
    )


# The capacity a member votes in


@pytest.fixture
def commissioner(scene):
    """Make the first member hold several capacities, as the commissioner does."""
    member = scene.members[0]
    member.capacities = [Membership.Capacity.COMMISSIONER, Membership.Capacity.FUNDER, Membership.Capacity.PARTNER]
    member.save()
    return member


def test_a_member_holding_several_capacities_must_say_which_it_votes_in(scene, commissioner):
    decision = scene.open()
    refusal = refused("vote_capacity_required", scene.vote, Vote, decision=decision, index=0)
    assert "Commissioner, Funder or Partner" in refusal.message and "“Acting as”" in refusal.message


def test_a_capacity_the_member_does_not_hold_is_refused(scene, commissioner):
    decision = scene.open()
    refusal = refused("vote_capacity_not_held", scene.vote, Vote, decision=decision, index=0, capacity="provider")
    assert refusal.field == "capacity"


def test_the_capacity_a_member_votes_in_is_recorded(scene, commissioner):
    decision = scene.open()
    vote = scene.vote(decision, 0, capacity="partner")
    assert vote.capacity == "partner" and vote.get_capacity_display() == "Partner"


def test_a_member_with_one_capacity_votes_in_it(scene):
    vote = scene.vote(scene.open(), 1)
    assert vote.capacity == "provider"


# Lapsed reads as lapsed wherever statuses show


def test_the_outcome_notification_says_lapsed(scene, mailoutbox):
    decision = close(two_of_three(scene), confirm_missing=True)
    call_command("send_notifications", "--now", (CLOSED + timedelta(hours=1)).isoformat(), stdout=StringIO())
    assert any(m.subject.startswith(f"Lapsed: positions missing: {decision.reference}") for m in mailoutbox)


def test_the_dashboard_counts_lapsed_decisions_apart(scene):
    close(two_of_three(scene), confirm_missing=True)
    figures = decisions_per_quarter(scene.alliance)
    statuses = [o["status"] for o in figures["outcomes"]]
    lapsed = statuses.index("LAPSED")
    assert figures["outcomes"][lapsed]["label"] == "Lapsed: positions missing"
    assert figures["rows"] == [{"quarter": "2021 Q1", "counts": [int(i == lapsed) for i in range(len(statuses))]}]


def test_exports_say_lapsed(scene):
    decision = close(two_of_three(scene), confirm_missing=True)
    motion = next(m for m in popolo(scene.alliance)["vote_events"] if m["motion_id"].endswith(str(decision.pk)))
    assert motion["result"] == "lapsed"
