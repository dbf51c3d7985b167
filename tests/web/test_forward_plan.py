from datetime import UTC, date, datetime

import pytest
from icalendar import Calendar

from alliance.errors import RuleViolation
from alliance.forward_plan import save_entry
from alliance.models import ForwardPlanEntry
from decisions.models import Meeting
from roles.standing import SYSTEM
from tests.factories import AllianceFactory, GoverningBodyFactory, MeetingFactory
from tests.helpers import rows

pytestmark = pytest.mark.django_db

CONTACT = {"contact_name": "Rachel Ogilvie", "contact_email": "rachel.ogilvie@example.org"}


@pytest.fixture
def alliance():
    return AllianceFactory(slug="dunmarrow", name="Dunmarrow Homelessness Alliance", publish_register=True)


@pytest.fixture
def alt(alliance):
    return GoverningBodyFactory(alliance=alliance, code="ALT", name="Alliance Leadership Team")


def entry(alliance, **fields):
    values = {
        "alliance": alliance,
        "title": "Award the street outreach service",
        "kind": "AWARD",
        "route": "MINI_COMPETITION",
        "expected_on": date(2023, 11, 15),
        "published": True,
        **CONTACT,
    }
    values.update(fields)
    return save_entry(actor=SYSTEM, **values)


# The service


def test_save_entry_keeps_history(alliance):
    saved = entry(alliance)
    assert saved.history.count() == 1
    save_entry(actor=SYSTEM, entry=saved, status="taken", reference="AW-2023-002", reason="Approved by the ALT")
    assert saved.history.first().history_change_reason == "Approved by the ALT"


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"title": "  "}, "forward_plan_title_required"),
        ({"expected_on": None}, "forward_plan_date_required"),
        ({"contact_email": ""}, "forward_plan_contact_required"),
        ({"route": ""}, "forward_plan_route_required"),
        ({"kind": "KEY"}, "forward_plan_route_for_awards"),
        ({"status": "taken"}, "forward_plan_reference_required"),
    ],
)
def test_entry_refusals_write_nothing(alliance, fields, code):
    before = rows(ForwardPlanEntry)
    with pytest.raises(RuleViolation) as info:
        entry(alliance, **fields)
    assert info.value.code == code
    assert rows(ForwardPlanEntry) == before


def test_unpublished_entry_needs_no_contact(alliance):
    assert entry(alliance, published=False, contact_name="", contact_email="").pk


def test_body_of_another_alliance_is_refused(alliance):
    with pytest.raises(RuleViolation) as info:
        entry(alliance, body=GoverningBodyFactory())
    assert info.value.code == "forward_plan_body_elsewhere"


# The public page


def test_forward_plan_is_readable_anonymously(client, alliance, alt):
    entry(alliance, body=alt)
    entry(alliance, title="Draft, not yet published", published=False)
    entry(alliance, title="Adopt the transition plan", kind="KEY", route="", status="taken", reference="ALT-2023-014")
    response = client.get("/public/dunmarrow/forward-plan/")
    assert response.status_code == 200
    content = response.content.decode()
    assert "Award the street outreach service" in content
    assert "15 November 2023" in content
    assert "Mini-competition among members" in content
    assert "rachel.ogilvie@example.org" in content
    assert "Draft, not yet published" not in content
    assert "Taken: ALT-2023-014" in content


def test_forward_plan_of_a_non_publishing_alliance_is_404(client):
    AllianceFactory(slug="private", publish_register=False)
    assert client.get("/public/private/forward-plan/").status_code == 404
    assert client.get("/public/private/calendar.ics").status_code == 404


def test_forward_plan_queries_do_not_grow_with_rows(client, alliance, alt, django_assert_max_num_queries):
    for n in range(30):
        entry(alliance, body=alt, title=f"Matter {n}")
    with django_assert_max_num_queries(6):
        response = client.get("/public/dunmarrow/forward-plan/")
    assert response.content.decode().count("Matter ") == 30


# The calendar feed


def feed(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def test_calendar_lists_meetings_and_planned_decisions(client, alliance, alt):
    meeting = MeetingFactory(body=alt, title="ALT November", starts_at=datetime(2023, 11, 8, 10, tzinfo=UTC))
    MeetingFactory(body=alt, status=Meeting.Status.CANCELLED)
    MeetingFactory()  # another alliance
    planned = entry(alliance, body=alt)
    entry(alliance, title="Taken already", kind="KEY", route="", status="taken", reference="ALT-2023-014")
    calendar = feed(client, "/public/dunmarrow/calendar.ics")
    events = calendar.walk("VEVENT")
    assert len(events) == 2
    by_uid = {str(e["UID"]): e for e in events}
    held = by_uid[f"meeting-{meeting.pk}@127.0.0.1"]
    assert held.decoded("DTSTART") == datetime(2023, 11, 8, 10, tzinfo=UTC)
    assert str(held["SUMMARY"]) == "ALT: ALT November"
    plan = by_uid[f"forward-plan-{planned.pk}@127.0.0.1"]
    assert plan.decoded("DTSTART") == date(2023, 11, 15)
    assert str(plan["SUMMARY"]) == "Planned award: Award the street outreach service"
    # The same feed twice gives the same UIDs: calendars update events rather than duplicate them.
    again = feed(client, "/public/dunmarrow/calendar.ics")
    assert {str(e["UID"]) for e in again.walk("VEVENT")} == set(by_uid)


def test_calendar_of_one_body(client, alliance, alt):
    amt = GoverningBodyFactory(alliance=alliance, code="AMT", name="Alliance Management Team")
    MeetingFactory(body=alt, title="ALT meeting")
    MeetingFactory(body=amt, title="AMT meeting")
    entry(alliance, body=amt, title="AMT matter")
    calendar = feed(client, "/public/dunmarrow/calendar.ics?body=amt")
    assert sorted(str(e["SUMMARY"]) for e in calendar.walk("VEVENT")) == [
        "AMT: AMT meeting",
        "Planned award: AMT matter",
    ]


def test_calendar_with_an_unknown_body_says_which_exist(client, alliance, alt):
    response = client.get("/public/dunmarrow/calendar.ics?body=XYZ")
    assert response.status_code == 400
    assert "has no body with the code 'XYZ'; use one of ALT" in response.content.decode()


def test_calendar_queries_do_not_grow_with_rows(client, alliance, alt, django_assert_max_num_queries):
    for n in range(20):
        MeetingFactory(body=alt, title=f"Meeting {n}")
        entry(alliance, body=alt, title=f"Matter {n}")
    with django_assert_max_num_queries(6):
        calendar = feed(client, "/public/dunmarrow/calendar.ics")
    assert len(calendar.walk("VEVENT")) == 40
