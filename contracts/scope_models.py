"""Scope and money: the register of service lines, the budget envelope and the savings delivered.

Every service line the alliance's money covers is recorded, in scope of the alliance or retained by the
commissioner (with the reason for retention), with its annual value, provider and the contracts that
deliver it; each change is made by a decision (``changed_by``; the history keeps every version).

The budget envelope records who set it (the commissioner, by a decision) and its reduction trajectory:
from the baseline year's amount, ``annual_reduction_percent`` a year from year ``reduction_from_year``
(5% a year from year 2 in the review). Savings delivered are recorded per financial year, service line
and member, against the savings the trajectory requires.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from alliance.access import MembersLevel, RestrictedQuerySet, RestrictedQuerySetMixin
from alliance.models import Agreement, Alliance, Organisation
from contracts.models import ServiceCategory
from decisions.models import Decision


class ServiceLineQuerySet(RestrictedQuerySetMixin, models.QuerySet):
    def in_scope(self) -> ServiceLineQuerySet:
        return self.filter(in_scope=True, active=True)

    def retained(self) -> ServiceLineQuerySet:
        return self.filter(in_scope=False, active=True)


class ServiceLine(models.Model):
    alliance = models.ForeignKey(Alliance, on_delete=models.PROTECT, related_name="service_lines")
    name = models.CharField(max_length=300)
    service_category = models.CharField(max_length=40, choices=ServiceCategory.choices, blank=True)
    description = models.TextField(blank=True)
    in_scope = models.BooleanField(
        default=True, help_text="In scope of the alliance (true) or retained by the commissioner (false)."
    )
    retention_reason = models.TextField(
        "reason for retention", blank=True, help_text="Why the commissioner keeps it out of the alliance."
    )
    annual_value = models.DecimalField(max_digits=14, decimal_places=2, validators=[MinValueValidator(Decimal("0"))])
    provider = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="service_lines",
        help_text="Who delivers it (the commissioner itself for its own services).",
    )
    changed_by = models.ForeignKey(
        Decision,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="service_lines_changed",
        help_text="The agreed decision behind its latest change (the history keeps each).",
    )
    active = models.BooleanField(default=True, help_text="Still funded (an ended line is kept, not deleted).")
    created_at = models.DateTimeField()

    history = HistoricalRecords()
    read_rule = MembersLevel()
    objects = ServiceLineQuerySet.as_manager()

    class Meta:
        ordering = ["alliance", "-in_scope", "name", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(annual_value__gte=0), name="service_line_value_not_negative"),
            models.CheckConstraint(
                condition=Q(in_scope=True) | ~Q(retention_reason=""), name="service_line_retained_has_reason"
            ),
        ]
        indexes = [models.Index(fields=["alliance", "in_scope", "active"])]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("service-line", kwargs={"slug": self.alliance.slug, "pk": self.pk})


class BudgetEnvelope(models.Model):
    """The money the commissioner puts into the alliance and how it is to fall, year by year."""

    alliance = models.ForeignKey(Alliance, on_delete=models.PROTECT, related_name="budget_envelopes")
    agreement = models.ForeignKey(
        Agreement, on_delete=models.PROTECT, null=True, blank=True, related_name="budget_envelopes"
    )
    baseline_year = models.PositiveIntegerField(
        validators=[MinValueValidator(2000), MaxValueValidator(2100)],
        help_text="The financial year of year 1 (2019 means 2019/20).",
    )
    baseline_amount = models.DecimalField(
        max_digits=14, decimal_places=2, validators=[MinValueValidator(Decimal("0"))], help_text="Year 1's envelope."
    )
    annual_reduction_percent = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=Decimal("5.00"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    reduction_from_year = models.PositiveSmallIntegerField(
        default=2, validators=[MinValueValidator(1)], help_text="The year the reductions start (2: from year 2)."
    )
    years = models.PositiveSmallIntegerField(default=5, validators=[MinValueValidator(1), MaxValueValidator(30)])
    set_by = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="budget_envelopes_set",
        help_text="Who set it (the commissioner).",
    )
    set_by_decision = models.ForeignKey(
        Decision, on_delete=models.PROTECT, null=True, blank=True, related_name="budget_envelopes_set"
    )
    set_on = models.DateField()
    notes = models.TextField(blank=True)

    history = HistoricalRecords()
    read_rule = MembersLevel()
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["alliance", "-set_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(baseline_amount__gte=0), name="envelope_baseline_not_negative"),
            models.CheckConstraint(
                condition=Q(annual_reduction_percent__gte=0) & Q(annual_reduction_percent__lte=100),
                name="envelope_reduction_percent_range",
            ),
        ]

    def __str__(self) -> str:
        return f"Budget envelope from {self.baseline_year}/{str(self.baseline_year + 1)[-2:]}"

    def amount_for(self, year_number: int) -> Decimal:
        """The envelope in year ``year_number`` (1 is the baseline year), compounding the reduction."""
        steps = max(0, year_number - self.reduction_from_year + 1)
        factor = (Decimal(1) - self.annual_reduction_percent / Decimal(100)) ** steps
        return (self.baseline_amount * factor).quantize(Decimal("0.01"))


class SavingsRecord(models.Model):
    """Savings delivered in one financial year on one service line, by one member where it was."""

    alliance = models.ForeignKey(Alliance, on_delete=models.PROTECT, related_name="savings")
    financial_year = models.PositiveIntegerField(validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    service_line = models.ForeignKey(ServiceLine, on_delete=models.PROTECT, related_name="savings")
    member = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="savings_delivered"
    )
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    description = models.TextField(blank=True, help_text="How the saving was made.")
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, null=True, blank=True, related_name="savings")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField()

    history = HistoricalRecords()
    read_rule = MembersLevel()
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["alliance", "financial_year", "service_line", "pk"]
        indexes = [models.Index(fields=["alliance", "financial_year"])]

    def __str__(self) -> str:
        return f"£{self.amount:,} saved on {self.service_line} in {self.financial_year}"
