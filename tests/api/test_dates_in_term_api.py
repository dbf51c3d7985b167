"""The API refuses dates outside the alliance agreement's term with a 400 naming the term (issue "trust")."""

from datetime import date

import pytest

from decisions import services
from decisions.models import ActionItem, Decision, Meeting
from roles.standing import SYSTEM
from tests.factories import AgreementFactory
from tests.helpers import rows
from tests.scenes import CLOSED, make_scene

pytestmark = pytest.mark.django_db

TERM = "enter a date within the agreement's term (01/07/2020 to 30/06/2030)."


@pytest.fixture
def scene():
    scene = make_scene()
    AgreementFactory(alliance=scene.alliance)
    return scene


def test_a_meeting_within_the_term_is_scheduled(staff_api, scene):
    response = staff_api.post(
        "/api/v1/meetings/", {"body": scene.body.pk, "starts_at": "2030-06-30T10:00:00Z", "online": True}
    )
    assert response.status_code == 201, response.content


def test_a_meeting_in_year_9999_is_a_400_naming_the_term(staff_api, scene):
    before = rows(Meeting)
    response = staff_api.post(
        "/api/v1/meetings/", {"body": scene.body.pk, "starts_at": "9999-01-01T10:00:00Z", "online": True}
    )
    assert response.status_code == 400
    assert response.json() == {
        "code": "date_outside_term",
        "detail": "The meeting date 01/01/9999 is after the alliance agreement ends (30/06/2027, or 30/06/2030 "
        f"with its extension); {TERM}",
        "field": "starts_at",
    }
    assert rows(Meeting) == before


def test_a_decision_reviewed_after_the_term_is_a_400(staff_api, scene):
    before = rows(Decision)
    payload = {
        "body": scene.body.pk,
        "title": "Beds",
        "proposal": "Buy beds.",
        "kind": "KEY",
        "review_on": "2031-01-01",
    }
    response = staff_api.post("/api/v1/decisions/", payload, format="json")
    assert response.status_code == 400
    assert (response.json()["code"], response.json()["field"]) == ("date_outside_term", "review_on")
    assert response.json()["detail"].endswith(TERM)
    assert rows(Decision) == before


def test_an_action_due_after_the_term_is_a_400(staff_api, scene):
    decision = scene.open()
    for i in range(3):
        scene.vote(decision, i)
    decision = services.close_decision(actor=SYSTEM, decision=decision, closed_at=CLOSED)
    before = rows(ActionItem)
    payload = {"decision": decision.pk, "title": "Brief", "due_on": "9999-12-31", "owner_person": scene.reps[0].pk}
    response = staff_api.post("/api/v1/action-items/", payload, format="json")
    assert response.status_code == 400
    assert (response.json()["code"], response.json()["field"]) == ("date_outside_term", "due_on")
    assert response.json()["detail"].startswith("The due date 31/12/9999 is after the alliance agreement ends")
    assert rows(ActionItem) == before
    payload["due_on"] = date(2030, 6, 30).isoformat()
    assert staff_api.post("/api/v1/action-items/", payload, format="json").status_code == 201
