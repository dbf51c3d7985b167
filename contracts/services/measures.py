"""Performance measures and their returns (issue 21, part 2).

A measure is defined by the alliance's secretary (or staff), adopted by an AGREED decision of the same
alliance, for one subject: a contract, a service category or a workstream. A measure co-defined with
the lived-experience members names the member it was defined with; only a member of the alliance in
that capacity may be named. A measure is changed or retired with a reason, kept in its history.

A return covers one of the measure's periods, once that period has ended. It is entered by the
reporting organisation's representative (or deputy) on the day it is entered, or by the alliance's
secretary, or staff. A numeric measure is returned as a number, a narrative one in words. Each period
has one return: a correction edits it, history keeps the value it replaced, and a return entered after
its due date stays late.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from alliance.errors import RuleViolation
from alliance.formatting import day
from alliance.models import Alliance, Membership, Organisation
from alliance.services import save_checked
from contracts.measure_models import MONTHS, _add_months
from contracts.models import Contract, Measure, MeasureReturn, ServiceCategory, Workstream
from decisions.models import Decision
from roles import standing
from roles.access import Access
from roles.models import Role, RoleAssignment

__all__ = [
    "define_measure",
    "change_measure",
    "retire_measure",
    "enter_return",
    "correct_return",
    "may_enter_returns",
    "period_of",
]

DEFINING = "define the alliance's performance measures"
CHANGEABLE = (
    "name",
    "definition",
    "unit",
    "target",
    "due_days_after_period",
    "reported_by",
    "co_defined_with",
    "visibility",
    "adopted_by",
)


# Measures ------------------------------------------------------------------------------------


def _text(value, field: str, what: str, *, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise RuleViolation("measure_text_required", f"Give the measure's {what}.", field=field)
    return value


def _number(value, field: str, what: str) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, TypeError, ValueError):
        raise RuleViolation("number_invalid", f"'{value}' is not a number; give the {what} as a number.", field=field)
    if not number.is_finite() or abs(number) >= Decimal("1e12"):
        raise RuleViolation("number_invalid", f"The {what} is too large; give it below a trillion.", field=field)
    return number


def _check_decision(alliance: Alliance, decision: Decision | None) -> None:
    if decision is None:
        raise RuleViolation(
            "measure_needs_decision",
            "Name the agreed decision that adopted the measure; a measure is adopted by a decision.",
            field="adopted_by",
        )
    label = decision.reference or f"The draft '{decision.title}'"
    if decision.alliance_id != alliance.pk:
        raise RuleViolation(
            "measure_decision_other_alliance",
            f"That decision was not found in {alliance}; a measure is adopted by one of its own decisions.",
            field="adopted_by",
        )
    if decision.status != Decision.Status.AGREED:
        raise RuleViolation(
            "measure_decision_not_agreed",
            f"{label} is {decision.get_status_display().lower()}; a measure is adopted only by an agreed decision.",
            field="adopted_by",
        )


def _check_subject(alliance: Alliance, contract, service_category: str, workstream) -> None:
    subjects = [s for s in (contract, service_category, workstream) if s]
    if len(subjects) != 1:
        raise RuleViolation(
            "measure_one_subject",
            "A measure is of one contract, one service category or one workstream: choose exactly one.",
            field="contract",
        )
    if service_category and service_category not in ServiceCategory.values:
        raise RuleViolation(
            "measure_category_unknown", f"'{service_category}' is not a service category.", field="service_category"
        )
    for field, subject, what in (("contract", contract, "contract"), ("workstream", workstream, "workstream")):
        if subject is not None and subject.alliance_id != alliance.pk:
            raise RuleViolation(
                "measure_subject_other_alliance",
                f"That {what} was not found in {alliance}; a measure is of the alliance's own services.",
                field=field,
            )


def _open_members(alliance: Alliance, on: date):
    return Membership.objects.filter(alliance=alliance).open_on(on)


def _check_co_definer(alliance: Alliance, organisation: Organisation | None, on: date) -> None:
    if organisation is None:
        return
    members = _open_members(alliance, on).filter(organisation=organisation)
    lived = members.filter(
        Q(capacities__icontains=f'"{Membership.Capacity.LIVED_EXPERIENCE}"')
        | Q(organisation__kind=Organisation.Kind.LIVED_EXPERIENCE)
    )
    if not lived.exists():
        raise RuleViolation(
            "measure_co_definer_not_lived_experience",
            f"{organisation} is not a lived-experience member of {alliance}; a measure is co-defined with the "
            "alliance's lived-experience member. Leave 'Co-defined with' empty, or choose that member.",
            field="co_defined_with",
        )


def _check_reporter(alliance: Alliance, organisation: Organisation | None, contract, on: date) -> None:
    if organisation is None:
        return
    if contract is not None and contract.provider_id == organisation.pk:
        return
    if not _open_members(alliance, on).filter(organisation=organisation).exists():
        raise RuleViolation(
            "measure_reporter_not_member",
            f"{organisation} is neither a member of {alliance} nor the contract's provider; choose who reports "
            "from the alliance's members (or the contract's provider).",
            field="reported_by",
        )


def _check_shape(direction: str, target: Decimal | None) -> None:
    if direction not in Measure.Direction.values:
        raise RuleViolation(
            "measure_direction_unknown",
            "Say whether higher or lower is better, or that the measure is a narrative.",
            field="direction",
        )
    if direction != Measure.Direction.NARRATIVE and target is None:
        raise RuleViolation(
            "measure_needs_target",
            "A numeric measure needs a target: give the target, or make the measure a narrative one.",
            field="target",
        )
    if direction == Measure.Direction.NARRATIVE and target is not None:
        raise RuleViolation(
            "measure_narrative_target",
            "A narrative measure is returned in words and has no numeric target; leave the target empty.",
            field="target",
        )


@transaction.atomic
def define_measure(
    *,
    actor: Access,
    alliance: Alliance,
    name: str,
    definition: str,
    direction: str,
    frequency: str,
    first_period_starts_on: date,
    adopted_by: Decision | None,
    unit: str = "",
    target=None,
    due_days_after_period: int = 20,
    contract: Contract | None = None,
    service_category: str = "",
    workstream: Workstream | None = None,
    reported_by: Organisation | None = None,
    co_defined_with: Organisation | None = None,
    visibility: str = Measure.Visibility.MEMBERS,
    now=None,
) -> Measure:
    """Define a measure of one subject, adopted by an agreed decision; co-defined only with the
    alliance's lived-experience member. ``now`` dates it (the demo's story); the clock otherwise."""
    standing.require_alliance_keeper(actor, alliance.pk, DEFINING)
    now = now or timezone.now()
    target = _number(target, "target", "target")
    _check_shape(direction, target)
    if frequency not in Measure.Frequency.values:
        raise RuleViolation(
            "measure_frequency_unknown",
            "Say how often it is returned: monthly, quarterly or annually.",
            field="frequency",
        )
    _check_subject(alliance, contract, service_category or "", workstream)
    _check_decision(alliance, adopted_by)
    on = timezone.localdate(now)
    _check_reporter(alliance, reported_by, contract, on)
    _check_co_definer(alliance, co_defined_with, on)
    measure = Measure(
        alliance=alliance,
        name=_text(name, "name", "name"),
        definition=_text(definition, "definition", "definition"),
        unit=_text(unit, "unit", "unit", required=False),
        direction=direction,
        target=target,
        frequency=frequency,
        first_period_starts_on=first_period_starts_on,
        due_days_after_period=due_days_after_period,
        contract=contract,
        service_category=service_category or "",
        workstream=workstream,
        reported_by=reported_by,
        co_defined_with=co_defined_with,
        adopted_by=adopted_by,
        visibility=visibility,
        created_at=now,
    )
    measure._history_date = now
    save_checked(measure, f"Measure defined, adopted by {adopted_by.reference}")
    return measure


def _reason(reason: str, doing: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise RuleViolation("measure_reason_required", f"Say why you {doing}: the reason is kept in its history.")
    return reason


@transaction.atomic
def change_measure(*, actor: Access, measure: Measure, reason: str, **changes) -> Measure:
    """Change a measure's wording, target, reporter or adopting decision, saying why; its frequency,
    direction and subject stay (define a new measure for those, so past returns keep their meaning)."""
    measure = Measure.objects.select_for_update().get(pk=measure.pk)
    standing.require_alliance_keeper(actor, measure.alliance_id, "change the alliance's performance measures")
    reason = _reason(reason, "change the measure")
    unknown = sorted(set(changes) - set(CHANGEABLE))
    if unknown:
        raise RuleViolation(
            "measure_fixed_field",
            "A measure's subject, direction, frequency and first period stay as defined; define a new measure "
            "and retire this one to change them.",
            field=unknown[0],
        )
    if not measure.active:
        raise RuleViolation(
            "measure_retired", f"'{measure}' was retired; it is no longer changed.", field="name", conflict=True
        )
    alliance = measure.alliance
    on = timezone.localdate()
    if "target" in changes:
        changes["target"] = _number(changes["target"], "target", "target")
        _check_shape(measure.direction, changes["target"])
    for field, what in (("name", "name"), ("definition", "definition")):
        if field in changes:
            changes[field] = _text(changes[field], field, what)
    if "unit" in changes:
        changes["unit"] = _text(changes["unit"], "unit", "unit", required=False)
    if "adopted_by" in changes:
        _check_decision(alliance, changes["adopted_by"])
    if "reported_by" in changes:
        _check_reporter(alliance, changes["reported_by"], measure.contract, on)
    if "co_defined_with" in changes:
        _check_co_definer(alliance, changes["co_defined_with"], on)
    for field, value in changes.items():
        setattr(measure, field, value)
    save_checked(measure, f"Measure changed: {reason}")
    return measure


@transaction.atomic
def retire_measure(*, actor: Access, measure: Measure, reason: str) -> Measure:
    """Retire a measure, saying why: no return is asked of it any more; its returns stay."""
    measure = Measure.objects.select_for_update().get(pk=measure.pk)
    standing.require_alliance_keeper(actor, measure.alliance_id, "retire the alliance's performance measures")
    reason = _reason(reason, "retire the measure")
    if not measure.active:
        raise RuleViolation("measure_retired", f"'{measure}' is already retired.", conflict=True)
    measure.active = False
    save_checked(measure, f"Measure retired: {reason}")
    return measure


# Returns -------------------------------------------------------------------------------------


def _represents_on(actor: Access, measure: Measure, on: date) -> bool:
    if actor.person_id is None or measure.reported_by_id is None:
        return False
    return (
        RoleAssignment.objects.held_on(on)
        .filter(
            person_id=actor.person_id,
            role__alliance_id=measure.alliance_id,
            role__organisation_id=measure.reported_by_id,
            role__kind__in=Role.REPRESENTATIVE_KINDS,
        )
        .exists()
    )


def may_enter_returns(actor: Access, measure: Measure, on: date | None = None) -> bool:
    """Whether the caller may enter or correct the measure's returns on ``on`` (today by default)."""
    on = on or timezone.localdate()
    return actor.keeps_record_of(measure.alliance_id) or _represents_on(actor, measure, on)


def _require_reporter(actor: Access, measure: Measure, on: date) -> None:
    if may_enter_returns(actor, measure, on):
        return
    who = (
        f"{measure.reported_by}'s representative (or deputy)"
        if measure.reported_by_id and actor.has_standing(measure.alliance_id)
        else "the reporting organisation's representative (or deputy)"
    )
    raise standing.refuse(
        f"Returns of this measure are entered by {who} or by the alliance's secretary; ask one of them to enter it."
    )


def period_of(measure: Measure, period_start: date):
    """The measure's period starting on ``period_start``, or None when no period starts that day."""
    if period_start is None or period_start < measure.first_period_starts_on:
        return None
    index = 0
    while True:
        start = _add_months(measure.first_period_starts_on, index * MONTHS[measure.frequency])
        if start == period_start:
            return measure.period_starting(start)
        if start > period_start:
            return None
        index += 1


def _content(measure: Measure, value, narrative: str) -> tuple[Decimal | None, str]:
    narrative = (narrative or "").strip()
    if measure.is_narrative:
        if value not in (None, ""):
            raise RuleViolation(
                "return_narrative_value",
                f"'{measure}' is a narrative measure: write the return in words and leave the value empty.",
                field="value",
            )
        if not narrative:
            raise RuleViolation(
                "return_needs_narrative", f"'{measure}' is a narrative measure: write the narrative.", field="narrative"
            )
        return None, narrative
    number = _number(value, "value", "value")
    if number is None:
        unit = f" (in {measure.unit})" if measure.unit else ""
        raise RuleViolation("return_needs_value", f"Give the value for the period{unit}.", field="value")
    return number, narrative


@transaction.atomic
def enter_return(
    *,
    actor: Access,
    measure: Measure,
    period_start: date,
    value=None,
    narrative: str = "",
    on: date | None = None,
) -> MeasureReturn:
    """Enter the return of one ended period: by the reporting organisation's representative (or deputy)
    on the day (``on``, today by default), the alliance's secretary or staff; once per period."""
    measure = (
        Measure.objects.select_for_update(of=("self",)).select_related("alliance", "reported_by").get(pk=measure.pk)
    )
    today = timezone.localdate()
    on = on or today
    _require_reporter(actor, measure, on)
    if on > today:
        raise RuleViolation("return_date_future", "A return is entered on the day it is entered, not later.")
    if not measure.active:
        raise RuleViolation(
            "measure_retired",
            f"'{measure}' was retired; no return is asked of it any more.",
            field="period_start",
            conflict=True,
        )
    period = period_of(measure, period_start)
    if period is None:
        raise RuleViolation(
            "return_not_a_period",
            f"No period of '{measure}' starts on {day(period_start) if period_start else 'that day'}; choose one of "
            f"its {measure.get_frequency_display().lower()} periods, the first starting "
            f"{day(measure.first_period_starts_on)}.",
            field="period_start",
        )
    if period.end > on:
        raise RuleViolation(
            "return_period_not_ended",
            f"The period {day(period.start)} to {day(period.end)} has not ended yet; enter its return once it has.",
            field="period_start",
        )
    existing = MeasureReturn.objects.filter(measure=measure, period_start=period.start).first()
    if existing is not None:
        raise RuleViolation(
            "return_already_entered",
            f"The return for {day(period.start)} to {day(period.end)} was entered on {day(existing.submitted_on)}; "
            "correct that return instead.",
            field="period_start",
            conflict=True,
        )
    value, narrative = _content(measure, value, narrative)
    entry = MeasureReturn(
        measure=measure,
        period_start=period.start,
        period_end=period.end,
        due_on=period.due_on,
        value=value,
        narrative=narrative,
        submitted_on=on,
        submitted_by=actor.user,
        on_behalf_of=measure.reported_by,
    )
    save_checked(entry, "Return entered" + (" late" if entry.is_late else ""))
    return entry


@transaction.atomic
def correct_return(
    *, actor: Access, measure_return: MeasureReturn, reason: str, value=None, narrative: str = ""
) -> MeasureReturn:
    """Correct a return, saying why, by the people who may enter it; history keeps what it replaced.
    The return keeps the day it was first entered, so a late return stays late."""
    entry = MeasureReturn.objects.select_for_update().get(pk=measure_return.pk)
    measure = Measure.objects.select_related("alliance", "reported_by").get(pk=entry.measure_id)
    _require_reporter(actor, measure, timezone.localdate())
    reason = (reason or "").strip()
    if not reason:
        raise RuleViolation(
            "return_reason_required",
            "Say why the return is corrected: the reason is kept in its history.",
            field="reason",
        )
    entry.value, entry.narrative = _content(measure, value, narrative)
    save_checked(entry, f"Return corrected: {reason}")
    return entry
