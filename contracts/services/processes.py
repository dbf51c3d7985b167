"""Award processes: creation under the policy in force, corrections, stage moves and cancellation (rule 6).

Stages run in order: DRAFT -> SUBMISSIONS -> EVALUATION -> RECOMMENDED -> APPROVED | REJECTED ->
CONTRACTED; CANCELLED from any open stage with a reason. Every move is a :class:`StageTransition`
with who and when. The moves that need more than a reason (recommend, approve or reject, contract)
live beside the rules they check (evaluation.py, approval.py); :func:`~contracts.services.transitions.transition`
is the one door the API and the web pages use for all of them.
"""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from alliance.errors import RuleViolation
from alliance.formatting import day, money
from alliance.models import Alliance, Organisation
from alliance.services import allocate_reference, save_checked
from alliance.term import refuse_outside_term
from contracts import queries
from contracts.models import AwardPolicy, AwardProcess, Route, RouteRule, ServiceCategory, StageTransition
from contracts.services.policies import parse_money
from contracts.services.stages import (
    STAGE_ORDER,
    check_value,
    eligible_member,
    lock_process,
    record_transition,
    refuse_stage,
)
from decisions import services as decision_services
from decisions.models import Decision
from roles import standing
from roles.access import Access

__all__ = [
    "create_process",
    "correct_process",
    "open_submissions",
    "start_evaluation",
    "cancel_process",
]

Stage = AwardProcess.Stage
CORRECTABLE = ("title", "description", "estimated_annual_value", "estimated_total_value", "route_justification")
CORRECTABLE += ("external_notice_reference", "visibility", "service_category")


def _justification(rule: RouteRule, policy: AwardPolicy, justification) -> dict:
    if not isinstance(justification, dict):
        raise RuleViolation(
            "award_justification_invalid",
            'Give the route justification point by point, e.g. {"value for money": "..."}.',
            field="route_justification",
        )
    cleaned = {str(k).strip().lower(): str(v).strip() for k, v in justification.items() if str(k).strip()}
    missing = [p for p in rule.justification_must_cover if not cleaned.get(p)]
    if missing:
        raise RuleViolation(
            "award_justification_incomplete",
            f"Award policy v{policy.version} requires the {rule.get_route_display().lower()} justification to "
            f"cover {', '.join(repr(p) for p in rule.justification_must_cover)}; "
            f"{', '.join(repr(p) for p in missing)} is not covered.",
            field="route_justification",
        )
    return cleaned


def _check_shape(process: AwardProcess, rule: RouteRule) -> None:
    """The checks that hold whenever a process is created or corrected (rule 6)."""
    policy = process.policy
    if process.service_category not in ServiceCategory.values:
        raise RuleViolation(
            "award_category_unknown",
            f"Unknown service category '{process.service_category}'; choose from {', '.join(ServiceCategory.values)}.",
            field="service_category",
        )
    if process.visibility not in Decision.Visibility.values:
        raise RuleViolation(
            "award_visibility_unknown", "Visibility is PUBLIC, MEMBERS or CONFIDENTIAL.", field="visibility"
        )
    if not process.title.strip():
        raise RuleViolation("award_title_required", "Give the award process a title.", field="title")
    if process.estimated_total_value < process.estimated_annual_value:
        raise RuleViolation(
            "award_total_below_annual",
            f"The estimated total value ({money(process.estimated_total_value)}) cannot be below the estimated "
            f"annual value ({money(process.estimated_annual_value)}).",
            field="estimated_total_value",
        )
    check_value(rule, policy, process.estimated_total_value, "estimated_total_value", "The estimated total value")
    process.route_justification = _justification(rule, policy, process.route_justification)


def _check_direct_award(process: AwardProcess, direct_award_to: Organisation | None) -> None:
    if process.route != Route.DIRECT_AWARD:
        if direct_award_to is not None:
            raise RuleViolation(
                "award_direct_to_wrong_route",
                "Only a direct award names the member it goes to; leave direct_award_to empty for this route.",
                field="direct_award_to",
            )
        return
    if direct_award_to is None:
        raise RuleViolation(
            "award_direct_to_required",
            "A direct award names exactly one member it goes to; give direct_award_to.",
            field="direct_award_to",
        )
    if eligible_member(process.alliance, direct_award_to, process.started_on) is None:
        raise RuleViolation(
            "award_direct_to_not_member",
            f"{direct_award_to} was not a voting or provider member of {process.alliance} on "
            f"{day(process.started_on)}; a direct award goes to a member. Use external procurement for others.",
            field="direct_award_to",
        )


@transaction.atomic
def create_process(
    *,
    actor: Access,
    alliance: Alliance,
    title: str,
    service_category: str,
    route: str,
    estimated_annual_value,
    estimated_total_value,
    started_on: date,
    route_justification: dict,
    direct_award_to: Organisation | None = None,
    external_notice_reference: str = "",
    description: str = "",
    visibility: str = Decision.Visibility.MEMBERS,
    created_by=None,
    created_at: datetime | None = None,
) -> AwardProcess:
    """Start an award process under the policy in force on its start date (rule 6); the alliance's secretary."""
    standing.require_alliance_keeper(actor, alliance.pk, "start an award process")
    if route not in Route.values:
        raise RuleViolation(
            "award_route_unknown",
            f"Unknown award route '{route}'; choose from {', '.join(Route.values)}.",
            field="route",
        )
    refuse_outside_term(alliance_id=alliance.pk, on=started_on, what="process's start", field="started_on")
    policy = queries.policy_in_force(alliance, started_on)
    if policy is None:
        raise RuleViolation(
            "award_no_policy",
            f"No award policy of {alliance} was in force on {day(started_on)}; adopt one by a POLICY decision "
            "before starting an award process.",
            field="started_on",
        )
    rule = policy.rules.get(route=route)
    if not rule.allowed:
        raise RuleViolation(
            "award_route_not_allowed",
            f"Award policy v{policy.version} does not allow the {rule.get_route_display().lower()} route.",
            field="route",
        )
    process = AwardProcess(
        alliance=alliance,
        title=(title or "").strip(),
        description=description or "",
        service_category=service_category,
        route=route,
        estimated_annual_value=parse_money(estimated_annual_value, "estimated_annual_value", required=True),
        estimated_total_value=parse_money(estimated_total_value, "estimated_total_value", required=True),
        started_on=started_on,
        policy=policy,
        route_justification=route_justification,
        direct_award_to=direct_award_to,
        external_notice_reference=(external_notice_reference or "").strip(),
        visibility=visibility,
        created_by=created_by,
    )
    _check_shape(process, rule)
    _check_direct_award(process, direct_award_to)
    process.reference = allocate_reference(alliance=alliance, series="AW", year=started_on.year)
    save_checked(process, f"Started under award policy v{policy.version}")
    save_checked(
        StageTransition(process=process, to_stage=Stage.DRAFT, at=created_at or timezone.now(), by=created_by),
        "Started",
    )
    return process


@transaction.atomic
def correct_process(*, actor: Access, process: AwardProcess, reason: str, by=None, **fields) -> AwardProcess:
    """Correct an open process's details, saying why; the rules are checked again (rule 6)."""
    standing.require_alliance_keeper(actor, process.alliance_id, "correct an award process")
    if not (reason or "").strip():
        raise RuleViolation("award_correction_reason_required", "Say why the process is corrected.", field="reason")
    unknown = sorted(set(fields) - set(CORRECTABLE))
    if unknown:
        raise RuleViolation(
            "award_field_not_correctable",
            f"{', '.join(unknown)} cannot be corrected; an open process's correctable fields are "
            f"{', '.join(CORRECTABLE)}. Cancel the process and start another to change its route or start date.",
            field=unknown[0],
        )
    process = lock_process(process)
    if not process.is_open:
        raise RuleViolation(
            "award_closed",
            f"{process.reference} is {process.get_stage_display().lower()}; only an open process can be corrected.",
            conflict=True,
        )
    for name in ("estimated_annual_value", "estimated_total_value"):
        if name in fields:
            fields[name] = parse_money(fields[name], name, required=True)
    for key, value in fields.items():
        setattr(process, key, value)
    _check_shape(process, process.policy.rules.get(route=process.route))
    save_checked(process, f"Corrected: {reason.strip()}")
    return process


@transaction.atomic
def open_submissions(*, process: AwardProcess, by=None, reason: str = "", at: datetime | None = None) -> AwardProcess:
    """Open a draft process for submissions; an external procurement first records its notice (rule 6)."""
    process = lock_process(process)
    refuse_stage(process, Stage.DRAFT, f"it can open for submissions only from '{Stage.DRAFT.label}'. {STAGE_ORDER}")
    if process.route == Route.EXTERNAL_PROCUREMENT and not process.external_notice_reference:
        raise RuleViolation(
            "award_external_notice_required",
            f"{process.reference} is an external procurement: record the reference of the published contract "
            "notice (external_notice_reference) before opening it for submissions.",
            field="external_notice_reference",
        )
    record_transition(process=process, to_stage=Stage.SUBMISSIONS, by=by, reason=reason, at=at)
    return process


@transaction.atomic
def start_evaluation(*, process: AwardProcess, by=None, reason: str = "", at: datetime | None = None) -> AwardProcess:
    """Close submissions and start evaluating; the policy's minimum of submissions must have arrived (rule 6)."""
    process = lock_process(process)
    refuse_stage(
        process, Stage.SUBMISSIONS, f"it can move to evaluation only from '{Stage.SUBMISSIONS.label}'. {STAGE_ORDER}"
    )
    rule = process.policy.rules.get(route=process.route)
    count = process.submissions.count()
    if count < rule.min_submissions:
        raise RuleViolation(
            "award_too_few_submissions",
            f"{process.reference} has {count} submission{'s' if count != 1 else ''}; award policy "
            f"v{process.policy.version} needs at least {rule.min_submissions} for the "
            f"{rule.get_route_display().lower()} route. Wait for more, or cancel the process.",
            conflict=True,
        )
    record_transition(process=process, to_stage=Stage.EVALUATION, by=by, reason=reason, at=at)
    return process


@transaction.atomic
def cancel_process(*, process: AwardProcess, reason: str, by=None, at: datetime | None = None) -> AwardProcess:
    """Cancel an open process with a reason; an approval decision still open is withdrawn with it."""
    if not (reason or "").strip():
        raise RuleViolation("award_cancel_reason_required", "Say why the award process is cancelled.", field="reason")
    process = lock_process(process)
    if not process.is_open:
        raise RuleViolation(
            "award_closed",
            f"{process.reference} is {process.get_stage_display().lower()}; only an open process (draft, "
            "submissions, evaluation or recommended) can be cancelled.",
            field="to_stage",
            conflict=True,
        )
    decision = process.approval_decision
    if decision is not None and decision.status == Decision.Status.AGREED:
        raise RuleViolation(
            "award_approval_agreed",
            f"{process.reference} was approved by {decision.reference}; an agreed award is not cancelled. Record "
            "it as approved, then change course through a new decision of the body.",
            field="to_stage",
            conflict=True,
        )
    if decision is not None and not decision.is_sealed:
        # The withdrawal follows from the process's cancellation (an administrator's: the award
        # endpoints are for staff), whoever keeps the approving body's record.
        decision_services.withdraw_decision(
            actor=standing.SYSTEM,
            decision=decision,
            reason=f"Award process {process.reference} cancelled: {reason.strip()}",
            withdrawn_at=at,
        )
    process.cancellation_reason = reason.strip()
    record_transition(process=process, to_stage=Stage.CANCELLED, by=by, reason=reason.strip(), at=at)
    return process
