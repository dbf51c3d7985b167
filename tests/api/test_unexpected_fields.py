"""Unexpected fields and over-long text answer 400 naming the field, and write nothing."""

import pytest

from alliance.models import Organisation
from decisions.models import Decision, Vote
from tests.helpers import rows

pytestmark = pytest.mark.django_db

URL = "/api/v1/decisions/"


def draft(scene, **extra):
    return {"body": scene.body.pk, "title": "Winter beds", "proposal": "Buy beds.", "kind": "KEY", **extra}


def test_unknown_field_is_refused_naming_it(staff_api, scene):
    before = rows(Decision)
    response = staff_api.post(URL, draft(scene, bogus=1), format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["field"] == "bogus"
    assert body["detail"].startswith("bogus: Unknown field 'bogus'; the fields are: title, proposal, kind")
    assert rows(Decision) == before


def test_status_in_a_write_points_to_the_actions(staff_api, scene):
    before = rows(Decision)
    response = staff_api.post(URL, draft(scene, status="AGREED"), format="json")
    assert response.status_code == 400 and response.json()["field"] == "status"
    assert "close/" in response.json()["detail"]
    assert rows(Decision) == before


def test_status_in_an_edit_is_refused(staff_api, scene):
    decision = scene.draft()
    response = staff_api.patch(f"{URL}{decision.pk}/", {"status": "AGREED"}, format="json")
    assert response.status_code == 400 and response.json()["field"] == "status"
    assert Decision.objects.get(pk=decision.pk).status == Decision.Status.DRAFT


def test_unknown_field_in_a_vote_is_refused(staff_api, scene):
    decision = scene.open()
    before = rows(Vote)
    payload = {"membership": scene.members[0].pk, "position": "AGREE", "cast_by": scene.reps[0].pk, "weight": 2}
    response = staff_api.post(f"{URL}{decision.pk}/votes/", payload, format="json")
    assert response.status_code == 400 and response.json()["field"] == "weight"
    assert rows(Vote) == before


def test_read_only_field_of_a_model_endpoint_is_refused(staff_api):
    before = rows(Organisation)
    response = staff_api.post("/api/v1/organisations/", {"name": "New Trust", "id": 12345}, format="json")
    assert response.status_code == 400 and response.json()["field"] == "id"
    assert "read-only" in response.json()["detail"]
    assert rows(Organisation) == before


def test_over_long_title_is_a_400_that_writes_nothing(staff_api, scene):
    before = rows(Decision)
    response = staff_api.post(URL, draft(scene, title="x" * 301), format="json")
    assert response.status_code == 400 and response.json()["field"] == "title"
    assert rows(Decision) == before


def test_a_write_with_only_known_fields_still_works(staff_api, scene):
    response = staff_api.post(URL, draft(scene, tags=["beds"]), format="json")
    assert response.status_code == 201 and response.json()["tags"] == ["beds"]
