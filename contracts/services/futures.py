"""The decision on a contract's future (issue 21, part 4): announced on the forward plan when the contract
enters its notice period with none, and recorded by the alliance's secretary once the alliance has taken it.

Providers outside the alliance could not learn what would happen as their contracts ended (the review's
"no-man's land"): the forward plan's entry "Decision on the future of <contract>" tells them, with the date
the decision is expected, and is marked taken, with the decision's reference, when it is recorded.
"""

from __future__ import annotations

from datetime import date, datetime, time

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from alliance.access import Access, can_read
from alliance.choices import DecisionKind
from alliance.errors import RuleViolation
from alliance.formatting import day
from alliance.forward_plan import save_entry
from alliance.models import ForwardPlanEntry, GoverningBody
from alliance.services import save_checked
from contracts.models import Contract
from contracts.queries_warnings import decision_due_on, in_notice_without_decision
from decisions.models import Decision, Meeting
from roles import standing
from roles.models import Person, Role, RoleAssignment

__all__ = ["announce_future_decision", "record_future_decision", "plan_contact"]


def plan_contact(alliance_id: int, on: date) -> Person | None:
    """Whom outside providers ask about the decision: the alliance's secretary on ``on`` (an alliance-wide
    secretary before a body's), by name."""
    held = RoleAssignment.objects.held_on(on).filter(role__alliance_id=alliance_id, role__kind=Role.Kind.SECRETARY)
    # An alliance-wide secretary (no body) first, on SQLite and PostgreSQL alike.
    first = (F("role__body_id").asc(nulls_first=True), "person__name", "pk")
    assignment = held.exclude(person__email="").select_related("person").order_by(*first).first()
    return assignment.person if assignment is not None else None


def _expected_on(contract: Contract, body: GoverningBody | None, on: date) -> date:
    """The leadership body's first meeting scheduled from ``on`` to the notice deadline, else the deadline
    (or ``on``, when the deadline has passed: the decision is overdue)."""
    due = decision_due_on(contract.ends_on)
    if due < on:
        return on
    if body is not None:
        zone = timezone.get_current_timezone()
        meeting = (
            Meeting.objects.filter(
                body=body,
                status=Meeting.Status.SCHEDULED,
                starts_at__gte=datetime.combine(on, time.min, tzinfo=zone),
                starts_at__lt=datetime.combine(due, time.max, tzinfo=zone),
            )
            .order_by("starts_at", "pk")
            .first()
        )
        if meeting is not None:
            return timezone.localdate(meeting.starts_at)
    return due


def _publishable(contract: Contract) -> bool:
    """An entry is published when any member of the alliance may read the contract: one of a confidential
    award stays unpublished, for the secretary to publish in words that keep what must be kept."""
    members = Access(authenticated=True, members_of=frozenset({contract.alliance_id}))
    return can_read(members, contract)


@transaction.atomic
def announce_future_decision(*, actor: Access, contract: Contract, on: date) -> ForwardPlanEntry:
    """Add "Decision on the future of <contract>" to the forward plan, once, for a contract inside its notice
    period with no decision on its future, and link it to the contract (published, with the secretary as
    contact, unless the contract's award is confidential or the alliance has no secretary to contact)."""
    standing.require_alliance_keeper(actor, contract.alliance_id, "announce the decision due on a contract's future")
    contract = (
        Contract.objects.select_for_update(of=("self",)).select_related("alliance", "provider").get(pk=contract.pk)
    )
    if contract.forward_plan_entry_id is not None:
        return contract.forward_plan_entry
    if not in_notice_without_decision(Contract.objects.filter(pk=contract.pk), on).exists():
        raise RuleViolation(
            "contract_not_in_notice",
            f"{contract} is not in its notice period without a decision on {day(on)}: it ends {day(contract.ends_on)}"
            f" and its notice period is the last {settings.CONTRACT_NOTICE_MONTHS} months"
            + (", but its future is already decided." if contract.future_decision_id else "."),
            conflict=True,
        )
    body = (
        GoverningBody.objects.filter(alliance_id=contract.alliance_id, kind=GoverningBody.Kind.LEADERSHIP)
        .order_by("pk")
        .first()
    )
    contact = plan_contact(contract.alliance_id, on)
    due = decision_due_on(contract.ends_on)
    entry = save_entry(
        actor=actor,
        alliance=contract.alliance,
        body=body,
        title=f"Decision on the future of {contract}"[:300],
        summary=f"{contract} ends on {day(contract.ends_on)}. The alliance is to decide whether to extend it, award "
        f"it again or let it end, by {day(due)}, so that its provider has {settings.CONTRACT_DECISION_DUE_MONTHS} "
        "months' notice of what happens next.",
        kind=DecisionKind.KEY,
        expected_on=_expected_on(contract, body, on),
        contact_name=contact.name if contact else "",
        contact_email=contact.email if contact else "",
        published=contact is not None and _publishable(contract),
        reason=f"{contract} entered its notice period with no decision on its future",
    )
    contract.forward_plan_entry = entry
    save_checked(contract, "The decision due on its future announced on the forward plan")
    return entry


def _check_future_decision(contract: Contract, decision: Decision) -> None:
    label = decision.reference or f"The draft '{decision.title}'"
    if decision.alliance_id != contract.alliance_id:
        raise RuleViolation(
            "future_decision_other_alliance",
            f"{label} is a decision of another alliance; the future of {contract} is decided by {contract.alliance}.",
            field="decision",
        )
    if decision.status != Decision.Status.AGREED:
        raise RuleViolation(
            "future_decision_not_agreed",
            f"{label} is {decision.get_status_display().lower()}; only an agreed decision settles a contract's "
            "future. Record it once the decision is agreed.",
            field="decision",
        )
    if contract.status != Contract.Status.ACTIVE:
        raise RuleViolation(
            "future_decision_contract_ended",
            f"{contract} has {contract.get_status_display().lower()}; the decision on a contract's future is "
            "recorded while it runs.",
            conflict=True,
        )
    recorded = contract.future_decision
    if recorded is not None:
        if recorded.pk == decision.pk:
            raise RuleViolation(
                "future_decision_already_recorded",
                f"{decision.reference} is already recorded as the decision on the future of {contract}.",
                field="decision",
                conflict=True,
            )
        if recorded.pk not in (decision.supersedes_id, decision.amends_id):
            raise RuleViolation(
                "future_decision_not_a_change",
                f"The future of {contract} was decided by {recorded.reference}; a later decision replaces it only "
                f"when it amends or supersedes {recorded.reference}.",
                field="decision",
                conflict=True,
            )


@transaction.atomic
def record_future_decision(*, actor: Access, contract: Contract, decision: Decision) -> Contract:
    """The alliance's secretary records the agreed decision on a contract's future (extend, re-award or let it
    end); the forward plan's entry announcing it is marked taken, with the decision's reference."""
    standing.require_alliance_keeper(actor, contract.alliance_id, "record the decision on a contract's future")
    contract = (
        Contract.objects.select_for_update(of=("self",))
        .select_related("alliance", "provider", "future_decision", "forward_plan_entry")
        .get(pk=contract.pk)
    )
    _check_future_decision(contract, decision)
    contract.future_decision = decision
    save_checked(contract, f"The decision on its future: {decision.reference}")
    entry = contract.forward_plan_entry
    if entry is not None and entry.status != ForwardPlanEntry.Status.WITHDRAWN:
        save_entry(
            actor=actor,
            entry=entry,
            status=ForwardPlanEntry.Status.TAKEN,
            reference=decision.reference,
            reason=f"Taken by {decision.reference}",
        )
    return contract
