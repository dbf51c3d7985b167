"""What the home page (alliance.home) shows of oversight's formal queries: to the oversight group, every
open query of its alliance; to a body's secretary, the open queries its body must answer. Overdue ones
are marked; each links to the query's page. One query, read through the query's read rule."""

from __future__ import annotations

from django.db.models import Q

from alliance.formatting import day
from alliance.home import HomeContext, HomeItem, HomeSection
from alliance.registry import register
from contracts.query_models import OversightQuery


@register("home_sections")
def oversight_queries_section(ctx: HomeContext) -> HomeSection | None:
    """Home: open oversight queries, for oversight (all of its alliance's) and for the secretaries of the
    bodies asked (their body's), soonest due first."""
    access = ctx.access
    oversight = frozenset(a for a in ctx.alliance_ids if access.is_oversight_of(a))
    keeper = frozenset(a for a in ctx.alliance_ids if access.keeps_record_of(a)) - oversight
    if not (oversight or keeper):
        return None
    asked = Q(to_body_id__in=access.secretary_of_bodies) | Q(alliance_id__in=access.secretary_of_alliances)
    rows = (
        OversightQuery.objects.restrict(access)
        .open()
        .filter(Q(alliance_id__in=oversight) | (Q(alliance_id__in=keeper) & asked))
        .select_related("alliance", "to_body")
        .order_by("due_on", "pk")
    )
    items = [
        HomeItem(
            alliance_id=q.alliance_id,
            text=f"{q.reference}: {q.subject}",
            url=q.get_absolute_url(),
            date=q.due_on,
            urgency=ctx.urgency(q.due_on),
            detail=f"{q.get_kind_display()} to {q.to_body.name}, "
            + (f"overdue since {day(q.due_on)}" if q.is_overdue_on(ctx.today) else f"answer due by {day(q.due_on)}"),
        )
        for q in rows
    ]
    return HomeSection(
        key="oversight_queries",
        title="Open oversight queries",
        empty="No oversight query is waiting for an answer.",
        alliances=oversight | keeper,
        items=items,
    )
