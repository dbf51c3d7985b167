"""Scope and money's API: filterable lists and details through the read rule, history, and writes through
the services (refusals as 400 JSON with the service's message)."""

from datetime import date

import pytest

from contracts.scope_models import BudgetEnvelope, SavingsRecord, ServiceLine
from contracts.services import scope as services
from decisions.models import Decision
from roles.standing import SYSTEM
from tests.factories import AllianceFactory, BudgetEnvelopeFactory, DecisionFactory, ServiceLineFactory, UserFactory
from tests.helpers import rows, token_client, viewer_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def viewer(scene):
    return viewer_of(scene.alliance)


@pytest.fixture
def secretary_api(scene):
    scene.secretary.user = UserFactory(username="secretary")
    scene.secretary.save()
    return token_client(scene.secretary.user)


@pytest.fixture
def agreed(scene):
    return DecisionFactory(
        body=scene.body, status=Decision.Status.AGREED, reference="ALT-2021-001", decided_on=date(2021, 2, 8)
    )


@pytest.fixture
def line(scene, agreed):
    return services.record_service_line(
        actor=SYSTEM, alliance=scene.alliance, name="Day services", annual_value="1650000", changed_by=agreed
    )


def results(response):
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_lines_filter_by_scope(viewer_api, scene, agreed, line):
    services.record_service_line(
        actor=SYSTEM, alliance=scene.alliance, name="B&B", annual_value="1", in_scope=False,
        retention_reason="Demand-led.", changed_by=agreed,
    )  # fmt: skip
    assert [x["name"] for x in results(viewer_api.get("/api/v1/service-lines/?in_scope=false"))] == ["B&B"]
    found = results(viewer_api.get("/api/v1/service-lines/?alliance=dunmarrow&in_scope=true"))
    assert [(x["name"], x["changed_by"]["reference"]) for x in found] == [("Day services", "ALT-2021-001")]


def test_line_detail_and_history(viewer_api, line, agreed):
    services.change_service_line(actor=SYSTEM, service_line=line, changed_by=agreed, annual_value="1")
    assert viewer_api.get(f"/api/v1/service-lines/{line.pk}/").json()["annual_value"] == "1.00"
    history = viewer_api.get(f"/api/v1/service-lines/{line.pk}/history/").json()
    assert len(history) == 2


def test_another_alliances_records_are_hidden(viewer_api):
    other = ServiceLineFactory(alliance=AllianceFactory(), name="CANARY api line")
    envelope = BudgetEnvelopeFactory(alliance=other.alliance, notes="CANARY envelope")
    assert "CANARY" not in viewer_api.get("/api/v1/service-lines/").content.decode()
    assert "CANARY" not in viewer_api.get("/api/v1/budget-envelopes/").content.decode()
    assert viewer_api.get(f"/api/v1/service-lines/{other.pk}/").status_code == 404
    assert viewer_api.get(f"/api/v1/budget-envelopes/{envelope.pk}/history/").status_code == 404


def test_list_query_counts_are_fixed(viewer_api, scene, agreed, django_assert_max_num_queries):
    for n in range(30):
        services.record_service_line(
            actor=SYSTEM, alliance=scene.alliance, name=f"Line {n}", annual_value="1", changed_by=agreed
        )
    with django_assert_max_num_queries(15):
        assert len(results(viewer_api.get("/api/v1/service-lines/"))) == 30
    with django_assert_max_num_queries(15):
        results(viewer_api.get("/api/v1/savings/"))


def test_secretary_records_a_line_envelope_and_savings(secretary_api, scene, agreed):
    response = secretary_api.post(
        "/api/v1/service-lines/",
        {"alliance": "dunmarrow", "name": "Street outreach", "annual_value": "1200000", "changed_by": agreed.pk},
        format="json",
    )
    assert response.status_code == 201, response.content
    line_id = response.json()["id"]
    response = secretary_api.post(
        "/api/v1/budget-envelopes/",
        {"alliance": "dunmarrow", "set_by": scene.alliance.commissioner_id, "set_by_decision": agreed.pk,
         "baseline_year": 2021, "baseline_amount": "24600000"},
        format="json",
    )  # fmt: skip
    assert response.status_code == 201, response.content
    assert response.json()["trajectory"][1]["amount"] == "23370000.00"
    response = secretary_api.post(
        "/api/v1/savings/", {"service_line": line_id, "financial_year": 2022, "amount": "1000"}, format="json"
    )
    assert response.status_code == 201, response.content


def test_a_change_without_an_agreed_decision_is_400_and_writes_nothing(secretary_api, scene, line):
    draft = DecisionFactory(body=scene.body, status="NOT_AGREED")
    before = rows(ServiceLine)
    response = secretary_api.post(
        f"/api/v1/service-lines/{line.pk}/change/", {"changed_by": draft.pk, "annual_value": "1"}, format="json"
    )
    assert response.status_code == 400 and response.json()["code"] == "scope_decision_not_agreed"
    assert "not agreed" in response.json()["detail"]
    assert rows(ServiceLine) == before


def test_a_retained_line_without_a_reason_is_400(secretary_api, agreed):
    before = rows(ServiceLine)
    response = secretary_api.post(
        "/api/v1/service-lines/",
        {"alliance": "dunmarrow", "name": "B&B", "annual_value": "1", "in_scope": False, "changed_by": agreed.pk},
        format="json",
    )
    assert response.status_code == 400 and response.json()["field"] == "retention_reason"
    assert rows(ServiceLine) == before


def test_an_envelope_not_set_by_the_commissioner_is_400(secretary_api, scene, agreed):
    before = rows(BudgetEnvelope)
    response = secretary_api.post(
        "/api/v1/budget-envelopes/",
        {"alliance": "dunmarrow", "set_by": scene.members[0].organisation.pk, "set_by_decision": agreed.pk,
         "baseline_year": 2021, "baseline_amount": "1"},
        format="json",
    )  # fmt: skip
    assert response.status_code == 400 and response.json()["code"] == "envelope_not_commissioner"
    assert rows(BudgetEnvelope) == before


def test_savings_outside_the_envelope_are_400(secretary_api, line):
    before = rows(SavingsRecord)
    response = secretary_api.post(
        "/api/v1/savings/", {"service_line": line.pk, "financial_year": 2022, "amount": "1"}, format="json"
    )
    assert response.status_code == 400 and response.json()["code"] == "savings_without_envelope"
    assert rows(SavingsRecord) == before


def test_a_viewer_may_not_write(viewer_api, line):
    response = viewer_api.post(f"/api/v1/service-lines/{line.pk}/change/", {}, format="json")
    assert response.status_code == 403
