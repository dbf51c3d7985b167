"""Action items: what a decision, or a meeting under one of its agenda items, asked someone to do, by when,
and whether it was done.

An item is owned by a person, a role or both; a role owner survives turnover, so the next holder
finds the item in the role's handover pack.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction

from alliance.errors import RuleViolation
from alliance.formatting import day
from alliance.services import save_checked
from alliance.term import refuse_outside_term
from decisions.models import ActionItem, AgendaItem, Decision, Meeting
from decisions.services.meetings import meeting_date
from roles import standing
from roles.access import Access
from roles.models import Person, Role, RoleAssignment

__all__ = ["owners", "create_action_item", "complete_action_item", "cancel_action_item", "reassign_action_item"]

NOTHING_TO_DO = (Decision.Status.NOT_AGREED, Decision.Status.LAPSED, Decision.Status.WITHDRAWN)


def _check_owner(source: Decision | Meeting, owner_person: Person | None, owner_role: Role | None) -> None:
    """The owner is a person who holds or held a role in the source's alliance, or a role of it."""
    alliance = source.alliance if isinstance(source, Decision) else source.body.alliance
    if owner_person is None and owner_role is None:
        raise RuleViolation(
            "action_owner_required",
            "An action item needs an owner: choose a person, a role, or both.",
            field="owner_person",
        )
    # Neither message names the record: it may be another alliance's, which the caller cannot read.
    if owner_role is not None and owner_role.alliance_id != alliance.pk:
        raise RuleViolation(
            "action_role_elsewhere",
            f"That role was not found in this alliance; choose a role of {alliance}.",
            field="owner_role",
        )
    if owner_person is not None and not owners(alliance.pk).filter(pk=owner_person.pk).exists():
        raise RuleViolation(
            "action_person_elsewhere",
            f"That person holds no role in {alliance} and never has; choose someone who holds or held "
            "one, or give the item to a role.",
            field="owner_person",
        )


def owners(alliance_id: int):
    """The people who may own an action item of an alliance: those who hold or held a role in it."""
    held = RoleAssignment.objects.filter(role__alliance_id=alliance_id).values("person_id")
    return Person.objects.filter(pk__in=held)


def _check_due(source: Decision | Meeting, due_on: date) -> None:
    if isinstance(source, Meeting):
        refuse_outside_term(alliance_id=source.body.alliance_id, on=due_on, what="due date", field="due_on")
        held_on = meeting_date(source)
        if due_on < held_on:
            raise RuleViolation(
                "action_due_before_meeting",
                f"The item cannot fall due ({day(due_on)}) before the meeting that agreed it ({day(held_on)}).",
                field="due_on",
            )
        return
    decision = source
    refuse_outside_term(alliance_id=decision.alliance_id, on=due_on, what="due date", field="due_on")
    if decision.decided_on is not None and due_on < decision.decided_on:
        raise RuleViolation(
            "action_due_before_decision",
            f"The item cannot fall due ({day(due_on)}) before the decision was taken ({day(decision.decided_on)}).",
            field="due_on",
        )


def _locked_open(item: ActionItem, doing: str) -> ActionItem:
    item = (
        ActionItem.objects.select_for_update(of=("self",))
        .select_related("decision__alliance", "decision__body", "meeting__body__alliance", "agenda_item")
        .get(pk=item.pk)
    )
    if item.status != ActionItem.Status.OPEN:
        raise RuleViolation(
            "action_not_open",
            f"This action item is already {item.get_status_display().lower()}; only an open item can be {doing}.",
            field="status",
            conflict=True,
        )
    return item


def _meeting_of(meeting: Meeting | None, agenda_item: AgendaItem | None) -> Meeting | None:
    if agenda_item is None:
        return meeting
    if meeting is not None and agenda_item.meeting_id != meeting.pk:
        raise RuleViolation(
            "action_item_other_meeting",
            "That agenda item is not on this meeting's agenda; choose one of its items.",
            field="agenda_item",
        )
    return agenda_item.meeting


def _check_meeting_source(meeting: Meeting, agenda_item: AgendaItem | None) -> None:
    """An action agreed at a meeting: the meeting took place, its minutes are not yet sealed, the item was taken."""
    if meeting.status != Meeting.Status.HELD:
        raise RuleViolation(
            "action_meeting_not_held",
            "Actions are agreed at a meeting that took place; mark the meeting held first.",
            field="meeting",
            conflict=True,
        )
    sealed = meeting.minutes_sealed_message("its actions")
    if sealed:
        raise RuleViolation("minutes_sealed", sealed, field="meeting", conflict=True)
    if agenda_item is not None and agenda_item.status != AgendaItem.Status.LISTED:
        raise RuleViolation(
            "agenda_item_withdrawn",
            f"Item {agenda_item.position} was withdrawn from the agenda; no action arises from it.",
            field="agenda_item",
            conflict=True,
        )


@transaction.atomic
def create_action_item(
    *,
    actor: Access,
    title: str,
    due_on: date,
    decision: Decision | None = None,
    meeting: Meeting | None = None,
    agenda_item: AgendaItem | None = None,
    owner_person: Person | None = None,
    owner_role: Role | None = None,
    notes: str = "",
) -> ActionItem:
    """Record an action arising from a decision, or agreed at a meeting under one of its agenda items (the body's
    secretary), owned by a person or a role of the same alliance."""
    meeting = _meeting_of(meeting, agenda_item)
    if (decision is None) == (meeting is None):
        raise RuleViolation(
            "action_source_required",
            "Say what the action arises from: a decision, or a meeting (and its agenda item), not both.",
            field="decision",
        )
    source = decision or meeting
    standing.require_record_keeper(
        actor, source.body, "add action items to its decisions" if decision else "add actions to its meetings"
    )
    if not title.strip():
        raise RuleViolation("action_title_required", "Say what is to be done.", field="title")
    if decision is not None and decision.status in NOTHING_TO_DO:
        raise RuleViolation(
            "action_decision_not_taken",
            f"{decision.reference or decision.title} is {decision.get_status_display().lower()}; "
            "there is nothing to act on.",
            field="decision",
            conflict=True,
        )
    if meeting is not None:
        meeting = Meeting.objects.select_for_update(of=("self",)).select_related("body__alliance").get(pk=meeting.pk)
        source = meeting
        _check_meeting_source(meeting, agenda_item)
    _check_owner(source, owner_person, owner_role)
    _check_due(source, due_on)
    item = ActionItem(
        decision=decision,
        meeting=meeting,
        agenda_item=agenda_item,
        title=title.strip(),
        due_on=due_on,
        owner_person=owner_person,
        owner_role=owner_role,
        notes=notes.strip(),
    )
    save_checked(item, "Action agreed")
    return item


@transaction.atomic
def complete_action_item(*, actor: Access, item: ActionItem, completed_on: date) -> ActionItem:
    """Record that an open action item was done, and when: its owner or the body's secretary."""
    standing.require_action_owner_or_keeper(actor, item, "mark it done")
    item = _locked_open(item, "completed")
    refuse_outside_term(alliance_id=item.alliance_id, on=completed_on, what="date done", field="completed_on")
    if item.meeting_id and not item.decision_id and completed_on < meeting_date(item.meeting):
        raise RuleViolation(
            "action_done_before_meeting",
            f"The item cannot be done ({day(completed_on)}) before the meeting that agreed it "
            f"({day(meeting_date(item.meeting))}).",
            field="completed_on",
        )
    if item.decision_id and item.decision.decided_on is not None and completed_on < item.decision.decided_on:
        raise RuleViolation(
            "action_done_before_decision",
            f"The item cannot be done ({day(completed_on)}) before the decision that asked for it "
            f"({day(item.decision.decided_on)}).",
            field="completed_on",
        )
    item.status = ActionItem.Status.DONE
    item.completed_on = completed_on
    save_checked(item, "Done")
    return item


@transaction.atomic
def cancel_action_item(*, actor: Access, item: ActionItem, reason: str) -> ActionItem:
    """Cancel an open action item, saying why it is no longer needed (the body's secretary)."""
    standing.require_record_keeper(actor, item.body, "cancel the action items of its decisions and meetings")
    if not reason.strip():
        raise RuleViolation("action_cancel_reason_required", "Say why the action is no longer needed.", field="reason")
    item = _locked_open(item, "cancelled")
    item.status = ActionItem.Status.CANCELLED
    item.notes = f"{item.notes}\nCancelled: {reason.strip()}".strip()
    save_checked(item, f"Cancelled: {reason.strip()}")
    return item


@transaction.atomic
def reassign_action_item(
    *,
    actor: Access,
    item: ActionItem,
    owner_person: Person | None = None,
    owner_role: Role | None = None,
    due_on: date | None = None,
    reason: str = "",
) -> ActionItem:
    """Give an open action item a new owner (person, role or both) and, if need be, a new due date
    (the body's secretary)."""
    standing.require_record_keeper(actor, item.body, "reassign the action items of its decisions and meetings")
    item = _locked_open(item, "reassigned")
    _check_owner(item.source, owner_person, owner_role)
    if due_on is not None:
        _check_due(item.source, due_on)
        item.due_on = due_on
    item.owner_person = owner_person
    item.owner_role = owner_role
    save_checked(item, f"Reassigned: {reason.strip()}" if reason.strip() else "Reassigned")
    return item
