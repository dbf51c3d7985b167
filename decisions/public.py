"""The public register's forward plan and calendar feed, readable without a login when the alliance
publishes its register (404 otherwise, so an unpublished alliance is not even confirmed to exist).

The calendar is iCalendar (RFC 5545): the meetings of the alliance's bodies, scheduled or held, and
the decisions its forward plan expects, per alliance or per body (``?body=ALT``). Each event's UID is
stable, so a calendar application updates an event instead of adding it twice.
"""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import F, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.views.generic import ListView, TemplateView
from icalendar import Calendar, Event

from alliance.choices import DecisionKind
from alliance.forward_plan import planned_entries, published_plan
from alliance.models import Alliance, ForwardPlanEntry, GoverningBody
from alliance.notifications import absolute_url
from alliance.web import publishing_alliance
from decisions import queries
from decisions.models import Decision, Meeting
from roles.access import public_access

MEETING_LENGTH = timedelta(hours=2)
REGISTER_PAGE_SIZE = 50


class PublicIndexView(ListView):
    """The alliances that publish their register, for visitors who do not yet know a slug."""

    template_name = "public/index.html"
    context_object_name = "alliances"

    def get_queryset(self):
        return Alliance.objects.restrict(public_access(self.request)).order_by("name")


def public_decisions(alliance: Alliance, queryset=None, request=None):
    """The alliance's decisions as an anonymous visitor reads them (PUBLIC, never a draft)."""
    queryset = Decision.objects.all() if queryset is None else queryset
    return queryset.filter(alliance=alliance).restrict(public_access(request))


class RegisterFilterForm(forms.Form):
    year = forms.IntegerField(required=False, min_value=1900, max_value=2100)
    body = forms.ChoiceField(required=False)

    def __init__(self, *args, bodies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].choices = [("", "Every body")] + [(b.code, f"{b.code}: {b.name}") for b in bodies]
        self.fields["year"].error_messages["invalid"] = "Enter the year as four digits, for example 2024."


class RegisterView(TemplateView):
    """The public register: the alliance's PUBLIC decisions, newest first, by year and body."""

    template_name = "public/register.html"

    def get(self, request, *args, **kwargs):
        context = self.get_context_data(**kwargs)
        return self.render_to_response(context, status=400 if context["form"].errors else 200)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        alliance = publishing_alliance(kwargs["slug"], self.request)
        bodies = list(GoverningBody.objects.filter(alliance=alliance).order_by("code"))
        form = RegisterFilterForm(self.request.GET or None, bodies=bodies)
        decisions = public_decisions(alliance, request=self.request).select_related("body")
        years = sorted({d.year for d in decisions.dates("decided_on", "year")}, reverse=True)
        if form.is_bound and form.is_valid():
            year, code = form.cleaned_data["year"], form.cleaned_data["body"]
            if year:
                decisions = decisions.filter(
                    Q(decided_on__year=year) | Q(decided_on__isnull=True, opened_at__year=year)
                )
            if code:
                decisions = decisions.filter(body__code=code)
        decisions = decisions.order_by(F("decided_on").desc(nulls_first=True), "-opened_at", "-pk")
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            alliance=alliance,
            form=form,
            years=years,
            filtered=bool(form.is_bound and form.is_valid() and any(form.cleaned_data.values())),
            page=Paginator(decisions, REGISTER_PAGE_SIZE).get_page(self.request.GET.get("page")),
            query=query.urlencode(),
        )
        return context


class PublicDecisionView(TemplateView):
    """One PUBLIC decision's record: proposal, reasons, alternatives, outcome, votes and advice."""

    template_name = "public/decision.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        alliance = publishing_alliance(kwargs["slug"], self.request)
        decision = get_object_or_404(
            public_decisions(alliance, queries.decision_records(access=public_access(self.request)), self.request),
            pk=kwargs["pk"],
        )
        context.update(
            alliance=alliance,
            decision=decision,
            grid=queries.votes_grid(decision),
            advice=list(decision.advisory_inputs.all()),
            recusals=list(decision.recusals.all()),
        )
        return context


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


def _meeting_event(meeting: Meeting, stamp) -> Event:
    event = Event()
    event.add("uid", _uid("meeting", meeting.pk))
    event.add("dtstamp", stamp)
    event.add("dtstart", meeting.starts_at)
    event.add("dtend", _end(meeting.starts_at, MEETING_LENGTH))
    event.add("summary", f"{meeting.body.code}: {meeting.title or meeting.body.name}")
    event.add("location", "Online" if meeting.online and not meeting.location else meeting.location)
    event.add("description", f"{meeting.body.name} meeting ({meeting.get_status_display().lower()}).")
    return event


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
    for meeting in meetings.order_by("starts_at", "pk"):
        calendar.add_component(_meeting_event(meeting, stamp))
    plan_url = absolute_url(reverse("public-forward-plan", kwargs={"slug": alliance.slug}))
    for entry in planned_entries(alliance, public_access(request), body=body):
        calendar.add_component(_plan_event(entry, stamp, plan_url))
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{alliance.slug}{f"-{body.code}" if body else ""}.ics"'
    return response
