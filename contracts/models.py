"""Award policies, award processes and the contracts they lead to (DESIGN.md contracts/, rules 5-6).

An award policy is the alliance's schedule of award routes, one row per version, each version
adopted by an AGREED POLICY decision; the version in force on a process's start date governs the
process for its whole life. A process moves through its stages in order, each move kept as a
:class:`StageTransition` with who and when; the approval is an AWARD decision of the body the
policy names. An interest declared in a process lives here (:class:`AwardInterest`), because
roles sits below contracts and cannot point at an award process.
"""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from alliance.access import (
    AllOf,
    ByVisibility,
    MembersLevel,
    OversightOnly,
    RestrictedQuerySet,
    RestrictedQuerySetMixin,
    Through,
)
from alliance.formatting import day
from alliance.models import Alliance, ForwardPlanEntry, GoverningBody, Organisation
from decisions.models import Decision
from roles.models import InterestDeclaration, Person


class ServiceCategory(models.TextChoices):
    EMERGENCY_ACCOMMODATION = "emergency_accommodation", "Emergency accommodation"
    SUPPORTED_ACCOMMODATION = "supported_accommodation", "Supported accommodation"
    CARE_HOMES = "care_homes", "Care homes"
    FLEXIBLE_COMMUNITY_OUTREACH = "flexible_community_outreach", "Flexible community outreach"
    DAY_SERVICES = "day_services", "Day services"
    STREET_OUTREACH = "street_outreach", "Street outreach"
    INTENSIVE_SUPPORT = "intensive_support", "Intensive support / housing first"
    PRIVATE_RENTED_ACCESS = "private_rented_access", "Private rented sector access"
    YOUTH_OUTREACH = "youth_outreach", "Youth outreach"
    MULTI_AGENCY_HUB = "multi_agency_hub", "Multi-agency hub"


class Route(models.TextChoices):
    DIRECT_AWARD = "DIRECT_AWARD", "Direct award to a member"
    MINI_COMPETITION = "MINI_COMPETITION", "Mini-competition among members"
    EXTERNAL_PROCUREMENT = "EXTERNAL_PROCUREMENT", "Procurement of an external provider"


class AwardPolicy(models.Model):
    """One version of the alliance's award schedule; its route rules are in :class:`RouteRule`."""

    alliance = models.ForeignKey(Alliance, on_delete=models.PROTECT, related_name="award_policies")
    version = models.PositiveIntegerField()
    title = models.CharField(max_length=200, default="Award policy")
    adopted_by = models.ForeignKey(
        Decision,
        on_delete=models.PROTECT,
        related_name="adopted_award_policies",
        help_text="The AGREED POLICY decision that adopted this version (rule 8).",
    )
    in_force_from = models.DateField(help_text="Processes started on or after this date follow this version.")
    approving_body = models.ForeignKey(
        GoverningBody,
        on_delete=models.PROTECT,
        related_name="approves_awards_under",
        help_text="The body whose AGREED AWARD decision approves an award (rule 6).",
    )
    notes = models.TextField(blank=True)

    history = HistoricalRecords()
    read_rule = AllOf(MembersLevel(), Through("adopted_by", optional=True))
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["alliance", "-version"]
        verbose_name_plural = "award policies"
        constraints = [
            models.UniqueConstraint(fields=["alliance", "version"], name="award_policy_version_unique"),
        ]
        indexes = [models.Index(fields=["alliance", "in_force_from"])]

    def __str__(self) -> str:
        return f"{self.title} v{self.version}"

    def get_absolute_url(self) -> str:
        return reverse("award-policies", kwargs={"slug": self.alliance.slug}) + f"#policy-v{self.version}"


class RouteRule(models.Model):
    """What one version of the policy says about one award route."""

    policy = models.ForeignKey(AwardPolicy, on_delete=models.CASCADE, related_name="rules")
    route = models.CharField(max_length=30, choices=Route.choices)
    allowed = models.BooleanField(default=True)
    min_value = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True, help_text="Lowest total value (GBP) for the route."
    )
    max_value = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True, help_text="Highest total value (GBP) for the route."
    )
    min_submissions = models.PositiveIntegerField(default=1)
    scored_evaluation_required = models.BooleanField(default=False)
    justification_must_cover = models.JSONField(
        default=list, blank=True, help_text='Points the route justification must cover, e.g. ["value for money"].'
    )
    criteria = models.JSONField(
        default=list, blank=True, help_text='Evaluation criteria with weights: [{"name": "Quality", "weight": 60}].'
    )

    history = HistoricalRecords()
    read_rule = Through("policy")
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["policy", "route"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "route"], name="route_rule_once_per_policy"),
            models.CheckConstraint(
                condition=Q(min_value__isnull=True)
                | Q(max_value__isnull=True)
                | Q(max_value__gte=models.F("min_value")),
                name="route_rule_limits_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.policy}: {self.get_route_display()}"

    @property
    def criterion_names(self) -> list[str]:
        return [c["name"] for c in self.criteria]


class AwardProcess(models.Model):
    class Stage(models.TextChoices):
        DRAFT = "DRAFT", "Draft"
        SUBMISSIONS = "SUBMISSIONS", "Open for submissions"
        EVALUATION = "EVALUATION", "Evaluation"
        RECOMMENDED = "RECOMMENDED", "Recommended"
        APPROVED = "APPROVED", "Approved"
        REJECTED = "REJECTED", "Rejected"
        CONTRACTED = "CONTRACTED", "Contracted"
        CANCELLED = "CANCELLED", "Cancelled"

    OPEN_STAGES = (Stage.DRAFT, Stage.SUBMISSIONS, Stage.EVALUATION, Stage.RECOMMENDED)
    Visibility = Decision.Visibility

    alliance = models.ForeignKey(Alliance, on_delete=models.PROTECT, related_name="award_processes")
    reference = models.CharField(max_length=30, help_text="AW-{YYYY}-{NNN}, allocated when the process is created.")
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    service_category = models.CharField(max_length=40, choices=ServiceCategory.choices)
    estimated_annual_value = models.DecimalField(max_digits=14, decimal_places=2)
    estimated_total_value = models.DecimalField(max_digits=14, decimal_places=2)
    route = models.CharField(max_length=30, choices=Route.choices)
    route_justification = models.JSONField(
        default=dict, blank=True, help_text="Each point the policy asks for, with the text that covers it."
    )
    started_on = models.DateField(help_text="The policy version in force on this date governs the process.")
    policy = models.ForeignKey(AwardPolicy, on_delete=models.PROTECT, related_name="processes")
    stage = models.CharField(max_length=20, choices=Stage.choices, default=Stage.DRAFT)
    direct_award_to = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="direct_awards"
    )
    external_notice_reference = models.CharField(max_length=200, blank=True)
    recommended_submission = models.ForeignKey(
        "Submission", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approval_decision = models.OneToOneField(
        Decision, on_delete=models.PROTECT, null=True, blank=True, related_name="award_process"
    )
    resulting_contract = models.ForeignKey(
        "Contract",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The contract this process created or extended.",
    )
    visibility = models.CharField(max_length=20, choices=Visibility.choices, default=Visibility.MEMBERS)
    cancellation_reason = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()
    read_rule = ByVisibility(draft=("stage", "DRAFT"))
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-started_on", "-pk"]
        verbose_name_plural = "award processes"
        constraints = [
            models.UniqueConstraint(fields=["alliance", "reference"], name="award_reference_unique"),
            models.CheckConstraint(condition=Q(estimated_annual_value__gte=0), name="award_annual_not_negative"),
            models.CheckConstraint(condition=Q(estimated_total_value__gte=0), name="award_total_not_negative"),
        ]
        indexes = [
            models.Index(fields=["alliance", "stage"]),
            models.Index(fields=["route"]),
            models.Index(fields=["service_category"]),
            models.Index(fields=["started_on"]),
            models.Index(fields=["visibility"]),
            models.Index(fields=["estimated_total_value"]),
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("award-detail", kwargs={"slug": self.alliance.slug, "pk": self.pk})

    @property
    def is_open(self) -> bool:
        return self.stage in self.OPEN_STAGES

    # Papers (alliance.documents): bids and evaluation reports, filed by the alliance's secretaries
    # while the process is open; a closed process keeps its papers as they were.
    holds_documents = True

    def may_file_documents(self, access) -> bool:
        return access.keeps_record_of(self.alliance_id)

    def documents_refused(self, doing: str) -> str | None:
        if self.stage in (self.Stage.CONTRACTED, self.Stage.CANCELLED, self.Stage.REJECTED):
            return (
                f"{self.reference} is {self.get_stage_display().lower()}, so the process is closed: its papers "
                f"cannot be {doing}. Keep further papers with the contract or a new award process."
            )
        return None


class StageTransition(models.Model):
    """One move of a process from a stage to the next: who moved it, when, and why."""

    process = models.ForeignKey(AwardProcess, on_delete=models.CASCADE, related_name="transitions")
    from_stage = models.CharField(max_length=20, choices=AwardProcess.Stage.choices, blank=True)
    to_stage = models.CharField(max_length=20, choices=AwardProcess.Stage.choices)
    at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    reason = models.TextField(blank=True)

    history = HistoricalRecords()
    read_rule = Through("process")
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["process", "at", "pk"]
        indexes = [models.Index(fields=["process", "at"])]

    def __str__(self) -> str:
        return f"{self.process.reference}: {self.from_stage or 'new'} → {self.to_stage}"


class AwardInterest(models.Model):
    """A declared interest that concerns one award process: its member is recused from the approval (rule 5)."""

    process = models.ForeignKey(AwardProcess, on_delete=models.PROTECT, related_name="interests")
    declaration = models.ForeignKey(InterestDeclaration, on_delete=models.PROTECT, related_name="award_interests")
    noted_on = models.DateField()

    history = HistoricalRecords()
    read_rule = Through("process")
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["process", "noted_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["process", "declaration"], name="award_interest_once"),
        ]

    def __str__(self) -> str:
        return f"{self.declaration.person} in {self.process.reference}"


class Submission(models.Model):
    process = models.ForeignKey(AwardProcess, on_delete=models.PROTECT, related_name="submissions")
    bidder = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="award_submissions")
    submitted_on = models.DateField()
    price = models.DecimalField(max_digits=14, decimal_places=2, help_text="The total price bid (GBP).")
    summary = models.TextField(blank=True)

    history = HistoricalRecords()
    read_rule = Through("process")
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["process", "bidder__name"]
        constraints = [
            models.UniqueConstraint(fields=["process", "bidder"], name="submission_once_per_bidder"),
            models.CheckConstraint(condition=Q(price__gte=0), name="submission_price_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.bidder} for {self.process.reference}"


class EvaluationScore(models.Model):
    MAX_SCORE = 10

    submission = models.ForeignKey(Submission, on_delete=models.PROTECT, related_name="scores")
    criterion = models.CharField(max_length=200)
    evaluator = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="evaluation_scores")
    score = models.PositiveSmallIntegerField(help_text="0 to 10.")
    comment = models.TextField(blank=True)
    scored_on = models.DateField()

    history = HistoricalRecords()
    read_rule = Through("submission")
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["submission", "criterion", "evaluator__name"]
        constraints = [
            models.UniqueConstraint(fields=["submission", "criterion", "evaluator"], name="score_once_per_criterion"),
            models.CheckConstraint(condition=Q(score__lte=10), name="score_at_most_ten"),
        ]

    def __str__(self) -> str:
        return f"{self.evaluator}: {self.score} for {self.criterion} ({self.submission})"


class ContractQuerySet(RestrictedQuerySetMixin, models.QuerySet):
    def running_between(self, first: date, last: date) -> "ContractQuerySet":
        """Contracts whose term (start to end, both inclusive) overlaps ``first`` to ``last``."""
        return self.filter(starts_on__lte=last, ends_on__gte=first)


class Contract(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "ACTIVE", "Active"
        ENDED = "ENDED", "Ended"
        TERMINATED = "TERMINATED", "Terminated early"

    alliance = models.ForeignKey(Alliance, on_delete=models.PROTECT, related_name="contracts")
    title = models.CharField(max_length=300)
    service_category = models.CharField(max_length=40, choices=ServiceCategory.choices)
    provider = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="contracts")
    annual_value = models.DecimalField(max_digits=14, decimal_places=2)
    starts_on = models.DateField()
    ends_on = models.DateField(help_text="The last day of the current term.")
    extension_until = models.DateField(null=True, blank=True, help_text="The latest date an extension may reach.")
    in_scope = models.BooleanField(
        default=True, help_text="In scope of the alliance (true) or retained by the commissioner (false)."
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    awarded_through = models.ForeignKey(
        AwardProcess, on_delete=models.PROTECT, null=True, blank=True, related_name="contracts"
    )
    service_line = models.ForeignKey(
        "contracts.ServiceLine",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contracts",
        help_text="The service line of the scope register it delivers.",
    )
    future_decision = models.ForeignKey(
        Decision,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contracts_decided",
        help_text="The decision on the contract's future (extend, re-award or let it end).",
    )
    forward_plan_entry = models.ForeignKey(
        ForwardPlanEntry,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contracts",
        help_text="The forward plan's entry announcing the decision due on its future.",
    )

    history = HistoricalRecords()
    read_rule = AllOf(MembersLevel(), Through("awarded_through", optional=True))
    objects = ContractQuerySet.as_manager()

    class Meta:
        ordering = ["alliance", "title", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="contract_term_order"),
            models.CheckConstraint(condition=Q(annual_value__gte=0), name="contract_value_not_negative"),
            models.CheckConstraint(
                condition=Q(extension_until__isnull=True) | Q(extension_until__gte=models.F("ends_on")),
                name="contract_extension_after_end",
            ),
        ]
        indexes = [
            models.Index(fields=["alliance", "status"]),
            models.Index(fields=["provider"]),
            models.Index(fields=["service_category"]),
            models.Index(fields=["starts_on", "ends_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.provider})"


class ContractTerm(models.Model):
    """One term of a contract at the annual value committed for it: the first term, then each extension.

    The contract keeps its current value and end; the terms keep what was committed for each period,
    so the budget of a past year is not rewritten by a later extension.
    """

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="terms")
    starts_on = models.DateField()
    ends_on = models.DateField()
    annual_value = models.DecimalField(max_digits=14, decimal_places=2)
    awarded_through = models.ForeignKey(
        AwardProcess, on_delete=models.PROTECT, null=True, blank=True, related_name="contract_terms"
    )

    history = HistoricalRecords()
    read_rule = AllOf(Through("contract"), Through("awarded_through", optional=True))
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["contract", "starts_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="contract_term_dates_order"),
            models.CheckConstraint(condition=Q(annual_value__gte=0), name="contract_term_value_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.contract.title}: {day(self.starts_on)} to {day(self.ends_on)}"


class OversightNote(models.Model):
    """An oversight member's own note on an award process, a decision, or the alliance as a whole.

    Oversight reads everything and writes nothing but these notes (roles/standing.py). It lives here, the
    highest domain app, because it may point at an award process or a decision and dependencies
    point one way (decisions never import contracts). Read and written by oversight and staff only.
    """

    alliance = models.ForeignKey(Alliance, on_delete=models.PROTECT, related_name="oversight_notes")
    award_process = models.ForeignKey(
        AwardProcess, on_delete=models.PROTECT, null=True, blank=True, related_name="oversight_notes"
    )
    decision = models.ForeignKey(
        Decision, on_delete=models.PROTECT, null=True, blank=True, related_name="oversight_notes"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="oversight_notes")
    text = models.TextField(max_length=5000)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    history = HistoricalRecords()
    read_rule = OversightOnly()
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["alliance", "created_at"], name="oversight_note_alliance_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(award_process__isnull=True) | Q(decision__isnull=True),
                name="oversight_note_one_subject",
            )
        ]

    def __str__(self) -> str:
        return f"Oversight note {self.pk} on {self.award_process or self.decision or self.alliance}"


from contracts.delivery_models import Milestone, Workstream, WorkstreamContract  # noqa: E402, F401  (the delivery plan)
from contracts.measure_models import Measure, MeasureReturn  # noqa: E402, F401  (performance measures)
from contracts.query_models import OversightQuery  # noqa: E402, F401  (oversight's formal queries)
from contracts.scope_models import BudgetEnvelope, SavingsRecord, ServiceLine  # noqa: E402, F401  (scope and money)
