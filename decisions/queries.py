"""Reads of meetings and decisions that more than one caller needs.

Dates are parameters. A decision's day (:func:`decision_day`) is the day its votes are judged
against: the day it was decided once closed, otherwise the day of its meeting or its opening.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from alliance.models import Alliance, GoverningBody, Membership
from alliance.queries import members_on
from decisions.models import (
    AdviceRequest,
    AdvisoryInput,
    AdvisoryResponse,
    Attendance,
    Decision,
    Meeting,
    Recusal,
    Release,
    Vote,
)
from roles.access import Access
from roles.models import InterestDeclaration, Role, RoleAssignment, Seat

# The day a decision is judged on --------------------------------------------------------------


def local_day(moment) -> date:
    """The Europe/London date of an aware datetime."""
    return timezone.localtime(moment).date()


def decision_day(decision: Decision) -> date | None:
    """The day a decision's membership is judged on, or None for a draft with no date yet."""
    if decision.decided_on:
        return decision.decided_on
    if decision.meeting_id:
        return local_day(decision.meeting.starts_at)
    if decision.opened_at:
        return local_day(decision.opened_at)
    return None


# Eligibility, quorum and the votes grid (rules 1, 3, 5) --------------------------------------


@dataclass(eq=False)
class Voter:
    """One place that votes on a decision: a member organisation (through its representative or deputy),
    or a person sitting in their own right on a body with seats of its own (``roles.Seat``)."""

    membership: Membership | None = None
    seat: Seat | None = None
    status_on: str = Membership.Status.VOTING

    @property
    def key(self) -> tuple[str, int]:
        return ("member", self.membership.pk) if self.membership is not None else ("seat", self.seat.pk)

    @property
    def name(self) -> str:
        return self.membership.organisation.name if self.membership is not None else self.seat.person.name

    @property
    def organisation(self):
        return self.membership.organisation if self.membership is not None else None

    @property
    def person(self):
        return self.seat.person if self.membership is None else None

    @property
    def pk(self) -> int:
        """The membership's id (or, for a person's seat, the seat's): unique within one kind of voter."""
        return self.membership.pk if self.membership is not None else self.seat.pk

    def __str__(self) -> str:
        return self.name


def voter_key(row) -> tuple[str, int]:
    """The :attr:`Voter.key` a vote or recusal belongs to."""
    return ("member", row.membership_id) if row.membership_id else ("seat", row.seat_id)


def seats_on(body: GoverningBody, on: date) -> list[Voter]:
    """Who sits on ``body`` on ``on``, voting and advisory, as voters in name order.

    A body with seats of its own is sat on by its seats held that day (an organisation's seat only while
    its membership is open); any other body by the alliance's members open that day, their membership's
    status deciding whether they vote or advise (the ALT's seats default to the membership).
    """
    if not body.own_seats:
        return [Voter(membership=m, status_on=m.status_on) for m in members_on(body.alliance, on)]
    seats = Seat.objects.filter(body=body).held_on(on).select_related("membership__organisation", "person")
    voters = []
    for seat in seats:
        if seat.membership_id is not None and not seat.membership.is_open_on(on):
            continue
        status = Membership.Status.VOTING if seat.kind == Seat.Kind.VOTING else Membership.Status.ADVISORY
        if seat.membership_id is not None:
            voters.append(Voter(membership=seat.membership, seat=seat, status_on=status))
        else:
            voters.append(Voter(seat=seat, status_on=status))
    return sorted(voters, key=lambda v: v.name)


def voting_seats_on(body: GoverningBody, on: date) -> list[Voter]:
    return [v for v in seats_on(body, on) if v.status_on == Membership.Status.VOTING]


@dataclass
class Electorate:
    """Who could vote on a decision on a day: its body's voting seats, minus the recused ones."""

    voting: list[Voter]
    eligible: list[Voter]
    recused: list[Voter]
    recusals: dict[tuple[str, int], Recusal] = field(default_factory=dict)

    @property
    def eligible_keys(self) -> set[tuple[str, int]]:
        return {v.key for v in self.eligible}


def electorate(decision: Decision, on: date, *, voting: list[Voter] | None = None) -> Electorate:
    """The body's voting seats on ``on`` (rule 1); recused ones without dispensation are not eligible.

    ``voting``: the body's :func:`voting_seats_on` ``on``, when the caller has them already (a list of
    many decisions of one body, read once per body and day)."""
    voting = voting_seats_on(decision.body, on) if voting is None else voting
    recusals = {voter_key(r): r for r in decision.recusals.all()}
    barred = {key for key, r in recusals.items() if not r.dispensation_granted}
    return Electorate(
        voting=voting,
        eligible=[v for v in voting if v.key not in barred],
        recused=[v for v in voting if v.key in barred],
        recusals=recusals,
    )


def recusal_window(decision: Decision, today: date) -> tuple[date, date]:
    """The days a recusal from an undecided ``decision`` is judged on (rule 5): from the first of its
    meeting's day and its opening (``today`` for a draft with neither) to ``today``, since votes on it
    may be recorded, and interests declared, until it closes."""
    moments = [decision.opened_at, decision.meeting.starts_at if decision.meeting_id else None]
    days = [local_day(moment) for moment in moments if moment is not None]
    start = min(days) if days else today
    return start, max(start, today)


def recusal_interests(decision: Decision, *, today: date) -> dict[int, list[InterestDeclaration]]:
    """The declarations a recusal from ``decision`` may rest on, by the organisation of the member they concern.

    A declaration counts when it was open at some day of :func:`recusal_window` and concerns the
    member: declared for it (``represents``), or, declared for nobody in particular, by one of its
    employees or by a person holding its representative or deputy role in those days.
    """
    start, end = recusal_window(decision, today)
    declarations = list(
        InterestDeclaration.objects.filter(alliance_id=decision.alliance_id, declared_on__lte=end)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=start))
        .select_related("person")
        .order_by("-declared_on", "pk")
    )
    unattached = {d.person_id for d in declarations if d.represents_id is None}
    represented_by = defaultdict(set)
    held = RoleAssignment.objects.overlapping(start, end).filter(
        person_id__in=unattached, role__alliance_id=decision.alliance_id, role__kind__in=Role.REPRESENTATIVE_KINDS
    )
    for person_id, organisation_id in held.values_list("person_id", "role__organisation_id"):
        represented_by[person_id].add(organisation_id)
    members = set(Membership.objects.filter(alliance_id=decision.alliance_id).values_list("organisation_id", flat=True))
    concerned = defaultdict(list)
    for d in declarations:
        organisations = {d.represents_id} if d.represents_id else {d.person.employer_id, *represented_by[d.person_id]}
        for organisation_id in sorted(organisations & members):
            concerned[organisation_id].append(d)
    return concerned


def representing(meeting: Meeting) -> QuerySet[Attendance]:
    """The meeting's attendance as a voting representative or deputy, present."""
    return Attendance.objects.filter(
        meeting=meeting,
        present=True,
        organisation__isnull=False,
        capacity__in=[Attendance.Capacity.VOTING_REPRESENTATIVE, Attendance.Capacity.DEPUTY],
    )


def counted_attendance(meeting: Meeting) -> QuerySet[Attendance]:
    """Who counts towards quorum (rule 3): a representative or deputy present who, on the meeting's day, held a
    representative or deputy role of the member they attended for. A row recorded before that was checked, or
    whose role was corrected since, is not counted."""
    held = RoleAssignment.objects.held_on(local_day(meeting.starts_at)).filter(
        person_id=OuterRef("person_id"),
        role__alliance_id=meeting.body.alliance_id,
        role__organisation_id=OuterRef("organisation_id"),
        role__kind__in=Role.REPRESENTATIVE_KINDS,
    )
    return representing(meeting).filter(Exists(held))


def members_present(meeting: Meeting) -> set[int]:
    """Ids of the memberships represented at a meeting by a voting representative or deputy present who held the
    member's representative or deputy role that day."""
    on = local_day(meeting.starts_at)
    organisations = counted_attendance(meeting).values("organisation_id")
    return set(
        Membership.objects.filter(alliance_id=meeting.body.alliance_id, organisation_id__in=organisations)
        .open_on(on)
        .values_list("pk", flat=True)
    )


def voters_present(meeting: Meeting) -> set[tuple[str, int]]:
    """The :attr:`Voter.key` of every seat present at a meeting (rule 3): a member represented by its
    representative or deputy who held the role that day, or a person sitting in their own right, present."""
    present = {("member", pk) for pk in members_present(meeting)}
    if meeting.body.own_seats:
        seated = Attendance.objects.filter(meeting=meeting, present=True, capacity=Attendance.Capacity.SEAT_HOLDER)
        people = set(seated.values_list("person_id", flat=True))
        on = local_day(meeting.starts_at)
        for seat in Seat.objects.filter(body=meeting.body, membership__isnull=True).held_on(on):
            if seat.person_id in people:
                present.add(("seat", seat.pk))
    return present


def votes_grid(decision: Decision, on: date | None = None) -> list[dict]:
    """One row per seat of the decision's body on the decision's day: vote, recusal or advice.

    ``on`` defaults to :func:`decision_day`; for a draft with no meeting the seats of today are shown,
    since no day has been fixed yet. A body without seats of its own is sat on by the alliance's members.
    """
    on = on or decision_day(decision) or timezone.localdate()
    seats = seats_on(decision.body, on)
    votes, struck = {}, defaultdict(list)
    for v in decision.votes.select_related("cast_by", "recorded_by", "struck_by__interest").order_by("cast_at", "pk"):
        if v.struck_by_id is None:
            votes[voter_key(v)] = v
        else:
            struck[voter_key(v)].append(v)
    recusals = {voter_key(r): r for r in decision.recusals.select_related("interest")}
    advice, advice_of_people = defaultdict(list), defaultdict(list)
    for item in decision.advisory_inputs.select_related("organisation", "person"):
        if item.organisation_id:
            advice[item.organisation_id].append(item)
        else:
            advice_of_people[item.person_id].append(item)
    rows = []
    for voter in seats:
        vote, recusal = votes.get(voter.key), recusals.get(voter.key)
        if voter.status_on == Membership.Status.ADVISORY:
            state, label = "advisory", "Advisory (does not vote)"
        elif recusal and not recusal.dispensation_granted:
            state, label = "recused", "Recused"
        elif vote:
            state, label = "voted", vote.get_position_display()
        else:
            state, label = "not_voted", "Not yet voted"
        rows.append(
            {
                "voter": voter,
                "name": voter.name,
                "membership": voter.membership,
                "seat": voter.seat,
                "organisation": voter.organisation,
                "person": voter.person,
                "status": voter.status_on,
                "state": state,
                "label": label,
                "vote": vote,
                "position": vote.position if vote else "",
                "statement": vote.statement if vote else "",
                "cast_by": vote.cast_by if vote else None,
                "recorded_by": vote.recorded_by if vote else None,
                "recusal": recusal,
                "dispensation": bool(recusal and recusal.dispensation_granted),
                # Votes a recusal struck: kept on the record, not counted (rule 5).
                "struck": struck.get(voter.key, []),
                "advice": (
                    advice.get(voter.membership.organisation_id, [])
                    if voter.membership is not None
                    else advice_of_people.get(voter.seat.person_id, [])
                ),
            }
        )
    return rows


# What the body decided: a lapsed, withdrawn or deferred decision decided nothing.
DECIDED = (
    Decision.Status.AGREED,
    Decision.Status.NOT_AGREED,
    Decision.Status.AWAITING_APPROVAL,
    Decision.Status.NOT_APPROVED,
)


# Lists --------------------------------------------------------------------------------------


def awaiting_outcome(alliance: Alliance, *, now) -> QuerySet[Decision]:
    """Open written procedures whose votes closed by ``now``: the secretary's close is all that is missing."""
    return (
        Decision.objects.filter(
            alliance=alliance, status=Decision.Status.OPEN, meeting__isnull=True, closes_at__lte=now
        )
        .select_related("body", "alliance")
        .order_by("closes_at", "pk")
    )


# What a later decision linked to another shows of itself (and what the read rule judges it by).
LINK_FIELDS = ("pk", "reference", "title", "status")


def _links(queryset: QuerySet[Decision], access: Access | None) -> QuerySet[Decision]:
    return queryset if access is None else queryset.restrict(access)


def decision_log(
    alliance: Alliance | None = None, *, access: Access | None = None, related: bool = True
) -> QuerySet[Decision]:
    """Decisions with what a list shows (body, meeting, links), newest first; every alliance when None.

    The later decisions linked to each one are in ``amended_by_visible``, ``superseded_by_visible``,
    ``revisits_visible`` and ``revisited_by_visible``. With ``access``, they are only those the caller
    may read, so a link never shows a hidden title. The earlier ones (amends, supersedes) are loaded
    with the decision: check them with ``access.can_read``.
    """
    qs = Decision.objects.all() if alliance is None else Decision.objects.filter(alliance=alliance)
    if not related:  # ``related=False``: the decisions alone, for a reader that reads the related rows itself
        return qs
    fields = LINK_FIELDS
    return qs.select_related(
        "alliance",
        "body",
        "meeting",
        "amends",
        "supersedes",
        "taken_under",
        "decided_by",
        "approval_from",
        "approval__body",
    ).prefetch_related(
        # Into plain lists (``amended_by_visible``...), not the relations' caches: Django then builds no
        # related manager and queryset per decision on the page (docs/performance.md).
        Prefetch("amended_by", _links(Decision.objects.only(*fields, "amends_id"), access), "amended_by_visible"),
        Prefetch(
            "superseded_by", _links(Decision.objects.only(*fields, "supersedes_id"), access), "superseded_by_visible"
        ),
        Prefetch("revisits", _links(Decision.objects.only(*fields), access), "revisits_visible"),
        Prefetch("revisited_by", _links(Decision.objects.only(*fields), access), "revisited_by_visible"),
        # Its releases: what the page and the API show, and what the read rule judges a loaded row by.
        Prefetch("releases", Release.objects.select_related("released_by", "cancelled_by")),
    )


def with_public_release(queryset: QuerySet[Decision], *, now) -> QuerySet[Decision]:
    """Annotate ``released_on``: when a release made the decision public, for those a release made so."""
    releases = Release.objects.in_effect(now).filter(decision=OuterRef("pk"), to_visibility=Decision.Visibility.PUBLIC)
    moment = releases.order_by("takes_effect_at", "pk").values("takes_effect_at")[:1]
    return queryset.annotate(released_on=Subquery(moment))


# The order of a decision's votes, recusals and requests for advice on its page and in the API: by whose they
# are, then as recorded (the id breaks a tie between two seats of one person's name).
VOTE_ORDER = ("membership__organisation__name", "seat__person__name", "cast_at", "pk")
RECUSAL_ORDER = ("membership__organisation__name", "seat__person__name", "pk")
ADVICE_REQUEST_ORDER = ("membership__organisation__name", "pk")


def _record_parts() -> dict:
    """What a decision page prefetches, by part: a page that shows fewer parts prefetches fewer."""
    return {
        "votes": Prefetch(
            "votes",
            queryset=Vote.objects.select_related(
                "membership__organisation", "seat__person", "cast_by", "recorded_by", "struck_by"
            ).order_by(*VOTE_ORDER),
        ),
        "recusals": Prefetch(
            "recusals",
            queryset=Recusal.objects.select_related(
                "membership__organisation", "seat__person", "interest__person", "struck_vote"
            ).order_by(*RECUSAL_ORDER),
        ),
        "advisory_inputs": Prefetch(
            "advisory_inputs",
            queryset=AdvisoryInput.objects.select_related("organisation", "person").prefetch_related(
                Prefetch("responses", queryset=AdvisoryResponse.objects.select_related("responded_by"))
            ),
        ),
        "advice_requests": Prefetch(
            "advice_requests",
            queryset=AdviceRequest.objects.select_related(
                "membership__organisation", "requested_by", "excluded_by", "no_advice_recorded_by"
            ).order_by(*ADVICE_REQUEST_ORDER),
        ),
        "action_items": ("action_items__owner_person", "action_items__owner_role"),
    }


def decision_records(alliance: Alliance | None = None, *, access: Access | None = None) -> QuerySet[Decision]:
    """Decisions with everything a decision page shows: votes, recusals, advice and action items."""
    parts = _record_parts()
    return decision_log(alliance, access=access).prefetch_related(
        parts["votes"], parts["recusals"], parts["advisory_inputs"], parts["advice_requests"], *parts["action_items"]
    )


def public_records(*, access: Access) -> QuerySet[Decision]:
    """Decisions with what the public register's decision page shows of them: recusals and advice (its votes
    grid reads the votes itself; the public page shows no action items nor advice requests)."""
    parts = _record_parts()
    return decision_log(access=access).prefetch_related(parts["recusals"], parts["advisory_inputs"])


def decision_record(decision_id: int, *, access: Access | None = None) -> Decision:
    """One decision with everything its page shows."""
    return decision_records(access=access).get(pk=decision_id)


def earlier_links(decision: Decision, access: Access) -> dict:
    """The earlier decisions this one amends or supersedes, each None when the caller may not read it."""
    return {
        name: linked if access.can_read(linked) else None
        for name, linked in (("amends", decision.amends), ("supersedes", decision.supersedes))
    }


# Memory against re-discussion ----------------------------------------------------------------

STOPWORDS = frozenset(
    [
        "about",
        "above",
        "after",
        "again",
        "against",
        "alliance",
        "also",
        "among",
        "and",
        "any",
        "are",
        "because",
        "been",
        "before",
        "being",
        "between",
        "both",
        "but",
        "by",
        "can",
        "could",
        "decide",
        "decided",
        "decision",
        "does",
        "each",
        "for",
        "from",
        "further",
        "have",
        "having",
        "here",
        "into",
        "its",
        "itself",
        "more",
        "most",
        "other",
        "our",
        "over",
        "proposal",
        "proposed",
        "propose",
        "same",
        "should",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "under",
        "until",
        "very",
        "was",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "will",
        "with",
        "would",
        "year",
        "years",
    ]
)


def significant_words(text: str, limit: int = 8) -> list[str]:
    """The longest distinct words of ``text`` (4+ letters, no common words), longest first."""
    words = dict.fromkeys(w for w in re.findall(r"[a-z][a-z'-]{3,}", text.lower()) if w not in STOPWORDS)
    return sorted(words, key=lambda w: (-len(w), w))[:limit]


def related_decisions(
    *,
    alliance: Alliance,
    access: Access,
    title: str,
    proposal: str = "",
    tags=(),
    exclude: Decision | int | None = None,
    limit: int = 10,
) -> list[Decision]:
    """Earlier decisions on the same matter: shared tags or significant words of the title and proposal.

    Matching is ``icontains`` on a few words so that it runs on every database; ranking happens
    here: a shared tag counts most, then words in the title, then words in the proposal. Only
    decisions the caller may read (``access``) are searched, so a hidden title never shows.
    """
    tags = [t.strip().lower() for t in tags if t and t.strip()]
    title_words = significant_words(title, 6)
    words = list(dict.fromkeys(title_words + significant_words(proposal, 4)))
    match = Q()
    for tag in tags:
        match |= Q(tags__icontains=f'"{tag}"')
    for word in words:
        match |= Q(title__icontains=word) | Q(proposal__icontains=word)
    if not match:
        return []
    qs = decision_log(alliance, access=access).restrict(access).filter(match)
    qs = qs.exclude(status=Decision.Status.DRAFT)
    if exclude is not None:
        qs = qs.exclude(pk=getattr(exclude, "pk", exclude))
    # The candidates are scored from plain values (up to 200 rows); only the few kept are loaded as
    # decisions, through the same read rule (building 200 decisions with their links and releases
    # took half of a decision page's time: docs/performance.md).
    scored = {}
    for row in qs.values("pk", "title", "proposal", "tags", "decided_on")[:200]:
        shared = set(tags) & {t.lower() for t in row["tags"] or ()}
        in_title = [w for w in words if w in row["title"].lower()]
        in_proposal = [w for w in words if w in row["proposal"].lower()]
        score = 5 * len(shared) + 2 * len(in_title) + len(in_proposal)
        if shared or len(set(in_title) | set(in_proposal)) >= min(2, len(words)):
            scored[row["pk"]] = (score, sorted(shared), row["decided_on"])
    kept = sorted(scored, key=lambda pk: (-scored[pk][0], -(scored[pk][2] or date.min).toordinal(), -pk))[:limit]
    found = {d.pk: d for d in qs.filter(pk__in=kept)} if kept else {}
    for d in found.values():
        d.match_score, d.shared_tags = scored[d.pk][:2]
    return [found[pk] for pk in kept if pk in found]


# Tags that say what sort of business a decision is, not which matter: sharing one does not make
# two decisions the same matter. Kept here, in one place, for matters_decided_more_than_once.
GENERIC_TAGS = frozenset({"operational", "minutes", "award", "budget", "governance", "policy", "appointment"})


def matters_decided_more_than_once(alliance: Alliance) -> list[dict]:
    """Groups of decided matters: decisions linked by revisits, amends or supersedes, or sharing a topic tag.

    A generic tag (``GENERIC_TAGS``: operational, minutes, award, budget...) names a sort of
    business, not a matter, so it links nothing: five unrelated operational decisions are not one
    matter decided five times. Each group is ``{"decisions": [...oldest first], "tags": [...shared
    topic tags], "count": n}``, the largest first. Only decisions the body decided count (``DECIDED``:
    agreed or not, and those agreed subject to an outside body's approval, approved or not): a lapsed
    decision (positions missing, nobody refused) decided nothing, so bringing its matter back is not
    deciding it again.
    """
    decided = list(
        Decision.objects.filter(alliance=alliance, status__in=DECIDED)
        .select_related("body")
        .order_by("decided_on", "pk")
    )
    ids = {d.pk for d in decided}
    parent = {pk: pk for pk in ids}

    def find(pk):
        while parent[pk] != pk:
            parent[pk] = parent[parent[pk]]
            pk = parent[pk]
        return pk

    def join(a, b):
        if a in ids and b in ids:
            parent[find(a)] = find(b)

    by_tag = defaultdict(list)
    for d in decided:
        join(d.pk, d.amends_id)
        join(d.pk, d.supersedes_id)
        for tag in {t.lower() for t in d.tags} - GENERIC_TAGS:
            by_tag[tag].append(d.pk)
    for pks in by_tag.values():
        for pk in pks[1:]:
            join(pk, pks[0])
    for a, b in Decision.revisits.through.objects.filter(from_decision_id__in=ids).values_list(
        "from_decision_id", "to_decision_id"
    ):
        join(a, b)
    groups = defaultdict(list)
    for d in decided:
        groups[find(d.pk)].append(d)
    result = []
    for members in groups.values():
        if len(members) < 2:
            continue
        tag_counts = defaultdict(int)
        for d in members:
            for tag in {t.lower() for t in d.tags} - GENERIC_TAGS:
                tag_counts[tag] += 1
        result.append(
            {
                "decisions": members,
                "tags": sorted(t for t, n in tag_counts.items() if n > 1),
                "count": len(members),
            }
        )
    result.sort(key=lambda g: (-g["count"], g["decisions"][0].decided_on or date.min))
    return result


# Advice waiting: for the secretary, the decision log's filter and the oversight dashboard ----------


def _in(alliance: Alliance | None, path: str = "decision__alliance") -> dict:
    return {} if alliance is None else {path: alliance}


def unanswered_advice(alliance: Alliance | None) -> QuerySet:
    """Advice on the alliance's decisions (every alliance's: None) that no response answers yet, oldest first."""
    return (
        AdvisoryInput.objects.filter(**_in(alliance), response="", responses__isnull=True)
        .select_related("decision", "decision__body", "organisation", "person")
        .order_by("given_at", "pk")
    )


def advice_awaited(alliance: Alliance | None) -> QuerySet:
    """Requests for advice on decisions not yet closed that the member has not answered: no advice
    from it, not excluded, no reason recorded for going ahead without it."""
    given = AdvisoryInput.objects.filter(
        decision_id=OuterRef("decision_id"), organisation_id=OuterRef("membership__organisation_id")
    )
    return (
        AdviceRequest.objects.filter(
            **_in(alliance),
            decision__status__in=(Decision.Status.DRAFT, Decision.Status.OPEN, Decision.Status.DEFERRED),
            excluded_at__isnull=True,
            no_advice_reason="",
        )
        .exclude(Exists(given))
        .select_related("decision", "decision__body", "membership__organisation")
        .order_by("requested_at", "pk")
    )


def exclusion_for(access: Access, alliance: Alliance, decision_id: int) -> AdviceRequest | None:
    """The exclusion recorded for an advisory member the caller represents, on a decision it was asked
    to advise on and so may not read: what it is told instead of the decision (the reason, not the record)."""
    if not access.represents_in(alliance.pk):
        return None
    return (
        AdviceRequest.objects.filter(
            decision_id=decision_id,
            decision__alliance=alliance,
            membership__alliance=alliance,
            membership__organisation_id__in=access.represents_in(alliance.pk),
            excluded_at__isnull=False,
        )
        .select_related("membership__organisation")
        .first()
    )
