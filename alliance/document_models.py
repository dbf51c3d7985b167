"""Papers and documents: files attached to a record of any app, kept in versions.

A :class:`Document` belongs to one record (an agenda item, a decision, an award process, a
governing document...), its *owner*, and is exactly as readable as that record: its read rule
(:class:`FollowsOwner`) asks the owner's own rule, so a paper never shows wider than the record it
was filed with. Its files are :class:`DocumentVersion` rows: a new file is a new version, and the
old ones are kept with who uploaded them, when, their size, type and SHA-256.

The models live in the alliance core so that every app can attach papers without this app
importing them: a model that takes papers says so with ``holds_documents = True`` and may answer
``documents_refused(doing)`` with a sentence when papers can no longer change (a sealed decision).
"""

from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from alliance.access import NOTHING, ReadRule, RestrictedQuerySet, can_read, restrict


def document_owner_models() -> list[type[models.Model]]:
    """The models that take papers (``holds_documents = True``), in a stable order."""
    return sorted(
        (m for m in apps.get_models() if getattr(m, "holds_documents", False)), key=lambda m: m._meta.label_lower
    )


class FollowsOwner(ReadRule):
    """As readable as the record the document was filed with: one subquery per kind of owner, each
    through that owner's own read rule."""

    def __init__(self, prefix_to_document: str = ""):
        self.to_document = prefix_to_document

    def q(self, access, prefix=""):
        if access.staff:
            return None
        base = f"{prefix}{self.to_document}"
        parts = []
        for owner in document_owner_models():
            readable = restrict(owner._default_manager.all(), access).values("pk")
            parts.append(
                Q(
                    **{
                        f"{base}owner_type_id": ContentType.objects.get_for_model(owner).pk,
                        f"{base}owner_id__in": readable,
                    }
                )
            )
        if not parts:
            return NOTHING
        combined = parts[0]
        for part in parts[1:]:
            combined |= part
        return combined

    def allows(self, access, obj):
        if access.staff:
            return True
        document = obj
        for part in filter(None, self.to_document.rstrip("_").split("__")):
            document = getattr(document, part)
        owner = document.owner if document is not None else None
        return owner is not None and can_read(access, owner)


class Document(models.Model):
    """A paper filed with one record; its files are its versions (the newest is current)."""

    class Kind(models.TextChoices):
        PAPER = "paper", "Paper"
        REPORT = "report", "Report"
        BID = "bid", "Bid"
        EVALUATION_REPORT = "evaluation_report", "Evaluation report"
        GOVERNING = "governing", "Governing document"
        MINUTES = "minutes", "Signed-off minutes"
        BOARD_PACK = "board_pack", "Board pack"
        OTHER = "other", "Other"

    alliance = models.ForeignKey(
        "alliance.Alliance", on_delete=models.PROTECT, related_name="documents", help_text="The owner's alliance."
    )
    owner_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    owner_id = models.PositiveBigIntegerField()
    owner = GenericForeignKey("owner_type", "owner_id")
    title = models.CharField(max_length=300)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.PAPER)
    description = models.TextField(blank=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="documents_filed"
    )
    withdrawn_at = models.DateTimeField(
        null=True, blank=True, help_text="Set when the paper is withdrawn from its record; its versions are kept."
    )
    withdrawn_reason = models.TextField(blank=True)

    history = HistoricalRecords()
    read_rule = FollowsOwner()
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["owner_type", "owner_id", "created_at", "pk"]
        indexes = [models.Index(fields=["owner_type", "owner_id"]), models.Index(fields=["alliance", "kind"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("document-detail", kwargs={"slug": self.alliance.slug, "pk": self.pk})


class DocumentVersion(models.Model):
    """One file of a document, as uploaded: never replaced in place, never deleted."""

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    file = models.FileField(upload_to="documents/%Y/%m/", max_length=300)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField(help_text="In bytes.")
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="document_versions"
    )
    note = models.TextField(blank=True, help_text="What changed in this version.")

    history = HistoricalRecords()
    read_rule = FollowsOwner("document__")
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["document", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="document_version_number_once"),
            models.CheckConstraint(condition=Q(number__gte=1), name="document_version_number_from_one"),
        ]

    def __str__(self) -> str:
        return f"{self.document} (version {self.number})"

    def get_absolute_url(self) -> str:
        document = self.document
        return reverse(
            "document-download", kwargs={"slug": document.alliance.slug, "pk": document.pk, "number": self.number}
        )
