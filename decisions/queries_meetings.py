"""Reads of meetings, attendance and action items that the API, the pages and the handover pack share.

Dates are always parameters; the meeting's own date is its start in Europe/London.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from alliance.access import restrict
from alliance.document_models import Document, DocumentVersion
from alliance.formatting import day
from alliance.models import Alliance
from decisions.models import ActionItem, AgendaItem, Attendance, Decision, Meeting
from decisions.queries import counted_attendance, representing, voters_present, voting_seats_on
from roles.access import Access
from roles.models import Role


def _decision_count(access: Access | None):
    # A correlated count of the decisions the caller may read, so that a count never reveals a
    # confidential decision (the read rule); one subquery, so the list's query count stays fixed.
    if access is None:
        return Count("decisions", distinct=True)
    decisions = Decision.objects.filter(meeting=OuterRef("pk")).restrict(access)
    counted = decisions.order_by().values("meeting").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted), 0)


def meetings(alliance: Alliance | None = None, *, access: Access | None = None) -> QuerySet[Meeting]:
    """Meetings with what a list shows of them: body, alliance and counts of attendance and decisions.

    With ``access``, ``decision_count`` counts only the decisions the caller may read.
    """
    qs = Meeting.objects.select_related("body__alliance", "minutes_approved_by").annotate(
        present_count=Count("attendances", filter=Q(attendances__present=True), distinct=True),
        decision_count=_decision_count(access),
    )
    if alliance is not None:
        qs = qs.filter(body__alliance=alliance)
    return qs.order_by("-starts_at", "pk")


def attendance_of(meeting: Meeting) -> QuerySet[Attendance]:
    return (
        Attendance.objects.filter(meeting=meeting)
        .select_related("person", "organisation")
        .order_by("capacity", "person__name", "pk")
    )


def attendance_by_capacity(meeting: Meeting) -> list[dict]:
    """The meeting's attendance grouped by capacity, in the order of the capacities: present first.

    A representative or deputy present who did not hold the member's role that day carries
    ``not_counted``: the sentence that flags the row, which quorum leaves out.
    """
    rows = list(attendance_of(meeting))
    uncounted = set(representing(meeting).values_list("pk", flat=True)) - set(
        counted_attendance(meeting).values_list("pk", flat=True)
    )
    on = timezone.localdate(meeting.starts_at)
    for a in rows:
        a.not_counted = (
            f"{a.person} did not hold a representative or deputy role for {a.organisation} on {day(on)}: "
            "not counted towards quorum. Correct the row, or record the appointment."
            if a.pk in uncounted
            else ""
        )
    groups = []
    for value, label in Attendance.Capacity.choices:
        members = sorted((a for a in rows if a.capacity == value), key=lambda a: (not a.present, a.person.name))
        if members:
            groups.append({"capacity": value, "label": label, "attendances": members})
    return groups


def meeting_quorum(meeting: Meeting) -> dict:
    """Voting members represented by someone present, against the body's quorum on the meeting's date."""
    on = timezone.localdate(meeting.starts_at)
    voting = voting_seats_on(meeting.body, on)
    represented = voters_present(meeting)
    present = [v for v in voting if v.key in represented]
    needed = meeting.body.quorum_needed(len(voting)) if voting else 0
    return {
        "voting_members": len(voting),
        "present": len(present),
        "present_members": present,
        "absent_members": [v for v in voting if v.key not in represented],
        "needed": needed,
        "met": bool(voting) and len(present) >= needed,
    }


def decisions_at(meeting: Meeting) -> QuerySet[Decision]:
    return Decision.objects.filter(meeting=meeting).select_related("body").order_by("reference", "pk")


# Action items ------------------------------------------------------------------------------


def action_items(alliance: Alliance | None = None) -> QuerySet[ActionItem]:
    """Action items with their decision or meeting and owners, soonest due first."""
    qs = ActionItem.objects.select_related(
        "decision__alliance", "decision__body", "meeting__body__alliance", "agenda_item", "owner_person", "owner_role"
    )
    if alliance is not None:
        qs = qs.of_alliance(alliance.pk)
    return qs.order_by("due_on", "pk")


def overdue_action_items(alliance: Alliance, on: date) -> QuerySet[ActionItem]:
    """Open items of the alliance that were due before ``on``."""
    return action_items(alliance).filter(status=ActionItem.Status.OPEN, due_on__lt=on)


def open_action_items_for_role(role: Role) -> QuerySet[ActionItem]:
    """Open items owned by ``role``, which its next holder inherits."""
    return action_items().filter(owner_role=role, status=ActionItem.Status.OPEN)


# Handover pack -----------------------------------------------------------------------------


def decisions_shaping_role(role: Role) -> QuerySet[Decision]:
    """Decisions that created or changed ``role``'s holders or its delegations."""
    return (
        Decision.objects.filter(
            Q(resulting_assignment__role=role)
            | Q(appointment_role=role)
            | Q(delegation_role=role)
            | Q(granted_delegation__role=role)
            | Q(revoked_delegation__role=role)
            | Q(taken_under__role=role)
        )
        .select_related("alliance")
        .distinct()
        .order_by("-decided_on", "-pk")
    )


# The agenda --------------------------------------------------------------------------------


def agenda_items() -> QuerySet[AgendaItem]:
    """Agenda items with what an agenda shows of them: meeting, presenter, decision and award process."""
    return AgendaItem.objects.select_related(
        "meeting__body__alliance", "presenter", "decision", "award_process"
    ).order_by("meeting__starts_at", "meeting_id", "position", "pk")


@dataclass
class AgendaRow:
    """One item as an agenda shows it: when it starts (from the meeting's start and the times of the items listed
    before it; unknown after an item with no time), and the decision and award process it brings, where the
    reader may read them (the read rule: a link never names a record the reader may not read)."""

    item: AgendaItem
    starts_at: datetime | None
    decision: Decision | None
    award_process: object | None

    @property
    def withdrawn(self) -> bool:
        return self.item.status == AgendaItem.Status.WITHDRAWN


def _readable_ids(model, ids: set[int], access: Access | None) -> set[int]:
    if not ids:
        return set()
    found = model.objects.filter(pk__in=ids)
    return set((found if access is None else restrict(found, access)).values_list("pk", flat=True))


def agenda_rows(items: list[AgendaItem], access: Access | None) -> list[AgendaRow]:
    """``items`` (of one meeting, in order) as rows, in a fixed number of queries whatever their number."""
    process_model = AgendaItem._meta.get_field("award_process").related_model
    decisions = _readable_ids(Decision, {i.decision_id for i in items if i.decision_id}, access)
    processes = _readable_ids(process_model, {i.award_process_id for i in items if i.award_process_id}, access)
    rows, clock = [], None
    for item in items:
        if clock is None and not rows:
            clock = item.meeting.starts_at
        starts = None if item.status == AgendaItem.Status.WITHDRAWN else clock
        if starts is not None:
            clock = starts + timedelta(minutes=item.duration_minutes) if item.duration_minutes else None
        rows.append(
            AgendaRow(
                item=item,
                starts_at=starts,
                decision=item.decision if item.decision_id in decisions else None,
                award_process=item.award_process if item.award_process_id in processes else None,
            )
        )
    return rows


def agenda_of(meeting: Meeting, access: Access | None) -> list[AgendaRow]:
    """The meeting's agenda, withdrawn items included (they keep their number once published)."""
    items = list(agenda_items().filter(meeting=meeting))
    for item in items:
        item.meeting = meeting
    return agenda_rows(items, access)


# Minutes -----------------------------------------------------------------------------------


def members_view(alliance_id: int) -> Access:
    """What any member of the alliance reads: the standing the signed-off minutes are written for (a paper
    of the meeting is as readable as the meeting, so it holds nothing a member could not read)."""
    return Access(authenticated=True, members_of=frozenset({alliance_id}))


def minutes_record(meeting: Meeting, access: Access) -> dict:
    """The minutes of a meeting as ``access`` may read them: attendance (present, apologies), each listed
    agenda item with its minute, the decisions and actions it brought, then the meeting's other decisions
    and actions. A fixed number of queries, whatever the meeting holds."""
    attendances = list(
        Attendance.objects.filter(meeting=meeting).select_related("person", "organisation").order_by("person__name")
    )
    items = list(
        AgendaItem.objects.filter(meeting=meeting, status=AgendaItem.Status.LISTED)
        .select_related("presenter", "decision")
        .order_by("position", "pk")
    )
    decisions = list(
        Decision.objects.restrict(access)
        .filter(Q(meeting=meeting) | Q(agenda_items__meeting=meeting))
        .distinct()
        .select_related("body")
        .order_by("reference", "pk")
    )
    actions = list(
        action_items()
        .restrict(access)
        .filter(Q(meeting=meeting) | Q(decision__meeting=meeting))
        .order_by("due_on", "pk")
    )
    readable = {d.pk for d in decisions}
    by_item = []
    placed_decisions, placed_actions = set(), set()
    for item in items:
        item_decisions = [d for d in decisions if d.pk == item.decision_id]
        item_actions = [
            a
            for a in actions
            if a.agenda_item_id == item.pk or (item.decision_id and a.decision_id == item.decision_id)
        ]
        placed_decisions.update(d.pk for d in item_decisions)
        placed_actions.update(a.pk for a in item_actions)
        by_item.append(
            {
                "item": item,
                "decision_readable": item.decision_id in readable,
                "decisions": item_decisions,
                "actions": item_actions,
            }
        )
    return {
        "meeting": meeting,
        "present": [a for a in attendances if a.present],
        "apologies": [a for a in attendances if not a.present],
        "items": by_item,
        "other_decisions": [d for d in decisions if d.pk not in placed_decisions],
        "other_actions": [a for a in actions if a.pk not in placed_actions],
    }


def previous_meetings_to_approve(meeting: Meeting) -> QuerySet[Meeting]:
    """Earlier held meetings of the same body whose minutes are not yet approved: what ``meeting`` may approve."""
    return Meeting.objects.filter(
        body_id=meeting.body_id,
        status=Meeting.Status.HELD,
        starts_at__lt=meeting.starts_at,
        minutes_approved_by__isnull=True,
    ).order_by("-starts_at", "pk")


def signed_off_minutes(meeting: Meeting, access: Access) -> DocumentVersion | None:
    """The current version of the meeting's signed-off minutes (kept on approval), if ``access`` may read it."""
    if not meeting.minutes_approved_by_id:
        return None
    return (
        DocumentVersion.objects.restrict(access)
        .filter(
            document__owner_type=ContentType.objects.get_for_model(Meeting),
            document__owner_id=meeting.pk,
            document__kind=Document.Kind.MINUTES,
            document__withdrawn_at__isnull=True,
        )
        .select_related("document")
        .order_by("-document__created_at", "-number")
        .first()
    )
