"""Recusals and dispensations (rule 5): who may not vote on a decision, and why.

Every function locks the decision row first (``votes._locked``), as the votes do, so a recusal and
a vote on the same member never interleave.

Two choices documented here:

* Recording a recusal for a member that has already voted strikes that vote: it stays on the
  record, marked struck by the recusal (``Vote.struck_by``), and no longer counts. A dispensation
  granted later does not bring it back: a dispensation is not retrospective, so a vote cast before
  the body weighed the interest stays struck, and the member votes again if its vote is to count.
* A recusal for a declared interest names the declaration it rests on, made for the member or by
  its people and open on some day from the decision's meeting or opening to today
  (``queries.recusal_interests``): the decision is still being decided until it closes.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from alliance.errors import RuleViolation
from alliance.formatting import day
from alliance.models import Membership
from alliance.services import save_checked
from decisions.models import Decision, Recusal, Vote
from decisions.queries import recusal_interests, recusal_window
from decisions.services.votes import _label, _locked, _refuse_other_alliance, _refuse_sealed
from roles import standing
from roles.access import Access
from roles.models import InterestDeclaration, Seat

__all__ = ["record_recusal", "grant_dispensation"]


def _when(start: date, end: date) -> str:
    return f"on {day(start)}" if start == end else f"between {day(start)} and {day(end)}"


def _declared(declaration: InterestDeclaration) -> str:
    text = declaration.interest if len(declaration.interest) <= 80 else f"{declaration.interest[:77]}..."
    return f"{declaration.person}: '{text}' (declared {day(declaration.declared_on)})"


def _choose_interest(organisation, offered: list[InterestDeclaration], when: str) -> str:
    if not offered:
        return (
            f"No interest of {organisation} or its people was declared open {when}: declare it in the interests "
            "register first, or recuse the member for another reason."
        )
    return f"Under 'Interest', choose the one it rests on: {'; '.join(_declared(d) for d in offered)}."


def _check_interest(decision, membership, source: str, interest: InterestDeclaration | None, today: date) -> None:
    """Rule 5: a recusal for a declared interest names the member's declaration open while the decision is decided."""
    if interest is None and source != Recusal.Source.DECLARED_INTEREST:
        return
    organisation = membership.organisation
    offered = recusal_interests(decision, today=today).get(organisation.pk, [])
    when = _when(*recusal_window(decision, today))
    if interest is None:
        raise RuleViolation(
            "recusal_interest_required",
            f"A recusal for a declared interest names the interest of {organisation} it rests on. "
            + _choose_interest(organisation, offered, when),
            field="interest",
        )
    if any(d.pk == interest.pk for d in offered):
        return
    start, end = recusal_window(decision, today)
    if interest.declared_on > end or (interest.ends_on is not None and interest.ends_on < start):
        ended = f", ended {day(interest.ends_on)}" if interest.ends_on else ""
        raise RuleViolation(
            "recusal_interest_not_open",
            f"{interest.person}'s interest (declared {day(interest.declared_on)}{ended}) was not open {when}, while "
            f"{_label(decision)} is decided. " + _choose_interest(organisation, offered, when),
            field="interest",
        )
    raise RuleViolation(
        "recusal_interest_other_member",
        f"{interest.person}'s interest does not concern {organisation}: "
        + (
            f"it was declared for {interest.represents}. "
            if interest.represents_id
            else f"{interest.person} neither works for it nor held its representative or deputy role {when}. "
        )
        + _choose_interest(organisation, offered, when),
        field="interest",
    )


def _check_own_interest(decision, seat: Seat, source: str, interest: InterestDeclaration | None, today: date) -> None:
    """Rule 5 for a person sitting in their own right: a recusal for a declared interest names one of their
    own declarations, open while the decision is decided."""
    if interest is None and source != Recusal.Source.DECLARED_INTEREST:
        return
    start, end = recusal_window(decision, today)
    when = _when(start, end)
    offered = [
        d
        for d in InterestDeclaration.objects.filter(alliance_id=decision.alliance_id, person_id=seat.person_id)
        if d.declared_on <= end and (d.ends_on is None or d.ends_on >= start)
    ]
    if interest is not None and any(d.pk == interest.pk for d in offered):
        return
    choose = (
        f"Under 'Interest', choose the one it rests on: {'; '.join(_declared(d) for d in offered)}."
        if offered
        else f"No interest of {seat.person} was declared open {when}: declare it in the interests register "
        "first, or recuse them for another reason."
    )
    raise RuleViolation(
        "recusal_interest_required" if interest is None else "recusal_interest_other_member",
        f"A recusal for a declared interest names an interest {seat.person} declared, open {when}. {choose}",
        field="interest",
    )


@transaction.atomic
def record_recusal(
    *,
    actor: Access,
    decision: Decision,
    membership: Membership | None = None,
    seat: Seat | None = None,
    reason: str,
    source: str | None = None,
    interest: InterestDeclaration | None = None,
    on: date | None = None,
) -> Recusal:
    """Recuse a member from a decision (rule 5); a vote it already cast is struck: kept, but no longer counted.

    A recusal for a declared interest names the declaration it rests on: one of the member (declared for
    it, or by its people) open while the decision is decided, from its meeting or opening to today
    (``queries.recusal_interests``). ``source`` left out is a declared interest when ``interest`` is
    named, and 'other' when not. ``on`` is the day rule 5's automatic recusals are judged on (the
    approval's opening, or the day a late interest arose), which the days looked at then include.
    """
    standing.require_record_keeper(actor, decision.body, "record recusals from its decisions")
    if seat is not None and seat.membership_id is not None:
        membership, seat = seat.membership, None
    if (membership is None) == (seat is None):
        raise RuleViolation(
            "recusal_member_or_seat",
            "Say who is recused: a member organisation, or a person's seat on the body.",
            field="membership",
        )
    decision = _locked(decision)
    _refuse_sealed(decision, "its recusals")
    if membership is not None:
        _refuse_other_alliance(decision, membership)
    elif seat.body_id != decision.body_id:
        raise RuleViolation(
            "seat_other_body", f"That seat is not on {decision.body.name}; choose one of its seats.", field="seat"
        )
    if not (reason or "").strip():
        raise RuleViolation("recusal_reason_required", "Say why the member is recused.", field="reason")
    if source is None:
        source = Recusal.Source.DECLARED_INTEREST if interest is not None else Recusal.Source.OTHER
    if source not in Recusal.Source.values:
        raise RuleViolation(
            "recusal_source_unknown",
            f"Unknown recusal source '{source}'; choose from {', '.join(Recusal.Source.values)}.",
            field="source",
        )
    if interest is not None and interest.alliance_id != decision.alliance_id:
        raise RuleViolation(
            "interest_other_alliance", "The interest was declared to another alliance.", field="interest"
        )
    whose = {"membership": membership} if membership is not None else {"membership": None, "seat": seat}
    if Recusal.objects.filter(decision=decision, **whose).exists():
        name = membership.organisation if membership is not None else seat.person
        raise RuleViolation(
            "already_recused",
            f"{name} is already recused from {_label(decision)}.",
            field="membership" if membership is not None else "seat",
            conflict=True,
        )
    today = max(timezone.localdate(), on or date.min)
    if membership is not None:
        _check_interest(decision, membership, source, interest, today)
    else:
        _check_own_interest(decision, seat, source, interest, today)
    reason = reason.strip()
    vote = Vote.objects.filter(decision=decision, struck_by__isnull=True, **whose).first()
    recusal = Recusal(
        decision=decision, membership=membership, seat=seat, source=source, interest=interest, reason=reason
    )
    save_checked(recusal, "Recused" if vote is None else "Recused; its vote is struck")
    if vote is not None:
        vote.struck_by = recusal
        save_checked(vote, f"Vote struck: member recused ({reason})")
    return recusal


@transaction.atomic
def grant_dispensation(*, actor: Access, recusal: Recusal, reason: str) -> Recusal:
    """Record the body's dispensation that lets a recused member vote despite its interest (rule 5).

    A vote the recusal struck stays struck: the dispensation is not retrospective, so the member
    votes again (``cast_vote`` records a new vote beside the struck one).
    """
    standing.require_record_keeper(actor, recusal.decision.body, "record its dispensations")
    decision = _locked(recusal.decision)
    _refuse_sealed(decision, "its recusals")
    if not (reason or "").strip():
        raise RuleViolation(
            "dispensation_reason_required",
            "Say why the body lets the member vote despite the interest.",
            field="reason",
        )
    recusal = Recusal.objects.select_related("membership__organisation", "seat__person").get(pk=recusal.pk)
    if recusal.dispensation_granted:
        raise RuleViolation(
            "dispensation_already_granted",
            f"{recusal.voter_name} already has a dispensation for {_label(decision)}.",
            conflict=True,
        )
    recusal.dispensation_granted = True
    recusal.dispensation_reason = reason.strip()
    save_checked(recusal, f"Dispensation granted: {reason.strip()}")
    return recusal
