"""Who advises a decision, and asking them.

A body's advisers are its advisory seats held by member organisations on the day (on a body sat on by
the alliance's members, its ADVISORY memberships: :func:`advisers_of`). A person with an advisory seat
in their own right is not asked here: their advice is recorded under their name, as an advisor's is.
A KEY decision asks the advisers for advice when it opens (:func:`ask_advisers`), which lets their
representatives read it whatever its visibility (``decisions.models.AskedToAdvise``).
"""

from __future__ import annotations

from datetime import date, datetime

from alliance.choices import DecisionKind
from alliance.models import Membership
from alliance.services import save_checked
from decisions.models import AdviceRequest, Decision
from decisions.queries import seats_on

__all__ = ["advisers_of", "ask_advisers"]


def advisers_of(decision: Decision, on: date) -> list[Membership]:
    """The advisory members who advise ``decision``'s body on ``on``: its advisory seats held by a member
    organisation (on a body sat on by the alliance's members, its ADVISORY members)."""
    return [
        voter.membership
        for voter in seats_on(decision.body, on)
        if voter.status_on == Membership.Status.ADVISORY and voter.membership is not None
    ]


def ask_advisers(*, decision: Decision, on: date, requested_at: datetime, requested_by_id: int | None = None) -> None:
    """A KEY decision asks each of its body's advisers for advice (once each); other kinds ask nobody
    by default. Called inside the opening's transaction."""
    if decision.kind != DecisionKind.KEY:
        return
    asked = set(AdviceRequest.objects.filter(decision=decision).values_list("membership_id", flat=True))
    for membership in advisers_of(decision, on):
        if membership.pk not in asked:
            request = AdviceRequest(
                decision=decision, membership=membership, requested_at=requested_at, requested_by_id=requested_by_id
            )
            save_checked(request, "Asked to advise: a KEY decision asks its body's advisory members")
