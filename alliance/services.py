"""Every state change of the alliance core, one function per operation.

Each function is atomic and raises :class:`RuleViolation` with a sentence a person can act on;
the database constraints on the models are the second line, not the first.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.db import transaction

from alliance.access import Access
from alliance.errors import RuleViolation
from alliance.formatting import day
from alliance.models import (
    Agreement,
    AgreementBudget,
    Alliance,
    GoverningBody,
    HomeVisit,
    Membership,
    MembershipStatusChange,
    Organisation,
    ReferenceCounter,
)
from alliance.signals import membership_left


def save_checked(instance, reason: str = "") -> None:
    instance.full_clean(validate_constraints=False, validate_unique=False)
    if reason:
        instance._change_reason = reason
    instance.save()


# Organisations and alliances ---------------------------------------------------------------


@transaction.atomic
def save_organisation(*, organisation: Organisation | None = None, **fields) -> Organisation:
    """Create an organisation, or change one; names are unique across the deployment."""
    organisation = organisation or Organisation()
    name = fields.get("name", organisation.name)
    clash = Organisation.objects.filter(name__iexact=name).exclude(pk=organisation.pk)
    if clash.exists():
        raise RuleViolation(
            "organisation_name_taken",
            f"An organisation named '{name}' already exists; use it, or give this one a distinct name.",
            field="name",
        )
    for key, value in fields.items():
        setattr(organisation, key, value)
    save_checked(organisation)
    return organisation


@transaction.atomic
def save_alliance(*, alliance: Alliance | None = None, **fields) -> Alliance:
    """Create an alliance, or change one."""
    alliance = alliance or Alliance()
    slug = fields.get("slug", alliance.slug)
    if Alliance.objects.filter(slug=slug).exclude(pk=alliance.pk).exists():
        raise RuleViolation(
            "alliance_slug_taken", f"The address name '{slug}' is already used by another alliance.", field="slug"
        )
    for key, value in fields.items():
        setattr(alliance, key, value)
    save_checked(alliance)
    return alliance


@transaction.atomic
def create_agreement(
    *,
    alliance: Alliance,
    title: str,
    signed_on: date,
    starts_on: date,
    ends_on: date,
    extension_until: date | None = None,
    principles: Iterable[str] = (),
    budgets: dict[int, Decimal] | None = None,
) -> Agreement:
    """Record a new version of the alliance agreement with its principles and annual budgets."""
    if ends_on < starts_on:
        raise RuleViolation(
            "agreement_term_order",
            f"The agreement cannot end ({day(ends_on)}) before it starts ({day(starts_on)}).",
            field="ends_on",
        )
    if extension_until is not None and extension_until < ends_on:
        raise RuleViolation(
            "agreement_extension_order",
            f"The extension option ({day(extension_until)}) must run beyond the term's end ({day(ends_on)}).",
            field="extension_until",
        )
    principles = [p.strip() for p in principles if p and p.strip()]
    last = Agreement.objects.filter(alliance=alliance).order_by("-version").first()
    agreement = Agreement(
        alliance=alliance,
        version=(last.version + 1) if last else 1,
        title=title,
        signed_on=signed_on,
        starts_on=starts_on,
        ends_on=ends_on,
        extension_until=extension_until,
        principles=principles,
    )
    save_checked(agreement)
    for year, amount in (budgets or {}).items():
        set_budget(agreement=agreement, financial_year=year, amount=amount)
    return agreement


@transaction.atomic
def set_budget(*, agreement: Agreement, financial_year: int, amount: Decimal) -> AgreementBudget:
    """Set the annual budget of one financial year (2021 means 2021/22)."""
    try:
        amount = Decimal(amount).quantize(Decimal("0.01"))
    except (InvalidOperation, TypeError, ValueError):
        raise RuleViolation("budget_amount_invalid", f"'{amount}' is not an amount of money.", field="amount")
    if amount < 0:
        raise RuleViolation("budget_amount_negative", "A budget cannot be negative.", field="amount")
    budget, _ = AgreementBudget.objects.get_or_create(
        agreement=agreement, financial_year=financial_year, defaults={"amount": amount}
    )
    if budget.amount != amount:
        budget.amount = amount
        save_checked(budget)
    return budget


# Memberships -------------------------------------------------------------------------------


def _check_capacities(capacities: Iterable[str]) -> list[str]:
    valid = set(Membership.Capacity.values)
    capacities = list(dict.fromkeys(capacities))
    unknown = [c for c in capacities if c not in valid]
    if unknown:
        raise RuleViolation(
            "membership_capacity_unknown",
            f"Unknown capacity {', '.join(repr(c) for c in unknown)}; choose from {', '.join(sorted(valid))}.",
            field="capacities",
        )
    return capacities


def _check_status(status: str) -> None:
    if status not in Membership.Status.values:
        raise RuleViolation(
            "membership_status_unknown",
            f"Unknown status '{status}'; a membership is VOTING or ADVISORY.",
            field="status",
        )


def check_capacities(capacities: Iterable[str]) -> list[str]:
    """The capacities, each known, without repeats (the admin's form calls this too)."""
    return _check_capacities(capacities)


def _check_term(joined_on: date, left_on: date | None) -> None:
    if left_on is not None and left_on < joined_on:
        raise RuleViolation(
            "membership_left_before_joined",
            f"The leaving date ({day(left_on)}) cannot be before the joining date ({day(joined_on)}).",
            field="left_on",
        )


def _check_no_overlap(
    *, alliance: Alliance, organisation: Organisation, joined_on: date, left_on: date | None, exclude_pk=None
) -> None:
    # Lock the alliance row so that two requests adding the same organisation wait in turn.
    Alliance.objects.select_for_update().filter(pk=alliance.pk).first()
    clash = (
        Membership.objects.filter(alliance=alliance, organisation=organisation)
        .overlapping(joined_on, left_on)
        .exclude(pk=exclude_pk)
        .first()
    )
    if clash:
        raise RuleViolation(
            "membership_overlap",
            f"{organisation} already has a membership of {alliance} from {day(clash.joined_on)} to "
            f"{day(clash.left_on)}; end that membership before this one starts, or change its status instead.",
            field="joined_on",
        )


def check_new_membership(
    *,
    alliance: Alliance,
    organisation: Organisation,
    status: str,
    joined_on: date,
    left_on: date | None,
    capacities: Iterable[str],
) -> list[str]:
    """The checks of create_membership, writing nothing (the admin's form calls them too)."""
    _check_status(status)
    _check_term(joined_on, left_on)
    capacities = _check_capacities(capacities)
    _check_no_overlap(alliance=alliance, organisation=organisation, joined_on=joined_on, left_on=left_on)
    return capacities


def check_membership_term(*, membership: Membership, joined_on: date, left_on: date | None) -> None:
    """The checks of a new term for a membership, writing nothing (the admin's form calls them too)."""
    _check_term(joined_on, left_on)
    if (joined_on, left_on) == (membership.joined_on, membership.left_on):
        return
    _check_no_overlap(
        alliance=membership.alliance,
        organisation=membership.organisation,
        joined_on=joined_on,
        left_on=left_on,
        exclude_pk=membership.pk,
    )
    changes = list(membership.status_changes.order_by("effective_on", "pk"))
    later = [c for c in changes[1:] if c.effective_on <= joined_on or (left_on and c.effective_on > left_on)]
    if later:
        raise RuleViolation(
            "membership_term_excludes_status_change",
            f"The status change of {day(later[0].effective_on)} would fall outside the new term "
            f"({day(joined_on)} to {day(left_on)}); correct that status change first.",
            field="joined_on" if later[0].effective_on <= joined_on else "left_on",
        )


@transaction.atomic
def create_membership(
    *,
    alliance: Alliance,
    organisation: Organisation,
    status: str,
    joined_on: date,
    left_on: date | None = None,
    is_signatory: bool = False,
    capacities: Iterable[str] = (),
    reason: str = "",
) -> Membership:
    """Admit an organisation to an alliance; no two memberships of it may overlap."""
    capacities = check_new_membership(
        alliance=alliance,
        organisation=organisation,
        status=status,
        joined_on=joined_on,
        left_on=left_on,
        capacities=capacities,
    )
    membership = Membership(
        alliance=alliance,
        organisation=organisation,
        status=status,
        joined_on=joined_on,
        left_on=left_on,
        is_signatory=is_signatory,
        capacities=capacities,
    )
    save_checked(membership, reason or "Joined the alliance")
    save_checked(
        MembershipStatusChange(membership=membership, status=status, effective_on=joined_on, reason="On joining"),
        reason or "On joining",
    )
    return membership


@transaction.atomic
def update_membership(
    *,
    membership: Membership,
    joined_on: date | None = None,
    left_on: date | None = None,
    clear_left_on: bool = False,
    is_signatory: bool | None = None,
    capacities: Iterable[str] | None = None,
    reason: str = "",
) -> Membership:
    """Change a membership's term, signatory flag or capacities (status has its own dated service)."""
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    old_left = membership.left_on
    new_joined = joined_on or membership.joined_on
    new_left = None if clear_left_on else (left_on if left_on is not None else membership.left_on)
    check_membership_term(membership=membership, joined_on=new_joined, left_on=new_left)
    if (new_joined, new_left) != (membership.joined_on, membership.left_on):
        changes = list(membership.status_changes.order_by("effective_on", "pk"))
        if changes and changes[0].effective_on != new_joined:
            changes[0].effective_on = new_joined
            save_checked(changes[0], reason or "Joining date corrected")
        membership.joined_on = new_joined
        membership.left_on = new_left
    if is_signatory is not None:
        membership.is_signatory = is_signatory
    if capacities is not None:
        membership.capacities = _check_capacities(capacities)
    save_checked(membership, reason)
    if new_left is not None and (old_left is None or new_left < old_left):
        # Roles end the organisation's representatives on its last day (rule: a representative
        # role's organisation is a member throughout the assignment).
        membership_left.send(sender=Membership, membership=membership, left_on=new_left, reason=reason)
    return membership


@transaction.atomic
def end_membership(*, membership: Membership, left_on: date, reason: str) -> Membership:
    """Record that an organisation left the alliance; ``left_on`` is its last day as a member."""
    if not reason.strip():
        raise RuleViolation(
            "membership_end_reason_required", "Say why the organisation is leaving the alliance.", field="reason"
        )
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.left_on is not None:
        raise RuleViolation(
            "membership_already_ended",
            f"This membership already ended on {day(membership.left_on)}; correct its leaving date instead.",
            field="left_on",
            conflict=True,
        )
    return update_membership(membership=membership, left_on=left_on, reason=reason)


@transaction.atomic
def change_membership_status(
    *, membership: Membership, status: str, effective_on: date, reason: str
) -> MembershipStatusChange:
    """Make a member voting or advisory from a date, keeping the earlier status answerable."""
    _check_status(status)
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    check_status_change(membership=membership, status=status, effective_on=effective_on, reason=reason)
    change = MembershipStatusChange(membership=membership, status=status, effective_on=effective_on, reason=reason)
    save_checked(change, reason)
    current = membership.status_changes.order_by("-effective_on", "-pk").first()
    if membership.status != current.status:
        membership.status = current.status
        save_checked(membership, reason)
    return change


def check_status_change(*, membership: Membership, status: str, effective_on: date, reason: str) -> None:
    """The checks of change_membership_status, writing nothing (the admin's form calls them too)."""
    _check_status(status)
    if not reason.strip():
        raise RuleViolation("status_change_reason_required", "Say why the member's status changes.", field="reason")
    if not membership.is_open_on(effective_on):
        raise RuleViolation(
            "status_change_outside_membership",
            f"{membership.organisation} was not a member on {day(effective_on)} (member from "
            f"{day(membership.joined_on)} to {day(membership.left_on)}); choose a date within the membership.",
            field="effective_on",
        )
    if membership.status_as_of(effective_on) == status:
        raise RuleViolation(
            "status_unchanged",
            f"{membership.organisation} is already {Membership.Status(status).label.lower()} on {day(effective_on)}.",
            field="status",
        )
    if membership.status_changes.filter(effective_on=effective_on).exists():
        raise RuleViolation(
            "status_change_same_day",
            f"A status change is already recorded on {day(effective_on)}; correct that one instead.",
            field="effective_on",
        )


# Governing bodies --------------------------------------------------------------------------


def check_quorum(quorum_count, quorum_fraction) -> None:
    if (quorum_count is None) == (quorum_fraction is None):
        raise RuleViolation(
            "body_quorum_required",
            "Give the quorum either as a count of voting members or as a fraction of them, not both.",
            field="quorum_count",
        )
    if quorum_count is not None and quorum_count < 1:
        raise RuleViolation("body_quorum_count_invalid", "A quorum count must be at least 1.", field="quorum_count")
    if quorum_fraction is not None and not (Decimal(0) < Decimal(str(quorum_fraction)) <= Decimal(1)):
        raise RuleViolation(
            "body_quorum_fraction_invalid",
            f"A quorum fraction must be above 0 and at most 1 (for example 0.5 or 1); {quorum_fraction} is not.",
            field="quorum_fraction",
        )


def _check_no_reporting_cycle(body: GoverningBody) -> None:
    """A body cannot report to itself, nor to a body that (through others) reports to it."""
    if body.pk is None or not body.reports_to_id:
        return
    seen, current = set(), body.reports_to_id
    while current is not None and current not in seen:
        if current == body.pk:
            reports_to = GoverningBody.objects.get(pk=body.reports_to_id)
            raise RuleViolation(
                "body_reports_to_itself",
                f"{body.name} cannot report to itself"
                + ("" if reports_to.pk == body.pk else f": {reports_to.name} already reports to it, directly or not")
                + "; choose a body above it, or none.",
                field="reports_to",
            )
        seen.add(current)
        current = GoverningBody.objects.filter(pk=current).values_list("reports_to_id", flat=True).first()


@transaction.atomic
def save_body(*, body: GoverningBody | None = None, **fields) -> GoverningBody:
    """Create or change a governing body; its quorum is a positive count or a fraction in (0, 1]."""
    body = body or GoverningBody()
    for key, value in fields.items():
        setattr(body, key, value)
    if body.quorum_fraction is not None:
        body.quorum_fraction = Decimal(str(body.quorum_fraction))
    check_quorum(body.quorum_count, body.quorum_fraction)
    if body.decision_rule not in GoverningBody.DecisionRule.values:
        raise RuleViolation(
            "body_rule_unknown",
            f"Unknown decision rule '{body.decision_rule}'; choose UNANIMOUS, CONSENSUS or MAJORITY.",
            field="decision_rule",
        )
    if "abstention_blocks" not in fields and body.pk is None:
        body.abstention_blocks = body.decision_rule == GoverningBody.DecisionRule.UNANIMOUS
    if GoverningBody.objects.filter(alliance=body.alliance, code__iexact=body.code).exclude(pk=body.pk).exists():
        raise RuleViolation(
            "body_code_taken",
            f"{body.alliance} already has a body with the code '{body.code}'; codes name decision references.",
            field="code",
        )
    if body.reports_to_id and body.reports_to.alliance_id != body.alliance_id:
        raise RuleViolation(
            "body_reports_elsewhere", "A body can only report to a body of the same alliance.", field="reports_to"
        )
    _check_no_reporting_cycle(body)
    save_checked(body)
    return body


# References --------------------------------------------------------------------------------


@transaction.atomic
def allocate_reference(*, alliance: Alliance, series: str, year: int) -> str:
    """Issue the next ``{SERIES}-{YYYY}-{NNN}`` of an alliance, without gaps or duplicates."""
    ReferenceCounter.objects.get_or_create(alliance=alliance, series=series, year=year)
    counter = ReferenceCounter.objects.select_for_update().get(alliance=alliance, series=series, year=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return f"{series}-{year}-{counter.last_number:03d}"


@transaction.atomic
def claim_reference(*, alliance: Alliance, series: str, year: int, number: int) -> str:
    """Keep a reference issued before the alliance used this log (an imported decision's): the next one
    ``allocate_reference`` issues in that series and year comes after it, so none is issued twice."""
    ReferenceCounter.objects.get_or_create(alliance=alliance, series=series, year=year)
    counter = ReferenceCounter.objects.select_for_update().get(alliance=alliance, series=series, year=year)
    if number > counter.last_number:
        counter.last_number = number
        counter.save(update_fields=["last_number"])
    return f"{series}-{year}-{number:03d}"


# The home page -----------------------------------------------------------------------------------

#: Views of the home closer together than this are one visit: a reload shows the same news.
HOME_VISIT_GAP = timedelta(hours=1)


@transaction.atomic
def record_home_visit(*, actor: Access, now: datetime) -> datetime | None:
    """Record that ``actor``'s login sees its home at ``now``; return the moment of its previous visit,
    since which the home shows what is new (None on the first visit)."""
    if not actor.authenticated or actor.user is None:
        raise RuleViolation("home_needs_login", "Log in to see your home page.")
    visit = HomeVisit.objects.select_for_update().filter(user=actor.user).first()
    if visit is None:
        HomeVisit.objects.create(user=actor.user, last_at=now)
        return None
    if now - visit.last_at >= HOME_VISIT_GAP:
        visit.previous_at, visit.last_at = visit.last_at, now
        visit.save(update_fields=["previous_at", "last_at"])
    return visit.previous_at
