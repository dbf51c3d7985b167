from datetime import UTC, datetime

import pytest

from decisions import services
from decisions.models import Attendance, Meeting
from roles.standing import SYSTEM
from tests.factories import (
    DecisionFactory,
    GoverningBodyFactory,
    MeetingFactory,
    PersonFactory,
    RoleAssignmentFactory,
    RoleFactory,
    UserFactory,
)
from tests.helpers import rows, viewer_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def viewer(scene):
    return viewer_of(scene.alliance)


MEETING_DAY = datetime(2021, 3, 4, 10, 0, tzinfo=UTC)


@pytest.fixture
def meeting(scene):
    return MeetingFactory(body=scene.body, starts_at=MEETING_DAY, title="ALT March meeting")


@pytest.fixture
def reader(client, viewer):
    client.force_login(viewer)
    return client


def test_meeting_list_shows_meetings(reader, meeting):
    content = reader.get("/alliances/dunmarrow/meetings/").content.decode()
    assert "ALT March meeting" in content
    assert "04/03/2021" in content


def test_meeting_list_empty_state_says_what_to_do(secretary, scene):
    assert "Schedule a meeting" in secretary.get("/alliances/dunmarrow/meetings/").content.decode()


def test_meeting_list_with_bad_filter_explains(reader, meeting):
    response = reader.get("/alliances/dunmarrow/meetings/?status=someday&body=abc")
    assert response.status_code == 400  # the page still shows, with the error marked
    assert "Some filters could not be used" in response.content.decode()


def test_meeting_list_query_count_is_fixed(reader, scene, django_assert_max_num_queries):
    for n in range(30):
        MeetingFactory(body=scene.body, starts_at=datetime(2021, 1, 1 + n % 28, 10, tzinfo=UTC))
    with django_assert_max_num_queries(14):
        response = reader.get("/alliances/dunmarrow/meetings/")
    assert len(response.context["page"].object_list) == 25


def test_meeting_page_groups_attendance_with_warnings_and_quorum(reader, scene, meeting):
    services.record_attendance(
        actor=SYSTEM,
        meeting=meeting,
        person=scene.reps[0],
        capacity="voting_representative",
        organisation=scene.members[0].organisation,
    )
    # A row recorded before attendance was checked against the roles: it stands, flagged, and is not counted.
    Attendance.objects.create(
        meeting=meeting,
        person=PersonFactory(name="Stand In"),
        capacity="deputy",
        organisation=scene.members[1].organisation,
    )
    services.record_attendance(
        actor=SYSTEM,
        meeting=meeting,
        person=PersonFactory(name="Network Advisor"),
        capacity="advisor",
        organisation=scene.advisory.organisation,
    )
    services.record_attendance(actor=SYSTEM, meeting=meeting, person=scene.secretary, capacity="secretariat")
    content = reader.get(f"/alliances/dunmarrow/meetings/{meeting.pk}/").content.decode()
    assert "Voting representative" in content
    assert "Advisor" in content
    assert "Network Advisor" in content
    assert "Stand In did not hold a representative or deputy role" in content
    assert "not counted towards quorum" in content
    assert "1 of 3</strong> voting members represented; 2 needed" in content
    assert "<strong>not quorate</strong>" in content


def test_meeting_page_shows_decisions_and_approved_minutes(reader, scene, meeting):
    services.mark_meeting_held(actor=SYSTEM, meeting=meeting, minutes="The team agreed the manual.")
    approving = DecisionFactory(
        body=scene.body,
        status="AGREED",
        reference="ALT-2021-004",
        decided_on=datetime(2021, 4, 1).date(),
        kind="PROCEDURAL",
    )
    services.approve_minutes(actor=SYSTEM, meeting=meeting, decision=approving)
    DecisionFactory(body=scene.body, meeting=meeting, title="Adopt the operating manual")
    content = reader.get(f"/alliances/dunmarrow/meetings/{meeting.pk}/").content.decode()
    assert "Adopt the operating manual" in content
    assert "The team agreed the manual." in content
    assert "ALT-2021-004" in content


def test_minutes_approved_by_a_decision_the_reader_cannot_read_do_not_name_it(reader, scene, meeting):
    services.mark_meeting_held(actor=SYSTEM, meeting=meeting, minutes="The team agreed the manual.")
    approving = DecisionFactory(
        body=scene.body, status="AGREED", reference="ALT-2021-009", title="Confidential staffing matter",
        visibility="CONFIDENTIAL", decided_on=datetime(2021, 4, 1).date(), kind="PROCEDURAL",
    )  # fmt: skip
    services.approve_minutes(actor=SYSTEM, meeting=meeting, decision=approving)
    for url in (f"/alliances/dunmarrow/meetings/{meeting.pk}/", "/alliances/dunmarrow/meetings/"):
        content = reader.get(url).content.decode()
        assert "Approved" in content
        assert "ALT-2021-009" not in content and "Confidential staffing matter" not in content


def test_cancelled_meeting_shows_why(reader, meeting):
    services.cancel_meeting(actor=SYSTEM, meeting=meeting, reason="Storm warning")
    assert "Cancelled: Storm warning" in reader.get(f"/alliances/dunmarrow/meetings/{meeting.pk}/").content.decode()


def test_secretary_schedules_a_meeting(secretary, scene):
    response = secretary.post(
        "/alliances/dunmarrow/meetings/new/",
        {"body": scene.body.pk, "starts_at": "2021-05-06T10:00", "location": "Dunmarrow Town Hall"},
    )
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    assert meeting.starts_at == datetime(2021, 5, 6, 9, 0, tzinfo=UTC)  # 10:00 in London is 09:00 UTC in May


def test_schedule_without_place_keeps_the_input_and_explains(secretary, scene):
    response = secretary.post(
        "/alliances/dunmarrow/meetings/new/", {"body": scene.body.pk, "starts_at": "2021-05-06T10:00", "title": "May"}
    )
    assert response.status_code == 200
    assert "Say where the meeting is held" in " ".join(response.context["form"].errors["location"])
    assert 'value="May"' in response.content.decode()


def test_secretary_records_attendance(secretary, scene, meeting):
    response = secretary.post(
        f"/alliances/dunmarrow/meetings/{meeting.pk}/attendance/",
        {
            "person": scene.reps[0].pk,
            "capacity": "voting_representative",
            "organisation": scene.members[0].organisation.pk,
            "present": "1",
        },
    )
    assert response.status_code == 302
    assert Attendance.objects.get().present


def test_refused_attendance_writes_nothing_and_names_the_field(secretary, scene, meeting):
    before = rows(Attendance)
    response = secretary.post(
        f"/alliances/dunmarrow/meetings/{meeting.pk}/attendance/",
        {"person": scene.reps[0].pk, "capacity": "deputy", "present": "1"},
    )
    assert response.context["form"].errors["organisation"]
    assert rows(Attendance) == before


def test_secretary_marks_held_records_and_approves_minutes(secretary, scene, meeting):
    assert secretary.post(f"/alliances/dunmarrow/meetings/{meeting.pk}/held/", {}).status_code == 302
    response = secretary.post(f"/alliances/dunmarrow/meetings/{meeting.pk}/minutes/", {"minutes": "Agreed."})
    assert response.status_code == 302
    approving = DecisionFactory(
        body=scene.body,
        status="AGREED",
        reference="ALT-2021-004",
        decided_on=datetime(2021, 4, 1).date(),
        kind="PROCEDURAL",
    )
    response = secretary.post(
        f"/alliances/dunmarrow/meetings/{meeting.pk}/approve-minutes/", {"decision": approving.pk}
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.minutes_approved_by == approving


def test_secretary_cancels_a_meeting(secretary, meeting):
    response = secretary.post(f"/alliances/dunmarrow/meetings/{meeting.pk}/cancel/", {"reason": "Storm"})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.CANCELLED


def test_secretary_of_another_body_gets_403(client, scene, meeting):
    user = UserFactory(username="other")
    person = PersonFactory(user=user)
    other = GoverningBodyFactory(alliance=scene.alliance, name="Management team")
    RoleAssignmentFactory(role=RoleFactory(alliance=scene.alliance, kind="secretary", body=other), person=person)
    client.force_login(user)
    response = client.get(f"/alliances/dunmarrow/meetings/{meeting.pk}/attendance/")
    assert response.status_code == 403
    assert "the secretary of Alliance Leadership Team" in response.content.decode()


def test_staff_may_record(client, staff, meeting):
    client.force_login(staff)
    assert client.get(f"/alliances/dunmarrow/meetings/{meeting.pk}/held/").status_code == 200
