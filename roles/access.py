"""Who may see and do what, per alliance: the one place that answers it for API and web alike.

A user's standing in an alliance comes from the roles their person holds today (a body's
secretary, a member's representative or deputy, an oversight group member, any other post) and
from access grants (viewer, oversight). Staff administer everything. Visibility of a record:

- PUBLIC: anyone with a standing in the alliance, and anonymous visitors when the alliance
  publishes its register;
- MEMBERS: anyone with a standing in the alliance;
- CONFIDENTIAL: oversight, secretaries and voting members' representatives of the alliance.

Domain apps write their ``restrict_*`` functions on top of :class:`Access`; the API's filter
backend and permission class and the web views call them, so no list, count, export or history
feed shows what the caller may not read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from alliance.models import Alliance, Membership
from roles.models import AccessGrant, Person, Role, RoleAssignment

PUBLIC, MEMBERS, CONFIDENTIAL = "PUBLIC", "MEMBERS", "CONFIDENTIAL"


@dataclass(frozen=True)
class Access:
    """What one user may do on one date, alliance by alliance."""

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
        if self.staff:
            return True
        if visibility == PUBLIC and alliance_id in self.public_alliances:
            return True
        if visibility == CONFIDENTIAL:
            return alliance_id in self.confidential_of()
        return alliance_id in self.members_of

    def has_standing(self, alliance_id: int) -> bool:
        return self.staff or alliance_id in self.members_of

    def visibility_q(self, *, alliance_field: str = "alliance_id", visibility_field: str = "visibility") -> Q | None:
        """A filter for records with a visibility; None means everything (staff)."""
        if self.staff:
            return None
        q = Q(**{f"{visibility_field}": PUBLIC, f"{alliance_field}__in": self.public_alliances})
        q |= Q(**{f"{visibility_field}__in": [PUBLIC, MEMBERS], f"{alliance_field}__in": self.members_of})
        q |= Q(**{visibility_field: CONFIDENTIAL, f"{alliance_field}__in": self.confidential_of()})
        return q

    def alliance_q(self, alliance_field: str = "alliance_id") -> Q | None:
        """A filter for members-level records of the alliances the user has a standing in."""
        if self.staff:
            return None
        return Q(**{f"{alliance_field}__in": self.members_of})

    def restrict(self, queryset: QuerySet, **fields) -> QuerySet:
        """Members-level records only: ``restrict(qs, alliance_field="decision__alliance_id")``."""
        q = self.alliance_q(**fields)
        return queryset if q is None else queryset.filter(q)

    def restrict_visible(self, queryset: QuerySet, **fields) -> QuerySet:
        q = self.visibility_q(**fields)
        return queryset if q is None else queryset.filter(q)

    # Writing -----------------------------------------------------------------------------

    def is_secretary_of(self, body) -> bool:
        return self.staff or body.pk in self.secretary_of_bodies or body.alliance_id in self.secretary_of_alliances

    def bodies_kept(self, bodies: QuerySet) -> QuerySet:
        """The governing bodies of ``bodies`` whose record the user keeps: staff every one, a
        secretary their body's, an alliance-wide secretary every body of their alliance."""
        if self.staff:
            return bodies
        return bodies.filter(Q(pk__in=self.secretary_of_bodies) | Q(alliance_id__in=self.secretary_of_alliances))

    def represents_member(self, membership: Membership) -> bool:
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


def _public_alliances() -> frozenset[int]:
    return frozenset(Alliance.objects.filter(publish_register=True).values_list("pk", flat=True))


def access_for(user, on: date | None = None) -> Access:
    """Compute a user's access on ``on`` (today by default), in at most five queries.

    It is also the ``actor`` every write service takes (roles/standing.py says what each needs).
    """
    public = _public_alliances()
    if user is None or not user.is_authenticated:
        return Access(public_alliances=public)
    person = Person.objects.filter(user=user).first()
    if user.is_staff:
        person_id = person.pk if person is not None else None
        return Access(authenticated=True, staff=True, person_id=person_id, public_alliances=public, user=user)
    on = on or timezone.localdate()
    members, oversight, bodies, alliance_secretaries, represents, advises = set(), set(), set(), set(), set(), set()
    if person is not None:
        held = (
            RoleAssignment.objects.held_on(on)
            .filter(person=person)
            .values_list("role__alliance_id", "role__kind", "role__body_id", "role__organisation_id")
        )
        for alliance_id, kind, body_id, organisation_id in held:
            members.add(alliance_id)
            if kind == Role.Kind.SECRETARY:
                if body_id:
                    bodies.add((alliance_id, body_id))
                else:
                    alliance_secretaries.add(alliance_id)
            elif kind in Role.REPRESENTATIVE_KINDS and organisation_id:
                represents.add((alliance_id, organisation_id))
            elif kind == Role.Kind.OVERSIGHT_MEMBER:
                oversight.add(alliance_id)
            elif kind == Role.Kind.ADVISOR:
                advises.add(alliance_id)
    grants = (
        AccessGrant.objects.filter(user=user, starts_on__lte=on)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on))
        .values_list("alliance_id", "standing")
    )
    for alliance_id, standing in grants:
        members.add(alliance_id)
        if standing == AccessGrant.Standing.OVERSIGHT:
            oversight.add(alliance_id)
    voting = set()
    if represents:
        alliance_ids = {a for a, _ in represents}
        q = Q()
        for alliance_id, organisation_id in represents:
            q |= Q(alliance_id=alliance_id, organisation_id=organisation_id)
        for membership in Membership.objects.filter(alliance_id__in=alliance_ids).filter(q).voting_on(on):
            voting.add(membership.alliance_id)
    access = Access(
        authenticated=True,
        person_id=person.pk if person is not None else None,
        members_of=frozenset(members),
        oversight_of=frozenset(oversight),
        secretaryships=frozenset(bodies),
        secretary_of_alliances=frozenset(alliance_secretaries),
        represents=frozenset(represents),
        voting_representative_of=frozenset(voting),
        advises=frozenset(advises),
        public_alliances=public,
        user=user,
    )
    return access


def request_access(request) -> Access:
    """The access of the request's user, computed once per request."""
    cached = getattr(request, "_alliance_access", None)
    if cached is None:
        cached = access_for(getattr(request, "user", None))
        request._alliance_access = cached
    return cached


def restrict_people(queryset: QuerySet, access: Access) -> QuerySet:
    """The people the caller may read: those who held a role in an alliance the caller has a standing in."""
    if access.staff:
        return queryset
    held = RoleAssignment.objects.filter(role__alliance_id__in=access.members_of).values("person_id")
    return queryset.filter(pk__in=held)
