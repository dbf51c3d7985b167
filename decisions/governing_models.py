"""The register of the alliance's governing documents: its agreement and schedules, the operating
manual's sections, terms of reference, the scheme of delegation, its procedures and protocols.

Each row is one version of one document, with its status (drafting, agreed, in operation, under
review), the role that owns it (a role survives turnover), its target date, and the decision that
adopted it. A document the agreement requires (``required_by_agreement`` with its clause) and not
yet agreed is what the overview and the oversight dashboard list; the award routes that depend on a
document (``award_routes``: the procurement procedure governs mini-competitions and external
procurement) carry a warning on the award pages while it is not agreed. A new version supersedes the
old one, which is kept, its file unchanged.
"""

from __future__ import annotations

from datetime import date

from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from alliance.access import ByVisibility, RestrictedQuerySetMixin
from alliance.formatting import day
from alliance.models import Alliance, ForwardPlanEntry, GoverningBody
from decisions.models import Decision
from roles.models import Role

# The award routes of contracts.models.Route, with the words contracts uses; decisions sit below contracts.
AwardRoute = ForwardPlanEntry.Route


class GoverningDocumentQuerySet(RestrictedQuerySetMixin, models.QuerySet):
    def current(self) -> GoverningDocumentQuerySet:
        """The versions in force or being worked on: not superseded by a later version."""
        return self.exclude(status=GoverningDocument.Status.SUPERSEDED)

    def not_agreed(self) -> GoverningDocumentQuerySet:
        """Current documents neither agreed nor in operation (drafting, or under review)."""
        return self.current().exclude(status__in=GoverningDocument.IN_FORCE)

    def outstanding(self) -> GoverningDocumentQuerySet:
        """What the agreement requires that is not yet agreed."""
        return self.not_agreed().filter(required_by_agreement=True)


class GoverningDocument(models.Model):
    class Kind(models.TextChoices):
        AGREEMENT = "agreement", "Alliance agreement"
        SCHEDULE = "schedule", "Schedule of the agreement"
        MANUAL_SECTION = "manual_section", "Operating manual section"
        TERMS_OF_REFERENCE = "terms_of_reference", "Terms of reference"
        SCHEME_OF_DELEGATION = "scheme_of_delegation", "Scheme of delegation"
        FINANCIAL_PROCEDURE = "financial_procedure", "Financial procedure"
        PROCUREMENT_PROCEDURE = "procurement_procedure", "Procurement procedure"
        DATA_SHARING = "data_sharing", "Data-sharing protocol"
        COMMUNICATION = "communication", "Communication protocol"
        OTHER = "other", "Other"

    class Status(models.TextChoices):
        DRAFTING = "drafting", "Drafting"
        AGREED = "agreed", "Agreed"
        IN_OPERATION = "in_operation", "In operation"
        UNDER_REVIEW = "under_review", "Under review"
        SUPERSEDED = "superseded", "Superseded"

    Visibility = Decision.Visibility

    # Agreed or in operation: what needs the adopting decision (rule of decisions.services.governing).
    IN_FORCE = (Status.AGREED, Status.IN_OPERATION)

    alliance = models.ForeignKey(Alliance, on_delete=models.PROTECT, related_name="governing_documents")
    title = models.CharField(max_length=300)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    version_label = models.CharField(max_length=50, blank=True, help_text="As the document names it (e.g. v1.2).")
    summary = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFTING)
    owner_role = models.ForeignKey(
        Role,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="governing_documents",
        help_text="The role that keeps the document (a role survives turnover).",
    )
    owner_body = models.ForeignKey(
        GoverningBody,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="governing_documents",
        help_text="The body that owns it, where one does.",
    )
    target_date = models.DateField(null=True, blank=True, help_text="When it is to be agreed.")
    adopted_by = models.ForeignKey(
        Decision,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="governing_documents_adopted",
        help_text="The agreed decision of this alliance that adopted it.",
    )
    required_by_agreement = models.BooleanField(default=False)
    agreement_clause = models.CharField(
        max_length=100, blank=True, help_text="Where the agreement requires it (e.g. Schedule part 10)."
    )
    award_routes = models.JSONField(
        default=list, blank=True, help_text="The award routes that depend on it (the routes' codes)."
    )
    visibility = models.CharField(max_length=20, choices=Visibility.choices, default=Decision.Visibility.MEMBERS)
    supersedes = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
        help_text="The previous version this one replaces.",
    )
    last_reviewed_on = models.DateField(null=True, blank=True)
    next_review_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField()

    holds_documents = True  # its file is a paper (alliance.document_models)

    history = HistoricalRecords()
    # As decisions: a working paper (drafting) never shows on a public register.
    read_rule = ByVisibility(draft=("status", Status.DRAFTING))
    objects = GoverningDocumentQuerySet.as_manager()

    class Meta:
        ordering = ["alliance", "kind", "title", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status__in=["agreed", "in_operation"]) | Q(adopted_by__isnull=False),
                name="governing_document_in_force_adopted",
            ),
        ]
        indexes = [
            models.Index(fields=["alliance", "kind"]),
            models.Index(fields=["alliance", "status"]),
            models.Index(fields=["alliance", "required_by_agreement", "status"]),
            models.Index(fields=["visibility"]),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.version_label})" if self.version_label else self.title

    def get_absolute_url(self) -> str:
        return reverse("governing-document", kwargs={"slug": self.alliance.slug, "pk": self.pk})

    def is_overdue_on(self, on: date) -> bool:
        """Current, not agreed, and its target date has passed."""
        open_statuses = (self.Status.DRAFTING, self.Status.UNDER_REVIEW)
        return self.status in open_statuses and self.target_date is not None and self.target_date < on

    @property
    def status_phrase(self) -> str:
        """The status in a sentence: "which is still being drafted (target 31 March 2021)"."""
        phrase = {
            self.Status.DRAFTING: "still being drafted",
            self.Status.UNDER_REVIEW: "under review",
            self.Status.SUPERSEDED: "superseded",
        }.get(self.status, self.get_status_display().lower())
        return f"{phrase} (target {day(self.target_date)})" if self.target_date else phrase

    def route_labels(self) -> list[str]:
        return [AwardRoute(r).label for r in self.award_routes if r in AwardRoute.values]

    # Papers (alliance.document_models) -------------------------------------------------------

    def documents_refused(self, doing: str) -> str | None:
        """A superseded version keeps its file as it was agreed."""
        if self.status == self.Status.SUPERSEDED:
            return (
                f"The file of {self} cannot be {doing}: this version was superseded. File it with the current "
                "version instead."
            )
        return None

    def may_file_documents(self, access) -> bool:
        """The alliance's record keeper (a secretary of the alliance or of one of its bodies) files it."""
        return access.keeps_record_of(self.alliance_id)
