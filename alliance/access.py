"""Who may read which record: one read rule per model, used by every reader.

Each domain model declares its rule once, as ``read_rule = ...`` in its class body, from the few
shapes below. The rule answers both questions a reader asks, from the same declaration, so the two
answers cannot drift apart:

- ``Model.objects.restrict(access)`` (or :func:`restrict` on any queryset, history rows included):
  the rows the caller may read, as one filter in SQL;
- :func:`can_read` (``access.can_read(obj)``): whether a row already loaded may be read, without a
  query where the rule can be read off the row.

Visibility of a record (the README's "Who may see and do what"):

- PUBLIC: anyone with a standing in the alliance, and anonymous visitors when the alliance
  publishes its register (never a draft: the register shows no working papers);
- MEMBERS: anyone with a standing in the alliance;
- CONFIDENTIAL: oversight, secretaries and voting members' representatives of the alliance.

A linked record is as readable as the record it links through (:class:`Through`): a vote is read
with its decision, a contract awarded through an award with that award. A history row is judged by
its own values, so an older version from when a record was more restricted stays hidden from a
reader of its later, wider visibility. A model with no rule is for staff only.

(NetBox's ``RestrictedQuerySet.restrict(user, action)`` is the model for this module.)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.db.models import Q, QuerySet

PUBLIC, MEMBERS, CONFIDENTIAL = "PUBLIC", "MEMBERS", "CONFIDENTIAL"
NOTHING = Q(pk__in=[])


@dataclass(frozen=True)
class Access:
    """What one user may do on one date, alliance by alliance (computed by ``roles.access.access_for``)."""

    authenticated: bool = False
    staff: bool = False
    person_id: int | None = None
    members_of: frozenset[int] = frozenset()  # alliances where the user has any standing
    oversight_of: frozenset[int] = frozenset()
    secretaryships: frozenset[tuple[int, int]] = frozenset()  # (alliance id, body id)
    secretary_of_alliances: frozenset[int] = frozenset()  # alliance-wide secretaries: every body
    represents: frozenset[tuple[int, int]] = frozenset()  # (alliance id, organisation id)
    voting_representative_of: frozenset[int] = frozenset()
    advises: frozenset[int] = frozenset()  # alliances where the user's person holds an advisor role
    public_alliances: frozenset[int] = field(default_factory=frozenset)
    # The login itself, for what a write records (a decision's created_by, a note's author); not
    # part of the standing, so two users with the same standing compare equal.
    user: Any = field(default=None, compare=False, repr=False)

    # Reading -----------------------------------------------------------------------------

    @property
    def secretary_of_bodies(self) -> frozenset[int]:
        return frozenset(body for _, body in self.secretaryships)

    def confidential_of(self) -> frozenset[int]:
        """Alliances whose confidential records the user may read."""
        secretaries = self.secretary_of_alliances | {alliance for alliance, _ in self.secretaryships}
        return self.oversight_of | secretaries | self.voting_representative_of

    def may_read(self, alliance_id: int, visibility: str = MEMBERS) -> bool:
        """Whether a record of ``alliance_id`` at ``visibility`` may be read (the rule of :class:`ByVisibility`)."""
        if self.staff:
            return True
        if visibility == PUBLIC and alliance_id in self.public_alliances:
            return True
        if visibility == CONFIDENTIAL:
            return alliance_id in self.confidential_of()
        return alliance_id in self.members_of

    def has_standing(self, alliance_id: int) -> bool:
        return self.staff or alliance_id in self.members_of

    def can_read(self, obj) -> bool:
        return can_read(self, obj)

    # Writing -----------------------------------------------------------------------------

    def is_secretary_of(self, body) -> bool:
        return self.staff or body.pk in self.secretary_of_bodies or body.alliance_id in self.secretary_of_alliances

    def bodies_kept(self, bodies: QuerySet) -> QuerySet:
        """The governing bodies of ``bodies`` whose record the user keeps: staff every one, a
        secretary their body's, an alliance-wide secretary every body of their alliance."""
        if self.staff:
            return bodies
        return bodies.filter(Q(pk__in=self.secretary_of_bodies) | Q(alliance_id__in=self.secretary_of_alliances))

    def represents_member(self, membership) -> bool:
        return (membership.alliance_id, membership.organisation_id) in self.represents

    def keeps_record_of(self, alliance_id: int) -> bool:
        """Whether the user is a secretary of the alliance or of one of its bodies (or staff)."""
        return (
            self.staff
            or alliance_id in self.secretary_of_alliances
            or any(alliance == alliance_id for alliance, _ in self.secretaryships)
        )

    def represents_in(self, alliance_id: int) -> frozenset[int]:
        """The organisations whose representative (or deputy) the user is in one alliance."""
        return frozenset(organisation for alliance, organisation in self.represents if alliance == alliance_id)

    def is_oversight_of(self, alliance_id: int) -> bool:
        return self.staff or alliance_id in self.oversight_of


# The shapes of a read rule -------------------------------------------------------------------


def _value(obj, path: str):
    """Follow ``decision__alliance_id`` on a loaded row, as the ORM follows it in a filter."""
    for part in path.split("__"):
        if obj is None:
            return None
        obj = getattr(obj, part)
    return obj


class ReadRule:
    """One model's read rule. ``q`` filters (None: every row); ``allows`` judges a loaded row."""

    model: type[models.Model] | None = None

    def contribute_to_class(self, cls, name):
        # Declared in a model's body: Django hands it the model, which Through needs to follow links.
        self.model = cls
        setattr(cls, name, self)

    def q(self, access: Access, prefix: str = "") -> Q | None:
        raise NotImplementedError

    def allows(self, access: Access, obj) -> bool:
        """By default the row is looked up through ``q``: one query."""
        q = self.q(access)
        return q is None or type(obj)._default_manager.filter(q, pk=obj.pk).exists()


class MembersLevel(ReadRule):
    """Records anyone with a standing in the record's alliance reads; with ``public``, also anyone
    when the alliance publishes its register."""

    def __init__(self, alliance: str = "alliance_id", *, public: bool = False):
        self.alliance, self.public = alliance, public

    def _alliances(self, access: Access) -> frozenset[int]:
        return access.members_of | access.public_alliances if self.public else access.members_of

    def q(self, access, prefix=""):
        if access.staff:
            return None
        return Q(**{f"{prefix}{self.alliance}__in": self._alliances(access)})

    def allows(self, access, obj):
        return access.staff or _value(obj, self.alliance) in self._alliances(access)


class Widening:
    """How a record's own visibility is widened after the fact (a decision's releases): the levels it is
    also readable at, as a filter and for a row already loaded. The record's own model says how."""

    def q(self, levels: tuple[str, ...], prefix: str) -> Q:
        """Rows widened, now, to one of ``levels``."""
        raise NotImplementedError

    def level(self, obj) -> str | None:
        """The widest level a loaded row is widened to now (None: not widened)."""
        raise NotImplementedError


#: From the widest visibility to the narrowest.
WIDEST_FIRST = (PUBLIC, MEMBERS, CONFIDENTIAL)


def wider(a: str, b: str | None) -> str:
    """The wider of two visibilities."""
    if b is None or b not in WIDEST_FIRST:
        return a
    return a if a in WIDEST_FIRST and WIDEST_FIRST.index(a) <= WIDEST_FIRST.index(b) else b


class ByVisibility(ReadRule):
    """Records with a PUBLIC / MEMBERS / CONFIDENTIAL visibility; ``draft`` names the field and value
    that mark a working paper, which the public register never shows: read through it (anonymous, or
    with a standing in another alliance only), a draft is never read. ``widened_by`` (a
    :class:`Widening`) widens the record's own visibility, as a decision's releases do: the record is
    read at the wider of the two."""

    def __init__(
        self,
        alliance="alliance_id",
        visibility="visibility",
        *,
        draft: tuple[str, str] | None = None,
        widened_by: Widening | None = None,
    ):
        self.alliance, self.visibility, self.draft, self.widened_by = alliance, visibility, draft, widened_by

    def _at_least(self, levels: tuple[str, ...], prefix: str) -> Q:
        own = Q(**{f"{prefix}{self.visibility}__in": list(levels)})
        return own if self.widened_by is None else own | self.widened_by.q(levels, prefix)

    def q(self, access, prefix=""):
        if access.staff:
            return None
        alliance = f"{prefix}{self.alliance}"
        public = self._at_least((PUBLIC,), prefix) & Q(**{f"{alliance}__in": access.public_alliances})
        if self.draft:
            public &= ~Q(**{f"{prefix}{self.draft[0]}": self.draft[1]})
        q = public | (self._at_least((PUBLIC, MEMBERS), prefix) & Q(**{f"{alliance}__in": access.members_of}))
        q |= Q(**{f"{prefix}{self.visibility}": CONFIDENTIAL, f"{alliance}__in": access.confidential_of()})
        return q

    def _allows(self, access, obj, alliance, visibility) -> bool:
        if access.staff or (visibility in (PUBLIC, MEMBERS) and alliance in access.members_of):
            return True
        if visibility == CONFIDENTIAL:
            return alliance in access.confidential_of()
        draft = self.draft is not None and _value(obj, self.draft[0]) == self.draft[1]
        return visibility == PUBLIC and alliance in access.public_alliances and not draft

    def allows(self, access, obj):
        alliance, visibility = _value(obj, self.alliance), _value(obj, self.visibility)
        if self._allows(access, obj, alliance, visibility):
            return True
        # Only a reader who could read the record at a wider level looks its widening up (a query at most).
        if self.widened_by is None or visibility == PUBLIC:
            return False
        if alliance not in access.members_of and alliance not in access.public_alliances:
            return False
        return self._allows(access, obj, alliance, wider(visibility, self.widened_by.level(obj)))


class OversightOnly(ReadRule):
    """Oversight's own records (its notes): the alliance's oversight members and staff only."""

    def __init__(self, alliance="alliance_id"):
        self.alliance = alliance

    def q(self, access, prefix=""):
        return None if access.staff else Q(**{f"{prefix}{self.alliance}__in": access.oversight_of})

    def allows(self, access, obj):
        return access.staff or _value(obj, self.alliance) in access.oversight_of


class Through(ReadRule):
    """As readable as the record ``field`` links to (with ``optional``, also when it links to none)."""

    def __init__(self, field_name: str, *, optional: bool = False):
        self.field_name, self.optional = field_name, optional

    def _target(self) -> ReadRule:
        related = self.model._meta.get_field(self.field_name).related_model
        return rule_of(related)

    def q(self, access, prefix=""):
        target = self._target()
        q = None if target is None else target.q(access, f"{prefix}{self.field_name}__")
        if target is None and not access.staff:
            q = NOTHING
        if q is not None and self.optional:
            q = Q(**{f"{prefix}{self.field_name}__isnull": True}) | q
        return q

    def allows(self, access, obj):
        linked = getattr(obj, self.field_name)
        if linked is None:
            return self.optional or access.staff
        target = self._target()
        return access.staff if target is None else target.allows(access, linked)


class AllOf(ReadRule):
    """Readable when every one of ``rules`` allows it (a record's own rule and its links')."""

    def __init__(self, *rules: ReadRule):
        self.rules = rules

    def contribute_to_class(self, cls, name):
        super().contribute_to_class(cls, name)
        for rule in self.rules:
            rule.model = cls

    def q(self, access, prefix=""):
        parts = [q for q in (rule.q(access, prefix) for rule in self.rules) if q is not None]
        if not parts:
            return None
        combined = parts[0]
        for part in parts[1:]:
            combined &= part
        return combined

    def allows(self, access, obj):
        return all(rule.allows(access, obj) for rule in self.rules)


class AnyOf(ReadRule):
    """Readable when any one of ``rules`` allows it (a record's visibility, or a part it was given in
    reading it, such as an advisory member asked to advise on a decision); a rule with nothing to add
    answers :data:`NOTHING`."""

    def __init__(self, *rules: ReadRule):
        self.rules = rules

    def contribute_to_class(self, cls, name):
        super().contribute_to_class(cls, name)
        for rule in self.rules:
            rule.model = cls

    def q(self, access, prefix=""):
        parts = []
        for rule in self.rules:
            q = rule.q(access, prefix)
            if q is None:
                return None
            if q != NOTHING:
                parts.append(q)
        if not parts:
            return NOTHING
        combined = parts[0]
        for part in parts[1:]:
            combined |= part
        return combined

    def allows(self, access, obj):
        # In order: the first rules read the row without a query.
        return any(rule.allows(access, obj) for rule in self.rules)


class Matching(ReadRule):
    """A rule written as a filter: ``build(access, prefix)`` returns a Q (None for every row)."""

    def __init__(self, build):
        self.build = build

    def q(self, access, prefix=""):
        return self.build(access, prefix)


# Readers ----------------------------------------------------------------------------------------


def rule_of(model) -> ReadRule | None:
    """A model's read rule; a history model is judged by its record's rule, on its own values."""
    rule = model.__dict__.get("read_rule") or getattr(model, "read_rule", None)
    if rule is None and getattr(model, "instance_type", None) is not None:
        rule = getattr(model.instance_type, "read_rule", None)
    return rule


def restrict(queryset: QuerySet, access: Access) -> QuerySet:
    """The rows of ``queryset`` that ``access`` may read; a model with no rule is for staff only."""
    rule = rule_of(queryset.model)
    if rule is None:
        return queryset if access.staff else queryset.none()
    q = rule.q(access)
    return queryset if q is None else queryset.filter(q)


def can_read(access: Access, obj) -> bool:
    """Whether ``access`` may read ``obj``, a row already loaded (the same rule as :func:`restrict`)."""
    if obj is None:
        return False
    rule = rule_of(type(obj))
    if rule is None:
        return access.staff
    return rule.allows(access, obj)


class RestrictedQuerySetMixin:
    """Gives a model's querysets ``.restrict(access)``."""

    def restrict(self, access: Access):
        return restrict(self, access)


class RestrictedQuerySet(RestrictedQuerySetMixin, models.QuerySet):
    pass
