"""The one door for moving an award process between stages (rules 5 and 6).

It sits above the stage modules and picks the service that checks each move; the API and the web
pages call :func:`transition`, never a stage module's move directly.
"""

from __future__ import annotations

from django.db import transaction

from alliance.errors import RuleViolation
from contracts.models import AwardProcess
from contracts.services import approval, evaluation, processes
from roles import standing
from roles.access import Access

__all__ = ["transition"]

Stage = AwardProcess.Stage

# The details each move takes besides who, when and why; anything else is refused, naming the field.
STAGE_DETAILS = {
    Stage.RECOMMENDED: ("submission",),
    Stage.CONTRACTED: ("starts_on", "ends_on", "extension_until", "in_scope", "annual_value", "extends"),
}
MOVES = {
    Stage.SUBMISSIONS: processes.open_submissions,
    Stage.EVALUATION: processes.start_evaluation,
    Stage.RECOMMENDED: evaluation.recommend,
    Stage.APPROVED: approval.record_approval_outcome,
    Stage.REJECTED: approval.record_approval_outcome,
    Stage.CONTRACTED: approval.award_contract,
    Stage.CANCELLED: processes.cancel_process,
}


def _refuse_stray_details(to_stage: str, details: dict) -> None:
    stray = sorted(set(details) - set(STAGE_DETAILS.get(to_stage, ())))
    if not stray:
        return
    uses = {name: stage for stage, names in STAGE_DETAILS.items() for name in names}
    name = stray[0]
    name_shown = "recommended_submission" if name == "submission" else name
    where = f"it is given only with '{Stage(uses[name]).label}'" if name in uses else "no move takes it"
    raise RuleViolation(
        "award_detail_not_for_stage",
        f"{name_shown} is not used when moving to '{Stage(to_stage).label}'; {where}. Leave it out.",
        field=name_shown,
    )


@transaction.atomic
def transition(
    *, actor: Access, process: AwardProcess, to_stage: str, by=None, reason: str = "", at=None, **details
) -> AwardProcess:
    """Move a process to ``to_stage`` through the service that checks that move (rules 5 and 6); the
    alliance's secretary moves it."""
    standing.require_alliance_keeper(actor, process.alliance_id, "move an award process to another stage")
    if to_stage not in MOVES:
        raise RuleViolation(
            "award_stage_unknown",
            f"A process cannot be moved to '{to_stage}'; choose one of {', '.join(MOVES)}.",
            field="to_stage",
        )
    _refuse_stray_details(to_stage, details)
    move = MOVES[to_stage]
    if move is approval.record_approval_outcome:
        details["expected"] = to_stage
    return move(process=process, by=by, reason=reason, at=at, **details)
