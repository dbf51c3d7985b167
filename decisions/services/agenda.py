"""A meeting's agenda: the secretary adds, changes, moves and withdraws items, and publishes it.

Items are numbered 1..n without gaps (withdrawn items keep their number once the agenda is published,
so the numbers members were sent stay true). Once published, every addition, change, move or
withdrawal marks the item (``changed_after_publishing_at``) and needs a note of what changed, since
members were already sent the agenda; the ``agenda_changed`` notification tells them again
(decisions/notifications.py). A cancelled or held meeting's agenda no longer changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from alliance.document_models import Document
from alliance.errors import RuleViolation
from alliance.formatting import day, day_time
from alliance.services import save_checked
from decisions.models import AgendaItem, Decision, Meeting
from decisions.services.meetings import meeting_date
from roles import standing
from roles.access import Access
from roles.models import Person

__all__ = [
    "KEEP",
    "Notice",
    "agenda_notice",
    "add_agenda_item",
    "update_agenda_item",
    "move_agenda_item",
    "withdraw_agenda_item",
    "publish_agenda",
]

#: An argument of :func:`update_agenda_item` left as it is.
KEEP = object()

DOING = "build its meetings' agendas"


@dataclass(frozen=True)
class Notice:
    """Whether an agenda is (or was) published early enough: by ``due_by``, ``days`` before the meeting."""

    days: int
    due_by: datetime
    late: bool

    @property
    def sentence(self) -> str:
        if self.late:
            return (
                f"Late: the body's members are to have the agenda {self.days} days before the meeting "
                f"(by {day_time(self.due_by)})."
            )
        return f"On time: the agenda is due {self.days} days before the meeting (by {day_time(self.due_by)})."


def agenda_notice(meeting: Meeting, at: datetime | None = None) -> Notice:
    """The notice rule of the meeting's body, as met by publishing at ``at`` (or when it was published, or now)."""
    at = at or meeting.agenda_published_at or timezone.now()
    days = meeting.body.agenda_notice_days
    due_by = meeting.starts_at - timedelta(days=days)
    return Notice(days=days, due_by=due_by, late=at > due_by)


def _locked(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update().select_related("body__alliance").get(pk=meeting.pk)


def _refuse_unless_open(meeting: Meeting) -> None:
    on = day(meeting_date(meeting))
    if meeting.status == Meeting.Status.CANCELLED:
        raise RuleViolation(
            "meeting_cancelled",
            f"The meeting of {on} was cancelled, so its agenda can no longer change; build the agenda of the "
            "meeting that replaces it.",
            conflict=True,
        )
    if meeting.status == Meeting.Status.HELD:
        raise RuleViolation(
            "agenda_meeting_held",
            f"The meeting of {on} has been held, so its agenda can no longer change; record what happened in the "
            "minutes, or put the item on the next meeting's agenda.",
            conflict=True,
        )


def _label(decision: Decision) -> str:
    return decision.reference or decision.title


def _check_item(
    meeting: Meeting, *, title: str, purpose: str, duration_minutes: int | None, decision, award_process
) -> None:
    if not title.strip():
        raise RuleViolation("agenda_title_required", "Give the item a title.", field="title")
    if purpose not in AgendaItem.Purpose.values:
        raise RuleViolation(
            "agenda_purpose_unknown",
            "Choose the item's purpose: for decision, for discussion or for information.",
            field="purpose",
        )
    if duration_minutes is not None and duration_minutes < 1:
        raise RuleViolation(
            "agenda_duration",
            "Give the time for the item in whole minutes (1 or more), or leave it empty.",
            field="duration_minutes",
        )
    body = meeting.body
    if decision is not None:
        if decision.alliance_id != body.alliance_id:
            # Not named: the caller may not read another alliance's decision (the read rule).
            raise RuleViolation(
                "agenda_decision_other_alliance",
                f"That decision was not found in this alliance; an item brings a decision of {body.name}.",
                field="decision",
            )
        if decision.body_id != body.pk:
            raise RuleViolation(
                "agenda_decision_other_body",
                f"{_label(decision)} is a decision of {decision.body.name}; an item on this agenda brings a decision "
                f"of {body.name}.",
                field="decision",
            )
        if decision.is_sealed and purpose != AgendaItem.Purpose.INFORMATION:
            raise RuleViolation(
                "agenda_decision_sealed",
                f"{_label(decision)} is already {decision.get_status_display().lower()} and sealed; it can come to "
                "the meeting for information only. Choose “For information”, or draft the decision that amends it.",
                field="decision",
            )
    if award_process is not None and award_process.alliance_id != body.alliance_id:
        raise RuleViolation(
            "agenda_award_other_alliance",
            "That award process was not found in this alliance; an item brings an award process of the same alliance.",
            field="award_process",
        )


def _change_note(meeting: Meeting, change_note: str) -> str:
    """After publishing, a change needs a note: members were already sent the agenda."""
    if meeting.agenda_published_at is None:
        return ""
    note = (change_note or "").strip()
    if not note:
        raise RuleViolation(
            "agenda_change_note_required",
            f"The agenda was published on {day_time(meeting.agenda_published_at)}; say what changed in “What changed”, "
            "members were already sent the agenda.",
            field="change_note",
        )
    return note


def _mark(item: AgendaItem, note: str, now: datetime) -> None:
    if note:
        item.changed_after_publishing_at = now
        item.change_note = note[:300]


def _items(meeting: Meeting):
    return AgendaItem.objects.filter(meeting=meeting)


def _renumber(items, shift: int) -> None:
    """Move ``items`` by ``shift`` places, saving each in an order that never puts two on one number."""
    for other in sorted(items, key=lambda i: i.position, reverse=shift > 0):
        old = other.position
        other.position = old + shift
        save_checked(other, f"Renumbered from {old} to {other.position}")


@transaction.atomic
def add_agenda_item(
    *,
    actor: Access,
    meeting: Meeting,
    title: str,
    purpose: str = AgendaItem.Purpose.DISCUSSION,
    description: str = "",
    presenter: Person | None = None,
    duration_minutes: int | None = None,
    decision: Decision | None = None,
    award_process=None,
    position: int | None = None,
    change_note: str = "",
    now: datetime | None = None,
) -> AgendaItem:
    """Add an item at the end of a meeting's agenda, or at ``position`` (later items move down one); the decision it
    brings is of the same body (and not sealed unless for information), the award process of the same alliance."""
    standing.require_record_keeper(actor, meeting.body, DOING)
    meeting = _locked(meeting)
    _refuse_unless_open(meeting)
    _check_item(
        meeting,
        title=title,
        purpose=purpose,
        duration_minutes=duration_minutes,
        decision=decision,
        award_process=award_process,
    )
    existing = list(_items(meeting).select_for_update())
    last = len(existing) + 1
    if position is None:
        position = last
    if not 1 <= position <= last:
        raise RuleViolation(
            "agenda_position",
            f"Choose a place from 1 to {last} on the agenda, or leave it empty to add at the end.",
            field="position",
        )
    note = _change_note(meeting, change_note)
    _renumber([i for i in existing if i.position >= position], +1)
    item = AgendaItem(
        meeting=meeting,
        position=position,
        title=title.strip(),
        purpose=purpose,
        description=description.strip(),
        presenter=presenter,
        duration_minutes=duration_minutes,
        decision=decision,
        award_process=award_process,
    )
    _mark(item, note, now or timezone.now())
    save_checked(item, f"Added after publishing: {note}" if note else "Added")
    return item


def _locked_item(item: AgendaItem) -> AgendaItem:
    meeting = _locked(item.meeting)
    item = AgendaItem.objects.select_for_update(of=("self",)).get(pk=item.pk)
    item.meeting = meeting
    return item


def _refuse_withdrawn(item: AgendaItem, what: str) -> None:
    if item.status == AgendaItem.Status.WITHDRAWN:
        raise RuleViolation(
            "agenda_item_withdrawn",
            f"Item {item.position} was withdrawn and cannot be {what}; add a new item instead.",
            conflict=True,
        )


@transaction.atomic
def update_agenda_item(
    *,
    actor: Access,
    item: AgendaItem,
    title=KEEP,
    purpose=KEEP,
    description=KEEP,
    presenter=KEEP,
    duration_minutes=KEEP,
    decision=KEEP,
    award_process=KEEP,
    change_note: str = "",
    now: datetime | None = None,
) -> AgendaItem:
    """Change an item's title, purpose, description, presenter, time, decision or award process (the rules of adding
    it apply); after publishing the change is marked, with a note of what changed."""
    standing.require_record_keeper(actor, item.meeting.body, DOING)
    item = _locked_item(item)
    meeting = item.meeting
    _refuse_unless_open(meeting)
    _refuse_withdrawn(item, "changed")
    given = {
        "title": title,
        "purpose": purpose,
        "description": description,
        "presenter": presenter,
        "duration_minutes": duration_minutes,
        "decision": decision,
        "award_process": award_process,
    }
    values = {name: getattr(item, name) if value is KEEP else value for name, value in given.items()}
    values["title"] = (values["title"] or "").strip()
    values["description"] = (values["description"] or "").strip()
    _check_item(
        meeting,
        title=values["title"],
        purpose=values["purpose"],
        duration_minutes=values["duration_minutes"],
        decision=values["decision"],
        award_process=values["award_process"],
    )
    changed = [name for name, value in values.items() if getattr(item, name) != value]
    if not changed:
        return item
    note = _change_note(meeting, change_note)
    for name in changed:
        setattr(item, name, values[name])
    _mark(item, note, now or timezone.now())
    save_checked(item, f"Changed after publishing: {note}" if note else "Changed")
    return item


@transaction.atomic
def move_agenda_item(
    *,
    actor: Access,
    item: AgendaItem,
    direction: str = "",
    to_position: int | None = None,
    change_note: str = "",
    now: datetime | None = None,
) -> AgendaItem:
    """Move an item up or down one place, or to ``to_position``; the items between close up, so the numbers stay
    1..n. After publishing the moved item is marked, with a note of what changed."""
    standing.require_record_keeper(actor, item.meeting.body, DOING)
    item = _locked_item(item)
    meeting = item.meeting
    _refuse_unless_open(meeting)
    _refuse_withdrawn(item, "moved")
    others = list(_items(meeting).exclude(pk=item.pk).select_for_update())
    count = len(others) + 1
    old = item.position
    if to_position is None:
        if direction not in ("up", "down"):
            raise RuleViolation(
                "agenda_move_direction",
                "Say where the item goes: up, down, or to a place on the agenda.",
                field="direction",
            )
        to_position = old - 1 if direction == "up" else old + 1
        if not 1 <= to_position <= count:
            where = "first" if direction == "up" else "last"
            raise RuleViolation(
                "agenda_move_out_of_range", f"Item {old} is already {where} on the agenda.", field="direction"
            )
    elif not 1 <= to_position <= count:
        raise RuleViolation(
            "agenda_move_out_of_range", f"Choose a place from 1 to {count} on the agenda.", field="to_position"
        )
    if to_position == old:
        return item
    note = _change_note(meeting, change_note)
    # The item steps aside, to the number past the end, while the others close up (its history shows the step).
    item.position = count + 1
    save_checked(item, f"Moving from {old} to {to_position}")
    if to_position < old:
        _renumber([o for o in others if to_position <= o.position < old], +1)
    else:
        _renumber([o for o in others if old < o.position <= to_position], -1)
    item.position = to_position
    _mark(item, note, now or timezone.now())
    save_checked(item, f"Moved from {old} to {to_position}" + (f" after publishing: {note}" if note else ""))
    return item


def _has_papers(item: AgendaItem) -> bool:
    return Document.objects.filter(owner_type=ContentType.objects.get_for_model(AgendaItem), owner_id=item.pk).exists()


@transaction.atomic
def withdraw_agenda_item(
    *, actor: Access, item: AgendaItem, change_note: str = "", now: datetime | None = None
) -> Meeting:
    """Take an item off the agenda: before publishing it is removed (the later items close up) unless papers were
    filed with it; after publishing it stays, withdrawn, with a note, as members were sent it."""
    standing.require_record_keeper(actor, item.meeting.body, DOING)
    item = _locked_item(item)
    meeting = item.meeting
    _refuse_unless_open(meeting)
    _refuse_withdrawn(item, "withdrawn again")
    note = _change_note(meeting, change_note)
    if meeting.agenda_published_at is None and not _has_papers(item):
        later = list(_items(meeting).filter(position__gt=item.position).select_for_update())
        item._change_reason = "Removed before publishing"
        item.delete()
        _renumber(later, -1)
        return meeting
    item.status = AgendaItem.Status.WITHDRAWN
    _mark(item, note, now or timezone.now())
    save_checked(item, f"Withdrawn after publishing: {note}" if note else "Withdrawn (papers kept)")
    return meeting


@transaction.atomic
def publish_agenda(*, actor: Access, meeting: Meeting, now: datetime | None = None) -> Notice:
    """Publish a scheduled meeting's agenda to the body's seats (rule: at least one item; a late agenda is published
    with its lateness recorded, not refused). The notification is planned, and sent by ``send_notifications``."""
    standing.require_record_keeper(actor, meeting.body, "publish its meetings' agendas")
    meeting = _locked(meeting)
    _refuse_unless_open(meeting)
    if meeting.agenda_published_at is not None:
        raise RuleViolation(
            "agenda_already_published",
            f"The agenda was published on {day_time(meeting.agenda_published_at)}; a change to it is marked on the "
            "item and members are told again, so there is nothing to publish twice.",
            conflict=True,
        )
    if not _items(meeting).filter(status=AgendaItem.Status.LISTED).exists():
        raise RuleViolation(
            "agenda_empty", "The agenda has no items; add at least one item before publishing it.", conflict=True
        )
    now = now or timezone.now()
    notice = agenda_notice(meeting, now)
    meeting.agenda_published_at = now
    save_checked(meeting, f"Agenda published ({'late' if notice.late else 'on time'}: {notice.days} days' notice due)")
    return notice
