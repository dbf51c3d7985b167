"""The two calendar feeds as the product wrote them before ``alliance.ical`` (issue 23): model instances and
the ``icalendar`` library's component tree. Kept, never mounted in production, as the reference the byte test
compares the product's feeds with (tests/alliance/test_ical_writer.py) and as the "before" of the A/B
(benchmarks/ab_calendar.py). ``urlpatterns`` mounts them on the product's own paths, ahead of the product's URLs:
``override_settings(ROOT_URLCONF="benchmarks.ical_before")`` answers the feeds the old way, behind the same
middleware and authentication.
"""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpResponse
from django.urls import include, path, reverse
from django.utils import timezone
from icalendar import Calendar, Event
from rest_framework.views import APIView

from alliance.choices import DecisionKind
from alliance.forward_plan import planned_entries
from alliance.models import ForwardPlanEntry
from alliance.notifications import absolute_url
from alliance.public import feed_body
from alliance.web import publishing_alliance
from api.views.exports import _alliance
from decisions.models import AgendaItem, Meeting
from roles.access import public_access, request_access

MEETING_LENGTH = timedelta(hours=2)


def _uid(kind: str, pk: int) -> str:
    return f"{kind}-{pk}@{urlsplit(settings.SITE_URL).hostname or 'alliance'}"


def _end(start, length):
    try:
        return start + length
    except OverflowError:
        return start


def agenda_lines(items) -> list[str]:
    lines = []
    for item in items:
        mark = " (withdrawn)" if item.status == AgendaItem.Status.WITHDRAWN else ""
        changed = " (changed after publishing)" if item.changed_after_publishing_at and not mark else ""
        lines.append(f"{item.position}. {item.title} ({item.get_purpose_display().lower()}){mark}{changed}")
    return lines


def meeting_event(meeting: Meeting, stamp, agenda=(), url: str = "") -> Event:
    event = Event()
    event.add("uid", _uid("meeting", meeting.pk))
    event.add("dtstamp", stamp)
    event.add("dtstart", meeting.starts_at)
    event.add("dtend", _end(meeting.starts_at, MEETING_LENGTH))
    event.add("summary", f"{meeting.body.code}: {meeting.title or meeting.body.name}")
    event.add("location", "Online" if meeting.online and not meeting.location else meeting.location)
    lines = [f"{meeting.body.name} meeting ({meeting.get_status_display().lower()})."]
    if agenda:
        lines += ["", "Agenda:", *agenda_lines(agenda)]
    event.add("description", "\n".join(lines))
    if url:
        event.add("url", url)
    return event


def published_agendas(meetings, access) -> dict[int, list[AgendaItem]]:
    items = (
        AgendaItem.objects.restrict(access)
        .filter(meeting__in=[m.pk for m in meetings if m.agenda_published_at is not None])
        .order_by("meeting_id", "position")
    )
    agendas: dict[int, list[AgendaItem]] = {}
    for item in items:
        agendas.setdefault(item.meeting_id, []).append(item)
    return agendas


def _plan_event(entry: ForwardPlanEntry, stamp, url: str) -> Event:
    what = "award" if entry.kind == DecisionKind.AWARD else "decision"
    event = Event()
    event.add("uid", _uid("forward-plan", entry.pk))
    event.add("dtstamp", stamp)
    event.add("dtstart", entry.expected_on)
    event.add("dtend", _end(entry.expected_on, timedelta(days=1)))
    event.add("summary", f"Planned {what}: {entry.title}")
    lines = [entry.summary] if entry.summary else []
    if entry.route:
        lines.append(f"Route: {entry.get_route_display()}.")
    if entry.body_id:
        lines.append(f"To be decided by {entry.body.name}.")
    lines.append(f"Contact: {entry.contact_name} <{entry.contact_email}>.")
    event.add("description", "\n".join(lines))
    event.add("url", url)
    return event


def calendar_feed(request, slug: str) -> HttpResponse:
    alliance = publishing_alliance(slug, request)
    body = feed_body(alliance, request)
    if isinstance(body, HttpResponse):
        return body
    meetings = Meeting.objects.filter(
        body__alliance=alliance, status__in=[Meeting.Status.SCHEDULED, Meeting.Status.HELD]
    ).select_related("body")
    if body is not None:
        meetings = meetings.filter(body=body)
    calendar = Calendar()
    calendar.add("prodid", "-//Alliance governance//Forward plan and meetings//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"{alliance.name}{f' ({body.code})' if body else ''}")
    stamp = timezone.now()
    meetings = list(meetings.order_by("starts_at", "pk"))
    agendas = published_agendas(meetings, public_access(request))
    for meeting in meetings:
        calendar.add_component(meeting_event(meeting, stamp, agendas.get(meeting.pk, ())))
    plan_url = absolute_url(reverse("public-forward-plan", kwargs={"slug": alliance.slug}))
    for entry in planned_entries(alliance, public_access(request), body=body):
        calendar.add_component(_plan_event(entry, stamp, plan_url))
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{alliance.slug}{f"-{body.code}" if body else ""}.ics"'
    return response


class MembersCalendarView(APIView):
    def get(self, request):
        alliance = _alliance(request)
        access = request_access(request)
        meetings = (
            Meeting.objects.restrict(access)
            .filter(body__alliance=alliance, status__in=[Meeting.Status.SCHEDULED, Meeting.Status.HELD])
            .select_related("body")
            .order_by("starts_at", "pk")
        )
        code = request.query_params.get("body", "").strip()
        if code:
            meetings = meetings.filter(body__code__iexact=code)
        meetings = list(meetings)
        agendas = published_agendas(meetings, access)
        calendar = Calendar()
        calendar.add("prodid", "-//Alliance governance//Members' meetings//EN")
        calendar.add("version", "2.0")
        calendar.add("x-wr-calname", f"{alliance.name}: meetings{f' ({code.upper()})' if code else ''}")
        stamp = timezone.now()
        for meeting in meetings:
            url = absolute_url(reverse("meeting-detail", kwargs={"slug": alliance.slug, "pk": meeting.pk}))
            calendar.add_component(meeting_event(meeting, stamp, agendas.get(meeting.pk, ()), url))
        response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = f'inline; filename="{alliance.slug}-meetings.ics"'
        return response


urlpatterns = [
    path("public/<slug:slug>/calendar.ics", calendar_feed),
    path("api/v1/exports/calendar/", MembersCalendarView.as_view()),
    path("", include("alliance.urls")),  # the product's own URLs (ROOT_URLCONF names this module meanwhile)
]
