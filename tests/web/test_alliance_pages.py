import pytest

from tests.factories import AgreementBudgetFactory, AllianceFactory, GoverningBodyFactory, MembershipFactory
from tests.helpers import viewer_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def logged_in(client, viewer):
    client.force_login(viewer)
    return client


@pytest.fixture
def alliance():
    alliance = AllianceFactory(slug="dunmarrow", name="Dunmarrow Homelessness Alliance")
    AgreementBudgetFactory(agreement__alliance=alliance)
    MembershipFactory(alliance=alliance, organisation__name="Harbour Light Housing")
    MembershipFactory(
        alliance=alliance,
        organisation__name="Voices of Experience",
        status="ADVISORY",
        is_signatory=False,
        capacities=["lived_experience"],
    )
    GoverningBodyFactory(alliance=alliance, code="ALT")
    return alliance


@pytest.fixture
def viewer(alliance):
    return viewer_of(alliance)


def test_pages_need_a_login(client, alliance):
    response = client.get("/alliances/dunmarrow/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_login_page_renders(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert b"Log in" in response.content


def test_alliance_list(logged_in, alliance):
    response = logged_in.get("/alliances/")
    assert response.status_code == 200
    assert b"Dunmarrow Homelessness Alliance" in response.content


def test_alliance_list_empty_state_says_what_to_do(client, stranger):
    client.force_login(stranger)
    response = client.get("/alliances/")
    assert b"load_demo" in response.content


def test_overview_shows_agreement_members_badges_and_bodies(logged_in, alliance):
    response = logged_in.get("/alliances/dunmarrow/?on=2021-01-01")
    content = response.content.decode()
    assert response.status_code == 200
    assert "1 July 2020 to 30 June 2027" in content
    assert "No fault, no blame" in content
    assert "£24,600,000.00" in content
    assert "Harbour Light Housing" in content
    assert 'badge-advisory">Advisory · non-voting' in content
    assert "Not a signatory" in content
    assert "Lived experience" in content
    assert "Unanimous: every eligible voting member agrees" in content


def test_overview_before_anyone_joined_shows_empty_state(logged_in, alliance):
    response = logged_in.get("/alliances/dunmarrow/?on=2019-01-01")
    assert "No organisation was a member on this date" in response.content.decode()


def test_overview_with_malformed_date_explains(logged_in, alliance):
    response = logged_in.get("/alliances/dunmarrow/?on=31-02-2021")
    assert response.status_code == 200
    assert "is not a date; use the form YYYY-MM-DD" in response.content.decode()
    assert response.context["on_error"]


def test_unknown_alliance_is_404(logged_in):
    assert logged_in.get("/alliances/nowhere/").status_code == 404
