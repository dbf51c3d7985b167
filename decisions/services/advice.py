"""Advisors heard: asking advisory members for advice, excluding one with a reason, a reason why a
decision goes ahead without advice, the body's "advice required" check on close, and the response
to advice ("you said, we did"), appended before or after the decision closes.

A response is an :class:`AdvisoryResponse` row: the sealed decision and its advice stay as they were
(rule 4) and earlier responses stay visible. Before the decision closes, the advice row also carries
the latest response (``AdvisoryInput.response``), so the sealed record holds what was answered by then.
Who advises a body is ``advisers.advisers_of``.
"""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from alliance.choices import DecisionKind
from alliance.errors import RuleViolation
from alliance.formatting import day
from alliance.models import Membership
from alliance.services import save_checked
from decisions.models import AdviceRequest, AdvisoryInput, AdvisoryResponse, Decision
from decisions.queries import local_day
from decisions.services.advisers import advisers_of
from decisions.services.decisions import check_moment, decision_name, lock_decision, sealed_refusal
from roles import standing
from roles.access import Access

__all__ = [
    "ask_for_advice",
    "exclude_adviser",
    "record_no_advice_reason",
    "advice_missing",
    "check_advice_heard",
    "respond_to_advice",
]


def _names(memberships) -> str:
    names = [m.organisation.name for m in memberships]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _reason(text: str, code: str, what: str, field: str = "reason") -> str:
    if not (text or "").strip():
        raise RuleViolation(code, what, field=field)
    return text.strip()


def _advisory_member(decision: Decision, membership: Membership, on: date) -> None:
    """Refuse a member of another alliance (not named), or one that is not advisory on ``on``."""
    if membership.alliance_id != decision.alliance_id:
        raise RuleViolation(
            "advice_member_other_alliance",
            f"That member is not a member of {decision.alliance}; choose one of its advisory members.",
            field="membership",
        )
    status = membership.status_as_of(on)
    if status != Membership.Status.ADVISORY:
        what = "a voting member: its view is its vote" if status == Membership.Status.VOTING else "not a member"
        raise RuleViolation(
            "not_an_advisory_member",
            f"{membership.organisation} was {what} on {day(on)}; only an advisory member is asked to advise.",
            field="membership",
        )


def _on(decision: Decision, moment: datetime) -> date:
    return decision.decided_on or local_day(moment)


@transaction.atomic
def ask_for_advice(
    *, actor: Access, decision: Decision, membership: Membership, requested_at: datetime | None = None
) -> AdviceRequest:
    """Ask an advisory member for its advice on a decision not yet closed: its representatives then
    read the decision whatever its visibility."""
    standing.require_record_keeper(actor, decision.body, "ask its advisory members for advice")
    decision = lock_decision(decision)
    if decision.is_sealed:
        raise sealed_refusal(decision, "sent for advice")
    requested_at = requested_at or timezone.now()
    _advisory_member(decision, membership, _on(decision, requested_at))
    if AdviceRequest.objects.filter(decision=decision, membership=membership).exists():
        raise RuleViolation(
            "already_asked_to_advise",
            f"{membership.organisation} has already been asked to advise on {decision_name(decision)}.",
            field="membership",
            conflict=True,
        )
    request = AdviceRequest(
        decision=decision, membership=membership, requested_at=requested_at, requested_by_id=actor.person_id
    )
    save_checked(request, "Asked to advise")
    return request


@transaction.atomic
def exclude_adviser(*, actor: Access, request: AdviceRequest, reason: str) -> AdviceRequest:
    """Record that an advisory member asked to advise is not shown the decision, and why; its
    representatives and the decision's readers are shown the reason. Allowed after close too."""
    decision = request.decision
    standing.require_record_keeper(actor, decision.body, "exclude an advisory member from its decisions")
    reason = _reason(reason, "exclusion_reason_required", "Say why the advisory member is not shown this decision.")
    lock_decision(decision)
    request = AdviceRequest.objects.select_for_update().get(pk=request.pk)
    if request.is_excluded:
        raise RuleViolation(
            "already_excluded",
            f"{request.membership.organisation} is already not shown {decision_name(decision)}: "
            f"{request.exclusion_reason}",
            conflict=True,
        )
    request.excluded_at = timezone.now()
    request.excluded_by_id = actor.person_id
    request.exclusion_reason = reason
    save_checked(request, f"Excluded from the decision: {reason}")
    return request


@transaction.atomic
def record_no_advice_reason(*, actor: Access, decision: Decision, membership: Membership, reason: str) -> AdviceRequest:
    """Record why a decision not yet closed goes ahead without an advisory member's advice: where the
    body requires advice before a KEY decision closes, the reason stands in for it."""
    standing.require_record_keeper(actor, decision.body, "record why a decision goes ahead without advice")
    decision = lock_decision(decision)
    if decision.is_sealed:
        raise sealed_refusal(decision, "given a reason for missing advice")
    reason = _reason(
        reason, "no_advice_reason_required", "Say why the decision goes ahead without this member's advice."
    )
    now = timezone.now()
    _advisory_member(decision, membership, _on(decision, now))
    request = AdviceRequest.objects.filter(decision=decision, membership=membership).first()
    if request is None:
        request = AdviceRequest(decision=decision, membership=membership, requested_at=now)
    request.no_advice_reason = reason
    request.no_advice_recorded_at = now
    request.no_advice_recorded_by_id = actor.person_id
    save_checked(request, f"Going ahead without its advice: {reason}")
    return request


def advice_missing(decision: Decision, on: date) -> list[Membership]:
    """The advisory members whose advice a KEY decision of a body that requires it still waits for:
    asked (or advising the body on ``on``), no advice given, not excluded, no reason recorded."""
    if decision.kind != DecisionKind.KEY or not decision.body.advice_required_for_key:
        return []
    requests = {r.membership_id: r for r in AdviceRequest.objects.filter(decision=decision)}
    members = {m.pk: m for m in advisers_of(decision, on)}
    asked = Membership.objects.filter(pk__in=set(requests) - set(members)).select_related("organisation")
    members.update({m.pk: m for m in asked})
    advised = set(
        AdvisoryInput.objects.filter(decision=decision, organisation__isnull=False).values_list(
            "organisation_id", flat=True
        )
    )
    missing = []
    for membership in members.values():
        request = requests.get(membership.pk)
        excused = request is not None and (request.is_excluded or request.no_advice_reason)
        if membership.organisation_id not in advised and not excused:
            missing.append(membership)
    return sorted(missing, key=lambda m: m.organisation.name)


def check_advice_heard(decision: Decision, on: date) -> None:
    """Refuse to close a KEY decision of a body that requires advice while an adviser is unheard."""
    missing = advice_missing(decision, on)
    if missing:
        verb = "has" if len(missing) == 1 else "have"
        raise RuleViolation(
            "advice_missing",
            f"{decision.body.code} requires advice from its advisory members before a key decision closes, and "
            f"{_names(missing)} {verb} not advised on {decision_name(decision)}. Record their advice with "
            "'Add advisory input', or record why the decision goes ahead without it with 'Go ahead without advice'.",
            conflict=True,
        )


@transaction.atomic
def respond_to_advice(
    *, actor: Access, advisory_input: AdvisoryInput, response: str, responded_at: datetime | None = None
) -> AdvisoryResponse:
    """Answer advice ("you said, we did") with an appended response, before or after the decision
    closes; the sealed decision and its advice stay as they were and earlier responses stay visible."""
    decision = advisory_input.decision
    standing.require_record_keeper(actor, decision.body, "answer the advice on its decisions")
    decision = lock_decision(decision)
    response = _reason(
        response, "advice_response_required", "Say what changed because of the advice, or why nothing did.", "response"
    )
    responded_at = responded_at or timezone.now()
    check_moment(moment=responded_at, decision=decision, field="responded_at", what="response", after_opening=False)
    advisory_input = AdvisoryInput.objects.get(pk=advisory_input.pk)
    if responded_at < advisory_input.given_at:
        raise RuleViolation(
            "response_before_advice",
            "A response cannot come before the advice it answers; give a later moment.",
            field="responded_at",
        )
    answer = AdvisoryResponse(
        advisory_input=advisory_input, response=response, responded_at=responded_at, responded_by_id=actor.person_id
    )
    save_checked(answer, "Responded to advice" + (" after the decision closed" if decision.is_sealed else ""))
    if not decision.is_sealed:
        # Before close the advice row carries the latest response too, as the sealed record's own.
        advisory_input.response, advisory_input.responded_at = response, responded_at
        save_checked(advisory_input, "Responded to advice")
    return answer
