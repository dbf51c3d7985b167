"""The meeting's rules the secretary's forms used to accept: a decision of a meeting decided before the
meeting, attendance marked present in the future, two meetings of a body at one moment, and attendance
in a representative's capacity by someone who does not hold the role (and its correction)."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import timezone

from decisions import queries, queries_meetings, services
from decisions.models import Attendance, Decision, Meeting
from roles.standing import SYSTEM
from tests.factories import MeetingFactory, PersonFactory, RoleAssignmentFactory, RoleFactory
from tests.helpers import actor_for, refused
from tests.scenes import CLOSED, DECISION_ROWS

pytestmark = pytest.mark.django_db

MEETING_AT = datetime(2021, 3, 12, 10, 0, tzinfo=UTC)


@pytest.fixture
def meeting(scene):
    return MeetingFactory(body=scene.body, starts_at=MEETING_AT, title="ALT March meeting")


@pytest.fixture
def upcoming(scene):
    return MeetingFactory(body=scene.body, starts_at=timezone.now() + timedelta(days=3), title="ALT next week")


def attend(scene, meeting, index, **kwargs):
    values = {
        "person": scene.reps[index],
        "capacity": Attendance.Capacity.VOTING_REPRESENTATIVE,
        "organisation": scene.members[index].organisation,
    }
    values.update(kwargs)
    return services.record_attendance(actor=SYSTEM, meeting=meeting, **values)


# No decision of a meeting is decided before the meeting starts


def test_decision_of_a_meeting_closes_after_the_meeting_starts(scene, meeting):
    decision = scene.open(meeting=meeting)
    closed = services.close_decision(actor=SYSTEM, decision=decision, closed_at=MEETING_AT + timedelta(hours=1))
    assert closed.decided_on == date(2021, 3, 12)


def test_decision_of_a_meeting_closes_at_the_moment_it_starts(scene, meeting):
    decision = scene.open(meeting=meeting)
    assert services.close_decision(actor=SYSTEM, decision=decision, closed_at=MEETING_AT).closed_at == MEETING_AT


def test_closing_before_the_meeting_starts_is_refused_and_writes_nothing(scene, meeting):
    decision = scene.open(meeting=meeting)
    error = refused(
        "closed_before_meeting",
        services.close_decision,
        *DECISION_ROWS,
        actor=SYSTEM,
        decision=decision,
        closed_at=CLOSED,
    )
    assert error.field == "closed_at"
    assert "10:00 on 12/03/2021" in error.message and "before the meeting starts" in error.message
    decision.refresh_from_db()
    assert decision.status == Decision.Status.OPEN and decision.decided_on is None


def test_closing_now_a_decision_of_a_meeting_still_to_come_is_refused(scene, upcoming):
    decision = scene.draft(meeting=upcoming)
    decision = services.open_decision(actor=SYSTEM, decision=decision)
    refused("closed_before_meeting", services.close_decision, *DECISION_ROWS, actor=SYSTEM, decision=decision)


def test_written_procedure_is_not_tied_to_a_meeting(scene):
    decision = scene.open()
    assert services.close_decision(actor=SYSTEM, decision=decision, closed_at=CLOSED).status


# Nobody is marked present at a meeting that has not started


def test_present_at_a_meeting_that_has_started(scene, meeting):
    assert attend(scene, meeting, 0).present


def test_present_at_a_meeting_still_to_come_is_refused_and_writes_nothing(scene, upcoming):
    error = refused(
        "attendance_present_before_meeting",
        attend,
        Attendance,
        scene=scene,
        meeting=upcoming,
        index=0,
    )
    assert error.field == "present"
    assert "Apologies can be recorded in advance" in error.message


def test_apologies_in_advance_are_recorded(scene, upcoming):
    attendance = attend(scene, upcoming, 0, present=False)
    assert not attendance.present
    assert attendance.history.first().history_change_reason == "Apologies"


def test_apologies_in_advance_cannot_be_turned_into_presence_before_the_meeting(scene, upcoming):
    attend(scene, upcoming, 0, present=False)
    refused("attendance_present_before_meeting", attend, Attendance, scene=scene, meeting=upcoming, index=0)
    assert not Attendance.objects.get(meeting=upcoming).present


# A body meets once at a moment


def test_a_second_meeting_of_the_body_at_another_moment_is_scheduled(scene, meeting):
    later = services.schedule_meeting(
        actor=SYSTEM, body=scene.body, starts_at=MEETING_AT + timedelta(hours=3), location="Hall"
    )
    assert later.pk != meeting.pk


def test_a_second_meeting_at_the_same_moment_is_refused_naming_the_first(scene, meeting):
    error = refused(
        "meeting_duplicate",
        services.schedule_meeting,
        Meeting,
        actor=SYSTEM,
        body=scene.body,
        starts_at=MEETING_AT,
        location="Town Hall",
    )
    assert error.field == "starts_at"
    assert "“ALT March meeting”" in error.message
    assert f"/alliances/dunmarrow/meetings/{meeting.pk}/" in error.message
    assert "10:00 on 12/03/2021" in error.message


def test_another_body_may_meet_at_the_same_moment(scene, meeting):
    from tests.factories import GoverningBodyFactory

    amt = GoverningBodyFactory(alliance=scene.alliance, code="AMT", name="Alliance Management Team")
    assert services.schedule_meeting(actor=SYSTEM, body=amt, starts_at=MEETING_AT, location="Hall").pk


def test_a_cancelled_meeting_leaves_its_moment_free(scene, meeting):
    services.cancel_meeting(actor=SYSTEM, meeting=meeting, reason="The venue flooded.")
    assert services.schedule_meeting(actor=SYSTEM, body=scene.body, starts_at=MEETING_AT, location="Hall").pk


# Only a holder of the member's representative or deputy role attends for it, and counts towards quorum


def test_representative_holding_the_role_attends_and_counts(scene, meeting):
    attend(scene, meeting, 0)
    assert queries.members_present(meeting) == {scene.members[0].pk}


def test_deputy_holding_the_deputy_role_attends_and_counts(scene, meeting):
    deputy = PersonFactory(name="Kirsty Gray")
    role = RoleFactory(
        alliance=scene.alliance, kind="deputy_representative", organisation=scene.members[1].organisation
    )
    RoleAssignmentFactory(role=role, person=deputy)
    attend(scene, meeting, 1, person=deputy, capacity=Attendance.Capacity.DEPUTY)
    assert queries.members_present(meeting) == {scene.members[1].pk}


def test_attending_for_a_member_without_its_role_is_refused_and_writes_nothing(scene, meeting):
    error = refused("attendance_role_not_held", attend, Attendance, scene=scene, meeting=meeting, index=0,
                    person=scene.reps[1])  # fmt: skip
    assert error.field == "person"
    assert error.message.startswith(
        "Rep of Second Step Trust did not hold a representative or deputy role for Harbour Light Housing on "
        "12/03/2021, so cannot attend as its voting representative"
    )
    assert "record them as an observer" in error.message


def test_attending_after_the_role_ended_is_refused(scene, meeting):
    assignment = scene.reps[0].assignments.get()
    assignment.ends_on = date(2021, 3, 11)
    assignment.save()
    refused("attendance_role_not_held", attend, Attendance, scene=scene, meeting=meeting, index=0)


def test_a_person_without_the_role_may_attend_as_an_observer(scene, meeting):
    observer = attend(scene, meeting, 0, person=PersonFactory(), capacity="observer", organisation=None)
    assert observer.capacity == "observer"
    assert queries.members_present(meeting) == set()


def test_an_old_row_of_a_non_holder_is_not_counted_and_is_flagged(scene, meeting):
    # Recorded before the rule (or the role corrected since): the row stands, quorum leaves it out.
    Attendance.objects.create(
        meeting=meeting, person=scene.reps[1], capacity="voting_representative",
        organisation=scene.members[0].organisation,
    )  # fmt: skip
    attend(scene, meeting, 2)
    assert queries.members_present(meeting) == {scene.members[2].pk}
    quorum = queries_meetings.meeting_quorum(meeting)
    assert quorum["present"] == 1
    flagged = [a for g in queries_meetings.attendance_by_capacity(meeting) for a in g["attendances"] if a.not_counted]
    assert [a.person for a in flagged] == [scene.reps[1]]
    assert "not counted towards quorum" in flagged[0].not_counted


def test_the_close_counts_quorum_without_the_non_holder(scene, meeting):
    Attendance.objects.create(
        meeting=meeting, person=scene.reps[1], capacity="voting_representative",
        organisation=scene.members[0].organisation,
    )  # fmt: skip
    decision = scene.open(meeting=meeting)
    closed = services.close_decision(actor=SYSTEM, decision=decision, closed_at=MEETING_AT + timedelta(hours=1))
    assert closed.quorum_present == 0


# Correcting an attendance row


def test_secretary_corrects_a_row_with_history(scene, meeting):
    row = attend(scene, meeting, 0)
    secretary = actor_for(scene.secretary)
    corrected = services.correct_attendance(
        actor=secretary, attendance=row, capacity="observer", present=False, reason="Sent apologies, came to listen."
    )
    assert (corrected.capacity, corrected.present, corrected.organisation) == ("observer", False, None)
    assert corrected.history.first().history_change_reason == "Attendance corrected: Sent apologies, came to listen."
    assert corrected.history.last().capacity == "voting_representative"
    assert queries.members_present(meeting) == set()


@pytest.mark.parametrize(
    ("code", "changes"),
    [
        ("attendance_reason_required", {"capacity": "observer", "reason": " "}),
        ("attendance_role_not_held", {"capacity": "deputy", "organisation": "other", "reason": "Wrong member."}),
        ("attendance_capacity_unknown", {"capacity": "chair", "reason": "Typo."}),
    ],
)
def test_refused_correction_writes_nothing(scene, meeting, code, changes):
    row = attend(scene, meeting, 0)
    if changes.get("organisation") == "other":
        changes["organisation"] = scene.members[1].organisation
    refused(code, services.correct_attendance, Attendance, actor=SYSTEM, attendance=row, **changes)


def test_correcting_to_present_before_the_meeting_is_refused(scene, upcoming):
    row = attend(scene, upcoming, 0, present=False)
    refused(
        "attendance_present_before_meeting",
        services.correct_attendance,
        Attendance,
        actor=SYSTEM,
        attendance=row,
        capacity="voting_representative",
        organisation=scene.members[0].organisation,
        present=True,
        reason="Came after all.",
    )


def test_secretary_removes_a_row_with_history(scene, meeting):
    row = attend(scene, meeting, 0)
    services.remove_attendance(
        actor=actor_for(scene.secretary), attendance=row, reason="Recorded at the wrong meeting."
    )
    assert not Attendance.objects.filter(pk=row.pk).exists()
    removed = Attendance.history.filter(id=row.pk).first()
    assert removed.history_type == "-"
    assert removed.history_change_reason == "Attendance removed: Recorded at the wrong meeting."


def test_removal_needs_a_reason_and_writes_nothing_without(scene, meeting):
    row = attend(scene, meeting, 0)
    refused("attendance_reason_required", services.remove_attendance, Attendance, actor=SYSTEM, attendance=row,
            reason="")  # fmt: skip


def test_a_representative_cannot_correct_attendance(scene, meeting):
    row = attend(scene, meeting, 0)
    refused("not_permitted", services.remove_attendance, Attendance, actor=actor_for(scene.reps[0]), attendance=row,
            reason="Mine.")  # fmt: skip
