"""The governing documents register's API: reads through the read rule, writes through the services."""

from datetime import date

import pytest

from decisions.governing_models import GoverningDocument
from decisions.models import Decision
from tests.factories import AllianceFactory, DecisionFactory, GoverningDocumentFactory, UserFactory
from tests.helpers import rows, token_client, viewer_of

pytestmark = pytest.mark.django_db

Status = GoverningDocument.Status
URL = "/api/v1/governing-documents/"


@pytest.fixture
def viewer(scene):
    return viewer_of(scene.alliance)


@pytest.fixture
def secretary_api(scene):
    scene.secretary.user = UserFactory(username="secretary")
    scene.secretary.save()
    return token_client(scene.secretary.user)


@pytest.fixture
def document(scene):
    return GoverningDocumentFactory(
        alliance=scene.alliance,
        title="Procurement procedure",
        kind="procurement_procedure",
        version_label="v1",
        required_by_agreement=True,
        agreement_clause="Schedule part 10",
        award_routes=["MINI_COMPETITION"],
        target_date=date(2021, 3, 31),
    )


@pytest.fixture
def decision(scene):
    return DecisionFactory(
        body=scene.body, status=Decision.Status.AGREED, reference="ALT-2021-004", decided_on=date(2021, 3, 4)
    )


def results(response):
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_list_filters_by_alliance_kind_and_required(viewer_api, scene, document):
    GoverningDocumentFactory(alliance=scene.alliance, kind="terms_of_reference", title="ALT terms of reference")
    found = results(viewer_api.get(f"{URL}?alliance=dunmarrow&required=true"))
    assert [d["title"] for d in found] == ["Procurement procedure"]
    assert found[0]["award_routes"] == ["MINI_COMPETITION"] and found[0]["status"] == "drafting"
    found = results(viewer_api.get(f"{URL}?kind=terms_of_reference"))
    assert [d["title"] for d in found] == ["ALT terms of reference"]


def test_confidential_document_of_another_alliance_is_not_listed(viewer_api, document):
    secret = GoverningDocumentFactory(alliance=AllianceFactory(), title="CANARY api doc", visibility="CONFIDENTIAL")
    response = viewer_api.get(URL)
    assert "CANARY" not in response.content.decode()
    assert viewer_api.get(f"{URL}{secret.pk}/").status_code == 404
    assert viewer_api.get(f"{URL}{secret.pk}/history/").status_code == 404


def test_history_of_a_document(viewer_api, document):
    response = viewer_api.get(f"{URL}{document.pk}/history/")
    assert response.status_code == 200


def test_secretary_creates_a_document(secretary_api, scene):
    response = secretary_api.post(
        URL,
        {
            "alliance": "dunmarrow",
            "title": "Financial procedures",
            "kind": "financial_procedure",
            "required_by_agreement": True,
            "agreement_clause": "Clause 14",
            "award_routes": ["EXTERNAL_PROCUREMENT"],
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "drafting"


def test_create_refusal_is_400_and_writes_nothing(secretary_api, scene):
    before = rows(GoverningDocument)
    response = secretary_api.post(
        URL,
        {"alliance": "dunmarrow", "title": "Procedures", "kind": "financial_procedure", "required_by_agreement": True},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "governing_clause_required"
    assert rows(GoverningDocument) == before


def test_viewer_may_not_create_nor_change(viewer_api, document):
    before = rows(GoverningDocument)
    response = viewer_api.post(URL, {"alliance": "dunmarrow", "title": "X", "kind": "other"}, format="json")
    assert response.status_code == 403
    response = viewer_api.post(f"{URL}{document.pk}/status/", {"status": "under_review"}, format="json")
    assert response.status_code == 403
    assert rows(GoverningDocument) == before


def test_status_agreed_with_its_decision(secretary_api, document, decision):
    response = secretary_api.post(
        f"{URL}{document.pk}/status/", {"status": "agreed", "adopted_by": decision.pk}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["adopted_by"]["reference"] == "ALT-2021-004"


@pytest.mark.parametrize(
    "payload, code",
    [
        ({"status": "agreed"}, "governing_adoption_required"),
        ({"status": "in_operation", "on": "2021-03-01", "with_decision": True}, "governing_adoption_later"),
    ],
)
def test_status_refusals_are_400_and_write_nothing(secretary_api, document, decision, payload, code):
    if payload.pop("with_decision", False):
        payload["adopted_by"] = decision.pk
    before = rows(GoverningDocument)
    response = secretary_api.post(f"{URL}{document.pk}/status/", payload, format="json")
    assert response.status_code == 400, response.content
    assert (response.json()["code"], response.json()["field"]) == (code, "adopted_by")
    assert rows(GoverningDocument) == before


def test_new_version_and_the_superseded_one(secretary_api, document):
    response = secretary_api.post(f"{URL}{document.pk}/new-version/", {"version_label": "v2"}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["supersedes"] == document.pk
    before = rows(GoverningDocument)
    again = secretary_api.post(f"{URL}{document.pk}/new-version/", {"version_label": "v3"}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "governing_superseded"
    assert rows(GoverningDocument) == before


def test_review(secretary_api, document):
    response = secretary_api.post(
        f"{URL}{document.pk}/review/", {"reviewed_on": "2021-06-01", "next_review_on": "2021-01-01"}, format="json"
    )
    assert response.status_code == 400 and response.json()["field"] == "next_review_on"
    response = secretary_api.post(f"{URL}{document.pk}/review/", {"reviewed_on": "2021-06-01"}, format="json")
    assert response.json()["last_reviewed_on"] == "2021-06-01"


def test_list_query_count_is_fixed(viewer_api, scene, decision, django_assert_max_num_queries):
    role = scene.secretary.assignments.first().role
    for i in range(30):
        GoverningDocumentFactory(
            alliance=scene.alliance, title=f"Section {i}", owner_role=role, owner_body=scene.body, adopted_by=decision,
            status=Status.AGREED,
        )  # fmt: skip
    with django_assert_max_num_queries(10):
        assert len(results(viewer_api.get(f"{URL}?alliance=dunmarrow"))) == 30
