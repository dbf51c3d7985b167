"""Performance measures and their periodic returns.

A measure belongs to a contract, a service category or a workstream (at least one): its name,
definition, unit, direction (higher or lower is better, or narrative for a qualitative measure), its
target, how often it is returned, and which organisation reports it. Some are co-defined with the
lived-experience members (``co_defined_with``) and may be qualitative: their returns are narratives.
A return covers one period; it is due a set number of days after the period ends; one entered after
its due date is late, and a period past its due date with no return is missing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from alliance.access import ByVisibility, RestrictedQuerySetMixin, Through
from alliance.models import Alliance, Organisation
from contracts.models import ServiceCategory
from decisions.models import Decision

MONTHS = {"monthly": 1, "quarterly": 3, "annual": 12}


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    # Periods start on a month's first days in practice; a 31st falls back to the month's last day.
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


@dataclass(frozen=True)
class Period:
    """One reporting period of a measure and when its return is due."""

    start: date
    end: date
    due_on: date


class MeasureQuerySet(RestrictedQuerySetMixin, models.QuerySet):
    def active(self) -> MeasureQuerySet:
        return self.filter(active=True)


class Measure(models.Model):
    class Direction(models.TextChoices):
        HIGHER = "higher", "Higher is better"
        LOWER = "lower", "Lower is better"
        NARRATIVE = "narrative", "Narrative (qualitative)"

    class Frequency(models.TextChoices):
        MONTHLY = "monthly", "Monthly"
        QUARTERLY = "quarterly", "Quarterly"
        ANNUAL = "annual", "Annually"

    Visibility = Decision.Visibility

    alliance = models.ForeignKey(Alliance, on_delete=models.PROTECT, related_name="measures")
    name = models.CharField(max_length=300)
    definition = models.TextField(help_text="What is counted or described, and how.")
    unit = models.CharField(max_length=50, blank=True, help_text="e.g. people, %, days, nights.")
    direction = models.CharField(max_length=10, choices=Direction.choices)
    target = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    frequency = models.CharField(max_length=10, choices=Frequency.choices, default=Frequency.QUARTERLY)
    first_period_starts_on = models.DateField(help_text="The start of the first period returned.")
    due_days_after_period = models.PositiveSmallIntegerField(
        default=20, help_text="Days after a period ends that its return is due."
    )
    contract = models.ForeignKey(
        "contracts.Contract", on_delete=models.PROTECT, null=True, blank=True, related_name="measures"
    )
    service_category = models.CharField(max_length=40, blank=True, choices=ServiceCategory.choices)
    workstream = models.ForeignKey(
        "contracts.Workstream", on_delete=models.PROTECT, null=True, blank=True, related_name="measures"
    )
    reported_by = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="measures_reported",
        help_text="The organisation whose representative enters the returns (the secretary may too).",
    )
    co_defined_with = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="measures_co_defined",
        help_text="The lived-experience member it was defined with, where it was.",
    )
    adopted_by = models.ForeignKey(
        Decision, on_delete=models.PROTECT, null=True, blank=True, related_name="measures_adopted"
    )
    active = models.BooleanField(default=True)
    visibility = models.CharField(max_length=20, choices=Visibility.choices, default=Decision.Visibility.MEMBERS)
    created_at = models.DateTimeField()

    history = HistoricalRecords()
    read_rule = ByVisibility()
    objects = MeasureQuerySet.as_manager()

    class Meta:
        ordering = ["alliance", "name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(contract__isnull=False) | ~Q(service_category="") | Q(workstream__isnull=False),
                name="measure_has_a_subject",
            ),
            models.CheckConstraint(
                condition=Q(direction="narrative") | Q(target__isnull=False),
                name="measure_numeric_has_target",
            ),
        ]
        indexes = [
            models.Index(fields=["alliance", "active"]),
            models.Index(fields=["visibility"]),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("measure", kwargs={"slug": self.alliance.slug, "pk": self.pk})

    @property
    def is_narrative(self) -> bool:
        return self.direction == self.Direction.NARRATIVE

    def period_starting(self, start: date) -> Period:
        end = _add_months(start, MONTHS[self.frequency]) - timedelta(days=1)
        return Period(start, end, end + timedelta(days=self.due_days_after_period))

    def periods_due_by(self, on: date) -> list[Period]:
        """Every period whose return was due before ``on``, oldest first."""
        periods, index = [], 0
        while True:
            period = self.period_starting(_add_months(self.first_period_starts_on, index * MONTHS[self.frequency]))
            if period.due_on >= on:
                return periods
            periods.append(period)
            index += 1

    def missing_periods(self, on: date, returned: set[date] | None = None) -> list[Period]:
        """Periods due before ``on`` with no return (``returned``: the starts of the periods returned,
        when the caller read them already; else one query)."""
        if not self.active:
            return []
        if returned is None:
            returned = set(self.returns.values_list("period_start", flat=True))
        return [period for period in self.periods_due_by(on) if period.start not in returned]


class MeasureReturnQuerySet(RestrictedQuerySetMixin, models.QuerySet):
    def late(self) -> MeasureReturnQuerySet:
        return self.filter(submitted_on__gt=models.F("due_on"))


class MeasureReturn(models.Model):
    measure = models.ForeignKey(Measure, on_delete=models.PROTECT, related_name="returns")
    period_start = models.DateField()
    period_end = models.DateField()
    due_on = models.DateField()
    value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    narrative = models.TextField(blank=True)
    submitted_on = models.DateField()
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    on_behalf_of = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="measure_returns"
    )

    history = HistoricalRecords()
    read_rule = Through("measure")
    objects = MeasureReturnQuerySet.as_manager()

    class Meta:
        ordering = ["measure", "period_start", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["measure", "period_start"], name="measure_return_once_per_period"),
            models.CheckConstraint(condition=Q(period_end__gte=models.F("period_start")), name="return_period_order"),
            models.CheckConstraint(
                condition=Q(value__isnull=False) | ~Q(narrative=""), name="return_has_value_or_narrative"
            ),
        ]
        indexes = [models.Index(fields=["measure", "period_start"])]

    def __str__(self) -> str:
        return f"{self.measure}: {self.period_start} to {self.period_end}"

    @property
    def is_late(self) -> bool:
        return self.submitted_on > self.due_on

    def is_due_by(self, on: date) -> bool:
        return self.due_on < on
