"""Meetings in the calendar feeds with their published agenda: the members' feed (by token or session, through
the read rule) and the public feed (which shows no agenda: agendas are for members)."""

from datetime import UTC, datetime

import pytest
from icalendar import Calendar

from decisions import services
from roles.standing import SYSTEM
from tests.factories import MeetingFactory
from tests.helpers import token_client, viewer_of

pytestmark = pytest.mark.django_db

MEETING_AT = datetime(2030, 3, 18, 10, 0, tzinfo=UTC)


@pytest.fixture
def viewer(scene):
    return viewer_of(scene.alliance)


@pytest.fixture
def meeting(scene):
    meeting = MeetingFactory(body=scene.body, starts_at=MEETING_AT, title="ALT March")
    services.add_agenda_item(actor=SYSTEM, meeting=meeting, title="Outreach redesign", purpose="decision")
    return meeting


def descriptions(response) -> dict[str, str]:
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    events = Calendar.from_ical(response.content).walk("VEVENT")
    return {str(e["SUMMARY"]): str(e["DESCRIPTION"]) for e in events}


def test_the_members_feed_shows_a_published_agenda(viewer_api, meeting):
    services.publish_agenda(actor=SYSTEM, meeting=meeting)
    found = descriptions(viewer_api.get("/api/v1/exports/calendar/?alliance=dunmarrow"))
    assert "1. Outreach redesign (for decision)" in found["ALT: ALT March"]


def test_the_members_feed_shows_no_agenda_before_publishing(viewer_api, meeting):
    found = descriptions(viewer_api.get("/api/v1/exports/calendar/?alliance=dunmarrow"))
    assert "Outreach redesign" not in found["ALT: ALT March"]


def test_the_members_feed_works_with_a_session(client, viewer, meeting):
    client.force_login(viewer)
    assert "ALT: ALT March" in descriptions(client.get("/api/v1/exports/calendar/?alliance=dunmarrow&body=alt"))


def test_the_members_feed_is_not_for_strangers(stranger_api, anon_api, meeting):
    assert stranger_api.get("/api/v1/exports/calendar/?alliance=dunmarrow").status_code == 404
    assert anon_api.get("/api/v1/exports/calendar/?alliance=dunmarrow").status_code == 401


def test_the_public_feed_shows_the_meeting_but_not_its_agenda(client, scene, meeting):
    scene.alliance.publish_register = True
    scene.alliance.save()
    services.publish_agenda(actor=SYSTEM, meeting=meeting)
    found = descriptions(client.get("/public/dunmarrow/calendar.ics"))
    assert "Outreach redesign" not in found["ALT: ALT March"]


def test_the_members_feed_query_count_is_fixed(scene, viewer, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def meetings(days):
        for day in days:
            meeting = MeetingFactory(body=scene.body, starts_at=datetime(2030, 5, day, 10, tzinfo=UTC))
            services.add_agenda_item(actor=SYSTEM, meeting=meeting, title="Item")
            services.publish_agenda(actor=SYSTEM, meeting=meeting)

    api = token_client(viewer)
    meetings(range(1, 3))
    api.get("/api/v1/exports/calendar/?alliance=dunmarrow")
    with CaptureQueriesContext(connection) as few:
        api.get("/api/v1/exports/calendar/?alliance=dunmarrow")
    meetings(range(3, 25))
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert api.get("/api/v1/exports/calendar/?alliance=dunmarrow").status_code == 200
