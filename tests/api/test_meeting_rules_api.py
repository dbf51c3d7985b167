"""The meeting rules through the API: 400 with the message and nothing written; correcting attendance."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from decisions import services
from decisions.models import Attendance, Decision, Meeting
from roles.standing import SYSTEM
from tests.factories import MeetingFactory, UserFactory
from tests.helpers import rows, token_client, viewer_of
from tests.scenes import DECISION_ROWS

pytestmark = pytest.mark.django_db

MEETING_AT = datetime(2021, 3, 12, 10, 0, tzinfo=UTC)


@pytest.fixture
def meeting(scene):
    return MeetingFactory(body=scene.body, starts_at=MEETING_AT, title="ALT March meeting")


def attend(scene, meeting, index=0):
    return services.record_attendance(
        actor=SYSTEM,
        meeting=meeting,
        person=scene.reps[index],
        capacity="voting_representative",
        organisation=scene.members[index].organisation,
    )


def test_closing_before_the_meeting_is_400_and_writes_nothing(staff_api, scene, meeting):
    decision = scene.open(meeting=meeting)
    before = rows(*DECISION_ROWS)
    response = staff_api.post(f"/api/v1/decisions/{decision.pk}/close/", {"closed_at": "2021-03-11T12:00:00Z"})
    assert response.status_code == 400
    body = response.json()
    assert (body["code"], body["field"]) == ("closed_before_meeting", "closed_at")
    assert "before the meeting starts" in body["detail"]
    assert rows(*DECISION_ROWS) == before


def test_closing_after_the_meeting_started(staff_api, scene, meeting):
    decision = scene.open(meeting=meeting)
    response = staff_api.post(f"/api/v1/decisions/{decision.pk}/close/", {"closed_at": "2021-03-12T12:00:00Z"})
    assert response.status_code == 200, response.content
    assert response.json()["decided_on"] == "2021-03-12"


def test_present_before_the_meeting_is_400_apologies_are_fine(staff_api, scene):
    upcoming = MeetingFactory(body=scene.body, starts_at=timezone.now() + timedelta(days=2))
    data = {"person": scene.reps[0].pk, "capacity": "voting_representative",
            "organisation": scene.members[0].organisation.pk}  # fmt: skip
    before = rows(Attendance)
    response = staff_api.post(f"/api/v1/meetings/{upcoming.pk}/attendance/", data, format="json")
    assert response.status_code == 400
    assert (response.json()["code"], response.json()["field"]) == ("attendance_present_before_meeting", "present")
    assert rows(Attendance) == before
    response = staff_api.post(f"/api/v1/meetings/{upcoming.pk}/attendance/", {**data, "present": False}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["attendances"][0]["present"] is False


def test_duplicate_meeting_is_400_naming_the_existing_one(staff_api, scene, meeting):
    before = rows(Meeting)
    response = staff_api.post(
        "/api/v1/meetings/", {"body": scene.body.pk, "starts_at": "2021-03-12T10:00:00Z", "location": "Hall"}
    )
    assert response.status_code == 400
    body = response.json()
    assert (body["code"], body["field"]) == ("meeting_duplicate", "starts_at")
    assert f"meeting {meeting.pk}, /alliances/dunmarrow/meetings/{meeting.pk}/" in body["detail"]
    assert rows(Meeting) == before


def test_attending_without_the_role_is_400(staff_api, scene, meeting):
    before = rows(Attendance)
    response = staff_api.post(
        f"/api/v1/meetings/{meeting.pk}/attendance/",
        {"person": scene.reps[1].pk, "capacity": "deputy", "organisation": scene.members[0].organisation.pk},
    )
    assert response.status_code == 400
    assert (response.json()["code"], response.json()["field"]) == ("attendance_role_not_held", "person")
    assert rows(Attendance) == before


def test_quorum_counts_only_holders(viewer_api_for_scene, scene, meeting):
    attend(scene, meeting, 0)
    Attendance.objects.create(
        meeting=meeting, person=scene.reps[2], capacity="voting_representative",
        organisation=scene.members[1].organisation,
    )  # fmt: skip
    quorum = viewer_api_for_scene.get(f"/api/v1/meetings/{meeting.pk}/").json()["quorum"]
    assert quorum == {"voting_members": 3, "present": 1, "needed": 2, "met": False}


@pytest.fixture
def viewer_api_for_scene(scene):
    return token_client(viewer_of(scene.alliance))


# Correcting attendance


@pytest.fixture
def secretary_api(scene):
    scene.secretary.user = UserFactory(username="alt-secretary")
    scene.secretary.save()
    return token_client(scene.secretary.user)


def test_secretary_corrects_a_row(secretary_api, scene, meeting):
    row = attend(scene, meeting)
    response = secretary_api.post(
        f"/api/v1/meetings/{meeting.pk}/attendance/{row.pk}/correct/",
        {"capacity": "observer", "organisation": None, "present": False, "reason": "Came to listen."},
        format="json",
    )
    assert response.status_code == 200, response.content
    [out] = response.json()["attendances"]
    assert (out["capacity"], out["present"], out["organisation"]) == ("observer", False, None)
    assert row.history.first().history_change_reason == "Attendance corrected: Came to listen."


def test_a_refused_correction_is_400_and_writes_nothing(staff_api, scene, meeting):
    row = attend(scene, meeting)
    before = rows(Attendance)
    response = staff_api.post(
        f"/api/v1/meetings/{meeting.pk}/attendance/{row.pk}/correct/",
        {"capacity": "observer", "reason": ""},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["field"] == "reason"
    response = staff_api.post(
        f"/api/v1/meetings/{meeting.pk}/attendance/{row.pk}/correct/",
        {"capacity": "deputy", "organisation": scene.members[1].organisation.pk, "reason": "Swap."},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "attendance_role_not_held"
    assert rows(Attendance) == before


def test_secretary_removes_a_row(secretary_api, scene, meeting):
    row = attend(scene, meeting)
    response = secretary_api.post(
        f"/api/v1/meetings/{meeting.pk}/attendance/{row.pk}/remove/", {"reason": "Wrong meeting."}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["attendances"] == []
    assert Attendance.history.first().history_change_reason == "Attendance removed: Wrong meeting."


def test_a_viewer_cannot_remove_a_row(viewer_api_for_scene, scene, meeting):
    row = attend(scene, meeting)
    response = viewer_api_for_scene.post(
        f"/api/v1/meetings/{meeting.pk}/attendance/{row.pk}/remove/", {"reason": "Mine."}, format="json"
    )
    assert response.status_code == 403
    assert Attendance.objects.filter(pk=row.pk).exists()


def test_a_row_of_another_meeting_is_404(staff_api, scene, meeting):
    other = MeetingFactory(body=scene.body, starts_at=MEETING_AT + timedelta(days=7))
    row = attend(scene, other)
    response = staff_api.post(
        f"/api/v1/meetings/{meeting.pk}/attendance/{row.pk}/remove/", {"reason": "x"}, format="json"
    )
    assert response.status_code == 404
    assert Attendance.objects.filter(pk=row.pk).exists()


def test_decision_status_is_untouched_by_a_refused_close(staff_api, scene, meeting):
    decision = scene.open(meeting=meeting)
    staff_api.post(f"/api/v1/decisions/{decision.pk}/close/", {"closed_at": "2021-03-11T12:00:00Z"})
    decision.refresh_from_db()
    assert decision.status == Decision.Status.OPEN


@pytest.mark.parametrize("row", ["l", "10" * 20])
@pytest.mark.parametrize("move", ["correct", "remove"])
def test_a_row_that_is_not_an_id_answers_the_apis_404(staff_api, meeting, row, move):
    response = staff_api.post(f"/api/v1/meetings/{meeting.pk}/attendance/{row}/{move}/", {"reason": "x"}, format="json")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
