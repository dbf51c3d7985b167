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
from alliance.models import GoverningBody
from alliance.services import save_checked
from decisions import queries
from decisions.models import Decision, Vote
from decisions.services.approvals import hold_for_approval
from decisions.services.decisions import check_moment, decision_name, lock_decision, sealed_refusal
from roles import services as roles_services
from roles import standing
from roles.access import Access
from roles.models import RoleAssignment

__all__ = ["close_decision"]


def _names(memberships) -> str:
    names = sorted(m.organisation.name for m in memberships)
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _outcome(decision: Decision, tally: dict) -> tuple[bool, str]:
    rule, body = decision.body.decision_rule, decision.body
    objectors, abstainers, silent = tally["objectors"], tally["abstainers"], tally["silent"]
    agree, objected, abstained = len(tally["agreeing"]), len(objectors), len(abstainers)
    if tally["eligible"] == 0:
        return False, "Not agreed: no member was eligible to vote on the decision's date."
    if tally["present"] < tally["needed"]:
        return False, f"Not agreed: quorum not met ({tally['present']} of {tally['needed']} needed)."
    if rule == GoverningBody.DecisionRule.UNANIMOUS:
        if objectors:
            return False, f"Not agreed: {_names(objectors)} objected."
        if abstainers and body.abstention_blocks:
            return False, (
                f"Not agreed: {_names(abstainers)} abstained, and an abstention blocks a unanimous decision of "
                f"{body.code}."
            )
        if silent:
            return False, (
                f"Not agreed: {_names(silent)} did not vote; a unanimous decision needs every eligible member."
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
    voters = queries.electorate(decision, on)
    eligible = voters.eligible_ids
    # A vote struck by a recusal stays on the record but is not counted (rule 5).
    counted = Vote.objects.filter(decision=decision, membership_id__in=eligible, struck_by__isnull=True)
    votes = {v.membership_id: v for v in counted}
    by = {m.pk: m for m in voters.eligible}
    pick = [by[mid] for mid, v in votes.items()]
    if decision.meeting_id:
        present = len(queries.members_present(decision.meeting) & eligible)
    else:
        present = len(votes)
    return {
        "eligible": len(eligible),
        "recused": len(voters.recused),
        "agreeing": [by[mid] for mid, v in votes.items() if v.position == Vote.Position.AGREE],
        "objectors": [by[mid] for mid, v in votes.items() if v.position == Vote.Position.OBJECT],
        "abstainers": [by[mid] for mid, v in votes.items() if v.position == Vote.Position.ABSTAIN],
        "silent": [m for m in voters.eligible if m not in pick],
        "present": present,
        "needed": decision.body.quorum_needed(len(eligible)),
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


@transaction.atomic
def close_decision(*, actor: Access, decision: Decision, closed_at: datetime | None = None) -> Decision:
    """Close an open decision with its outcome and counts (rule 3), and apply what it agreed (rule 8);
    a decision of a meeting is not decided before the meeting starts."""
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
    tally = _tally(decision, on)
    agreed, explanation = _outcome(decision, tally)
    decision.agree_count = len(tally["agreeing"])
    decision.object_count = len(tally["objectors"])
    decision.abstain_count = len(tally["abstainers"])
    decision.not_voted_count = len(tally["silent"])
    decision.recused_count = tally["recused"]
    decision.eligible_count = tally["eligible"]
    decision.quorum_needed = tally["needed"]
    decision.quorum_present = tally["present"]
    decision.outcome_explanation = explanation
    decision.closed_at = closed_at
    decision.decided_on = on
    decision.status = Decision.Status.AGREED if agreed else Decision.Status.NOT_AGREED
    # The authority map: beyond what an outside body delegated, the effects wait for its approval.
    if agreed and not hold_for_approval(decision, on):
        _apply_effects(decision)
    save_checked(decision, explanation)
    return decision
