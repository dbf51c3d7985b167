"""The meeting rules met on the secretary's forms: the refusal on the page, nothing written; corrections of
attendance rows."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from decisions import services
from decisions.models import Attendance, Decision, Meeting
from roles.standing import SYSTEM
from tests.factories import MeetingFactory
from tests.helpers import rows, viewer_of
from tests.scenes import DECISION_ROWS

pytestmark = pytest.mark.django_db

MEETING_AT = datetime(2021, 3, 12, 10, 0, tzinfo=UTC)


@pytest.fixture
def meeting(scene):
    return MeetingFactory(body=scene.body, starts_at=MEETING_AT, title="ALT March meeting")


def attend(scene, meeting, index=0, **kwargs):
    values = {
        "person": scene.reps[index],
        "capacity": "voting_representative",
        "organisation": scene.members[index].organisation,
    }
    return services.record_attendance(actor=SYSTEM, meeting=meeting, **{**values, **kwargs})


def errors(response) -> str:
    assert response.status_code == 200, response.status_code
    return " ".join(e for es in response.context["form"].errors.values() for e in es)


def test_closing_a_meeting_decision_before_the_meeting_shows_why_and_writes_nothing(secretary, scene):
    upcoming = MeetingFactory(body=scene.body, starts_at=timezone.now() + timedelta(days=2), title="Next ALT")
    decision = services.open_decision(actor=SYSTEM, decision=scene.draft(meeting=upcoming))
    before = rows(*DECISION_ROWS)
    response = secretary.post(f"/alliances/dunmarrow/decisions/{decision.pk}/close/", {})
    assert "would decide it before the meeting starts" in errors(response)
    assert "would decide it before the meeting starts" in response.content.decode()
    assert rows(*DECISION_ROWS) == before
    decision.refresh_from_db()
    assert decision.status == Decision.Status.OPEN


def test_closing_a_meeting_decision_after_the_meeting_started(secretary, scene, meeting):
    decision = scene.open(meeting=meeting)
    response = secretary.post(f"/alliances/dunmarrow/decisions/{decision.pk}/close/", {})
    assert response.status_code == 302
    decision.refresh_from_db()
    assert decision.status != Decision.Status.OPEN


def test_marking_present_before_the_meeting_is_refused_on_the_form(secretary, scene):
    upcoming = MeetingFactory(body=scene.body, starts_at=timezone.now() + timedelta(days=2))
    before = rows(Attendance)
    data = {"person": scene.reps[0].pk, "capacity": "voting_representative",
            "organisation": scene.members[0].organisation.pk, "present": "1"}  # fmt: skip
    response = secretary.post(f"/alliances/dunmarrow/meetings/{upcoming.pk}/attendance/", data)
    assert "Apologies can be recorded in advance" in " ".join(response.context["form"].errors["present"])
    assert rows(Attendance) == before
    response = secretary.post(f"/alliances/dunmarrow/meetings/{upcoming.pk}/attendance/", {**data, "present": "0"})
    assert response.status_code == 302
    assert not Attendance.objects.get().present


def test_scheduling_a_duplicate_meeting_names_the_existing_one(secretary, scene, meeting):
    before = rows(Meeting)
    response = secretary.post(
        "/alliances/dunmarrow/meetings/new/",
        {"body": scene.body.pk, "starts_at": "2021-03-12T10:00", "location": "Town Hall"},
    )
    message = " ".join(response.context["form"].errors["starts_at"])
    assert "“ALT March meeting”" in message
    assert f"/alliances/dunmarrow/meetings/{meeting.pk}/" in message
    assert rows(Meeting) == before


def test_attending_without_the_role_is_refused_on_the_form(secretary, scene, meeting):
    before = rows(Attendance)
    response = secretary.post(
        f"/alliances/dunmarrow/meetings/{meeting.pk}/attendance/",
        {"person": scene.reps[1].pk, "capacity": "voting_representative",
         "organisation": scene.members[0].organisation.pk, "present": "1"},
    )  # fmt: skip
    message = " ".join(response.context["form"].errors["person"])
    assert "did not hold a representative or deputy role for Harbour Light Housing" in message
    assert rows(Attendance) == before


# Correcting attendance


def test_the_meeting_page_offers_the_secretary_to_correct_each_row(secretary, scene, meeting):
    row = attend(scene, meeting)
    content = secretary.get(f"/alliances/dunmarrow/meetings/{meeting.pk}/").content.decode()
    assert f"/alliances/dunmarrow/meetings/{meeting.pk}/attendance/{row.pk}/" in content
    assert f"/alliances/dunmarrow/meetings/{meeting.pk}/attendance/{row.pk}/remove/" in content


def test_a_reader_is_not_offered_corrections(client, scene, meeting):
    row = attend(scene, meeting)
    client.force_login(viewer_of(scene.alliance))
    content = client.get(f"/alliances/dunmarrow/meetings/{meeting.pk}/").content.decode()
    assert f"/attendance/{row.pk}/" not in content
    assert client.get(f"/alliances/dunmarrow/meetings/{meeting.pk}/attendance/{row.pk}/").status_code == 403


def test_secretary_corrects_a_row_on_its_form(secretary, scene, meeting):
    row = attend(scene, meeting)
    url = f"/alliances/dunmarrow/meetings/{meeting.pk}/attendance/{row.pk}/"
    form = secretary.get(url)
    assert form.context["form"].initial["capacity"] == "voting_representative"
    response = secretary.post(url, {"capacity": "observer", "organisation": "", "present": "0", "reason": "Listened."})
    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.capacity, row.present) == ("observer", False)
    assert row.history.first().history_change_reason == "Attendance corrected: Listened."


def test_a_refused_correction_shows_why_and_writes_nothing(secretary, scene, meeting):
    row = attend(scene, meeting)
    before = rows(Attendance)
    response = secretary.post(
        f"/alliances/dunmarrow/meetings/{meeting.pk}/attendance/{row.pk}/",
        {"capacity": "deputy", "organisation": scene.members[1].organisation.pk, "present": "1", "reason": "Oops."},
    )
    assert "did not hold a representative or deputy role for Second Step Trust" in errors(response)
    assert rows(Attendance) == before


def test_a_correction_needs_a_reason(secretary, scene, meeting):
    row = attend(scene, meeting)
    response = secretary.post(
        f"/alliances/dunmarrow/meetings/{meeting.pk}/attendance/{row.pk}/",
        {"capacity": "observer", "present": "1", "reason": ""},
    )
    assert response.context["form"].errors["reason"] == ["Say why: the reason is kept with the record's history."]
    assert Attendance.objects.get(pk=row.pk).capacity == row.capacity


def test_secretary_removes_a_row(secretary, scene, meeting):
    row = attend(scene, meeting)
    response = secretary.post(
        f"/alliances/dunmarrow/meetings/{meeting.pk}/attendance/{row.pk}/remove/", {"reason": "Wrong meeting."}
    )
    assert response.status_code == 302
    assert not Attendance.objects.exists()
    assert Attendance.history.first().history_change_reason == "Attendance removed: Wrong meeting."


def test_a_row_of_another_meeting_is_404(secretary, scene, meeting):
    other = MeetingFactory(body=scene.body, starts_at=MEETING_AT + timedelta(days=7))
    row = attend(scene, other)
    assert secretary.get(f"/alliances/dunmarrow/meetings/{meeting.pk}/attendance/{row.pk}/").status_code == 404
