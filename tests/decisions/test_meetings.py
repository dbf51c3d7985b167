from datetime import UTC, date, datetime

import pytest

from alliance.choices import DecisionKind
from decisions import services
from decisions.models import Attendance, Decision, Meeting
from roles.standing import SYSTEM
from tests.factories import (
    DecisionFactory,
    GoverningBodyFactory,
    MeetingFactory,
    MembershipFactory,
    PersonFactory,
    RepresentativeRoleFactory,
    RoleAssignmentFactory,
    RoleFactory,
)
from tests.helpers import refused

pytestmark = pytest.mark.django_db

MEETING_DAY = datetime(2021, 3, 4, 10, 0, tzinfo=UTC)


@pytest.fixture
def body():
    return GoverningBodyFactory(code="ALT", established_on=date(2020, 7, 1))


@pytest.fixture
def meeting(body):
    return MeetingFactory(body=body, starts_at=MEETING_DAY)


@pytest.fixture
def held(meeting):
    return services.mark_meeting_held(actor=SYSTEM, meeting=meeting, minutes="Agreed the operating manual.")


# Scheduling


def test_schedule_meeting_of_a_body(body):
    meeting = services.schedule_meeting(actor=SYSTEM, body=body, starts_at=MEETING_DAY, location="Dunmarrow Town Hall")
    assert meeting.status == Meeting.Status.SCHEDULED
    assert meeting.history.first().history_change_reason == "Scheduled"


def test_schedule_online_meeting_needs_no_location(body):
    assert services.schedule_meeting(actor=SYSTEM, body=body, starts_at=MEETING_DAY, online=True).online


def test_schedule_meeting_needs_a_place(body):
    refused(
        "meeting_place_required",
        lambda: services.schedule_meeting(actor=SYSTEM, body=body, starts_at=MEETING_DAY),
        Meeting,
    )


def test_dissolved_body_cannot_meet(body):
    body.dissolved_on = date(2021, 3, 3)
    body.save()
    error = refused(
        "body_dissolved",
        lambda: services.schedule_meeting(actor=SYSTEM, body=body, starts_at=MEETING_DAY, location="Hall"),
        Meeting,
    )
    assert "03/03/2021" in error.message


def test_body_may_meet_on_the_day_it_is_dissolved(body):
    body.dissolved_on = date(2021, 3, 4)
    body.save()
    assert services.schedule_meeting(actor=SYSTEM, body=body, starts_at=MEETING_DAY, location="Hall").pk


def test_body_cannot_meet_before_it_is_established(body):
    refused(
        "body_not_yet_established",
        lambda: services.schedule_meeting(
            actor=SYSTEM, body=body, starts_at=datetime(2020, 6, 1, 10, tzinfo=UTC), location="Hall"
        ),
        Meeting,
    )


# Attendance


def test_representative_attends_for_a_voting_member(meeting):
    role = RepresentativeRoleFactory(alliance=meeting.body.alliance)
    assignment = RoleAssignmentFactory(role=role)
    attendance = services.record_attendance(
        actor=SYSTEM,
        meeting=meeting,
        person=assignment.person,
        capacity=Attendance.Capacity.VOTING_REPRESENTATIVE,
        organisation=role.organisation,
    )
    assert attendance.role_warning == ""
    assert attendance.present


def test_attendee_without_the_role_is_refused_as_representative(meeting):
    membership = MembershipFactory(alliance=meeting.body.alliance)
    person = PersonFactory(name="Iona Farquhar")
    error = refused(
        "attendance_role_not_held",
        lambda: services.record_attendance(
            actor=SYSTEM,
            meeting=meeting,
            person=person,
            capacity="voting_representative",
            organisation=membership.organisation,
        ),
        Attendance,
    )
    assert "Iona Farquhar did not hold a representative or deputy role" in error.message
    assert "04/03/2021" in error.message


def test_representative_whose_role_ended_before_the_meeting_is_refused(meeting):
    role = RepresentativeRoleFactory(alliance=meeting.body.alliance)
    assignment = RoleAssignmentFactory(role=role, ends_on=date(2021, 3, 3), end_reason="resigned")
    refused(
        "attendance_role_not_held",
        lambda: services.record_attendance(
            actor=SYSTEM, meeting=meeting, person=assignment.person, capacity="deputy", organisation=role.organisation
        ),
        Attendance,
    )


def test_representative_must_name_the_member(meeting):
    refused(
        "attendance_organisation_required",
        lambda: services.record_attendance(
            actor=SYSTEM, meeting=meeting, person=PersonFactory(), capacity="voting_representative"
        ),
        Attendance,
    )


def test_representative_of_a_non_member_is_refused(meeting):
    other = MembershipFactory()  # a member of another alliance
    refused(
        "attendance_not_a_member",
        lambda: services.record_attendance(
            actor=SYSTEM,
            meeting=meeting,
            person=PersonFactory(),
            capacity="voting_representative",
            organisation=other.organisation,
        ),
        Attendance,
    )


def test_representative_of_a_member_that_left_is_refused(meeting):
    gone = MembershipFactory(alliance=meeting.body.alliance, left_on=date(2021, 3, 1))
    refused(
        "attendance_not_a_member",
        lambda: services.record_attendance(
            actor=SYSTEM, meeting=meeting, person=PersonFactory(), capacity="deputy", organisation=gone.organisation
        ),
        Attendance,
    )


def test_advisory_member_has_no_voting_representative(meeting):
    advisory = MembershipFactory(alliance=meeting.body.alliance, status="ADVISORY")
    error = refused(
        "attendance_member_advisory",
        lambda: services.record_attendance(
            actor=SYSTEM,
            meeting=meeting,
            person=PersonFactory(),
            capacity="voting_representative",
            organisation=advisory.organisation,
        ),
        Attendance,
    )
    assert "record its attendee as an advisor" in error.message


def test_advisor_attends_for_an_advisory_member(meeting):
    advisory = MembershipFactory(alliance=meeting.body.alliance, status="ADVISORY")
    role = RoleFactory(alliance=meeting.body.alliance, kind="advisor")
    assignment = RoleAssignmentFactory(role=role)
    attendance = services.record_attendance(
        actor=SYSTEM, meeting=meeting, person=assignment.person, capacity="advisor", organisation=advisory.organisation
    )
    assert attendance.role_warning == ""


def test_advisor_without_an_advisor_role_is_warned(meeting):
    attendance = services.record_attendance(actor=SYSTEM, meeting=meeting, person=PersonFactory(), capacity="advisor")
    assert "did not hold an advisor role" in attendance.role_warning


def test_advisor_cannot_name_a_voting_member(meeting):
    voting = MembershipFactory(alliance=meeting.body.alliance)
    refused(
        "attendance_not_advisory",
        lambda: services.record_attendance(
            actor=SYSTEM, meeting=meeting, person=PersonFactory(), capacity="advisor", organisation=voting.organisation
        ),
        Attendance,
    )


def test_secretary_of_the_body_attends_as_secretariat(meeting):
    role = RoleFactory(alliance=meeting.body.alliance, kind="secretary", body=meeting.body)
    assignment = RoleAssignmentFactory(role=role)
    attendance = services.record_attendance(
        actor=SYSTEM, meeting=meeting, person=assignment.person, capacity="secretariat"
    )
    assert attendance.role_warning == ""


def test_secretary_of_another_body_is_warned(meeting):
    other = GoverningBodyFactory(alliance=meeting.body.alliance, name="Management team")
    role = RoleFactory(alliance=meeting.body.alliance, kind="secretary", body=other)
    assignment = RoleAssignmentFactory(role=role)
    attendance = services.record_attendance(
        actor=SYSTEM, meeting=meeting, person=assignment.person, capacity="secretariat"
    )
    assert "did not hold the secretary role" in attendance.role_warning


def test_observer_needs_no_role(meeting):
    attendance = services.record_attendance(actor=SYSTEM, meeting=meeting, person=PersonFactory(), capacity="observer")
    assert attendance.role_warning == ""


def test_recording_attendance_again_changes_it(meeting):
    person = PersonFactory()
    services.record_attendance(actor=SYSTEM, meeting=meeting, person=person, capacity="observer")
    attendance = services.record_attendance(
        actor=SYSTEM, meeting=meeting, person=person, capacity="observer", present=False
    )
    assert Attendance.objects.filter(meeting=meeting).count() == 1
    assert attendance.present is False
    assert attendance.history.first().history_change_reason == "Attendance corrected"


def test_unknown_capacity_is_refused(meeting):
    refused(
        "attendance_capacity_unknown",
        lambda: services.record_attendance(actor=SYSTEM, meeting=meeting, person=PersonFactory(), capacity="guest"),
        Attendance,
    )


def test_no_attendance_at_a_cancelled_meeting(meeting):
    services.cancel_meeting(actor=SYSTEM, meeting=meeting, reason="Storm warning")
    refused(
        "meeting_cancelled",
        lambda: services.record_attendance(actor=SYSTEM, meeting=meeting, person=PersonFactory(), capacity="observer"),
        Attendance,
    )


# Held, cancelled


def test_mark_meeting_held_with_minutes(meeting):
    meeting = services.mark_meeting_held(actor=SYSTEM, meeting=meeting, minutes="Minutes text")
    assert meeting.status == Meeting.Status.HELD
    assert meeting.minutes == "Minutes text"


def test_meeting_held_twice_is_refused(held):
    refused("meeting_already_held", lambda: services.mark_meeting_held(actor=SYSTEM, meeting=held), Meeting)


def test_future_meeting_cannot_be_marked_held(body):
    future = MeetingFactory(body=body, starts_at=datetime(2999, 1, 1, 10, tzinfo=UTC))
    refused("meeting_in_future", lambda: services.mark_meeting_held(actor=SYSTEM, meeting=future), Meeting)


def test_cancelled_meeting_cannot_be_held(meeting):
    services.cancel_meeting(actor=SYSTEM, meeting=meeting, reason="Not quorate")
    refused("meeting_cancelled", lambda: services.mark_meeting_held(actor=SYSTEM, meeting=meeting), Meeting)


def test_cancel_meeting_keeps_the_reason(meeting):
    meeting = services.cancel_meeting(actor=SYSTEM, meeting=meeting, reason="Storm warning")
    assert meeting.status == Meeting.Status.CANCELLED
    assert meeting.history.first().history_change_reason == "Cancelled: Storm warning"


def test_cancel_needs_a_reason(meeting):
    refused(
        "meeting_cancel_reason_required",
        lambda: services.cancel_meeting(actor=SYSTEM, meeting=meeting, reason=" "),
        Meeting,
    )


def test_held_meeting_cannot_be_cancelled(held):
    refused(
        "meeting_not_scheduled", lambda: services.cancel_meeting(actor=SYSTEM, meeting=held, reason="Oops"), Meeting
    )


def test_meeting_with_decisions_cannot_be_cancelled(meeting):
    DecisionFactory(body=meeting.body, meeting=meeting, title="Adopt the operating manual")
    error = refused(
        "meeting_has_decisions", lambda: services.cancel_meeting(actor=SYSTEM, meeting=meeting, reason="Storm"), Meeting
    )
    assert "Adopt the operating manual" in error.message


# Minutes


def test_record_minutes_of_a_held_meeting(held):
    meeting = services.record_minutes(actor=SYSTEM, meeting=held, minutes="Corrected minutes")
    assert meeting.minutes == "Corrected minutes"
    assert meeting.history.first().history_change_reason == "Minutes corrected"


def test_minutes_need_the_meeting_held(meeting):
    refused("meeting_not_held", lambda: services.record_minutes(actor=SYSTEM, meeting=meeting, minutes="Text"), Meeting)


def test_minutes_cannot_be_empty(held):
    refused("minutes_required", lambda: services.record_minutes(actor=SYSTEM, meeting=held, minutes=""), Meeting)


def _later_agreed(earlier, **kwargs):
    later = MeetingFactory(body=earlier.body, starts_at=datetime(2021, 4, 1, 10, tzinfo=UTC))
    defaults = {
        "body": earlier.body,
        "meeting": later,
        "status": Decision.Status.AGREED,
        "reference": "ALT-2021-002",
        "kind": DecisionKind.PROCEDURAL,
    }
    defaults.update(kwargs)
    return DecisionFactory(**defaults)


def test_approve_minutes_by_a_later_agreed_decision(held):
    decision = _later_agreed(held)
    meeting = services.approve_minutes(actor=SYSTEM, meeting=held, decision=decision)
    assert meeting.minutes_approved_by == decision
    assert meeting.history.first().history_change_reason == "Minutes approved by ALT-2021-002"


def test_approve_minutes_by_a_later_written_procedure(held):
    decision = _later_agreed(held, meeting=None, decided_on=date(2021, 3, 20))
    assert services.approve_minutes(actor=SYSTEM, meeting=held, decision=decision).minutes_approved_by == decision


def test_approved_minutes_cannot_change_or_be_approved_twice(held):
    services.approve_minutes(actor=SYSTEM, meeting=held, decision=_later_agreed(held))
    refused(
        "minutes_already_approved", lambda: services.record_minutes(actor=SYSTEM, meeting=held, minutes="New"), Meeting
    )
    second = _later_agreed(held, reference="ALT-2021-003")
    refused(
        "minutes_already_approved",
        lambda: services.approve_minutes(actor=SYSTEM, meeting=held, decision=second),
        Meeting,
    )


def test_minutes_approved_by_another_body_are_refused(held):
    other = GoverningBodyFactory(alliance=held.body.alliance)
    decision = _later_agreed(held, body=other, meeting=None, decided_on=date(2021, 4, 1))
    refused(
        "minutes_other_body", lambda: services.approve_minutes(actor=SYSTEM, meeting=held, decision=decision), Meeting
    )


def test_minutes_need_an_agreed_decision(held):
    decision = _later_agreed(held, status=Decision.Status.OPEN)
    refused(
        "minutes_decision_not_agreed",
        lambda: services.approve_minutes(actor=SYSTEM, meeting=held, decision=decision),
        Meeting,
    )


def test_minutes_need_a_later_decision(held):
    decision = DecisionFactory(
        body=held.body,
        meeting=held,
        status=Decision.Status.AGREED,
        reference="ALT-2021-001",
        kind=DecisionKind.PROCEDURAL,
    )
    refused(
        "minutes_decision_not_later",
        lambda: services.approve_minutes(actor=SYSTEM, meeting=held, decision=decision),
        Meeting,
    )
    same_day = _later_agreed(held, meeting=None, decided_on=date(2021, 3, 4), reference="ALT-2021-004")
    refused(
        "minutes_decision_not_later",
        lambda: services.approve_minutes(actor=SYSTEM, meeting=held, decision=same_day),
        Meeting,
    )


def test_minutes_of_a_meeting_not_held_cannot_be_approved(meeting):
    decision = _later_agreed(meeting)
    refused(
        "minutes_missing", lambda: services.approve_minutes(actor=SYSTEM, meeting=meeting, decision=decision), Meeting
    )
