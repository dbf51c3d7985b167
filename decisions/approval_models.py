"""The approval an outside body gives (or refuses) to a decision agreed beyond the authority it delegated.

It is an appended, attributed record: the sealed decision stays as it was closed, and the approval
completes it (its status becomes AGREED and what it agreed takes effect) or ends it (NOT_APPROVED).
"""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from alliance.access import RestrictedQuerySet, Through
from alliance.errors import RuleViolation
from alliance.models import GoverningBody
from decisions.models import Decision


class DecisionApproval(models.Model):
    class Outcome(models.TextChoices):
        APPROVED = "approved", "Approved"
        REFUSED = "refused", "Approval refused"

    decision = models.OneToOneField(Decision, on_delete=models.PROTECT, related_name="approval")
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    body = models.ForeignKey(
        GoverningBody,
        on_delete=models.PROTECT,
        related_name="approvals_given",
        help_text="The outside body that gave or refused the approval.",
    )
    approving_decision = models.ForeignKey(
        Decision,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="approves",
        help_text="The outside body's decision in this log, where there is one.",
    )
    approver = models.CharField(
        max_length=200, blank=True, help_text="Who gave it, where not the whole body (e.g. its chief officer)."
    )
    reference = models.CharField(max_length=200, blank=True, help_text="The outside body's minute or paper.")
    given_on = models.DateField()
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField()

    history = HistoricalRecords()
    read_rule = Through("decision")
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-given_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(reference="") | models.Q(approving_decision__isnull=False),
                name="approval_has_reference_or_decision",
            ),
        ]
        indexes = [models.Index(fields=["body", "given_on"])]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} by {self.body.code}: {self.decision}"

    def save(self, *args, **kwargs):
        # Appended, never edited: a wrong approval is answered by the record of the decision's successor.
        if self.pk:
            raise RuleViolation(
                "approval_sealed", "A recorded approval cannot be changed; it stays on the record.", conflict=True
            )
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuleViolation("approval_sealed", "A recorded approval cannot be deleted; it stays on the record.")

    @property
    def source(self) -> str:
        """How the approval is cited: the outside body's decision, or the reference recorded."""
        if self.approving_decision_id:
            return self.approving_decision.reference
        return self.reference
