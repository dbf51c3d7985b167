"""Scope and money: the register of service lines, the budget envelope and the savings delivered.

Kept by the alliance's secretaries (roles/standing.py, ``require_alliance_keeper``). A service line is
recorded and changed only by an agreed decision of its own alliance (``changed_by``; the history keeps
each version); the budget envelope is set by the alliance's commissioner, by an agreed decision; savings
are recorded per financial year of the envelope, service line and member.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone

from alliance.errors import RuleViolation
from alliance.formatting import day
from alliance.models import Alliance, Membership, Organisation
from alliance.services import save_checked
from contracts.models import Contract, ContractTerm, ServiceCategory
from contracts.scope_models import BudgetEnvelope, SavingsRecord, ServiceLine
from contracts.services.policies import parse_money
from decisions.models import Decision
from roles import standing
from roles.access import Access

__all__ = [
    "record_service_line",
    "change_service_line",
    "record_purchased_contract",
    "link_contract_to_service_line",
    "set_budget_envelope",
    "record_savings",
]

DOING = "keep the scope and savings register"
LINE_FIELDS = ("name", "service_category", "description", "in_scope", "retention_reason", "annual_value", "provider")


def _keeper(actor: Access, alliance_id: int) -> None:
    standing.require_alliance_keeper(actor, alliance_id, DOING)


def _agreed(alliance: Alliance, decision: Decision | None, *, field: str, doing: str) -> Decision:
    """An agreed decision of ``alliance``: the only thing that may change its scope or its money."""
    if decision is None:
        raise RuleViolation(
            "scope_decision_required",
            f"Name the agreed decision that {doing}: a change to the scope or the money is made by a decision.",
            field=field,
        )
    label = decision.reference or f"The draft '{decision.title}'"
    if decision.alliance_id != alliance.pk:
        # Not named beyond its reference: it is another alliance's record.
        raise RuleViolation(
            "scope_decision_other_alliance",
            f"That decision is not one of {alliance}'s; name an agreed decision of {alliance}.",
            field=field,
        )
    if decision.status != Decision.Status.AGREED:
        raise RuleViolation(
            "scope_decision_not_agreed",
            f"{label} is {decision.get_status_display().lower()}, not agreed; only an agreed decision {doing}.",
            field=field,
        )
    return decision


def _name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise RuleViolation("service_line_name_required", "Give the service line a name.", field="name")
    return name


def _scope(in_scope: bool, retention_reason: str) -> str:
    reason = (retention_reason or "").strip()
    if not in_scope and not reason:
        raise RuleViolation(
            "service_line_retention_reason_required",
            "Give the reason for retention: a service the commissioner keeps out of the alliance says why.",
            field="retention_reason",
        )
    return reason if not in_scope else ""


def _category(value: str) -> str:
    value = value or ""
    if value and value not in ServiceCategory.values:
        raise RuleViolation(
            "service_line_category_unknown", f"'{value}' is not a service category.", field="service_category"
        )
    return value


def _unique_name(alliance: Alliance, name: str, exclude: int | None = None) -> None:
    clash = ServiceLine.objects.filter(alliance=alliance, name__iexact=name).exclude(pk=exclude)
    if clash.exists():
        raise RuleViolation(
            "service_line_name_taken",
            f"{alliance} already has a service line named '{name}'; change that one, or give this a distinct name.",
            field="name",
        )


@transaction.atomic
def record_service_line(
    *,
    actor: Access,
    alliance: Alliance,
    name: str,
    annual_value,
    changed_by: Decision | None,
    in_scope: bool = True,
    retention_reason: str = "",
    provider: Organisation | None = None,
    service_category: str = "",
    description: str = "",
    now: datetime | None = None,
) -> ServiceLine:
    """Add a service line to the scope register, in scope or retained (with its reason), by an agreed decision."""
    _keeper(actor, alliance.pk)
    name = _name(name)
    _unique_name(alliance, name)
    decision = _agreed(alliance, changed_by, field="changed_by", doing="adds the service line")
    now = now or timezone.now()
    line = ServiceLine(
        alliance=alliance,
        name=name,
        service_category=_category(service_category),
        description=(description or "").strip(),
        in_scope=bool(in_scope),
        retention_reason=_scope(in_scope, retention_reason),
        annual_value=parse_money(annual_value, "annual_value", required=True),
        provider=provider,
        changed_by=decision,
        created_at=now,
    )
    line._history_date = now
    save_checked(line, f"Recorded by {decision.reference}")
    return line


@transaction.atomic
def change_service_line(
    *,
    actor: Access,
    service_line: ServiceLine,
    changed_by: Decision | None,
    now: datetime | None = None,
    **changes,
) -> ServiceLine:
    """Change a service line (its scope, value, provider, reason, or end it: ``active=False``) by an agreed
    decision; the history keeps every version. A change that changes nothing is refused."""
    line = ServiceLine.objects.select_for_update().select_related("alliance").get(pk=service_line.pk)
    _keeper(actor, line.alliance_id)
    unknown = set(changes) - {*LINE_FIELDS, "active"}
    if unknown:
        raise RuleViolation("service_line_field_unknown", f"A service line has no {', '.join(sorted(unknown))}.")
    decision = _agreed(line.alliance, changed_by, field="changed_by", doing="makes the change")
    values = {name: getattr(line, name) for name in (*LINE_FIELDS, "active")}
    values.update({k: v for k, v in changes.items() if v is not None or k == "provider"})
    values["name"] = _name(values["name"])
    _unique_name(line.alliance, values["name"], exclude=line.pk)
    values["service_category"] = _category(values["service_category"])
    values["description"] = (values["description"] or "").strip()
    values["in_scope"] = bool(values["in_scope"])
    values["active"] = bool(values["active"])
    values["retention_reason"] = _scope(values["in_scope"], values["retention_reason"])
    values["annual_value"] = parse_money(values["annual_value"], "annual_value", required=True)
    changed = [k for k, v in values.items() if v != getattr(line, k)]
    if not changed:
        raise RuleViolation(
            "service_line_unchanged", "Nothing was changed: change a field of the service line, or go back."
        )
    for k, v in values.items():
        setattr(line, k, v)
    line.changed_by = decision
    now = now or timezone.now()
    line._history_date = now
    save_checked(line, f"Changed by {decision.reference}: {', '.join(changed)}")
    # Its contracts follow the line's scope, so the budget counts them where the line sits.
    if "in_scope" in changed:
        for contract in Contract.objects.select_for_update().filter(service_line=line).exclude(in_scope=line.in_scope):
            contract.in_scope = line.in_scope
            save_checked(contract, f"Scope of {line} changed by {decision.reference}")
    return line


def _line_of(alliance_id: int, service_line: ServiceLine | None) -> ServiceLine:
    if service_line is None:
        raise RuleViolation("service_line_required", "Choose the service line.", field="service_line")
    if service_line.alliance_id != alliance_id:
        raise RuleViolation(
            "service_line_other_alliance",
            "That service line was not found in this alliance; choose one of its own.",
            field="service_line",
        )
    return service_line


@transaction.atomic
def record_purchased_contract(
    *,
    actor: Access,
    service_line: ServiceLine,
    title: str,
    provider: Organisation | None,
    annual_value,
    starts_on: date | None,
    ends_on: date | None,
    extension_until: date | None = None,
) -> Contract:
    """Record a contract already in place that delivers a service line (a service purchased before the
    alliance's award processes): it counts in the budget where the line sits, in scope or retained."""
    line = ServiceLine.objects.select_related("alliance").get(pk=service_line.pk)
    _keeper(actor, line.alliance_id)
    title = (title or "").strip()
    if not title:
        raise RuleViolation("contract_title_required", "Give the contract a title.", field="title")
    if provider is None:
        raise RuleViolation(
            "contract_provider_required", "Choose the provider that holds the contract.", field="provider"
        )
    if not line.active:
        raise RuleViolation(
            "service_line_ended",
            f"{line} is no longer funded; record a contract on a funded service line.",
            field="service_line",
        )
    if starts_on is None:
        raise RuleViolation("contract_start_required", "Give the first day of the contract.", field="starts_on")
    if ends_on is None:
        raise RuleViolation("contract_end_required", "Give the last day of the contract's term.", field="ends_on")
    if ends_on < starts_on:
        raise RuleViolation(
            "contract_term_order",
            f"The contract cannot end ({day(ends_on)}) before it starts ({day(starts_on)}).",
            field="ends_on",
        )
    if extension_until is not None and extension_until < ends_on:
        raise RuleViolation(
            "contract_extension_order",
            f"The extension option ({day(extension_until)}) must run beyond the term's end ({day(ends_on)}).",
            field="extension_until",
        )
    value = parse_money(annual_value, "annual_value", required=True)
    contract = Contract(
        alliance=line.alliance,
        title=title,
        service_category=line.service_category or ServiceCategory.values[0],
        provider=provider,
        annual_value=value,
        starts_on=starts_on,
        ends_on=ends_on,
        extension_until=extension_until,
        in_scope=line.in_scope,
        status=Contract.Status.ACTIVE,
        service_line=line,
    )
    save_checked(contract, f"Purchased service recorded on {line}")
    save_checked(
        ContractTerm(contract=contract, starts_on=starts_on, ends_on=ends_on, annual_value=value),
        "Purchased service recorded",
    )
    return contract


@transaction.atomic
def link_contract_to_service_line(*, actor: Access, contract: Contract, service_line: ServiceLine | None) -> Contract:
    """Say which service line a contract delivers (or none); it then counts where the line sits."""
    contract = Contract.objects.select_for_update().get(pk=contract.pk)
    _keeper(actor, contract.alliance_id)
    if service_line is not None:
        _line_of(contract.alliance_id, service_line)
        if contract.in_scope != service_line.in_scope:
            where = "in scope of the alliance" if service_line.in_scope else "retained by the commissioner"
            raise RuleViolation(
                "contract_scope_mismatch",
                f"{service_line} is {where} but {contract.title} is not; a contract delivers a line on the same "
                "side of the scope. Change the line's scope by a decision first, or choose another line.",
                field="service_line",
            )
    if contract.service_line_id == (service_line.pk if service_line else None):
        raise RuleViolation("contract_line_unchanged", "The contract already delivers that service line.")
    contract.service_line = service_line
    save_checked(contract, f"Delivers {service_line}" if service_line else "No longer linked to a service line")
    return contract


def _integer(value, field: str, label: str, low: int, high: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise RuleViolation("envelope_number_invalid", f"Give the {label} as a whole number.", field=field)
    if not low <= number <= high:
        raise RuleViolation(
            "envelope_number_range", f"The {label} must be between {low} and {high}, not {number}.", field=field
        )
    return number


def _percent(value) -> Decimal:
    try:
        percent = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, TypeError, ValueError):
        raise RuleViolation(
            "envelope_percent_invalid", f"'{value}' is not a percentage.", field="annual_reduction_percent"
        )
    if not Decimal(0) <= percent <= Decimal(100):
        raise RuleViolation(
            "envelope_percent_range",
            "The yearly reduction is a percentage from 0 to 100.",
            field="annual_reduction_percent",
        )
    return percent


@transaction.atomic
def set_budget_envelope(
    *,
    actor: Access,
    alliance: Alliance,
    set_by: Organisation | None,
    set_by_decision: Decision | None,
    baseline_year,
    baseline_amount,
    set_on: date | None = None,
    annual_reduction_percent="5.00",
    reduction_from_year=2,
    years=5,
    notes: str = "",
) -> BudgetEnvelope:
    """Record the budget envelope the commissioner set, by an agreed decision, and its reduction trajectory
    (``annual_reduction_percent`` a year from year ``reduction_from_year``). A new envelope replaces the
    one before it on the pages; both are kept."""
    _keeper(actor, alliance.pk)
    if set_by is None or set_by.pk != alliance.commissioner_id:
        raise RuleViolation(
            "envelope_not_commissioner",
            f"The budget envelope is set by {alliance.commissioner}, the alliance's commissioner; "
            "choose it as who set it.",
            field="set_by",
        )
    decision = _agreed(alliance, set_by_decision, field="set_by_decision", doing="sets the envelope")
    set_on = set_on or (decision.decided_on if decision.decided_on else timezone.localdate())
    if decision.decided_on and set_on < decision.decided_on:
        raise RuleViolation(
            "envelope_before_decision",
            f"{decision.reference} was decided on {day(decision.decided_on)}; the envelope cannot be set "
            f"before it ({day(set_on)}).",
            field="set_on",
        )
    baseline_year = _integer(baseline_year, "baseline_year", "baseline year", 2000, 2100)
    years = _integer(years, "years", "number of years", 1, 30)
    reduction_from_year = _integer(reduction_from_year, "reduction_from_year", "year the reductions start", 1, 30)
    if reduction_from_year > years:
        raise RuleViolation(
            "envelope_reduction_after_end",
            f"The reductions start in year {reduction_from_year} but the envelope runs {years} years; "
            "start them within its years, or set the reduction to 0%.",
            field="reduction_from_year",
        )
    envelope = BudgetEnvelope(
        alliance=alliance,
        baseline_year=baseline_year,
        baseline_amount=parse_money(baseline_amount, "baseline_amount", required=True),
        annual_reduction_percent=_percent(annual_reduction_percent),
        reduction_from_year=reduction_from_year,
        years=years,
        set_by=set_by,
        set_by_decision=decision,
        set_on=set_on,
        notes=(notes or "").strip(),
    )
    save_checked(envelope, f"Set by {set_by} through {decision.reference}")
    return envelope


@transaction.atomic
def record_savings(
    *,
    actor: Access,
    service_line: ServiceLine | None,
    financial_year,
    amount,
    member: Organisation | None = None,
    description: str = "",
    decision: Decision | None = None,
    now: datetime | None = None,
) -> SavingsRecord:
    """Record a saving delivered in a financial year of the envelope on one service line, by one member
    of the alliance where it was (or none: the alliance as a whole)."""
    if service_line is None:
        standing.require_any_alliance_keeper(actor, DOING)
        raise RuleViolation("service_line_required", "Choose the service line.", field="service_line")
    line = ServiceLine.objects.select_related("alliance").get(pk=service_line.pk)
    alliance = line.alliance
    _keeper(actor, alliance.pk)
    year = _integer(financial_year, "financial_year", "financial year", 2000, 2100)
    envelope = BudgetEnvelope.objects.filter(alliance=alliance).order_by("-set_on", "-pk").first()
    if envelope is None:
        raise RuleViolation(
            "savings_without_envelope",
            f"{alliance} has no budget envelope yet; record the envelope the commissioner set first.",
            field="financial_year",
        )
    last = envelope.baseline_year + envelope.years - 1
    if not envelope.baseline_year <= year <= last:
        raise RuleViolation(
            "savings_year_outside_envelope",
            f"The envelope runs from {envelope.baseline_year}/{(envelope.baseline_year + 1) % 100:02d} to "
            f"{last}/{(last + 1) % 100:02d}; record savings in one of its years.",
            field="financial_year",
        )
    value = parse_money(amount, "amount", required=True)
    if value == 0:
        raise RuleViolation("savings_zero", "A saving of £0.00 saves nothing; give the amount saved.", field="amount")
    if member is not None and not Membership.objects.filter(alliance=alliance, organisation=member).exists():
        raise RuleViolation(
            "savings_member_not_member",
            f"{member} is not a member of {alliance}; choose a member, or leave it empty for the alliance as a whole.",
            field="member",
        )
    if decision is not None:
        _agreed(alliance, decision, field="decision", doing="made the saving")
    now = now or timezone.now()
    record = SavingsRecord(
        alliance=alliance,
        financial_year=year,
        service_line=line,
        member=member,
        amount=value,
        description=(description or "").strip(),
        decision=decision,
        recorded_by=actor.user,
        recorded_at=now,
    )
    record._history_date = now
    save_checked(record, f"Savings of {year}/{(year + 1) % 100:02d}")
    return record
