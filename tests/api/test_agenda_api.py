"""The agenda through the API: /api/v1/agenda-items/ and /api/v1/meetings/{id}/publish-agenda/."""

from datetime import UTC, datetime

import pytest

from decisions import services
from decisions.models import AgendaItem, Decision, Meeting
from roles.standing import SYSTEM
from tests.factories import DecisionFactory, MeetingFactory
from tests.helpers import rows, token_client, viewer_of

pytestmark = pytest.mark.django_db

MEETING_AT = datetime(2030, 3, 18, 10, 0, tzinfo=UTC)
ROWS = (AgendaItem, Meeting)


@pytest.fixture
def viewer(scene):
    return viewer_of(scene.alliance)


@pytest.fixture
def meeting(scene):
    return MeetingFactory(body=scene.body, starts_at=MEETING_AT)


@pytest.fixture
def secretary_api(scene):
    from tests.factories import UserFactory

    scene.secretary.user = UserFactory(username="secretary")
    scene.secretary.save()
    return token_client(scene.secretary.user)


def add(meeting, title, **kwargs):
    return services.add_agenda_item(actor=SYSTEM, meeting=meeting, title=title, **kwargs)


def test_the_list_filters_by_meeting_in_order(viewer_api, scene, meeting):
    add(meeting, "A")
    add(meeting, "B", position=1)
    other = MeetingFactory(body=scene.body, starts_at=datetime(2030, 4, 1, 10, tzinfo=UTC))
    add(other, "C")
    found = viewer_api.get(f"/api/v1/agenda-items/?meeting={meeting.pk}").json()["results"]
    assert [(i["position"], i["title"]) for i in found] == [(1, "B"), (2, "A")]


def test_the_list_is_read_through_the_read_rule(stranger_api, meeting):
    add(meeting, "A")
    assert stranger_api.get("/api/v1/agenda-items/").json()["results"] == []


def test_the_list_query_count_is_fixed(viewer_api, scene, meeting, django_assert_max_num_queries):
    for n in range(40):
        add(meeting, f"Item {n}", decision=scene.draft(title=f"Decision {n}"))
    with django_assert_max_num_queries(12):
        assert viewer_api.get("/api/v1/agenda-items/?limit=50").status_code == 200


def test_the_secretary_adds_an_item(secretary_api, scene, meeting):
    decision = scene.draft()
    response = secretary_api.post(
        "/api/v1/agenda-items/",
        {
            "meeting": meeting.pk,
            "title": "Outreach",
            "purpose": "decision",
            "decision": decision.pk,
            "duration_minutes": 20,
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["decision"]["id"] == decision.pk and response.json()["position"] == 1


def test_a_viewer_may_not_add_an_item(viewer_api, meeting):
    before = rows(*ROWS)
    response = viewer_api.post("/api/v1/agenda-items/", {"meeting": meeting.pk, "title": "A"}, format="json")
    assert response.status_code == 403
    assert rows(*ROWS) == before


def test_a_sealed_decision_for_decision_is_refused_as_json(secretary_api, scene, meeting):
    sealed = DecisionFactory(body=scene.body, status=Decision.Status.AGREED, reference="ALT-2021-001")
    before = rows(*ROWS)
    response = secretary_api.post(
        "/api/v1/agenda-items/",
        {"meeting": meeting.pk, "title": "A", "purpose": "decision", "decision": sealed.pk},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "agenda_decision_sealed" and response.json()["field"] == "decision"
    assert rows(*ROWS) == before


def test_the_secretary_changes_and_moves_an_item(secretary_api, meeting):
    add(meeting, "A")
    b = add(meeting, "B")
    response = secretary_api.patch(f"/api/v1/agenda-items/{b.pk}/", {"title": "Budget"}, format="json")
    assert response.status_code == 200 and response.json()["title"] == "Budget"
    response = secretary_api.post(f"/api/v1/agenda-items/{b.pk}/move/", {"direction": "up"}, format="json")
    assert response.status_code == 200 and response.json()["position"] == 1


def test_a_move_out_of_range_is_refused(secretary_api, meeting):
    a = add(meeting, "A")
    before = rows(*ROWS)
    response = secretary_api.post(f"/api/v1/agenda-items/{a.pk}/move/", {"direction": "up"}, format="json")
    assert response.status_code == 400 and response.json()["code"] == "agenda_move_out_of_range"
    assert rows(*ROWS) == before


def test_withdrawing_before_publishing_removes_the_item(secretary_api, meeting):
    a = add(meeting, "A")
    assert secretary_api.post(f"/api/v1/agenda-items/{a.pk}/withdraw/", {}, format="json").status_code == 204
    assert not AgendaItem.objects.filter(pk=a.pk).exists()


def test_after_publishing_changes_need_a_note(secretary_api, meeting):
    a = add(meeting, "A")
    services.publish_agenda(actor=SYSTEM, meeting=meeting)
    before = rows(*ROWS)
    response = secretary_api.post(f"/api/v1/agenda-items/{a.pk}/withdraw/", {}, format="json")
    assert response.status_code == 400 and response.json()["code"] == "agenda_change_note_required"
    assert rows(*ROWS) == before
    response = secretary_api.post(
        f"/api/v1/agenda-items/{a.pk}/withdraw/", {"change_note": "Not ready."}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["status"] == "withdrawn" and response.json()["changed_after_publishing_at"]


def test_publishing_through_the_api(secretary_api, meeting):
    add(meeting, "A")
    response = secretary_api.post(f"/api/v1/meetings/{meeting.pk}/publish-agenda/", format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["agenda_published_at"] and body["agenda_notice"]["late"] is False
    assert [i["title"] for i in body["agenda"]] == ["A"]


def test_publishing_an_empty_agenda_is_a_conflict(secretary_api, meeting):
    before = rows(*ROWS)
    response = secretary_api.post(f"/api/v1/meetings/{meeting.pk}/publish-agenda/", format="json")
    assert response.status_code == 409 and response.json()["code"] == "agenda_empty"
    assert rows(*ROWS) == before


def test_a_viewer_may_not_publish(viewer_api, meeting):
    add(meeting, "A")
    before = rows(*ROWS)
    assert viewer_api.post(f"/api/v1/meetings/{meeting.pk}/publish-agenda/", format="json").status_code == 403
    assert rows(*ROWS) == before


def test_a_hidden_decision_is_null_in_the_item(viewer_api, scene, meeting):
    hidden = DecisionFactory(body=scene.body, title="Confidential", visibility=Decision.Visibility.CONFIDENTIAL)
    add(meeting, "A", decision=hidden)
    found = viewer_api.get(f"/api/v1/agenda-items/?meeting={meeting.pk}").json()["results"]
    assert found[0]["decision"] is None
