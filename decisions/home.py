"""What the home page (alliance.home) shows of meetings, decisions, advice and actions: each section is
asked once for all the caller's alliances, reads through the read rule of its model, and runs a fixed
number of queries however many rows it lists (the positions awaited read a body's seats once per day
its open decisions are judged on)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from alliance.access import Access
from alliance.document_models import Document
from alliance.formatting import day, day_time
from alliance.home import MEETINGS_AHEAD_DAYS, SOON_DAYS, HomeContext, HomeItem, HomeSection
from alliance.registry import register
from decisions.agenda_models import AgendaItem
from decisions.models import ActionItem, Decision, Meeting, Vote
from decisions.queries import advice_awaited, decision_day, electorate, unanswered_advice, voting_seats_on
from roles.models import Role, RoleAssignment, Seat


def _label(decision: Decision) -> str:
    return f"{decision.reference or 'Draft'}: {decision.title}"


def _represented_alliances(access: Access) -> frozenset[int]:
    return frozenset(alliance for alliance, _ in access.represents)


def _kept(access: Access, body_path: str = "body") -> Q:
    """The rows of bodies whose record the caller keeps (a body's secretary, an alliance-wide one, staff)."""
    if access.staff:
        return Q()
    return Q(**{f"{body_path}_id__in": access.secretary_of_bodies}) | Q(
        **{f"{body_path}__alliance_id__in": access.secretary_of_alliances}
    )


def _kept_alliances(ctx: HomeContext) -> frozenset[int]:
    return frozenset(a for a in ctx.alliance_ids if ctx.access.keeps_record_of(a))


# Meetings and their papers -------------------------------------------------------------------


def my_bodies(access: Access, on: date) -> Q:
    """Meetings of the bodies the caller sits on ``on``: as their secretary, in a seat of their own or
    of an organisation they represent, through a post of that body, or, on a body without seats of its
    own, as the representative of one of the alliance's members."""
    q = _kept(access)
    represented = _represented_alliances(access)
    if represented:
        q |= Q(body__own_seats=False, body__alliance_id__in=represented)
    if access.person_id is not None:
        seat = Seat.objects.held_on(on).filter(body_id=OuterRef("body_id"))
        mine = Q(person_id=access.person_id)
        for alliance, organisation in access.represents:
            mine |= Q(body__alliance_id=alliance, membership__organisation_id=organisation)
        q |= Q(Exists(seat.filter(mine)))
        posts = RoleAssignment.objects.held_on(on).filter(person_id=access.person_id, role__body_id=OuterRef("body_id"))
        q |= Q(Exists(posts))
    return q


def upcoming_meetings(ctx: HomeContext) -> QuerySet[Meeting]:
    """The scheduled meetings of the caller's bodies in the next :data:`MEETINGS_AHEAD_DAYS` days."""
    return (
        Meeting.objects.restrict(ctx.access)
        .filter(
            my_bodies(ctx.access, ctx.today),
            status=Meeting.Status.SCHEDULED,
            starts_at__gte=ctx.now,
            starts_at__lte=ctx.now + timedelta(days=MEETINGS_AHEAD_DAYS),
            body__alliance_id__in=ctx.alliance_ids,
        )
        .select_related("body__alliance")
        .order_by("starts_at", "pk")
    )


@register("home_sections")
def meetings_section(ctx: HomeContext) -> HomeSection:
    """Home: the meetings coming up of the bodies the caller sits on, and whether their agenda is out."""
    items = []
    for meeting in upcoming_meetings(ctx):
        published = meeting.agenda_published_at is not None
        items.append(
            HomeItem(
                alliance_id=meeting.body.alliance_id,
                text=f"{meeting.body.code or meeting.body.name}: {meeting.title or 'meeting'}",
                url=meeting.get_absolute_url(),
                date=meeting.starts_at,
                urgency=ctx.urgency(meeting.starts_at) if published else "normal",
                detail=f"{day_time(meeting.starts_at)}, "
                + (meeting.location or ("online" if meeting.online else "place to be confirmed"))
                + ("; agenda published" if published else "; agenda not yet published"),
            )
        )
    return HomeSection(
        key="meetings",
        title=f"Meetings in the next {MEETINGS_AHEAD_DAYS} days",
        empty=f"No meeting of a body you sit on in the next {MEETINGS_AHEAD_DAYS} days.",
        alliances=ctx.alliance_ids,
        items=items,
    )


@register("home_sections")
def papers_section(ctx: HomeContext) -> HomeSection:
    """Home: the papers of those meetings' published agendas, item by item, that the caller may read."""
    agenda = (
        AgendaItem.objects.filter(
            meeting__in=upcoming_meetings(ctx).filter(agenda_published_at__isnull=False).values("pk"),
            status=AgendaItem.Status.LISTED,
        )
        .select_related("meeting__body__alliance")
        .order_by()
    )
    items_by_pk = {item.pk: item for item in agenda}
    papers = (
        Document.objects.restrict(ctx.access)
        .filter(
            owner_type=ContentType.objects.get_for_model(AgendaItem),
            owner_id__in=list(items_by_pk),
            withdrawn_at__isnull=True,
        )
        .select_related("alliance")
        .order_by("created_at", "pk")
    )
    items = []
    for paper in papers:
        item = items_by_pk[paper.owner_id]
        meeting = item.meeting
        items.append(
            HomeItem(
                alliance_id=meeting.body.alliance_id,
                text=paper.title,
                url=paper.get_absolute_url(),
                date=meeting.starts_at,
                detail=f"Item {item.position}, {item.title}, at {meeting.body.code or meeting.body.name} "
                f"on {day(meeting.starts_at)}",
            )
        )
    return HomeSection(
        key="papers",
        title="Papers to read",
        empty="No papers on the published agendas of your coming meetings.",
        alliances=ctx.alliance_ids,
        items=items,
    )


# Positions awaited -------------------------------------------------------------------------------


def _covers(starts_on: date, ends_on: date | None, on: date) -> bool:
    return starts_on <= on and (ends_on is None or ends_on >= on)


def positions_awaited(ctx: HomeContext) -> list[tuple[Decision, str]]:
    """Open decisions where a voting seat the caller speaks for has no position yet: an organisation
    they represent (or deputise for) on the decision's day, or a seat they hold in their own right;
    with the name of whose position is missing. A body's seats are read once per day its open decisions
    are judged on (a query or two each), whatever the number of decisions."""
    access = ctx.access
    if access.person_id is None:
        return []
    alliances = _represented_alliances(access) | access.voting_representative_of
    posts = defaultdict(list)  # (alliance, organisation) -> [(starts_on, ends_on)]
    for alliance, organisation, starts_on, ends_on in RoleAssignment.objects.filter(
        person_id=access.person_id, role__kind__in=Role.REPRESENTATIVE_KINDS, role__organisation__isnull=False
    ).values_list("role__alliance_id", "role__organisation_id", "starts_on", "ends_on"):
        posts[(alliance, organisation)].append((starts_on, ends_on))
    decisions = (
        Decision.objects.restrict(access)
        .filter(status=Decision.Status.OPEN, alliance_id__in=alliances & ctx.alliance_ids)
        .select_related("alliance", "body__alliance", "meeting")
        .prefetch_related(
            "recusals",
            Prefetch(
                "votes",
                queryset=Vote.objects.filter(struck_by__isnull=True).only("decision_id", "membership_id", "seat_id"),
            ),
        )
        .order_by("closes_at", "pk")
    )
    # Each body's seats are read once per day a decision is judged on (rule 1 judges the decision's day).
    seats: dict[tuple[int, date], list] = {}
    awaited = []
    for decision in decisions:
        on = decision_day(decision) or ctx.today
        if (decision.body_id, on) not in seats:
            seats[(decision.body_id, on)] = voting_seats_on(decision.body, on)
        voted = {("member", v.membership_id) if v.membership_id else ("seat", v.seat_id) for v in decision.votes.all()}
        for voter in electorate(decision, on, voting=seats[(decision.body_id, on)]).eligible:
            if voter.key in voted:
                continue
            if voter.membership is not None:
                terms = posts.get((decision.alliance_id, voter.membership.organisation_id), [])
                if any(_covers(s, e, on) for s, e in terms):
                    awaited.append((decision, f"{voter.name}'s position"))
            elif voter.seat.person_id == access.person_id:
                awaited.append((decision, "your position (your own seat)"))
    return awaited


def _deadline(decision: Decision) -> datetime | None:
    return decision.closes_at or (decision.meeting.starts_at if decision.meeting_id else None)


@register("home_sections")
def positions_section(ctx: HomeContext) -> HomeSection | None:
    """Home: decisions awaiting the position of an organisation the caller represents, with their deadline."""
    alliances = (_represented_alliances(ctx.access) | ctx.access.voting_representative_of) & ctx.alliance_ids
    if not alliances:
        return None
    items = []
    for decision, whose in positions_awaited(ctx):
        deadline = _deadline(decision)
        when = (
            f"votes close {day_time(decision.closes_at)}"
            if decision.closes_at
            else f"taken at the meeting on {day(deadline)}"
            if deadline
            else "no closing date set"
        )
        items.append(
            HomeItem(
                alliance_id=decision.alliance_id,
                text=_label(decision),
                url=decision.get_absolute_url(),
                date=deadline,
                urgency=ctx.urgency(deadline),
                detail=f"Record {whose}: {when}.",
            )
        )
    return HomeSection(
        key="positions",
        title="Decisions awaiting your organisation's position",
        empty="Every open decision has your organisation's position.",
        alliances=alliances,
        items=items,
    )


# Advice ------------------------------------------------------------------------------------------


@register("home_sections")
def advice_asked_section(ctx: HomeContext) -> HomeSection | None:
    """Home: requests for the advice of an advisory organisation the caller represents, not yet answered."""
    access = ctx.access
    if not access.represents:
        return None
    mine = Q(pk__in=[])
    for alliance, organisation in access.represents:
        mine |= Q(membership__alliance_id=alliance, membership__organisation_id=organisation)
    requests = advice_awaited(None).filter(mine).restrict(access).select_related("decision__alliance")
    items = [
        HomeItem(
            alliance_id=r.decision.alliance_id,
            text=_label(r.decision),
            url=r.decision.get_absolute_url(),
            date=r.decision.closes_at,
            urgency=ctx.urgency(r.decision.closes_at),
            detail=f"{r.membership.organisation.name}'s advice was asked on {day(r.requested_at)}.",
        )
        for r in requests
    ]
    advisory = frozenset(a for a in _represented_alliances(access) if a not in access.voting_representative_of)
    return HomeSection(
        key="advice_asked",
        title="Advice asked of your organisation",
        empty="No request for your organisation's advice is waiting.",
        alliances=(advisory | {i.alliance_id for i in items}) & ctx.alliance_ids,
        items=items,
    )


@register("home_sections")
def advice_response_section(ctx: HomeContext) -> HomeSection | None:
    """Home, for a secretary: advice given on their bodies' decisions that the alliance has not answered."""
    alliances = _kept_alliances(ctx)
    if not alliances:
        return None
    advice = (
        unanswered_advice(None)
        .filter(_kept(ctx.access, "decision__body"))
        .restrict(ctx.access)
        .select_related("decision__alliance")
    )
    items = [
        HomeItem(
            alliance_id=a.decision.alliance_id,
            text=_label(a.decision),
            url=a.decision.get_absolute_url(),
            date=a.given_at,
            detail=f"Advice from {a.organisation.name if a.organisation_id else a.person.name} "
            f"given {day(a.given_at)}: record the alliance's response.",
        )
        for a in advice
    ]
    return HomeSection(
        key="advice_response",
        title="Advice awaiting the alliance's response",
        empty="Every piece of advice on your bodies' decisions has a response.",
        alliances=alliances,
        items=items,
    )


# Actions -----------------------------------------------------------------------------------------


@register("home_sections")
def actions_section(ctx: HomeContext) -> HomeSection | None:
    """Home: open action items the caller owns, or a role they hold owns, overdue or due within
    :data:`SOON_DAYS` days."""
    if ctx.access.person_id is None:
        return None
    roles = RoleAssignment.objects.held_on(ctx.today).filter(person_id=ctx.access.person_id).values("role_id")
    actions = (
        ActionItem.objects.restrict(ctx.access)
        .filter(Q(owner_person_id=ctx.access.person_id) | Q(owner_role_id__in=roles))
        .filter(
            status=ActionItem.Status.OPEN,
            due_on__lte=ctx.today + timedelta(days=SOON_DAYS),
            decision__alliance_id__in=ctx.alliance_ids,
        )
        .select_related("decision__alliance", "owner_role")
        .order_by("due_on", "pk")
    )
    items = [
        HomeItem(
            alliance_id=a.decision.alliance_id,
            text=a.title,
            url=a.decision.get_absolute_url(),
            date=a.due_on,
            urgency=ctx.urgency(a.due_on),
            detail=f"Due {day(a.due_on)}, from {a.decision.reference or a.decision.title}"
            + (f", owned by your role {a.owner_role.title}" if a.owner_role_id else ""),
        )
        for a in actions
    ]
    return HomeSection(
        key="actions",
        title="Your actions overdue or due soon",
        empty="None of your actions is overdue or due in the next few days.",
        alliances=ctx.alliance_ids,
        items=items,
    )


# For a secretary ---------------------------------------------------------------------------------


@register("home_sections")
def drafts_section(ctx: HomeContext) -> HomeSection | None:
    """Home, for a secretary: their bodies' draft decisions."""
    alliances = _kept_alliances(ctx)
    if not alliances:
        return None
    drafts = (
        Decision.objects.restrict(ctx.access)
        .filter(_kept(ctx.access), status=Decision.Status.DRAFT, alliance_id__in=alliances)
        .select_related("alliance", "body", "meeting")
        .order_by("pk")
    )
    items = [
        HomeItem(
            alliance_id=d.alliance_id,
            text=f"Draft: {d.title}",
            url=d.get_absolute_url(),
            date=d.meeting.starts_at if d.meeting_id else None,
            detail=f"{d.body.code or d.body.name}"
            + (f", for the meeting on {day(d.meeting.starts_at)}" if d.meeting_id else ", no meeting set"),
        )
        for d in drafts
    ]
    return HomeSection(
        key="drafts",
        title="Draft decisions",
        empty="Your bodies have no draft decisions.",
        alliances=alliances,
        items=items,
    )


@register("home_sections")
def overdue_decisions_section(ctx: HomeContext) -> HomeSection | None:
    """Home, for a secretary: open decisions past their deadline (the written procedure's closing, or the
    meeting's day), whose outcome is still to be recorded."""
    alliances = _kept_alliances(ctx)
    if not alliances:
        return None
    start_of_today = datetime.combine(ctx.today, datetime.min.time(), tzinfo=ctx.now.tzinfo)
    decisions = (
        Decision.objects.restrict(ctx.access)
        .filter(_kept(ctx.access), status=Decision.Status.OPEN, alliance_id__in=alliances)
        .filter(Q(closes_at__lte=ctx.now) | Q(closes_at__isnull=True, meeting__starts_at__lt=start_of_today))
        .select_related("alliance", "meeting")
        .order_by("pk")
    )
    items = []
    for d in decisions:
        deadline = _deadline(d)
        items.append(
            HomeItem(
                alliance_id=d.alliance_id,
                text=_label(d),
                url=d.get_absolute_url(),
                date=deadline,
                urgency="overdue",
                detail=(
                    f"Votes closed {day_time(d.closes_at)}"
                    if d.closes_at
                    else f"Taken at the meeting on {day(deadline)}"
                )
                + ": record the outcome.",
            )
        )
    return HomeSection(
        key="overdue_decisions",
        title="Decisions past their deadline, still open",
        empty="No open decision of your bodies is past its deadline.",
        alliances=alliances,
        items=items,
    )


@register("home_sections")
def past_meetings_section(ctx: HomeContext) -> HomeSection | None:
    """Home, for a secretary: meetings of their bodies whose day has passed and that are still scheduled."""
    alliances = _kept_alliances(ctx)
    if not alliances:
        return None
    start_of_today = datetime.combine(ctx.today, datetime.min.time(), tzinfo=ctx.now.tzinfo)
    meetings = (
        Meeting.objects.restrict(ctx.access)
        .filter(
            _kept(ctx.access),
            status=Meeting.Status.SCHEDULED,
            starts_at__lt=start_of_today,
            body__alliance_id__in=alliances,
        )
        .select_related("body__alliance")
        .order_by("starts_at", "pk")
    )
    items = [
        HomeItem(
            alliance_id=m.body.alliance_id,
            text=f"{m.body.code or m.body.name}: {m.title or 'meeting'}",
            url=m.get_absolute_url(),
            date=m.starts_at,
            urgency="overdue",
            detail=f"Met on {day(m.starts_at)}: record it as held (with its attendance) or cancelled.",
        )
        for m in meetings
    ]
    return HomeSection(
        key="past_meetings",
        title="Meetings past but still scheduled",
        empty="Every past meeting of your bodies is recorded as held or cancelled.",
        alliances=alliances,
        items=items,
    )


def minutes_to_approve(meetings: QuerySet[Meeting]) -> QuerySet[Meeting]:
    """Held meetings whose minutes are not approved yet: the one place that says which minutes wait for
    approval (once minutes are circulated as a draft, only circulated ones)."""
    return meetings.filter(status=Meeting.Status.HELD, minutes_approved_by__isnull=True)


@register("home_sections")
def minutes_section(ctx: HomeContext) -> HomeSection | None:
    """Home, for a secretary: the minutes of their bodies' held meetings still to be approved."""
    alliances = _kept_alliances(ctx)
    if not alliances:
        return None
    meetings = (
        minutes_to_approve(Meeting.objects.restrict(ctx.access))
        .filter(_kept(ctx.access), body__alliance_id__in=alliances)
        .select_related("body__alliance")
        .order_by("starts_at", "pk")
    )
    items = [
        HomeItem(
            alliance_id=m.body.alliance_id,
            text=f"{m.body.code or m.body.name}: minutes of {day(m.starts_at)}",
            url=m.get_absolute_url(),
            date=m.starts_at,
            detail="Held; its minutes wait for approval at the body's next meeting.",
        )
        for m in meetings
    ]
    return HomeSection(
        key="minutes",
        title="Minutes to approve",
        empty="The minutes of every held meeting of your bodies are approved.",
        alliances=alliances,
        items=items,
    )
