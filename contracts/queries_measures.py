"""Reads of performance measures and their returns: the alliance's measures with their latest value against
target, a measure's returns for its chart, and the answer to oversight's question "how does each service
perform against its measures" (:func:`service_performance`), as plain data.

Each reader passes its ``access``: every list goes through the one read rule (``restrict``). Dates are
parameters (``on``), never today inside a query.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery

from alliance.access import Access
from alliance.models import Alliance
from contracts.measure_models import MONTHS, Measure, MeasureReturn, Period, _add_months
from contracts.models import ServiceCategory

__all__ = [
    "MeasureRow",
    "annotate_latest",
    "measure_rows",
    "measures_of",
    "off_target_q",
    "on_target",
    "return_off_target_q",
    "returns_of",
    "measure_chart",
    "periods_started_by",
    "service_performance",
    "RETURN_HEADER",
    "return_row",
]


def on_target(measure: Measure, value: Decimal | None) -> bool | None:
    """Whether ``value`` meets the measure's target in its direction; None for a narrative or no value."""
    if value is None or measure.is_narrative or measure.target is None:
        return None
    if measure.direction == Measure.Direction.HIGHER:
        return value >= measure.target
    return value <= measure.target


def annotate_latest(measures: QuerySet) -> QuerySet:
    """Annotate ``latest_value`` (the value of the latest period returned) and ``has_late`` (a return
    entered after its due date), so lists filter on them in SQL."""
    latest = MeasureReturn.objects.filter(measure=OuterRef("pk")).order_by("-period_start")
    late = MeasureReturn.objects.filter(measure=OuterRef("pk"), submitted_on__gt=F("due_on"))
    return measures.annotate(latest_value=Subquery(latest.values("value")[:1]), has_late=Exists(late))


def off_target_q() -> Q:
    """Measures annotated by :func:`annotate_latest` whose latest value misses the target."""
    return Q(direction=Measure.Direction.HIGHER, latest_value__lt=F("target")) | Q(
        direction=Measure.Direction.LOWER, latest_value__gt=F("target")
    )


def return_off_target_q() -> Q:
    """Returns whose value misses their measure's target."""
    return Q(measure__direction=Measure.Direction.HIGHER, value__lt=F("measure__target")) | Q(
        measure__direction=Measure.Direction.LOWER, value__gt=F("measure__target")
    )


def measures_of(alliance: Alliance | None, access: Access) -> QuerySet:
    """The measures the caller may read (of one alliance, or all), with what their rows show, in two queries
    whatever their number: the measures, then their returns."""
    measures = Measure.objects.all() if alliance is None else Measure.objects.filter(alliance=alliance)
    return annotate_latest(
        measures.restrict(access)
        .select_related("alliance", "contract", "workstream", "reported_by", "co_defined_with", "adopted_by")
        .prefetch_related(Prefetch("returns", queryset=MeasureReturn.objects.order_by("period_start", "pk")))
    )


def returns_of(alliance: Alliance | None, access: Access) -> QuerySet:
    """The returns the caller may read, with their measure and who entered them, oldest period first."""
    returns = (
        MeasureReturn.objects.all() if alliance is None else MeasureReturn.objects.filter(measure__alliance=alliance)
    )
    return (
        returns.restrict(access)
        .select_related("measure__alliance", "measure__contract", "measure__workstream", "on_behalf_of", "submitted_by")
        .order_by("measure__name", "measure_id", "period_start", "pk")
    )


def subject_of(measure: Measure) -> tuple[str, str, str]:
    """(kind, key, label) of the measure's subject: its contract, service category or workstream."""
    if measure.contract_id:
        return "contract", f"contract-{measure.contract_id}", measure.contract.title
    if measure.workstream_id:
        return "workstream", f"workstream-{measure.workstream_id}", measure.workstream.title
    return "category", f"category-{measure.service_category}", ServiceCategory(measure.service_category).label


@dataclass
class MeasureRow:
    """One measure as the pages and oversight read it on a date."""

    measure: Measure
    latest: MeasureReturn | None
    on_target: bool | None
    late: list[MeasureReturn]
    missing: list[Period]
    subject_kind: str
    subject: str

    @property
    def status(self) -> str:
        if self.latest is None:
            return "no return"
        if self.on_target is None:
            return "narrative"
        return "on target" if self.on_target else "off target"


def measure_row(measure: Measure, on: date) -> MeasureRow:
    """The row of one measure read by :func:`measures_of` (its returns prefetched): no query."""
    returns = list(measure.returns.all())
    latest = returns[-1] if returns else None
    kind, _, label = subject_of(measure)
    return MeasureRow(
        measure=measure,
        latest=latest,
        on_target=on_target(measure, latest.value) if latest else None,
        late=[r for r in returns if r.is_late],
        missing=measure.missing_periods(on, returned={r.period_start for r in returns}),
        subject_kind=kind,
        subject=label,
    )


def measure_rows(measures: QuerySet, on: date) -> list[MeasureRow]:
    return [measure_row(m, on) for m in measures]


def periods_started_by(measure: Measure, on: date) -> list[Period]:
    """The measure's periods that had started by ``on``, oldest first (the return form's choices)."""
    periods, index = [], 0
    while True:
        period = measure.period_starting(_add_months(measure.first_period_starts_on, index * MONTHS[measure.frequency]))
        if period.start > on:
            return periods
        periods.append(period)
        index += 1


def measure_chart(measure: Measure, returns: list[MeasureReturn]) -> dict:
    """The measure's returns against its target, in the shape the project's chart script draws
    (static/js/dashboard.js): one label per period returned, the values and the target as two series."""
    numeric = [r for r in returns if r.value is not None]
    labels = [f"{r.period_start:%b %Y}" for r in numeric]
    series = [{"label": f"{measure.name} ({measure.unit})" if measure.unit else measure.name, "data": []}]
    series[0]["data"] = [float(r.value) for r in numeric]
    if measure.target is not None:
        series.append({"label": "Target", "data": [float(measure.target)] * len(numeric)})
    return {"measure": {"labels": labels, "series": series}}


@dataclass
class ServicePerformance:
    """How one service (a contract, a service category or a workstream) performs against its measures."""

    kind: str
    subject: str
    rows: list[MeasureRow] = field(default_factory=list)

    @property
    def on_target(self) -> int:
        return sum(1 for r in self.rows if r.on_target is True)

    @property
    def off_target(self) -> int:
        return sum(1 for r in self.rows if r.on_target is False)

    @property
    def late(self) -> int:
        return sum(len(r.late) for r in self.rows)

    @property
    def missing(self) -> int:
        return sum(len(r.missing) for r in self.rows)

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "subject": self.subject,
            "on_target": self.on_target,
            "off_target": self.off_target,
            "late_returns": self.late,
            "missing_returns": self.missing,
            "measures": [
                {
                    "id": r.measure.pk,
                    "name": r.measure.name,
                    "unit": r.measure.unit,
                    "direction": r.measure.direction,
                    "target": r.measure.target,
                    "latest_period_start": r.latest.period_start if r.latest else None,
                    "latest_value": r.latest.value if r.latest else None,
                    "latest_narrative": r.latest.narrative if r.latest else "",
                    "status": r.status,
                    "late_returns": len(r.late),
                    "missing_periods": [p.start for p in r.missing],
                    "co_defined_with": str(r.measure.co_defined_with) if r.measure.co_defined_with_id else None,
                    "url": r.measure.get_absolute_url(),
                }
                for r in self.rows
            ],
        }


def service_performance(alliance: Alliance, access: Access, on: date) -> list[dict]:
    """Oversight's question "how does each service perform against its measures", on ``on``.

    One entry per service (contract, service category or workstream) with active measures the caller may
    read, the services with most measures off target first: its counts of measures on and off target, of
    late returns and of periods due with no return, and each measure's latest value against its target
    (``status``: on target, off target, narrative, or no return). Two queries, whatever the number."""
    services: dict[str, ServicePerformance] = {}
    for row in measure_rows(measures_of(alliance, access).filter(active=True), on):
        kind, key, label = subject_of(row.measure)
        services.setdefault(key, ServicePerformance(kind, label)).rows.append(row)
    ordered = sorted(services.values(), key=lambda s: (-s.off_target, -s.missing, s.subject))
    return [s.as_dict() for s in ordered]


RETURN_HEADER = [
    "measure",
    "subject",
    "period_start",
    "period_end",
    "due_on",
    "submitted_on",
    "late",
    "value",
    "unit",
    "target",
    "direction",
    "on_target",
    "narrative",
    "reported_by",
    "entered_by",
]


def return_row(entry: MeasureReturn) -> list:
    measure = entry.measure
    hit = on_target(measure, entry.value)
    return [
        measure.name,
        subject_of(measure)[2],
        entry.period_start.isoformat(),
        entry.period_end.isoformat(),
        entry.due_on.isoformat(),
        entry.submitted_on.isoformat(),
        "yes" if entry.is_late else "no",
        float(entry.value) if entry.value is not None else None,
        measure.unit,
        float(measure.target) if measure.target is not None else None,
        measure.get_direction_display(),
        "" if hit is None else ("yes" if hit else "no"),
        entry.narrative,
        str(entry.on_behalf_of) if entry.on_behalf_of_id else "",
        entry.submitted_by.get_username() if entry.submitted_by_id else "",
    ]
