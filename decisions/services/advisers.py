"""Who advises a decision, and asking them: the one place the lead repoints when bodies have seats.

Until each body has its own advisory seats, a body's advisers are its alliance's ADVISORY
memberships open on the day (:func:`advisers_of`). A KEY decision asks them for advice when it opens
(:func:`ask_advisers`), which lets their representatives read it whatever its visibility
(``decisions.models.AskedToAdvise``).
"""

from __future__ import annotations

from datetime import date, datetime

from alliance.choices import DecisionKind
from alliance.models import Membership
from alliance.services import save_checked
from decisions.models import AdviceRequest, Decision

__all__ = ["advisers_of", "ask_advisers"]


def advisers_of(decision: Decision, on: date) -> list[Membership]:
    """The advisory members who advise ``decision``'s body on ``on``."""
    return list(
        Membership.objects.filter(alliance_id=decision.alliance_id)
        .open_on(on)
        .with_status_on(on)
        .filter(status_on=Membership.Status.ADVISORY)
        .select_related("organisation")
        .order_by("organisation__name")
    )


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
