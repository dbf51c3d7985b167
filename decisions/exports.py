"""Open exports of the decision log: the register as streamed CSV, and Popolo JSON.

Popolo (popoloproject.com) is the shape civic-tech tools read for legislatures: organizations,
persons, posts and memberships, and for decisions motions, vote events, votes and counts.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC

import orjson
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import CharField, Func, Prefetch, QuerySet
from django.db.models.functions import Cast
from django.utils.dateparse import parse_datetime

from alliance.models import Alliance, Membership
from decisions.models import Decision, Vote
from roles.models import Person, Role, RoleAssignment

DECISION_HEADER = [
    "reference", "body", "title", "kind", "status", "visibility", "meeting", "opened_at", "closed_at", "decided_on",
    "review_on", "agree", "object", "abstain", "not_voted", "recused", "eligible", "outcome", "proposal", "rationale",
    "alternatives_considered", "tags", "amends", "supersedes", "taken_under", "decided_by", "value",
]  # fmt: skip


def register_queryset(alliance: Alliance) -> QuerySet[Decision]:
    return (
        Decision.objects.filter(alliance=alliance)
        .select_related("body", "meeting", "amends", "supersedes", "taken_under__role", "decided_by")
        .order_by("opened_at", "pk")
    )


REGISTER_VALUES = [
    "reference", "body__code", "title", "kind", "status", "visibility", "meeting_id", "meeting__title",
    "meeting__body__code", "opened_at", "closed_at", "decided_on", "review_on", "agree_count", "object_count",
    "abstain_count", "not_voted_count", "recused_count", "eligible_count", "outcome_explanation", "proposal",
    "rationale", "alternatives_considered", "tags", "amends__reference", "supersedes__reference", "taken_under_id",
    "taken_under__role__title", "decided_by__name", "value",
]  # fmt: skip


class UtcText(Func):
    """A moment as text in UTC, ``YYYY-MM-DDTHH:MM:SS.ffffff`` whatever the session's time zone and date style
    (PostgreSQL only): ``_stamp`` turns it into what ``datetime.isoformat`` writes."""

    template = "to_char(%(expressions)s AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US')"
    output_field = CharField()


def _iso(value) -> str:
    return value.isoformat() if value else ""


def _stamp(value) -> str:
    """A moment as ISO 8601 in UTC, as the ORM's aware datetime would print it. On SQLite the column
    is read as its stored text, UTC wall time as ``YYYY-MM-DD HH:MM:SS[.ffffff]``; PostgreSQL's driver
    gives an aware datetime."""
    if value is None:
        return ""
    if type(value) is str:
        if len(value) in (19, 26) and value[10] == " ":
            return f"{value[:10]}T{value[11:]}+00:00"
        if len(value) == 26 and value[10] == "T":  # PostgreSQL's UTC_TEXT: always six places
            return f"{value[:19]}+00:00" if value.endswith(".000000") else f"{value}+00:00"
        value = parse_datetime(value)
    if value.tzinfo is None:
        return f"{value.isoformat()}+00:00"
    return value.astimezone(UTC).isoformat()


def decision_rows(decisions: QuerySet[Decision], *, chunk: int = 1000, progress=None) -> Iterator[list[str]]:
    """The register as CSV rows of text, read a chunk at a time so memory stays flat.

    The ORM writes the query; its rows are read with a plain (on PostgreSQL, server-side) cursor
    and the dates, times and tags are formatted here, the other columns through the ORM's own
    converters where their field has any: several times quicker than ``values_list`` for the same
    cells (docs/performance.md).
    """
    columns: list = list(REGISTER_VALUES)
    vendor = connections[decisions.db].vendor
    if vendor == "sqlite":  # the times as stored text, not parsed by the driver
        columns[9:11] = [Cast(name, CharField()) for name in columns[9:11]]
    elif vendor == "postgresql":  # the times as UTC text written by the server: a third of the Python per row
        columns[9:11] = [UtcText(name) for name in columns[9:11]]
    query = decisions.values_list(*columns)
    compiler = query.query.get_compiler(using=query.db)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:
        return
    formatted_here = {9, 10, 11, 12, 23}  # opened_at, closed_at, decided_on, review_on, tags
    converters = [
        (i, fns, expression)
        for i, (fns, expression) in compiler.get_converters([col for col, _, _ in compiler.select]).items()
        if i not in formatted_here
    ]
    connection = connections[query.db]
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(chunk):
            for row in rows:
                if converters:
                    row = list(row)
                    for i, fns, expression in converters:
                        for fn in fns:
                            row[i] = fn(row[i], expression, connection)
                (
                    reference, body, title, kind, status, visibility, meeting_id, meeting_title, meeting_body,
                    opened_at, closed_at, decided_on, review_on, agree, object_, abstain, not_voted, recused,
                    eligible, outcome, proposal, rationale, alternatives, tags, amends, supersedes, taken_under_id,
                    taken_under_role, decided_by, value,
                ) = row  # fmt: skip
                meeting = (meeting_title or f"{meeting_body} meeting") if meeting_id else "written procedure"
                if type(tags) is str:  # both backends read JSON as text
                    tags = orjson.loads(tags)
                yield [
                    reference, body, title, kind, status, visibility, meeting, _stamp(opened_at), _stamp(closed_at),
                    decided_on.isoformat() if decided_on else "", review_on.isoformat() if review_on else "",
                    str(agree), str(object_), str(abstain), str(not_voted), str(recused), str(eligible), outcome,
                    proposal, rationale, alternatives, "; ".join(tags or ()), amends or "", supersedes or "",
                    taken_under_role if taken_under_id else "", decided_by or "", "" if value is None else str(value),
                ]  # fmt: skip
            if progress:
                progress(len(rows))


# Popolo --------------------------------------------------------------------------------------

POPOLO_RESULT = {
    Decision.Status.AGREED: "pass",
    Decision.Status.NOT_AGREED: "fail",
    # Refused by the outside body whose approval it needed (the authority map).
    Decision.Status.NOT_APPROVED: "fail",
}
POPOLO_OPTION = {"AGREE": "yes", "OBJECT": "no", "ABSTAIN": "abstain"}


def popolo(alliance: Alliance, decisions: QuerySet[Decision] | None = None) -> dict:
    """The alliance in Popolo JSON, in a fixed number of queries; ``decisions`` narrows the motions."""
    alliance_id = f"alliance/{alliance.slug}"
    memberships = list(Membership.objects.filter(alliance=alliance).select_related("organisation"))
    roles = list(Role.objects.filter(alliance=alliance).select_related("body", "organisation"))
    assignments = list(RoleAssignment.objects.filter(role__alliance=alliance).select_related("role", "person"))
    people = {a.person_id: a.person for a in assignments}
    people.update({p.pk: p for p in Person.objects.filter(votes_cast__decision__alliance=alliance).distinct()})
    decisions = list(
        (decisions if decisions is not None else Decision.objects.all())
        .filter(alliance=alliance)
        .exclude(status=Decision.Status.DRAFT)
        .select_related("body")
        # A vote struck by a recusal is not one of the vote event's votes (rule 5).
        .prefetch_related(
            Prefetch("votes", queryset=Vote.objects.filter(struck_by__isnull=True).select_related("membership", "seat"))
        )
        .order_by("opened_at", "pk")
    )
    bodies = {d.body_id: d.body for d in decisions} | {r.body_id: r.body for r in roles if r.body_id}
    organizations = [{"id": alliance_id, "name": alliance.name, "classification": "alliance"}]
    organizations += [
        {"id": f"body/{b.pk}", "name": b.name, "identifiers": [{"scheme": "code", "identifier": b.code}],
         "classification": b.kind, "parent_id": alliance_id}
        for b in bodies.values()
    ]  # fmt: skip
    seen_orgs = set()
    for m in memberships:
        if m.organisation_id not in seen_orgs:
            seen_orgs.add(m.organisation_id)
            organizations.append(
                {"id": f"organisation/{m.organisation_id}", "name": m.organisation.name,
                 "classification": m.organisation.kind}
            )  # fmt: skip
    return {
        "organizations": organizations,
        "persons": [{"id": f"person/{p.pk}", "name": p.name} for p in sorted(people.values(), key=lambda p: p.pk)],
        "posts": [
            {
                "id": f"post/{r.pk}",
                "label": r.title,
                "role": r.get_kind_display(),
                "organization_id": f"body/{r.body_id}" if r.body_id else alliance_id,
            }
            for r in roles
        ],  # fmt: skip
        "memberships": [
            {
                "id": f"membership/{m.pk}",
                "organization_id": alliance_id,
                "member": {"@type": "Organization", "id": f"organisation/{m.organisation_id}"},
                "role": "voting member" if m.status == Membership.Status.VOTING else "advisory member",
                "start_date": m.joined_on.isoformat(),
                "end_date": _iso(m.left_on) or None,
            }
            for m in memberships
        ]
        + [
            {
                "id": f"assignment/{a.pk}",
                "person_id": f"person/{a.person_id}",
                "post_id": f"post/{a.role_id}",
                "organization_id": f"body/{a.role.body_id}" if a.role.body_id else alliance_id,
                "role": a.role.title,
                "start_date": a.starts_on.isoformat(),
                "end_date": _iso(a.ends_on) or None,
            }
            for a in assignments
        ],  # fmt: skip
        "motions": [
            {
                "id": f"motion/{d.pk}",
                "organization_id": f"body/{d.body_id}",
                "identifier": d.reference,
                "text": d.title,
                "classification": d.kind,
                "date": _iso(d.opened_at),
                "requirement": d.body.decision_rule.lower(),
                "result": POPOLO_RESULT.get(d.status, d.status.lower()),
            }
            for d in decisions
        ],  # fmt: skip
        "vote_events": [_vote_event(d) for d in decisions if d.closed_at],
    }


def _vote_event(d: Decision) -> dict:
    counts = [
        {"option": "yes", "value": d.agree_count or 0},
        {"option": "no", "value": d.object_count or 0},
        {"option": "abstain", "value": d.abstain_count or 0},
        {"option": "absent", "value": d.not_voted_count or 0},
        {"option": "recused", "value": d.recused_count or 0},
    ]
    return {
        "id": f"vote-event/{d.pk}",
        "motion_id": f"motion/{d.pk}",
        "identifier": d.reference,
        "organization_id": f"body/{d.body_id}",
        "start_date": _iso(d.opened_at),
        "end_date": _iso(d.closed_at),
        "result": POPOLO_RESULT.get(d.status, d.status.lower()),
        "counts": counts,
        "votes": [
            {
                "voter_id": f"person/{v.cast_by_id}",
                "option": POPOLO_OPTION[v.position],
                "group_id": (
                    f"organisation/{v.membership.organisation_id}" if v.membership_id else f"person/{v.seat.person_id}"
                ),
            }
            for v in d.votes.all()
        ],  # fmt: skip
    }
