"""Formal queries and recommendations from the Oversight Group to a body, and the body's answers.

The Oversight Group raises a query (a question to answer) or a recommendation (to accept or reject,
saying why) to one of the alliance's bodies with a due date; the body's answer is recorded with who
and when. Open queries past their due date are overdue. A query may concern a decision, an award
process, a contract or a workstream.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from alliance.access import ByVisibility, RestrictedQuerySetMixin
from alliance.models import Alliance, GoverningBody
from decisions.models import Decision


class OversightQueryQuerySet(RestrictedQuerySetMixin, models.QuerySet):
    def open(self) -> OversightQueryQuerySet:
        return self.filter(status=OversightQuery.Status.OPEN)

    def overdue_on(self, on: date) -> OversightQueryQuerySet:
        return self.open().filter(due_on__lt=on)


class OversightQuery(models.Model):
    class Kind(models.TextChoices):
        QUERY = "query", "Query"
        RECOMMENDATION = "recommendation", "Recommendation"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        ANSWERED = "answered", "Answered"
        WITHDRAWN = "withdrawn", "Withdrawn"

    class Response(models.TextChoices):
        ANSWERED = "answered", "Answered"
        ACCEPTED = "accepted", "Accepted"
        PARTLY_ACCEPTED = "partly_accepted", "Partly accepted"
        REJECTED = "rejected", "Rejected"

    Visibility = Decision.Visibility

    alliance = models.ForeignKey(Alliance, on_delete=models.PROTECT, related_name="oversight_queries")
    reference = models.CharField(max_length=30, help_text="OQ-{YYYY}-{NNN}, allocated when raised.")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.QUERY)
    raised_by_body = models.ForeignKey(GoverningBody, on_delete=models.PROTECT, related_name="oversight_queries_raised")
    to_body = models.ForeignKey(GoverningBody, on_delete=models.PROTECT, related_name="oversight_queries_received")
    subject = models.CharField(max_length=300)
    text = models.TextField()
    raised_on = models.DateField()
    due_on = models.DateField()
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decision = models.ForeignKey(
        Decision, on_delete=models.PROTECT, null=True, blank=True, related_name="oversight_queries"
    )
    award_process = models.ForeignKey(
        "contracts.AwardProcess", on_delete=models.PROTECT, null=True, blank=True, related_name="oversight_queries"
    )
    contract = models.ForeignKey(
        "contracts.Contract", on_delete=models.PROTECT, null=True, blank=True, related_name="oversight_queries"
    )
    workstream = models.ForeignKey(
        "contracts.Workstream", on_delete=models.PROTECT, null=True, blank=True, related_name="oversight_queries"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    response = models.CharField(max_length=20, choices=Response.choices, blank=True)
    answer = models.TextField(blank=True)
    answered_on = models.DateField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answering_decision = models.ForeignKey(
        Decision, on_delete=models.PROTECT, null=True, blank=True, related_name="oversight_answers"
    )
    withdrawal_reason = models.TextField(blank=True, help_text="Why oversight withdrew the query.")
    withdrawn_on = models.DateField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    visibility = models.CharField(max_length=20, choices=Visibility.choices, default=Decision.Visibility.MEMBERS)

    history = HistoricalRecords()
    read_rule = ByVisibility()
    objects = OversightQueryQuerySet.as_manager()

    class Meta:
        ordering = ["alliance", "-raised_on", "-pk"]
        verbose_name_plural = "oversight queries"
        constraints = [
            models.UniqueConstraint(fields=["alliance", "reference"], name="oversight_query_reference_unique"),
            models.CheckConstraint(condition=Q(due_on__gte=models.F("raised_on")), name="oversight_query_due_after"),
            models.CheckConstraint(
                condition=~Q(status="answered") | (~Q(answer="") & Q(answered_on__isnull=False)),
                name="oversight_query_answered_has_answer",
            ),
            models.CheckConstraint(
                condition=~Q(status="withdrawn") | (~Q(withdrawal_reason="") & Q(withdrawn_on__isnull=False)),
                name="oversight_query_withdrawn_has_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["alliance", "status", "due_on"]),
            models.Index(fields=["to_body", "status"]),
            models.Index(fields=["visibility"]),
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.subject}"

    def get_absolute_url(self) -> str:
        return reverse("oversight-query", kwargs={"slug": self.alliance.slug, "pk": self.pk})

    def is_overdue_on(self, on: date) -> bool:
        return self.status == self.Status.OPEN and self.due_on < on
