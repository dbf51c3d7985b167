"""The minutes through the API: an item's minute, circulating, drafting the approval, approving (sealed), the
signed-off copy, and action items agreed at a meeting."""

import hashlib
from datetime import UTC, date, datetime

import pytest

from alliance.document_models import Document
from decisions.models import ActionItem, AgendaItem, Decision, Meeting
from tests.factories import (
    DecisionFactory,
    MeetingFactory,
    MinutesItemFactory,
    PersonFactory,
    RoleAssignmentFactory,
    RoleFactory,
)
from tests.helpers import rows, token_client, viewer_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def held(scene):
    return MeetingFactory(body=scene.body, starts_at=datetime(2021, 3, 4, 10, tzinfo=UTC), status=Meeting.Status.HELD)


@pytest.fixture
def item(held):
    return MinutesItemFactory(meeting=held, position=1, title="Outreach redesign")


@pytest.fixture
def later(scene):
    return MeetingFactory(body=scene.body, starts_at=datetime(2021, 4, 1, 10, tzinfo=UTC))


@pytest.fixture
def secretary_api(scene):
    from tests.factories import UserFactory

    scene.secretary.user = UserFactory(username="secretary")
    scene.secretary.save()
    return token_client(scene.secretary.user)


@pytest.fixture
def viewer(scene):
    return viewer_of(scene.alliance)


def minute(api, meeting, item, text="Agreed to redesign outreach."):
    return api.post(f"/api/v1/meetings/{meeting.pk}/item-minute/", {"agenda_item": item.pk, "discussion": text})


def test_the_secretary_writes_an_items_minute(secretary_api, held, item):
    response = minute(secretary_api, held, item)
    assert response.status_code == 200, response.content
    assert AgendaItem.objects.get(pk=item.pk).discussion == "Agreed to redesign outreach."


def test_an_item_of_another_meeting_is_refused(secretary_api, held, later):
    other = MinutesItemFactory(meeting=later, position=1)
    before = rows(AgendaItem)
    response = minute(secretary_api, held, other)
    assert response.status_code == 400
    assert response.json()["code"] == "agenda_item_other_meeting"
    assert rows(AgendaItem) == before


def test_a_viewer_cannot_write_a_minute(viewer_api, held, item):
    before = rows(AgendaItem)
    assert minute(viewer_api, held, item).status_code == 403
    assert rows(AgendaItem) == before


def test_circulating_and_again_only_after_a_change(secretary_api, held, item):
    minute(secretary_api, held, item)
    response = secretary_api.post(f"/api/v1/meetings/{held.pk}/circulate-minutes/")
    assert response.status_code == 200, response.content
    assert response.json()["minutes_stage"] == "circulated"
    again = secretary_api.post(f"/api/v1/meetings/{held.pk}/circulate-minutes/")
    assert (again.status_code, again.json()["code"]) == (409, "minutes_unchanged")
    minute(secretary_api, held, item, "Agreed, with a report in June.")
    revised = secretary_api.post(f"/api/v1/meetings/{held.pk}/circulate-minutes/")
    assert revised.json()["minutes_stage"] == "revised"


def test_drafting_the_approval_at_the_next_meeting(secretary_api, held, item, later):
    minute(secretary_api, held, item)
    response = secretary_api.post(f"/api/v1/meetings/{later.pk}/draft-minutes-approval/", {"minutes_of": held.pk})
    assert response.status_code == 201, response.content
    decision = Decision.objects.get(pk=response.json()["id"])
    assert (decision.kind, decision.meeting_id, decision.status) == ("PROCEDURAL", later.pk, "DRAFT")
    again = secretary_api.post(f"/api/v1/meetings/{later.pk}/draft-minutes-approval/", {"minutes_of": held.pk})
    assert (again.status_code, again.json()["code"]) == (409, "minutes_approval_drafted")
    assert Decision.objects.count() == 1


def test_approval_by_a_key_decision_is_refused(secretary_api, scene, held, item):
    minute(secretary_api, held, item)
    key = DecisionFactory(body=scene.body, status="AGREED", reference="ALT-2021-005", decided_on=date(2021, 4, 1))
    before = rows(Meeting, Document)
    response = secretary_api.post(f"/api/v1/meetings/{held.pk}/approve-minutes/", {"decision": key.pk})
    assert response.status_code == 400
    assert response.json()["code"] == "minutes_decision_not_procedural"
    assert rows(Meeting, Document) == before


def test_approval_seals_and_the_signed_off_copy_is_served(secretary_api, viewer_api, scene, held, item):
    minute(secretary_api, held, item)
    assert secretary_api.get(f"/api/v1/meetings/{held.pk}/signed-minutes/").status_code == 404
    approving = DecisionFactory(
        body=scene.body, status="AGREED", reference="ALT-2021-004", decided_on=date(2021, 4, 1), kind="PROCEDURAL"
    )
    response = secretary_api.post(f"/api/v1/meetings/{held.pk}/approve-minutes/", {"decision": approving.pk})
    assert response.status_code == 200, response.content
    assert response.json()["minutes_stage"] == "approved"
    signed = viewer_api.get(f"/api/v1/meetings/{held.pk}/signed-minutes/")
    assert signed.status_code == 200, signed.content
    body = signed.json()
    version = Document.objects.get(kind="minutes").versions.get()
    assert body["sha256"] == version.sha256 == hashlib.sha256(version.file.read()).hexdigest()
    sealed = minute(secretary_api, held, item, "Late change")
    assert (sealed.status_code, sealed.json()["code"]) == (409, "minutes_sealed")


def test_an_action_is_created_for_a_meeting_item(secretary_api, scene, held, item):
    owner = PersonFactory()
    RoleAssignmentFactory(role=RoleFactory(alliance=scene.alliance), person=owner)
    response = secretary_api.post(
        "/api/v1/action-items/",
        {"agenda_item": item.pk, "title": "Draft the specification", "due_on": "2021-04-30", "owner_person": owner.pk},
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["meeting"], data["agenda_item"], data["decision"], data["alliance"]) == (
        held.pk,
        item.pk,
        None,
        "dunmarrow",
    )
    found = secretary_api.get(f"/api/v1/action-items/?meeting={held.pk}&alliance=dunmarrow").json()["results"]
    assert [a["id"] for a in found] == [data["id"]]


def test_an_action_without_a_source_is_refused(secretary_api, scene):
    owner = PersonFactory()
    RoleAssignmentFactory(role=RoleFactory(alliance=scene.alliance), person=owner)
    before = rows(ActionItem)
    response = secretary_api.post(
        "/api/v1/action-items/", {"title": "Report", "due_on": "2021-04-30", "owner_person": owner.pk}
    )
    assert response.status_code == 400
    assert response.json()["code"] == "action_source_required"
    assert rows(ActionItem) == before


def test_action_items_list_in_a_fixed_number_of_queries(viewer_api, scene, held, django_assert_max_num_queries):
    owner = PersonFactory()
    RoleAssignmentFactory(role=RoleFactory(alliance=scene.alliance), person=owner)
    for n in range(20):
        item = MinutesItemFactory(meeting=held, position=n + 1)
        ActionItem.objects.create(
            meeting=held, agenda_item=item, title=f"Action {n}", due_on=date(2021, 5, 1), owner_person=owner
        )
    with django_assert_max_num_queries(12):
        response = viewer_api.get("/api/v1/action-items/?alliance=dunmarrow")
    assert response.json()["count"] == 20
