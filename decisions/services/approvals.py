"""The authority map: what an outside body (the commissioner's board) delegated to an alliance body
collectively, applied to every decision the body agrees.

A decision of a body that holds such authority, agreed beyond it (over the value limit, of a reserved
kind, or of a kind not delegated), closes AWAITING_APPROVAL: it names the approval it needs and why, and
its effects (rule 8) wait. Attaching the outside body's approval (its decision in this log, or a recorded
approval with its reference) completes it as AGREED; a refusal ends it NOT_APPROVED. Either is an appended
record (DecisionApproval) that leaves the sealed decision as it was closed.

Alliance members never vote at an outside body: its decisions are recorded as approvals, not drafted here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from alliance.choices import DecisionKind
from alliance.errors import RuleViolation
from alliance.formatting import day, money
from alliance.models import GoverningBody
from decisions.approval_models import DecisionApproval
from decisions.models import Decision
from decisions.services.decisions import decision_name, lock_decision, refuse_outside_body
from roles import standing
from roles.access import Access
from roles.models import DelegatedAuthority

__all__ = ["approval_needed", "hold_for_approval", "record_approval", "refuse_outside_body"]


def short_money(amount: Decimal) -> str:
    """£24.6m, £2m, £3.45m; smaller amounts in full pounds."""
    if amount >= 1_000_000:
        return f"£{(Decimal(amount) / 1_000_000).quantize(Decimal('0.01')).normalize():f}m"
    return money(amount, pence=False)


@dataclass(frozen=True)
class Requirement:
    """The approval a decision needs: from which body, under which authority (None: none in force), and why."""

    body: GoverningBody
    authority: DelegatedAuthority | None
    reason: str


def _kind(kind: str) -> str:
    return DecisionKind(kind).label if kind in DecisionKind.values else kind


def approval_needed(decision: Decision, on: date) -> Requirement | None:
    """What approval ``decision`` of its body, agreed on ``on``, needs under the authority map; None when the
    body holds no authority from an outside body (the map does not apply) or the decision is within it."""
    held = list(
        DelegatedAuthority.objects.filter(grantee_body_id=decision.body_id)
        .select_related("body")
        .order_by("-valid_from", "pk")
    )
    if not held:
        return None
    code = decision.body.code
    in_force = [a for a in held if a.is_valid_on(on)]
    if not in_force:
        grantor = held[0].body
        return Requirement(grantor, None, f"No authority from {grantor.name} to {code} was in force on {day(on)}.")
    for authority in in_force:
        if decision.kind in authority.reserved_kinds:
            return Requirement(
                authority.body,
                authority,
                f"{_kind(decision.kind)} is a matter {authority.body.code} reserved to itself when it delegated "
                f"to {code}.",
            )
    covering = [a for a in in_force if decision.kind in a.decision_kinds]
    if not covering:
        grantor = in_force[0].body
        return Requirement(
            grantor,
            in_force[0],
            f"{_kind(decision.kind)} is not among the kinds of decision {grantor.code} delegated to {code}.",
        )
    if decision.value is None or any(a.financial_limit is None for a in covering):
        return None
    best = max(covering, key=lambda a: a.financial_limit)
    if decision.value <= best.financial_limit:
        return None
    return Requirement(
        best.body,
        best,
        f"{short_money(decision.value)} is over the {short_money(best.financial_limit)} {best.body.code} "
        f"delegated to {code}.",
    )


def hold_for_approval(decision: Decision, on: date) -> bool:
    """On close, an agreement beyond the body's authority becomes AWAITING_APPROVAL (its effects wait);
    True when it did."""
    needed = approval_needed(decision, on)
    if needed is None:
        return False
    decision.status = Decision.Status.AWAITING_APPROVAL
    decision.approval_from = needed.body
    decision.approval_authority = needed.authority
    decision.approval_needed = needed.reason
    decision.outcome_explanation = (
        f"{decision.outcome_explanation} Needs the approval of {needed.body.name}: {needed.reason}"
    )
    return True


def _check_approving_decision(decision: Decision, approving: Decision, outcome: str) -> None:
    expected = Decision.Status.AGREED if outcome == DecisionApproval.Outcome.APPROVED else Decision.Status.NOT_AGREED
    if approving.body_id != decision.approval_from_id or approving.status != expected:
        raise RuleViolation(
            "approval_decision_mismatch",
            f"{decision_name(approving)} is not a {expected.label.lower()} decision of {decision.approval_from.name}; "
            "name the decision of that body that answered, or give the reference of its minute instead.",
            field="approving_decision",
        )


@transaction.atomic
def record_approval(
    *,
    actor: Access,
    decision: Decision,
    outcome: str,
    given_on: date,
    reference: str = "",
    approving_decision: Decision | None = None,
    approver: str = "",
    note: str = "",
    recorded_at: datetime | None = None,
) -> DecisionApproval:
    """Attach the outside body's approval (or refusal) to a decision awaiting it: AGREED with its effects
    applied (rule 8), or NOT_APPROVED; the sealed record stays as closed (rule 4)."""
    from decisions.services.closing import _apply_effects  # closing imports this module: import late

    standing.require_record_keeper(actor, decision.body, "record the approval of its decisions")
    decision = lock_decision(decision)
    if decision.status != Decision.Status.AWAITING_APPROVAL:
        raise RuleViolation(
            "decision_not_awaiting_approval",
            f"{decision_name(decision)} is {decision.get_status_display().lower()}, not awaiting an outside "
            "body's approval; there is no approval to record.",
            conflict=True,
        )
    if outcome not in DecisionApproval.Outcome.values:
        raise RuleViolation(
            "approval_outcome_invalid", "Say whether the approval was given or refused.", field="outcome"
        )
    today = timezone.localdate()
    if given_on > today:
        raise RuleViolation(
            "approval_in_future",
            f"The date given ({day(given_on)}) is in the future; record the approval once it is given.",
            field="given_on",
        )
    if decision.decided_on and given_on < decision.decided_on:
        raise RuleViolation(
            "approval_before_decision",
            f"The date given ({day(given_on)}) is before {decision_name(decision)} was agreed "
            f"({day(decision.decided_on)}); an approval answers the agreement.",
            field="given_on",
        )
    if approving_decision is not None:
        _check_approving_decision(decision, approving_decision, outcome)
    elif not reference.strip():
        raise RuleViolation(
            "approval_reference_required",
            f"Give the reference of {decision.approval_from.name}'s answer (its minute or paper), so that "
            "the approval can be traced.",
            field="reference",
        )
    approval = DecisionApproval(
        decision=decision,
        outcome=outcome,
        body=decision.approval_from,
        approving_decision=approving_decision,
        approver=approver.strip(),
        reference=reference.strip(),
        given_on=given_on,
        note=note.strip(),
        recorded_by=actor.user,
        recorded_at=recorded_at or timezone.now(),
    )
    approval.full_clean(validate_constraints=False, validate_unique=False)
    approval.save()
    cited = approval.source
    if outcome == DecisionApproval.Outcome.APPROVED:
        decision.status = Decision.Status.AGREED
        _apply_effects(decision)
        decision._change_reason = f"Approved by {approval.body.code} ({cited})"
    else:
        decision.status = Decision.Status.NOT_APPROVED
        decision._change_reason = f"Approval refused by {approval.body.code} ({cited})"
    decision.save(update_fields=sorted(Decision.APPROVAL_FIELDS))
    return approval
