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
from alliance.models import Alliance, GoverningBody, Membership, Organisation
from alliance.services import save_checked
from alliance.term import term_of
from roles import standing
from roles.models import DelegatedAuthority, InterestDeclaration, Person, Role, RoleAssignment
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
    if not scope.strip():
        raise RuleViolation("delegation_scope_required", "Describe what the delegation covers.", field="scope")
    if valid_to is not None and valid_to < valid_from:
        raise RuleViolation(
            "delegation_window_order",
            f"The delegation cannot end ({day(valid_to)}) before it starts ({day(valid_from)}).",
            field="valid_to",
        )
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
