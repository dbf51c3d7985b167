"""What award processes tell people: the oversight group hears of every award approved, so that it
can audit the decision while it is fresh (DESIGN.md "Notifications"). A producer for
alliance.notifications, registered in the registry (alliance.registry)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from alliance.formatting import day
from alliance.models import NotificationKind
from alliance.notifications import Planned, absolute_url
from alliance.registry import register
from contracts.models import AwardProcess, StageTransition
from decisions.notifications import people_holding, planned_for_each
from roles.models import Role, RoleAssignment


@register("notification_producers")
def award_approved(now: datetime) -> Iterator[Planned]:
    """An award approved: every oversight group member on the day of approval is asked to audit it."""
    approvals = (
        StageTransition.objects.filter(
            to_stage=AwardProcess.Stage.APPROVED,
            at__gte=now - timedelta(days=settings.NOTIFY_LOOKBACK_DAYS),
            at__lte=now,
        )
        .select_related("process__alliance", "process__approval_decision", "process__recommended_submission__bidder")
        .order_by("at", "pk")
    )
    for transition in approvals:
        process = transition.process
        on = timezone.localtime(transition.at).date()
        oversight = RoleAssignment.objects.held_on(on).filter(
            role__alliance_id=process.alliance_id, role__kind=Role.Kind.OVERSIGHT_MEMBER
        )
        submission = process.recommended_submission
        to = f" to {submission.bidder} at £{submission.price:,.2f}" if submission else ""
        decision = process.approval_decision
        by = f" by {decision.reference}" if decision and decision.reference else ""
        yield from planned_for_each(
            people_holding(oversight),
            alliance=process.alliance,
            kind=NotificationKind.AWARD_APPROVED,
            event_key=f"award-approved:{process.pk}",
            subject=f"Award approved: {process.reference} {process.title}",
            body=f"{process.reference} '{process.title}' ({process.get_route_display().lower()}) was approved"
            f"{to}{by} on {day(on)}. As a member of the oversight group, please review its audit trail: "
            "the route, submissions, scores, recusals and the approval vote.",
            url=absolute_url(process.get_absolute_url()),
            due_at=now,
        )


from contracts import query_notifications  # noqa: E402, F401  (oversight's formal queries)
