"""Votes and advice on a decision (rules 1, 2 and 4); recusals are in ``recusals.py`` (rule 5).

Every function locks the decision row first, so a vote and the decision's close never
interleave: a vote arriving while the decision closes is either counted or refused.

Advice is given before the decision closes and is part of its sealed record (rule 4); the
alliance's response to it is appended, before or after the close (``advice.py``).
"""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from alliance.errors import RuleViolation
from alliance.formatting import day, time_on_day
from alliance.models import Membership, Organisation
from alliance.services import save_checked
from decisions.models import AdvisoryInput, Decision, Recusal, Vote
from decisions.queries import Voter, local_day, seats_on
from decisions.services.decisions import check_moment
from roles import standing
from roles.access import Access
from roles.models import Person, Role, RoleAssignment, Seat
from roles.queries import representatives_on

__all__ = ["cast_vote", "record_advice"]

ADVICE_STATUSES = (Decision.Status.DRAFT, Decision.Status.OPEN, Decision.Status.DEFERRED)


def _locked(decision: Decision) -> Decision:
    return Decision.objects.select_for_update(of=("self",)).select_related("body", "alliance").get(pk=decision.pk)


def _label(decision: Decision) -> str:
    return decision.reference or f"the draft '{decision.title}'"


def _refuse_sealed(decision: Decision, what: str) -> None:
    if decision.is_sealed:
        raise RuleViolation(
            "decision_sealed",
            f"{_label(decision)} is closed ({decision.get_status_display().lower()}); {what} can no longer be "
            "changed. Record a new decision that amends or supersedes it.",
            conflict=True,
        )


def _member_on(decision: Decision, membership: Membership, on: date) -> str:
    """The membership's status on ``on``, refusing a member of another alliance or not open then."""
    _refuse_other_alliance(decision, membership)
    status = membership.status_as_of(on)
    if status is None:
        raise RuleViolation(
            "membership_not_open",
            f"{membership.organisation} was not a member of {decision.alliance} on {day(on)}.",
            field="membership",
        )
    return status


def _voter_on(decision: Decision, membership: Membership | None, seat: Seat | None, on: date) -> Voter:
    """The voting seat of the decision's body the vote is for, on ``on`` (rule 1); refusing an advisory
    member, an organisation or person without a voting seat that day, or a seat of another body."""
    body = decision.body
    if seat is not None and seat.body_id != body.pk:
        raise RuleViolation(
            "seat_other_body",
            f"That seat is not on {body.name}; choose one of its seats.",
            field="seat",
        )
    if membership is not None:
        _member_on(decision, membership, on)
    sitting = {v.key: v for v in seats_on(body, on)}
    key = ("member", membership.pk) if membership is not None else ("seat", seat.pk)
    voter = sitting.get(key)
    name = membership.organisation.name if membership is not None else seat.person.name
    if voter is None:
        raise RuleViolation(
            "no_seat_on_body",
            f"{name} did not hold a seat on {body.name} on {day(on)}, so has no vote on its decisions; "
            "the secretary records the body's seats on its page.",
            field="membership" if membership is not None else "seat",
        )
    if voter.status_on == Membership.Status.ADVISORY:
        if body.own_seats:
            message = (
                f"{name} holds an advisory seat on {body.name} and cannot vote; record its advice with "
                "'Add advisory input'."
            )
        else:
            message = f"{name} is an advisory member and cannot vote; record its advice with 'Add advisory input'."
        raise RuleViolation(
            "advisory_member_cannot_vote", message, field="membership" if membership is not None else "seat"
        )
    return voter


def _check_own_right(decision: Decision, seat: Seat, cast_by: Person, recorded_by: Person | None, on: date) -> None:
    """Rule 2 for a person sitting in their own right: the vote is theirs, whoever enters it; the body's
    secretary records it on their behalf, never in the name of anyone else."""
    if recorded_by is not None and not holds_secretary_role(person=recorded_by, decision=decision, on=on):
        raise RuleViolation(
            "vote_recorder_not_secretary",
            f"{recorded_by} did not hold the secretary role of {decision.body} on {day(on)}, so cannot record "
            f"the vote of {seat.person}; ask the body's secretary to record it.",
            field="recorded_by",
        )
    if cast_by.pk != seat.person_id:
        raise RuleViolation(
            "vote_caster_not_seat_holder",
            f"{seat.person} sits on {decision.body.name} in their own right, so only {seat.person} can cast that "
            f"vote; under 'Cast by', choose {seat.person}.",
            field="cast_by",
        )


def _refuse_other_alliance(decision: Decision, membership: Membership) -> None:
    # The message names neither the organisation nor its alliance: the caller may not read them.
    if membership.alliance_id != decision.alliance_id:
        raise RuleViolation(
            "membership_other_alliance",
            f"That member was not found in this alliance; choose a member of {decision.alliance}.",
            field="membership",
        )


def _entering(actor: Access) -> Person | None:
    """The person entering a write: the actor's, or nobody for the system (the demo, a command)."""
    return Person.objects.filter(pk=actor.person_id).first() if actor.person_id else None


def holds_secretary_role(*, person: Person, decision: Decision, on: date) -> bool:
    """Did ``person`` hold the secretary role of the decision's body (or of the whole alliance) on ``on``?"""
    return (
        RoleAssignment.objects.held_on(on)
        .filter(person=person, role__kind=Role.Kind.SECRETARY, role__alliance_id=decision.alliance_id)
        .filter(Q(role__body_id=decision.body_id) | Q(role__body__isnull=True))
        .exists()
    )


def _either(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"


def _check_caster(decision, membership, cast_by: Person, recorded_by: Person | None, on: date) -> None:
    """Rule 2: the caster holds the member's representative or deputy role that day, whoever enters the
    vote; the body's secretary records it on their behalf, never in the name of anyone else."""
    if recorded_by is not None and not holds_secretary_role(person=recorded_by, decision=decision, on=on):
        raise RuleViolation(
            "vote_recorder_not_secretary",
            f"{recorded_by} did not hold the secretary role of {decision.body} on {day(on)}, so cannot record "
            f"the vote of {membership.organisation}; ask the body's secretary to record it.",
            field="recorded_by",
        )
    holders = list(representatives_on(membership=membership, on=on))
    if any(person.pk == cast_by.pk for person in holders):
        return
    organisation = membership.organisation
    message = (
        f"{cast_by} did not hold the representative or deputy role of {organisation} on {day(on)}, so cannot be "
        "named as casting its vote. "
    )
    if holders:
        message += (
            f"Under 'Cast by', choose the representative or deputy of {organisation} who gave the vote "
            f"({_either([p.name for p in holders])}); the secretary who enters it for them is recorded beside them."
        )
    else:
        message += (
            f"Nobody held that role on {day(on)}: record the appointment of {organisation}'s representative or "
            "deputy first, then the vote they give."
        )
    raise RuleViolation("vote_caster_not_representative", message, field="cast_by")


def _recorder(*, cast_by: Person, recorded_by: Person | None, entered_by: Person | None) -> Person | None:
    """Who is recorded as having entered the vote: the person entering it, unless they cast it."""
    if entered_by is None:
        return recorded_by
    if recorded_by is not None and recorded_by.pk != entered_by.pk:
        raise RuleViolation(
            "vote_recorder_not_caller",
            f"A vote is recorded by the person entering it: you are {entered_by}, not {recorded_by}. "
            "Leave recorded_by out (it is filled in for you) or name yourself.",
            field="recorded_by",
        )
    return None if entered_by.pk == cast_by.pk else entered_by


def _capacity(membership: Membership | None, capacity: str) -> str:
    """The capacity a member votes in: required where it holds several, and one that it holds; a member
    holding one acts in that one."""
    held = list(membership.capacities or []) if membership is not None else []
    labels = dict(Membership.Capacity.choices)
    capacity = (capacity or "").strip()
    if not capacity:
        if len(held) > 1:
            raise RuleViolation(
                "vote_capacity_required",
                f"{membership.organisation} holds several capacities ({_either([labels.get(c, c) for c in held])}); "
                "under “Acting as”, say which one it votes in.",
                field="capacity",
            )
        return held[0] if held else ""
    if capacity not in held:
        who = membership.organisation if membership is not None else "A person sitting in their own right"
        holds = f"it holds {_either([labels.get(c, c) for c in held])}" if held else "it holds none"
        raise RuleViolation(
            "vote_capacity_not_held",
            f"{who} does not hold the capacity “{labels.get(capacity, capacity)}” in the alliance; {holds}. "
            "Under “Acting as”, choose one it holds.",
            field="capacity",
        )
    return capacity


def _check_deadline(decision, cast_at: datetime, now: datetime, recorded_by: Person | None) -> None:
    """A written procedure takes no vote after ``closes_at``: by the clock, or by ``cast_at`` for a secretary."""
    if not (decision.is_written_procedure and decision.closes_at):
        return
    recording = recorded_by is not None and holds_secretary_role(
        person=recorded_by, decision=decision, on=local_day(cast_at)
    )
    if cast_at > decision.closes_at or (not recording and now > decision.closes_at):
        raise RuleViolation(
            "written_procedure_closed",
            f"Votes on {decision.reference} closed at {time_on_day(decision.closes_at)}; this vote came too late"
            + ("." if recording or cast_at > decision.closes_at else f" (it is now {time_on_day(now)})."),
            field="cast_at",
            conflict=True,
        )


@transaction.atomic
def cast_vote(
    *,
    actor: Access,
    decision: Decision,
    membership: Membership | None = None,
    seat: Seat | None = None,
    position: str,
    cast_by: Person,
    statement: str = "",
    recorded_by: Person | None = None,
    cast_at: datetime | None = None,
    now: datetime | None = None,
    capacity: str = "",
) -> Vote:
    """Record or change a member's vote on an open decision (rules 1, 2, 4 and 5).

    A member holding several capacities (the commissioner as funder, commissioner or partner) says
    which one it votes in (``capacity``); a member holding one acts in that one.

    The ``actor`` is the caller (roles/standing.py): a representative casts only their own
    organisation's vote, as themselves; the body's secretary records any member's, on behalf of its
    representative or deputy. Whoever enters it, ``cast_by`` must hold the member's representative or
    deputy role on the vote's day (rule 2): the secretary cannot name anyone else, nor themselves
    unless they hold that role. The actor's person is the one entering the vote: a vote entered by
    someone other than ``cast_by`` stores them as ``recorded_by`` (who must be the body's secretary),
    and a ``recorded_by`` naming anyone else is refused, so a vote never looks as if the representative
    entered it. The system (the demo, a command) has no person: ``recorded_by`` is taken as given.

    A member recused after voting has that vote struck (``record_recusal``); once a dispensation lets it
    vote again, the new vote is recorded beside the struck one, which stays struck.

    ``cast_at`` may be in the past (a vote given at a meeting and recorded later) but not in the
    future nor before the decision opened. A written procedure's deadline is checked against the
    clock (``now``, which only code replaying history such as the demo sets, never later than the
    server's clock), except for the body's secretary recording a vote given in time.
    """
    if seat is not None and seat.membership_id is not None:
        membership, seat = seat.membership, None
    if (membership is None) == (seat is None):
        raise RuleViolation(
            "vote_member_or_seat",
            "Say whose vote it is: a member organisation, or a person's seat on the body.",
            field="membership",
        )
    standing.require_vote(actor, decision.body, membership, cast_by, seat=seat)
    decision = _locked(decision)
    recorded_by = _recorder(cast_by=cast_by, recorded_by=recorded_by, entered_by=_entering(actor))
    if decision.status != Decision.Status.OPEN:
        _refuse_sealed(decision, "its votes")
        raise RuleViolation(
            "decision_not_open",
            f"{_label(decision)} is {decision.get_status_display().lower()}, not open for votes; open it first.",
            conflict=True,
        )
    now = min(now or timezone.now(), timezone.now())
    cast_at = cast_at or now
    check_moment(moment=cast_at, decision=decision, field="cast_at", what="vote", now=now)
    on = local_day(cast_at)
    voter = _voter_on(decision, membership, seat, on)
    name = voter.name
    recusal = Recusal.objects.filter(decision=decision, membership=membership, seat=seat if seat else None)
    recusal = recusal.first()
    if recusal and not recusal.dispensation_granted:
        raise RuleViolation(
            "recused_member_cannot_vote",
            f"{name} is recused from {decision.reference} ({recusal.reason}); it can vote only "
            "if the body grants a dispensation.",
            field="membership" if membership is not None else "seat",
        )
    if position not in Vote.Position.values:
        raise RuleViolation(
            "vote_position_unknown",
            f"Unknown position '{position}'; a vote is AGREE, OBJECT or ABSTAIN.",
            field="position",
        )
    statement = (statement or "").strip()
    if position == Vote.Position.OBJECT and not statement:
        raise RuleViolation(
            "objection_needs_statement",
            "An objection says why: give the member's statement of the reasons for objecting.",
            field="statement",
        )
    capacity = _capacity(membership, capacity)
    _check_deadline(decision, cast_at, now, recorded_by)
    if membership is not None:
        _check_caster(decision, membership, cast_by, recorded_by, on)
    else:
        _check_own_right(decision, seat, cast_by, recorded_by, on)
    counted = Vote.objects.filter(decision=decision, struck_by__isnull=True)
    vote = (counted.filter(membership=membership) if membership else counted.filter(seat=seat)).first()
    if vote is None:
        vote, reason = Vote(decision=decision, membership=membership, seat=seat), f"Voted {position}"
    else:
        reason = f"Vote changed from {vote.position} to {position}"
    vote.position, vote.statement, vote.cast_by, vote.recorded_by, vote.cast_at = (
        position,
        statement,
        cast_by,
        recorded_by,
        cast_at,
    )
    vote.capacity = capacity
    if recorded_by is not None:
        reason += f" (recorded by {recorded_by})"
    save_checked(vote, reason)
    return vote


# Advice ("you said, we did") ----------------------------------------------------------------


@transaction.atomic
def record_advice(
    *,
    actor: Access,
    decision: Decision,
    advice: str,
    organisation: Organisation | None = None,
    person: Person | None = None,
    given_at: datetime | None = None,
) -> AdvisoryInput:
    """Record advice from an advisory member or an advisor on a draft or open decision (rule 1).

    The caller gives it (a representative for their own organisation, an advisor as themselves), or
    the body's secretary records it for the member or person named (roles/standing.py).
    """
    standing.require_advice(actor, decision.body, organisation, person)
    decision = _locked(decision)
    _refuse_sealed(decision, "its advice")
    if not (advice or "").strip():
        raise RuleViolation("advice_required", "Write down the advice given.", field="advice")
    given_at = given_at or timezone.now()
    on = local_day(given_at)
    if organisation is not None:
        memberships = Membership.objects.filter(alliance_id=decision.alliance_id, organisation=organisation)
        membership = memberships.open_on(on).first()
        if membership is None:
            # An organisation that never was a member is not named: the caller may not read it.
            name = organisation if memberships.exists() else "That organisation"
            raise RuleViolation(
                "advice_not_a_member",
                f"{name} was not a member of {decision.alliance} on {day(on)}; advice comes from advisory "
                "members or from people holding an advisor role.",
                field="organisation",
            )
        if membership.status_as_of(on) == Membership.Status.VOTING:
            raise RuleViolation(
                "voting_member_advice",
                f"{organisation} is a voting member; its view is its vote, so record it with 'Record vote'.",
                field="organisation",
            )
    elif person is not None:
        advisor = RoleAssignment.objects.held_on(on).filter(
            person=person, role__kind=Role.Kind.ADVISOR, role__alliance_id=decision.alliance_id
        )
        if not advisor.exists():
            held = RoleAssignment.objects.filter(person=person, role__alliance_id=decision.alliance_id).exists()
            name = person if held else "That person"
            raise RuleViolation(
                "advice_person_not_advisor",
                f"{name} did not hold an advisor role in {decision.alliance} on {day(on)}; record the advice "
                "under the advisory member they speak for.",
                field="person",
            )
    else:
        raise RuleViolation(
            "advice_source_required",
            "Say who gave the advice: an advisory member organisation or a person holding an advisor role.",
            field="organisation",
        )
    item = AdvisoryInput(
        decision=decision, organisation=organisation, person=person, advice=advice.strip(), given_at=given_at
    )
    save_checked(item, "Advice given")
    return item
