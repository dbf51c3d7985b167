"""Meetings, the decision log and votes.

A decision is drafted, opened for votes (its reference ``{BODY}-{YYYY}-{NNN}`` is allocated on
opening, so the log's numbers are exactly the matters put to members), then closed with an
outcome (rule 3). Once AGREED, NOT_AGREED, LAPSED or WITHDRAWN it is sealed (rule 4): change comes only
through a new decision that amends or supersedes it.
"""

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.db.models.signals import m2m_changed
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from alliance.access import (
    NOTHING,
    WIDEST_FIRST,
    AllOf,
    AnyOf,
    ByVisibility,
    MembersLevel,
    ReadRule,
    RestrictedQuerySet,
    RestrictedQuerySetMixin,
    Through,
    Widening,
    wider,
)
from alliance.bulk_guard import HistoryGuardMixin
from alliance.choices import DecisionKind
from alliance.errors import RuleViolation
from alliance.formatting import day
from alliance.models import Alliance, GoverningBody, Membership, Organisation
from roles.models import DelegatedAuthority, InterestDeclaration, Person, Role, RoleAssignment


class Meeting(models.Model):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        HELD = "held", "Held"
        CANCELLED = "cancelled", "Cancelled"

    body = models.ForeignKey(GoverningBody, on_delete=models.PROTECT, related_name="meetings")
    title = models.CharField(max_length=200, blank=True)
    starts_at = models.DateTimeField()
    location = models.CharField(max_length=200, blank=True)
    online = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    agenda_published_at = models.DateTimeField(
        null=True, blank=True, help_text="When the agenda and its papers were published to the body's seats."
    )
    minutes = models.TextField(blank=True)
    minutes_approved_by = models.ForeignKey(
        "Decision",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="approves_minutes_of",
        help_text="The later decision that approved these minutes.",
    )
    minutes_circulated_at = models.DateTimeField(
        null=True, blank=True, help_text="When the draft minutes were last circulated to the attendees and seats."
    )
    minutes_circulated_by = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="minutes_circulated"
    )
    minutes_circulations = models.PositiveSmallIntegerField(
        default=0, help_text="How many times the draft was circulated; more than once means a revised draft."
    )
    minutes_changed_since_circulated = models.BooleanField(
        default=False, help_text="Set when the minutes change after the draft was circulated."
    )
    minutes_approved_at = models.DateTimeField(null=True, blank=True)

    holds_documents = True  # the signed-off minutes are kept as a paper of the meeting (alliance.document_models)

    history = HistoricalRecords()
    read_rule = MembersLevel("body__alliance_id")
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at", "pk"]
        indexes = [models.Index(fields=["body", "starts_at"]), models.Index(fields=["status"])]

    def __str__(self) -> str:
        return self.title or f"{self.body.code} meeting"

    def get_absolute_url(self) -> str:
        return reverse("meeting-detail", kwargs={"slug": self.body.alliance.slug, "pk": self.pk})

    @property
    def minutes_stage(self) -> str:
        """Where the minutes are in their cycle: draft, circulated, revised (circulated again), approved."""
        if self.minutes_approved_by_id:
            return "approved"
        if self.minutes_circulations > 1:
            return "revised"
        if self.minutes_circulated_at:
            return "circulated"
        return "draft"

    def minutes_sealed_message(self, what: str) -> str | None:
        """The sentence refusing a change to ``what`` once the minutes are approved (sealed), else None."""
        if not self.minutes_approved_by_id:
            return None
        approved_by = self.minutes_approved_by
        return (
            f"The minutes of this meeting were approved by {approved_by.reference or approved_by.title}, so {what} "
            "can no longer change; record a correction in the minutes of a later meeting."
        )

    @property
    def documents_alliance_id(self) -> int:
        return self.body.alliance_id

    def documents_refused(self, doing: str) -> str | None:
        """The meeting's papers (its signed-off minutes) are kept as they were once the minutes are approved."""
        if self.minutes_approved_by_id:
            return f"The meeting's papers cannot be {doing}: its minutes are approved, so its record is sealed."
        return None

    def may_file_documents(self, access) -> bool:
        return access.is_secretary_of(self.body)


class Attendance(models.Model):
    class Capacity(models.TextChoices):
        VOTING_REPRESENTATIVE = "voting_representative", "Voting representative"
        DEPUTY = "deputy", "Deputy representative"
        ADVISOR = "advisor", "Advisor"
        OBSERVER = "observer", "Observer"
        SECRETARIAT = "secretariat", "Secretariat"
        SEAT_HOLDER = "seat_holder", "Seat holder in their own right"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="attendances")
    capacity = models.CharField(max_length=30, choices=Capacity.choices)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="attendances",
        help_text="The member organisation the person attends for, where they attend for one.",
    )
    present = models.BooleanField(default=True, help_text="False records apologies.")
    role_warning = models.CharField(
        max_length=300,
        blank=True,
        help_text="Set when the person did not hold the role they attend in on the meeting's date.",
    )

    history = HistoricalRecords()
    read_rule = Through("meeting")
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["meeting", "capacity", "person__name"]
        constraints = [models.UniqueConstraint(fields=["meeting", "person"], name="attendance_once_per_meeting")]

    def __str__(self) -> str:
        return f"{self.person} at {self.meeting} ({self.get_capacity_display()})"


def _sealed_error(message: str) -> RuleViolation:
    return RuleViolation("decision_sealed", message, conflict=True)


class DecisionQuerySet(RestrictedQuerySetMixin, models.QuerySet):
    """Rule 4 below the services: bulk writes (admin actions, shell, scripts) keep sealed decisions as they are."""

    def closed(self) -> "DecisionQuerySet":
        return self.filter(status__in=Decision.SEALED_STATUSES)

    def update(self, **kwargs):
        if self.filter(status__in=Decision.SEALED_STATUSES).exists():
            raise _sealed_error(
                "A closed decision cannot be changed; record a new decision that amends or supersedes it."
            )
        return super().update(**kwargs)

    def delete(self):
        if self.filter(status__in=Decision.SEALED_STATUSES).exists():
            raise _sealed_error("A closed decision cannot be deleted; it stays in the log.")
        return super().delete()

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        if any(obj.status in Decision.SEALED_STATUSES for obj in objs):
            raise _sealed_error("A decision is closed only by closing it; create it as a draft and open it for votes.")
        return super().bulk_create(objs, *args, **kwargs)


class ReleaseWidening(Widening):
    """A decision's effective visibility: its own, widened by its releases in effect (``Release``).

    The one place it is computed: the read rule (``Decision.objects.restrict``, and every record read
    through a decision) filters with :meth:`q`, one ``EXISTS`` per query, and judges a loaded decision
    with :meth:`level`, from its prefetched releases when a list loaded them (``decision_log``), or one
    query. A release is in effect from its moment, once the decision is closed, unless cancelled.
    """

    def q(self, levels, prefix):
        releases = Release.objects.in_effect(timezone.now()).filter(
            decision_id=OuterRef(f"{prefix}id"), to_visibility__in=list(levels)
        )
        return Q(**{f"{prefix}status__in": Decision.SEALED_STATUSES}) & Q(Exists(releases))

    def level(self, obj):
        if obj.status not in Decision.SEALED_STATUSES:
            return None
        cached = obj.__dict__.get("_released_to", False)
        if cached is not False:
            return cached
        now = timezone.now()
        prefetched = getattr(obj, "_prefetched_objects_cache", {}).get("releases")
        if prefetched is not None:
            levels = {r.to_visibility for r in prefetched if r.in_effect_on(now)}
        else:
            levels = set(
                Release.objects.in_effect(now).filter(decision_id=obj.id).values_list("to_visibility", flat=True)
            )
        widest = next((level for level in WIDEST_FIRST if level in levels), None)
        obj.__dict__["_released_to"] = widest
        return widest


# Rule 8: the fields of what an APPOINTMENT or DELEGATION decision proposes, as drafts, forms and the API name them.
APPOINTMENT_FIELDS = ("appointment_role", "appointment_person", "appointment_starts_on", "appointment_ends_on")
DELEGATION_FIELDS = (
    "delegation_role",
    "delegation_scope",
    "delegation_kinds",
    "delegation_limit",
    "delegation_valid_from",
    "delegation_valid_to",
    "delegation_to_revoke",
)


class AskedToAdvise(ReadRule):
    """The decisions an advisory member is asked to advise on (:class:`AdviceRequest`): its
    representatives and deputies read them, and their votes, advice and record, whatever their
    visibility, unless the request records an exclusion. A representative of a member in one
    alliance reads nothing of another alliance where the same organisation is asked."""

    @staticmethod
    def _asked(access) -> models.QuerySet:
        members = Q()
        for alliance_id, organisation_id in access.represents:
            members |= Q(membership__alliance_id=alliance_id, membership__organisation_id=organisation_id)
        return AdviceRequest.objects.filter(members, excluded_at__isnull=True)

    def q(self, access, prefix=""):
        if access.staff:
            return None
        if not access.represents:
            return NOTHING
        return Q(**{f"{prefix}id__in": self._asked(access).values("decision_id")})

    def allows(self, access, obj):
        if access.staff:
            return True
        return bool(access.represents) and self._asked(access).filter(decision_id=obj.id).exists()


RELEASES = ReleaseWidening()


class Decision(models.Model):
    Kind = DecisionKind

    class Visibility(models.TextChoices):
        PUBLIC = "PUBLIC", "Public"
        MEMBERS = "MEMBERS", "Members"
        CONFIDENTIAL = "CONFIDENTIAL", "Confidential"

    class Status(models.TextChoices):
        DRAFT = "DRAFT", "Draft"
        OPEN = "OPEN", "Open for votes"
        AGREED = "AGREED", "Agreed"
        NOT_AGREED = "NOT_AGREED", "Not agreed"
        # A unanimous decision closed with nobody objecting or blocking, but positions missing: not a refusal.
        LAPSED = "LAPSED", "Lapsed: positions missing"
        WITHDRAWN = "WITHDRAWN", "Withdrawn"
        DEFERRED = "DEFERRED", "Deferred"
        # The authority map: agreed beyond what an outside body delegated; completes when its approval is attached.
        AWAITING_APPROVAL = "AWAITING_APPROVAL", "Agreed subject to approval"
        NOT_APPROVED = "NOT_APPROVED", "Not approved"

    SEALED_STATUSES = (
        Status.AGREED,
        Status.NOT_AGREED,
        Status.LAPSED,
        Status.WITHDRAWN,
        Status.AWAITING_APPROVAL,
        Status.NOT_APPROVED,
    )
    # What attaching an approval changes on a decision awaiting it: the record itself stays sealed (rule 4).
    APPROVAL_FIELDS = frozenset({"status", "resulting_assignment", "granted_delegation", "revoked_delegation"})

    alliance = models.ForeignKey(Alliance, on_delete=models.PROTECT, related_name="decisions")
    body = models.ForeignKey(GoverningBody, on_delete=models.PROTECT, related_name="decisions")
    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decisions",
        help_text="Empty for a decision by written procedure.",
    )
    reference = models.CharField(max_length=30, blank=True, help_text="{BODY}-{YYYY}-{NNN}, allocated on opening.")
    title = models.CharField(max_length=300)
    proposal = models.TextField()
    rationale = models.TextField(blank=True, help_text="The reasons for the decision.")
    alternatives_considered = models.TextField(blank=True, help_text="Options considered and why they were rejected.")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    visibility = models.CharField(max_length=20, choices=Visibility.choices, default=Visibility.MEMBERS)
    tags = models.JSONField(default=list, blank=True, help_text="Topic tags that link decisions on the same matter.")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    value = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True, help_text="The value of the matter (GBP), if any."
    )
    opened_at = models.DateTimeField(null=True, blank=True)
    closes_at = models.DateTimeField(null=True, blank=True, help_text="When a written procedure closes.")
    closed_at = models.DateTimeField(null=True, blank=True)
    decided_on = models.DateField(null=True, blank=True)
    review_on = models.DateField(null=True, blank=True, help_text="When the alliance means to look at it again.")

    # The outcome, stored on close (rule 3).
    agree_count = models.PositiveIntegerField(null=True, blank=True)
    object_count = models.PositiveIntegerField(null=True, blank=True)
    abstain_count = models.PositiveIntegerField(null=True, blank=True)
    not_voted_count = models.PositiveIntegerField(null=True, blank=True)
    recused_count = models.PositiveIntegerField(null=True, blank=True)
    eligible_count = models.PositiveIntegerField(null=True, blank=True)
    quorum_needed = models.PositiveIntegerField(null=True, blank=True)
    quorum_present = models.PositiveIntegerField(null=True, blank=True)
    outcome_explanation = models.TextField(blank=True)
    rule_applied = models.CharField(
        max_length=300,
        blank=True,
        help_text="The decision rule, quorum and abstention rule the outcome was reached by, in words.",
    )

    # Links between decisions on the same matter (rule 4 and the memory against re-discussion).
    amends = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="amended_by")
    supersedes = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="superseded_by"
    )
    revisits = models.ManyToManyField("self", symmetrical=False, blank=True, related_name="revisited_by")

    # Rule 7: an OPERATIONAL decision taken by a role holder under delegated authority.
    taken_under = models.ForeignKey(
        DelegatedAuthority, on_delete=models.PROTECT, null=True, blank=True, related_name="decisions_taken"
    )
    decided_by = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decisions_taken",
        help_text="The role holder who decided under delegated authority.",
    )

    # Rule 8: what an APPOINTMENT or DELEGATION decision proposes, and what its agreement created.
    appointment_role = models.ForeignKey(Role, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    appointment_person = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    appointment_starts_on = models.DateField(null=True, blank=True)
    appointment_ends_on = models.DateField(null=True, blank=True)
    resulting_assignment = models.OneToOneField(
        RoleAssignment, on_delete=models.PROTECT, null=True, blank=True, related_name="appointed_by"
    )
    delegation_role = models.ForeignKey(Role, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    delegation_scope = models.TextField(blank=True)
    delegation_kinds = models.JSONField(default=list, blank=True)
    delegation_limit = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    delegation_valid_from = models.DateField(null=True, blank=True)
    delegation_valid_to = models.DateField(null=True, blank=True)
    granted_delegation = models.OneToOneField(
        DelegatedAuthority, on_delete=models.PROTECT, null=True, blank=True, related_name="granted_by"
    )
    delegation_to_revoke = models.ForeignKey(
        DelegatedAuthority, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    revoked_delegation = models.OneToOneField(
        DelegatedAuthority, on_delete=models.PROTECT, null=True, blank=True, related_name="revoked_by"
    )

    # The authority map: set on close when the agreement goes beyond what an outside body delegated.
    approval_needed = models.TextField(blank=True, help_text="Why the decision needs an outside body's approval.")
    approval_from = models.ForeignKey(GoverningBody, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    approval_authority = models.ForeignKey(
        DelegatedAuthority, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords(m2m_fields=[revisits])
    # Its effective visibility is its own, widened by its releases in effect (Release, below); an advisory
    # member asked to advise reads it whatever its visibility (AdviceRequest).
    read_rule = AnyOf(ByVisibility(draft=("status", "DRAFT"), widened_by=RELEASES), AskedToAdvise())
    objects = DecisionQuerySet.as_manager()

    class Meta:
        ordering = ["-decided_on", "-opened_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["alliance", "reference"], condition=~Q(reference=""), name="decision_reference_unique"
            ),
        ]
        indexes = [
            # The log's order within an alliance, with and without a status filter: the database walks
            # the index and stops at a page, instead of sorting every decision (docs/performance.md).
            models.Index(fields=["alliance", "status", "decided_on", "opened_at", "id"]),
            models.Index(fields=["alliance", "decided_on", "opened_at", "id"]),
            models.Index(fields=["body", "status"]),
            models.Index(fields=["kind"]),
            models.Index(fields=["visibility"]),
            models.Index(fields=["decided_on"]),
            models.Index(fields=["review_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.reference or 'Draft'}: {self.title}"

    def save(self, *args, **kwargs):
        # Rule 4 below the services: whatever calls save() (admin, shell, a script), a decision
        # that is sealed in the database stays as it was.
        if self.pk:
            stored = Decision.objects.filter(pk=self.pk).values_list("status", flat=True).first()
            fields = set(kwargs.get("update_fields") or ())
            completing = stored == self.Status.AWAITING_APPROVAL and fields and fields <= self.APPROVAL_FIELDS
            if stored in self.SEALED_STATUSES and not completing:
                raise RuleViolation(
                    "decision_sealed",
                    f"{self.reference or 'This decision'} is closed ({stored}) and cannot be changed; "
                    "record a new decision that amends or supersedes it.",
                    conflict=True,
                )
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("decision-detail", kwargs={"slug": self.alliance.slug, "pk": self.pk})

    def delete(self, *args, **kwargs):
        if Decision.objects.filter(pk=self.pk, status__in=self.SEALED_STATUSES).exists():
            raise RuleViolation(
                "decision_sealed", "A closed decision cannot be deleted; it stays in the log.", conflict=True
            )
        return super().delete(*args, **kwargs)

    @property
    def is_sealed(self) -> bool:
        return self.status in self.SEALED_STATUSES

    # Papers (alliance.documents): the body's secretary files them; a sealed decision keeps its papers.
    holds_documents = True

    def may_file_documents(self, access) -> bool:
        return access.is_secretary_of(self.body)

    def documents_refused(self, doing: str) -> str | None:
        if self.is_sealed:
            if doing == "added":
                return (
                    f"{self.reference} is {self.get_status_display().lower()}, so its record is sealed: a paper "
                    "cannot be added to a sealed decision. File it with the decision that amends or supersedes it."
                )
            return (
                f"{self.reference} is {self.get_status_display().lower()}, so its record is sealed: a paper on a "
                f"sealed decision cannot be {doing}. File a new paper with the decision that amends or supersedes it."
            )
        return None

    @property
    def is_written_procedure(self) -> bool:
        return self.meeting_id is None

    @property
    def effective_visibility(self) -> str:
        """Its own visibility widened by its releases in effect now (the read rule's ``ReleaseWidening``)."""
        return wider(self.visibility, RELEASES.level(self))

    def get_effective_visibility_display(self) -> str:
        return self.Visibility(self.effective_visibility).label

    def awaiting_outcome_on(self, now: datetime) -> bool:
        """An open written procedure whose votes closed by ``now``: only the secretary's close is missing."""
        return (
            self.status == self.Status.OPEN
            and self.is_written_procedure
            and self.closes_at is not None
            and self.closes_at <= now
        )

    @property
    def awaiting_outcome(self) -> bool:
        """Whether the votes closed, by the server's clock, and the outcome waits to be recorded."""
        return self.awaiting_outcome_on(timezone.now())

    @property
    def status_text(self) -> str:
        """The status as pages and the API say it: an open written procedure past its closing moment is not
        "Open for votes"."""
        if self.awaiting_outcome:
            return f"Voting closed on {day(self.closes_at)}: waiting for the secretary to record the outcome"
        if self.status == self.Status.AWAITING_APPROVAL and self.approval_from_id:
            return f"Agreed subject to the approval of {self.approval_from.name}"
        return self.get_status_display()


class SealedChildQuerySet(RestrictedQuerySetMixin, models.QuerySet):
    """The rows of a sealed decision's record (votes, recusals, advice) refuse bulk writes too (rule 4)."""

    MESSAGE = "The votes and record of a closed decision cannot be changed; record a new decision instead."

    def _touches_sealed(self) -> bool:
        return self.filter(decision__status__in=Decision.SEALED_STATUSES).exists()

    def update(self, **kwargs):
        if self._touches_sealed():
            raise _sealed_error(self.MESSAGE)
        return super().update(**kwargs)

    def delete(self):
        if self._touches_sealed():
            raise _sealed_error(self.MESSAGE)
        return super().delete()

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        ids = {obj.decision_id for obj in objs}
        if Decision.objects.filter(pk__in=ids, status__in=Decision.SEALED_STATUSES).exists():
            raise _sealed_error(self.MESSAGE)
        return super().bulk_create(objs, *args, **kwargs)


class SealedWithDecision(models.Model):
    """Rows that belong to a decision's record and are frozen with it (rule 4)."""

    objects = SealedChildQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        status = Decision.objects.filter(pk=self.decision_id).values_list("status", flat=True).first()
        if status in Decision.SEALED_STATUSES:
            raise RuleViolation(
                "decision_sealed",
                f"The decision is closed ({status}); its votes and record cannot be changed. "
                "Record a new decision that amends or supersedes it.",
                conflict=True,
            )
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        status = Decision.objects.filter(pk=self.decision_id).values_list("status", flat=True).first()
        if status in Decision.SEALED_STATUSES:
            raise RuleViolation(
                "decision_sealed", "Rows of a closed decision's record cannot be deleted.", conflict=True
            )
        return super().delete(*args, **kwargs)


@receiver(m2m_changed, sender=Decision.revisits.through)
def _refuse_relinking_sealed(sender, instance, action, reverse, pk_set, **kwargs):
    """Rule 4: the decisions a sealed decision revisits are part of its record."""
    if not action.startswith("pre_"):
        return
    if not reverse:
        sealed = Decision.objects.filter(pk=instance.pk, status__in=Decision.SEALED_STATUSES).exists()
    elif action == "pre_clear":
        sealed = sender.objects.filter(
            to_decision=instance, from_decision__status__in=Decision.SEALED_STATUSES
        ).exists()
    else:
        sealed = Decision.objects.filter(pk__in=pk_set or (), status__in=Decision.SEALED_STATUSES).exists()
    if sealed:
        raise _sealed_error(
            "The decisions a closed decision revisits are part of its record and cannot be changed; "
            "record a new decision that revisits them."
        )


class Vote(SealedWithDecision):
    class Position(models.TextChoices):
        AGREE = "AGREE", "Agree"
        OBJECT = "OBJECT", "Object"
        ABSTAIN = "ABSTAIN", "Abstain"

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="votes")
    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="votes")
    seat = models.ForeignKey(
        "roles.Seat",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="votes",
        help_text="The person's seat, for a vote given in their own right on a body with seats of its own.",
    )
    cast_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="votes_cast")
    recorded_by = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="votes_recorded",
        help_text="The body's secretary, when they recorded the vote for the member (rule 2).",
    )
    position = models.CharField(max_length=10, choices=Position.choices)
    capacity = models.CharField(
        max_length=30,
        choices=Membership.Capacity.choices,
        blank=True,
        help_text="The capacity the member acts in, where it holds several (the commissioner as funder or partner).",
    )
    statement = models.TextField(blank=True, help_text="Required for an objection: why the member objects.")
    cast_at = models.DateTimeField()
    struck_by = models.OneToOneField(
        "Recusal",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="struck_vote",
        help_text="The recusal that struck this vote: it stays on the record but no longer counts (rule 5).",
    )

    history = HistoricalRecords()
    read_rule = Through("decision")

    class Meta:
        ordering = ["decision", "membership__organisation__name"]
        constraints = [
            # One counted vote per member; votes struck by a recusal stay beside it (rule 5).
            models.UniqueConstraint(
                fields=["decision", "membership"],
                condition=Q(struck_by__isnull=True),
                name="vote_one_counted_per_member",
            ),
            models.UniqueConstraint(
                fields=["decision", "seat"],
                condition=Q(struck_by__isnull=True, membership__isnull=True),
                name="vote_one_counted_per_person_seat",
            ),
            models.CheckConstraint(
                condition=Q(membership__isnull=False) | Q(seat__isnull=False), name="vote_member_or_seat"
            ),
            models.CheckConstraint(
                condition=~Q(position="OBJECT") | ~Q(statement=""), name="vote_objection_has_statement"
            ),
        ]
        indexes = [models.Index(fields=["membership", "position"])]

    def __str__(self) -> str:
        return f"{self.voter_name}: {self.position} on {self.decision}"

    @property
    def voter_name(self) -> str:
        return self.membership.organisation.name if self.membership_id else self.seat.person.name

    @property
    def is_struck(self) -> bool:
        return self.struck_by_id is not None


class Recusal(SealedWithDecision):
    class Source(models.TextChoices):
        DECLARED_INTEREST = "declared_interest", "Declared interest"
        SUBMISSION = "submission", "Submission in the award being approved"
        OTHER = "other", "Other"

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="recusals")
    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="recusals")
    seat = models.ForeignKey(
        "roles.Seat",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="recusals",
        help_text="The person's seat, for a person recused from a body with seats of its own.",
    )
    source = models.CharField(max_length=30, choices=Source.choices)
    interest = models.ForeignKey(
        InterestDeclaration, on_delete=models.PROTECT, null=True, blank=True, related_name="recusals"
    )
    reason = models.TextField()
    dispensation_granted = models.BooleanField(
        default=False, help_text="The body let the member vote despite the interest."
    )
    dispensation_reason = models.TextField(blank=True)
    details_public = models.BooleanField(
        default=False,
        help_text="The secretary published the recusal's reasons and personal details (the interest, who declared "
        "it, the dispensation's reason); until then the public sees only the member and the kind of recusal.",
    )

    history = HistoricalRecords()
    read_rule = Through("decision")

    class Meta:
        ordering = ["decision", "membership__organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["decision", "membership"], name="recusal_one_per_member"),
            models.UniqueConstraint(
                fields=["decision", "seat"], condition=Q(membership__isnull=True), name="recusal_one_per_person_seat"
            ),
            models.CheckConstraint(
                condition=Q(membership__isnull=False) | Q(seat__isnull=False), name="recusal_member_or_seat"
            ),
            models.CheckConstraint(
                condition=Q(dispensation_granted=False) | ~Q(dispensation_reason=""),
                name="recusal_dispensation_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.voter_name} recused from {self.decision}"

    def save(self, *args, **kwargs):
        # Publishing a recusal's details is not a change to the decision's record: it may be set
        # after the decision closed (services.set_recusal_details_public), and nothing else with it.
        if set(kwargs.get("update_fields") or ()) == {"details_public"} and self.pk:
            return models.Model.save(self, *args, **kwargs)
        return super().save(*args, **kwargs)

    @property
    def voter_name(self) -> str:
        return self.membership.organisation.name if self.membership_id else self.seat.person.name

    def details_shown_to(self, access, alliance_id: int | None = None) -> bool:
        """Whether ``access`` reads the reasons and personal details: anyone with a standing in the
        alliance, and the public once the secretary marked them public (``alliance_id`` spares a query)."""
        return self.details_public or access.has_standing(alliance_id or self.decision.alliance_id)


class AdvisoryInput(SealedWithDecision):
    """Advice from an advisory member or an advisor, and the alliance's answer ("you said, we did")."""

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="advisory_inputs")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="advisory_inputs"
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="advice_given")
    advice = models.TextField()
    given_at = models.DateTimeField()
    response = models.TextField(blank=True, help_text="What changed because of the advice, or why not.")
    responded_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()
    read_rule = Through("decision")

    class Meta:
        ordering = ["decision", "given_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(organisation__isnull=False) | Q(person__isnull=False), name="advice_has_source"
            ),
        ]

    def __str__(self) -> str:
        return f"Advice from {self.organisation or self.person} on {self.decision}"


class AdviceRequestQuerySet(HistoryGuardMixin, RestrictedQuerySetMixin, models.QuerySet):
    """Bulk writes would skip the history that records who asked, excluded or waived, and why."""


class AppendOnlyQuerySet(HistoryGuardMixin, RestrictedQuerySetMixin, models.QuerySet):
    """Responses to advice are appended, never changed or removed: earlier ones stay visible."""

    MESSAGE = "A response to advice stays as it was written; add a further response instead."

    def update(self, **kwargs):
        raise RuleViolation("advice_response_kept", self.MESSAGE, conflict=True)

    def delete(self):
        raise RuleViolation("advice_response_kept", self.MESSAGE, conflict=True)


class AdviceRequest(models.Model):
    """A decision asks an advisory member for its advice ("asked to advise").

    A KEY decision asks its body's advisers when it opens (decisions/services/advice.py); the
    secretary may ask one on any decision. The member's representatives then read the decision
    whatever its visibility (:class:`AskedToAdvise`), unless an exclusion is recorded with its reason,
    which they and the decision's readers are shown. Where the body requires advice before a KEY
    decision closes, a reason recorded here stands in for advice that did not come.
    """

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="advice_requests")
    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="advice_requests")
    requested_at = models.DateTimeField()
    requested_by = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    excluded_at = models.DateTimeField(null=True, blank=True)
    excluded_by = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    exclusion_reason = models.TextField(blank=True, help_text="Why the member is not shown the decision.")
    no_advice_reason = models.TextField(blank=True, help_text="Why the decision may close without the member's advice.")
    no_advice_recorded_at = models.DateTimeField(null=True, blank=True)
    no_advice_recorded_by = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    history = HistoricalRecords()
    read_rule = Through("decision")
    objects = AdviceRequestQuerySet.as_manager()

    class Meta:
        ordering = ["decision", "membership__organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["decision", "membership"], name="advice_request_once_per_member"),
            models.CheckConstraint(
                condition=Q(excluded_at__isnull=True) | ~Q(exclusion_reason=""), name="advice_exclusion_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.membership.organisation} asked to advise on {self.decision}"

    @property
    def is_excluded(self) -> bool:
        return self.excluded_at is not None


class AdvisoryResponse(models.Model):
    """The alliance's answer to advice ("you said, we did"), appended: before or after the decision
    closes, leaving the sealed decision and its advice as they were; each answer stays in the thread."""

    advisory_input = models.ForeignKey(AdvisoryInput, on_delete=models.PROTECT, related_name="responses")
    response = models.TextField(help_text="What changed because of the advice, or why not.")
    responded_at = models.DateTimeField()
    responded_by = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    history = HistoricalRecords()
    read_rule = Through("advisory_input")
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["advisory_input", "responded_at", "pk"]
        constraints = [models.CheckConstraint(condition=~Q(response=""), name="advisory_response_not_empty")]

    def __str__(self) -> str:
        return f"Response to {self.advisory_input}"

    def save(self, *args, **kwargs):
        if self.pk and AdvisoryResponse.objects.filter(pk=self.pk).exists():
            raise RuleViolation("advice_response_kept", AppendOnlyQuerySet.MESSAGE, conflict=True)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuleViolation("advice_response_kept", AppendOnlyQuerySet.MESSAGE, conflict=True)


class ActionItemQuerySet(RestrictedQuerySetMixin, models.QuerySet):
    def of_alliance(self, alliance_id: int) -> "ActionItemQuerySet":
        """Items of an alliance, whether a decision or a meeting asked for them."""
        return self.filter(Q(decision__alliance_id=alliance_id) | Q(meeting__body__alliance_id=alliance_id))


class ActionItem(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DONE = "done", "Done"
        CANCELLED = "cancelled", "Cancelled"

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, null=True, blank=True, related_name="action_items")
    # An action agreed at a meeting (from its page, under an agenda item) belongs to the meeting.
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, null=True, blank=True, related_name="action_items")
    agenda_item = models.ForeignKey(
        "decisions.AgendaItem", on_delete=models.PROTECT, null=True, blank=True, related_name="action_items"
    )
    title = models.CharField(max_length=300)
    owner_person = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="action_items"
    )
    owner_role = models.ForeignKey(Role, on_delete=models.PROTECT, null=True, blank=True, related_name="action_items")
    due_on = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    completed_on = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)

    history = HistoricalRecords()
    # As readable as its decision and as its meeting, where it has them (it has one or both): an action on a
    # confidential decision stays as confidential when it was agreed at a meeting members read.
    read_rule = AllOf(Through("decision", optional=True), Through("meeting", optional=True))
    objects = ActionItemQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(owner_person__isnull=False) | Q(owner_role__isnull=False), name="action_item_has_owner"
            ),
            models.CheckConstraint(
                condition=Q(decision__isnull=False) | Q(meeting__isnull=False),
                name="action_item_from_decision_or_meeting",
            ),
            models.CheckConstraint(
                condition=Q(agenda_item__isnull=True) | Q(meeting__isnull=False),
                name="action_item_agenda_item_of_meeting",
            ),
        ]
        indexes = [models.Index(fields=["status", "due_on"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return f"{self.source.get_absolute_url()}#action-{self.pk}"

    @property
    def source(self):
        """What asked for the action: its decision, else the meeting that agreed it."""
        return self.decision if self.decision_id else self.meeting

    @property
    def source_label(self) -> str:
        if self.decision_id:
            return self.decision.reference or self.decision.title
        label = f"the meeting of {day(timezone.localdate(self.meeting.starts_at))}"
        return f"item {self.agenda_item.position} of {label}" if self.agenda_item_id else label

    @property
    def body(self) -> GoverningBody:
        return self.decision.body if self.decision_id else self.meeting.body

    @property
    def alliance(self) -> Alliance:
        return self.decision.alliance if self.decision_id else self.meeting.body.alliance

    @property
    def alliance_id(self) -> int:
        return self.decision.alliance_id if self.decision_id else self.meeting.body.alliance_id


class ReleaseQuerySet(RestrictedQuerySetMixin, models.QuerySet):
    def in_effect(self, now: datetime) -> "ReleaseQuerySet":
        """Releases readers see at ``now``: their moment came and they were not cancelled (the decision
        must be closed too: ``ReleaseWidening``)."""
        return self.filter(cancelled_at__isnull=True, takes_effect_at__lte=now)

    def pending(self, now: datetime) -> "ReleaseQuerySet":
        return self.filter(cancelled_at__isnull=True, takes_effect_at__gt=now)


class Release(models.Model):
    """A decision published wider than it was sealed with: appended after it closes, attributed, and
    never undone; the decision itself is left as it was sealed. A release with a moment to come is an
    embargo: nothing changes for readers until that moment, and it may be cancelled before it."""

    Visibility = Decision.Visibility

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="releases")
    from_visibility = models.CharField(max_length=20, choices=Visibility.choices)
    to_visibility = models.CharField(max_length=20, choices=Visibility.choices)
    takes_effect_at = models.DateTimeField(help_text="When readers see the decision at its new visibility.")
    reason = models.TextField()
    recorded_at = models.DateTimeField()
    released_by = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="releases_recorded"
    )
    released_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="releases_cancelled"
    )
    cancelled_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    cancel_reason = models.TextField(blank=True)

    history = HistoricalRecords()
    read_rule = Through("decision")
    objects = ReleaseQuerySet.as_manager()

    class Meta:
        ordering = ["decision", "takes_effect_at", "pk"]
        indexes = [models.Index(fields=["decision", "cancelled_at", "takes_effect_at"])]
        constraints = [
            models.CheckConstraint(condition=~Q(from_visibility=models.F("to_visibility")), name="release_widens"),
            models.CheckConstraint(
                condition=Q(cancelled_at__isnull=True) | ~Q(cancel_reason=""), name="release_cancel_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.decision}: released to {self.get_to_visibility_display()} on {day(self.takes_effect_at)}"

    def in_effect_on(self, now: datetime) -> bool:
        return self.cancelled_at is None and self.takes_effect_at <= now

    @property
    def in_effect(self) -> bool:
        return self.in_effect_on(timezone.now()) and self.decision.is_sealed

    @property
    def scheduled(self) -> bool:
        """An embargo still to come: not cancelled, its moment not reached (or the decision not yet closed)."""
        return self.cancelled_at is None and not self.in_effect


from decisions.agenda_models import AgendaItem  # noqa: E402, F401  (a meeting's ordered agenda)
from decisions.approval_models import DecisionApproval  # noqa: E402, F401  (the authority map's appended record)
from decisions.governing_models import GoverningDocument  # noqa: E402, F401  (the governing documents register)
