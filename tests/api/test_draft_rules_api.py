"""Drafting and editing through the API: dates refused with the form's words (400, nothing written), a
stale draft fixed by PATCH; a scheduled meeting changed by PATCH; a written procedure past its deadline."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from decisions import services
from decisions.models import Decision, Meeting
from roles.standing import SYSTEM
from tests.factories import MeetingFactory
from tests.helpers import rows
from tests.scenes import DECISION_ROWS

pytestmark = pytest.mark.django_db

URL = "/api/v1/decisions/"


def test_drafting_with_votes_closing_in_the_past_is_400(staff_api, scene):
    before = rows(*DECISION_ROWS)
    response = staff_api.post(
        URL,
        {"body": scene.body.pk, "title": "T", "proposal": "P", "kind": "KEY", "closes_at": "2021-03-10T17:00:00Z"},
        format="json",
    )
    assert response.status_code == 400
    body = response.json()
    assert (body["code"], body["field"]) == ("closes_at_in_past", "closes_at")
    assert body["detail"].startswith("“Closes at” (17:00 on 10/03/2021) is in the past")
    assert rows(*DECISION_ROWS) == before


def test_drafting_with_a_review_before_the_decision_is_400(staff_api, scene):
    meeting = MeetingFactory(body=scene.body, starts_at=timezone.now() + timedelta(days=10))
    before = rows(*DECISION_ROWS)
    response = staff_api.post(
        URL,
        {"body": scene.body.pk, "title": "T", "proposal": "P", "kind": "KEY", "meeting": meeting.pk,
         "review_on": timezone.localdate().isoformat()},
        format="json",
    )  # fmt: skip
    assert response.status_code == 400
    assert (response.json()["code"], response.json()["field"]) == ("review_on_before_decision", "review_on")
    assert response.json()["detail"].startswith("“Review on” (")
    assert rows(*DECISION_ROWS) == before


def test_patch_fixes_a_drafts_closing_moment(staff_api, scene):
    stale = scene.draft()  # votes closing on 10/03/2021
    closes = (timezone.now() + timedelta(days=7)).replace(microsecond=0)
    response = staff_api.patch(f"{URL}{stale.pk}/", {"closes_at": closes.isoformat()}, format="json")
    assert response.status_code == 200, response.content
    assert staff_api.post(f"{URL}{stale.pk}/open/", {}, format="json").status_code == 200


def test_patch_into_the_past_is_400_and_writes_nothing(staff_api, scene):
    decision = scene.draft(closes_at=timezone.now() + timedelta(days=7))
    before = rows(*DECISION_ROWS)
    response = staff_api.patch(f"{URL}{decision.pk}/", {"closes_at": "2021-01-01T10:00:00Z"}, format="json")
    assert response.status_code == 400 and response.json()["code"] == "closes_at_in_past"
    assert rows(*DECISION_ROWS) == before


def test_the_api_says_a_written_procedure_past_its_deadline_waits_for_the_secretary(viewer_api_scene, scene):
    waiting = scene.open()
    body = viewer_api_scene.get(f"{URL}{waiting.pk}/").json()
    assert body["status"] == "OPEN"
    assert body["awaiting_outcome"] is True
    assert body["status_text"] == "Voting closed on 10/03/2021: waiting for the secretary to record the outcome"
    listed = viewer_api_scene.get(f"{URL}?alliance=dunmarrow").json()["results"]
    assert listed[0]["status_text"].startswith("Voting closed on 10/03/2021")


def test_the_api_says_open_for_votes_before_the_deadline(viewer_api_scene, scene):
    decision = services.open_decision(actor=SYSTEM, decision=scene.draft(closes_at=timezone.now() + timedelta(days=3)))
    body = viewer_api_scene.get(f"{URL}{decision.pk}/").json()
    assert (body["awaiting_outcome"], body["status_text"]) == (False, "Open for votes")


def test_status_text_is_read_only(staff_api, scene):
    decision = scene.draft()
    response = staff_api.patch(f"{URL}{decision.pk}/", {"status_text": "Agreed"}, format="json")
    assert response.status_code == 400
    assert Decision.objects.get(pk=decision.pk).status == "DRAFT"


@pytest.fixture
def viewer_api_scene(scene):
    from tests.helpers import token_client, viewer_of

    return token_client(viewer_of(scene.alliance))


# Changing a scheduled meeting


def test_patch_moves_a_scheduled_meeting(staff_api, scene):
    meeting = MeetingFactory(body=scene.body, starts_at=datetime(2021, 3, 12, 10, tzinfo=UTC))
    response = staff_api.patch(
        f"/api/v1/meetings/{meeting.pk}/", {"starts_at": "2021-03-19T10:00:00Z", "location": "Wellgate"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["starts_at"].startswith("2021-03-19") and response.json()["location"] == "Wellgate"


def test_patch_of_a_held_meeting_is_409(staff_api, scene):
    meeting = MeetingFactory(body=scene.body, starts_at=datetime(2021, 3, 12, 10, tzinfo=UTC))
    services.mark_meeting_held(actor=SYSTEM, meeting=meeting)
    before = rows(Meeting)
    response = staff_api.patch(f"/api/v1/meetings/{meeting.pk}/", {"location": "Elsewhere"}, format="json")
    assert response.status_code == 409 and response.json()["code"] == "meeting_not_scheduled"
    assert rows(Meeting) == before


def test_patch_onto_another_meeting_is_400(staff_api, scene):
    meeting = MeetingFactory(body=scene.body, starts_at=datetime(2021, 3, 12, 10, tzinfo=UTC))
    MeetingFactory(body=scene.body, starts_at=datetime(2021, 3, 19, 10, tzinfo=UTC))
    before = rows(Meeting)
    response = staff_api.patch(f"/api/v1/meetings/{meeting.pk}/", {"starts_at": "2021-03-19T10:00:00Z"}, format="json")
    assert response.status_code == 400 and response.json()["code"] == "meeting_duplicate"
    assert rows(Meeting) == before


def test_a_viewer_cannot_change_a_meeting(viewer_api_scene, scene):
    meeting = MeetingFactory(body=scene.body, starts_at=datetime(2021, 3, 12, 10, tzinfo=UTC))
    response = viewer_api_scene.patch(f"/api/v1/meetings/{meeting.pk}/", {"location": "Mine"}, format="json")
    assert response.status_code == 403
