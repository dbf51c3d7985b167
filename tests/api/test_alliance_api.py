from datetime import date

import pytest
from rest_framework.test import APIClient

from alliance.models import Membership, MembershipStatusChange
from tests.factories import (
    AgreementBudgetFactory,
    AllianceFactory,
    GoverningBodyFactory,
    MembershipFactory,
    MembershipStatusChangeFactory,
    OrganisationFactory,
    UserFactory,
)
from tests.helpers import rows, token_client, viewer_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def alliance():
    return AllianceFactory(slug="dunmarrow", name="Dunmarrow Homelessness Alliance")


@pytest.fixture
def viewer(alliance):
    return viewer_of(alliance)


# Authentication ------------------------------------------------------------------------------


def test_token_endpoint_returns_token_for_valid_credentials(anon_api):
    UserFactory(username="sam")
    response = anon_api.post("/api/v1/auth/token/", {"username": "sam", "password": "pass-word-123"})
    assert response.status_code == 200
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert client.get("/api/v1/alliances/").status_code == 200


def test_token_endpoint_refuses_wrong_password(anon_api):
    UserFactory(username="sam")
    response = anon_api.post("/api/v1/auth/token/", {"username": "sam", "password": "nope"})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


def test_reading_members_records_needs_a_login(anon_api, alliance):
    response = anon_api.get("/api/v1/memberships/")
    assert response.status_code == 401
    assert "credentials" in response.json()["detail"]


def test_anonymous_sees_only_alliances_that_publish_their_register(anon_api, alliance):
    AllianceFactory(slug="open", publish_register=True)
    response = anon_api.get("/api/v1/alliances/")
    assert response.status_code == 200
    assert [a["slug"] for a in response.json()["results"]] == ["open"]
    assert anon_api.get("/api/v1/alliances/dunmarrow/").status_code == 404


def test_session_login_reads_the_api(client, viewer, alliance):
    assert client.login(username=viewer.username, password="pass-word-123")
    assert client.get("/api/v1/alliances/dunmarrow/").json()["name"] == "Dunmarrow Homelessness Alliance"


def test_writing_needs_staff(stranger_api):
    response = stranger_api.post("/api/v1/organisations/", {"name": "New Trust", "kind": "provider"})
    assert response.status_code == 403
    assert "standing" in response.json()["detail"]


# Alliances and organisations -----------------------------------------------------------------


def test_alliance_lookup_by_slug_with_agreement_and_budget(viewer_api, alliance):
    budget = AgreementBudgetFactory(agreement__alliance=alliance)
    data = viewer_api.get("/api/v1/alliances/dunmarrow/").json()
    assert data["agreements"][0]["budgets"] == [
        {"financial_year": 2021, "label": "2021/22", "amount": str(budget.amount)}
    ]


def test_create_alliance_with_duplicate_slug_is_400(staff_api, alliance):
    response = staff_api.post("/api/v1/alliances/", {"name": "Copy", "slug": "dunmarrow"})
    assert response.status_code == 400
    assert response.json()["field"] == "slug"


def test_create_organisation(staff_api):
    response = staff_api.post("/api/v1/organisations/", {"name": "New Trust", "kind": "provider"})
    assert response.status_code == 201
    assert response.json()["name"] == "New Trust"


def test_create_organisation_with_bad_kind_is_400_with_field_message(staff_api):
    response = staff_api.post("/api/v1/organisations/", {"name": "New Trust", "kind": "landlord"})
    assert response.status_code == 400
    body = response.json()
    assert body["field"] == "kind"
    assert "landlord" in body["detail"]


# Memberships ---------------------------------------------------------------------------------


def test_create_membership_through_api(staff_api, alliance):
    org = OrganisationFactory()
    response = staff_api.post(
        "/api/v1/memberships/",
        {
            "alliance": "dunmarrow",
            "organisation": org.pk,
            "status": "ADVISORY",
            "joined_on": "2020-07-01",
            "capacities": ["lived_experience"],
        },
    )
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["status"] == "ADVISORY"
    assert data["status_changes"] == [{"status": "ADVISORY", "effective_on": "2020-07-01", "reason": "On joining"}]


def test_overlapping_membership_is_400_and_writes_nothing(staff_api, alliance):
    existing = MembershipFactory(alliance=alliance)
    before = rows(Membership, MembershipStatusChange)
    response = staff_api.post(
        "/api/v1/memberships/",
        {
            "alliance": "dunmarrow",
            "organisation": existing.organisation_id,
            "status": "VOTING",
            "joined_on": "2022-01-01",
        },
    )
    assert response.status_code == 400
    assert response.json()["code"] == "membership_overlap"
    assert rows(Membership, MembershipStatusChange) == before


def test_membership_with_malformed_date_is_400(staff_api, alliance):
    response = staff_api.post(
        "/api/v1/memberships/",
        {
            "alliance": "dunmarrow",
            "organisation": OrganisationFactory().pk,
            "status": "VOTING",
            "joined_on": "01/07/2020",
        },
    )
    assert response.status_code == 400
    assert response.json()["field"] == "joined_on"


def test_membership_status_change_action(staff_api, alliance):
    m = MembershipFactory(alliance=alliance)
    response = staff_api.post(
        f"/api/v1/memberships/{m.pk}/status/",
        {"status": "ADVISORY", "effective_on": "2022-04-01", "reason": "Stepped back"},
    )
    assert response.status_code == 201
    assert response.json()["status"] == "ADVISORY"
    assert [c["status"] for c in response.json()["status_changes"]] == ["VOTING", "ADVISORY"]


def test_membership_end_action_twice_is_409(staff_api, alliance):
    m = MembershipFactory(alliance=alliance)
    first = staff_api.post(f"/api/v1/memberships/{m.pk}/end/", {"left_on": "2023-09-30", "reason": "Concluded"})
    assert first.status_code == 200
    again = staff_api.post(f"/api/v1/memberships/{m.pk}/end/", {"left_on": "2023-10-30", "reason": "Again"})
    assert again.status_code == 409
    assert again.json()["code"] == "membership_already_ended"


def test_membership_patch_capacities(staff_api, alliance):
    m = MembershipFactory(alliance=alliance)
    response = staff_api.patch(f"/api/v1/memberships/{m.pk}/", {"capacities": ["provider", "funder"]})
    assert response.status_code == 200
    assert response.json()["capacities"] == ["provider", "funder"]


def test_membership_filters_on_date_and_status(viewer_api, alliance):
    switched = MembershipFactory(alliance=alliance, status="ADVISORY")
    MembershipStatusChange.objects.filter(membership=switched).update(status="VOTING")
    MembershipStatusChangeFactory(membership=switched, status="ADVISORY", effective_on=date(2022, 1, 1))
    MembershipFactory(alliance=alliance, joined_on=date(2023, 1, 1))
    MembershipFactory()  # another alliance

    def ids(query):
        return [m["id"] for m in viewer_api.get(f"/api/v1/memberships/?alliance=dunmarrow&{query}").json()["results"]]

    assert ids("on=2021-06-01") == [switched.pk]
    assert ids("on=2021-06-01&status=VOTING") == [switched.pk]
    assert ids("on=2022-06-01&status=VOTING") == []
    assert ids("on=2022-06-01&status=ADVISORY") == [switched.pk]
    assert len(ids("status=VOTING")) == 1


def test_membership_filter_by_capacity(viewer_api, alliance):
    funder = MembershipFactory(alliance=alliance, capacities=["commissioner", "funder"])
    MembershipFactory(alliance=alliance, capacities=["provider"])
    results = viewer_api.get("/api/v1/memberships/?capacity=funder").json()["results"]
    assert [m["id"] for m in results] == [funder.pk]


def test_membership_bad_filter_value_is_400(stranger_api):
    response = stranger_api.get("/api/v1/memberships/?on=yesterday")
    assert response.status_code == 400
    assert response.json()["field"] == "on"


# Bodies --------------------------------------------------------------------------------------


def test_create_body_with_invalid_quorum_is_400(staff_api, alliance):
    response = staff_api.post(
        "/api/v1/bodies/",
        {
            "alliance": "dunmarrow",
            "name": "ALT",
            "code": "ALT",
            "kind": "leadership",
            "decision_rule": "UNANIMOUS",
            "quorum_fraction": "1.5",
        },
    )
    assert response.status_code == 400
    assert response.json()["field"] == "quorum_fraction"


def test_create_body(staff_api, alliance):
    response = staff_api.post(
        "/api/v1/bodies/",
        {
            "alliance": "dunmarrow",
            "name": "Alliance Leadership Team",
            "code": "ALT",
            "kind": "leadership",
            "decision_rule": "UNANIMOUS",
            "quorum_fraction": "0.75",
        },
    )
    assert response.status_code == 201, response.json()
    assert response.json()["abstention_blocks"] is True
    assert response.json()["quorum"] == "75% of voting members"


# Bounded queries -----------------------------------------------------------------------------


def test_membership_list_query_count_is_fixed(viewer_api, alliance, django_assert_max_num_queries):
    for _ in range(30):
        m = MembershipFactory(alliance=alliance)
        MembershipStatusChangeFactory(membership=m)
    with django_assert_max_num_queries(11):
        response = viewer_api.get("/api/v1/memberships/?alliance=dunmarrow&on=2023-01-01")
    assert response.json()["count"] == 30


def test_alliance_list_query_count_is_fixed(django_assert_max_num_queries):
    reader = UserFactory(username="reader")
    for _ in range(20):
        viewer_of(AgreementBudgetFactory().agreement.alliance, user=reader)
    viewer_api = token_client(reader)
    with django_assert_max_num_queries(11):
        response = viewer_api.get("/api/v1/alliances/")
    assert response.json()["count"] == 20


def test_organisation_list_query_count_is_fixed(alliance, viewer_api, django_assert_max_num_queries):
    MembershipFactory.create_batch(40, alliance=alliance)
    with django_assert_max_num_queries(9):
        response = viewer_api.get("/api/v1/organisations/")
    assert response.json()["count"] == 40


def test_body_list_query_count_is_fixed(django_assert_max_num_queries):
    reader = UserFactory(username="reader")
    for body in GoverningBodyFactory.create_batch(25):
        viewer_of(body.alliance, user=reader)
    viewer_api = token_client(reader)
    with django_assert_max_num_queries(9):
        response = viewer_api.get("/api/v1/bodies/")
    assert response.json()["count"] == 25


def test_schema_and_docs_pages(stranger_api, client, stranger):
    schema = stranger_api.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/memberships/" in schema.content
    client.force_login(stranger)
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert b"swagger-ui" in docs.content
    assert b"cdn" not in docs.content.lower()


def test_body_reporting_to_itself_is_400(staff_api, alliance):
    body = GoverningBodyFactory(alliance=alliance, code="ALT")
    response = staff_api.patch(f"/api/v1/bodies/{body.pk}/", {"reports_to": body.pk}, format="json")
    assert response.status_code == 400, response.json()
    assert response.json()["code"] == "body_reports_to_itself"
    body.refresh_from_db()
    assert body.reports_to is None


def test_nested_list_error_is_a_readable_message(staff_api, alliance):
    before = rows(Membership, MembershipStatusChange)
    response = staff_api.post(
        "/api/v1/memberships/",
        {
            "alliance": "dunmarrow",
            "organisation": OrganisationFactory().pk,
            "status": "VOTING",
            "joined_on": "2020-07-01",
            "capacities": [["x"]],
        },
        format="json",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["field"] == "capacities"
    assert body["detail"].startswith("capacities: item 1: ")
    assert "ErrorDetail" not in response.content.decode() and "{0:" not in body["detail"]
    assert all(isinstance(m, str) for m in body["errors"]["capacities"])
    assert rows(Membership, MembershipStatusChange) == before
