"""What every stage of an award process shares: locking it, moving it, refusing a wrong stage (rule 6).

The stage modules (processes.py, evaluation.py, approval.py) import from here; transitions.py sits on
top of them. Nothing here imports a stage module, so the stages never import each other back.
"""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from alliance.errors import RuleViolation
from alliance.formatting import money
from alliance.models import Alliance, Membership, Organisation
from alliance.services import save_checked
from contracts.models import AwardPolicy, AwardProcess, RouteRule, StageTransition

__all__ = ["record_transition", "lock_process", "eligible_member", "check_value"]

Stage = AwardProcess.Stage
STAGE_ORDER = "Stages run draft, submissions, evaluation, recommended, approved or rejected, contracted."


def lock_process(process: AwardProcess) -> AwardProcess:
    return (
        AwardProcess.objects.select_for_update(of=("self",))
        .select_related("alliance", "policy__approving_body", "direct_award_to")
        .get(pk=process.pk)
    )


def record_transition(*, process: AwardProcess, to_stage: str, by=None, reason: str = "", at=None) -> None:
    """Move the (locked) process to ``to_stage`` and keep the move with who and when."""
    from_stage = process.stage
    process.stage = to_stage
    save_checked(process, reason or f"{Stage(from_stage).label} → {Stage(to_stage).label}")
    save_checked(
        StageTransition(
            process=process, from_stage=from_stage, to_stage=to_stage, at=at or timezone.now(), by=by, reason=reason
        ),
        reason,
    )


def refuse_stage(
    process: AwardProcess, expected: str, why: str, *, code: str = "award_stage_order", field: str | None = "to_stage"
) -> None:
    """Refuse a process that is not at ``expected``, saying ``why`` after the stage it is at (rule 6)."""
    if process.stage != expected:
        raise RuleViolation(
            code,
            f"{process.reference} is at the stage '{process.get_stage_display()}'; {why}",
            field=field,
            conflict=True,
        )


def eligible_member(alliance: Alliance, organisation: Organisation, on: date) -> Membership | None:
    """The organisation's membership on ``on`` if it is voting or a provider then (rule 6), else None."""
    membership = Membership.objects.filter(alliance=alliance, organisation=organisation).open_on(on).first()
    if membership is None:
        return None
    if membership.status_as_of(on) == Membership.Status.VOTING or Membership.Capacity.PROVIDER in membership.capacities:
        return membership
    return None


def check_value(rule: RouteRule, policy: AwardPolicy, value, field: str, what: str) -> None:
    """Refuse a value outside the route's limits in the policy, naming the limit (rule 6)."""
    route = rule.get_route_display().lower()
    if rule.max_value is not None and value > rule.max_value:
        raise RuleViolation(
            "award_value_above_limit",
            f"{what} of {money(value)} is above the {route} limit of {money(rule.max_value)} in award "
            f"policy v{policy.version}; choose another route or reduce the value.",
            field=field,
        )
    if rule.min_value is not None and value < rule.min_value:
        raise RuleViolation(
            "award_value_below_limit",
            f"{what} of {money(value)} is below the {route} minimum of {money(rule.min_value)} in award "
            f"policy v{policy.version}; choose another route.",
            field=field,
        )
