"""The delivery plan's API: workstreams and milestones read through the read rule (lists filtered,
details, history), written through the services; refusals are 400/403/409 JSON and write nothing."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from contracts.delivery_models import Milestone, Workstream, WorkstreamContract
from decisions.models import Decision
from roles.models import Role
from tests.factories import (
    AllianceFactory,
    ContractFactory,
    DecisionFactory,
    MilestoneFactory,
    RoleAssignmentFactory,
    RoleFactory,
    UserFactory,
    WorkstreamContractFactory,
    WorkstreamFactory,
)
from tests.helpers import rows, token_client, viewer_of

pytestmark = pytest.mark.django_db

WORKSTREAMS, MILESTONES = "/api/v1/workstreams/", "/api/v1/milestones/"
WATCHED = (Workstream, Milestone, WorkstreamContract)


@pytest.fixture
def viewer(scene):
    return viewer_of(scene.alliance)


@pytest.fixture
def secretary_api(scene):
    scene.secretary.user = UserFactory(username="secretary")
    scene.secretary.save()
    return token_client(scene.secretary.user)


@pytest.fixture
def oversight_api(scene):
    role = RoleFactory(alliance=scene.alliance, title="Oversight member", kind=Role.Kind.OVERSIGHT_MEMBER)
    person = RoleAssignmentFactory(role=role, person__user=UserFactory(username="og")).person
    return token_client(person.user)


@pytest.fixture
def workstream(scene):
    return WorkstreamFactory(alliance=scene.alliance, title="Outreach redesign")


@pytest.fixture
def decision(scene):
    return DecisionFactory(body=scene.body, status=Decision.Status.AGREED, reference="ALT-2022-004")


def results(response):
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_lists_filter_by_rag_past_due_and_workstream(viewer_api, scene, workstream):
    late = MilestoneFactory(workstream=workstream, title="Late", baseline_target_on=date(2022, 3, 31), rag="red",
                            rag_reason="Consultation slipped")  # fmt: skip
    MilestoneFactory(workstream=workstream, title="Future", baseline_target_on=timezone.localdate() + timedelta(30))
    other = WorkstreamFactory(alliance=scene.alliance, title="Hub", status="completed")
    MilestoneFactory(workstream=other, title="Done", actual_on=date(2022, 1, 1), rag="complete")
    assert [m["title"] for m in results(viewer_api.get(f"{MILESTONES}?rag=red"))] == ["Late"]
    found = results(viewer_api.get(f"{MILESTONES}?past_due=true"))
    assert [m["title"] for m in found] == ["Late"] and found[0]["past_due"] and found[0]["slippage_days"] > 0
    assert [m["title"] for m in results(viewer_api.get(f"{MILESTONES}?workstream={other.pk}"))] == ["Done"]
    assert [m["title"] for m in results(viewer_api.get(f"{MILESTONES}?status=completed"))] == ["Done"]
    assert [w["title"] for w in results(viewer_api.get(f"{WORKSTREAMS}?status=active"))] == ["Outreach redesign"]
    assert viewer_api.get(f"{MILESTONES}?past_due=perhaps").status_code == 400
    assert viewer_api.get(f"{MILESTONES}{late.pk}/history/").status_code == 200


def test_detail_shows_dependent_contracts_with_their_dates(viewer_api, scene, workstream):
    contract = ContractFactory(alliance=scene.alliance, title="Street outreach", ends_on=date(2023, 3, 31))
    WorkstreamContractFactory(workstream=workstream, contract=contract, note="Extended")
    found = viewer_api.get(f"{WORKSTREAMS}{workstream.pk}/").json()
    assert found["dependent_contracts"][0]["title"] == "Street outreach"
    assert found["dependent_contracts"][0]["ends_on"] == "2023-03-31"
    assert viewer_api.get(f"{WORKSTREAMS}{workstream.pk}/history/").status_code == 200


def test_a_confidential_workstream_of_another_alliance_is_not_read(viewer_api, workstream):
    secret = WorkstreamFactory(title="CANARY workstream", visibility="CONFIDENTIAL")
    MilestoneFactory(workstream=secret, title="CANARY milestone")
    assert "CANARY" not in viewer_api.get(WORKSTREAMS).content.decode()
    assert "CANARY" not in viewer_api.get(MILESTONES).content.decode()
    assert viewer_api.get(f"{WORKSTREAMS}{secret.pk}/").status_code == 404
    assert viewer_api.get(f"{WORKSTREAMS}{secret.pk}/history/").status_code == 404


def test_secretary_proposes_and_adopts(secretary_api, decision):
    response = secretary_api.post(
        WORKSTREAMS, {"alliance": "dunmarrow", "title": "Outreach redesign", "objective": "One service."},
        format="json",
    )  # fmt: skip
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    response = secretary_api.post(f"{WORKSTREAMS}{pk}/adopt/", {"decision": decision.pk}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "active" and response.json()["adopted_by"]["reference"] == "ALT-2022-004"


def test_adoption_by_a_decision_not_agreed_is_400_and_writes_nothing(secretary_api, scene):
    workstream = WorkstreamFactory(alliance=scene.alliance, status="proposed", adopted_by=None)
    draft = DecisionFactory(body=scene.body, status=Decision.Status.OPEN)
    before = rows(*WATCHED)
    response = secretary_api.post(f"{WORKSTREAMS}{workstream.pk}/adopt/", {"decision": draft.pk}, format="json")
    assert response.status_code == 400
    assert (response.json()["code"], response.json()["field"]) == ("delivery_decision_not_agreed", "decision")
    assert rows(*WATCHED) == before


def test_oversight_reads_but_may_not_write(oversight_api, workstream):
    milestone = MilestoneFactory(workstream=workstream)
    assert results(oversight_api.get(MILESTONES))
    before = rows(*WATCHED)
    response = oversight_api.post(f"{MILESTONES}{milestone.pk}/rag/", {"rag": "red", "reason": "x"}, format="json")
    assert response.status_code == 403 and response.json()["code"] == "not_permitted"
    response = oversight_api.post(WORKSTREAMS, {"alliance": "dunmarrow", "title": "X", "objective": "Y"}, format="json")
    assert response.status_code == 403
    assert rows(*WATCHED) == before


def test_milestones_added_moved_rated_and_achieved(secretary_api, workstream, decision):
    response = secretary_api.post(
        f"{WORKSTREAMS}{workstream.pk}/milestones/", {"title": "Go live", "baseline_target_on": "2022-03-31"},
        format="json",
    )  # fmt: skip
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    response = secretary_api.post(f"{MILESTONES}{pk}/rag/", {"rag": "amber"}, format="json")
    assert response.status_code == 400 and response.json()["code"] == "milestone_rag_reason_required"
    response = secretary_api.post(f"{MILESTONES}{pk}/rag/", {"rag": "amber", "reason": "Late"}, format="json")
    assert response.json()["rag_set_by"] == "secretary"
    response = secretary_api.post(f"{MILESTONES}{pk}/move-target/", {"target_on": "2022-09-30"}, format="json")
    assert response.status_code == 400 and response.json()["code"] == "delivery_decision_required"
    response = secretary_api.post(
        f"{MILESTONES}{pk}/move-target/", {"target_on": "2022-09-30", "decision": decision.pk}, format="json"
    )
    assert response.json()["target_on"] == "2022-09-30"
    response = secretary_api.post(f"{MILESTONES}{pk}/achieved/", {"actual_on": "2022-10-03"}, format="json")
    assert (response.json()["rag"], response.json()["slippage_days"]) == ("complete", 186)
    before = rows(*WATCHED)
    again = secretary_api.post(f"{MILESTONES}{pk}/achieved/", {"actual_on": "2022-10-04"}, format="json")
    assert again.status_code == 409 and rows(*WATCHED) == before


def test_link_and_unlink_contracts(secretary_api, scene, workstream):
    contract = ContractFactory(alliance=scene.alliance, title="Street outreach")
    response = secretary_api.post(f"{WORKSTREAMS}{workstream.pk}/link-contract/", {"contract": contract.pk},
                                  format="json")  # fmt: skip
    assert response.status_code == 201, response.content
    link = response.json()["dependent_contracts"][0]["id"]
    other = WorkstreamFactory(alliance=scene.alliance)
    before = rows(*WATCHED)
    again = secretary_api.post(f"{WORKSTREAMS}{workstream.pk}/link-contract/", {"contract": contract.pk},
                               format="json")  # fmt: skip
    assert again.status_code == 409 and rows(*WATCHED) == before
    wrong = secretary_api.post(f"{WORKSTREAMS}{other.pk}/unlink-contract/", {"link": link}, format="json")
    assert wrong.status_code == 400 and rows(*WATCHED) == before
    response = secretary_api.post(f"{WORKSTREAMS}{workstream.pk}/unlink-contract/", {"link": link}, format="json")
    assert response.json()["dependent_contracts"] == []


def test_change_complete_and_close(secretary_api, workstream, decision):
    response = secretary_api.post(
        f"{WORKSTREAMS}{workstream.pk}/change/", {"objective": "New objective."}, format="json"
    )
    assert response.status_code == 400 and response.json()["code"] == "delivery_decision_required"
    response = secretary_api.post(
        f"{WORKSTREAMS}{workstream.pk}/change/", {"objective": "New objective.", "decision": decision.pk},
        format="json",
    )  # fmt: skip
    assert response.json()["changed_by"]["reference"] == "ALT-2022-004"
    MilestoneFactory(workstream=workstream)
    response = secretary_api.post(f"{WORKSTREAMS}{workstream.pk}/complete/", format="json")
    assert response.status_code == 409 and response.json()["code"] == "workstream_milestones_open"
    response = secretary_api.post(
        f"{WORKSTREAMS}{workstream.pk}/close/", {"decision": decision.pk, "reason": "Merged"}, format="json"
    )
    assert response.json()["status"] == "closed"


def test_a_decision_of_another_alliance_is_refused_without_naming_it(secretary_api, workstream):
    elsewhere = DecisionFactory(alliance=AllianceFactory(), status="AGREED", title="CANARY elsewhere")
    before = rows(*WATCHED)
    response = secretary_api.post(
        f"{WORKSTREAMS}{workstream.pk}/change/", {"objective": "X", "decision": elsewhere.pk}, format="json"
    )
    assert response.status_code == 400 and "CANARY" not in response.content.decode()
    assert rows(*WATCHED) == before


def test_list_query_counts_are_fixed(viewer_api, scene, decision, django_assert_max_num_queries):
    role = scene.secretary.assignments.first().role
    for _ in range(15):
        workstream = WorkstreamFactory(alliance=scene.alliance, owner_role=role, body=scene.body, changed_by=decision)
        WorkstreamContractFactory(workstream=workstream)
        MilestoneFactory(workstream=workstream, target_changed_by=decision, rag="red", rag_reason="Late",
                         rag_set_by=UserFactory())  # fmt: skip
    with django_assert_max_num_queries(12):
        assert len(results(viewer_api.get(f"{WORKSTREAMS}?alliance=dunmarrow"))) == 15
    with django_assert_max_num_queries(12):
        assert len(results(viewer_api.get(f"{MILESTONES}?alliance=dunmarrow"))) == 15
