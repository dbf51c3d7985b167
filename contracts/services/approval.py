"""Approval of an award and the contract it leads to (rules 5 and 6).

The approval is an AWARD decision of the body the policy names, drafted and opened from the
process; every member with a submission in the process, or whose people declared an interest in
it or in one of its bidders, is recused on opening, so it cannot vote (cast_vote refuses it) and
unanimity counts the rest (close_decision leaves recused members out). The process reaches
APPROVED only when that decision is AGREED, REJECTED when it is NOT_AGREED; an approval that lapsed
for missing positions is opened again, the new decision revisiting it.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone

from alliance.choices import DecisionKind
from alliance.errors import RuleViolation
from alliance.formatting import day, day_time
from alliance.services import save_checked
from contracts import queries
from contracts.models import AwardProcess, Contract, ContractTerm
from contracts.services.policies import parse_money
from contracts.services.stages import lock_process, record_transition, refuse_stage
from decisions import services as decision_services
from decisions.models import Decision, Meeting, Recusal
from decisions.queries import local_day
from roles import standing
from roles.access import Access

__all__ = ["open_approval", "recuse_late_interests", "record_approval_outcome", "award_contract"]

Stage = AwardProcess.Stage
WRITTEN_PROCEDURE_DAYS = 14


def _proposal(process: AwardProcess) -> str:
    submission = process.recommended_submission
    lines = [
        f"That {process.alliance} awards '{process.title}' ({process.get_service_category_display().lower()}) "
        f"to {submission.bidder} at a total price of £{submission.price:,.2f}, as recommended in {process.reference}.",
        f"Route: {process.get_route_display()} under award policy v{process.policy.version}.",
    ]
    lines += [f"{point.capitalize()}: {text}" for point, text in process.route_justification.items()]
    return "\n".join(lines)


def _recuse(decision: Decision, process: AwardProcess, on: date, *, already: frozenset = frozenset()) -> list[Recusal]:
    recusals = []
    for item in queries.members_to_recuse(process, on):
        if item["membership"].pk in already:
            continue
        recusals.append(
            # Rule 5 recuses an interested member whoever opened the approval: the system records it.
            decision_services.record_recusal(
                actor=standing.SYSTEM,
                decision=decision,
                membership=item["membership"],
                reason=item["reason"],
                source=item["source"],
                interest=item["interest"],
                on=on,
            )
        )
    return recusals


@transaction.atomic
def recuse_late_interests(*, process: AwardProcess, on: date) -> list[Recusal]:
    """Recuse the members an interest declared while the approval is open concerns (rule 5).

    Recusal is computed on opening; an interest noted later would otherwise let its member vote. A
    vote such a member already cast is struck: kept on the record, marked struck by the recusal, so the
    record shows it was cast and why it no longer counts (record_recusal does this). A recusal for a
    declared interest names the declaration it rests on (``members_to_recuse`` finds it).
    """
    decision = process.approval_decision
    if decision is None:
        return []
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    if decision.status != Decision.Status.OPEN:
        return []
    on = max(on, local_day(decision.opened_at)) if decision.opened_at else on
    already = frozenset(decision.recusals.values_list("membership_id", flat=True))
    return _recuse(decision, process, on, already=already)


def recuse_on_new_declaration(*, declaration, **_signal) -> None:
    """An interest newly declared in a bidder recuses its member from every approval open then (rule 5).

    Connected to roles.signals.interest_declared in ContractsConfig.ready(), so it runs inside the
    transaction of roles.services.declare_interest: the declaration and the recusals are saved together.
    """
    if declaration.concerns_organisation_id is None:
        return
    processes = AwardProcess.objects.filter(
        alliance_id=declaration.alliance_id,
        approval_decision__status=Decision.Status.OPEN,
        submissions__bidder_id=declaration.concerns_organisation_id,
    ).distinct()
    for process in processes:
        recuse_late_interests(process=process, on=declaration.declared_on)


@transaction.atomic
def open_approval(
    *,
    actor: Access,
    process: AwardProcess,
    opened_at: datetime | None = None,
    meeting: Meeting | None = None,
    closes_at: datetime | None = None,
) -> Decision:
    """Draft and open the AWARD decision of the policy's approving body, recusing interested members (rule 5).

    The decision is the approving body's: the actor needs the standing to draft and open it there.
    """
    standing.require_record_keeper(actor, process.policy.approving_body, "open the approval of an award")
    process = lock_process(process)
    refuse_stage(
        process,
        Stage.RECOMMENDED,
        "the approval is opened once a submission is recommended.",
        code="award_not_recommended",
        field=None,
    )
    lapsed = process.approval_decision if process.approval_decision_id is not None else None
    if lapsed is not None and lapsed.status != Decision.Status.LAPSED:
        raise RuleViolation(
            "award_approval_exists",
            f"{process.reference} already has its approval decision "
            f"({process.approval_decision.reference or process.approval_decision.title}).",
            conflict=True,
        )
    opened_at = opened_at or timezone.now()
    if meeting is None and closes_at is None:
        closes_at = opened_at + timedelta(days=WRITTEN_PROCEDURE_DAYS)
    process.recommended_submission = process.submissions.select_related("bidder").get(
        pk=process.recommended_submission_id
    )
    body = process.policy.approving_body
    decision = decision_services.draft_decision(
        actor=actor,
        body=body,
        title=f"Award {process.reference}: {process.title} to {process.recommended_submission.bidder}",
        proposal=_proposal(process),
        kind=DecisionKind.AWARD,
        meeting=meeting,
        rationale=process.transitions.filter(to_stage=Stage.RECOMMENDED)
        .order_by("-at")
        .values_list("reason", flat=True)
        .first()
        or "",
        visibility=process.visibility,
        tags=["award", process.get_service_category_display().lower()],
        value=process.recommended_submission.price,
        closes_at=closes_at,
        # An approval that lapsed for missing positions decided nothing: it is put to the body again.
        revisits=[lapsed] if lapsed is not None else (),
        now=opened_at,
    )
    decision = decision_services.open_decision(actor=actor, decision=decision, opened_at=opened_at)
    process.approval_decision = decision
    save_checked(process, f"Approval opened: {decision.reference}")
    _recuse(decision, process, local_day(opened_at))
    return decision


@transaction.atomic
def record_approval_outcome(
    *, process: AwardProcess, expected: str | None = None, by=None, reason: str = "", at: datetime | None = None
) -> AwardProcess:
    """APPROVED only by an AGREED AWARD decision of the policy's body; REJECTED when not agreed (rule 6)."""
    process = lock_process(process)
    refuse_stage(process, Stage.RECOMMENDED, "approval follows a recommendation.")
    decision = process.approval_decision
    if decision is None:
        raise RuleViolation(
            "award_approval_missing",
            f"{process.reference} has no approval decision yet; open it from the process first.",
            conflict=True,
        )
    decision = Decision.objects.select_related("body").get(pk=decision.pk)
    if decision.kind != DecisionKind.AWARD or decision.body_id != process.policy.approving_body_id:
        raise RuleViolation(
            "award_approval_wrong_body",
            f"{decision.reference} is not an AWARD decision of {process.policy.approving_body}, the body award "
            f"policy v{process.policy.version} names for approval.",
            conflict=True,
        )
    outcomes = {
        Decision.Status.AGREED: Stage.APPROVED,
        Decision.Status.NOT_AGREED: Stage.REJECTED,
        Decision.Status.NOT_APPROVED: Stage.REJECTED,
    }
    if decision.status == Decision.Status.LAPSED:
        raise RuleViolation(
            "award_approval_lapsed",
            f"{decision.reference} lapsed (positions missing), so {process.reference} is neither approved nor "
            "rejected; open its approval again from the process.",
            conflict=True,
        )
    if decision.status == Decision.Status.AWAITING_APPROVAL:
        raise RuleViolation(
            "award_approval_awaiting_outside_body",
            f"{decision.reference} is agreed subject to the approval of {decision.approval_from.name} "
            f"({decision.approval_needed}); record that approval on the decision first.",
            conflict=True,
        )
    if decision.status not in outcomes:
        raise RuleViolation(
            "award_approval_not_decided",
            f"{decision.reference} is {decision.get_status_display().lower()}; close it with an outcome before "
            "recording whether the award is approved.",
            conflict=True,
        )
    outcome = outcomes[decision.status]
    if expected is not None and expected != outcome:
        raise RuleViolation(
            "award_outcome_mismatch",
            f"{decision.reference} was {decision.get_status_display().lower()}, so {process.reference} is "
            f"{Stage(outcome).label.lower()}, not {Stage(expected).label.lower()}.",
            field="to_stage",
            conflict=True,
        )
    if at is not None and decision.closed_at is not None and at < decision.closed_at:
        raise RuleViolation(
            "award_outcome_before_decision",
            f"{decision.reference} closed on {day_time(decision.closed_at)}; the award's "
            "outcome cannot be recorded before its decision was taken. Give a later time, or leave it out.",
            field="at",
        )
    text = (reason or "").strip() or f"{decision.reference}: {decision.outcome_explanation}"
    record_transition(process=process, to_stage=outcome, by=by, reason=text, at=at or decision.closed_at)
    return process


def _extend(contract: Contract, process: AwardProcess, ends_on: date, annual_value, extension_until) -> Contract:
    contract = Contract.objects.select_for_update().get(pk=contract.pk)
    provider = process.recommended_submission.bidder
    if contract.alliance_id != process.alliance_id or contract.provider_id != provider.pk:
        raise RuleViolation(
            "contract_extension_mismatch",
            f"{contract} is not a contract of {provider} in {process.alliance}; a process extends only the "
            "contract of the provider it awards to.",
            field="extends",
        )
    if ends_on <= contract.ends_on:
        raise RuleViolation(
            "contract_extension_not_later",
            f"{contract.title} already runs to {day(contract.ends_on)}; an extension ends later.",
            field="ends_on",
        )
    if contract.extension_until and ends_on > contract.extension_until:
        raise RuleViolation(
            "contract_extension_beyond_option",
            f"{contract.title} may be extended to {day(contract.extension_until)} at the latest, not {day(ends_on)}.",
            field="ends_on",
        )
    if not contract.terms.exists():
        # A contract from before terms were kept: its first term is what it holds now.
        save_checked(
            ContractTerm(
                contract=contract,
                starts_on=contract.starts_on,
                ends_on=contract.ends_on,
                annual_value=contract.annual_value,
                awarded_through=contract.awarded_through,
            ),
            "First term",
        )
    save_checked(
        ContractTerm(
            contract=contract,
            starts_on=contract.ends_on + timedelta(days=1),
            ends_on=ends_on,
            annual_value=annual_value,
            awarded_through=process,
        ),
        f"Extension by {process.reference}",
    )
    contract.ends_on = ends_on
    contract.annual_value = annual_value
    contract.status = Contract.Status.ACTIVE
    if extension_until is not None:
        contract.extension_until = extension_until
    save_checked(contract, f"Extended by {process.reference} to {day(ends_on)}")
    return contract


@transaction.atomic
def award_contract(
    *,
    process: AwardProcess,
    starts_on: date | None = None,
    ends_on: date | None = None,
    extension_until: date | None = None,
    in_scope: bool = True,
    annual_value=None,
    extends: Contract | None = None,
    by=None,
    reason: str = "",
    at: datetime | None = None,
) -> AwardProcess:
    """CONTRACTED: create the contract an approved award leads to, or extend the provider's contract."""
    process = lock_process(process)
    refuse_stage(process, Stage.APPROVED, "only an approved award is contracted.", code="award_not_approved")
    if ends_on is None:
        raise RuleViolation("contract_end_required", "Give the last day of the contract's term.", field="ends_on")
    process.recommended_submission = process.submissions.select_related("bidder").get(
        pk=process.recommended_submission_id
    )
    value = parse_money(annual_value, "annual_value") or process.estimated_annual_value
    if extends is not None:
        contract = _extend(extends, process, ends_on, value, extension_until)
    else:
        if starts_on is None:
            raise RuleViolation("contract_start_required", "Give the first day of the contract.", field="starts_on")
        if ends_on < starts_on:
            raise RuleViolation(
                "contract_term_order",
                f"The contract cannot end ({day(ends_on)}) before it starts ({day(starts_on)}).",
                field="ends_on",
            )
        if extension_until is not None and extension_until < ends_on:
            raise RuleViolation(
                "contract_extension_order",
                f"The extension option ({day(extension_until)}) must run beyond the term's end ({day(ends_on)}).",
                field="extension_until",
            )
        contract = Contract(
            alliance=process.alliance,
            title=process.title,
            service_category=process.service_category,
            provider=process.recommended_submission.bidder,
            annual_value=value,
            starts_on=starts_on,
            ends_on=ends_on,
            extension_until=extension_until,
            in_scope=in_scope,
            awarded_through=process,
        )
        save_checked(contract, f"Awarded through {process.reference}")
        term = ContractTerm(
            contract=contract, starts_on=starts_on, ends_on=ends_on, annual_value=value, awarded_through=process
        )
        save_checked(term, f"Awarded through {process.reference}")
    process.resulting_contract = contract
    text = (reason or "").strip() or (
        f"Contract extended to {day(ends_on)}" if extends is not None else f"Contract from {day(starts_on)}"
    )
    record_transition(process=process, to_stage=Stage.CONTRACTED, by=by, reason=text, at=at)
    return process
