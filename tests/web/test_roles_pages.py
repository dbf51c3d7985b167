from datetime import date
from decimal import Decimal

import pytest

from roles.models import AccessGrant
from tests.factories import (
    AgreementFactory,
    AllianceFactory,
    DelegatedAuthorityFactory,
    InterestDeclarationFactory,
    PersonFactory,
    RoleAssignmentFactory,
    RoleFactory,
    UserFactory,
)
from tests.helpers import viewer_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def logged_in(client, viewer):
    client.force_login(viewer)
    return client


@pytest.fixture
def alliance():
    alliance = AllianceFactory(slug="dunmarrow", name="Dunmarrow Homelessness Alliance")
    AgreementFactory(alliance=alliance, principles=["No fault, no blame"])
    director = RoleFactory(alliance=alliance, title="Alliance Director", description="Leads the alliance team.")
    RoleAssignmentFactory(
        role=director,
        person__name="Fiona Baird",
        starts_on=date(2020, 7, 1),
        ends_on=date(2021, 2, 28),
        end_reason="resigned",
    )
    RoleAssignmentFactory(role=director, person__name="Kenneth Muir", starts_on=date(2021, 3, 1))
    RoleFactory(alliance=alliance, title="ALT Secretary", kind="secretary")
    DelegatedAuthorityFactory(
        role=director, body__alliance=alliance, body__code="ALT", financial_limit=Decimal("50000")
    )
    return alliance


@pytest.fixture
def viewer(alliance):
    return viewer_of(alliance)


def director(alliance):
    return alliance.roles.get(title="Alliance Director")


@pytest.mark.parametrize("path", ["roles/", "roles/1/", "roles/1/handover/", "people/1/", "delegations/", "interests/"])
def test_pages_need_a_login(client, alliance, path):
    response = client.get(f"/alliances/dunmarrow/{path}")
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


def test_directory_shows_the_holder_on_the_chosen_date(logged_in, alliance):
    before = logged_in.get("/alliances/dunmarrow/roles/?on=2021-02-28").content.decode()
    after = logged_in.get("/alliances/dunmarrow/roles/?on=2021-03-01").content.decode()
    assert "Who held which role on 28 February 2021" in before
    assert "Fiona Baird</a>" in before and "Kenneth Muir</a>" not in before.split("Timeline of holders")[0]
    assert "Kenneth Muir</a>" in after.split("Timeline of holders")[0]


def test_directory_marks_vacant_roles(logged_in, alliance):
    content = logged_in.get("/alliances/dunmarrow/roles/?on=2021-03-01").content.decode()
    assert "ALT Secretary" in content and "Vacant" in content


def test_directory_draws_the_timeline_chart_with_a_table(logged_in, alliance):
    content = logged_in.get("/alliances/dunmarrow/roles/?on=2021-03-01").content.decode()
    assert content.count("<svg") == 1
    assert content.count('class="tl-bar') == 2
    assert "Fiona Baird: 01/07/2020 to 28/02/2021" in content
    assert "Holders of each role, with dates" in content


def test_directory_shows_turnover_per_year(logged_in, alliance):
    content = logged_in.get("/alliances/dunmarrow/roles/").content.decode()
    assert "Turnover per year" in content and "Resigned: 1" in content


def test_bad_date_shows_a_message_not_an_error(logged_in, alliance):
    response = logged_in.get("/alliances/dunmarrow/roles/?on=1st March")
    assert response.status_code == 200
    assert "is not a date; use the form YYYY-MM-DD" in response.content.decode()


def test_unknown_alliance_is_a_404(logged_in, alliance):
    assert logged_in.get("/alliances/elsewhere/roles/").status_code == 404


def test_role_page_shows_holders_and_delegations(logged_in, alliance):
    content = logged_in.get(f"/alliances/dunmarrow/roles/{director(alliance).pk}/?on=2021-06-01").content.decode()
    assert "Holders over time" in content and "Fiona Baird" in content and "Resigned" in content
    assert "£50,000.00" in content and "In force" in content


def test_role_of_another_alliance_is_a_404(logged_in, alliance):
    other = RoleFactory()
    assert logged_in.get(f"/alliances/dunmarrow/roles/{other.pk}/").status_code == 404


def test_handover_pack_has_every_section(logged_in, alliance):
    content = logged_in.get(f"/alliances/dunmarrow/roles/{director(alliance).pk}/handover/").content.decode()
    for text in ["Leads the alliance team.", "£50,000.00", "No fault, no blame", "Previous holders", "Fiona Baird"]:
        assert text in content
    assert "Print this page" in content


def test_person_page_shows_roles_and_interests(logged_in, alliance):
    assignment = RoleAssignmentFactory(role__alliance=alliance, person=PersonFactory(name="Ailsa Brodie"))
    InterestDeclarationFactory(alliance=alliance, person=assignment.person, interest="Trustee of Second Step")
    content = logged_in.get(f"/alliances/dunmarrow/people/{assignment.person.pk}/").content.decode()
    assert "Ailsa Brodie" in content and assignment.role.title in content and "Trustee of Second Step" in content


def test_delegation_register_says_what_is_in_force_on_a_date(logged_in, alliance):
    DelegatedAuthorityFactory(
        role=director(alliance), body__alliance=alliance, financial_limit=None, revoked_on=date(2022, 1, 1)
    )
    content = logged_in.get("/alliances/dunmarrow/delegations/?on=2022-06-01").content.decode()
    assert "No limit" in content and "revoked from 01/01/2022" in content
    assert "In force" in content and "Not in force" in content


def test_interests_register_lists_declarations(logged_in, alliance):
    InterestDeclarationFactory(alliance=alliance, person__name="Ross Gilchrist", interest="Owns a letting agency")
    content = logged_in.get("/alliances/dunmarrow/interests/").content.decode()
    assert "Ross Gilchrist" in content and "Owns a letting agency" in content and "Current" in content


def test_overview_links_to_roles_and_registers(logged_in, alliance):
    content = logged_in.get("/alliances/dunmarrow/").content.decode()
    assert 'href="/alliances/dunmarrow/roles/"' in content
    assert 'href="/alliances/dunmarrow/delegations/"' in content


def test_directory_query_count_is_bounded(logged_in, alliance, django_assert_max_num_queries):
    for _ in range(20):
        RoleAssignmentFactory(role__alliance=alliance, starts_on=date(2021, 1, 1))
    with django_assert_max_num_queries(16):
        assert logged_in.get("/alliances/dunmarrow/roles/").status_code == 200


def test_person_page_of_a_person_only_in_another_alliance_is_a_404(client, alliance):
    viewer = UserFactory(username="dunmarrow-viewer")
    AccessGrant.objects.create(user=viewer, alliance=alliance, standing="viewer", starts_on=date(2000, 1, 1))
    elsewhere = RoleAssignmentFactory(person=PersonFactory(name="Morag Elsewhere", email="morag@example.org"))
    client.force_login(viewer)
    response = client.get(f"/alliances/dunmarrow/people/{elsewhere.person.pk}/")
    assert response.status_code == 404
    assert b"morag@example.org" not in response.content
    holder = director(alliance).assignments.first().person
    assert client.get(f"/alliances/dunmarrow/people/{holder.pk}/").status_code == 200


@pytest.mark.parametrize("on", ["9999-12-31", "0001-01-01"])
def test_directory_on_a_far_date_keeps_the_chart_to_the_assignments_years(logged_in, alliance, on):
    response = logged_in.get(f"/alliances/dunmarrow/roles/?on={on}")
    assert response.status_code == 200
    chart = response.context["chart"]
    years = [y["label"] for y in chart["years"] if y["label"]]
    assert years[0] == 2020
    assert years[-1] == date.today().year
    assert chart["on_x"] is None
    assert "lies outside the years shown" in response.content.decode()


def test_directory_on_a_date_near_the_assignments_widens_the_chart(logged_in, alliance):
    chart = logged_in.get("/alliances/dunmarrow/roles/?on=2018-05-01").context["chart"]
    assert chart["years"][0]["label"] == 2018
    assert chart["on_x"] is not None
