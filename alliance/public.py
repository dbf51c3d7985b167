"""The forward plan's public pages, readable without a login when the alliance publishes its register
(404 otherwise, so an unpublished alliance is not even confirmed to exist).

The calendar is iCalendar (RFC 5545): the meetings of the alliance's bodies, scheduled or held, and
the decisions its forward plan expects, per alliance or per body (``?body=ALT``). Each event's UID is
stable, so a calendar application updates an event instead of adding it twice.
"""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.views.generic import TemplateView
from icalendar import Calendar, Event

from alliance.choices import DecisionKind
from alliance.forward_plan import planned_entries, published_plan
from alliance.models import ForwardPlanEntry, GoverningBody
from alliance.notifications import absolute_url
from alliance.web import publishing_alliance
from decisions.models import AgendaItem, Meeting
from roles.access import public_access

MEETING_LENGTH = timedelta(hours=2)


class ForwardPlanView(TemplateView):
    """Key decisions and award processes the alliance expects to take, soonest first."""

    template_name = "public/forward_plan.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        alliance = publishing_alliance(kwargs["slug"], self.request)
        entries = list(published_plan(alliance, public_access(self.request)))
        context.update(
            alliance=alliance,
            today=timezone.localdate(),
            planned=[e for e in entries if e.status == ForwardPlanEntry.Status.PLANNED],
            settled=[e for e in entries if e.status != ForwardPlanEntry.Status.PLANNED],
            bodies=GoverningBody.objects.filter(alliance=alliance).order_by("code"),
        )
        return context


def _uid(kind: str, pk: int) -> str:
    return f"{kind}-{pk}@{urlsplit(settings.SITE_URL).hostname or 'alliance'}"


def _end(start, length):
    """When an event ends; its start when a stored date leaves no room after it (year 9999), so one bad
    row never fails the whole feed."""
    try:
        return start + length
    except OverflowError:
        return start


def agenda_lines(items) -> list[str]:
    """An agenda as a calendar event's description says it: one numbered line per item."""
    lines = []
    for item in items:
        mark = " (withdrawn)" if item.status == AgendaItem.Status.WITHDRAWN else ""
        changed = " (changed after publishing)" if item.changed_after_publishing_at and not mark else ""
        lines.append(f"{item.position}. {item.title} ({item.get_purpose_display().lower()}){mark}{changed}")
    return lines


def meeting_event(meeting: Meeting, stamp, agenda=(), url: str = "") -> Event:
    """A meeting as an iCalendar event; ``agenda`` (the published items the reader may read) in its description."""
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
    """The published agendas of ``meetings``, as far as ``access`` may read them (the read rule), by meeting id."""
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
    """Meetings and planned decisions of the alliance (or of one body) as an iCalendar feed."""
    alliance = publishing_alliance(slug, request)
    code = request.GET.get("body", "").strip()
    body = None
    if code:
        body = GoverningBody.objects.filter(alliance=alliance, code__iexact=code).first()
        if body is None:
            codes = ", ".join(
                GoverningBody.objects.filter(alliance=alliance).order_by("code").values_list("code", flat=True)
            )
            return HttpResponse(
                f"{alliance.name} has no body with the code '{code}'; use one of {codes}, or leave body out.",
                status=400,
                content_type="text/plain; charset=utf-8",
            )
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
    # Agendas are for the alliance's members: the read rule decides, so a public reader sees none.
    agendas = published_agendas(meetings, public_access(request))
    for meeting in meetings:
        calendar.add_component(meeting_event(meeting, stamp, agendas.get(meeting.pk, ())))
    plan_url = absolute_url(reverse("public-forward-plan", kwargs={"slug": alliance.slug}))
    for entry in planned_entries(alliance, public_access(request), body=body):
        calendar.add_component(_plan_event(entry, stamp, plan_url))
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{alliance.slug}{f"-{body.code}" if body else ""}.ics"'
    return response
