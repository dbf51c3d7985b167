from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from alliance.choices import DecisionKind
from roles.models import DelegatedAuthority, InterestDeclaration, Person, Role, RoleAssignment
from tests.factories import (
    AllianceFactory,
    DelegatedAuthorityFactory,
    GoverningBodyFactory,
    InterestDeclarationFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    RepresentativeRoleFactory,
    RoleAssignmentFactory,
    RoleFactory,
)
from tests.helpers import built_once, rows, viewer_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def alliance():
    return AllianceFactory(slug="dunmarrow")


@pytest.fixture
def viewer(alliance):
    return viewer_of(alliance)


@pytest.fixture
def director(alliance):
    return RoleFactory(alliance=alliance, title="Alliance Director", kind=Role.Kind.DIRECTOR)


def results(response):
    assert response.status_code == 200, response.content
    return response.json()["results"]


# People and roles


def test_people_list_filters_by_alliance(viewer_api, director):
    holder = RoleAssignmentFactory(role=director).person
    PersonFactory()
    assert [p["id"] for p in results(viewer_api.get("/api/v1/people/?alliance=dunmarrow"))] == [holder.pk]


def test_staff_creates_a_person(staff_api):
    response = staff_api.post("/api/v1/people/", {"name": "Morag Lindsay", "email": "morag@example.org"})
    assert response.status_code == 201
    assert Person.objects.get().name == "Morag Lindsay"


def test_reader_cannot_create_a_person(viewer_api):
    before = rows(Person)
    assert viewer_api.post("/api/v1/people/", {"name": "Nobody"}).status_code == 403
    assert rows(Person) == before


def test_roles_list_filters_by_alliance_and_kind(viewer_api, director):
    RoleFactory(alliance=director.alliance, kind=Role.Kind.CHAIR)
    RoleFactory(kind=Role.Kind.DIRECTOR)
    found = results(viewer_api.get("/api/v1/roles/?alliance=dunmarrow&kind=director"))
    assert [r["id"] for r in found] == [director.pk]


def test_representative_role_without_organisation_is_a_400(staff_api, alliance):
    before = rows(Role)
    response = staff_api.post(
        "/api/v1/roles/", {"alliance": "dunmarrow", "title": "Rep", "kind": "member_representative"}
    )
    assert response.status_code == 400
    assert response.json()["code"] == "role_organisation_required"
    assert rows(Role) == before


# Role assignments


def test_assignment_filters_by_date(viewer_api, director):
    old = RoleAssignmentFactory(
        role=director, starts_on=date(2020, 7, 1), ends_on=date(2021, 2, 28), end_reason="resigned"
    )
    new = RoleAssignmentFactory(role=director, starts_on=date(2021, 3, 1))
    assert [a["id"] for a in results(viewer_api.get("/api/v1/role-assignments/?on=2021-02-28"))] == [old.pk]
    assert [a["id"] for a in results(viewer_api.get("/api/v1/role-assignments/?on=2021-03-01"))] == [new.pk]


def test_assignment_filters_current_and_by_kind_and_organisation(viewer_api, director):
    today = timezone.localdate()
    current = RoleAssignmentFactory(role=director, starts_on=date(2020, 1, 1))
    rep = RepresentativeRoleFactory(alliance=director.alliance)
    RoleAssignmentFactory(
        role=rep, starts_on=date(2020, 1, 1), ends_on=today.replace(year=today.year - 1), end_reason="replaced"
    )
    assert [a["id"] for a in results(viewer_api.get("/api/v1/role-assignments/?current=true&alliance=dunmarrow"))] == [
        current.pk
    ]
    by_org = results(viewer_api.get(f"/api/v1/role-assignments/?organisation={rep.organisation_id}"))
    assert [a["role"]["id"] for a in by_org] == [rep.pk]
    assert results(viewer_api.get("/api/v1/role-assignments/?kind=chair")) == []


def test_assignment_date_filter_refuses_a_malformed_date(viewer_api):
    response = viewer_api.get("/api/v1/role-assignments/?on=1-3-2021")
    assert response.status_code == 400
    assert response.json()["field"] == "on"


def test_staff_appoints_through_the_api(staff_api, director):
    person = PersonFactory()
    response = staff_api.post(
        "/api/v1/role-assignments/", {"role": director.pk, "person": person.pk, "starts_on": "2021-03-01"}
    )
    assert response.status_code == 201
    assert response.json()["person"] == {"id": person.pk, "name": person.name}


def test_overlapping_appointment_is_a_409_and_writes_nothing(staff_api, director):
    RoleAssignmentFactory(role=director, starts_on=date(2021, 1, 1))
    before = rows(RoleAssignment)
    response = staff_api.post(
        "/api/v1/role-assignments/", {"role": director.pk, "person": PersonFactory().pk, "starts_on": "2021-03-01"}
    )
    assert response.status_code == 409
    assert response.json()["code"] == "assignment_overlap"
    assert rows(RoleAssignment) == before


def test_end_assignment_action(staff_api, director):
    assignment = RoleAssignmentFactory(role=director, starts_on=date(2021, 1, 1))
    response = staff_api.post(
        f"/api/v1/role-assignments/{assignment.pk}/end/", {"ends_on": "2022-06-30", "end_reason": "resigned"}
    )
    assert response.status_code == 200
    assert (response.json()["ends_on"], response.json()["end_reason"]) == ("2022-06-30", "resigned")


def test_end_assignment_needs_a_known_reason(staff_api, director):
    assignment = RoleAssignmentFactory(role=director)
    before = rows(RoleAssignment)
    response = staff_api.post(
        f"/api/v1/role-assignments/{assignment.pk}/end/", {"ends_on": "2022-06-30", "end_reason": "bored"}
    )
    assert response.status_code == 400
    assert response.json()["field"] == "end_reason"
    assert rows(RoleAssignment) == before


# Directory


def test_directory_shows_holders_and_vacant_roles(viewer_api, director):
    holder = RoleAssignmentFactory(role=director, starts_on=date(2021, 1, 1))
    RoleFactory(alliance=director.alliance, title="Secretary", kind=Role.Kind.SECRETARY)
    body = viewer_api.get("/api/v1/directory/?alliance=dunmarrow&on=2021-03-01").json()
    assert body["on"] == "2021-03-01"
    entries = {e["role"]["title"]: e for e in body["roles"]}
    assert entries["Alliance Director"]["holders"][0]["person"]["name"] == holder.person.name
    assert entries["Secretary"]["vacant"] is True


@pytest.mark.parametrize(
    ("query", "field"),
    [("", "alliance"), ("?alliance=nowhere", "alliance"), ("?alliance=dunmarrow&on=March", "on")],
)
def test_directory_explains_bad_queries(viewer_api, alliance, query, field):
    response = viewer_api.get(f"/api/v1/directory/{query}")
    assert response.status_code == 400
    assert response.json()["field"] == field
    assert response.json()["detail"]


def test_directory_query_count_is_fixed(viewer_api, director, django_assert_max_num_queries):
    for _ in range(30):
        role = RoleFactory(alliance=director.alliance, single_holder=False)
        RoleAssignmentFactory.create_batch(2, role=role, starts_on=date(2021, 1, 1))
    with django_assert_max_num_queries(10):
        body = viewer_api.get("/api/v1/directory/?alliance=dunmarrow&on=2021-03-01").json()
    assert len(body["roles"]) == 31


# Delegations and the check


def test_delegations_filter_by_kind_and_date(viewer_api, director):
    operational = DelegatedAuthorityFactory(role=director, valid_from=date(2021, 1, 1), valid_to=date(2021, 12, 31))
    DelegatedAuthorityFactory(role=director, decision_kinds=[DecisionKind.AWARD], valid_from=date(2021, 1, 1))
    found = results(viewer_api.get("/api/v1/delegations/?alliance=dunmarrow&kind=OPERATIONAL&on=2021-06-01"))
    assert [d["id"] for d in found] == [operational.pk]
    assert results(viewer_api.get("/api/v1/delegations/?kind=OPERATIONAL&on=2022-01-01")) == []


def test_check_allows_within_the_limit(viewer_api, director):
    delegation = DelegatedAuthorityFactory(role=director, valid_from=date(2021, 1, 1))
    body = viewer_api.get(
        f"/api/v1/delegations/check/?role={director.pk}&kind=OPERATIONAL&value=49999.99&on=2021-06-01"
    ).json()
    assert body["allowed"] is True
    assert body["delegation"]["id"] == delegation.pk


def test_check_gives_the_exact_amount_above_the_limit(viewer_api, director):
    DelegatedAuthorityFactory(role=director, valid_from=date(2021, 1, 1), financial_limit=Decimal("50000"))
    body = viewer_api.get(
        f"/api/v1/delegations/check/?role={director.pk}&kind=OPERATIONAL&value=62345&on=2021-06-01"
    ).json()
    assert body["allowed"] is False
    assert "by £12,345.00" in body["reason"]


def test_check_for_a_person_who_no_longer_held_the_role(viewer_api, director):
    holder = RoleAssignmentFactory(
        role=director, starts_on=date(2021, 1, 1), ends_on=date(2021, 12, 31), end_reason="resigned"
    )
    DelegatedAuthorityFactory(role=director, valid_from=date(2021, 1, 1))
    body = viewer_api.get(
        f"/api/v1/delegations/check/?person={holder.person_id}&kind=OPERATIONAL&value=10&on=2022-01-01"
    ).json()
    assert body == {
        "allowed": False,
        "delegation": None,
        "reason": f"{holder.person} did not hold the role Alliance Director on 01/01/2022.",
    }


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("kind=OPERATIONAL", "non_field_errors"),
        ("role={role}&kind=SPENDING", "kind"),
        ("role={role}&kind=OPERATIONAL&value=lots", "value"),
        ("role={role}&kind=OPERATIONAL&on=2021-13-01", "on"),
        ("role=999999&kind=OPERATIONAL", "role"),
    ],
)
def test_check_explains_bad_queries(viewer_api, director, query, field):
    response = viewer_api.get("/api/v1/delegations/check/?" + query.format(role=director.pk))
    assert response.status_code == 400
    assert response.json()["field"] == (None if field == "non_field_errors" else field)
    assert response.json()["detail"]


def test_staff_grants_and_revokes_a_delegation(staff_api, director):
    body = GoverningBodyFactory(alliance=director.alliance, code="ALT")
    response = staff_api.post(
        "/api/v1/delegations/",
        {
            "role": director.pk,
            "body": body.pk,
            "scope": "Operational decisions",
            "decision_kinds": ["OPERATIONAL"],
            "financial_limit": "50000.00",
            "valid_from": "2021-01-01",
        },
    )
    assert response.status_code == 201
    assert response.json()["body"]["code"] == "ALT"
    revoked = staff_api.post(
        f"/api/v1/delegations/{response.json()['id']}/revoke/", {"revoked_on": "2022-04-01", "reason": "New scheme"}
    )
    assert revoked.status_code == 200 and revoked.json()["revoked_on"] == "2022-04-01"


def test_revoking_twice_is_a_409_and_writes_nothing(staff_api, director):
    delegation = DelegatedAuthorityFactory(role=director, revoked_on=date(2022, 1, 1))
    before = rows(DelegatedAuthority)
    response = staff_api.post(
        f"/api/v1/delegations/{delegation.pk}/revoke/", {"revoked_on": "2022-04-01", "reason": "Again"}
    )
    assert response.status_code == 409
    assert rows(DelegatedAuthority) == before


def test_delegation_with_unknown_kind_is_a_400(staff_api, director):
    body = GoverningBodyFactory(alliance=director.alliance)
    before = rows(DelegatedAuthority)
    response = staff_api.post(
        "/api/v1/delegations/",
        {
            "role": director.pk,
            "body": body.pk,
            "scope": "x",
            "decision_kinds": ["SPENDING"],
            "valid_from": "2021-01-01",
        },
    )
    assert response.status_code == 400
    assert response.json()["field"] == "decision_kinds"
    assert rows(DelegatedAuthority) == before


# Interests


def test_interests_filter_by_organisation_and_current(viewer_api, alliance):
    membership = MembershipFactory(alliance=alliance)
    current = InterestDeclarationFactory(alliance=alliance, concerns_organisation=membership.organisation)
    InterestDeclarationFactory(alliance=alliance, ends_on=date(2021, 6, 1))
    found = results(viewer_api.get(f"/api/v1/interests/?organisation={membership.organisation_id}"))
    assert [i["id"] for i in found] == [current.pk]
    assert [i["id"] for i in results(viewer_api.get("/api/v1/interests/?alliance=dunmarrow&current=true"))] == [
        current.pk
    ]


def test_staff_declares_and_ends_an_interest(staff_api, alliance):
    person = PersonFactory()
    response = staff_api.post(
        "/api/v1/interests/",
        {
            "alliance": "dunmarrow",
            "person": person.pk,
            "interest": "Trustee of Second Step",
            "declared_on": "2021-02-01",
        },
    )
    assert response.status_code == 201
    ended = staff_api.post(f"/api/v1/interests/{response.json()['id']}/end/", {"ends_on": "2022-02-01"})
    assert ended.status_code == 200 and ended.json()["ends_on"] == "2022-02-01"


def test_interest_ending_before_declared_is_a_400(staff_api, alliance):
    declaration = InterestDeclarationFactory(alliance=alliance, declared_on=date(2021, 2, 1))
    before = rows(InterestDeclaration)
    response = staff_api.post(f"/api/v1/interests/{declaration.pk}/end/", {"ends_on": "2021-01-01"})
    assert response.status_code == 400
    assert response.json()["code"] == "interest_ends_before_declared"
    assert rows(InterestDeclaration) == before


# Query counts of every list


def viewer_of_a_crowded_alliance():
    """A viewer of an alliance with its director and twenty-five of every row."""
    alliance = AllianceFactory(slug="dunmarrow")
    RoleFactory(alliance=alliance, title="Alliance Director", kind=Role.Kind.DIRECTOR)
    for _ in range(25):
        role = RepresentativeRoleFactory(alliance=alliance)
        assignment = RoleAssignmentFactory(role=role, person=PersonFactory(), starts_on=date(2021, 1, 1))
        DelegatedAuthorityFactory(role=role, body__alliance=alliance)
        InterestDeclarationFactory(alliance=alliance, person=assignment.person, represents=role.organisation)
    return viewer_of(alliance)


class TestListQueryCountsAreFixed:
    """Reads only: the crowded alliance is built once for the class."""

    crowded = built_once(viewer_of_a_crowded_alliance)

    @pytest.fixture
    def viewer(self, crowded):
        return crowded

    @pytest.mark.parametrize("path", ["people", "roles", "role-assignments", "delegations", "interests"])
    def test_list_query_count_is_fixed(self, viewer_api, path, django_assert_max_num_queries):
        with django_assert_max_num_queries(9):
            response = viewer_api.get(f"/api/v1/{path}/?alliance=dunmarrow")
        assert len(results(response)) >= 25


@pytest.mark.parametrize("endpoint", ["role-assignments", "interests"])
def test_current_filter_refuses_a_value_that_is_not_true_or_false(viewer_api, alliance, endpoint):
    response = viewer_api.get(f"/api/v1/{endpoint}/?current=maybe")
    assert response.status_code == 400
    body = response.json()
    assert body["field"] == "current"
    assert body["detail"] == "current: 'maybe' is neither true nor false; use true or false."


@pytest.mark.parametrize("endpoint", ["role-assignments", "interests"])
def test_current_filter_accepts_false(viewer_api, alliance, endpoint):
    assert viewer_api.get(f"/api/v1/{endpoint}/?current=false").status_code == 200


def test_patching_a_held_representative_role_to_a_non_member_is_400(staff_api, alliance):
    role = RepresentativeRoleFactory(alliance=alliance)
    RoleAssignmentFactory(role=role, starts_on=date(2021, 1, 1))
    outsider = OrganisationFactory()
    before = rows(Role, RoleAssignment)
    response = staff_api.patch(f"/api/v1/roles/{role.pk}/", {"organisation": outsider.pk}, format="json")
    assert response.status_code == 400, response.json()
    assert response.json()["code"] == "role_organisation_not_member_for_holders"
    assert rows(Role, RoleAssignment) == before


def test_patching_single_holder_on_a_role_held_by_three_is_400(staff_api, alliance):
    role = RoleFactory(alliance=alliance, title="Oversight member", single_holder=False)
    for _ in range(3):
        RoleAssignmentFactory(role=role, starts_on=date(2023, 1, 1))
    response = staff_api.patch(f"/api/v1/roles/{role.pk}/", {"single_holder": True}, format="json")
    assert response.status_code == 400, response.json()
    assert response.json()["code"] == "role_single_holder_overlap"
