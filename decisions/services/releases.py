"""Releasing a decision wider than it was sealed with, and publishing a recusal's details.

A decision's visibility is sealed with its record (rule 4); a decision kept private until it is
announced is published by a **release**: an appended, attributed record (who, when, from which
visibility to which, and why) that leaves the sealed decision as it was. Its effective visibility
is its own widened by its releases in effect (``decisions.models.ReleaseWidening``, the read rule).

Choices documented here:

* A release widens, never narrows: a record once shown cannot be unshown, so a release to a
  narrower or the same visibility is refused.
* A release takes effect now, or at a moment to come (an embargo): until then nothing changes for
  readers, and the secretary may cancel it (attributed, with a reason). An open or deferred
  decision's release can only be scheduled: it takes effect at its moment once the decision is
  closed. A draft's visibility is set on the draft itself.
* One scheduled release per visibility at a time: to move an embargo, cancel it and schedule again.
* A recusal's reasons and personal details (the interest and who declared it, the dispensation's
  reason) are shown to the public only once the secretary marks them public; the flag can be set
  back, since it concerns people, not the decision's record.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from alliance.access import wider
from alliance.errors import RuleViolation
from alliance.formatting import day_time
from alliance.services import save_checked
from decisions.models import Decision, Recusal, Release
from decisions.services.votes import _label, _locked
from roles import standing
from roles.access import Access

__all__ = ["release_decision", "cancel_release", "set_recusal_details_public", "effective_visibility"]

# A release moment a little in the past (a form posted a minute after it was filled in) is "now".
LEEWAY = timedelta(minutes=5)


def _name(visibility: str) -> str:
    return Decision.Visibility(visibility).label


def effective_visibility(decision: Decision) -> str:
    """The decision's visibility widened by its releases in effect now (the read rule's, for one row)."""
    return decision.effective_visibility


def _check_moment(decision: Decision, at: datetime | None, now: datetime) -> datetime:
    if at is not None and at < now - LEEWAY:
        raise RuleViolation(
            "release_moment_passed",
            f"The release moment ({day_time(at)}) has passed; leave 'Release at' empty to release now, "
            "or choose a moment to come.",
            field="takes_effect_at",
        )
    scheduled = at is not None and at > now
    if decision.status == Decision.Status.DRAFT:
        raise RuleViolation(
            "release_draft",
            f"{_label(decision)} is a draft: set its visibility on the draft's form instead. "
            "A release publishes a decision wider than it was closed with.",
            field="to_visibility",
            conflict=True,
        )
    if not decision.is_sealed and not scheduled:
        raise RuleViolation(
            "release_not_closed",
            f"{_label(decision)} is not closed yet, so it cannot be released now. Set its visibility while it is "
            "drafted, or schedule the release: give 'Release at' a moment after it is due to close; it takes "
            "effect then, once the decision is closed.",
            field="takes_effect_at",
            conflict=True,
        )
    return at if scheduled else now


@transaction.atomic
def release_decision(
    *,
    actor: Access,
    decision: Decision,
    to_visibility: str,
    reason: str,
    takes_effect_at: datetime | None = None,
) -> Release:
    """Publish a closed decision wider than it was sealed with, now or at a moment to come (an embargo)."""
    standing.require_record_keeper(actor, decision.body, "release its decisions")
    decision = _locked(decision)
    now = timezone.now()
    if to_visibility not in Decision.Visibility.values:
        raise RuleViolation(
            "release_visibility_unknown",
            f"Unknown visibility '{to_visibility}'; choose Public or Members.",
            field="to_visibility",
        )
    moment = _check_moment(decision, takes_effect_at, now)
    current = effective_visibility(decision)
    label, target = _label(decision), _name(to_visibility)
    if to_visibility == current:
        raise RuleViolation(
            "release_already_at_level",
            f"{label} is already {target.lower()}; there is nothing to release.",
            field="to_visibility",
            conflict=True,
        )
    if wider(current, to_visibility) == current:
        raise RuleViolation(
            "release_narrowing",
            f"A release never makes a record less visible: {label} is {_name(current).lower()}, and "
            f"{target.lower()} is narrower. Choose a wider visibility.",
            field="to_visibility",
        )
    pending = Release.objects.pending(now).filter(decision=decision, to_visibility=to_visibility).first()
    if pending is None and not decision.is_sealed:
        pending = Release.objects.filter(
            decision=decision, to_visibility=to_visibility, cancelled_at__isnull=True
        ).first()
    if pending is not None:
        raise RuleViolation(
            "release_already_scheduled",
            f"A release of {label} to {target.lower()} is already scheduled for {day_time(pending.takes_effect_at)}; "
            "cancel it first to choose another moment.",
            field="takes_effect_at",
            conflict=True,
        )
    if not (reason or "").strip():
        raise RuleViolation(
            "release_reason_required",
            "Say why the decision is released (for example: announced at the annual meeting).",
            field="reason",
        )
    release = Release(
        decision=decision,
        from_visibility=current,
        to_visibility=to_visibility,
        takes_effect_at=moment,
        reason=reason.strip(),
        recorded_at=now,
        released_by_id=actor.person_id,
        released_by_user=actor.user,
    )
    when = "now" if moment == now else f"on {day_time(moment)}"
    save_checked(release, f"Released to {target.lower()} {when}: {reason.strip()}")
    return release


@transaction.atomic
def cancel_release(*, actor: Access, release: Release, reason: str) -> Release:
    """Cancel a scheduled release before its moment; one in effect is never undone."""
    decision = release.decision
    standing.require_record_keeper(actor, decision.body, "cancel releases of its decisions")
    decision = _locked(decision)
    release = Release.objects.select_for_update().get(pk=release.pk)
    release.decision = decision
    if release.cancelled_at is not None:
        raise RuleViolation(
            "release_already_cancelled",
            f"This release was already cancelled on {day_time(release.cancelled_at)}.",
            conflict=True,
        )
    now = timezone.now()
    if release.in_effect_on(now) and decision.is_sealed:
        raise RuleViolation(
            "release_in_effect",
            f"This release took effect on {day_time(release.takes_effect_at)}: a release is never undone, since "
            "readers have seen the decision. Only a release still to come can be cancelled.",
            conflict=True,
        )
    if not (reason or "").strip():
        raise RuleViolation("release_cancel_reason_required", "Say why the release is cancelled.", field="reason")
    release.cancelled_at = now
    release.cancelled_by_id = actor.person_id
    release.cancelled_by_user = actor.user
    release.cancel_reason = reason.strip()
    save_checked(release, f"Release cancelled: {reason.strip()}")
    return release


@transaction.atomic
def set_recusal_details_public(*, actor: Access, recusal: Recusal, public: bool, reason: str = "") -> Recusal:
    """Show (or stop showing) a recusal's reasons and personal details to the public; members always read them."""
    standing.require_record_keeper(actor, recusal.decision.body, "publish the details of its recusals")
    _locked(recusal.decision)
    recusal = (
        Recusal.objects.select_for_update(of=("self",))
        .select_related("membership__organisation", "seat__person")
        .get(pk=recusal.pk)
    )
    if recusal.details_public == public:
        state = "already public" if public else "not public"
        raise RuleViolation(
            "recusal_details_unchanged",
            f"The details of {recusal.voter_name}'s recusal are {state}.",
            conflict=True,
        )
    recusal.details_public = public
    why = f": {reason.strip()}" if (reason or "").strip() else ""
    recusal._change_reason = ("Recusal details made public" if public else "Recusal details made private") + why
    recusal.save(update_fields=["details_public"])
    return recusal
