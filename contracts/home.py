"""What the home page (alliance.home) shows of awards and delivery: for oversight, the awards approved since
the caller's previous visit to their home (in their first visit, those of the last :data:`FIRST_VISIT_DAYS`
days), read through the award's read rule in one query; and the delivery warnings that concern the caller
(contracts in their notice period without a decision, milestones past due, returns missing)."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Max, Q
from django.urls import reverse

from alliance.formatting import day
from alliance.home import HomeContext, HomeItem, HomeSection
from alliance.models import Alliance
from alliance.registry import register
from contracts.models import AwardProcess
from contracts.queries_warnings import contracts_ending_without_decision, milestones_past_due, returns_missing
from roles.models import RoleAssignment

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


def _my_owner_roles(ctx: HomeContext) -> set[int]:
    if ctx.access.person_id is None:
        return set()
    held = RoleAssignment.objects.held_on(ctx.today).filter(person_id=ctx.access.person_id)
    return set(held.values_list("role_id", flat=True))


@register("home_sections")
def delivery_warnings_section(ctx: HomeContext) -> HomeSection | None:
    """Home: the delivery warnings that concern the caller. Oversight and the alliance's secretaries see every
    one; a member's representative the contracts of their organisation (the commissioner's: also those it
    retained) and the returns it reports; a role holder the milestones of the workstreams their role owns."""
    alliances = ctx.alliance_ids
    if not alliances:
        return None
    access, today = ctx.access, ctx.today
    everything = frozenset(a for a in alliances if access.is_oversight_of(a) or access.keeps_record_of(a))
    represented = {pair for pair in access.represents if pair[0] in alliances}
    commissioners = {a.pk: a.commissioner_id for a in Alliance.objects.filter(pk__in=alliances).only("commissioner")}
    roles = _my_owner_roles(ctx)
    items = []
    for w in contracts_ending_without_decision(alliances, access, today):
        c = w.contract
        mine = (c.alliance_id, c.provider_id) in represented or (
            not c.in_scope and (c.alliance_id, commissioners.get(c.alliance_id)) in represented
        )
        if c.alliance_id in everything or mine:
            items.append(
                HomeItem(
                    alliance_id=c.alliance_id,
                    text=f"No decision yet on the future of {c}",
                    url=reverse("delivery-warnings", kwargs={"slug": c.alliance.slug}) + f"#contract-{c.pk}",
                    date=w.decision_due_on,
                    urgency=ctx.urgency(w.decision_due_on),
                    detail=f"Ends {day(c.ends_on)}; in its notice period since {day(w.notice_starts_on)}; the decision "
                    f"is due by {day(w.decision_due_on)}.",
                )
            )
    for w in milestones_past_due(alliances, access, today):
        m, ws = w.milestone, w.milestone.workstream
        if ws.alliance_id in everything or ws.owner_role_id in roles:
            items.append(
                HomeItem(
                    alliance_id=ws.alliance_id,
                    text=f"Milestone past due: {m.title} ({ws})",
                    url=reverse("delivery-warnings", kwargs={"slug": ws.alliance.slug}) + f"#milestone-{m.pk}",
                    date=m.target_on,
                    urgency=ctx.urgency(m.target_on),
                    detail=f"Due {day(m.target_on)}, {w.days_late} days ago; "
                    f"{w.slippage_days} days behind its baseline.",
                )
            )
    for w in returns_missing(alliances, access, today):
        measure, period = w.measure, w.period
        if measure.alliance_id in everything or (measure.alliance_id, measure.reported_by_id) in represented:
            items.append(
                HomeItem(
                    alliance_id=measure.alliance_id,
                    text=f"Return missing: {measure.name}, {day(period.start)} to {day(period.end)}",
                    url=reverse("delivery-warnings", kwargs={"slug": measure.alliance.slug})
                    + f"#return-{measure.pk}-{period.start:%Y%m%d}",
                    date=period.due_on,
                    urgency=ctx.urgency(period.due_on),
                    detail=f"Due {day(period.due_on)}; reported by "
                    f"{measure.reported_by.name if measure.reported_by_id else 'the secretary'}.",
                )
            )
    concerned = everything | {a for a, _ in represented} | {i.alliance_id for i in items}
    if not concerned:
        return None
    return HomeSection(
        key="delivery_warnings",
        title="Delivery warnings",
        empty="No contract is in its notice period without a decision, no milestone is past due and no return is "
        "missing that concerns you.",
        alliances=frozenset(concerned),
        items=items,
    )
