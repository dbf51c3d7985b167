"""Drafts: votes close in the future and the review comes after the decision; a draft is edited (fixing a
closing moment that has passed); a scheduled meeting changes until it is held; a written procedure past
its closing moment waits for the secretary's close."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import timezone

from decisions import queries, services
from decisions.models import Decision, Meeting
from roles.standing import SYSTEM
from tests.factories import MeetingFactory
from tests.helpers import actor_for, refused
from tests.scenes import CLOSED, CLOSES, DECISION_ROWS, OPENED

pytestmark = pytest.mark.django_db


def soon(days=7):
    return timezone.now() + timedelta(days=days)


def draft(scene, **fields):
    values = {
        "actor": SYSTEM,
        "body": scene.body,
        "title": "Adopt the outreach redesign",
        "proposal": "That the alliance redesigns outreach around a single team.",
        "kind": "KEY",
    }
    return services.draft_decision(**{**values, **fields})


# Drafting


def test_draft_closing_in_the_future(scene):
    assert draft(scene, closes_at=soon()).status == Decision.Status.DRAFT


def test_draft_closing_in_the_past_is_refused_in_the_forms_words(scene):
    error = refused(
        "closes_at_in_past", draft, *DECISION_ROWS, scene=scene, closes_at=timezone.now() - timedelta(hours=1)
    )
    assert error.field == "closes_at"
    assert error.message.startswith("“Closes at” (")
    assert "closes_at" not in error.message


def test_review_before_the_meeting_is_refused(scene):
    meeting = MeetingFactory(body=scene.body, starts_at=datetime(2031, 3, 12, 10, tzinfo=UTC))
    error = refused("review_on_before_decision", draft, *DECISION_ROWS, scene=scene, meeting=meeting,
                    review_on=date(2031, 3, 11))  # fmt: skip
    assert error.field == "review_on"
    assert (
        error.message == "“Review on” (11/03/2031) is before the decision is taken (12/03/2031); give a date after it."
    )


def test_review_before_the_votes_close_is_refused(scene):
    closes = soon(30)
    refused("review_on_before_decision", draft, *DECISION_ROWS, scene=scene, closes_at=closes,
            review_on=timezone.localdate(closes) - timedelta(days=1))  # fmt: skip


def test_review_on_the_day_of_the_decision_is_allowed(scene):
    closes = soon(30)
    assert draft(scene, closes_at=closes, review_on=timezone.localdate(closes)).review_on


def test_review_in_the_past_without_a_date_for_the_decision_is_refused(scene):
    refused("review_on_before_decision", draft, *DECISION_ROWS, scene=scene, review_on=date(2020, 1, 1))


def test_a_caller_replaying_history_drafts_as_of_then(scene):
    # The demo and the scenes record 2021: their drafts are judged as of the moment they replay.
    decision = draft(scene, closes_at=CLOSES, now=OPENED)
    assert decision.closes_at == CLOSES


# Editing a draft


def test_a_draft_whose_votes_would_close_in_the_past_is_fixed_by_editing(scene):
    stale = draft(scene, closes_at=CLOSES, now=OPENED)
    refused("written_procedure_closes_before_opening", services.open_decision, *DECISION_ROWS, actor=SYSTEM,
            decision=stale)  # fmt: skip
    edited = services.update_decision(actor=actor_for(scene.secretary), decision=stale, closes_at=soon())
    assert edited.history.first().history_change_reason == "Edited"
    assert services.open_decision(actor=SYSTEM, decision=edited).status == Decision.Status.OPEN


def test_editing_other_fields_leaves_a_stale_closing_moment_for_the_secretary_to_fix(scene):
    stale = draft(scene, closes_at=CLOSES, now=OPENED)
    assert services.update_decision(actor=SYSTEM, decision=stale, title="Adopt it").title == "Adopt it"


def test_editing_a_closing_moment_into_the_past_is_refused(scene):
    decision = draft(scene, closes_at=soon())
    refused("closes_at_in_past", services.update_decision, *DECISION_ROWS, actor=SYSTEM, decision=decision,
            closes_at=timezone.now() - timedelta(days=1))  # fmt: skip


def test_editing_the_review_before_the_decision_is_refused(scene):
    decision = draft(scene, closes_at=soon(30))
    refused("review_on_before_decision", services.update_decision, *DECISION_ROWS, actor=SYSTEM, decision=decision,
            review_on=timezone.localdate())  # fmt: skip


def test_only_the_bodys_secretary_edits_a_draft(scene):
    decision = draft(scene, closes_at=soon())
    refused("not_permitted", services.update_decision, *DECISION_ROWS, actor=actor_for(scene.reps[0]),
            decision=decision, title="Mine")  # fmt: skip


# Changing a scheduled meeting


@pytest.fixture
def meeting(scene):
    return MeetingFactory(body=scene.body, starts_at=datetime(2021, 3, 12, 10, tzinfo=UTC), title="ALT March")


def test_a_scheduled_meeting_moves_with_history(scene, meeting):
    moved = services.update_meeting(
        actor=actor_for(scene.secretary), meeting=meeting, starts_at=datetime(2021, 3, 19, 10, tzinfo=UTC),
        location="Wellgate hub",
    )  # fmt: skip
    assert (moved.starts_at.day, moved.location) == (19, "Wellgate hub")
    assert moved.history.first().history_change_reason == "Moved to 10:00 on 19/03/2021"


def test_a_held_meeting_cannot_change(scene, meeting):
    services.mark_meeting_held(actor=SYSTEM, meeting=meeting)
    error = refused("meeting_not_scheduled", services.update_meeting, Meeting, actor=SYSTEM, meeting=meeting,
                    location="Elsewhere")  # fmt: skip
    assert error.conflict


def test_a_meeting_cannot_move_onto_another_of_the_body(scene, meeting):
    other = MeetingFactory(body=scene.body, starts_at=datetime(2021, 3, 19, 10, tzinfo=UTC), title="ALT extra")
    error = refused("meeting_duplicate", services.update_meeting, Meeting, actor=SYSTEM, meeting=meeting,
                    starts_at=other.starts_at)  # fmt: skip
    assert "“ALT extra”" in error.message


def test_a_meeting_cannot_lose_its_place(scene, meeting):
    refused("meeting_place_required", services.update_meeting, Meeting, actor=SYSTEM, meeting=meeting, location=" ")


def test_a_meeting_cannot_move_after_a_decision_taken_at_it(scene, meeting):
    decision = scene.open(meeting=meeting)
    services.close_decision(actor=SYSTEM, decision=decision, closed_at=meeting.starts_at + timedelta(hours=1))
    refused("meeting_move_after_decision", services.update_meeting, Meeting, actor=SYSTEM, meeting=meeting,
            starts_at=meeting.starts_at + timedelta(days=1))  # fmt: skip


def test_a_meeting_with_people_present_cannot_move_into_the_future(scene, meeting):
    services.record_attendance(actor=SYSTEM, meeting=meeting, person=scene.reps[0], capacity="voting_representative",
                               organisation=scene.members[0].organisation)  # fmt: skip
    refused("meeting_move_with_attendance", services.update_meeting, Meeting, actor=SYSTEM, meeting=meeting,
            starts_at=soon())  # fmt: skip


# A written procedure past its closing moment


def test_open_written_procedure_past_its_close_waits_for_the_secretary(scene):
    decision = scene.open()  # votes closed on 10/03/2021
    assert decision.awaiting_outcome
    assert decision.status_text == ("Voting closed on 10/03/2021: waiting for the secretary to record the outcome")
    assert list(queries.awaiting_outcome(scene.alliance, now=timezone.now())) == [decision]


def test_open_written_procedure_before_its_close_is_open_for_votes(scene):
    decision = services.open_decision(actor=SYSTEM, decision=draft(scene, closes_at=soon()))
    assert not decision.awaiting_outcome
    assert decision.status_text == "Open for votes"
    assert list(queries.awaiting_outcome(scene.alliance, now=timezone.now())) == []


def test_a_closed_or_meeting_decision_never_waits(scene, meeting):
    closed = services.close_decision(actor=SYSTEM, decision=scene.open(), closed_at=CLOSED)
    at_meeting = scene.open(meeting=meeting, closes_at=None)
    assert not closed.awaiting_outcome and not at_meeting.awaiting_outcome
    assert at_meeting.status_text == "Open for votes"
