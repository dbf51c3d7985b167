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

from alliance.models import Alliance, Membership
from alliance.queries import members_on
from decisions.models import AdvisoryInput, Attendance, Decision, Meeting, Recusal, Release, Vote
from roles.access import Access
from roles.models import InterestDeclaration, Role, RoleAssignment

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


@dataclass
class Electorate:
    """Who could vote on a decision on a day: voting members, minus the recused ones."""

    voting: list[Membership]
    eligible: list[Membership]
    recused: list[Membership]
    recusals: dict[int, Recusal] = field(default_factory=dict)

    @property
    def eligible_ids(self) -> set[int]:
        return {m.pk for m in self.eligible}


def electorate(decision: Decision, on: date) -> Electorate:
    """VOTING memberships of the alliance open on ``on``; recused ones without dispensation are not eligible."""
    voting = list(members_on(decision.alliance, on).filter(status_on=Membership.Status.VOTING))
    recusals = {r.membership_id: r for r in decision.recusals.all()}
    barred = {mid for mid, r in recusals.items() if not r.dispensation_granted}
    return Electorate(
        voting=voting,
        eligible=[m for m in voting if m.pk not in barred],
        recused=[m for m in voting if m.pk in barred],
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


def votes_grid(decision: Decision, on: date | None = None) -> list[dict]:
    """One row per member organisation open on the decision's day: vote, recusal or advice.

    ``on`` defaults to :func:`decision_day`; for a draft with no meeting the current members
    are shown (the membership's status now), since no day has been fixed yet.
    """
    on = on or decision_day(decision)
    if on is not None:
        members = list(members_on(decision.alliance, on))
    else:
        members = list(
            Membership.objects.filter(alliance=decision.alliance, left_on__isnull=True)
            .select_related("organisation")
            .order_by("organisation__name")
        )
        for m in members:
            m.status_on = m.status
    votes, struck = {}, defaultdict(list)
    for v in decision.votes.select_related("cast_by", "recorded_by", "struck_by__interest").order_by("cast_at", "pk"):
        if v.struck_by_id is None:
            votes[v.membership_id] = v
        else:
            struck[v.membership_id].append(v)
    recusals = {r.membership_id: r for r in decision.recusals.select_related("interest")}
    advice = defaultdict(list)
    for item in decision.advisory_inputs.select_related("organisation", "person"):
        advice[item.organisation_id].append(item)
    rows = []
    for m in members:
        vote, recusal = votes.get(m.pk), recusals.get(m.pk)
        if m.status_on == Membership.Status.ADVISORY:
            state, label = "advisory", "Advisory member (does not vote)"
        elif recusal and not recusal.dispensation_granted:
            state, label = "recused", "Recused"
        elif vote:
            state, label = "voted", vote.get_position_display()
        else:
            state, label = "not_voted", "Not yet voted"
        rows.append(
            {
                "membership": m,
                "organisation": m.organisation,
                "status": m.status_on,
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
                "struck": struck.get(m.pk, []),
                "advice": advice.get(m.organisation_id, []),
            }
        )
    return rows


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


def _links(queryset: QuerySet[Decision], access: Access | None) -> QuerySet[Decision]:
    return queryset if access is None else queryset.restrict(access)


def decision_log(alliance: Alliance | None = None, *, access: Access | None = None) -> QuerySet[Decision]:
    """Decisions with what a list shows (body, meeting, links), newest first; every alliance when None.

    The later decisions linked to each one are in ``amended_by_visible``, ``superseded_by_visible``,
    ``revisits_visible`` and ``revisited_by_visible``. With ``access``, they are only those the caller
    may read, so a link never shows a hidden title. The earlier ones (amends, supersedes) are loaded
    with the decision: check them with ``access.can_read``.
    """
    qs = Decision.objects.all() if alliance is None else Decision.objects.filter(alliance=alliance)
    fields = ("pk", "reference", "title", "status")
    return qs.select_related(
        "alliance", "body", "meeting", "amends", "supersedes", "taken_under", "decided_by"
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


def decision_records(alliance: Alliance | None = None, *, access: Access | None = None) -> QuerySet[Decision]:
    """Decisions with everything a decision page shows: votes, recusals, advice and action items."""
    return decision_log(alliance, access=access).prefetch_related(
        Prefetch(
            "votes",
            queryset=Vote.objects.select_related(
                "membership__organisation", "cast_by", "recorded_by", "struck_by"
            ).order_by("membership__organisation__name", "cast_at", "pk"),
        ),
        Prefetch(
            "recusals",
            queryset=Recusal.objects.select_related("membership__organisation", "interest__person", "struck_vote"),
        ),
        Prefetch("advisory_inputs", queryset=AdvisoryInput.objects.select_related("organisation", "person")),
        "action_items__owner_person",
        "action_items__owner_role",
    )


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
    scored = []
    for d in qs[:200]:
        shared = set(tags) & {t.lower() for t in d.tags}
        in_title = [w for w in words if w in d.title.lower()]
        in_proposal = [w for w in words if w in d.proposal.lower()]
        score = 5 * len(shared) + 2 * len(in_title) + len(in_proposal)
        if shared or len(set(in_title) | set(in_proposal)) >= min(2, len(words)):
            d.match_score, d.shared_tags = score, sorted(shared)
            scored.append(d)
    scored.sort(key=lambda d: (-d.match_score, -(d.decided_on or date.min).toordinal(), -d.pk))
    return scored[:limit]


# Tags that say what sort of business a decision is, not which matter: sharing one does not make
# two decisions the same matter. Kept here, in one place, for matters_decided_more_than_once.
GENERIC_TAGS = frozenset({"operational", "minutes", "award", "budget", "governance", "policy", "appointment"})


def matters_decided_more_than_once(alliance: Alliance) -> list[dict]:
    """Groups of decided matters: decisions linked by revisits, amends or supersedes, or sharing a topic tag.

    A generic tag (``GENERIC_TAGS``: operational, minutes, award, budget...) names a sort of
    business, not a matter, so it links nothing: five unrelated operational decisions are not one
    matter decided five times. Each group is ``{"decisions": [...oldest first], "tags": [...shared
    topic tags], "count": n}``, the largest first. Only decisions with an outcome (agreed or not
    agreed) count.
    """
    decided = list(
        Decision.objects.filter(alliance=alliance, status__in=[Decision.Status.AGREED, Decision.Status.NOT_AGREED])
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
