"""Reads of roles, delegations and interests that more than one caller needs.

Dates are always parameters. The handover pack renders every section registered in the registry
(``handover_sections`` of alliance.registry): roles' own below, then those of higher apps (each a
callable ``(role, on, access) -> {"title", "items", "empty"}`` in its ``handover`` module), without
this app knowing of them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import ExtractYear

from alliance.access import Access
from alliance.choices import DecisionKind
from alliance.formatting import day, money
from alliance.models import Agreement, Alliance, Membership, Organisation
from alliance.registry import register, registered
from roles.models import DelegatedAuthority, InterestDeclaration, Person, Role, RoleAssignment

# Holders and directory ---------------------------------------------------------------------


def holders_on(role: Role, on: date) -> QuerySet[RoleAssignment]:
    """The assignments of ``role`` held on ``on`` (one at most for a single-holder role)."""
    return RoleAssignment.objects.filter(role=role).held_on(on).select_related("person").order_by("starts_on", "pk")


def roles_of(person: Person, on: date, *, alliance: Alliance | None = None) -> QuerySet[RoleAssignment]:
    """The assignments ``person`` held on ``on``, with their roles."""
    qs = RoleAssignment.objects.filter(person=person).held_on(on)
    if alliance is not None:
        qs = qs.filter(role__alliance=alliance)
    return qs.select_related("role__alliance", "role__body", "role__organisation").order_by("role__title")


def _held(on: date) -> QuerySet[RoleAssignment]:
    """The assignments held on ``on``, in the directory's order: the one rule of both its readings below."""
    return RoleAssignment.objects.held_on(on).order_by("starts_on", "pk")


def roles_with_holders(alliance: Alliance, on: date) -> QuerySet[Role]:
    """Every role of the alliance, each with ``holders``: the assignments held on ``on`` (two queries)."""
    held = _held(on).select_related("person__employer")
    return (
        Role.objects.filter(alliance=alliance)
        .select_related("alliance", "body", "organisation")
        .prefetch_related(Prefetch("assignments", queryset=held, to_attr="holders"))
        .order_by("body__name", "title")
    )


def directory(alliance: Alliance, on: date, access: Access | None = None) -> list[dict]:
    """Every role of the alliance on ``on`` (with ``access``, those it may read): its holders, or vacant
    when nobody held it."""
    roles = roles_with_holders(alliance, on)
    if access is not None:
        roles = roles.restrict(access)
    return [{"role": role, "holders": role.holders, "vacant": not role.holders} for role in roles]


ROLE_VALUES = ("id", "title", "kind", "body_id", "organisation_id", "single_holder", "description")
HOLDER_VALUES = ("id", "role_id", "person_id", "starts_on", "ends_on")


def person_name() -> Subquery:
    """The name of a row's person (``person_id``), read by its primary key row by row. Joining the people
    instead let PostgreSQL hash the whole of ``roles_person`` for a page of 50 assignments, a scan that
    grows with the data (docs/performance-plans.md); a lookup by key per row does not."""
    return Subquery(Person.objects.filter(pk=OuterRef("person_id")).order_by().values("name")[:1])


def directory_rows(alliance: Alliance, on: date, access: Access | None = None) -> list[dict]:
    """``directory`` as plain rows (two queries, no model instances), for a reader that only shows them:
    ``[{"role": {ROLE_VALUES}, "holders": [{HOLDER_VALUES, person_name}], "vacant"}]`` in the same order."""
    roles = Role.objects.filter(alliance=alliance)
    if access is not None:
        roles = roles.restrict(access)
    roles = list(roles.order_by("body__name", "title").values(*ROLE_VALUES))
    holders: dict[int, list[dict]] = {role["id"]: [] for role in roles}
    if holders:
        for row in _held(on).filter(role_id__in=list(holders)).values(*HOLDER_VALUES, person_name=person_name()):
            holders[row["role_id"]].append(row)
    return [{"role": role, "holders": holders[role["id"]], "vacant": not holders[role["id"]]} for role in roles]


def roles_with_timelines(alliance: Alliance) -> QuerySet[Role]:
    """Every role of the alliance, each with ``timeline``: all its assignments in date order."""
    every = RoleAssignment.objects.select_related("person").order_by("starts_on", "pk")
    return (
        Role.objects.filter(alliance=alliance)
        .select_related("body", "organisation")
        .prefetch_related(Prefetch("assignments", queryset=every, to_attr="timeline"))
        .order_by("body__name", "title")
    )


def timeline(role: Role) -> QuerySet[RoleAssignment]:
    """The holders of ``role`` over time, earliest first."""
    return RoleAssignment.objects.filter(role=role).select_related("person").order_by("starts_on", "pk")


def turnover(alliance: Alliance) -> list[dict]:
    """Assignments ended per calendar year, by end reason: ``[{"year", "total", "reasons": {...}}]``."""
    rows = (
        RoleAssignment.objects.filter(role__alliance=alliance, ends_on__isnull=False)
        .annotate(year=ExtractYear("ends_on"))
        .values("year", "end_reason")
        .annotate(n=Count("id"))
        .order_by("year", "end_reason")
    )
    years: dict[int, Counter] = {}
    for row in rows:
        years.setdefault(row["year"], Counter())[row["end_reason"]] += row["n"]
    labels = dict(RoleAssignment.EndReason.choices)
    return [
        {
            "year": year,
            "total": sum(counts.values()),
            "reasons": {labels.get(reason, reason): n for reason, n in counts.items()},
        }
        for year, counts in sorted(years.items())
    ]


def representatives_on(
    *,
    on: date,
    membership: Membership | None = None,
    alliance: Alliance | None = None,
    organisation: Organisation | None = None,
) -> QuerySet[Person]:
    """The people holding a member's representative or deputy role on ``on`` (rule 2)."""
    if membership is not None:
        alliance_id, organisation_id = membership.alliance_id, membership.organisation_id
    else:
        alliance_id, organisation_id = alliance.pk, organisation.pk
    held = RoleAssignment.objects.held_on(on).filter(
        role__alliance_id=alliance_id,
        role__organisation_id=organisation_id,
        role__kind__in=Role.REPRESENTATIVE_KINDS,
    )
    return Person.objects.filter(pk__in=held.values("person_id")).order_by("name", "pk")


def representation_on(*, alliance: Alliance, on: date) -> list[tuple[int, int, str, str]]:
    """Who represents each member of ``alliance`` on ``on`` (rule 2): (person id, organisation id, role
    kind, person's name) of every representative and deputy, representatives first, then by name."""
    held = RoleAssignment.objects.held_on(on).filter(role__alliance=alliance, role__kind__in=Role.REPRESENTATIVE_KINDS)
    rows = held.values_list("person_id", "role__organisation_id", "role__kind", "person__name").distinct()
    return sorted(rows, key=lambda row: (row[2] != Role.Kind.MEMBER_REPRESENTATIVE, row[3], row[0]))


def person_history(person: Person, alliance: Alliance) -> dict:
    """What a person page shows: every role held in the alliance over time, and interests declared."""
    assignments = (
        RoleAssignment.objects.filter(person=person, role__alliance=alliance)
        .select_related("role__body", "role__organisation")
        .order_by("-starts_on", "pk")
    )
    interests = InterestDeclaration.objects.filter(person=person, alliance=alliance).select_related(
        "represents", "concerns_organisation"
    )
    return {"assignments": list(assignments), "interests": list(interests.order_by("-declared_on", "pk"))}


# Delegated authority -----------------------------------------------------------------------


@dataclass(frozen=True)
class Authority:
    """The answer to "may this role (or person) decide a matter of this kind and value on this date?"."""

    allowed: bool
    delegation: DelegatedAuthority | None
    reason: str


def _kind_label(kind: str) -> str:
    return dict(DecisionKind.choices).get(kind, kind)


def _decisions_of(kind: str) -> str:
    """The kind as a plural phrase: "key decisions", "operational decisions", "decisions on the award of a service"."""
    label = _kind_label(kind).lower()
    if label.endswith("decision"):
        return f"{label}s"
    if " of " in label:
        return f"decisions on the {label}"
    return f"{label} decisions"


def _not_in_force(delegation: DelegatedAuthority, on: date) -> str:
    if delegation.revoked_on is not None and delegation.revoked_on <= on:
        why = f" ({delegation.revocation_reason})" if delegation.revocation_reason else ""
        return f"The delegation to {delegation.role} was revoked from {day(delegation.revoked_on)}{why}."
    if delegation.valid_from > on:
        return f"The delegation to {delegation.role} is valid only from {day(delegation.valid_from)}."
    return f"The delegation to {delegation.role} expired on {day(delegation.valid_to)}."


def _judge(candidates: list[DelegatedAuthority], kind: str, value: Decimal | None, on: date) -> Authority:
    in_force = [d for d in candidates if d.is_valid_on(on)]
    if not in_force:
        started = sorted((d for d in candidates if d.valid_from <= on), key=lambda d: (d.valid_from, d.pk))
        nearest = started[-1] if started else min(candidates, key=lambda d: (d.valid_from, d.pk))
        return Authority(False, nearest, _not_in_force(nearest, on))
    # The widest delegation in force answers: no limit first, then the highest limit.
    best = max(in_force, key=lambda d: (d.financial_limit is None, d.financial_limit or 0, d.valid_from, d.pk))
    if value is not None and best.financial_limit is not None and value > best.financial_limit:
        over = value - best.financial_limit
        return Authority(
            False,
            best,
            f"{money(value)} is above the limit of {money(best.financial_limit)} delegated to {best.role} "
            f"by {money(over)}; the matter needs a decision of {best.body.name}.",
        )
    limit = "with no financial limit" if best.financial_limit is None else f"up to {money(best.financial_limit)}"
    return Authority(
        True,
        best,
        f"Delegated to {best.role} by {best.body.name} for {_decisions_of(kind)} {limit}, "
        f"valid from {day(best.valid_from)}.",
    )


def authority_for(
    *,
    kind: str,
    value: Decimal | None,
    on: date,
    role: Role | None = None,
    person: Person | None = None,
    access: Access | None = None,
) -> Authority:
    """May the holder of ``role`` (or ``person``, through the roles they held) decide this matter on ``on``?

    With ``access`` (a reader asking), only the delegations and roles that reader may read are
    weighed, so the answer says nothing of an alliance they have no standing in; without it (a
    service applying rule 7), every one is.
    """
    delegations = DelegatedAuthority.objects.covering(kind).select_related("role", "body")
    assignments = RoleAssignment.objects.all()
    if access is not None:
        delegations, assignments = delegations.restrict(access), assignments.restrict(access)
    if role is not None:
        if person is not None and not RoleAssignment.objects.filter(role=role, person=person).held_on(on).exists():
            return Authority(False, None, f"{person} did not hold the role {role} on {day(on)}.")
        candidates = list(delegations.filter(role=role))
        if not candidates:
            return Authority(False, None, f"No delegation to {role} covers {_decisions_of(kind)}.")
        answer = _judge(candidates, kind, value, on)
        if person is None and answer.allowed and not RoleAssignment.objects.filter(role=role).held_on(on).exists():
            # The authority belongs to the role and survives a vacancy, so the answer stays allowed;
            # but nobody could have used it that day, and the answer says so.
            vacant = f" Nobody held {role} on {day(on)}: the post was vacant, so no one could use it that day."
            answer = Authority(True, answer.delegation, answer.reason + vacant)
        return answer
    held_role_ids = set(assignments.filter(person=person).held_on(on).values_list("role_id", flat=True))
    ever = list(delegations.filter(role__assignments__person=person).distinct())
    candidates = [d for d in ever if d.role_id in held_role_ids]
    if candidates:
        return _judge(candidates, kind, value, on)
    if ever:
        return Authority(False, None, f"{person} did not hold the role {ever[0].role} on {day(on)}.")
    return Authority(False, None, f"No delegation covers {_decisions_of(kind)} for any role {person} has held.")


def delegation_register(alliance: Alliance) -> QuerySet[DelegatedAuthority]:
    """Every delegation of the alliance, with what the register shows of its role and body."""
    return (
        DelegatedAuthority.objects.filter(body__alliance=alliance)
        .select_related("role__alliance", "body", "grantee_body", "granted_by")
        .order_by("role__title", "-valid_from", "pk")
    )


def interest_register(alliance: Alliance) -> QuerySet[InterestDeclaration]:
    return (
        InterestDeclaration.objects.filter(alliance=alliance)
        .select_related("person", "represents", "concerns_organisation")
        .order_by("-declared_on", "pk")
    )


# Handover pack -----------------------------------------------------------------------------


HandoverSection = Callable[[Role, date, Access], dict]


def _item(on: date | None, text: str, url: str = "") -> dict:
    return {"date": on, "text": text, "url": url}


@register("handover_sections")
def _description_section(role: Role, on: date, access: Access) -> dict:
    items = [_item(None, role.description)] if role.description else []
    return {"title": "The role", "items": items, "empty": "No description has been written for this role yet."}


@register("handover_sections")
def _delegations_section(role: Role, on: date, access: Access) -> dict:
    items = []
    for d in role.delegations.restrict(access).select_related("body", "role").order_by("-valid_from", "pk"):
        state = "in force" if d.is_valid_on(on) else _not_in_force(d, on)
        items.append(
            _item(
                d.valid_from,
                f"From {d.body.name}: {', '.join(d.get_decision_kinds_display())} up to "
                f"{money(d.financial_limit)}, valid {day(d.valid_from)} to {day(d.valid_to)}; "
                f"{d.scope} ({state})",
            )
        )
    return {"title": "Delegated authority", "items": items, "empty": "This role holds no delegated authority."}


@register("handover_sections")
def _principles_section(role: Role, on: date, access: Access) -> dict:
    agreement = Agreement.objects.filter(alliance_id=role.alliance_id).order_by("-version").first()
    items = [_item(None, p) for p in (agreement.principles if agreement else [])]
    return {"title": "The alliance principles", "items": items, "empty": "No agreement with principles is recorded."}


@register("handover_sections")
def _previous_holders_section(role: Role, on: date, access: Access) -> dict:
    labels = dict(RoleAssignment.EndReason.choices)
    items = [
        _item(
            a.starts_on,
            f"{a.person}: {day(a.starts_on)} to {day(a.ends_on)}"
            + (f" ({labels.get(a.end_reason, a.end_reason).lower()})" if a.end_reason else ""),
        )
        for a in timeline(role).filter(starts_on__lte=on)
        if not a.is_held_on(on)
    ]
    return {"title": "Previous holders", "items": items, "empty": "Nobody held this role before."}


def handover_pack(role: Role, on: date, access: Access) -> dict:
    """What a new holder of ``role`` reads on day one, as of ``on``: every registered section, each
    showing only what the reader (``access``) may read."""
    return {
        "role": role,
        "on": on,
        "holders": list(holders_on(role, on)),
        "sections": [section(role, on, access) for section in registered("handover_sections")],
    }
