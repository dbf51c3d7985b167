"""What oversight's queries tell people and show them: the notifications (the body's secretary when
raised, oversight when answered, both when overdue), the home page's section, the oversight
dashboard's section, and the open-and-overdue read for the oversight view."""

from datetime import UTC, date, datetime

import pytest

from alliance.home import HomeContext, home_for
from contracts import services
from contracts.queries_oversight import open_and_overdue
from contracts.query_notifications import oversight_query_answered, oversight_query_overdue, oversight_query_raised
from roles.models import Role
from tests.contracts.query_scene import make_query_scene
from tests.factories import PersonFactory, RoleAssignmentFactory, RoleFactory
from tests.helpers import actor_for

pytestmark = pytest.mark.django_db

RAISED = date(2024, 3, 4)


@pytest.fixture
def qs(scene):
    q = make_query_scene(scene)
    q.member = PersonFactory(name="Olive Oversight", email="olive@example.org")
    RoleAssignmentFactory(
        role=RoleFactory(alliance=scene.alliance, title="OG member", kind=Role.Kind.OVERSIGHT_MEMBER),
        person=q.member,
        starts_on=date(2020, 1, 1),
    )
    return q


def _raise(qs, **more):
    values = {
        "actor": actor_for(qs.auditor),
        "alliance": qs.alliance,
        "to_body": qs.alt,
        "subject": "Scope of services",
        "text": "Which services are in scope?",
        "due_on": date(2024, 3, 20),
        "on": RAISED,
    }
    values.update(more)
    return services.raise_oversight_query(**values)


def at(d: date) -> datetime:
    return datetime(d.year, d.month, d.day, 9, tzinfo=UTC)


def test_the_bodys_secretary_hears_when_a_query_is_raised(qs):
    query = _raise(qs)
    planned = list(oversight_query_raised(at(date(2024, 3, 5))))
    assert [(p.recipient_name, p.kind) for p in planned] == [("Morag Secretary", "oversight_query_raised")]
    assert query.reference in planned[0].subject and "Please" in planned[0].body
    assert planned[0].url.endswith(query.get_absolute_url())
    assert list(oversight_query_raised(at(date(2024, 5, 1)))) == []  # past the look-back


def test_oversight_hears_when_a_query_is_answered(qs):
    query = _raise(qs, kind="recommendation")
    services.answer_oversight_query(
        actor=actor_for(qs.secretary), query=query, response="rejected", answer="No.", on=date(2024, 3, 10)
    )
    planned = list(oversight_query_answered(at(date(2024, 3, 11))))
    assert [p.recipient_name for p in planned] == ["Olive Oversight"]
    assert planned[0].subject.startswith("Answered (rejected)")


def test_both_hear_when_a_query_is_overdue_and_not_once_answered(qs):
    query = _raise(qs)
    assert list(oversight_query_overdue(at(date(2024, 3, 20)))) == []  # due today: not yet overdue
    planned = list(oversight_query_overdue(at(date(2024, 3, 21))))
    assert {p.recipient_name for p in planned} == {"Morag Secretary", "Olive Oversight"}
    assert {p.event_key for p in planned} == {f"oversight-query-overdue:{query.pk}"}
    services.answer_oversight_query(actor=actor_for(qs.secretary), query=query, answer="Done.", on=date(2024, 3, 22))
    assert list(oversight_query_overdue(at(date(2024, 3, 23)))) == []


def test_open_and_overdue_is_plain_data(qs):
    late = _raise(qs, subject="Late", due_on=date(2024, 3, 5))
    soon = _raise(qs, subject="Soon", due_on=date(2024, 4, 1))
    answered = _raise(qs, subject="Answered")
    services.answer_oversight_query(actor=actor_for(qs.secretary), query=answered, answer="Yes.", on=RAISED)
    data = open_and_overdue(qs.alliance, actor_for(qs.viewer), date(2024, 3, 8))
    assert [q["reference"] for q in data["overdue"]] == [late.reference]
    assert data["overdue"][0]["days_overdue"] == 3 and data["overdue"][0]["to_body"] == "Alliance Leadership Team"
    assert [q["reference"] for q in data["open"]] == [soon.reference]
    assert data["counts"] == {"overdue": 1, "open": 1}


def test_open_and_overdue_follows_the_read_rule(qs):
    _raise(qs, visibility="CONFIDENTIAL")
    assert open_and_overdue(qs.alliance, actor_for(qs.viewer), RAISED)["counts"] == {"overdue": 0, "open": 0}
    assert open_and_overdue(qs.alliance, actor_for(qs.auditor), RAISED)["counts"] == {"overdue": 0, "open": 1}


def _home_section(user, now):
    (group,) = home_for(HomeContext(access=actor_for(user), now=now))
    return next((s for s in group["sections"] if s["key"] == "oversight_queries"), None)


def test_the_home_lists_open_queries_to_oversight_and_to_the_secretary(qs):
    query = _raise(qs, due_on=RAISED)
    now = at(date(2024, 3, 6))
    for user in (qs.auditor, qs.secretary):
        section = _home_section(user, now)
        assert [i.text for i in section["items"]] == [f"{query.reference}: Scope of services"]
        assert section["items"][0].urgency == "overdue" and "overdue since" in section["items"][0].detail
    assert _home_section(qs.viewer, now) is None


def test_the_oversight_dashboard_lists_open_and_overdue_queries(client, qs):
    query = _raise(qs, due_on=RAISED)
    client.force_login(qs.auditor)
    page = client.get("/alliances/dunmarrow/oversight/").content.decode()
    assert "Oversight queries open and overdue" in page and query.reference in page
    assert query.get_absolute_url() in page
