"""The hand-written iCalendar writer (alliance/ical.py) writes the bytes the ``icalendar`` library wrote (issue 23).

Three levels, each against the library: the pieces (TEXT escaping, folding, DATE and DATE-TIME values, DTSTAMP)
for generated values; whole calendars of generated events; and the two feeds through their real endpoints,
byte for byte against the feeds as they were written before (benchmarks/ical_before.py, mounted on the same
paths behind the same middleware), for generated meetings, agendas and forward-plan entries and for the
decision scene, as every caller who may read them. The feeds' query counts stay fixed however many events.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from icalendar import Calendar, Event
from icalendar.parser.content_line import Contentline
from icalendar.parser.string import _escape_char, _foldline

from alliance import ical
from alliance.choices import DecisionKind
from alliance.models import ForwardPlanEntry
from decisions.models import AgendaItem, Meeting
from roles.models import Role
from tests import factories as made
from tests.helpers import token_client, viewer_of

LONDON = ZoneInfo("Europe/London")
STAMP = datetime(2026, 3, 29, 0, 59, 59, 999999, tzinfo=UTC)  # the night the clocks go forward

QUICK = settings(max_examples=300, deadline=None)
THROUGH_THE_FEEDS = settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Text with what iCalendar escapes or folds around: TEXT's specials, line breaks, ``\N``, the ``^`` of RFC 6868,
# and characters of two, three and four octets in UTF-8 (so one falls on a fold).
SPECIALS = list(',;\\\r\n^:"N') + ["é", "€", "😀", "ŵ", "中"]
CHARACTER = st.one_of(st.sampled_from(SPECIALS), st.characters(codec="utf-8", exclude_characters="\x00"))
TEXT = st.text(CHARACTER, max_size=300)
LINE = st.text(st.one_of(st.sampled_from(SPECIALS), st.characters(codec="utf-8")), max_size=400).map(
    lambda s: s.replace("\r", "").replace("\n", "")
)
ZONES = st.sampled_from([UTC, ZoneInfo("UTC"), ZoneInfo("Etc/UTC"), ZoneInfo("GMT"), LONDON, None])
MOMENTS = st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30), timezones=ZONES)
DAYS = st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31))


def _library(value) -> str:
    event = Event()
    event.add("dtstart", value)
    return event.to_ical().decode().split("\r\n")[1]


@QUICK
@given(TEXT)
@example("a\\Nb")
@example("\\\\N;,\r\n\r\n")
def test_text_is_escaped_as_the_library_escapes_it(value):
    assert ical.text(value) == _escape_char(value)


@QUICK
@given(LINE)
@example("x" * 73 + "\\,")
@example("x" * 72 + "é" + "y" * 10)
@example("x" * 73 + "😀" * 30)
@example("^" * 200)
@example("\\" * 200)
@example("x" * 74)
@example("x" * 75)
def test_a_line_folds_as_the_library_folds_it(line):
    assert ical.fold(line.encode()) == _foldline(line).encode()


@QUICK
@given(st.one_of(MOMENTS, DAYS))
@example(datetime(2026, 3, 29, 1, 30, tzinfo=LONDON))  # British Summer Time begins
@example(datetime(2026, 10, 25, 1, 30, tzinfo=LONDON, fold=1))  # and ends: the second 01:30, GMT
@example(datetime(9999, 12, 31, 23, 30, tzinfo=UTC))
@example(date(1, 1, 1))
def test_dates_and_moments_are_written_as_the_library_writes_them(value):
    assert ical.when("DTSTART", value) == _library(value)


@QUICK
@given(MOMENTS)
def test_the_stamp_is_in_utc_as_the_library_writes_it(moment):
    event = Event()
    event.add("dtstamp", moment)
    assert ical.stamp(moment) == event.to_ical().decode().split("\r\n")[1]


EVENTS = st.lists(
    st.fixed_dictionaries(
        {
            "uid": TEXT.filter(bool),
            "start": st.one_of(MOMENTS, DAYS),
            "end": st.one_of(MOMENTS, DAYS),
            "summary": TEXT,
            "description": st.one_of(st.none(), TEXT),
            "location": st.one_of(st.none(), TEXT),
            "url": st.one_of(st.none(), st.just("https://alliance.example/alliances/d%C3%BCn/meetings/7/?a=1,2;b")),
        }
    ),
    max_size=6,
)
CALENDAR_NAME = st.text(st.one_of(st.sampled_from(SPECIALS), st.characters(codec="utf-8")), max_size=120).map(
    lambda s: s.replace("\r", "").replace("\n", "")
)


@settings(max_examples=150, deadline=None)
@given(EVENTS, CALENDAR_NAME, MOMENTS)
def test_a_calendar_is_the_bytes_the_library_writes(events, name, moment):
    library = Calendar()
    library.add("prodid", "-//Alliance governance//Forward plan and meetings//EN")
    library.add("version", "2.0")
    library.add("x-wr-calname", name)
    for fields in events:
        event = Event()
        event.add("uid", fields["uid"])
        event.add("dtstamp", moment)
        event.add("dtstart", fields["start"])
        event.add("dtend", fields["end"])
        event.add("summary", fields["summary"])
        for optional in ("location", "description", "url"):
            if fields[optional] is not None:
                event.add(optional, fields[optional])
        library.add_component(event)
    stamp = ical.stamp(moment)
    ours = ical.calendar(
        prodid="-//Alliance governance//Forward plan and meetings//EN",
        name=name,
        events=[ical.event(dtstamp=stamp, **fields) for fields in events],
    )
    assert ours == library.to_ical()


def test_a_line_break_in_a_calendar_name_is_a_space_where_the_library_refused_it():
    with pytest.raises(AssertionError):
        Contentline("X-WR-CALNAME:a\nb")
    assert b"X-WR-CALNAME:a b c d\r\n" in ical.calendar(prodid="p", name="a\nb\r\nc\rd", events=[])


# Through the feeds ------------------------------------------------------------------------------------------

PUBLIC, MEMBERS = "/public/dunmarrow/calendar.ics", "/api/v1/exports/calendar/?alliance=dunmarrow"


def _get(client, url: str) -> tuple[int, bytes, str]:
    response = client.get(url)
    return response.status_code, response.content, response.get("Content-Disposition", "")


def assert_feed_as_before(client, url: str) -> bytes:
    """The feed now, and as ``icalendar`` wrote it before, at one moment (DTSTAMP): the same bytes, status and
    file name. Returns the bytes."""
    with mock.patch("django.utils.timezone.now", return_value=STAMP):
        now = _get(client, url)
        with override_settings(ROOT_URLCONF="benchmarks.ical_before"):
            before = _get(client, url)
    assert now == before, url
    return now[1]


def _user_holding(alliance, kind, name, **role):
    user = made.UserFactory(username=name)
    made.RoleAssignmentFactory(
        role=made.RoleFactory(alliance=alliance, title=f"{name} role", kind=kind, **role),
        person=made.PersonFactory(user=user, name=f"Person of {name}"),
        starts_on=date(2000, 1, 1),
    )
    return user


def callers(scene) -> dict:
    """A client per caller: anonymous, a viewer, a voting member's representative, an advisory member's, the
    secretary, an oversight member and staff (each by token, as a calendar application subscribes)."""
    alliance = scene.alliance
    member = made.UserFactory(username="cal-member")
    scene.reps[0].user = member
    scene.reps[0].save()
    secretary = made.UserFactory(username="cal-secretary")
    scene.secretary.user = secretary
    scene.secretary.save()
    advisory = _user_holding(
        alliance, Role.Kind.MEMBER_REPRESENTATIVE, "cal-advisory", organisation=scene.advisory.organisation
    )
    users = {
        "viewer": viewer_of(alliance, username="cal-viewer"),
        "member": member,
        "advisory": advisory,
        "secretary": secretary,
        "oversight": _user_holding(alliance, Role.Kind.OVERSIGHT_MEMBER, "cal-oversight"),
        "staff": made.StaffFactory(username="cal-staff"),
    }
    from django.test import Client

    return {"anonymous": Client(), **{name: token_client(user) for name, user in users.items()}}


def _published(scene):
    scene.alliance.publish_register = True
    scene.alliance.save()


MEETING = st.fixed_dictionaries(
    {
        "title": st.text(CHARACTER, max_size=200),
        "starts_at": st.datetimes(
            min_value=datetime(2000, 1, 1), max_value=datetime(2040, 12, 31), timezones=st.just(LONDON)
        ),
        "location": st.text(CHARACTER, max_size=200),
        "online": st.booleans(),
        "status": st.sampled_from(Meeting.Status.values),
        "published": st.booleans(),
        "items": st.lists(
            st.fixed_dictionaries(
                {
                    "title": st.text(CHARACTER, min_size=1, max_size=300),
                    "purpose": st.sampled_from(AgendaItem.Purpose.values),
                    "status": st.sampled_from(AgendaItem.Status.values),
                    "changed": st.booleans(),
                }
            ),
            max_size=3,
        ),
    }
)
PLAN = st.fixed_dictionaries(
    {
        "title": st.text(CHARACTER, min_size=1, max_size=300),
        "summary": TEXT,
        "kind": st.sampled_from(DecisionKind.values),
        "expected_on": st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31)),
        "route": st.sampled_from(["", *ForwardPlanEntry.Route.values]),
        "on_body": st.booleans(),
        "contact_name": st.text(CHARACTER, max_size=200),
        "contact_email": st.sampled_from(["", "plans@dunmarrow.example", "o'neil+plan@dün.example"]),
        "published": st.booleans(),
        "status": st.sampled_from(ForwardPlanEntry.Status.values),
    }
)


def _store(scene, meetings, plans):
    for fields in meetings:
        items = fields.pop("items")
        published = fields.pop("published")
        meeting = made.MeetingFactory(
            body=scene.body, agenda_published_at=datetime(1999, 1, 1, tzinfo=UTC) if published else None, **fields
        )
        for position, item in enumerate(items, start=1):
            changed = item.pop("changed")
            made.AgendaItemFactory(
                meeting=meeting,
                position=position,
                changed_after_publishing_at=datetime(1999, 1, 2, tzinfo=UTC) if changed else None,
                **item,
            )
    for fields in plans:
        on_body = fields.pop("on_body")
        ForwardPlanEntry.objects.create(alliance=scene.alliance, body=scene.body if on_body else None, **fields)


@pytest.mark.django_db
def test_the_feeds_are_the_bytes_they_were_for_generated_rows_and_every_caller(scene):
    _published(scene)
    clients = callers(scene)

    @THROUGH_THE_FEEDS
    @given(st.lists(MEETING, max_size=3), st.lists(PLAN, max_size=3), st.sampled_from(sorted(clients)))
    def check(meetings, plans, name):
        _store(scene, meetings, plans)
        assert_feed_as_before(clients[name], f"{PUBLIC}?body=alt" if len(plans) % 2 else PUBLIC)
        if name != "anonymous":
            assert_feed_as_before(clients[name], MEMBERS)

    check()


@pytest.mark.django_db
def test_the_feeds_are_the_bytes_they_were_in_the_decision_scene(scene):
    """The scene as the demo has it: meetings of two bodies across the clock changes, a held one with its
    published agenda (an item withdrawn, one changed after publishing), a cancelled one (left out), one at the
    end of the calendar (year 9999), and planned, taken and unpublished entries of the forward plan."""
    from decisions import services
    from roles.standing import SYSTEM
    from tests.scenes import make_oversight

    _published(scene)
    oversight, _seats = make_oversight(scene)
    held = made.MeetingFactory(body=scene.body, starts_at=datetime(2027, 3, 28, 0, 30, tzinfo=UTC), title="")
    services.add_agenda_item(
        actor=SYSTEM, meeting=held, title="Outreach redesign; phase 2, \\ costs", purpose="decision"
    )
    services.add_agenda_item(actor=SYSTEM, meeting=held, title="Night hub — winter rota", purpose="information")
    services.publish_agenda(actor=SYSTEM, meeting=held)
    withdrawn = held.agenda_items.get(position=2)
    services.withdraw_agenda_item(actor=SYSTEM, item=withdrawn, change_note="Moved to May.")
    services.add_agenda_item(
        actor=SYSTEM, meeting=held, title="Late paper: Ŵyddfa outreach", purpose="discussion", change_note="Added late."
    )
    made.MeetingFactory(body=oversight, starts_at=datetime(2027, 10, 31, 1, 30, tzinfo=UTC), online=True, location="")
    made.MeetingFactory(body=scene.body, starts_at=datetime(2027, 6, 1, 9, tzinfo=UTC), status=Meeting.Status.CANCELLED)
    made.MeetingFactory(body=scene.body, starts_at=datetime(9999, 12, 31, 23, 30, tzinfo=UTC), title="Far")
    for title, status, published, body in [
        ("Recommission the night hub", "planned", True, scene.body),
        ("Appoint an independent chair", "planned", True, None),
        ("Taken already", "taken", True, scene.body),
        ("Not yet public", "planned", False, scene.body),
    ]:
        ForwardPlanEntry.objects.create(
            alliance=scene.alliance,
            body=body,
            title=title,
            summary="Why, and what it costs: £1,200; see the paper.\nSecond line.",
            kind=DecisionKind.AWARD if body else DecisionKind.APPOINTMENT,
            route="MINI_COMPETITION" if body else "",
            expected_on=date(2026, 10, 25),
            contact_name="Morag Secretary",
            contact_email="morag@dunmarrow.example",
            published=published,
            status=status,
        )
    for name, client in callers(scene).items():
        feed = assert_feed_as_before(client, PUBLIC)
        assert b"Planned award: Recommission the night hub" in feed
        assert b"Not yet public" not in feed and b"Outreach redesign" not in feed  # agendas are for members
        assert_feed_as_before(client, f"{PUBLIC}?body=OG")
        if name != "anonymous":
            members = assert_feed_as_before(client, MEMBERS)
            assert b"1. Outreach redesign\\; phase 2\\, \\\\ costs (for decision)" in members.replace(b"\r\n ", b"")
            assert_feed_as_before(client, f"{MEMBERS}&body=og")


@pytest.mark.django_db
def test_an_unknown_body_and_a_stranger_answer_as_before(scene, stranger):
    _published(scene)
    assert assert_feed_as_before(token_client(stranger), f"{PUBLIC}?body=XYZ").startswith(b"Dunmarrow")
    with mock.patch("django.utils.timezone.now", return_value=STAMP):
        assert token_client(stranger).get(MEMBERS).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("url", [PUBLIC, MEMBERS])
def test_a_feeds_query_count_does_not_grow_with_its_events(scene, url, django_assert_max_num_queries):
    _published(scene)
    client = token_client(made.StaffFactory(username="cal-counter"))

    def meetings(count, start):
        for day in range(count):
            meeting = made.MeetingFactory(
                body=scene.body,
                starts_at=datetime(2030, 1, 1, 10, tzinfo=UTC) + timedelta(days=start + day),
                agenda_published_at=datetime(2029, 1, 1, tzinfo=UTC),
            )
            made.AgendaItemFactory(meeting=meeting, position=1)
            ForwardPlanEntry.objects.create(
                alliance=scene.alliance,
                title=f"Plan {start + day}",
                kind=DecisionKind.KEY,
                expected_on=date(2030, 1, 1) + timedelta(days=start + day),
                published=True,
                body=scene.body,
            )

    meetings(1, 0)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    meetings(40, 1)
    with django_assert_max_num_queries(len(few)):
        response = client.get(url)
    assert response.content.count(b"BEGIN:VEVENT") >= 41
