"""Operational decisions taken by a role holder under delegated authority, not by a vote (rule 7)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from alliance.choices import DecisionKind
from alliance.errors import RuleViolation
from alliance.formatting import day, money
from alliance.models import GoverningBody
from alliance.services import allocate_reference, save_checked
from alliance.term import refuse_outside_term
from decisions.models import Decision
from decisions.services.decisions import apply_fields, check_draft
from roles import standing
from roles.access import Access
from roles.models import DelegatedAuthority, Person
from roles.queries import authority_for

__all__ = ["take_delegated_decision"]


def _check_named_delegation(delegation: DelegatedAuthority, person: Person, value, on: date) -> None:
    kind = DecisionKind.OPERATIONAL
    if kind not in delegation.decision_kinds:
        raise RuleViolation(
            "delegation_does_not_cover_kind",
            f"The delegation to {delegation.role} does not cover operational decisions; name one that does.",
            field="delegation",
        )
    verdict = authority_for(role=delegation.role, person=person, kind=kind, value=value, on=on)
    if not verdict.allowed:
        raise RuleViolation("delegated_authority_refused", verdict.reason, field="delegation")
    if not delegation.is_valid_on(on):
        raise RuleViolation(
            "delegation_not_in_force",
            f"The delegation to {delegation.role} named is not in force on {day(on)}; name the one that is.",
            field="delegation",
        )
    limit = delegation.financial_limit
    if value is not None and limit is not None and value > limit:
        raise RuleViolation(
            "delegation_limit_exceeded",
            f"{money(value)} is above the limit of {money(limit)} of the delegation named; "
            "name a delegation with a high enough limit.",
            field="value",
        )


@transaction.atomic
def take_delegated_decision(
    *,
    actor: Access,
    body: GoverningBody,
    title: str,
    proposal: str,
    value: Decimal | None,
    decided_by: Person,
    delegation: DelegatedAuthority,
    decided_on: date,
    **extra,
) -> Decision:
    """Record an operational decision a role holder took under a delegation that covers it (rule 7);
    the holder records it as themselves."""
    standing.require_delegation_holder(actor, decided_by.pk)
    if delegation.body.alliance_id != body.alliance_id:
        raise RuleViolation(
            "decision_alliance_mismatch",
            "That delegation was not found in the alliance of the body named; name a delegation of its alliance.",
            field="delegation",
        )
    refuse_outside_term(alliance_id=body.alliance_id, on=decided_on, what="decision date", field="decided_on")
    value = None if value is None else Decimal(str(value))
    verdict = authority_for(person=decided_by, kind=DecisionKind.OPERATIONAL, value=value, on=decided_on)
    if not verdict.allowed:
        raise RuleViolation("delegated_authority_refused", verdict.reason, field="decided_by")
    _check_named_delegation(delegation, decided_by, value, decided_on)
    decision = Decision(
        body=body,
        alliance_id=body.alliance_id,
        created_by=actor.user,
        taken_under=delegation,
        decided_by=decided_by,
        decided_on=decided_on,
    )
    apply_fields(
        decision, {**extra, "title": title, "proposal": proposal, "kind": DecisionKind.OPERATIONAL, "value": value}
    )
    check_draft(decision)
    now = timezone.now()
    decision.reference = allocate_reference(alliance=body.alliance, series=body.code, year=decided_on.year)
    decision.status = Decision.Status.AGREED
    decision.opened_at = decision.closed_at = now
    decision.outcome_explanation = f"Decided by {decided_by} under delegated authority: {verdict.reason}"
    save_checked(decision, f"Decided under delegated authority by {decided_by}")
    return decision
