"""What the home page (alliance.home) shows of awards: for oversight, the awards approved since the
caller's previous visit to their home (in their first visit, those of the last
:data:`FIRST_VISIT_DAYS` days), read through the award's read rule in one query."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Max, Q

from alliance.formatting import day
from alliance.home import HomeContext, HomeItem, HomeSection
from alliance.registry import register
from contracts.models import AwardProcess

FIRST_VISIT_DAYS = 30


@register("home_sections")
def awards_approved_section(ctx: HomeContext) -> HomeSection | None:
    """Home, for oversight: awards approved since the previous visit, with when and by which decision."""
    alliances = frozenset(a for a in ctx.alliance_ids if ctx.access.is_oversight_of(a))
    if not alliances:
        return None
    since = ctx.since or ctx.now - timedelta(days=FIRST_VISIT_DAYS)
    approved = Q(transitions__to_stage=AwardProcess.Stage.APPROVED)
    awards = (
        AwardProcess.objects.restrict(ctx.access)
        .filter(alliance_id__in=alliances)
        .annotate(approved_at=Max("transitions__at", filter=approved))
        .filter(approved_at__gt=since, approved_at__lte=ctx.now)
        .select_related("alliance", "approval_decision")
        .order_by("approved_at", "pk")
    )
    items = [
        HomeItem(
            alliance_id=a.alliance_id,
            text=f"{a.reference}: {a.title}",
            url=a.get_absolute_url(),
            date=a.approved_at,
            detail=f"{a.get_route_display()}, approved {day(a.approved_at)}"
            + (f" by {a.approval_decision.reference}" if a.approval_decision_id else "")
            + ": its audit trail is on the award's page.",
        )
        for a in awards
    ]
    return HomeSection(
        key="awards_approved",
        title="Awards approved since your last visit"
        if ctx.since
        else f"Awards approved in the last {FIRST_VISIT_DAYS} days",
        empty="No award has been approved since your last visit."
        if ctx.since
        else f"No award was approved in the last {FIRST_VISIT_DAYS} days.",
        alliances=alliances,
        items=items,
    )


from contracts import home_queries  # noqa: E402, F401  (oversight's open and overdue queries)
