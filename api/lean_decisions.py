"""The decision log's lean read paths (issue 23): ``GET /api/v1/decisions/`` and ``GET /api/v1/decisions/{id}/``.

The rows come from the viewset's own queryset (``get_queryset`` and ``filter_queryset``: the read rule,
the filters and the ordering) read as ``values()``; each kind of nested row (releases, links to other
decisions, votes, recusals, advice, its responses, requests for advice, action items) is one more query
keyed by decision id. They are shaped into the dicts ``DecisionSerializer`` and ``DecisionDetailSerializer``
write, with the same per-caller hiding: a link only to a decision the caller may read, the names on a
release and a recusal's reasons only for a reader with a standing in the alliance (or a recusal whose
details were made public). ``tests/api/test_lean_decisions.py`` holds the two outputs equal.
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, Q
from django.utils import timezone

from alliance.access import WIDEST_FIRST, wider
from alliance.formatting import day as day_text
from api import lean
from api.serializers.decisions import DecisionSerializer
from decisions.models import (
    APPOINTMENT_FIELDS,
    DELEGATION_FIELDS,
    ActionItem,
    AdviceRequest,
    AdvisoryInput,
    AdvisoryResponse,
    Decision,
    Recusal,
    Release,
    Vote,
)
from decisions.queries import ADVICE_REQUEST_ORDER, RECUSAL_ORDER, VOTE_ORDER
from roles.access import request_access

SEALED = frozenset(Decision.SEALED_STATUSES)
STATUS_LABELS = {value: str(label) for value, label in Decision.Status.choices}
CONFIDENTIAL = Decision.Visibility.CONFIDENTIAL
_value = lean.model_money(Decision, "value")
_limit = lean.model_money(Decision, "delegation_limit")

# The decision's own columns written as they are read (texts, choices, counts), named as the serializer lists
# them: reference ... visibility, and agree_count ... rule_applied.
_FIELDS = DecisionSerializer.Meta.fields
_PLAIN = tuple(_FIELDS[_FIELDS.index("reference") : _FIELDS.index("visibility") + 1])
_COUNTS = tuple(_FIELDS[_FIELDS.index("agree_count") : _FIELDS.index("rule_applied") + 1])
_APPROVAL = (
    "approval__id",
    "approval__outcome",
    "approval__body_id",
    "approval__body__code",
    "approval__approving_decision_id",
    "approval__approver",
    "approval__reference",
    "approval__given_on",
    "approval__note",
    "approval__recorded_at",
)
DECISION_VALUES = (
    "id",
    "alliance_id",
    "alliance__slug",
    "body_id",
    "body__code",
    "meeting_id",
    *_PLAIN,
    "tags",
    "status",
    "value",
    "opened_at",
    "closes_at",
    "closed_at",
    "decided_on",
    "review_on",
    *_COUNTS,
    "amends_id",
    "supersedes_id",
    "taken_under_id",
    "decided_by_id",
    "decided_by__name",
    "appointment_role_id",
    "appointment_person_id",
    "appointment_starts_on",
    "appointment_ends_on",
    "resulting_assignment_id",
    "delegation_role_id",
    "delegation_scope",
    "delegation_kinds",
    "delegation_limit",
    "delegation_valid_from",
    "delegation_valid_to",
    "delegation_to_revoke_id",
    "granted_delegation_id",
    "revoked_delegation_id",
    "approval_needed",
    "approval_from_id",
    "approval_from__name",
    *_APPROVAL,
)
assert APPOINTMENT_FIELDS == ("appointment_role", "appointment_person", "appointment_starts_on", "appointment_ends_on")
assert DELEGATION_FIELDS[0] == "delegation_role" and DELEGATION_FIELDS[-1] == "delegation_to_revoke"

LINK_VALUES = ("id", "reference", "title", "status")


def _named(pk, name):
    """``PersonNameSerializer`` (and any ``{"id", "name"}`` reference): None for no row."""
    return None if pk is None else {"id": pk, "name": name}


def _organisation(row: dict, prefix: str):
    """``OrganisationRefSerializer`` of the organisation at ``prefix`` in a values() row."""
    pk = row[f"{prefix}id"]
    if pk is None:
        return None
    return {
        "id": pk,
        "name": row[f"{prefix}name"],
        "short_name": row[f"{prefix}short_name"],
        "kind": row[f"{prefix}kind"],
    }


def _organisation_values(prefix: str) -> tuple[str, ...]:
    return tuple(f"{prefix}{name}" for name in ("id", "name", "short_name", "kind"))


class Reader:
    """What one request needs to shape rows as the serializers would for its caller: its access, the
    moment (for releases in effect and written procedures past their close) and the time zone."""

    def __init__(self, request):
        self.request = request
        self.access = request_access(request)
        self.now = timezone.now()
        self.zone = lean.current_zone()

    def dt(self, value):
        return lean.dt(value, self.zone) if value is not None else None

    def standing(self, alliance_id: int) -> bool:
        return self.access.has_standing(alliance_id)


# Rows keyed by decision id ------------------------------------------------------------------


def _releases(reader: Reader, ids: list[int]) -> dict[int, list[dict]]:
    rows = _RELEASE_ROWS.rows(ids)
    by_decision = defaultdict(list)
    for row in rows:
        by_decision[row["decision_id"]].append(row)
    return by_decision


def _links(reader: Reader, rows: list[dict]) -> tuple[dict, dict[int, dict]]:
    """The later decisions linked to each row (amended by, superseded by, revisits, revisited by), only
    those the caller may read, as ``decision_log`` prefetches them; and which of the earlier ones the
    rows name (amends, supersedes) the caller may read, by id. Two queries: the revisits pairs, then every
    linked decision through the read rule, in the log's order."""
    ids = [row["id"] for row in rows]
    pairs = [(pair["from_decision_id"], pair["to_decision_id"]) for pair in _REVISITS_ROWS.rows(ids, ids)]
    earlier = {row[name] for row in rows for name in ("amends_id", "supersedes_id") if row[name] is not None}
    named = earlier | {pk for pair in pairs for pk in pair}
    linked = (
        Decision.objects.restrict(reader.access)
        .filter(Q(amends_id__in=ids) | Q(supersedes_id__in=ids) | Q(pk__in=named))
        .order_by(*Decision._meta.ordering)
        .values(*LINK_VALUES, "amends_id", "supersedes_id")
    )
    revisits, revisited_by = defaultdict(set), defaultdict(set)
    for source, target in pairs:
        revisits[target].add(source)  # ``source`` revisits ``target``: a link from ``source`` to ``target``
        revisited_by[source].add(target)
    later = {name: defaultdict(list) for name in ("amended_by", "superseded_by", "revisits", "revisited_by")}
    earlier_links = {}
    wanted = set(ids)
    for row in linked:
        pk = row["id"]
        link = {"id": pk, "reference": row["reference"], "title": row["title"], "status": row["status"]}
        if pk in earlier:
            earlier_links[pk] = link
        if row["amends_id"] in wanted:
            later["amended_by"][row["amends_id"]].append(link)
        if row["supersedes_id"] in wanted:
            later["superseded_by"][row["supersedes_id"]].append(link)
        for decision_id in revisited_by.get(pk, ()):
            if decision_id in wanted:  # this one revisits decision_id: decision_id is revisited by it
                later["revisited_by"][decision_id].append(link)
        for decision_id in revisits.get(pk, ()):
            if decision_id in wanted:  # decision_id revisits this one
                later["revisits"][decision_id].append(link)
    return later, earlier_links


# Shaping ------------------------------------------------------------------------------------


def _release(reader: Reader, row: dict, sealed: bool, names_shown: bool) -> dict:
    in_effect = sealed and row["cancelled_at"] is None and row["takes_effect_at"] <= reader.now
    return {
        "id": row["id"],
        "from_visibility": row["from_visibility"],
        "to_visibility": row["to_visibility"],
        "takes_effect_at": reader.dt(row["takes_effect_at"]),
        "reason": row["reason"],
        "recorded_at": reader.dt(row["recorded_at"]),
        "released_by": _named(row["released_by_id"], row["released_by__name"]) if names_shown else None,
        "cancelled_at": reader.dt(row["cancelled_at"]),
        "cancelled_by": _named(row["cancelled_by_id"], row["cancelled_by__name"]) if names_shown else None,
        "cancel_reason": row["cancel_reason"],
        "in_effect": in_effect,
        "scheduled": row["cancelled_at"] is None and not in_effect,
    }


def _status_text(reader: Reader, row: dict) -> tuple[bool, str]:
    """``Decision.awaiting_outcome`` and ``Decision.status_text`` from a values() row."""
    status = row["status"]
    closes_at = row["closes_at"]
    awaiting = (
        status == Decision.Status.OPEN
        and row["meeting_id"] is None
        and closes_at is not None
        and closes_at <= reader.now
    )
    if awaiting:
        return True, f"Voting closed on {day_text(closes_at)}: waiting for the secretary to record the outcome"
    if status == Decision.Status.AWAITING_APPROVAL and row["approval_from_id"]:
        return False, f"Agreed subject to the approval of {row['approval_from__name']}"
    return False, STATUS_LABELS.get(status, status)


def _approval(reader: Reader, row: dict) -> dict | None:
    if row["approval__id"] is None:
        return None
    return {
        "id": row["approval__id"],
        "outcome": row["approval__outcome"],
        "body": row["approval__body_id"],
        "body_code": row["approval__body__code"],
        "approving_decision": row["approval__approving_decision_id"],
        "approver": row["approval__approver"],
        "reference": row["approval__reference"],
        "given_on": lean.day(row["approval__given_on"]),
        "note": row["approval__note"],
        "recorded_at": reader.dt(row["approval__recorded_at"]),
    }


def _decision(reader: Reader, row: dict, releases: list[dict], later: dict, earlier: dict[int, dict], votes: dict):
    """``DecisionSerializer``'s dict of one values() row."""
    dt = reader.dt
    status = row["status"]
    sealed = status in SEALED
    names_shown = reader.standing(row["alliance_id"])
    released = [_release(reader, r, sealed, names_shown) for r in releases]
    widest = None
    if sealed:
        levels = {r["to_visibility"] for r in released if r["in_effect"]}
        widest = next((level for level in WIDEST_FIRST if level in levels), None)
    awaiting, status_text = _status_text(reader, row)
    counted = votes.get(row["id"], {})
    agree, objected, abstain = (counted.get(position, 0) for position in ("AGREE", "OBJECT", "ABSTAIN"))
    pk = row["id"]
    out = {
        "id": pk,
        "alliance": row["alliance__slug"],
        "body": row["body_id"],
        "body_code": row["body__code"],
        "meeting": row["meeting_id"],
    }
    for name in _PLAIN:
        out[name] = row[name]
    out.update(
        {
            "effective_visibility": wider(row["visibility"], widest),
            "releases": released,
            "tags": row["tags"],
            "status": status,
            "status_text": status_text,
            "awaiting_outcome": awaiting,
            "value": _value(row["value"]),
            "is_written_procedure": row["meeting_id"] is None,
            "opened_at": dt(row["opened_at"]),
            "closes_at": dt(row["closes_at"]),
            "closed_at": dt(row["closed_at"]),
            "decided_on": lean.day(row["decided_on"]),
            "review_on": lean.day(row["review_on"]),
        }
    )
    for name in _COUNTS:
        out[name] = row[name]
    out.update(
        {
            "votes_summary": {
                "agree": agree,
                "object": objected,
                "abstain": abstain,
                "total": agree + objected + abstain,
            },
            "amends": earlier.get(row["amends_id"]),
            "amended_by": later["amended_by"].get(pk, []),
            "supersedes": earlier.get(row["supersedes_id"]),
            "superseded_by": later["superseded_by"].get(pk, []),
            "revisits": later["revisits"].get(pk, []),
            "revisited_by": later["revisited_by"].get(pk, []),
            "taken_under": row["taken_under_id"],
            "decided_by": _named(row["decided_by_id"], row["decided_by__name"]),
            "appointment_role": row["appointment_role_id"],
            "appointment_person": row["appointment_person_id"],
            "appointment_starts_on": lean.day(row["appointment_starts_on"]),
            "appointment_ends_on": lean.day(row["appointment_ends_on"]),
            "resulting_assignment": row["resulting_assignment_id"],
            "delegation_role": row["delegation_role_id"],
            "delegation_scope": row["delegation_scope"],
            "delegation_kinds": row["delegation_kinds"],
            "delegation_limit": _limit(row["delegation_limit"]),
            "delegation_valid_from": lean.day(row["delegation_valid_from"]),
            "delegation_valid_to": lean.day(row["delegation_valid_to"]),
            "delegation_to_revoke": row["delegation_to_revoke_id"],
            "granted_delegation": row["granted_delegation_id"],
            "revoked_delegation": row["revoked_delegation_id"],
            "approval_needed": row["approval_needed"],
            "approval_from": row["approval_from_id"],
            "approval": _approval(reader, row),
        }
    )
    return out


def _shape(reader: Reader, rows: list[dict]) -> list[dict]:
    """The decisions of ``rows`` (values() rows of ``DECISION_VALUES``) as ``DecisionSerializer`` writes them."""
    if not rows:
        return []
    ids = [row["id"] for row in rows]
    releases = _releases(reader, ids)
    later, earlier = _links(reader, rows)
    votes = defaultdict(dict)
    for count in _VOTE_COUNT_ROWS.rows(ids):
        votes[count["decision_id"]][count["position"]] = count["n"]
    return [_decision(reader, row, releases.get(row["id"], []), later, earlier, votes) for row in rows]


def decision_rows(queryset):
    """The viewset's queryset (read rule, filters, ordering applied) as values() rows of a decision."""
    return queryset.values(*DECISION_VALUES)


# Endpoints ----------------------------------------------------------------------------------


def decision_list(view, request):
    """``GET /api/v1/decisions/``: a page of ``DecisionSerializer`` dicts, logged as the serializer path logs it."""
    reader = Reader(request)
    decisions = view.filter_queryset(view.get_queryset())
    rows = lean.CountedBy(decision_rows(decisions), decisions)

    def shape(page: list[dict]) -> list[dict]:
        confidential = [(row["id"], row["alliance_id"]) for row in page if row["visibility"] == CONFIDENTIAL]
        lean.log_served_rows(request, Decision, confidential)
        return _shape(reader, page)

    return lean.paged(view, rows, shape)


def decision_detail(view, request, pk):
    """``GET /api/v1/decisions/{id}/``: ``DecisionDetailSerializer``'s dict, logged as the serializer path logs
    a confidential one; None when there is no such decision the caller may read (the serializer path then
    answers its 404 in its own words)."""
    if not str(pk).isdigit():
        return None
    reader = Reader(request)
    found = list(decision_rows(view.filter_queryset(view.get_queryset()).filter(pk=pk).order_by()))
    if not found:
        return None
    row = found[0]
    if row["visibility"] == CONFIDENTIAL:
        lean.log_served(request, Decision, [row["id"]])
    out = _shape(reader, [row])[0]
    pk = row["id"]
    link = {"id": pk, "reference": row["reference"], "title": row["title"], "status": row["status"]}
    details_shown = reader.standing(row["alliance_id"])
    out["votes"] = _votes(reader, pk, link, details_shown)
    out["recusals"] = _recusals(reader, pk, details_shown)
    out["advisory_inputs"] = _advice(reader, pk)
    out["advice_requests"] = _advice_requests(reader, pk)
    out["action_items"] = _action_items(pk, link, row["alliance__slug"])
    return lean.json_response(out)


_VOTER = (
    "membership_id",
    "seat_id",
    *_organisation_values("membership__organisation__"),
    "seat__person__name",
)


def _voter(row: dict) -> str:
    """``voter_name`` of a vote or a recusal: the member organisation, or the person in their own right."""
    return row["membership__organisation__name"] if row["membership_id"] else row["seat__person__name"]


def _votes(reader: Reader, decision_id: int, link: dict, details_shown: bool) -> list[dict]:
    rows = _VOTE_ROWS.rows(decision_id)
    out = []
    for row in rows:
        struck = None
        if row["struck_by_id"] is not None:
            shown = details_shown or row["struck_by__details_public"]
            struck = {
                "id": row["struck_by_id"],
                "source": row["struck_by__source"],
                "reason": row["struck_by__reason"] if shown else "",
            }
        out.append(
            {
                "id": row["id"],
                "decision": link,
                "membership": row["membership_id"],
                "seat": row["seat_id"],
                "voter": _voter(row),
                "organisation": _organisation(row, "membership__organisation__"),
                "position": row["position"],
                "capacity": row["capacity"],
                "statement": row["statement"],
                "cast_by": _named(row["cast_by_id"], row["cast_by__name"]),
                "recorded_by": _named(row["recorded_by_id"], row["recorded_by__name"]),
                "cast_at": reader.dt(row["cast_at"]),
                "struck_by": struck,
            }
        )
    return out


def _recusals(reader: Reader, decision_id: int, details_shown: bool) -> list[dict]:
    rows = _RECUSAL_ROWS.rows(decision_id)
    out = []
    for row in rows:
        shown = details_shown or row["details_public"]
        interest = row["interest_id"]
        out.append(
            {
                "id": row["id"],
                "membership": row["membership_id"],
                "seat": row["seat_id"],
                "voter": _voter(row),
                "organisation": _organisation(row, "membership__organisation__"),
                "source": row["source"],
                "interest": interest if shown else None,
                "interest_text": row["interest__interest"] if shown and interest is not None else None,
                "reason": row["reason"] if shown else "",
                "dispensation_granted": row["dispensation_granted"],
                "dispensation_reason": row["dispensation_reason"] if shown else "",
                "details_public": row["details_public"],
                "struck_vote": None
                if row["struck_vote__id"] is None
                else {
                    "id": row["struck_vote__id"],
                    "position": row["struck_vote__position"],
                    "cast_at": reader.dt(row["struck_vote__cast_at"]),
                },
            }
        )
    return out


def _advice(reader: Reader, decision_id: int) -> list[dict]:
    rows = _ADVISORYINPUT_ROWS.rows(decision_id)
    out = [
        {
            "id": row["id"],
            "organisation": _organisation(row, "organisation__"),
            "person": _named(row["person_id"], row["person__name"]),
            "advice": row["advice"],
            "given_at": reader.dt(row["given_at"]),
            "response": row["response"],
            "responded_at": reader.dt(row["responded_at"]),
            "responses": [],
        }
        for row in rows
    ]
    if out:
        by_input = {item["id"]: item["responses"] for item in out}
        responses = _RESPONSE_ROWS.rows(decision_id)
        for row in responses:
            by_input[row["advisory_input_id"]].append(
                {
                    "id": row["id"],
                    "response": row["response"],
                    "responded_at": reader.dt(row["responded_at"]),
                    "responded_by": _named(row["responded_by_id"], row["responded_by__name"]),
                }
            )
    return out


def _advice_requests(reader: Reader, decision_id: int) -> list[dict]:
    rows = _ADVICEREQUEST_ROWS.rows(decision_id)
    return [
        {
            "id": row["id"],
            "membership": row["membership_id"],
            "organisation": _organisation(row, "membership__organisation__"),
            "requested_at": reader.dt(row["requested_at"]),
            "requested_by": _named(row["requested_by_id"], row["requested_by__name"]),
            "excluded_at": reader.dt(row["excluded_at"]),
            "excluded_by": _named(row["excluded_by_id"], row["excluded_by__name"]),
            "exclusion_reason": row["exclusion_reason"],
            "no_advice_reason": row["no_advice_reason"],
            "no_advice_recorded_at": reader.dt(row["no_advice_recorded_at"]),
            "no_advice_recorded_by": _named(row["no_advice_recorded_by_id"], row["no_advice_recorded_by__name"]),
        }
        for row in rows
    ]


def _action_items(decision_id: int, link: dict, alliance_slug: str) -> list[dict]:
    rows = _ACTIONITEM_ROWS.rows(decision_id)
    return [
        {
            "id": row["id"],
            "alliance": alliance_slug,
            "decision": link,
            "meeting": row["meeting_id"],
            "agenda_item": row["agenda_item_id"],
            "title": row["title"],
            "owner_person": _named(row["owner_person_id"], row["owner_person__name"]),
            "owner_role": None
            if row["owner_role_id"] is None
            else {"id": row["owner_role_id"], "title": row["owner_role__title"]},
            "due_on": lean.day(row["due_on"]),
            "status": row["status"],
            "completed_on": lean.day(row["completed_on"]),
            "notes": row["notes"],
        }
        for row in rows
    ]


# The nested rows, read by decision id: built and compiled once (lean.Prepared) ------------------------


def _of_decision(model, order, *fields) -> lean.Prepared:
    """The rows of ``model`` of one decision, in ``order``, as values() of ``fields``."""
    return lean.Prepared(
        model, lambda decision_id: model.objects.filter(decision_id=decision_id).order_by(*order).values(*fields)
    )


_REVISITS = Decision.revisits.through
_REVISITS_ROWS = lean.Prepared(
    _REVISITS,
    lambda sources, targets: _REVISITS.objects.filter(
        Q(from_decision_id__in=sources) | Q(to_decision_id__in=targets)
    ).values("from_decision_id", "to_decision_id"),
)
# The votes that count (not struck), by decision and position: ``votes_summary``.
_VOTE_COUNT_ROWS = lean.Prepared(
    Vote,
    lambda ids: (
        Vote.objects.filter(decision_id__in=ids)
        .exclude(struck_by__isnull=False)
        .order_by()
        .values("decision_id", "position")
        .annotate(n=Count("pk"))
    ),
)
_RESPONSE_ROWS = lean.Prepared(
    AdvisoryResponse,
    lambda decision_id: (
        AdvisoryResponse.objects.filter(advisory_input__decision_id=decision_id)
        .order_by("advisory_input", "responded_at", "pk")
        .values("id", "advisory_input_id", "response", "responded_at", "responded_by_id", "responded_by__name")
    ),
)
_RELEASE_ROWS = lean.Prepared(
    Release,
    lambda ids: (
        Release.objects.filter(decision_id__in=ids)
        .order_by("decision", "takes_effect_at", "pk")
        .values(
            "id",
            "decision_id",
            "from_visibility",
            "to_visibility",
            "takes_effect_at",
            "reason",
            "recorded_at",
            "released_by_id",
            "released_by__name",
            "cancelled_at",
            "cancelled_by_id",
            "cancelled_by__name",
            "cancel_reason",
        )
    ),
)


_VOTE_ROWS = _of_decision(
    Vote,
    VOTE_ORDER,
    "id",
    *_VOTER,
    "position",
    "capacity",
    "statement",
    "cast_by_id",
    "cast_by__name",
    "recorded_by_id",
    "recorded_by__name",
    "cast_at",
    "struck_by_id",
    "struck_by__source",
    "struck_by__reason",
    "struck_by__details_public",
)


_RECUSAL_ROWS = _of_decision(
    Recusal,
    RECUSAL_ORDER,
    "id",
    *_VOTER,
    "source",
    "interest_id",
    "interest__interest",
    "reason",
    "dispensation_granted",
    "dispensation_reason",
    "details_public",
    "struck_vote__id",
    "struck_vote__position",
    "struck_vote__cast_at",
)


_ADVISORYINPUT_ROWS = _of_decision(
    AdvisoryInput,
    (
        "decision",
        "given_at",
        "pk",
    ),
    "id",
    *_organisation_values("organisation__"),
    "person_id",
    "person__name",
    "advice",
    "given_at",
    "response",
    "responded_at",
)


_ADVICEREQUEST_ROWS = _of_decision(
    AdviceRequest,
    ADVICE_REQUEST_ORDER,
    "id",
    "membership_id",
    *_organisation_values("membership__organisation__"),
    "requested_at",
    "requested_by_id",
    "requested_by__name",
    "excluded_at",
    "excluded_by_id",
    "excluded_by__name",
    "exclusion_reason",
    "no_advice_reason",
    "no_advice_recorded_at",
    "no_advice_recorded_by_id",
    "no_advice_recorded_by__name",
)


_ACTIONITEM_ROWS = _of_decision(
    ActionItem,
    (
        "due_on",
        "pk",
    ),
    "id",
    "meeting_id",
    "agenda_item_id",
    "title",
    "owner_person_id",
    "owner_person__name",
    "owner_role_id",
    "owner_role__title",
    "due_on",
    "status",
    "completed_on",
    "notes",
)
