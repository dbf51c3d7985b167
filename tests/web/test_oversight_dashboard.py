import pytest

from tests.factories import AllianceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def logged_in(client, staff):
    client.force_login(staff)
    return client


def test_dashboard_of_an_empty_alliance_says_what_to_expect(logged_in):
    AllianceFactory(slug="empty")
    content = logged_in.get("/alliances/empty/oversight/").content.decode()
    assert "No award process yet" in content
    assert "No decision has been closed yet" in content


def test_dashboard_needs_login(client):
    AllianceFactory(slug="empty")
    assert client.get("/alliances/empty/oversight/").status_code == 302
