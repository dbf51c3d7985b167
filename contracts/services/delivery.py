"""The delivery plan: create a workstream, adopt and change it by decisions, its milestones (add, move
the target, red / amber / green, achieved), the contracts whose end dates wait on it, and its end.

Kept by the alliance's secretaries and staff (roles/standing.py, ``require_alliance_keeper``);
oversight reads the plan and writes nothing here. A workstream is delivered only once an AGREED
decision of its own alliance adopted it; once adopted, its objective, owner and success definition
change, a milestone's target moves, and the workstream closes without completing, only with the
agreed decision behind the change (the history keeps each one, with the decision).
"""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from alliance.errors import RuleViolation
from alliance.formatting import day
from alliance.models import Alliance, GoverningBody
from alliance.services import save_checked
from contracts.delivery_models import Milestone, Workstream, WorkstreamContract
from contracts.models import Contract
from decisions.models import Decision
from roles import standing
from roles.access import Access
from roles.models import Role

__all__ = [
    "create_workstream",
    "adopt_workstream",
    "change_workstream",
    "add_milestone",
    "move_milestone_target",
    "set_milestone_rag",
    "record_milestone_achieved",
    "link_workstream_contract",
    "unlink_workstream_contract",
    "complete_workstream",
    "close_workstream",
]

DOING = "keep the delivery plan"
Status = Workstream.Status
Rag = Milestone.Rag
#: What a workstream's change may touch: the field and the words the form uses for it.
CHANGEABLE = {
    "title": "title",
    "objective": "objective",
    "alliance_objective": "alliance objective",
    "success_definition": "success definition",
    "owner_role": "owner",
    "body": "reporting body",
}


def _require(actor: Access, alliance_id: int) -> None:
    standing.require_alliance_keeper(actor, alliance_id, DOING)


def _text(value: str, code: str, message: str, field: str) -> str:
    value = (value or "").strip()
    if not value:
        raise RuleViolation(code, message, field=field)
    return value


def _agreed_decision(alliance: Alliance, decision: Decision | None, *, doing: str, field: str = "decision") -> Decision:
    """The AGREED decision of the workstream's own alliance behind a change, or a refusal saying which."""
    if decision is None:
        raise RuleViolation(
            "delivery_decision_required",
            f"Choose the agreed decision of {alliance} that decided to {doing}.",
            field=field,
        )
    if decision.alliance_id != alliance.pk:
        # Not named: the caller may not be able to read another alliance's decision (the read rule).
        raise RuleViolation(
            "delivery_decision_elsewhere",
            f"That decision was not found in {alliance}; choose one of its own agreed decisions.",
            field=field,
        )
    if decision.status != Decision.Status.AGREED:
        raise RuleViolation(
            "delivery_decision_not_agreed",
            f"{decision.reference or decision.title} is {decision.get_status_display().lower()}, not agreed; "
            f"only an agreed decision can {doing}. Close the decision first, or choose the one that was agreed.",
            field=field,
        )
    return decision


def _check_owner_and_body(alliance_id: int, owner_role: Role | None, body: GoverningBody | None) -> None:
    # Neither message names the record: it may be another alliance's, which the caller cannot read.
    if owner_role is not None and owner_role.alliance_id != alliance_id:
        raise RuleViolation(
            "workstream_owner_elsewhere",
            "That role was not found in this alliance; choose one of its roles as the owner.",
            field="owner_role",
        )
    if body is not None and body.alliance_id != alliance_id:
        raise RuleViolation(
            "workstream_body_elsewhere",
            "That body was not found in this alliance; choose one of its bodies, or none.",
            field="body",
        )


def _locked(workstream: Workstream) -> Workstream:
    return Workstream.objects.select_for_update(of=("self",)).select_related("alliance").get(pk=workstream.pk)


def _open(workstream: Workstream, doing: str) -> None:
    if workstream.status in (Status.COMPLETED, Status.CLOSED):
        raise RuleViolation(
            "workstream_finished",
            f"{workstream.title} is {workstream.get_status_display().lower()}; you cannot {doing} any more. "
            "A new piece of work needs a new workstream.",
            conflict=True,
        )


# Workstreams ---------------------------------------------------------------------------------


@transaction.atomic
def create_workstream(
    *,
    actor: Access,
    alliance: Alliance,
    title: str,
    objective: str,
    alliance_objective: str = "",
    success_definition: str = "",
    owner_role: Role | None = None,
    body: GoverningBody | None = None,
    visibility: str = Workstream.Visibility.MEMBERS,
    now: datetime | None = None,
) -> Workstream:
    """Propose a workstream of the alliance's delivery plan (it is delivered once a decision adopts it)."""
    _require(actor, alliance.pk)
    title = _text(title, "workstream_title_required", "Give the workstream a title.", "title")
    objective = _text(
        objective,
        "workstream_objective_required",
        "Say what the workstream is to achieve (its objective).",
        "objective",
    )
    _check_owner_and_body(alliance.pk, owner_role, body)
    now = now or timezone.now()
    workstream = Workstream(
        alliance=alliance,
        title=title,
        objective=objective,
        alliance_objective=(alliance_objective or "").strip(),
        success_definition=(success_definition or "").strip(),
        owner_role=owner_role,
        body=body,
        visibility=visibility,
        status=Status.PROPOSED,
        created_at=now,
    )
    workstream._history_date = now
    save_checked(workstream, "Workstream proposed")
    return workstream


@transaction.atomic
def adopt_workstream(
    *, actor: Access, workstream: Workstream, decision: Decision | None, now: datetime | None = None
) -> Workstream:
    """Adopt a proposed workstream by an AGREED decision of its own alliance; it is then being delivered."""
    _require(actor, workstream.alliance_id)
    workstream = _locked(workstream)
    if workstream.status != Status.PROPOSED:
        raise RuleViolation(
            "workstream_not_proposed",
            f"{workstream.title} is already {workstream.get_status_display().lower()}; only a proposed workstream "
            "is adopted. Change it with 'Change the workstream' instead.",
            conflict=True,
        )
    decision = _agreed_decision(workstream.alliance, decision, doing="adopt the workstream")
    workstream.adopted_by = decision
    workstream.status = Status.ACTIVE
    workstream._history_date = now or timezone.now()
    save_checked(workstream, f"Adopted by {decision.reference}")
    return workstream


@transaction.atomic
def change_workstream(
    *, actor: Access, workstream: Workstream, decision: Decision | None = None, **changes
) -> Workstream:
    """Change a workstream's title, objective, alliance objective, success definition, owner or reporting
    body; once adopted, only with the agreed decision behind the change (kept as ``changed_by``)."""
    _require(actor, workstream.alliance_id)
    unknown = set(changes) - set(CHANGEABLE)
    if unknown:
        raise RuleViolation(
            "workstream_change_unknown",
            f"Only the {', '.join(CHANGEABLE.values())} of a workstream can be changed here.",
        )
    workstream = _locked(workstream)
    _open(workstream, "change it")
    _check_owner_and_body(workstream.alliance_id, changes.get("owner_role"), changes.get("body"))
    for field in ("title", "objective"):
        if field in changes:
            changes[field] = _text(
                changes[field], f"workstream_{field}_required", f"The workstream's {field} cannot be empty.", field
            )
    for field in ("alliance_objective", "success_definition"):
        if field in changes:
            changes[field] = (changes[field] or "").strip()
    changed = [field for field, value in changes.items() if getattr(workstream, field) != value]
    if not changed:
        raise RuleViolation(
            "workstream_unchanged",
            "Nothing was changed: change the objective, the owner or the success definition, or leave the form.",
        )
    words = ", ".join(CHANGEABLE[field] for field in changed)
    reason = f"Changed ({words})"
    if workstream.status != Status.PROPOSED:
        decision = _agreed_decision(workstream.alliance, decision, doing="change the workstream")
        workstream.changed_by = decision
        reason += f" by {decision.reference}"
    for field in changed:
        setattr(workstream, field, changes[field])
    save_checked(workstream, reason)
    return workstream


@transaction.atomic
def complete_workstream(*, actor: Access, workstream: Workstream) -> Workstream:
    """Mark a workstream being delivered as completed, once every one of its milestones is achieved."""
    _require(actor, workstream.alliance_id)
    workstream = _locked(workstream)
    if workstream.status != Status.ACTIVE:
        raise RuleViolation(
            "workstream_not_active",
            f"{workstream.title} is {workstream.get_status_display().lower()}; only a workstream being delivered "
            "is completed.",
            conflict=True,
        )
    open_milestones = list(workstream.milestones.open().values_list("title", flat=True))
    if open_milestones:
        raise RuleViolation(
            "workstream_milestones_open",
            f"{len(open_milestones)} milestone(s) are not yet achieved ({', '.join(open_milestones)}); record each "
            "one achieved first, or close the workstream without completing it.",
            conflict=True,
        )
    workstream.status = Status.COMPLETED
    save_checked(workstream, "Completed")
    return workstream


@transaction.atomic
def close_workstream(
    *, actor: Access, workstream: Workstream, decision: Decision | None, reason: str = ""
) -> Workstream:
    """Close a workstream without completing it, by the agreed decision that stopped it."""
    _require(actor, workstream.alliance_id)
    workstream = _locked(workstream)
    _open(workstream, "close it")
    reason = _text(reason, "workstream_close_reason", "Say why the workstream is closed without completing.", "reason")
    if workstream.status == Status.PROPOSED:
        raise RuleViolation(
            "workstream_not_adopted",
            f"{workstream.title} was never adopted, so there is nothing to close: it stays proposed.",
            conflict=True,
        )
    decision = _agreed_decision(workstream.alliance, decision, doing="close the workstream")
    workstream.changed_by = decision
    workstream.status = Status.CLOSED
    save_checked(workstream, f"Closed by {decision.reference}: {reason}")
    return workstream


# Milestones ----------------------------------------------------------------------------------


def _milestone_locked(milestone: Milestone, doing: str) -> Milestone:
    milestone = (
        Milestone.objects.select_for_update(of=("self",)).select_related("workstream__alliance").get(pk=milestone.pk)
    )
    _open(milestone.workstream, doing)
    return milestone


@transaction.atomic
def add_milestone(
    *,
    actor: Access,
    workstream: Workstream,
    title: str,
    baseline_target_on: date | None,
    target_on: date | None = None,
    decision: Decision | None = None,
    description: str = "",
    order: int | None = None,
    now: datetime | None = None,
) -> Milestone:
    """Add a milestone with its baseline target; a current target other than the baseline needs the
    agreed decision that set it."""
    _require(actor, workstream.alliance_id)
    workstream = _locked(workstream)
    _open(workstream, "add milestones to it")
    title = _text(title, "milestone_title_required", "Give the milestone a title.", "title")
    if baseline_target_on is None:
        raise RuleViolation(
            "milestone_baseline_required", "Give the baseline target date: when the plan said it would be done.",
            field="baseline_target_on",
        )  # fmt: skip
    target_on = target_on or baseline_target_on
    if target_on != baseline_target_on:
        decision = _agreed_decision(
            workstream.alliance, decision, doing="set a target other than the baseline", field="decision"
        )
    else:
        decision = None
    if order is None:
        last = workstream.milestones.order_by("-order").values_list("order", flat=True).first()
        order = 0 if last is None else last + 1
    milestone = Milestone(
        workstream=workstream,
        title=title,
        description=(description or "").strip(),
        order=order,
        baseline_target_on=baseline_target_on,
        target_on=target_on,
        target_changed_by=decision,
        rag=Rag.GREEN,
    )
    milestone._history_date = now or timezone.now()
    save_checked(milestone, "Milestone added")
    return milestone


@transaction.atomic
def move_milestone_target(
    *,
    actor: Access,
    milestone: Milestone,
    target_on: date | None,
    decision: Decision | None,
    reason: str = "",
    now: datetime | None = None,
) -> Milestone:
    """Move an open milestone's current target, only by an agreed decision of the alliance; the
    baseline stays, so the slippage shows."""
    _require(actor, milestone.workstream.alliance_id)
    milestone = _milestone_locked(milestone, "move its milestones")
    if milestone.actual_on is not None:
        raise RuleViolation(
            "milestone_achieved",
            f"{milestone.title} was achieved on {day(milestone.actual_on)}; its target no longer moves.",
            conflict=True,
        )
    if target_on is None:
        raise RuleViolation("milestone_target_required", "Give the new target date.", field="target_on")
    if target_on == milestone.target_on:
        raise RuleViolation(
            "milestone_target_unchanged",
            f"The target is already {day(target_on)}; give another date, or leave the form.",
            field="target_on",
        )
    decision = _agreed_decision(milestone.workstream.alliance, decision, doing="move the milestone's target")
    previous = milestone.target_on
    milestone.target_on = target_on
    milestone.target_changed_by = decision
    milestone._history_date = now or timezone.now()
    why = f": {reason.strip()}" if (reason or "").strip() else ""
    save_checked(milestone, f"Target moved from {day(previous)} to {day(target_on)} by {decision.reference}{why}")
    return milestone


@transaction.atomic
def set_milestone_rag(
    *, actor: Access, milestone: Milestone, rag: str, reason: str = "", now: datetime | None = None
) -> Milestone:
    """Set an open milestone's status green, amber or red; amber and red say why. Who set it and when
    are kept."""
    _require(actor, milestone.workstream.alliance_id)
    milestone = _milestone_locked(milestone, "set the status of its milestones")
    if milestone.actual_on is not None:
        raise RuleViolation(
            "milestone_achieved",
            f"{milestone.title} was achieved on {day(milestone.actual_on)}; its status stays complete.",
            conflict=True,
        )
    if rag == Rag.COMPLETE:
        raise RuleViolation(
            "milestone_complete_by_achieving",
            "A milestone becomes complete when it is achieved: use 'Record achieved' with the date.",
            field="rag",
        )
    if rag not in (Rag.GREEN, Rag.AMBER, Rag.RED):
        raise RuleViolation("milestone_rag_unknown", "Choose green, amber or red.", field="rag")
    reason = (reason or "").strip()
    if rag in (Rag.AMBER, Rag.RED) and not reason:
        raise RuleViolation(
            "milestone_rag_reason_required",
            f"Say why the milestone is {Rag(rag).label.split(':')[0].lower()}: give the reason for the status.",
            field="reason",
        )
    now = now or timezone.now()
    milestone.rag, milestone.rag_reason = rag, reason
    milestone.rag_set_by, milestone.rag_set_at = actor.user, now
    milestone._history_date = now
    save_checked(milestone, f"Status {Rag(rag).label.lower()}" + (f": {reason}" if reason else ""))
    return milestone


@transaction.atomic
def record_milestone_achieved(
    *, actor: Access, milestone: Milestone, actual_on: date | None, now: datetime | None = None
) -> Milestone:
    """Record the day a milestone of an adopted workstream was achieved (not a day to come); its status
    becomes complete."""
    _require(actor, milestone.workstream.alliance_id)
    milestone = _milestone_locked(milestone, "record its milestones achieved")
    if milestone.workstream.status == Status.PROPOSED:
        raise RuleViolation(
            "workstream_not_adopted",
            f"{milestone.workstream.title} is still proposed; adopt it before recording its milestones achieved.",
            conflict=True,
        )
    if milestone.actual_on is not None:
        raise RuleViolation(
            "milestone_achieved",
            f"{milestone.title} was already recorded achieved on {day(milestone.actual_on)}.",
            conflict=True,
        )
    now = now or timezone.now()
    if actual_on is None:
        raise RuleViolation("milestone_actual_required", "Give the date it was achieved.", field="actual_on")
    if actual_on > timezone.localdate(now):
        raise RuleViolation(
            "milestone_actual_future",
            f"{day(actual_on)} is still to come; record a milestone achieved on or after the day it is.",
            field="actual_on",
        )
    milestone.actual_on = actual_on
    milestone.rag, milestone.rag_set_by, milestone.rag_set_at = Rag.COMPLETE, actor.user, now
    milestone._history_date = now
    save_checked(milestone, f"Achieved on {day(actual_on)}")
    return milestone


# Dependent contracts -------------------------------------------------------------------------


@transaction.atomic
def link_workstream_contract(
    *, actor: Access, workstream: Workstream, contract: Contract | None, note: str = ""
) -> WorkstreamContract:
    """Record that a contract's end date waits on the workstream (a redesign that slips extends it)."""
    _require(actor, workstream.alliance_id)
    workstream = _locked(workstream)
    _open(workstream, "link contracts to it")
    if contract is None:
        raise RuleViolation("workstream_contract_required", "Choose the contract.", field="contract")
    if contract.alliance_id != workstream.alliance_id:
        raise RuleViolation(
            "workstream_contract_elsewhere",
            f"That contract was not found in {workstream.alliance}; choose one of its own contracts.",
            field="contract",
        )
    if WorkstreamContract.objects.filter(workstream=workstream, contract=contract).exists():
        raise RuleViolation(
            "workstream_contract_linked",
            f"{contract.title} is already linked to {workstream.title}.",
            field="contract",
            conflict=True,
        )
    link = WorkstreamContract(workstream=workstream, contract=contract, note=(note or "").strip())
    save_checked(link, "Contract linked")
    return link


@transaction.atomic
def unlink_workstream_contract(*, actor: Access, link: WorkstreamContract) -> None:
    """Remove a contract from the workstream's dependent contracts (the history keeps the link)."""
    _require(actor, link.workstream.alliance_id)
    workstream = _locked(link.workstream)
    _open(workstream, "unlink its contracts")
    link = WorkstreamContract.objects.select_for_update().get(pk=link.pk)
    link._change_reason = "Contract unlinked"
    link.delete()
