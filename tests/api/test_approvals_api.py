"""The authority map through the API: approval needed on close, recorded with POST .../approval/."""

from decimal import Decimal

import pytest

from decisions import services
from decisions.models import Decision, DecisionApproval
from roles.standing import SYSTEM
from tests.helpers import rows, token_client, viewer_of
from tests.scenes import CLOSED, outside_body_with_authority

pytestmark = pytest.mark.django_db

URL = "/api/v1/decisions/"
BODY = {"outcome": "approved", "given_on": "2021-03-24", "reference": "IJB minute 21/14", "approver": "Chief Officer"}


@pytest.fixture
def viewer(scene):
    return viewer_of(scene.alliance)


@pytest.fixture
def secretary_api(scene):
    from tests.factories import UserFactory

    scene.secretary.user = UserFactory(username="secretary")
    scene.secretary.save()
    return token_client(scene.secretary.user)


def agreed(scene, value="24600000", **fields):
    decision = scene.open(value=Decimal(value), **fields)
    for index in range(len(scene.members)):
        scene.vote(decision, index)
    return services.close_decision(actor=SYSTEM, decision=decision, closed_at=CLOSED)


@pytest.fixture
def awaiting(scene):
    outside_body_with_authority(scene)
    return agreed(scene)


def test_the_api_shows_the_approval_a_decision_needs(viewer_api, awaiting):
    data = viewer_api.get(f"{URL}{awaiting.pk}/").json()
    assert data["status"] == "AWAITING_APPROVAL"
    assert data["status_text"] == "Agreed subject to the approval of Dunmarrow Integration Joint Board"
    assert data["approval_needed"] == "£24.6m is over the £2m IJB delegated to ALT."
    assert data["approval"] is None


def test_decisions_awaiting_approval_are_listed_by_status(viewer_api, scene, awaiting):
    agreed(scene, value="1000", title="Within the limit")
    response = viewer_api.get(URL, {"status": "AWAITING_APPROVAL"})
    assert [d["id"] for d in response.json()["results"]] == [awaiting.pk]


def test_the_secretary_records_the_approval(secretary_api, awaiting):
    response = secretary_api.post(f"{URL}{awaiting.pk}/approval/", BODY, format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["status"] == "AGREED"
    assert data["approval"]["reference"] == "IJB minute 21/14" and data["approval"]["body_code"] == "IJB"
    assert data["approval"]["outcome"] == "approved" and data["approval"]["approver"] == "Chief Officer"


def test_an_approval_without_a_reference_is_a_400_and_writes_nothing(secretary_api, awaiting):
    before = rows(Decision, DecisionApproval)
    response = secretary_api.post(f"{URL}{awaiting.pk}/approval/", {**BODY, "reference": ""}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "approval_reference_required" and response.json()["field"] == "reference"
    assert rows(Decision, DecisionApproval) == before


def test_an_approval_of_a_decision_not_awaiting_one_is_a_409(secretary_api, scene):
    outside_body_with_authority(scene)
    decision = agreed(scene, value="1000")
    response = secretary_api.post(f"{URL}{decision.pk}/approval/", BODY, format="json")
    assert response.status_code == 409 and response.json()["code"] == "decision_not_awaiting_approval"


def test_a_viewer_cannot_record_an_approval(viewer_api, awaiting):
    before = rows(Decision, DecisionApproval)
    response = viewer_api.post(f"{URL}{awaiting.pk}/approval/", BODY, format="json")
    assert response.status_code == 403
    assert rows(Decision, DecisionApproval) == before


def test_drafting_at_an_outside_body_through_the_api_is_a_400(staff_api, scene):
    board = outside_body_with_authority(scene)
    before = rows(Decision)
    response = staff_api.post(
        URL,
        {"body": board.pk, "title": "Budget", "proposal": "That the budget is approved.", "kind": "KEY"},
        format="json",
    )
    assert response.status_code == 400 and response.json()["code"] == "outside_body_not_voted"
    assert "Record its approval" in response.json()["detail"]
    assert rows(Decision) == before


def test_decision_list_with_approvals_keeps_its_query_count(viewer_api, scene, django_assert_max_num_queries):
    outside_body_with_authority(scene)
    for n in range(6):
        decision = agreed(scene, title=f"Budget {n}", revisits=[])
        if n % 2:
            services.record_approval(
                actor=SYSTEM, decision=decision, outcome="approved", given_on=CLOSED.date(), reference=f"IJB {n}"
            )
    with django_assert_max_num_queries(14):
        response = viewer_api.get(URL)
    assert response.json()["count"] == 6
