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

from alliance import ical
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


def feed_host() -> str:
    """The host a UID names (the site's), read once per feed."""
    return urlsplit(settings.SITE_URL).hostname or "alliance"


def _end(start, length):
    """When an event ends; its start when a stored date leaves no room after it (year 9999), so one bad
    row never fails the whole feed."""
    try:
        return start + length
    except OverflowError:
        return start


def _label(labels: dict, value) -> str:
    """A choice's label as ``get_FOO_display`` gives it: the stored value itself when it is no choice."""
    return str(labels.get(value, value))


_MEETING_STATUS = dict(Meeting.Status.choices)
_PURPOSE = dict(AgendaItem.Purpose.choices)
_ROUTE = dict(ForwardPlanEntry.Route.choices)

# What a calendar reads of a meeting and of an agenda item: values, not model instances (issue 23).
MEETING_FIELDS = ("pk", "title", "starts_at", "location", "online", "status", "agenda_published_at")
MEETING_FIELDS += ("body__code", "body__name")
AGENDA_FIELDS = ("meeting_id", "position", "title", "purpose", "status", "changed_after_publishing_at")
PLAN_FIELDS = ("pk", "kind", "expected_on", "title", "summary", "route", "body_id", "body__name")
PLAN_FIELDS += ("contact_name", "contact_email")


def agenda_lines(items) -> list[str]:
    """An agenda as a calendar event's description says it: one numbered line per item (rows of ``AGENDA_FIELDS``)."""
    lines = []
    for item in items:
        mark = " (withdrawn)" if item["status"] == AgendaItem.Status.WITHDRAWN else ""
        changed = " (changed after publishing)" if item["changed_after_publishing_at"] and not mark else ""
        purpose = _label(_PURPOSE, item["purpose"]).lower()
        lines.append(f"{item['position']}. {item['title']} ({purpose}){mark}{changed}")
    return lines


def meeting_event(meeting: dict, dtstamp: str, host: str, agenda=(), url: str = "") -> list[str]:
    """A meeting (a row of ``MEETING_FIELDS``) as an iCalendar event; ``agenda`` (the published items the reader
    may read) in its description; ``dtstamp`` the feed's ``ical.stamp`` line."""
    lines = [f"{meeting['body__name']} meeting ({_label(_MEETING_STATUS, meeting['status']).lower()})."]
    if agenda:
        lines += ["", "Agenda:", *agenda_lines(agenda)]
    location = meeting["location"]
    return ical.event(
        uid=f"meeting-{meeting['pk']}@{host}",
        dtstamp=dtstamp,
        start=meeting["starts_at"],
        end=_end(meeting["starts_at"], MEETING_LENGTH),
        summary=f"{meeting['body__code']}: {meeting['title'] or meeting['body__name']}",
        description="\n".join(lines),
        location="Online" if meeting["online"] and not location else location,
        url=url or None,
    )


def meeting_rows(meetings) -> list[dict]:
    """The meetings of a feed, soonest first, as rows of ``MEETING_FIELDS`` (``meetings`` already read through
    the feed's read rule)."""
    return list(meetings.order_by("starts_at", "pk").values(*MEETING_FIELDS))


def published_agendas(meetings, access) -> dict[int, list[dict]]:
    """The published agendas of ``meetings`` (rows), as far as ``access`` may read them (the read rule), by
    meeting id."""
    items = (
        AgendaItem.objects.restrict(access)
        .filter(meeting__in=[m["pk"] for m in meetings if m["agenda_published_at"] is not None])
        .order_by("meeting_id", "position")
        .values(*AGENDA_FIELDS)
    )
    agendas: dict[int, list[dict]] = {}
    for item in items:
        agendas.setdefault(item["meeting_id"], []).append(item)
    return agendas


def _plan_event(entry: dict, dtstamp: str, host: str, url: str) -> list[str]:
    what = "award" if entry["kind"] == DecisionKind.AWARD else "decision"
    lines = [entry["summary"]] if entry["summary"] else []
    if entry["route"]:
        lines.append(f"Route: {_label(_ROUTE, entry['route'])}.")
    if entry["body_id"]:
        lines.append(f"To be decided by {entry['body__name']}.")
    lines.append(f"Contact: {entry['contact_name']} <{entry['contact_email']}>.")
    return ical.event(
        uid=f"forward-plan-{entry['pk']}@{host}",
        dtstamp=dtstamp,
        start=entry["expected_on"],
        end=_end(entry["expected_on"], timedelta(days=1)),
        summary=f"Planned {what}: {entry['title']}",
        description="\n".join(lines),
        url=url,
    )


def ics_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}.ics"'
    return response


URL_PK_STAND_IN = 987654321


def members_calendar(alliance, meetings, access, code: str) -> HttpResponse:
    """The members' feed (api/views/exports.py): ``meetings`` (read through the read rule), each with its
    published agenda as far as ``access`` may read it and a link to its page; ``code`` the body asked for."""
    meetings = meeting_rows(meetings)
    agendas = published_agendas(meetings, access)
    dtstamp, host = ical.stamp(timezone.now()), feed_host()
    # The meeting page's address with a stand-in for its number, reversed once rather than once a meeting.
    head, _, tail = absolute_url(
        reverse("meeting-detail", kwargs={"slug": alliance.slug, "pk": URL_PK_STAND_IN})
    ).rpartition(str(URL_PK_STAND_IN))
    events = [
        meeting_event(meeting, dtstamp, host, agendas.get(meeting["pk"], ()), f"{head}{meeting['pk']}{tail}")
        for meeting in meetings
    ]
    content = ical.calendar(
        prodid="-//Alliance governance//Members' meetings//EN",
        name=f"{alliance.name}: meetings{f' ({code.upper()})' if code else ''}",
        events=events,
    )
    return ics_response(content, f"{alliance.slug}-meetings")


def feed_body(alliance, request) -> GoverningBody | None | HttpResponse:
    """The body a feed is asked for (``?body=ALT``, any case), None for the whole alliance, or the 400 that
    names the codes there are."""
    code = request.GET.get("body", "").strip()
    if not code:
        return None
    body = GoverningBody.objects.filter(alliance=alliance, code__iexact=code).first()
    if body is not None:
        return body
    codes = ", ".join(GoverningBody.objects.filter(alliance=alliance).order_by("code").values_list("code", flat=True))
    return HttpResponse(
        f"{alliance.name} has no body with the code '{code}'; use one of {codes}, or leave body out.",
        status=400,
        content_type="text/plain; charset=utf-8",
    )


def calendar_feed(request, slug: str) -> HttpResponse:
    """Meetings and planned decisions of the alliance (or of one body) as an iCalendar feed."""
    alliance = publishing_alliance(slug, request)
    body = feed_body(alliance, request)
    if isinstance(body, HttpResponse):
        return body
    meetings = Meeting.objects.filter(
        body__alliance=alliance, status__in=[Meeting.Status.SCHEDULED, Meeting.Status.HELD]
    )
    if body is not None:
        meetings = meetings.filter(body=body)
    meetings = meeting_rows(meetings)
    # Agendas are for the alliance's members: the read rule decides, so a public reader sees none.
    agendas = published_agendas(meetings, public_access(request))
    dtstamp, host = ical.stamp(timezone.now()), feed_host()
    events = [meeting_event(meeting, dtstamp, host, agendas.get(meeting["pk"], ())) for meeting in meetings]
    plan_url = absolute_url(reverse("public-forward-plan", kwargs={"slug": alliance.slug}))
    entries = planned_entries(alliance, public_access(request), body=body).values(*PLAN_FIELDS)
    events += [_plan_event(entry, dtstamp, host, plan_url) for entry in entries]
    content = ical.calendar(
        prodid="-//Alliance governance//Forward plan and meetings//EN",
        name=f"{alliance.name}{f' ({body.code})' if body else ''}",
        events=events,
    )
    return ics_response(content, f"{alliance.slug}{f'-{body.code}' if body else ''}")
