"""The delivery plan: workstreams, their milestones and the contracts whose end dates depend on them.

A workstream (the outreach redesign) is owned by a role (a role survives turnover), serves one of the
alliance's objectives, says what success is, and is adopted by a decision; its milestones carry a
baseline target (as adopted), the current target (moved only by a decision), the actual date, and a
red / amber / green status with the reason and who set it. Slippage is computed, never typed: the
days from the baseline to the actual date, or to today while a milestone is open and overdue. The
contracts linked to a workstream are the ones whose end dates wait on it (a redesign that slips
extends them).
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from alliance.access import AllOf, ByVisibility, RestrictedQuerySet, RestrictedQuerySetMixin, Through
from alliance.models import Alliance, GoverningBody
from decisions.models import Decision
from roles.models import Role


class WorkstreamQuerySet(RestrictedQuerySetMixin, models.QuerySet):
    def live(self) -> WorkstreamQuerySet:
        """Workstreams being delivered: adopted and not yet completed or closed."""
        return self.filter(status=Workstream.Status.ACTIVE)


class Workstream(models.Model):
    class Status(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        ACTIVE = "active", "Being delivered"
        COMPLETED = "completed", "Completed"
        CLOSED = "closed", "Closed without completing"

    Visibility = Decision.Visibility

    alliance = models.ForeignKey(Alliance, on_delete=models.PROTECT, related_name="workstreams")
    title = models.CharField(max_length=300)
    objective = models.TextField(help_text="What the workstream is to achieve.")
    alliance_objective = models.CharField(
        max_length=300, blank=True, help_text="The alliance objective it serves, in the agreement's words."
    )
    success_definition = models.TextField(blank=True, help_text="How the alliance will know it succeeded.")
    owner_role = models.ForeignKey(
        Role,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="workstreams",
        help_text="The role accountable for it (a role survives turnover).",
    )
    body = models.ForeignKey(
        GoverningBody,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="workstreams",
        help_text="The body it reports to.",
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PROPOSED)
    adopted_by = models.ForeignKey(
        Decision,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="workstreams_adopted",
        help_text="The agreed decision that adopted the plan.",
    )
    changed_by = models.ForeignKey(
        Decision,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="workstreams_changed",
        help_text="The agreed decision behind its latest change (the history keeps each).",
    )
    visibility = models.CharField(max_length=20, choices=Visibility.choices, default=Decision.Visibility.MEMBERS)
    created_at = models.DateTimeField()

    history = HistoricalRecords()
    read_rule = ByVisibility(draft=("status", Status.PROPOSED))
    objects = WorkstreamQuerySet.as_manager()

    class Meta:
        ordering = ["alliance", "title", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="proposed") | Q(adopted_by__isnull=False),
                name="workstream_adopted_when_delivered",
            ),
        ]
        indexes = [
            models.Index(fields=["alliance", "status"]),
            models.Index(fields=["visibility"]),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("workstream", kwargs={"slug": self.alliance.slug, "pk": self.pk})


class WorkstreamContract(models.Model):
    """A contract whose end date depends on a workstream (extended while the redesign is not done)."""

    workstream = models.ForeignKey(Workstream, on_delete=models.CASCADE, related_name="dependent_contracts")
    contract = models.ForeignKey("contracts.Contract", on_delete=models.PROTECT, related_name="workstream_links")
    note = models.CharField(max_length=300, blank=True, help_text="How the contract's end waits on the workstream.")

    history = HistoricalRecords()
    read_rule = AllOf(Through("workstream"), Through("contract"))
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["workstream", "contract", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["workstream", "contract"], name="workstream_contract_once"),
        ]

    def __str__(self) -> str:
        return f"{self.contract} depends on {self.workstream}"


class MilestoneQuerySet(RestrictedQuerySetMixin, models.QuerySet):
    def open(self) -> MilestoneQuerySet:
        return self.filter(actual_on__isnull=True)

    def past_due_on(self, on: date) -> MilestoneQuerySet:
        """Open milestones whose current target is before ``on``."""
        return self.open().filter(target_on__lt=on)


class Milestone(models.Model):
    class Rag(models.TextChoices):
        GREEN = "green", "Green: on track"
        AMBER = "amber", "Amber: at risk"
        RED = "red", "Red: off track"
        COMPLETE = "complete", "Complete"

    workstream = models.ForeignKey(Workstream, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    order = models.PositiveIntegerField(default=0)
    baseline_target_on = models.DateField(help_text="The target date as the plan was adopted.")
    target_on = models.DateField(help_text="The current target date (moved only by a decision).")
    actual_on = models.DateField(null=True, blank=True, help_text="When it was achieved.")
    target_changed_by = models.ForeignKey(
        Decision,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="milestones_moved",
        help_text="The agreed decision that moved the target, when it moved.",
    )
    rag = models.CharField("status", max_length=10, choices=Rag.choices, default=Rag.GREEN)
    rag_reason = models.TextField("reason for the status", blank=True)
    rag_set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    rag_set_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()
    read_rule = Through("workstream")
    objects = MilestoneQuerySet.as_manager()

    class Meta:
        ordering = ["workstream", "order", "target_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(rag__in=["amber", "red"]) | ~Q(rag_reason=""),
                name="milestone_amber_red_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(actual_on__isnull=True) | Q(rag="complete"),
                name="milestone_achieved_is_complete",
            ),
        ]
        indexes = [
            models.Index(fields=["workstream", "order"]),
            models.Index(fields=["actual_on", "target_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.workstream}: {self.title}"

    def slippage_days(self, on: date) -> int:
        """Days late against the baseline: to the actual date, or to ``on`` while open (0 when on time)."""
        end = self.actual_on or max(on, self.target_on)
        return max(0, (end - self.baseline_target_on).days)

    def is_past_due_on(self, on: date) -> bool:
        return self.actual_on is None and self.target_on < on
