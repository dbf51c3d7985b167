"""What oversight's formal queries tell people: the secretary of the body asked hears when a query is
raised; the oversight group when it is answered; both when an open query passes its due date.
Producers for alliance.notifications, registered in the registry (alliance.registry)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from alliance.formatting import day
from alliance.models import NotificationKind
from alliance.notifications import Planned, absolute_url
from alliance.registry import register
from contracts.query_models import OversightQuery
from decisions.notifications import people_holding, planned_for_each
from roles.models import Person, Role, RoleAssignment, Seat


def _secretaries(query: OversightQuery, on: date) -> list[Person]:
    """The secretary of the body asked; the alliance's own secretary when the body has none."""
    held = RoleAssignment.objects.held_on(on).filter(
        role__alliance_id=query.alliance_id, role__kind=Role.Kind.SECRETARY
    )
    people = people_holding(held.filter(role__body_id=query.to_body_id))
    return people or people_holding(held.filter(role__body__isnull=True))


def _oversight(query: OversightQuery, on: date) -> list[Person]:
    """The oversight group's members: holders of an oversight member's role, and those seated on the body."""
    roles = RoleAssignment.objects.held_on(on).filter(
        role__alliance_id=query.alliance_id, role__kind=Role.Kind.OVERSIGHT_MEMBER
    )
    seated = Seat.objects.held_on(on).filter(body_id=query.raised_by_body_id, person__isnull=False)
    return list(
        Person.objects.filter(Q(pk__in=roles.values("person_id")) | Q(pk__in=seated.values("person_id")))
        .distinct()
        .order_by("name", "pk")
    )


def _queries():
    return OversightQuery.objects.select_related("alliance", "to_body", "raised_by_body")


def _label(query: OversightQuery) -> str:
    return f"{query.reference} {query.subject}"


@register("notification_producers")
def oversight_query_raised(now: datetime) -> Iterator[Planned]:
    """A query raised: the secretary of the body asked, to put it before the body and record its answer."""
    today = timezone.localtime(now).date()
    since = today - timedelta(days=settings.NOTIFY_LOOKBACK_DAYS)
    for query in _queries().filter(raised_on__gte=since, raised_on__lte=today).order_by("raised_on", "pk"):
        yield from planned_for_each(
            _secretaries(query, today),
            alliance=query.alliance,
            kind=NotificationKind.OVERSIGHT_QUERY_RAISED,
            event_key=f"oversight-query-raised:{query.pk}",
            subject=f"{query.get_kind_display()} from {query.raised_by_body.name}: {_label(query)}",
            body=f"{query.raised_by_body.name} raised {query.reference} '{query.subject}' to {query.to_body.name} "
            f"on {day(query.raised_on)}; the answer is due by {day(query.due_on)}. Please put it before the body "
            "and record its answer on the query's page.",
            url=absolute_url(query.get_absolute_url()),
            due_at=now,
        )


@register("notification_producers")
def oversight_query_answered(now: datetime) -> Iterator[Planned]:
    """A query answered: the oversight group reads the answer."""
    today = timezone.localtime(now).date()
    since = today - timedelta(days=settings.NOTIFY_LOOKBACK_DAYS)
    answered = _queries().filter(status=OversightQuery.Status.ANSWERED, answered_on__gte=since, answered_on__lte=today)
    for query in answered.order_by("answered_on", "pk"):
        response = (
            f" ({query.get_response_display().lower()})" if query.kind == OversightQuery.Kind.RECOMMENDATION else ""
        )
        yield from planned_for_each(
            _oversight(query, today),
            alliance=query.alliance,
            kind=NotificationKind.OVERSIGHT_QUERY_ANSWERED,
            event_key=f"oversight-query-answered:{query.pk}",
            subject=f"Answered{response}: {_label(query)}",
            body=f"{query.to_body.name} answered {query.reference} '{query.subject}' on {day(query.answered_on)}"
            f"{response}. Please read the answer on the query's page.",
            url=absolute_url(query.get_absolute_url()),
            due_at=now,
        )


@register("notification_producers")
def oversight_query_overdue(now: datetime) -> Iterator[Planned]:
    """An open query past its due date: the secretary of the body asked and the oversight group, once."""
    today = timezone.localtime(now).date()
    overdue = _queries().overdue_on(today).order_by("due_on", "pk")
    for query in overdue:
        people = {p.pk: p for p in [*_secretaries(query, today), *_oversight(query, today)]}
        yield from planned_for_each(
            sorted(people.values(), key=lambda p: (p.name, p.pk)),
            alliance=query.alliance,
            kind=NotificationKind.OVERSIGHT_QUERY_OVERDUE,
            event_key=f"oversight-query-overdue:{query.pk}",
            subject=f"Overdue: {_label(query)}",
            body=f"{query.to_body.name}'s answer to {query.reference} '{query.subject}' was due by "
            f"{day(query.due_on)} and is not recorded. Please record it on the query's page (the body's secretary), "
            "or withdraw the query if it is no longer needed (the oversight group).",
            url=absolute_url(query.get_absolute_url()),
            due_at=now,
        )
