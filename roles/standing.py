"""Who may write what: the standing checks every write service applies to its explicit ``actor``.

The actor is the caller's :class:`roles.access.Access` (``access_for(user)``, or
``request_access(request)`` in a view); it carries the login (``actor.user``: a decision's
``created_by``, a note's author) and the person (``actor.person_id``: who entered a vote).
Management commands, the demo loader and tests of the domain rules act as :data:`SYSTEM` (or
:func:`system_actor`, to attribute what they write to a login): an administrator's standing.

The services call the ``require_*`` checks inside their transaction, before anything is read or
written; a refusal is ``RuleViolation("not_permitted", ...)``, which the API answers with 403 and a
form shows as its error. The API and the pages call the same checks, with what they know before
reading the input (the record, or nothing for a create), only to answer 403 before 400 and to
decide whether to show a form: they hold no copy of the rules.

A message says what standing is needed and whom to ask, and names a body only to a caller with a
standing in its alliance.
"""

from __future__ import annotations

from dataclasses import replace

from alliance.errors import NOT_PERMITTED, RuleViolation
from roles.access import Access
from roles.models import Seat

__all__ = [
    "SYSTEM",
    "system_actor",
    "permits",
    "keeps_any_record",
    "require_record_keeper",
    "require_any_record_keeper",
    "require_vote",
    "require_advice",
    "require_action_owner_or_keeper",
    "require_delegation_holder",
    "require_oversight",
    "require_any_oversight",
    "require_note_author",
    "require_alliance_keeper",
    "require_any_alliance_keeper",
    "require_interest_declarer",
    "require_interest_ender",
]

#: An administrator's standing, for code that acts for nobody in particular: management commands,
#: the demo loader, data migrations and tests of the domain rules.
SYSTEM = Access(authenticated=True, staff=True)


def system_actor(user=None) -> Access:
    """The system's standing, recording ``user`` as the one who wrote (the demo's secretary)."""
    return replace(SYSTEM, user=user)


def refuse(message: str, field: str | None = None) -> RuleViolation:
    return RuleViolation(NOT_PERMITTED, message, field=field)


def permits(check, *args, **kwargs) -> bool:
    """Whether ``check`` lets the call through: for a page deciding to show a form or a button."""
    try:
        check(*args, **kwargs)
    except RuleViolation as refusal:
        if refusal.forbidden:
            return False
        raise
    return True


def _body(actor: Access, body) -> str:
    return body.name if actor.has_standing(body.alliance_id) else "that body"


# Keeping a body's record: meetings, decisions, recusals, outcomes, action items ---------------


def keeps_any_record(actor: Access) -> bool:
    return actor.staff or bool(actor.secretaryships or actor.secretary_of_alliances)


def require_record_keeper(actor: Access, body, doing: str = "keep its record") -> None:
    """The body's secretary (or an alliance-wide secretary, or staff) keeps the body's record."""
    if not actor.is_secretary_of(body):
        raise refuse(
            f"Only the secretary of {_body(actor, body)} (or an administrator) can {doing}; "
            "ask the body's secretary to do it."
        )


def require_any_record_keeper(actor: Access, doing: str = "keep a governing body's record") -> None:
    """A gate before the body is known: the caller keeps the record of some body."""
    if not keeps_any_record(actor):
        raise refuse(f"Only a governing body's secretary (or an administrator) can {doing}; ask the body's secretary.")


# Votes and advice (rule 2) --------------------------------------------------------------------


def _sits_in_own_right(actor: Access, body, seat=None) -> bool:
    if not actor.person_id or not body.own_seats:
        return False
    if seat is not None:
        return seat.body_id == body.pk and seat.person_id == actor.person_id
    return Seat.objects.filter(body=body, person_id=actor.person_id).exists()


def require_vote(actor: Access, body, membership=None, cast_by=None, seat=None) -> None:
    """Rule 2: the body's secretary records any member's vote; a representative (or deputy) casts
    only their own organisation's vote, as themselves; a person sitting on the body in their own right
    casts only their own. Without a member and a caster (a gate before the input is read) it asks only
    whether the caller could cast any vote of the body."""
    if actor.is_secretary_of(body):
        return
    who = _body(actor, body)
    if seat is not None and seat.person_id is not None:
        if not _sits_in_own_right(actor, body, seat):
            raise refuse(
                f"You may cast only your own vote; ask the secretary of {who} to record another person's vote.",
                field="seat",
            )
    elif membership is None and cast_by is None and _sits_in_own_right(actor, body):
        return
    elif not (actor.person_id and actor.represents_in(body.alliance_id)):
        raise refuse(
            f"Votes are cast by a member's representative or deputy, or recorded by the secretary of {who}; "
            "ask the member's representative, or the secretary.",
        )
    if membership is not None and not (
        membership.alliance_id == body.alliance_id and actor.represents_member(membership)
    ):
        raise refuse(
            "You may cast only the vote of the organisation you represent; "
            f"ask the secretary of {who} to record another member's vote.",
            field="membership",
        )
    if cast_by is not None and cast_by.pk != actor.person_id:
        raise refuse(
            "You cast your organisation's vote as yourself; "
            f"ask the secretary of {who} to record a vote someone else cast.",
            field="cast_by",
        )


def require_advice(actor: Access, body, organisation=None, person=None, *, given=True) -> None:
    """Advice is given by the caller (a representative for their own organisation, an advisor as
    themselves) or recorded for a named member or person by the body's secretary; never attributed
    to anyone else. ``given=False`` is the gate before the input is read."""
    if actor.is_secretary_of(body):
        return
    alliance_id, who = body.alliance_id, _body(actor, body)
    represents = actor.represents_in(alliance_id)
    if not (actor.person_id and (represents or alliance_id in actor.advises)):
        raise refuse(
            "Advice is given by an advisory member's representative, or by an advisor, or recorded by the "
            f"secretary of {who}; ask the secretary to record it.",
        )
    if not given:
        return
    if organisation is not None and organisation.pk not in represents:
        raise refuse(
            "You may give only the advice of the organisation you represent; "
            f"ask the secretary of {who} to record another member's advice.",
            field="organisation",
        )
    if person is not None and person.pk != actor.person_id:
        raise refuse(
            f"You give advice as yourself; ask the secretary of {who} to record advice someone else gave.",
            field="person",
        )


# Action items ---------------------------------------------------------------------------------


def require_action_owner_or_keeper(actor: Access, item, doing: str) -> None:
    """An action item is marked done by its owner (the person, or whoever holds the owning role
    today) or by the secretary of the body whose decision asked for it."""
    body = item.body
    if actor.is_secretary_of(body) or _owns(actor, item):
        return
    raise refuse(
        f"Only the item's owner or the secretary of {_body(actor, body)} (or an administrator) can {doing}; "
        "ask the owner or the secretary."
    )


def _owns(actor: Access, item) -> bool:
    if actor.person_id is None:
        return False
    if item.owner_person_id == actor.person_id:
        return True
    if item.owner_role_id is None:
        return False
    from django.utils import timezone

    from roles.models import RoleAssignment

    return (
        RoleAssignment.objects.held_on(timezone.localdate())
        .filter(person_id=actor.person_id, role_id=item.owner_role_id)
        .exists()
    )


# Delegated authority (rule 7) -----------------------------------------------------------------


def require_delegation_holder(actor: Access, decided_by_id: int | None) -> None:
    """A decision under delegated authority is recorded by the person who took it, as themselves."""
    if actor.staff:
        return
    if actor.person_id is None or decided_by_id != actor.person_id:
        raise refuse(
            "A decision taken under delegated authority is recorded by the person who took it, as themselves; "
            "ask them, or an administrator, to record it.",
            field="decided_by",
        )


# Oversight notes ------------------------------------------------------------------------------


def require_oversight(actor: Access, alliance_id: int) -> None:
    """Oversight notes are written by the alliance's oversight group (and staff)."""
    if not actor.is_oversight_of(alliance_id):
        raise refuse(
            "Only members of the alliance's oversight group write oversight notes; "
            "ask the alliance's secretary for that standing."
        )


def require_any_oversight(actor: Access) -> None:
    """A gate before the alliance is known: the caller has oversight standing somewhere."""
    if not (actor.staff or actor.oversight_of):
        raise refuse(
            "Only members of an alliance's oversight group write oversight notes; "
            "ask the alliance's secretary for that standing."
        )


def require_note_author(actor: Access, note) -> None:
    """One edits only the notes one wrote (staff may correct any); a note is never deleted."""
    user = actor.user
    if not actor.staff and (user is None or note.author_id != user.pk):
        raise refuse("You can edit only the notes you wrote; write a note of your own instead.")


# The alliance's own registers: award processes, the forward plan, interests --------------------


def require_alliance_keeper(actor: Access, alliance_id: int, doing: str) -> None:
    """A register of the whole alliance (its award processes, its forward plan, its interests) is
    kept by the alliance's secretaries: alliance-wide or of one of its bodies (or staff)."""
    if not actor.keeps_record_of(alliance_id):
        raise refuse(
            f"Only a secretary of the alliance (or an administrator) can {doing}; ask the alliance's secretary."
        )


def require_any_alliance_keeper(actor: Access, doing: str) -> None:
    """A gate before the alliance is known: the caller keeps the record of some alliance."""
    if not keeps_any_record(actor):
        raise refuse(f"Only an alliance's secretary (or an administrator) can {doing}; ask the alliance's secretary.")


def require_interest_declarer(actor: Access, alliance_id: int | None = None, person_id: int | None = None) -> None:
    """An interest is declared by the person who holds it, as themselves, in an alliance where they
    have a standing; or recorded for any person of the alliance by its secretary (or staff).
    Without an alliance (a gate before the input is read) it asks only whether the caller could
    declare anywhere."""
    if alliance_id is not None and actor.keeps_record_of(alliance_id):
        return
    if alliance_id is None and keeps_any_record(actor):
        return
    if actor.person_id is None or not (actor.members_of if alliance_id is None else actor.has_standing(alliance_id)):
        raise refuse(
            "Interests are declared by the person who holds them, in an alliance where they take part, or "
            "recorded by the alliance's secretary; ask the secretary to record it."
        )
    if person_id is not None and person_id != actor.person_id:
        raise refuse(
            "You declare only your own interests; ask the alliance's secretary to record someone else's.",
            field="person",
        )


def require_interest_ender(actor: Access, declaration) -> None:
    """A declared interest is ended by the person who declared it or by the alliance's secretary."""
    if actor.keeps_record_of(declaration.alliance_id):
        return
    if actor.person_id is None or declaration.person_id != actor.person_id:
        raise refuse(
            "Only the person who holds an interest, or the alliance's secretary, can end it; ask the secretary."
        )
