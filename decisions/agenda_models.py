"""A meeting's agenda: ordered items, each with its purpose, presenter, time, the decision or award
process it brings, its papers (``alliance.Document``) and, once the meeting is held, its minute.

The agenda is built by the body's secretary and published to the body's seats a set number of days
before the meeting (``GoverningBody.agenda_notice_days``); an item added or changed after publishing
is marked so (``changed_after_publishing_at``), and an item taken off a published agenda is kept,
withdrawn, so that what members were sent stays on the record.
"""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from alliance.access import RestrictedQuerySet, Through
from roles.models import Person


class AgendaItem(models.Model):
    class Purpose(models.TextChoices):
        DECISION = "decision", "For decision"
        DISCUSSION = "discussion", "For discussion"
        INFORMATION = "information", "For information"

    class Status(models.TextChoices):
        LISTED = "listed", "On the agenda"
        WITHDRAWN = "withdrawn", "Withdrawn"

    meeting = models.ForeignKey("decisions.Meeting", on_delete=models.PROTECT, related_name="agenda_items")
    position = models.PositiveIntegerField(help_text="The item's number on the agenda, from 1.")
    title = models.CharField(max_length=300)
    purpose = models.CharField(max_length=20, choices=Purpose.choices, default=Purpose.DISCUSSION)
    description = models.TextField(blank=True)
    presenter = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="agenda_items_presented"
    )
    duration_minutes = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="The time set aside for the item, in minutes."
    )
    decision = models.ForeignKey(
        "decisions.Decision", on_delete=models.PROTECT, null=True, blank=True, related_name="agenda_items"
    )
    # A string reference: the agenda names the award process it brings without decisions importing contracts.
    award_process = models.ForeignKey(
        "contracts.AwardProcess", on_delete=models.PROTECT, null=True, blank=True, related_name="agenda_items"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.LISTED)
    changed_after_publishing_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Set when the item is added, changed or withdrawn after the agenda was published.",
    )
    change_note = models.CharField(max_length=300, blank=True, help_text="What changed after publishing, and why.")
    discussion = models.TextField(blank=True, help_text="The minute of the item: what was discussed and concluded.")

    holds_documents = True  # papers are filed with agenda items (alliance.document_models)

    history = HistoricalRecords()
    read_rule = Through("meeting")
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["meeting", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "position"], name="agenda_item_position_once"),
            models.CheckConstraint(condition=Q(position__gte=1), name="agenda_item_position_from_one"),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.title}"

    def get_absolute_url(self) -> str:
        meeting = self.meeting
        return reverse("meeting-detail", kwargs={"slug": meeting.body.alliance.slug, "pk": meeting.pk}) + (
            f"#item-{self.pk}"
        )

    def may_file_documents(self, access) -> bool:
        """The meeting's body's secretary files the item's papers."""
        return access.is_secretary_of(self.meeting.body)

    @property
    def documents_alliance_id(self) -> int:
        return self.meeting.body.alliance_id

    def documents_refused(self, doing: str) -> str | None:
        """An item's papers are the meeting's record: kept as they were once its minutes are approved. (A sealed
        decision the item brings for information does not seal the item's own papers; the decision's papers are
        the decision's, sealed with it.)"""
        if self.meeting.minutes_approved_by_id:
            return (
                f"The papers of item {self.position} cannot be {doing}: the meeting's minutes are approved, so its "
                "record is sealed."
            )
        return None
