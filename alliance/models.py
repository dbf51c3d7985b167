"""The alliance core: alliances, their agreements, member organisations and governing bodies.

Dates are inclusive: a membership with ``left_on`` set was a membership on that day too, and
a new membership of the same organisation may start the next day at the earliest.
"""

from datetime import date
from decimal import Decimal
from math import ceil

from django.apps import apps
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.db.models.functions import Cast
from django.urls import reverse
from simple_history.models import HistoricalRecords

from alliance.access import (
    Matching,
    MembersLevel,
    OversightOnly,
    RestrictedQuerySet,
    RestrictedQuerySetMixin,
    Through,
    rule_of,
)
from alliance.bulk_guard import HistoryGuardedQuerySet
from alliance.choices import DecisionKind
from alliance.formatting import day, day_time

# Read rules written as filters (alliance/access.py); ``id``, not ``pk``, so they hold on history rows.

DOMAIN_APPS = {"alliance", "roles", "decisions", "contracts"}


def organisations_readable(access, prefix=""):
    """Organisations that are or were members of an alliance the caller has a standing in."""
    if access.staff:
        return None
    members = Membership.objects.filter(alliance_id__in=access.members_of).values("organisation_id")
    return Q(**{f"{prefix}id__in": members})


def audit_links_readable(access, prefix=""):
    """The audit trail shows confidential records too. Oversight reads the whole chain of the
    alliances it oversees (it "reads everything, including the audit trail"). Secretaries and
    voting members' representatives read their alliances' chains but for the links of oversight's
    own records (its notes), of records with no read rule (staff's), and of records whose trail
    follows the record (an unpublished forward plan entry) while they may not read it. The chain
    of records of no alliance is for staff."""
    if access.staff:
        return None
    chain = f"{prefix}chain__in"
    overseen = Q(**{chain: [f"alliance:{pk}" for pk in access.oversight_of]})
    others = Q(**{chain: [f"alliance:{pk}" for pk in access.confidential_of() - access.oversight_of]})
    domain = [m for m in apps.get_models() if m._meta.app_label in DOMAIN_APPS]
    hidden = [m._meta.label_lower for m in domain if rule_of(m) is None or isinstance(rule_of(m), OversightOnly)]
    others &= ~Q(**{f"{prefix}object_model__in": hidden})
    for model in (m for m in domain if getattr(m, "audit_follows_record", False)):
        readable = model.objects.restrict(access).annotate(key=Cast("pk", models.CharField())).values("key")
        others &= ~Q(**{f"{prefix}object_model": model._meta.label_lower}) | Q(**{f"{prefix}object_id__in": readable})
    return overseen | others


def forward_plan_readable(access, prefix=""):
    """The forward plan: its published entries, where the public register or a standing lets the
    caller read the alliance; entries not yet published only those who keep the plan (staff, the
    alliance's secretaries) and the alliance's oversight read."""
    if access.staff:
        return None
    published = Q(
        **{f"{prefix}published": True, f"{prefix}alliance_id__in": access.members_of | access.public_alliances}
    )
    keepers = access.secretary_of_alliances | {alliance for alliance, _ in access.secretaryships}
    return published | Q(**{f"{prefix}alliance_id__in": access.oversight_of | keepers})


def alliances_readable(access, prefix=""):
    """Alliances the caller has a standing in, and those that publish their register."""
    if access.staff:
        return None
    return Q(**{f"{prefix}id__in": access.members_of | access.public_alliances})


class Organisation(models.Model):
    class Kind(models.TextChoices):
        PROVIDER = "provider", "Provider"
        COMMISSIONER = "commissioner", "Commissioner"
        NETWORK = "network", "Network"
        LIVED_EXPERIENCE = "lived_experience", "Lived-experience group"
        EXTERNAL_PROVIDER = "external_provider", "External provider"

    name = models.CharField(max_length=200, unique=True)
    short_name = models.CharField(max_length=40, blank=True)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    registration_number = models.CharField(
        max_length=40, blank=True, help_text="For example a Scottish charity number (SC012345)."
    )
    website = models.URLField(blank=True)

    history = HistoricalRecords()
    read_rule = Matching(organisations_readable)
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["kind"])]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        return self.short_name or self.name


class Alliance(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    purpose = models.TextField(blank=True)
    commissioner = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="commissioned_alliances", null=True, blank=True
    )
    publish_register = models.BooleanField(
        default=False, help_text="Publish PUBLIC decisions and awards on the public register."
    )

    history = HistoricalRecords()
    read_rule = Matching(alliances_readable)
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("alliance-overview", kwargs={"slug": self.slug})


class Agreement(models.Model):
    """The alliance agreement, one row per version (a variation is a new version)."""

    alliance = models.ForeignKey(Alliance, on_delete=models.CASCADE, related_name="agreements")
    version = models.PositiveIntegerField(default=1)
    title = models.CharField(max_length=200)
    signed_on = models.DateField()
    starts_on = models.DateField()
    ends_on = models.DateField()
    extension_until = models.DateField(
        null=True, blank=True, help_text="The latest date the term may be extended to, if an option exists."
    )
    principles = models.JSONField(default=list, blank=True, help_text="Ordered list of the alliance principles.")

    history = HistoricalRecords()
    read_rule = MembersLevel()
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["alliance", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["alliance", "version"], name="agreement_version_unique"),
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="agreement_term_order"),
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"


class AgreementBudget(models.Model):
    """The alliance's annual budget for one financial year (April to March)."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="budgets")
    financial_year = models.PositiveIntegerField(
        validators=[MinValueValidator(2000), MaxValueValidator(2100)],
        help_text="The calendar year the financial year starts in: 2021 means 2021/22.",
    )
    amount = models.DecimalField(max_digits=14, decimal_places=2, validators=[MinValueValidator(Decimal("0"))])

    history = HistoricalRecords()
    read_rule = Through("agreement")
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["agreement", "financial_year"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "financial_year"], name="budget_year_unique"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="budget_amount_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.label}: £{self.amount:,}"

    @property
    def label(self) -> str:
        return f"{self.financial_year}/{(self.financial_year + 1) % 100:02d}"


class MembershipQuerySet(RestrictedQuerySetMixin, HistoryGuardedQuerySet):
    def open_on(self, on: date) -> "MembershipQuerySet":
        """Memberships that had started and not yet ended on ``on`` (both ends inclusive)."""
        return self.filter(joined_on__lte=on).filter(Q(left_on__isnull=True) | Q(left_on__gte=on))

    def overlapping(self, starts_on: date, ends_on: date | None) -> "MembershipQuerySet":
        qs = self.filter(Q(left_on__isnull=True) | Q(left_on__gte=starts_on))
        if ends_on is not None:
            qs = qs.filter(joined_on__lte=ends_on)
        return qs

    def with_status_on(self, on: date) -> "MembershipQuerySet":
        """Annotate ``status_on``: the status in force on ``on`` from the dated status changes."""
        latest = (
            MembershipStatusChange.objects.filter(membership=OuterRef("pk"), effective_on__lte=on)
            .order_by("-effective_on", "-pk")
            .values("status")[:1]
        )
        return self.annotate(status_on=Subquery(latest))

    def voting_on(self, on: date) -> "MembershipQuerySet":
        return self.open_on(on).with_status_on(on).filter(status_on=Membership.Status.VOTING)

    def with_capacity(self, capacity: str) -> "MembershipQuerySet":
        # JSON arrays hold each capacity as a quoted string on every backend; matching the quoted
        # value keeps "provider" from matching "external_provider"-like substrings.
        return self.filter(capacities__icontains=f'"{capacity}"')


class Membership(models.Model):
    class Status(models.TextChoices):
        VOTING = "VOTING", "Voting"
        ADVISORY = "ADVISORY", "Advisory (non-voting)"

    class Capacity(models.TextChoices):
        PROVIDER = "provider", "Provider"
        COMMISSIONER = "commissioner", "Commissioner"
        FUNDER = "funder", "Funder"
        CONTRACT_MANAGER = "contract_manager", "Contract manager"
        LIVED_EXPERIENCE = "lived_experience", "Lived experience"
        NETWORK_SUPPORT = "network_support", "Network support"
        PARTNER = "partner", "Partner"

    alliance = models.ForeignKey(Alliance, on_delete=models.PROTECT, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="memberships")
    status = models.CharField(
        max_length=10,
        choices=Status.choices,
        help_text="The status in force now; its dated changes are in status_changes.",
    )
    is_signatory = models.BooleanField(default=False)
    capacities = models.JSONField(default=list, blank=True)
    joined_on = models.DateField()
    left_on = models.DateField(null=True, blank=True, help_text="The last day of membership.")

    history = HistoricalRecords()
    read_rule = MembersLevel()
    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["alliance", "organisation__name", "joined_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=models.F("joined_on")),
                name="membership_left_not_before_joined",
            ),
        ]
        indexes = [
            models.Index(fields=["alliance", "joined_on", "left_on"]),
            models.Index(fields=["organisation", "alliance"]),
            models.Index(fields=["status"]),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} in {self.alliance}"

    def is_open_on(self, on: date) -> bool:
        return self.joined_on <= on and (self.left_on is None or self.left_on >= on)

    def status_as_of(self, on: date) -> str | None:
        """The status in force on ``on``, or None when the membership was not open then."""
        if not self.is_open_on(on):
            return None
        changes = [c for c in self.status_changes.all() if c.effective_on <= on]
        if not changes:
            return None
        return max(changes, key=lambda c: (c.effective_on, c.pk)).status

    def get_capacities_display(self) -> list[str]:
        labels = dict(self.Capacity.choices)
        return [labels.get(c, c) for c in self.capacities]


class MembershipStatusChange(models.Model):
    """A dated change of a membership's status: the first one is on the joining date."""

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="status_changes")
    status = models.CharField(max_length=10, choices=Membership.Status.choices)
    effective_on = models.DateField()
    reason = models.TextField(blank=True)

    history = HistoricalRecords()
    read_rule = Through("membership")
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["membership", "effective_on"]
        constraints = [
            models.UniqueConstraint(fields=["membership", "effective_on"], name="status_change_one_per_day"),
        ]

    def __str__(self) -> str:
        return f"{self.membership}: {self.get_status_display()} from {day(self.effective_on)}"


class GoverningBody(models.Model):
    class Kind(models.TextChoices):
        LEADERSHIP = "leadership", "Leadership team"
        MANAGEMENT = "management", "Management team"
        OVERSIGHT = "oversight", "Oversight group"
        # The commissioner's board: the alliance reports to it or seeks its approval; alliance members never vote there.
        OUTSIDE = "outside", "Outside the alliance (approves or is reported to)"

    class DecisionRule(models.TextChoices):
        UNANIMOUS = "UNANIMOUS", "Unanimous: every eligible voting member agrees"
        CONSENSUS = "CONSENSUS", "Consensus: quorum and no objection"
        MAJORITY = "MAJORITY", "Majority: quorum and more agree than object"

    alliance = models.ForeignKey(Alliance, on_delete=models.CASCADE, related_name="bodies")
    name = models.CharField(max_length=200)
    code = models.CharField(max_length=10, help_text="Short code used in decision references, e.g. ALT.")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    reports_to = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="reporting")
    decision_rule = models.CharField(max_length=10, choices=DecisionRule.choices)
    quorum_count = models.PositiveIntegerField(
        null=True, blank=True, help_text="Quorum as a number of voting members present."
    )
    quorum_fraction = models.DecimalField(
        max_digits=4,
        decimal_places=3,
        null=True,
        blank=True,
        help_text="Quorum as a fraction of the voting members, above 0 and at most 1.",
    )
    abstention_blocks = models.BooleanField(default=True)
    agenda_notice_days = models.PositiveSmallIntegerField(
        default=5,
        help_text="How many days before a meeting its agenda and papers are published to the body's seats.",
    )
    own_seats = models.BooleanField(
        default=False,
        help_text="The body has seats of its own (roles.Seat); otherwise the alliance's members sit on it, "
        "its voting members voting and its advisory members advising.",
    )
    advice_required_for_key = models.BooleanField(
        default=False,
        help_text="A KEY decision closes only when each advisory member asked has advised, or a reason why not "
        "is recorded.",
    )
    established_on = models.DateField(null=True, blank=True)
    dissolved_on = models.DateField(null=True, blank=True)

    history = HistoricalRecords()
    read_rule = MembersLevel()
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["alliance", "name"]
        verbose_name_plural = "governing bodies"
        constraints = [
            models.UniqueConstraint(fields=["alliance", "code"], name="body_code_unique_per_alliance"),
            models.CheckConstraint(
                condition=(Q(quorum_count__isnull=False, quorum_count__gte=1, quorum_fraction__isnull=True))
                | (Q(quorum_count__isnull=True, quorum_fraction__gt=0, quorum_fraction__lte=1)),
                name="body_quorum_count_or_fraction",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def get_absolute_url(self) -> str:
        return reverse("body-detail", kwargs={"slug": self.alliance.slug, "pk": self.pk})

    @property
    def is_outside(self) -> bool:
        return self.kind == self.Kind.OUTSIDE

    @property
    def quorum_display(self) -> str:
        if self.quorum_count is not None:
            return f"{self.quorum_count} voting members"
        return f"{self.quorum_fraction:.0%} of voting members" if self.quorum_fraction is not None else ""

    def quorum_needed(self, voting_members: int) -> int:
        """The number of voting members needed for quorum when ``voting_members`` are eligible."""
        return quorum_needed(self.quorum_count, self.quorum_fraction, voting_members)

    def rule_for(self, kind: str) -> "BodyRule | GoverningBody":
        """The rule a decision of ``kind`` is taken by: the body's rule for that kind, else its own."""
        for rule in self.kind_rules.all():
            if rule.kind == kind:
                return rule
        return self


def quorum_needed(count: int | None, fraction: Decimal | None, voting_members: int) -> int:
    if count is not None:
        return count
    return max(1, ceil(Decimal(voting_members) * fraction))


def rule_in_words(rule: "BodyRule | GoverningBody") -> str:
    """The decision rule, its quorum and abstention rule in words, as stored with an outcome."""
    label = GoverningBody.DecisionRule(rule.decision_rule).label
    quorum = (
        f"{rule.quorum_count} voting members"
        if rule.quorum_count is not None
        else f"{rule.quorum_fraction:.0%} of voting members"
    )
    text = f"{label}; quorum {quorum}"
    if rule.decision_rule == GoverningBody.DecisionRule.UNANIMOUS:
        text += "; an abstention blocks" if rule.abstention_blocks else "; an abstention does not block"
    return text


class BodyRule(models.Model):
    """A body's decision rule, quorum and abstention rule for one kind of matter (PROCEDURAL by a simple
    majority where KEY needs unanimity); kinds without one follow the body's own rule."""

    body = models.ForeignKey(GoverningBody, on_delete=models.CASCADE, related_name="kind_rules")
    kind = models.CharField(max_length=20, choices=DecisionKind.choices)
    decision_rule = models.CharField(max_length=10, choices=GoverningBody.DecisionRule.choices)
    quorum_count = models.PositiveIntegerField(
        null=True, blank=True, help_text="Quorum as a number of voting members present."
    )
    quorum_fraction = models.DecimalField(
        max_digits=4,
        decimal_places=3,
        null=True,
        blank=True,
        help_text="Quorum as a fraction of the voting members, above 0 and at most 1.",
    )
    abstention_blocks = models.BooleanField(default=False)

    history = HistoricalRecords()
    read_rule = MembersLevel("body__alliance_id")
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["body", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["body", "kind"], name="body_rule_one_per_kind"),
            models.CheckConstraint(
                condition=(Q(quorum_count__isnull=False, quorum_count__gte=1, quorum_fraction__isnull=True))
                | (Q(quorum_count__isnull=True, quorum_fraction__gt=0, quorum_fraction__lte=1)),
                name="body_rule_quorum_count_or_fraction",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.body.code}: {self.get_kind_display()} by {self.get_decision_rule_display()}"

    def quorum_needed(self, voting_members: int) -> int:
        return quorum_needed(self.quorum_count, self.quorum_fraction, voting_members)


class ReferenceCounter(models.Model):
    """The last number issued for a reference series ("ALT" 2021 -> ALT-2021-007).

    Allocation locks the counter row, so two requests never get the same number and a number
    is only used up by a transaction that commits: no gaps, no duplicates.
    """

    alliance = models.ForeignKey(Alliance, on_delete=models.CASCADE, related_name="reference_counters")
    series = models.CharField(max_length=20)
    year = models.PositiveIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["alliance", "series", "year"]
        constraints = [
            models.UniqueConstraint(fields=["alliance", "series", "year"], name="reference_counter_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.series}-{self.year}: {self.last_number}"


class AuditChainHead(models.Model):
    """The last link of one audit chain; locking it orders the chain's writers (rule 9)."""

    chain = models.CharField(max_length=40, unique=True)
    last_seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        ordering = ["chain"]

    def __str__(self) -> str:
        return f"{self.chain} at #{self.last_seq}"


class AuditLink(models.Model):
    """One history row's place in its chain. The database refuses UPDATE and DELETE on this table."""

    chain = models.CharField(max_length=40)
    seq = models.PositiveBigIntegerField()
    history_model = models.CharField(max_length=100)
    history_id = models.BigIntegerField()
    object_model = models.CharField(max_length=100)
    object_id = models.CharField(max_length=64)
    history_date = models.DateTimeField(null=True)
    change_type = models.CharField(max_length=1, default="~", help_text="+ created, ~ changed, - deleted")
    user_id = models.BigIntegerField(null=True)
    # Who the user was when they made the change, hashed into the link: renaming or reassigning the
    # account later cannot make the change show someone else (None on links made before this was kept).
    username = models.CharField(max_length=150, null=True, blank=True)  # noqa: DJ001 (None: not recorded)
    person_name = models.CharField(max_length=200, null=True, blank=True)  # noqa: DJ001 (None: not recorded)
    source = models.CharField(max_length=80, help_text="web, api, admin, script or command:<name>")
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    read_rule = Matching(audit_links_readable)
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["chain", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["chain", "seq"], name="audit_link_seq_unique"),
            models.UniqueConstraint(fields=["history_model", "history_id"], name="audit_link_row_unique"),
        ]
        indexes = [
            models.Index(fields=["object_model", "object_id"]),
            models.Index(fields=["chain", "-id"]),
            models.Index(fields=["history_date"]),
            models.Index(fields=["user_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.chain}#{self.seq}"


def audit_checkpoints_readable(access, prefix=""):
    """A chain's checkpoints are readable by whoever may read the chain's alliance's audit trail
    (oversight, secretaries, voting members' representatives), and by anyone when the alliance
    publishes its register (a checkpoint reveals only a size and a hash). The chain of records of no
    alliance is for staff."""
    if access.staff:
        return None
    chains = access.confidential_of() | access.oversight_of | access.public_alliances
    return Q(**{f"{prefix}chain__in": [f"alliance:{pk}" for pk in chains]})


class AuditCheckpoint(models.Model):
    """A signed checkpoint of one audit chain (alliance/audit/checkpoint.py): the Merkle root over its
    first ``size`` links, signed with the deployment's key. Kept here to serve and to compare; a copy
    kept outside the database (emailed, downloaded) is what proves the past was not rewritten. The
    database refuses UPDATE and DELETE on this table."""

    chain = models.CharField(max_length=40)
    size = models.PositiveBigIntegerField()
    root_hash = models.CharField(max_length=64, help_text="The Merkle root, hex.")
    taken_at = models.DateTimeField(db_index=True)
    key_name = models.CharField(max_length=200)
    key_id = models.CharField(max_length=8, help_text="The signing key's id, hex.")
    note = models.TextField(help_text="The signed checkpoint, exactly as served.")

    read_rule = Matching(audit_checkpoints_readable)
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["chain", "-size", "-id"]
        indexes = [models.Index(fields=["chain", "-size"])]

    def __str__(self) -> str:
        return f"{self.chain} checkpoint at #{self.size}"


def audit_verifications_readable(access, prefix=""):
    """A verification of one alliance's chain is read by that alliance's oversight; whole-deployment
    runs (alliance empty) by staff."""
    if access.staff:
        return None
    return Q(**{f"{prefix}alliance_id__in": access.oversight_of})


class AuditVerification(models.Model):
    """One run of the audit verification (``verify_audit``): scheduled, or asked for by oversight from
    the audit page and run by ``run_audit_verifications`` outside the request."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to run"
        RUNNING = "running", "Running"
        PASSED = "passed", "Intact"
        FAILED = "failed", "Broken"
        ERROR = "error", "Could not finish"

    alliance = models.ForeignKey(
        "alliance.Alliance", on_delete=models.CASCADE, null=True, blank=True, related_name="audit_verifications"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    requested_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    scheduled = models.BooleanField(default=False, help_text="Run by the scheduler rather than asked for.")
    links_checked = models.PositiveBigIntegerField(default=0)
    checkpoint = models.ForeignKey(
        AuditCheckpoint,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="verifications",
        help_text="The latest checkpoint the chain was proven to extend.",
    )
    problems = models.JSONField(default=list, blank=True, help_text="What was found wrong, first first.")

    read_rule = Matching(audit_verifications_readable)
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["alliance", "-requested_at"])]

    def __str__(self) -> str:
        return f"verification {self.pk} ({self.get_status_display()})"


# The read log ----------------------------------------------------------------------------------
#
# Who read a confidential record, an oversight note, an export holding them, the audit trail or this
# log itself: written by alliance/read_log.py alone, read by oversight. Like the audit chain, the
# database refuses UPDATE and DELETE on it (migration 0017).


class ReadLogEntry(models.Model):
    """One read of confidential records: who (as they were named then), when, what, how and from where.

    A list or an export is one entry naming how many confidential records it served (``rows``). The
    user is kept as an id without a database constraint, with their username and person's name at the
    time, so removing a login neither rewrites nor breaks the log. The database refuses UPDATE and
    DELETE on this table."""

    class Kind(models.TextChoices):
        PAGE = "page", "Read a page"
        API = "api", "Read through the API"
        DOWNLOAD = "download", "Downloaded a file"
        EXPORT = "export", "Exported"
        READ_LOG = "read-log", "Read the read log"

    alliance = models.ForeignKey(
        Alliance, on_delete=models.PROTECT, null=True, blank=True, related_name="read_log_entries"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    username = models.CharField(max_length=150, blank=True)
    person_name = models.CharField(max_length=200, blank=True)
    at = models.DateTimeField(db_index=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    object_model = models.CharField(max_length=100, help_text="app_label.model of the record read")
    object_id = models.CharField(max_length=64, blank=True, help_text="Empty for a list or an export")
    description = models.CharField(max_length=300, help_text="The record's reference and title as they were")
    rows = models.PositiveIntegerField(default=1, help_text="How many confidential records were served")
    path = models.CharField(max_length=500, blank=True)
    ip_address = models.CharField(max_length=64, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)

    read_rule = OversightOnly()
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name_plural = "read log entries"
        indexes = [
            models.Index(fields=["alliance", "-at", "-id"]),
            models.Index(fields=["object_model", "object_id"]),
            models.Index(fields=["user"]),
        ]

    def __str__(self) -> str:
        who = self.person_name or self.username or "anonymous"
        return f"{who}: {self.get_kind_display()}, {self.description} ({day_time(self.at)})"


# Notifications -----------------------------------------------------------------------------
#
# The infrastructure only: higher apps produce what to send (alliance/notifications/), so this
# app knows nothing of decisions or awards. Notification rows and sendings are delivery records,
# written by the send_notifications command and read in the inbox; they keep no history (they are
# not domain records, would enter the audit chain by the thousand, and "read" is no decision).
# Preferences and the forward plan are people's choices and a public record: they keep history.


class NotificationKind(models.TextChoices):
    DECISION_OPENED = "decision_opened", "Decision opened for your vote"
    DECISION_CLOSING = "decision_closing", "Decision closing with your vote missing"
    DECISION_OUTCOME = "decision_outcome", "Outcome of a decision you took part in"
    ACTION_DUE = "action_due", "Action item due or overdue"
    REVIEW_DUE = "review_due", "Decision review date reached"
    AWARD_APPROVED = "award_approved", "Award approved"
    ROLE_ENDING = "role_ending", "Role ending without a successor"
    AGENDA_PUBLISHED = "agenda_published", "Agenda published for a meeting of your body"
    AGENDA_CHANGED = "agenda_changed", "Agenda changed after it was published"
    MINUTES_CIRCULATED = "minutes_circulated", "Draft minutes circulated"
    CHECKPOINT_TAKEN = "checkpoint_taken", "Audit checkpoint taken (oversight keeps a copy)"
    AUDIT_BROKEN = "audit_broken", "Audit trail verification found a problem"
    OVERSIGHT_QUERY_RAISED = "oversight_query_raised", "Oversight query raised to your body"
    OVERSIGHT_QUERY_ANSWERED = "oversight_query_answered", "Oversight query answered"
    OVERSIGHT_QUERY_OVERDUE = "oversight_query_overdue", "Oversight query overdue"
    CONTRACT_NOTICE = "contract_notice", "Contract in its notice period with no decision on its future"
    MILESTONE_PAST_DUE = "milestone_past_due", "Milestone past its target date"
    RETURN_MISSING = "return_missing", "Performance return missing"


class Sending(models.Model):
    """One run of send_notifications: when, how many emails and notifications, and who was skipped."""

    started_at = models.DateTimeField(help_text="The moment the run acted as of (--now, or the clock).")
    finished_at = models.DateTimeField()
    collected_count = models.PositiveIntegerField(default=0, help_text="New notifications stored by this run.")
    messages_count = models.PositiveIntegerField(default=0, help_text="Emails sent (a digest is one email).")
    notifications_count = models.PositiveIntegerField(default=0, help_text="Notifications those emails carried.")
    skipped_count = models.PositiveIntegerField(default=0)
    report = models.TextField(blank=True, help_text="Who was skipped and why, one line each.")

    class Meta:
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"Sending of {day_time(self.started_at)}: {self.messages_count} emails"


class NotificationQuerySet(models.QuerySet):
    def unread(self) -> "NotificationQuerySet":
        return self.filter(read_at__isnull=True)

    def due(self, now) -> "NotificationQuerySet":
        """Not yet emailed nor set aside, and due by ``now``."""
        return self.filter(sent_at__isnull=True, skipped_reason="", due_at__lte=now)


class Notification(models.Model):
    """One message to one person about one event; ``event_key`` with the address makes it idempotent."""

    alliance = models.ForeignKey(Alliance, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=30, choices=NotificationKind.choices)
    recipient_email = models.EmailField()
    recipient_name = models.CharField(max_length=200, blank=True)
    recipient_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="notifications"
    )
    subject = models.CharField(max_length=300)
    body = models.TextField()
    url = models.URLField(max_length=500, blank=True)
    event_key = models.CharField(max_length=200, help_text='The event, e.g. "decision-opened:123".')
    created_at = models.DateTimeField()
    due_at = models.DateTimeField(help_text="Not emailed before this moment.")
    digest = models.BooleanField(default=False, help_text="Waits for the recipient's daily digest.")
    sent_at = models.DateTimeField(null=True, blank=True)
    sending = models.ForeignKey(Sending, on_delete=models.SET_NULL, null=True, blank=True, related_name="notifications")
    skipped_reason = models.CharField(
        max_length=200, blank=True, help_text="Why it was not emailed (turned off in the preferences)."
    )
    read_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["event_key", "recipient_email"], name="notification_once_per_event"),
        ]
        indexes = [
            models.Index(fields=["sent_at", "due_at"]),
            models.Index(fields=["recipient_user", "read_at"]),
            models.Index(fields=["recipient_email", "read_at"]),
            models.Index(fields=["alliance", "kind"]),
        ]

    def __str__(self) -> str:
        return f"{self.subject} → {self.recipient_email}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NotificationPreference(models.Model):
    """Whether a person wants one kind of notification by email, and at once or in a daily digest."""

    class Mode(models.TextChoices):
        IMMEDIATE = "immediate", "At once"
        DAILY = "daily", "In a daily digest"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notification_preferences",
    )
    email = models.EmailField(blank=True, help_text="For people without a login: the address the choice is for.")
    kind = models.CharField(max_length=30, choices=NotificationKind.choices)
    enabled = models.BooleanField(default=True)
    mode = models.CharField(max_length=10, choices=Mode.choices, default=Mode.IMMEDIATE)

    history = HistoricalRecords()

    class Meta:
        ordering = ["user", "email", "kind"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(user__isnull=False) & Q(email="")) | (Q(user__isnull=True) & ~Q(email="")),
                name="notification_preference_user_or_email",
            ),
            models.UniqueConstraint(
                fields=["user", "kind"], condition=Q(user__isnull=False), name="notification_preference_user_kind"
            ),
            models.UniqueConstraint(
                fields=["email", "kind"], condition=~Q(email=""), name="notification_preference_email_kind"
            ),
        ]

    def __str__(self) -> str:
        who = self.user or self.email
        return f"{who}: {self.get_kind_display()} ({self.get_mode_display() if self.enabled else 'off'})"


class HomeVisit(models.Model):
    """When a login last saw its home page: the home shows as new what came after ``previous_at``.

    Bookkeeping of one login, like a notification's ``read_at``: no history (a visit is no decision,
    and would enter the audit chain at every page view) and no reader but the login itself and staff.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="home_visit")
    previous_at = models.DateTimeField(null=True, blank=True, help_text="The visit before the last one.")
    last_at = models.DateTimeField(help_text="When the current visit began.")

    class Meta:
        ordering = ["user"]

    def __str__(self) -> str:
        return f"{self.user}: home seen {day_time(self.last_at)}"


# The forward plan ----------------------------------------------------------------------------


class ForwardPlanEntry(models.Model):
    """A key decision or award process expected in the coming months, published ahead of it.

    It lives in the core app because it is announced before any decision or award exists; once
    taken, ``reference`` names the record that took it ("ALT-2023-004", "AW-2023-002").
    """

    class Route(models.TextChoices):
        # The award routes of contracts.models.Route, repeated here because alliance sits below it.
        DIRECT_AWARD = "DIRECT_AWARD", "Direct award to a member"
        MINI_COMPETITION = "MINI_COMPETITION", "Mini-competition among members"
        EXTERNAL_PROCUREMENT = "EXTERNAL_PROCUREMENT", "Procurement of an external provider"

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        TAKEN = "taken", "Taken"
        WITHDRAWN = "withdrawn", "Withdrawn"

    alliance = models.ForeignKey(Alliance, on_delete=models.PROTECT, related_name="forward_plan")
    body = models.ForeignKey(
        GoverningBody, on_delete=models.PROTECT, null=True, blank=True, related_name="forward_plan"
    )
    title = models.CharField(max_length=300)
    summary = models.TextField(blank=True)
    kind = models.CharField(max_length=20, choices=DecisionKind.choices)
    expected_on = models.DateField(help_text="When the decision is expected to be taken.")
    route = models.CharField(max_length=30, choices=Route.choices, blank=True, help_text="For awards only.")
    contact_name = models.CharField(max_length=200, blank=True)
    contact_email = models.EmailField(blank=True)
    published = models.BooleanField(default=False, help_text="Shown on the public register.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PLANNED)
    reference = models.CharField(
        max_length=30, blank=True, help_text="The decision or award that took it, once taken (e.g. ALT-2023-004)."
    )

    history = HistoricalRecords()
    read_rule = Matching(forward_plan_readable)
    audit_follows_record = True  # an unpublished entry's changes are not in the members' trail
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["alliance", "expected_on", "pk"]
        verbose_name_plural = "forward plan entries"
        indexes = [
            models.Index(fields=["alliance", "published", "status", "expected_on"]),
            models.Index(fields=["body"]),
        ]

    def __str__(self) -> str:
        return f"{self.title} (expected {day(self.expected_on)})"


from alliance.document_models import Document, DocumentVersion  # noqa: E402, F401  (papers filed with any record)
from alliance.search_models import SearchEntry, SearchTerm  # noqa: E402, F401  (the search index)


# Accounts' identities keep a history too --------------------------------------------------
#
# A link records who made a change (AuditLink.username, person_name); the accounts themselves are
# tracked so that renaming one outside the application shows as drift (verify_audit), while a rename
# through the admin is recorded, with who did it. Passwords and login times are not kept.
def _track_accounts() -> None:
    from django.contrib.auth import get_user_model
    from simple_history import register

    register(
        get_user_model(),
        app="alliance",
        table_name="alliance_historicaluser",
        excluded_fields=["password", "last_login"],
    )


_track_accounts()
from alliance.import_models import ImportRun  # noqa: E402, F401  (the provenance of imported records)
