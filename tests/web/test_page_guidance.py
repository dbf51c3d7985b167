"""Pages tell people where they are (breadcrumbs), which roles are their own, and what to do next
when a register is empty (a secretary who can act is told how; a reader whom to ask)."""

import pytest

from tests.factories import AllianceFactory, PersonFactory, RoleAssignmentFactory, RoleFactory, UserFactory
from tests.helpers import viewer_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def alliance():
    return AllianceFactory(slug="dunmarrow", name="Dunmarrow Homelessness Alliance", publish_register=True)


@pytest.fixture
def viewer(alliance):
    return viewer_of(alliance)


@pytest.fixture
def reader(client, viewer, alliance):
    client.force_login(viewer)
    return client


@pytest.fixture
def secretary(client, alliance):
    person = PersonFactory(name="Morag Secretary", user=UserFactory(username="secretary"))
    RoleAssignmentFactory(role=RoleFactory(alliance=alliance, title="Secretary", kind="secretary"), person=person)
    client.force_login(person.user)
    return client


def test_directory_marks_the_users_own_role_in_words(secretary):
    content = secretary.get("/alliances/dunmarrow/roles/").content.decode()
    assert '<span class="badge badge-own">Your role</span>' in content
    assert content.count("Your role</span>") == 1


def test_directory_marks_no_role_of_a_reader_without_one(reader, alliance):
    RoleAssignmentFactory(role=RoleFactory(alliance=alliance, title="Alliance Director"), person__name="Kenneth Muir")
    assert "Your role</span>" not in reader.get("/alliances/dunmarrow/roles/").content.decode()


def test_empty_interest_register_tells_a_reader_whom_to_tell(reader):
    # A viewer's login names no person of the alliance: they cannot declare, so no link to the form.
    content = reader.get("/alliances/dunmarrow/interests/").content.decode()
    assert "tell the secretary so that it is declared here" in content
    assert "/alliances/dunmarrow/interests/new/" not in content


def test_empty_interest_register_offers_a_person_of_the_alliance_to_declare(client, alliance):
    person = PersonFactory(name="Ailsa Member", user=UserFactory(username="ailsa"))
    RoleAssignmentFactory(role=RoleFactory(alliance=alliance, title="Advisor", kind="advisor"), person=person)
    client.force_login(person.user)
    content = client.get("/alliances/dunmarrow/interests/").content.decode()
    assert 'href="/alliances/dunmarrow/interests/new/">declare it</a>' in content
    assert 'href="/alliances/dunmarrow/my-interests/">My interests</a>' in content


def test_empty_delegation_register_tells_the_secretary_how_to_delegate(secretary):
    content = secretary.get("/alliances/dunmarrow/delegations/").content.decode()
    assert 'href="/alliances/dunmarrow/decisions/new/">draft one</a>' in content


def test_empty_delegation_register_tells_a_reader_whom_to_ask(reader):
    content = reader.get("/alliances/dunmarrow/delegations/").content.decode()
    assert "ask its secretary" in content
    assert "draft one" not in content


def test_empty_overview_says_who_records_the_agreement_and_bodies(reader):
    content = reader.get("/alliances/dunmarrow/").content.decode()
    assert "Ask the alliance's secretary to record it" in content
    assert "Ask the alliance's secretary to record its leadership team" in content


def test_empty_forward_plan_points_to_the_register(client, alliance):
    content = client.get("/public/dunmarrow/forward-plan/").content.decode()
    assert 'href="/public/dunmarrow/">public register</a>' in content


@pytest.mark.parametrize(
    ("path", "here"),
    [
        ("/", "Home"),
        ("/alliances/", "Alliances"),
        ("/inbox/", "Inbox"),
        ("/notifications/preferences/", "Notification preferences"),
        ("/public/", "Public registers"),
        ("/public/dunmarrow/", "Dunmarrow Homelessness Alliance"),
        ("/public/dunmarrow/awards/", "Award processes"),
        ("/public/dunmarrow/forward-plan/", "Forward plan"),
    ],
)
def test_pages_have_breadcrumbs(reader, path, here):
    content = reader.get(path).content.decode()
    assert '<nav aria-label="Breadcrumb" class="breadcrumbs">' in content
    assert f'<li aria-current="page">{here}</li>' in content
