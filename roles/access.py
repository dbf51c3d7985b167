"""Who may see and do what, per alliance: the one place that answers it for API and web alike.

A user's standing in an alliance comes from the roles their person holds today (a body's
secretary, a member's representative or deputy, an oversight group member, any other post) and
from access grants (viewer, oversight). Staff administer everything. Visibility of a record:

- PUBLIC: anyone with a standing in the alliance, and anonymous visitors when the alliance
  publishes its register;
- MEMBERS: anyone with a standing in the alliance;
- CONFIDENTIAL: oversight, secretaries and voting members' representatives of the alliance.

What each record's visibility means, and the one read rule per model that every reader uses, are
in ``alliance/access.py``; this module computes a user's :class:`Access` from their roles.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Q
from django.utils import timezone

from alliance.access import CONFIDENTIAL, MEMBERS, PUBLIC, Access
from alliance.models import Alliance, GoverningBody, Membership
from roles.models import AccessGrant, Person, Role, RoleAssignment, Seat


def _public_alliances() -> frozenset[int]:
    return frozenset(Alliance.objects.filter(publish_register=True).values_list("pk", flat=True))


def access_for(user, on: date | None = None) -> Access:
    """Compute a user's access on ``on`` (today by default), in at most six queries.

    It is also the ``actor`` every write service takes (roles/standing.py says what each needs).
    """
    public = _public_alliances()
    if user is None or not user.is_authenticated:
        return Access(public_alliances=public)
    person = Person.objects.filter(user=user).first()
    if user.is_staff:
        person_id = person.pk if person is not None else None
        return Access(authenticated=True, staff=True, person_id=person_id, public_alliances=public, user=user)
    return _standing(person, user, on or timezone.localdate(), public)


def access_of_person(person: Person, on: date | None = None) -> Access:
    """What ``person`` may read on ``on``, whether or not they have a login: their login's access when they
    have one, else the standing their roles and seats give them. A notification about a record is planned
    only for a person who may read it (contracts/notifications.py)."""
    if person.user_id is not None:
        return access_for(person.user, on)
    return _standing(person, None, on or timezone.localdate(), _public_alliances())


def _standing(person: Person | None, user, on: date, public: frozenset[int]) -> Access:
    members, oversight, bodies, alliance_secretaries, represents, advises = set(), set(), set(), set(), set(), set()
    seated_voting = set()
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
        # A person sitting on a body in their own right (an oversight group's member) reads what the alliance's
        # members read; on an oversight body, what oversight reads; on a voting seat, what voters read.
        seats = Seat.objects.held_on(on).filter(person=person).values_list("body__alliance_id", "body__kind", "kind")
        for alliance_id, body_kind, seat_kind in seats:
            members.add(alliance_id)
            if body_kind == GoverningBody.Kind.OVERSIGHT:
                oversight.add(alliance_id)
            if seat_kind == Seat.Kind.VOTING:
                seated_voting.add(alliance_id)
    grants = (
        AccessGrant.objects.filter(user=user, starts_on__lte=on)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on))
        .values_list("alliance_id", "standing")
        if user is not None
        else []
    )
    for alliance_id, standing in grants:
        members.add(alliance_id)
        if standing == AccessGrant.Standing.OVERSIGHT:
            oversight.add(alliance_id)
    voting = set(seated_voting)
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


def public_access(request=None) -> Access:
    """What an anonymous visitor reads: the public register's view, whoever is logged in; once per request."""
    cached = getattr(request, "_public_access", None)
    if cached is None:
        cached = access_for(None)
        if request is not None:
            request._public_access = cached
    return cached


__all__ = ["CONFIDENTIAL", "MEMBERS", "PUBLIC", "Access", "access_for", "public_access", "request_access"]
