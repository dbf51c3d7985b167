"""What meetings, decisions and roles tell people (DESIGN.md "Notifications"), as producers for
alliance.notifications, registered in the registry (alliance.registry): each
``(now) -> Iterable[Planned]`` says who should hear of what as of ``now``; the core stores each
event once per person and emails it.

Events older than NOTIFY_LOOKBACK_DAYS are not announced, so the first run on an old database
does not send years of news.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from alliance.formatting import day, day_at_time, day_time
from alliance.models import NotificationKind
from alliance.notifications import Planned, absolute_url
from alliance.registry import register
from decisions.models import ActionItem, AgendaItem, Attendance, Decision, Meeting, Vote
from decisions.queries import DECIDED, Voter, decision_day, electorate, seats_on, voter_key
from roles.models import Person, Role, RoleAssignment
from roles.queries import representatives_on

ACTION_DUE_WITHIN_DAYS = 3
ROLE_ENDING_WITHIN_DAYS = 30


def planned_for(person: Person, *, alliance, kind: str, event_key: str, subject: str, body: str, url: str, due_at):
    """A message to a person: their address, name and login (for the inbox)."""
    return Planned(
        alliance=alliance,
        kind=kind,
        event_key=event_key,
        recipient_email=person.email,
        recipient_name=person.name,
        recipient_user=person.user_id,
        subject=subject,
        body=body,
        url=url,
        due_at=due_at,
    )


def planned_for_each(people: Iterable[Person], **message) -> Iterator[Planned]:
    """The same message to each of ``people``."""
    for person in people:
        yield planned_for(person, **message)


def people_holding(assignments) -> list[Person]:
    """The people holding ``assignments`` (a RoleAssignment queryset), by name."""
    return list(Person.objects.filter(pk__in=assignments.values("person_id")).order_by("name", "pk"))


def _lookback(now: datetime) -> datetime:
    return now - timedelta(days=settings.NOTIFY_LOOKBACK_DAYS)


def _label(decision: Decision) -> str:
    return f"{decision.reference or 'Draft'}: {decision.title}"


def _decision_url(decision: Decision) -> str:
    return absolute_url(decision.get_absolute_url())


def _open_decisions(now: datetime):
    return Decision.objects.filter(status=Decision.Status.OPEN, opened_at__lte=now).select_related(
        "alliance", "body", "meeting"
    )


def _representatives(decision: Decision, on: date, keys: set | None = None):
    """(voter, person) for every eligible seat's representative and deputy on ``on`` (or the person who
    sits in their own right)."""
    for voter in electorate(decision, on).eligible:
        if keys is not None and voter.key not in keys:
            continue
        if voter.membership is None:
            yield voter, voter.person
            continue
        for person in representatives_on(on=on, membership=voter.membership).select_related("user"):
            yield voter, person


def _whose(voter: Voter) -> str:
    return f"{voter.name}'s" if voter.membership is not None else "your"


@register("notification_producers")
def decision_opened(now: datetime) -> Iterator[Planned]:
    """A decision opened for votes: each eligible member's representative and deputy is asked to vote."""
    for decision in _open_decisions(now).filter(opened_at__gte=_lookback(now)):
        on = decision_day(decision)
        closes = f" Votes close {day_time(decision.closes_at)}." if decision.closes_at else ""
        where = (
            f" It is on the agenda of {decision.meeting} on {day(decision.meeting.starts_at)}."
            if decision.meeting_id
            else " It is decided by written procedure."
        )
        for voter, person in _representatives(decision, on):
            yield planned_for(
                person,
                alliance=decision.alliance,
                kind=NotificationKind.DECISION_OPENED,
                event_key=f"decision-opened:{decision.pk}",
                subject=f"Your vote is asked: {_label(decision)}",
                body=f"{decision.body.name} has opened {_label(decision)} for the votes of its members.{where}"
                f"{closes} Please read the proposal and record {_whose(voter)} vote "
                "(agree, object with a reason, or abstain).",
                url=_decision_url(decision),
                due_at=now,
            )


@register("notification_producers")
def decision_closing(now: datetime) -> Iterator[Planned]:
    """A written procedure closing soon: members whose vote is still missing are reminded."""
    soon = now + timedelta(hours=settings.NOTIFY_CLOSING_WITHIN_HOURS)
    for decision in _open_decisions(now).filter(meeting__isnull=True, closes_at__gt=now, closes_at__lte=soon):
        counted = Vote.objects.filter(decision=decision, struck_by__isnull=True)
        voted = {voter_key(v) for v in counted}
        on = decision_day(decision)
        missing = {v.key for v in electorate(decision, on).eligible if v.key not in voted}
        for voter, person in _representatives(decision, on, missing):
            yield planned_for(
                person,
                alliance=decision.alliance,
                kind=NotificationKind.DECISION_CLOSING,
                event_key=f"decision-closing:{decision.pk}",
                subject=f"Vote missing, closes {day_time(decision.closes_at)}: {_label(decision)}",
                body=f"{voter.name} has not yet voted on {_label(decision)}, which closes "
                f"{day_at_time(decision.closes_at)}. Please record its vote before then; "
                "a missing vote can block a unanimous decision.",
                url=_decision_url(decision),
                due_at=now,
            )


@register("notification_producers")
def decision_outcome(now: datetime) -> Iterator[Planned]:
    """A decision closed: everyone who attended its meeting or cast a vote hears the outcome."""
    closed = Decision.objects.filter(
        status__in=[*DECIDED, Decision.Status.LAPSED],
        closed_at__gte=_lookback(now),
        closed_at__lte=now,
    ).select_related("alliance", "body")
    for decision in closed:
        people = Person.objects.filter(
            Q(pk__in=Vote.objects.filter(decision=decision).values("cast_by_id"))
            | Q(
                pk__in=Attendance.objects.filter(meeting_id=decision.meeting_id, present=True).values("person_id")
                if decision.meeting_id
                else []
            )
        ).order_by("name", "pk")
        counts = (
            f" Agree {decision.agree_count or 0}, object {decision.object_count or 0}, "
            f"abstain {decision.abstain_count or 0}."
            if decision.agree_count is not None
            else ""
        )
        yield from planned_for_each(
            people,
            alliance=decision.alliance,
            kind=NotificationKind.DECISION_OUTCOME,
            event_key=f"decision-outcome:{decision.pk}",
            subject=f"{decision.get_status_display()}: {_label(decision)}",
            body=f"{decision.body.name} closed {_label(decision)} on {day(decision.decided_on)}: "
            f"{decision.get_status_display().lower()}.{counts} {decision.outcome_explanation} "
            "Read the record for the reasons and any actions that follow.",
            url=_decision_url(decision),
            due_at=now,
        )


def _holders(role: Role | None, on: date) -> list[Person]:
    if role is None:
        return []
    return people_holding(RoleAssignment.objects.filter(role=role).held_on(on))


@register("notification_producers")
def action_due(now: datetime) -> Iterator[Planned]:
    """An open action item due within three days, or overdue: its owner, or the owning role's holder."""
    today = timezone.localtime(now).date()
    items = ActionItem.objects.filter(
        status=ActionItem.Status.OPEN, due_on__lte=today + timedelta(days=ACTION_DUE_WITHIN_DAYS)
    ).select_related("decision__alliance", "meeting__body__alliance", "agenda_item", "owner_person", "owner_role")
    for item in items:
        overdue = item.due_on < today
        source = _label(item.decision) if item.decision_id else item.source_label
        owners = [item.owner_person] if item.owner_person_id else _holders(item.owner_role, today)
        when = f"was due {day(item.due_on)}" if overdue else f"is due {day(item.due_on)}"
        url = absolute_url(item.get_absolute_url())
        yield from planned_for_each(
            owners,
            alliance=item.alliance,
            kind=NotificationKind.ACTION_DUE,
            event_key=f"action-{'overdue' if overdue else 'due'}:{item.pk}",
            subject=f"{'Overdue' if overdue else 'Due soon'}: {item.title}",
            body=f"The action '{item.title}' from {source} {when}"
            + (f" and is owned by the role {item.owner_role}, which you hold" if not item.owner_person_id else "")
            + ". Please complete it and mark it done on the action items page, or tell the secretary what is in the "
            "way.",
            url=url,
            due_at=now,
        )


def _seat_people(meeting: Meeting, on: date) -> set[int]:
    """The people sitting on the meeting's body on ``on``: each seat's representative and deputy, or its holder."""
    people: set[int] = set()
    for voter in seats_on(meeting.body, on):
        if voter.membership is None:
            people.add(voter.seat.person_id)
            continue
        people.update(representatives_on(on=on, membership=voter.membership).values_list("pk", flat=True))
    return people


@register("notification_producers")
def minutes_circulated(now: datetime) -> Iterator[Planned]:
    """Draft minutes circulated (or circulated again, revised): the attendees and the body's seats are asked to
    read them before the meeting that approves them."""
    meetings = Meeting.objects.filter(
        minutes_circulated_at__gte=_lookback(now), minutes_circulated_at__lte=now, minutes_approved_by__isnull=True
    ).select_related("body__alliance")
    for meeting in meetings:
        on = timezone.localdate(meeting.starts_at)
        ids = _seat_people(meeting, on) | set(
            Attendance.objects.filter(meeting=meeting).values_list("person_id", flat=True)
        )
        revised = meeting.minutes_circulations > 1
        draft = "revised draft" if revised else "draft"
        yield from planned_for_each(
            Person.objects.filter(pk__in=ids).order_by("name", "pk"),
            alliance=meeting.body.alliance,
            kind=NotificationKind.MINUTES_CIRCULATED,
            event_key=f"minutes-circulated:{meeting.pk}:{meeting.minutes_circulations}",
            subject=f"{draft.capitalize()} minutes: {meeting.body.code} meeting of {day(on)}",
            body=f"The {draft} minutes of the {meeting.body.name} meeting of {day(on)} are ready to read. Please "
            "tell the secretary of any correction before the next meeting, which is asked to approve them.",
            url=absolute_url(
                reverse("meeting-minutes-print", kwargs={"slug": meeting.body.alliance.slug, "pk": meeting.pk})
            ),
            due_at=now,
        )


def _secretaries(alliance_id: int, body_id: int | None, on: date) -> list[Person]:
    return people_holding(
        RoleAssignment.objects.held_on(on)
        .filter(role__alliance_id=alliance_id, role__kind=Role.Kind.SECRETARY)
        .filter(Q(role__body_id=body_id) | Q(role__body__isnull=True))
    )


@register("notification_producers")
def review_due(now: datetime) -> Iterator[Planned]:
    """A decision's review date reached: the secretary of its body puts it back on the agenda."""
    today = timezone.localtime(now).date()
    since = today - timedelta(days=settings.NOTIFY_LOOKBACK_DAYS)
    decisions = Decision.objects.filter(
        status=Decision.Status.AGREED, review_on__lte=today, review_on__gte=since
    ).select_related("alliance", "body")
    for decision in decisions:
        yield from planned_for_each(
            _secretaries(decision.alliance_id, decision.body_id, today),
            alliance=decision.alliance,
            kind=NotificationKind.REVIEW_DUE,
            event_key=f"decision-review:{decision.pk}:{decision.review_on:%Y-%m-%d}",
            subject=f"Review due {day(decision.review_on)}: {_label(decision)}",
            body=f"{decision.body.name} meant to look again at {_label(decision)} on "
            f"{day(decision.review_on)}. "
            "Please put it on the agenda of its next meeting; a change is made by a new decision that amends or "
            "supersedes it.",
            url=_decision_url(decision),
            due_at=now,
        )


@register("notification_producers")
def role_ending(now: datetime) -> Iterator[Planned]:
    """A role assignment ending within 30 days (or ended lately) with nobody to follow: chair and secretary."""
    today = timezone.localtime(now).date()
    window = timedelta(days=ROLE_ENDING_WITHIN_DAYS)
    successor = RoleAssignment.objects.filter(role_id=OuterRef("role_id"), starts_on__gt=OuterRef("starts_on")).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gt=OuterRef("ends_on"))
    )
    ending = (
        RoleAssignment.objects.filter(ends_on__gte=today - window, ends_on__lte=today + window)
        .exclude(Exists(successor.exclude(pk=OuterRef("pk"))))
        .select_related("role__alliance", "person")
        .order_by("ends_on", "pk")
    )
    for assignment in ending:
        role = assignment.role
        told = _leaders(role.alliance_id, today)
        ended = assignment.ends_on < today
        yield from planned_for_each(
            told,
            alliance=role.alliance,
            kind=NotificationKind.ROLE_ENDING,
            event_key=f"role-ending:{assignment.pk}:{assignment.ends_on:%Y-%m-%d}",
            subject=f"No successor for {role}: {assignment.person} {'left' if ended else 'leaves'} "
            f"{day(assignment.ends_on)}",
            body=f"{assignment.person} {'held' if ended else 'holds'} the role {role} until "
            f"{day(assignment.ends_on)} and nobody is recorded to follow. Please arrange an appointment "
            "(an APPOINTMENT decision), so that the role's delegations and open actions are not left with nobody.",
            url=absolute_url(role.get_absolute_url()),
            due_at=now,
        )


def _leaders(alliance_id: int, on: date) -> list[Person]:
    """The alliance's chair and secretaries on ``on``."""
    return people_holding(
        RoleAssignment.objects.held_on(on).filter(
            role__alliance_id=alliance_id, role__kind__in=[Role.Kind.CHAIR, Role.Kind.SECRETARY]
        )
    )


# The agenda ----------------------------------------------------------------------------------


def seat_people(meeting: Meeting) -> list[Person]:
    """Who sits on the meeting's body on its day: each seat's holder in their own right, and each member's
    representative and deputy (rule 2), once each, by name."""
    on = timezone.localdate(meeting.starts_at)
    people: dict[int, Person] = {}
    for voter in seats_on(meeting.body, on):
        if voter.membership is None:
            if voter.person is not None:
                people.setdefault(voter.person.pk, voter.person)
            continue
        for person in representatives_on(on=on, membership=voter.membership):
            people.setdefault(person.pk, person)
    return sorted(people.values(), key=lambda p: (p.name, p.pk))


def _meeting_line(meeting: Meeting) -> str:
    where = "online" if meeting.online and not meeting.location else meeting.location
    return f"{meeting.body.name}, {day_at_time(meeting.starts_at)}{f', {where}' if where else ''}"


def agenda_text(meeting: Meeting) -> str:
    """The items, numbered, with their purpose, as the agenda stands when the message is planned (the scheduled
    command plans it minutes after publishing); an item added or changed since is marked so."""
    lines = []
    for item in AgendaItem.objects.filter(meeting=meeting).order_by("position"):
        mark = " (withdrawn)" if item.status == AgendaItem.Status.WITHDRAWN else ""
        if item.changed_after_publishing_at and not mark:
            mark = " (changed after publishing)"
        lines.append(f"{item.position}. {item.title} ({item.get_purpose_display().lower()}){mark}")
    return "\n".join(lines)


def _how_changed(item: AgendaItem) -> str:
    if item.status == AgendaItem.Status.WITHDRAWN:
        return "withdrawn"
    first = item.history.order_by("history_date", "history_id").first()
    added_late = first is not None and first.changed_after_publishing_at is not None
    return "added" if added_late else "changed"


def _published_meetings(now: datetime):
    return Meeting.objects.filter(
        status=Meeting.Status.SCHEDULED, agenda_published_at__isnull=False, agenda_published_at__lte=now
    ).select_related("body__alliance")


@register("notification_producers")
def agenda_published(now: datetime) -> Iterator[Planned]:
    """An agenda published: the body's seats (holders, representatives and deputies on the day) get it."""
    for meeting in _published_meetings(now).filter(agenda_published_at__gte=_lookback(now)):
        yield from planned_for_each(
            seat_people(meeting),
            alliance=meeting.body.alliance,
            kind=NotificationKind.AGENDA_PUBLISHED,
            event_key=f"agenda-published:{meeting.pk}",
            subject=f"Agenda: {meeting} on {day(meeting.starts_at)}",
            body=f"The agenda of {_meeting_line(meeting)} is published.\n\n{agenda_text(meeting)}\n\n"
            "Please read the papers before the meeting; if you cannot attend, send your apologies to the secretary.",
            url=absolute_url(reverse("meeting-agenda", kwargs={"slug": meeting.body.alliance.slug, "pk": meeting.pk})),
            due_at=now,
        )


@register("notification_producers")
def agenda_changed(now: datetime) -> Iterator[Planned]:
    """An item added, changed, moved or withdrawn after the agenda was published: the seats are told again."""
    items = (
        AgendaItem.objects.filter(
            changed_after_publishing_at__gte=_lookback(now),
            changed_after_publishing_at__lte=now,
            meeting__in=_published_meetings(now),
        )
        .select_related("meeting__body__alliance")
        .order_by("meeting_id", "position")
    )
    seats: dict[int, list[Person]] = {}
    for item in items:
        meeting = item.meeting
        if meeting.pk not in seats:
            seats[meeting.pk] = seat_people(meeting)
        state = _how_changed(item)
        yield from planned_for_each(
            seats[meeting.pk],
            alliance=meeting.body.alliance,
            kind=NotificationKind.AGENDA_CHANGED,
            event_key=f"agenda-changed:{item.pk}:{item.changed_after_publishing_at:%Y%m%dT%H%M%S}",
            subject=f"Agenda changed: {meeting} on {day(meeting.starts_at)}",
            body=f"Item {item.position}, {item.title}, of the agenda of {_meeting_line(meeting)} was {state} after "
            f"the agenda was published: {item.change_note}\n\nThe agenda now reads:\n{agenda_text(meeting)}\n\n"
            "Please read the changed item and its papers before the meeting.",
            url=absolute_url(reverse("meeting-agenda", kwargs={"slug": meeting.body.alliance.slug, "pk": meeting.pk})),
            due_at=now,
        )
