"""Every state change of roles, delegations and interests, one function per operation.

Each function is atomic and raises :class:`RuleViolation` with a sentence a person can act on.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Q

from alliance.access import Access
from alliance.choices import DecisionKind
from alliance.errors import RuleViolation
from alliance.formatting import day
from alliance.models import Alliance, BodyRule, GoverningBody, Membership, Organisation, rule_in_words
from alliance.services import check_quorum, save_checked
from alliance.term import term_of
from roles import standing
from roles.models import DelegatedAuthority, InterestDeclaration, Person, Role, RoleAssignment, Seat
from roles.signals import interest_declared

# People and roles --------------------------------------------------------------------------


@transaction.atomic
def save_person(*, person: Person | None = None, **fields) -> Person:
    """Create a person, or change one; a login belongs to one person at most."""
    person = person or Person()
    user = fields.get("user", person.user)
    if user is not None and Person.objects.filter(user=user).exclude(pk=person.pk).exists():
        raise RuleViolation(
            "person_user_taken",
            f"The login '{user.get_username()}' already belongs to another person; unlink it there first.",
            field="user",
        )
    for key, value in fields.items():
        setattr(person, key, value)
    save_checked(person)
    return person


@transaction.atomic
def save_role(*, role: Role | None = None, **fields) -> Role:
    """Create or change a role; representative posts name a member organisation, bodies are the alliance's own."""
    role = role or Role()
    for key, value in fields.items():
        setattr(role, key, value)
    check_role(role)
    save_checked(role)
    return role


def check_role(role: Role) -> None:
    """The checks of save_role on a role's new values, writing nothing (the admin's form calls them too)."""
    if role.kind not in Role.Kind.values:
        raise RuleViolation(
            "role_kind_unknown",
            f"Unknown role kind '{role.kind}'; choose from {', '.join(Role.Kind.values)}.",
            field="kind",
        )
    if role.is_representative and role.organisation_id is None:
        raise RuleViolation(
            "role_organisation_required",
            "A representative role speaks for one member organisation; choose the organisation.",
            field="organisation",
        )
    if role.body_id and role.body.alliance_id != role.alliance_id:
        raise RuleViolation(
            "role_body_elsewhere", "A role can only belong to a body of the same alliance.", field="body"
        )
    if Role.objects.filter(alliance=role.alliance, title__iexact=role.title).exclude(pk=role.pk).exists():
        raise RuleViolation(
            "role_title_taken",
            f"{role.alliance} already has a role titled '{role.title}'; give this one a distinct title.",
            field="title",
        )
    if role.pk is not None:
        _check_role_fits_its_assignments(role)


def _check_role_fits_its_assignments(role: Role) -> None:
    """A changed role must still hold for the assignments it already has (representative, single holder)."""
    # Lock the role row so that an appointment to it waits until the change is saved.
    Role.objects.select_for_update().filter(pk=role.pk).first()
    assignments = list(RoleAssignment.objects.filter(role_id=role.pk).select_related("person").order_by("starts_on"))
    for assignment in assignments:
        try:
            _check_representative_membership(role, assignment.starts_on, assignment.ends_on)
        except RuleViolation:
            raise RuleViolation(
                "role_organisation_not_member_for_holders",
                f"{assignment.person} holds this role from {day(assignment.starts_on)} to "
                f"{day(assignment.ends_on)}, but {role.organisation} was not a member of {role.alliance} "
                f"throughout that time; a held representative role can only name an organisation that was a "
                f"member for all its assignments, so create a new role for {role.organisation} instead.",
                field="organisation",
            ) from None
    if role.single_holder:
        latest = None
        for assignment in assignments:
            if latest is not None and (latest.ends_on is None or latest.ends_on >= assignment.starts_on):
                raise RuleViolation(
                    "role_single_holder_overlap",
                    f"{latest.person} (from {day(latest.starts_on)} to {day(latest.ends_on)}) and "
                    f"{assignment.person} (from {day(assignment.starts_on)}) hold this role at the same time, "
                    f"so it cannot become single-holder; end the overlapping assignments first.",
                    field="single_holder",
                )
            latest = assignment  # sorted by start and no overlap so far: this one ends last


# Assignments -------------------------------------------------------------------------------


def _check_end_reason(ends_on: date | None, end_reason: str) -> None:
    if end_reason and end_reason not in RoleAssignment.EndReason.values:
        raise RuleViolation(
            "assignment_end_reason_unknown",
            f"Unknown end reason '{end_reason}'; choose from {', '.join(RoleAssignment.EndReason.values)}.",
            field="end_reason",
        )
    if ends_on is not None and not end_reason:
        raise RuleViolation(
            "assignment_end_reason_required",
            "Say why the assignment ends (resigned, term ended, replaced, organisation left, removed or other).",
            field="end_reason",
        )
    if ends_on is None and end_reason:
        raise RuleViolation(
            "assignment_end_reason_without_end",
            "An end reason needs the last day the role is held; give ends_on too.",
            field="ends_on",
        )


def _check_assignment_term(starts_on: date, ends_on: date | None) -> None:
    if ends_on is not None and ends_on < starts_on:
        raise RuleViolation(
            "assignment_ends_before_starts",
            f"The assignment cannot end ({day(ends_on)}) before it starts ({day(starts_on)}).",
            field="ends_on",
        )


def _check_representative_membership(role: Role, starts_on: date, ends_on: date | None) -> None:
    """A representative speaks for a member: the membership must cover the whole assignment."""
    if not role.is_representative:
        return
    covering = (
        Membership.objects.filter(alliance_id=role.alliance_id, organisation_id=role.organisation_id)
        .filter(joined_on__lte=starts_on)
        .overlapping(starts_on, ends_on)
    )
    membership = covering.order_by("-joined_on").first()
    if membership is None:
        raise RuleViolation(
            "assignment_organisation_not_member",
            f"{role.organisation} was not a member of {role.alliance} on {day(starts_on)}; a representative "
            f"role can only be held while its organisation is a member, so start the assignment later.",
            field="starts_on",
        )
    if membership.left_on is not None and (ends_on is None or membership.left_on < ends_on):
        raise RuleViolation(
            "assignment_outlasts_membership",
            f"{role.organisation} left {role.alliance} on {day(membership.left_on)}, so it cannot be represented "
            f"until {day(ends_on)}; end the assignment on {day(membership.left_on)} at the latest.",
            field="ends_on",
        )


def _check_single_holder(role: Role, starts_on: date, ends_on: date | None, exclude_pk=None) -> None:
    # Lock the role row so that two requests appointing to the same post wait in turn.
    role = Role.objects.select_for_update().get(pk=role.pk)
    if not role.single_holder:
        return
    clash = (
        RoleAssignment.objects.filter(role=role)
        .overlapping(starts_on, ends_on)
        .exclude(pk=exclude_pk)
        .select_related("person")
        .first()
    )
    if clash:
        raise RuleViolation(
            "assignment_overlap",
            f"{role} is held by {clash.person} from {day(clash.starts_on)} to {day(clash.ends_on)} and has one "
            f"holder at a time; end that assignment the day before this one starts.",
            field="starts_on",
            conflict=True,
        )


def check_assignment(*, role: Role, starts_on: date, ends_on: date | None, end_reason: str, exclude_pk=None) -> None:
    """The checks of an assignment's terms, writing nothing (assign_role and the admin's form call them)."""
    term = term_of(role.alliance_id)
    term.refuse_outside(starts_on, what="assignment's start", field="starts_on")
    if ends_on is not None:
        term.refuse_outside(ends_on, what="assignment's end", field="ends_on")
    _check_assignment_term(starts_on, ends_on)
    _check_end_reason(ends_on, end_reason)
    _check_representative_membership(role, starts_on, ends_on)
    _check_single_holder(role, starts_on, ends_on, exclude_pk=exclude_pk)


@transaction.atomic
def assign_role(
    *,
    role: Role,
    person: Person,
    starts_on: date,
    ends_on: date | None = None,
    end_reason: str = "",
    notes: str = "",
) -> RoleAssignment:
    """Appoint a person to a role; a single-holder role never has overlapping holders."""
    check_assignment(role=role, starts_on=starts_on, ends_on=ends_on, end_reason=end_reason)
    assignment = RoleAssignment(
        role=role, person=person, starts_on=starts_on, ends_on=ends_on, end_reason=end_reason, notes=notes
    )
    save_checked(assignment, "Appointed")
    return assignment


@transaction.atomic
def end_assignment(*, assignment: RoleAssignment, ends_on: date, end_reason: str, note: str = "") -> RoleAssignment:
    """Record the last day a person holds a role and why the assignment ended."""
    assignment = RoleAssignment.objects.select_for_update().select_related("role").get(pk=assignment.pk)
    if assignment.ends_on is not None:
        raise RuleViolation(
            "assignment_already_ended",
            f"This assignment already ended on {day(assignment.ends_on)}; correct it in the admin instead.",
            field="ends_on",
            conflict=True,
        )
    _check_end_reason(ends_on, end_reason)
    term_of(assignment.role.alliance_id).refuse_outside(ends_on, what="assignment's end", field="ends_on")
    _check_assignment_term(assignment.starts_on, ends_on)
    assignment.ends_on = ends_on
    assignment.end_reason = end_reason
    if note:
        assignment.notes = f"{assignment.notes}\n{note}".strip()
    label = RoleAssignment.EndReason(end_reason).label
    save_checked(assignment, f"{label}: {note}" if note else label)
    return assignment


def end_representation(*, membership: Membership, left_on: date, reason: str = "", **_signal) -> None:
    """When an organisation leaves, its representatives' assignments end on its last day (organisation left).

    Connected to alliance.signals.membership_left in RolesConfig.ready(), so it runs inside the
    transaction that records the leaving date: the membership and the assignments change together.
    """
    assignments = (
        RoleAssignment.objects.select_for_update()
        .filter(
            role__alliance_id=membership.alliance_id,
            role__organisation_id=membership.organisation_id,
            role__kind__in=Role.REPRESENTATIVE_KINDS,
        )
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gt=left_on), starts_on__gte=membership.joined_on)
        .select_related("role", "person")
    )
    why = f"{RoleAssignment.EndReason.ORGANISATION_LEFT.label}: {reason}" if reason else ""
    for assignment in assignments:
        if assignment.starts_on > left_on:
            # Held under a later membership, or refused: a representative needs a member to represent.
            _check_representative_membership(assignment.role, assignment.starts_on, assignment.ends_on)
            continue
        assignment.ends_on = left_on
        assignment.end_reason = RoleAssignment.EndReason.ORGANISATION_LEFT
        save_checked(assignment, why or RoleAssignment.EndReason.ORGANISATION_LEFT.label)


# Delegations -------------------------------------------------------------------------------


def _check_decision_kinds(kinds: Iterable[str]) -> list[str]:
    kinds = list(dict.fromkeys(kinds))
    unknown = [k for k in kinds if k not in DecisionKind.values]
    if unknown or not kinds:
        raise RuleViolation(
            "delegation_kind_unknown" if unknown else "delegation_kinds_required",
            (f"Unknown decision kind {', '.join(repr(k) for k in unknown)}; " if unknown else "Name ")
            + f"the kinds of decision the delegation covers, from {', '.join(DecisionKind.values)}.",
            field="decision_kinds",
        )
    return kinds


def _money(value, field: str) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, TypeError, ValueError):
        raise RuleViolation("money_invalid", f"'{value}' is not an amount of money in pounds.", field=field)
    if amount < 0:
        raise RuleViolation("money_negative", "An amount of money cannot be negative.", field=field)
    return amount


def _check_scope_and_window(scope: str, valid_from: date, valid_to: date | None) -> None:
    """A delegation says what it covers, and does not end before it starts."""
    if not scope.strip():
        raise RuleViolation("delegation_scope_required", "Describe what the delegation covers.", field="scope")
    if valid_to is not None and valid_to < valid_from:
        raise RuleViolation(
            "delegation_window_order",
            f"The delegation cannot end ({day(valid_to)}) before it starts ({day(valid_from)}).",
            field="valid_to",
        )


@transaction.atomic
def grant_delegation(
    *,
    role: Role,
    body: GoverningBody,
    scope: str,
    decision_kinds: Iterable[str],
    valid_from: date,
    valid_to: date | None = None,
    financial_limit: Decimal | None = None,
    notes: str = "",
) -> DelegatedAuthority:
    """Grant a role authority to decide matters of some kinds, up to a limit, within a window."""
    kinds = _check_decision_kinds(decision_kinds)
    limit = _money(financial_limit, "financial_limit")
    if body.alliance_id != role.alliance_id:
        raise RuleViolation(
            "delegation_body_elsewhere",
            f"{body} belongs to another alliance than {role}; a body can only delegate within its alliance.",
            field="body",
        )
    _check_scope_and_window(scope, valid_from, valid_to)
    delegation = DelegatedAuthority(
        role=role,
        body=body,
        scope=scope.strip(),
        decision_kinds=kinds,
        financial_limit=limit,
        valid_from=valid_from,
        valid_to=valid_to,
        notes=notes,
    )
    save_checked(delegation, f"Granted by {body.code}")
    return delegation


@transaction.atomic
def grant_body_authority(
    *,
    grantor: GoverningBody,
    grantee: GoverningBody,
    scope: str,
    decision_kinds: Iterable[str],
    valid_from: date,
    valid_to: date | None = None,
    financial_limit: Decimal | None = None,
    reserved_kinds: Iterable[str] = (),
    must_report: str = "",
    granted_reference: str = "",
    notes: str = "",
) -> DelegatedAuthority:
    """Record the authority an outside body (the commissioner's board) delegated to an alliance body
    collectively: the authority map its decisions are held to."""
    kinds = _check_decision_kinds(decision_kinds)
    reserved = list(dict.fromkeys(reserved_kinds))
    if any(k not in DecisionKind.values for k in reserved):
        raise RuleViolation(
            "delegation_kind_unknown",
            f"Name the reserved matters from the kinds of decision: {', '.join(DecisionKind.values)}.",
            field="reserved_kinds",
        )
    if not grantor.is_outside or grantee.is_outside:
        raise RuleViolation(
            "authority_map_bodies",
            f"Authority held by a body collectively is granted by a body outside the alliance to one of the "
            f"alliance's bodies; {grantor} and {grantee} are not such a pair.",
            field="grantee_body",
        )
    if grantor.alliance_id != grantee.alliance_id:
        raise RuleViolation(
            "delegation_body_elsewhere",
            f"{grantor} is recorded for another alliance than {grantee}; record the grant in the alliance concerned.",
            field="body",
        )
    _check_scope_and_window(scope, valid_from, valid_to)
    authority = DelegatedAuthority(
        body=grantor,
        grantee_body=grantee,
        scope=scope.strip(),
        decision_kinds=kinds,
        reserved_kinds=reserved,
        financial_limit=_money(financial_limit, "financial_limit"),
        must_report=must_report.strip(),
        granted_reference=granted_reference.strip(),
        valid_from=valid_from,
        valid_to=valid_to,
        notes=notes,
    )
    save_checked(authority, f"Granted by {grantor.code}")
    return authority


@transaction.atomic
def revoke_delegation(*, delegation: DelegatedAuthority, revoked_on: date, reason: str) -> DelegatedAuthority:
    """Revoke a delegation from a date (the first day it no longer applies), saying why."""
    delegation = DelegatedAuthority.objects.select_for_update().get(pk=delegation.pk)
    if not reason.strip():
        raise RuleViolation("delegation_revoke_reason_required", "Say why the delegation is revoked.", field="reason")
    if delegation.revoked_on is not None:
        raise RuleViolation(
            "delegation_already_revoked",
            f"This delegation was already revoked from {day(delegation.revoked_on)}.",
            field="revoked_on",
            conflict=True,
        )
    if revoked_on < delegation.valid_from:
        raise RuleViolation(
            "delegation_revoked_before_valid",
            f"The delegation only applies from {day(delegation.valid_from)}; revoke it on or after that date.",
            field="revoked_on",
        )
    delegation.revoked_on = revoked_on
    delegation.revocation_reason = reason.strip()
    save_checked(delegation, reason.strip())
    return delegation


# Interests ---------------------------------------------------------------------------------


def _check_interest_term(declared_on: date, ends_on: date | None) -> None:
    if ends_on is not None and ends_on < declared_on:
        raise RuleViolation(
            "interest_ends_before_declared",
            f"An interest cannot end ({day(ends_on)}) before it was declared ({day(declared_on)}).",
            field="ends_on",
        )


def people_of(alliance_ids):
    """The people of some alliances: who hold or held one of their roles, or work for one of their members."""
    return Person.objects.filter(
        Q(assignments__role__alliance__in=alliance_ids) | Q(employer__memberships__alliance__in=alliance_ids)
    ).distinct()


def _check_person_of(alliance: Alliance, person: Person) -> None:
    """A person of another alliance is not declared for here; a person of this one, or of none (an
    independent evaluator), is."""
    if people_of([alliance.pk]).filter(pk=person.pk).exists():
        return
    if people_of(Alliance.objects.exclude(pk=alliance.pk).values("pk")).filter(pk=person.pk).exists():
        raise RuleViolation(
            "interest_person_elsewhere",
            f"{person} takes part in another alliance, not in {alliance}; declare the interest in the register "
            "of the alliance the person takes part in.",
            field="person",
        )


@transaction.atomic
def declare_interest(
    *,
    actor: Access,
    alliance: Alliance,
    person: Person,
    interest: str,
    declared_on: date,
    represents: Organisation | None = None,
    concerns_organisation: Organisation | None = None,
    ends_on: date | None = None,
) -> InterestDeclaration:
    """Enter a person's interest in the alliance's register: who they represent and what it concerns.

    The person declares their own; the alliance's secretary records anyone's of the alliance."""
    standing.require_interest_declarer(actor, alliance.pk, person.pk)
    _check_person_of(alliance, person)
    if not interest.strip():
        raise RuleViolation("interest_text_required", "Describe the interest being declared.", field="interest")
    _check_interest_term(declared_on, ends_on)
    declaration = InterestDeclaration(
        alliance=alliance,
        person=person,
        interest=interest.strip(),
        declared_on=declared_on,
        represents=represents,
        concerns_organisation=concerns_organisation,
        ends_on=ends_on,
    )
    save_checked(declaration, "Declared")
    # Higher apps react inside this transaction: contracts recuses from open award approvals (rule 5).
    interest_declared.send(sender=InterestDeclaration, declaration=declaration)
    return declaration


@transaction.atomic
def end_interest(
    *, actor: Access, declaration: InterestDeclaration, ends_on: date, reason: str = ""
) -> InterestDeclaration:
    """Record the last day a declared interest applied (the declaration stays in the register)."""
    standing.require_interest_ender(actor, declaration)
    declaration = InterestDeclaration.objects.select_for_update().get(pk=declaration.pk)
    if declaration.ends_on is not None:
        raise RuleViolation(
            "interest_already_ended",
            f"This interest already ended on {day(declaration.ends_on)}.",
            field="ends_on",
            conflict=True,
        )
    _check_interest_term(declaration.declared_on, ends_on)
    declaration.ends_on = ends_on
    save_checked(declaration, reason or "Interest ended")
    return declaration


# Seats on a body (rule 1) ---------------------------------------------------------------------


def _seat_holder(seat_or_fields) -> str:
    membership, person = seat_or_fields
    return membership.organisation.name if membership is not None else person.name


def _check_seat_term(starts_on: date, ends_on: date | None) -> None:
    if ends_on is not None and ends_on < starts_on:
        raise RuleViolation(
            "seat_ends_before_start",
            f"The last day on the seat ({day(ends_on)}) is before its first ({day(starts_on)}); "
            "give a last day on or after the first.",
            field="ends_on",
        )


def _check_no_other_seat(body: GoverningBody, membership, person, starts_on: date, ends_on: date | None, exclude=None):
    """One seat at a time on one body for one organisation or person."""
    seats = Seat.objects.filter(body=body, membership=membership, person=person).exclude(pk=exclude)
    seats = seats.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=starts_on))
    if ends_on is not None:
        seats = seats.filter(starts_on__lte=ends_on)
    other = seats.order_by("starts_on").first()
    if other is not None:
        until = f" to {day(other.ends_on)}" if other.ends_on else ""
        raise RuleViolation(
            "seat_overlaps",
            f"{_seat_holder((membership, person))} already holds a seat on {body.name} from {day(other.starts_on)}"
            f"{until}; end that seat first, or start this one after it.",
            field="starts_on",
            conflict=True,
        )


def _open_decisions(body: GoverningBody, kind: str | None = None) -> list[str]:
    """References of the body's decisions open for votes (of ``kind``), at most five."""
    decisions = body.decisions.filter(status="OPEN")
    if kind is not None:
        decisions = decisions.filter(kind=kind)
    return list(decisions.values_list("reference", flat=True)[:5])


def _refuse_outside(body: GoverningBody) -> None:
    if body.kind == GoverningBody.Kind.OUTSIDE:
        raise RuleViolation(
            "outside_body_no_seats",
            f"{body.name} is outside the alliance: alliance members do not sit or vote there, and its decisions "
            "come in as approvals recorded on the alliance body's decision.",
            field="body",
            conflict=True,
        )


@transaction.atomic
def set_own_seats(*, actor: Access, body: GoverningBody, own_seats: bool, reason: str) -> GoverningBody:
    """Give a body seats of its own, or let the alliance's members sit on it again (rule 1); never while one
    of its decisions is open for votes, since that would change who votes on it mid-way."""
    standing.require_record_keeper(actor, body, "change who sits on it")
    body = GoverningBody.objects.select_for_update().get(pk=body.pk)
    _refuse_outside(body)
    if not (reason or "").strip():
        raise RuleViolation(
            "own_seats_reason_required", "Say why: the reason is kept with the body's history.", field="reason"
        )
    if body.own_seats == own_seats:
        now = "has seats of its own" if own_seats else "is sat on by the alliance's members"
        raise RuleViolation("own_seats_unchanged", f"{body.name} already {now}.", field="own_seats", conflict=True)
    opened = _open_decisions(body)
    if opened:
        raise RuleViolation(
            "own_seats_with_open_decisions",
            f"{body.name} has decisions open for votes ({', '.join(opened)}); changing who sits on it would change "
            "who votes on them. Close or defer them first.",
            field="own_seats",
            conflict=True,
        )
    body.own_seats = own_seats
    save_checked(body, reason.strip())
    return body


@transaction.atomic
def set_advice_required(*, actor: Access, body: GoverningBody, required: bool, reason: str) -> GoverningBody:
    """Require (or stop requiring) the advice of the body's advisory seats before a KEY decision closes
    (decisions.services.advice.check_advice_heard applies it); never while a KEY decision of the body is open,
    since it would change what closing it needs."""
    standing.require_record_keeper(actor, body, "set what its decisions need before they close")
    body = GoverningBody.objects.select_for_update().get(pk=body.pk)
    _refuse_outside(body)
    if not (reason or "").strip():
        raise RuleViolation(
            "advice_rule_reason_required", "Say why: the reason is kept with the body's history.", field="reason"
        )
    if body.advice_required_for_key == required:
        now = "already requires" if required else "does not require"
        raise RuleViolation(
            "advice_rule_unchanged",
            f"{body.name} {now} advice before a key decision closes.",
            field="required",
            conflict=True,
        )
    opened = _open_decisions(body, DecisionKind.KEY)
    if opened:
        raise RuleViolation(
            "advice_rule_with_open_decisions",
            f"{', '.join(opened)} (key) is open for votes at {body.code}; change what closing needs after it closes.",
            field="required",
            conflict=True,
        )
    body.advice_required_for_key = required
    save_checked(body, reason.strip())
    return body


@transaction.atomic
def add_seat(
    *,
    actor: Access,
    body: GoverningBody,
    membership: Membership | None = None,
    person: Person | None = None,
    kind: str = Seat.Kind.VOTING,
    starts_on: date,
    ends_on: date | None = None,
    notes: str = "",
) -> Seat:
    """Seat a member organisation, or on a management or oversight body a person, on a body with seats of its
    own, voting or advisory, from a day (rule 1)."""
    standing.require_record_keeper(actor, body, "keep its seats")
    body = GoverningBody.objects.select_for_update().get(pk=body.pk)
    _refuse_outside(body)
    if not body.own_seats:
        raise RuleViolation(
            "body_seats_follow_membership",
            f"{body.name} is sat on by the alliance's members: its voting members vote and its advisory members "
            "advise. To give it seats of its own, choose 'Give it seats of its own' on the body's page first.",
            field="body",
            conflict=True,
        )
    if (membership is None) == (person is None):
        raise RuleViolation(
            "seat_member_or_person",
            "Say who sits: a member organisation, or a person sitting in their own right (not both).",
            field="membership",
        )
    if kind not in Seat.Kind.values:
        raise RuleViolation(
            "seat_kind_unknown", f"Unknown kind of seat '{kind}'; choose VOTING or ADVISORY.", field="kind"
        )
    if person is not None and body.kind == GoverningBody.Kind.LEADERSHIP:
        raise RuleViolation(
            "leadership_seats_are_members",
            f"{body.name} is a leadership team: its seats are member organisations, whose representatives sit "
            "for them. Seat the member instead, or record the person as an advisor.",
            field="person",
        )
    term = term_of(body.alliance_id)
    term.refuse_outside(starts_on, what="first day on the seat", field="starts_on")
    if ends_on is not None:
        term.refuse_outside(ends_on, what="last day on the seat", field="ends_on")
    _check_seat_term(starts_on, ends_on)
    if membership is not None:
        if membership.alliance_id != body.alliance_id:
            raise RuleViolation(
                "membership_other_alliance",
                f"That member was not found in this alliance; choose a member of {body.alliance}.",
                field="membership",
            )
        if starts_on < membership.joined_on or (membership.left_on and starts_on > membership.left_on):
            raise RuleViolation(
                "seat_member_not_open",
                f"{membership.organisation} was not a member of {body.alliance} on {day(starts_on)}; "
                f"its membership runs from {day(membership.joined_on)}"
                + (f" to {day(membership.left_on)}." if membership.left_on else "."),
                field="starts_on",
            )
        if membership.left_on and (ends_on is None or ends_on > membership.left_on):
            ends_on = membership.left_on
    _check_no_other_seat(body, membership, person, starts_on, ends_on)
    seat = Seat(
        body=body, membership=membership, person=person, kind=kind, starts_on=starts_on, ends_on=ends_on, notes=notes
    )
    save_checked(seat, f"Seated ({Seat.Kind(kind).label.lower()})")
    return seat


@transaction.atomic
def end_seat(*, actor: Access, seat: Seat, ends_on: date, reason: str) -> Seat:
    """Record the last day an organisation or person holds a seat, and why (rule 1)."""
    standing.require_record_keeper(actor, seat.body, "keep its seats")
    seat = (
        Seat.objects.select_for_update(of=("self",))
        .select_related("body", "membership__organisation", "person")
        .get(pk=seat.pk)
    )
    if seat.ends_on is not None:
        raise RuleViolation(
            "seat_already_ended",
            f"{seat.holder_name}'s seat on {seat.body.name} already ended on {day(seat.ends_on)}.",
            field="ends_on",
            conflict=True,
        )
    if not (reason or "").strip():
        raise RuleViolation("seat_end_reason_required", "Say why the seat ends.", field="reason")
    term_of(seat.body.alliance_id).refuse_outside(ends_on, what="last day on the seat", field="ends_on")
    _check_seat_term(seat.starts_on, ends_on)
    seat.ends_on, seat.end_reason = ends_on, reason.strip()
    save_checked(seat, f"Seat ended: {reason.strip()}")
    return seat


def end_member_seats(*, membership: Membership, left_on: date, reason: str = "", **_signal) -> None:
    """When an organisation leaves, its seats on the alliance's bodies end on its last day."""
    seats = Seat.objects.select_for_update().filter(membership=membership)
    seats = seats.filter(Q(ends_on__isnull=True) | Q(ends_on__gt=left_on)).filter(starts_on__lte=left_on)
    for seat in seats:
        seat.ends_on = left_on
        seat.end_reason = "The organisation left the alliance."
        save_checked(seat, "Seat ended: organisation left the alliance")


# A body's rule for a kind of matter (rule 3) ----------------------------------------------------


@transaction.atomic
def set_kind_rule(
    *,
    actor: Access,
    body: GoverningBody,
    kind: str,
    decision_rule: str,
    quorum_count: int | None = None,
    quorum_fraction: Decimal | None = None,
    abstention_blocks: bool = False,
) -> BodyRule:
    """Set how the body decides matters of one kind (PROCEDURAL by majority where KEY needs unanimity); never
    while a decision of that kind is open for votes, since its outcome is counted by the rule at its close."""
    standing.require_record_keeper(actor, body, "set its decision rules")
    if kind not in DecisionKind.values:
        raise RuleViolation(
            "decision_kind_unknown",
            f"Unknown kind of matter '{kind}'; choose from {', '.join(DecisionKind.values)}.",
            field="kind",
        )
    if decision_rule not in GoverningBody.DecisionRule.values:
        raise RuleViolation(
            "body_rule_unknown",
            f"Unknown decision rule '{decision_rule}'; choose UNANIMOUS, CONSENSUS or MAJORITY.",
            field="decision_rule",
        )
    if quorum_count is None and quorum_fraction is None:
        quorum_count, quorum_fraction = body.quorum_count, body.quorum_fraction
    if quorum_fraction is not None:
        quorum_fraction = Decimal(str(quorum_fraction))
    check_quorum(quorum_count, quorum_fraction)
    opened = _open_decisions(body, kind)
    if opened:
        raise RuleViolation(
            "kind_rule_with_open_decisions",
            f"{', '.join(opened)} ({DecisionKind(kind).label.lower()}) is open for votes at {body.code}; its "
            "outcome is counted by the rule in force when it closes, so change the rule after it closes.",
            field="kind",
            conflict=True,
        )
    rule = BodyRule.objects.filter(body=body, kind=kind).first() or BodyRule(body=body, kind=kind)
    rule.decision_rule, rule.quorum_count, rule.quorum_fraction = decision_rule, quorum_count, quorum_fraction
    rule.abstention_blocks = bool(abstention_blocks) and decision_rule == GoverningBody.DecisionRule.UNANIMOUS
    save_checked(rule, f"{DecisionKind(kind).label} decided by: {rule_in_words(rule)}")
    return rule


@transaction.atomic
def remove_kind_rule(*, actor: Access, rule: BodyRule, reason: str) -> None:
    """Let matters of the rule's kind follow the body's own rule again (kept in the history)."""
    standing.require_record_keeper(actor, rule.body, "set its decision rules")
    if not (reason or "").strip():
        raise RuleViolation(
            "kind_rule_reason_required", "Say why: the reason is kept with the body's history.", field="reason"
        )
    opened = _open_decisions(rule.body, rule.kind)
    if opened:
        raise RuleViolation(
            "kind_rule_with_open_decisions",
            f"{', '.join(opened)} is open for votes at {rule.body.code}; change the rule after it closes.",
            field="kind",
            conflict=True,
        )
    rule._change_reason = f"{rule.get_kind_display()} follows the body's own rule again: {reason.strip()}"
    rule.delete()
