"""Closing a decision: the outcome and counts (rule 3) and the effects of agreement (rule 8).

Closing locks the decision row, so a vote arriving at the same moment is either counted or
refused, and the stored counts always match the stored votes.
"""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from alliance.choices import DecisionKind
from alliance.errors import RuleViolation
from alliance.formatting import time_on_day
from alliance.models import GoverningBody, rule_in_words
from alliance.services import save_checked
from decisions import queries
from decisions.models import Decision, Vote
from decisions.services.advice import check_advice_heard
from decisions.services.approvals import hold_for_approval
from decisions.services.decisions import check_moment, decision_name, lock_decision, sealed_refusal
from roles import services as roles_services
from roles import standing
from roles.access import Access
from roles.models import RoleAssignment

__all__ = ["close_decision", "closing_preview"]

# ``_outcome``'s answer for a unanimous decision that nobody refused but some eligible members gave no position.
LAPSED_OUTCOME = None


def _names(voters) -> str:
    names = sorted(v.name for v in voters)
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _outcome(decision: Decision, tally: dict) -> tuple[bool | None, str]:
    """Agreed (True), not agreed (False) or lapsed (``LAPSED_OUTCOME``), and why, in words."""
    body, applies = decision.body, tally["rule"]
    rule = applies.decision_rule
    objectors, abstainers, silent = tally["objectors"], tally["abstainers"], tally["silent"]
    agree, objected, abstained = len(tally["agreeing"]), len(objectors), len(abstainers)
    if tally["eligible"] == 0:
        return False, "Not agreed: no member was eligible to vote on the decision's date."
    if tally["present"] < tally["needed"]:
        return False, f"Not agreed: quorum not met ({tally['present']} of {tally['needed']} needed)."
    if rule == GoverningBody.DecisionRule.UNANIMOUS:
        if objectors:
            return False, f"Not agreed: {_names(objectors)} objected."
        if abstainers and applies.abstention_blocks:
            return False, (
                f"Not agreed: {_names(abstainers)} abstained, and an abstention blocks a unanimous decision of "
                f"{body.code}."
            )
        if silent:
            # Absence is not refusal: nobody objected or blocked, so the matter lapses (LAPSED_OUTCOME).
            return LAPSED_OUTCOME, (
                f"Lapsed: positions missing. Nobody objected, but {_names(silent)} gave no position; a unanimous "
                "decision needs every eligible member, so the matter may be brought back as a new decision."
            )
        extra = f" ({abstained} abstained)" if abstained else ""
        return True, f"Agreed unanimously by all {agree} eligible members{extra}."
    if rule == GoverningBody.DecisionRule.CONSENSUS:
        if objectors:
            return False, f"Not agreed: {_names(objectors)} objected, so there is no consensus."
        return True, f"Agreed by consensus: {agree} agreed, {abstained} abstained, no objection."
    if agree > objected:
        return True, f"Agreed by majority: {agree} agreed, {objected} objected, {abstained} abstained."
    return False, f"Not agreed: {agree} agreed and {objected} objected; a majority needs more agreeing than objecting."


def _tally(decision: Decision, on: date) -> dict:
    """The body's voting seats on ``on`` and their positions, against the rule for the decision's kind (rule 3)."""
    voters = queries.electorate(decision, on)
    eligible = voters.eligible_keys
    # A vote struck by a recusal stays on the record but is not counted (rule 5).
    counted = Vote.objects.filter(decision=decision, struck_by__isnull=True)
    votes = {key: v for v in counted if (key := queries.voter_key(v)) in eligible}
    by = {v.key: v for v in voters.eligible}
    if decision.meeting_id:
        present = len(queries.voters_present(decision.meeting) & eligible)
    else:
        present = len(votes)
    rule = decision.body.rule_for(decision.kind)
    return {
        "eligible": len(eligible),
        "recused": len(voters.recused),
        "agreeing": [by[key] for key, v in votes.items() if v.position == Vote.Position.AGREE],
        "objectors": [by[key] for key, v in votes.items() if v.position == Vote.Position.OBJECT],
        "abstainers": [by[key] for key, v in votes.items() if v.position == Vote.Position.ABSTAIN],
        "silent": [v for v in voters.eligible if v.key not in votes],
        "present": present,
        "needed": rule.quorum_needed(len(eligible)),
        "rule": rule,
    }


def _apply_effects(decision: Decision) -> None:
    """Rule 8: an agreed appointment or delegation takes effect in the closing transaction."""
    if decision.kind == DecisionKind.APPOINTMENT:
        decision.resulting_assignment = roles_services.assign_role(
            role=decision.appointment_role,
            person=decision.appointment_person,
            starts_on=decision.appointment_starts_on,
            ends_on=decision.appointment_ends_on,
            end_reason=RoleAssignment.EndReason.TERM_ENDED if decision.appointment_ends_on else "",
            notes=f"Appointed by {decision.reference}",
        )
    elif decision.kind == DecisionKind.DELEGATION and decision.delegation_to_revoke_id:
        decision.revoked_delegation = roles_services.revoke_delegation(
            delegation=decision.delegation_to_revoke,
            revoked_on=decision.delegation_valid_from or decision.decided_on,
            reason=f"Revoked by {decision.reference}: {decision.title}",
        )
    elif decision.kind == DecisionKind.DELEGATION:
        decision.granted_delegation = roles_services.grant_delegation(
            role=decision.delegation_role,
            body=decision.body,
            scope=decision.delegation_scope,
            decision_kinds=decision.delegation_kinds,
            valid_from=decision.delegation_valid_from or decision.decided_on,
            valid_to=decision.delegation_valid_to,
            financial_limit=decision.delegation_limit,
            notes=f"Granted by {decision.reference}",
        )


def _refuse_before_meeting(decision: Decision, closed_at: datetime) -> None:
    """A decision of a meeting is decided at the meeting: not before it starts."""
    meeting = decision.meeting
    if meeting is not None and closed_at < meeting.starts_at:
        raise RuleViolation(
            "closed_before_meeting",
            f"{decision_name(decision)} is taken at the meeting of {time_on_day(meeting.starts_at)}; a close at "
            f"{time_on_day(closed_at)} would decide it before the meeting starts. Close it once the meeting "
            "has started, or take it off the meeting's agenda for written procedure.",
            field="closed_at",
        )


# Absence (rule 3): the close is never silent about missing positions ---------------------------

CONFIRM_MISSING_LABEL = "Close with positions missing"
STATUS_OF_OUTCOME = {
    True: Decision.Status.AGREED,
    False: Decision.Status.NOT_AGREED,
    LAPSED_OUTCOME: Decision.Status.LAPSED,
}


def _name(voter) -> str:
    return getattr(voter, "name", None) or voter.organisation.name


def _choices(decision: Decision) -> str:
    extend = "extend the deadline, " if decision.is_written_procedure else ""
    return (
        f"{extend}defer the decision, or tick “{CONFIRM_MISSING_LABEL}” to close it as lapsed "
        "(which is not a refusal: the matter may be brought back)"
    )


def _missing_refusal(decision: Decision, tally: dict) -> RuleViolation:
    silent = tally["silent"]
    verb = "has" if len(silent) == 1 else "have"
    return RuleViolation(
        "positions_missing",
        f"{_names(silent)} {verb} not given a position on {decision_name(decision)}, and nobody objected, so closing "
        f"now would record it as lapsed, not agreed. Either {_choices(decision)}.",
        field="confirm_missing",
    )


def closing_preview(*, decision: Decision, at: datetime | None = None) -> dict:
    """The outcome that closing an open decision at ``at`` would record, who has not given a position, and the
    secretary's choices when positions are missing (rule 3): what the close page and the API show first."""
    if decision.status != Decision.Status.OPEN:
        raise RuleViolation(
            "decision_not_open",
            f"{decision_name(decision)} is {decision.get_status_display().lower()}; only an open decision is closed.",
            conflict=True,
        )
    at = at or timezone.now()
    tally = _tally(decision, queries.local_day(at))
    agreed, explanation = _outcome(decision, tally)
    status = STATUS_OF_OUTCOME[agreed]
    missing = sorted(_name(v) for v in tally["silent"])
    choices = []
    if missing:
        choices = (["extend_deadline"] if decision.is_written_procedure else []) + ["defer", "close_as_lapsed"]
        if status != Decision.Status.LAPSED:
            choices[-1] = "close"
    return {
        "at": at,
        "outcome": status.value,
        "outcome_label": status.label,
        "explanation": explanation,
        "missing": missing,
        "needs_confirmation": status == Decision.Status.LAPSED,
        "choices": choices,
        "agree": len(tally["agreeing"]),
        "object": len(tally["objectors"]),
        "abstain": len(tally["abstainers"]),
        "not_voted": len(tally["silent"]),
        "recused": tally["recused"],
        "eligible": tally["eligible"],
        "quorum_needed": tally["needed"],
        "quorum_present": tally["present"],
    }


@transaction.atomic
def close_decision(
    *, actor: Access, decision: Decision, closed_at: datetime | None = None, confirm_missing: bool = False
) -> Decision:
    """Close an open decision with its outcome and counts (rule 3), and apply what it agreed (rule 8);
    a decision of a meeting is not decided before the meeting starts. A unanimous decision that would
    lapse for missing positions closes only with ``confirm_missing``; without it the refusal names who
    has not given a position and the secretary's choices."""
    standing.require_record_keeper(actor, decision.body, "close its decisions")
    decision = lock_decision(decision)
    if decision.status != Decision.Status.OPEN:
        if decision.is_sealed:
            raise sealed_refusal(decision, "closed again")
        raise RuleViolation(
            "decision_not_open",
            f"{decision_name(decision)} is {decision.get_status_display().lower()}; "
            "open it for votes before closing it.",
            conflict=True,
        )
    closed_at = closed_at or timezone.now()
    check_moment(moment=closed_at, decision=decision, field="closed_at", what="close")
    _refuse_before_meeting(decision, closed_at)
    last_vote = Vote.objects.filter(decision=decision).order_by("-cast_at").values_list("cast_at", flat=True).first()
    if last_vote and closed_at < last_vote:
        raise RuleViolation(
            "closed_at_before_last_vote",
            f"The close ({time_on_day(closed_at)}) is before the last vote on {decision_name(decision)} "
            f"({time_on_day(last_vote)}); "
            "give a moment after every vote was cast.",
            field="closed_at",
        )
    on = queries.local_day(closed_at)
    check_advice_heard(decision, on)
    tally = _tally(decision, on)
    agreed, explanation = _outcome(decision, tally)
    if agreed is LAPSED_OUTCOME and not confirm_missing:
        raise _missing_refusal(decision, tally)
    decision.agree_count = len(tally["agreeing"])
    decision.object_count = len(tally["objectors"])
    decision.abstain_count = len(tally["abstainers"])
    decision.not_voted_count = len(tally["silent"])
    decision.recused_count = tally["recused"]
    decision.eligible_count = tally["eligible"]
    decision.quorum_needed = tally["needed"]
    decision.quorum_present = tally["present"]
    decision.outcome_explanation = explanation
    decision.rule_applied = rule_in_words(tally["rule"])
    decision.closed_at = closed_at
    decision.decided_on = on
    decision.status = STATUS_OF_OUTCOME[agreed]
    # The authority map: beyond what an outside body delegated, the effects wait for its approval.
    if agreed and not hold_for_approval(decision, on):
        _apply_effects(decision)
    save_checked(decision, explanation)
    return decision
