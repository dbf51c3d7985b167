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


def test_action_items_are_charted_with_their_table(logged_in):
    from datetime import date

    from tests.factories import ActionItemFactory

    overdue = ActionItemFactory(due_on=date(2021, 6, 30))
    decision = overdue.decision
    ActionItemFactory(decision=decision, due_on=date(2999, 1, 1))
    ActionItemFactory(decision=decision, due_on=date(2999, 1, 1))
    ActionItemFactory(decision=decision, status="done")
    response = logged_in.get(f"/alliances/{decision.alliance.slug}/oversight/")
    assert response.context["charts"]["actionItems"]["series"][0]["data"] == [2, 1, 1]
    content = response.content.decode()
    assert 'data-chart="actionItems"' in content
    assert '<th scope="row">Overdue</th><td class="num">1</td>' in content
    assert '<th scope="row">Open, not yet due</th><td class="num">2</td>' in content
