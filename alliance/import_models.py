"""The provenance of an import: which file brought which records into an alliance's registers, who
confirmed it and when (issue 22). The rows themselves went through the registers' own services."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from alliance.access import Matching, RestrictedQuerySet


def import_runs_readable(access, prefix=""):
    """An alliance's imports are read by those who may import into it (its secretaries, and staff) and by
    its oversight group, which audits where its records came from."""
    if access.staff:
        return None
    keepers = access.secretary_of_alliances | {alliance for alliance, _ in access.secretaryships}
    return Q(**{f"{prefix}alliance_id__in": keepers | access.oversight_of})


class ImportRun(models.Model):
    """One confirmed import of a file: what it was (name, SHA-256, size), into which register of which
    alliance, who confirmed it, when, and the records it created (a dry run leaves no trace)."""

    class Kind(models.TextChoices):
        DECISIONS = "decisions", "Decision log"
        ROLES = "roles", "Role history"
        INTERESTS = "interests", "Interests register"
        MEMBERS = "members", "Member list"

    alliance = models.ForeignKey("alliance.Alliance", on_delete=models.PROTECT, related_name="import_runs")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    file_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64, help_text="The SHA-256 of the file's bytes, in hexadecimal.")
    size = models.PositiveIntegerField(help_text="The file's size in bytes.")
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    imported_at = models.DateTimeField()
    rows = models.PositiveIntegerField(help_text="The rows of the file imported.")
    records_created = models.PositiveIntegerField()
    created = models.JSONField(
        default=list, blank=True, help_text='What the import created: [{"model", "id", "label", "url"}], in order.'
    )

    history = HistoricalRecords()
    read_rule = Matching(import_runs_readable)
    audit_follows_record = True  # the members' audit trail shows an import's links only to who reads it
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-imported_at", "-pk"]
        indexes = [models.Index(fields=["alliance", "-imported_at"]), models.Index(fields=["sha256"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} from {self.file_name}"

    def get_absolute_url(self) -> str:
        return reverse("import-detail", kwargs={"slug": self.alliance.slug, "pk": self.pk})
