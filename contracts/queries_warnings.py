"""The warnings of delivery oversight (issue 21, part 4), as plain data: contracts ending within the notice
period without a decision on their future, milestones past their target, and performance returns missing.

Each function answers one of the oversight view's questions for one alliance (or, for the scheduled
notifications, every alliance: ``alliance=None``), as of a date given by the caller, read through the
models' read rule with ``access`` (``None`` only for the scheduled command, which reads as the system and
decides per recipient who may read each record: contracts/notifications.py). Each is a fixed number of
queries, whatever the alliance holds.

The notice period: a contract enters it ``CONTRACT_NOTICE_MONTHS`` (default 9) months before its end (its
current ``ends_on``); from then on, until a decision on its future is recorded (``Contract.future_decision``),
it is warned of. The decision is due ``CONTRACT_DECISION_DUE_MONTHS`` (default 6) months before the end, so
that its provider has that much notice of what happens next.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db.models import Prefetch, QuerySet

from alliance.access import Access
from alliance.models import Alliance, ForwardPlanEntry
from contracts.delivery_models import Milestone, Workstream
from contracts.measure_models import Measure, MeasureReturn, Period, _add_months
from contracts.models import Contract

__all__ = [
    "ContractWarning",
    "MilestoneWarning",
    "ReturnWarning",
    "notice_starts_on",
    "decision_due_on",
    "in_notice_without_decision",
    "contracts_ending_without_decision",
    "milestones_past_due",
    "returns_missing",
    "warnings_of",
]


def notice_starts_on(ends_on: date) -> date:
    """The first day of the notice period of a contract ending on ``ends_on``."""
    return _add_months(ends_on, -settings.CONTRACT_NOTICE_MONTHS)


def decision_due_on(ends_on: date) -> date:
    """The notice deadline: the decision on the future of a contract ending on ``ends_on`` is due by then."""
    return _add_months(ends_on, -settings.CONTRACT_DECISION_DUE_MONTHS)


def in_notice_without_decision(qs: QuerySet[Contract], on: date) -> QuerySet[Contract]:
    """The active contracts of ``qs`` inside their notice period on ``on`` (not yet ended) with no decision
    recorded on their future."""
    return qs.filter(
        status=Contract.Status.ACTIVE,
        future_decision__isnull=True,
        ends_on__gte=on,
        ends_on__lte=_add_months(on, settings.CONTRACT_NOTICE_MONTHS),
    )


@dataclass(frozen=True)
class ContractWarning:
    """A contract inside its notice period with no decision on its future."""

    contract: Contract
    notice_starts_on: date
    decision_due_on: date
    days_left: int  # to the contract's end
    overdue: bool  # the notice deadline has passed
    entry: ForwardPlanEntry | None  # the forward plan's entry announcing the decision, when published


@dataclass(frozen=True)
class MilestoneWarning:
    """An open milestone of a workstream being delivered, past its current target."""

    milestone: Milestone
    past_due_on: date  # the first day it was past due
    days_late: int
    slippage_days: int  # against the baseline


@dataclass(frozen=True)
class ReturnWarning:
    """A period of an active measure whose return was due and has not been entered."""

    measure: Measure
    period: Period
    days_late: int


Alliances = Alliance | Iterable[int] | None


def _restricted(qs: QuerySet, access: Access | None) -> QuerySet:
    return qs if access is None else qs.restrict(access)


def _of(qs: QuerySet, field: str, alliance: Alliances) -> QuerySet:
    """``qs`` narrowed to one alliance, to several (their ids: the home page's), or not at all (None)."""
    if alliance is None:
        return qs
    if isinstance(alliance, Alliance):
        return qs.filter(**{field: alliance.pk})
    return qs.filter(**{f"{field}__in": list(alliance)})


def contracts_ending_without_decision(alliance: Alliances, access: Access | None, on: date) -> list[ContractWarning]:
    """Which contracts end within the notice period without a decision on their future, the soonest end
    first: when each entered the notice period, when the decision is due, and its forward plan entry."""
    qs = _of(Contract.objects.all(), "alliance_id", alliance)
    contracts = list(
        in_notice_without_decision(_restricted(qs, access), on)
        .select_related("alliance", "provider", "forward_plan_entry")
        .order_by("ends_on", "title", "pk")
    )
    # The entry is named only to a reader of it (an unpublished one: its keepers and oversight).
    linked = [c.forward_plan_entry_id for c in contracts if c.forward_plan_entry_id]
    readable = (
        set(linked)
        if access is None
        else set(ForwardPlanEntry.objects.restrict(access).filter(pk__in=linked).values_list("pk", flat=True))
        if linked
        else set()
    )
    rows = []
    for contract in contracts:
        due = decision_due_on(contract.ends_on)
        entry = contract.forward_plan_entry if contract.forward_plan_entry_id in readable else None
        rows.append(
            ContractWarning(
                contract=contract,
                notice_starts_on=notice_starts_on(contract.ends_on),
                decision_due_on=due,
                days_left=(contract.ends_on - on).days,
                overdue=due < on,
                entry=entry,
            )
        )
    return rows


def milestones_past_due(alliance: Alliances, access: Access | None, on: date) -> list[MilestoneWarning]:
    """Which milestones of workstreams being delivered are past their current target and not achieved, the
    longest overdue first, with their slippage against the baseline."""
    qs = _of(Milestone.objects.filter(workstream__status=Workstream.Status.ACTIVE), "workstream__alliance_id", alliance)
    milestones = (
        _restricted(qs, access)
        .past_due_on(on)
        .select_related("workstream__alliance", "workstream__owner_role")
        .order_by("target_on", "pk")
    )
    return [
        MilestoneWarning(
            milestone=m,
            past_due_on=m.target_on + timedelta(days=1),
            days_late=(on - m.target_on).days,
            slippage_days=m.slippage_days(on),
        )
        for m in milestones
    ]


def returns_missing(alliance: Alliances, access: Access | None, on: date) -> list[ReturnWarning]:
    """Which returns of active measures were due before ``on`` and have not been entered, the oldest due
    first (two queries: the measures, and the periods they have returns for)."""
    qs = _of(Measure.objects.active().filter(first_period_starts_on__lt=on), "alliance_id", alliance)
    measures = (
        _restricted(qs, access)
        .select_related("alliance", "reported_by", "contract")
        .prefetch_related(Prefetch("returns", queryset=MeasureReturn.objects.only("pk", "measure_id", "period_start")))
        .order_by("name", "pk")
    )
    rows = []
    for measure in measures:
        returned = {r.period_start for r in measure.returns.all()}
        for period in measure.missing_periods(on, returned):
            rows.append(ReturnWarning(measure=measure, period=period, days_late=(on - period.due_on).days))
    return sorted(rows, key=lambda r: (r.period.due_on, r.measure.name, r.measure.pk))


def warnings_of(alliance: Alliance, access: Access, on: date) -> dict:
    """The three lists of the warnings page, the dashboard and the API, and how many each holds."""
    contracts = contracts_ending_without_decision(alliance, access, on)
    milestones = milestones_past_due(alliance, access, on)
    returns = returns_missing(alliance, access, on)
    return {
        "contracts": contracts,
        "milestones": milestones,
        "returns": returns,
        "total": len(contracts) + len(milestones) + len(returns),
    }
