"""Roles over time: who holds which post, who may decide what, and who declared which interest.

Dates are inclusive, as for memberships: an assignment with ``ends_on`` set was held on that day
too, and the next holder of a single-holder role starts the day after at the earliest.
Delegations are granted to a role, never to a person, so that they survive turnover.
"""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from alliance.access import Matching, MembersLevel, RestrictedQuerySet, RestrictedQuerySetMixin
from alliance.bulk_guard import HistoryGuardedQuerySet
from alliance.choices import DecisionKind
from alliance.models import Alliance, GoverningBody, Membership, Organisation


def people_readable(access, prefix=""):
    """People who held a role in an alliance the caller has a standing in, and the caller."""
    if access.staff:
        return None
    held = RoleAssignment.objects.filter(role__alliance_id__in=access.members_of).values("person_id")
    seated = Seat.objects.filter(body__alliance_id__in=access.members_of, person__isnull=False).values("person_id")
    q = Q(**{f"{prefix}id__in": held}) | Q(**{f"{prefix}id__in": seated})
    if access.person_id is not None:
        q |= Q(**{f"{prefix}id": access.person_id})
    return q


class Person(models.Model):
    name = models.CharField(max_length=200)
    email = models.EmailField(blank=True)
    employer = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="employees", null=True, blank=True
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, related_name="person", null=True, blank=True
    )

    history = HistoricalRecords()
    read_rule = Matching(people_readable)
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name_plural = "people"
        indexes = [models.Index(fields=["name"]), models.Index(fields=["employer"])]

    def __str__(self) -> str:
        return self.name


class Role(models.Model):
    class Kind(models.TextChoices):
        CHAIR = "chair", "Chair"
        DIRECTOR = "director", "Director"
        SECRETARY = "secretary", "Secretary"
        MEMBER_REPRESENTATIVE = "member_representative", "Member representative"
        DEPUTY_REPRESENTATIVE = "deputy_representative", "Deputy representative"
        ADVISOR = "advisor", "Advisor"
        OVERSIGHT_MEMBER = "oversight_member", "Oversight group member"
        OTHER = "other", "Other"

    # Representative posts speak for one member organisation (rule 2 of DESIGN.md).
    REPRESENTATIVE_KINDS = (Kind.MEMBER_REPRESENTATIVE, Kind.DEPUTY_REPRESENTATIVE)

    alliance = models.ForeignKey(Alliance, on_delete=models.PROTECT, related_name="roles")
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    body = models.ForeignKey(GoverningBody, on_delete=models.PROTECT, related_name="roles", null=True, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="roles",
        null=True,
        blank=True,
        help_text="The member organisation a representative post speaks for.",
    )
    single_holder = models.BooleanField(default=True, help_text="At most one person holds the role on any date.")
    description = models.TextField(blank=True)

    history = HistoricalRecords()
    read_rule = MembersLevel()
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["alliance", "title"]
        constraints = [
            models.UniqueConstraint(fields=["alliance", "title"], name="role_title_unique_per_alliance"),
            models.CheckConstraint(
                condition=~Q(kind__in=["member_representative", "deputy_representative"])
                | Q(organisation__isnull=False),
                name="role_representative_names_organisation",
            ),
        ]
        indexes = [
            models.Index(fields=["alliance", "kind"]),
            models.Index(fields=["body"]),
            models.Index(fields=["organisation"]),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("role-detail", kwargs={"slug": self.alliance.slug, "pk": self.pk})

    @property
    def is_representative(self) -> bool:
        return self.kind in self.REPRESENTATIVE_KINDS


class RoleAssignmentQuerySet(RestrictedQuerySetMixin, HistoryGuardedQuerySet):
    def held_on(self, on: date) -> "RoleAssignmentQuerySet":
        """Assignments that had started and not yet ended on ``on`` (both ends inclusive)."""
        return self.filter(starts_on__lte=on).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on))

    def overlapping(self, starts_on: date, ends_on: date | None) -> "RoleAssignmentQuerySet":
        qs = self.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=starts_on))
        if ends_on is not None:
            qs = qs.filter(starts_on__lte=ends_on)
        return qs


class RoleAssignment(models.Model):
    class EndReason(models.TextChoices):
        RESIGNED = "resigned", "Resigned"
        TERM_ENDED = "term_ended", "Term ended"
        REPLACED = "replaced", "Replaced"
        ORGANISATION_LEFT = "organisation_left", "Organisation left the alliance"
        REMOVED = "removed", "Removed"
        OTHER = "other", "Other"

    role = models.ForeignKey(Role, on_delete=models.PROTECT, related_name="assignments")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="assignments")
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True, help_text="The last day the role was held.")
    end_reason = models.CharField(max_length=20, choices=EndReason.choices, blank=True)
    notes = models.TextField(blank=True)

    history = HistoricalRecords()
    read_rule = MembersLevel("role__alliance_id")
    objects = RoleAssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["role", "starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="assignment_ends_not_before_starts",
            ),
            models.CheckConstraint(
                condition=Q(end_reason="") | Q(ends_on__isnull=False),
                name="assignment_end_reason_needs_end",
            ),
        ]
        indexes = [
            models.Index(fields=["role", "starts_on", "ends_on"]),
            models.Index(fields=["person", "starts_on"]),
            models.Index(fields=["end_reason"]),
        ]

    def __str__(self) -> str:
        return f"{self.person} as {self.role}"

    def is_held_on(self, on: date) -> bool:
        return self.starts_on <= on and (self.ends_on is None or self.ends_on >= on)


class SeatQuerySet(RestrictedQuerySetMixin, HistoryGuardedQuerySet):
    def held_on(self, on: date) -> "SeatQuerySet":
        """Seats occupied on ``on`` (both ends inclusive)."""
        return self.filter(starts_on__lte=on).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on))

    def voting(self) -> "SeatQuerySet":
        return self.filter(kind=Seat.Kind.VOTING)

    def advisory(self) -> "SeatQuerySet":
        return self.filter(kind=Seat.Kind.ADVISORY)


class Seat(models.Model):
    """A place on a governing body that has seats of its own (``GoverningBody.own_seats``): a member
    organisation or, on an oversight or advisory body, a person sits there, voting or advisory, from
    one day to another (both inclusive). A decision of the body is voted by its voting seats on the
    decision's day; a body without seats of its own is sat on by the alliance's members."""

    class Kind(models.TextChoices):
        VOTING = "VOTING", "Voting"
        ADVISORY = "ADVISORY", "Advisory (does not vote)"

    body = models.ForeignKey(GoverningBody, on_delete=models.PROTECT, related_name="seats")
    membership = models.ForeignKey(
        Membership,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="seats",
        help_text="The member organisation that sits, through its representative or deputy.",
    )
    person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="seats",
        help_text="The person who sits in their own right (an oversight or advisory body).",
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.VOTING)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True, help_text="The last day the seat was held.")
    end_reason = models.TextField(blank=True)
    notes = models.TextField(blank=True)

    history = HistoricalRecords()
    read_rule = MembersLevel("body__alliance_id")
    objects = SeatQuerySet.as_manager()

    class Meta:
        ordering = ["body", "starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(membership__isnull=False, person__isnull=True)
                | Q(membership__isnull=True, person__isnull=False),
                name="seat_organisation_or_person",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="seat_ends_not_before_starts",
            ),
        ]
        indexes = [models.Index(fields=["body", "starts_on", "ends_on"])]

    def __str__(self) -> str:
        return f"{self.holder_name} on {self.body.code} ({self.get_kind_display().lower()})"

    @property
    def holder_name(self) -> str:
        return self.membership.organisation.name if self.membership_id else self.person.name

    def is_held_on(self, on: date) -> bool:
        return self.starts_on <= on and (self.ends_on is None or self.ends_on >= on)


class DelegatedAuthorityQuerySet(RestrictedQuerySetMixin, HistoryGuardedQuerySet):
    def valid_on(self, on: date) -> "DelegatedAuthorityQuerySet":
        """Delegations in force on ``on``: within their window and not yet revoked."""
        return (
            self.filter(valid_from__lte=on)
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
            .filter(Q(revoked_on__isnull=True) | Q(revoked_on__gt=on))
        )

    def covering(self, kind: str) -> "DelegatedAuthorityQuerySet":
        # Quoted match on the JSON list, as Membership.capacities: "KEY" never matches "KEYNOTE".
        return self.filter(decision_kinds__icontains=f'"{kind}"')


class DelegatedAuthority(models.Model):
    """Authority a body grants to a role, or to another body collectively, to decide matters of some kinds,
    up to a value.

    A grant to a body is the authority map: what the commissioner's board (an outside body) delegated to the
    alliance's bodies; a decision of the grantee body beyond it is agreed subject to the grantor's approval.
    """

    # ``body`` comes first: the audit chain follows the first foreign key to the alliance, and the grantee
    # may be a role or a body.
    body = models.ForeignKey(
        GoverningBody,
        on_delete=models.PROTECT,
        related_name="delegations_granted",
        help_text="The body that granted the delegation.",
    )
    role = models.ForeignKey(Role, on_delete=models.PROTECT, related_name="delegations", null=True, blank=True)
    grantee_body = models.ForeignKey(
        GoverningBody,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="authority_held",
        help_text="The alliance body that holds the authority collectively, instead of a role.",
    )
    scope = models.TextField(help_text="What the delegation covers, in the words of the granting decision.")
    decision_kinds = models.JSONField(
        default=list, help_text="The kinds of decision covered (alliance.choices.DecisionKind)."
    )
    financial_limit = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="The highest value (GBP) the holder may decide; empty means no financial limit.",
    )
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True, help_text="The last day the delegation applies.")
    revoked_on = models.DateField(
        null=True, blank=True, help_text="The first day the delegation no longer applies, when revoked."
    )
    revocation_reason = models.TextField(blank=True)
    notes = models.TextField(blank=True)
    reserved_kinds = models.JSONField(
        default=list,
        blank=True,
        help_text="Reserved matters: kinds of decision that always need the granting body's approval.",
    )
    must_report = models.TextField(blank=True, help_text="What the holder must report to the granting body.")
    granted_reference = models.CharField(
        max_length=300,
        blank=True,
        help_text="Where the grant is recorded when no decision in this log made it (a board paper, its date).",
    )

    history = HistoricalRecords()
    read_rule = MembersLevel("body__alliance_id")
    objects = DelegatedAuthorityQuerySet.as_manager()

    class Meta:
        ordering = ["role", "valid_from", "pk"]
        verbose_name_plural = "delegated authorities"
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="delegation_valid_to_not_before_from",
            ),
            models.CheckConstraint(
                condition=Q(revoked_on__isnull=True) | Q(revoked_on__gte=models.F("valid_from")),
                name="delegation_revoked_not_before_from",
            ),
            models.CheckConstraint(
                condition=Q(financial_limit__isnull=True) | Q(financial_limit__gte=0),
                name="delegation_limit_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(role__isnull=False, grantee_body__isnull=True)
                | Q(role__isnull=True, grantee_body__isnull=False),
                name="delegation_to_a_role_or_a_body",
            ),
        ]
        indexes = [
            models.Index(fields=["role", "valid_from", "valid_to"]),
            models.Index(fields=["body"]),
            models.Index(fields=["grantee_body", "valid_from"]),
            models.Index(fields=["revoked_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.grantee_name}: {', '.join(self.decision_kinds)} from {self.body.code}"

    @property
    def grantee_name(self) -> str:
        """The role's title, or the body's name with "(collectively)" for a body's authority."""
        return self.role.title if self.role_id else f"{self.grantee_body.name} (collectively)"

    @property
    def granting_decision(self):
        """The decision of this log that granted it (rule 8), or None."""
        try:
            return self.granted_by
        except models.ObjectDoesNotExist:
            return None

    @property
    def grant_unrecorded(self) -> bool:
        """No decision in the log granted it and no reference says where it was granted: flagged in the register."""
        return self.granting_decision is None and not self.granted_reference

    def get_decision_kinds_display(self) -> list[str]:
        labels = dict(DecisionKind.choices)
        return [labels.get(k, k) for k in self.decision_kinds]

    def get_reserved_kinds_display(self) -> list[str]:
        labels = dict(DecisionKind.choices)
        return [labels.get(k, k) for k in self.reserved_kinds]

    def is_valid_on(self, on: date) -> bool:
        return (
            self.valid_from <= on
            and (self.valid_to is None or self.valid_to >= on)
            and (self.revoked_on is None or self.revoked_on > on)
        )


class InterestDeclarationQuerySet(RestrictedQuerySetMixin, HistoryGuardedQuerySet):
    def current_on(self, on: date) -> "InterestDeclarationQuerySet":
        """Declarations made by ``on`` and not yet ended then (both ends inclusive)."""
        return self.filter(declared_on__lte=on).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on))


class InterestDeclaration(models.Model):
    """An interest a person declared to an alliance's register (the award it concerns comes with contracts)."""

    alliance = models.ForeignKey(Alliance, on_delete=models.PROTECT, related_name="interests")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="interests")
    represents = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        help_text="The organisation the person represents in the alliance.",
    )
    interest = models.TextField(help_text="The interest, in the declarer's words.")
    concerns_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="interests_declared",
        null=True,
        blank=True,
        help_text="The organisation the interest concerns, where one does.",
    )
    declared_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True, help_text="The last day the interest applied.")

    history = HistoricalRecords()
    read_rule = MembersLevel()
    objects = InterestDeclarationQuerySet.as_manager()

    class Meta:
        ordering = ["alliance", "-declared_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("declared_on")),
                name="interest_ends_not_before_declared",
            ),
        ]
        indexes = [
            models.Index(fields=["alliance", "declared_on", "ends_on"]),
            models.Index(fields=["person"]),
            models.Index(fields=["concerns_organisation"]),
            models.Index(fields=["represents"]),
        ]

    def __str__(self) -> str:
        return f"{self.person}: {self.interest[:60]}"

    def is_current_on(self, on: date) -> bool:
        return self.declared_on <= on and (self.ends_on is None or self.ends_on >= on)


class AccessGrant(models.Model):
    """A standing in an alliance given to a login directly, for people who hold no role there.

    Most standings come from roles held (a secretary, a member's representative, an oversight
    group member); a grant covers the rest: a viewer from a member organisation, an external
    auditor with oversight standing.
    """

    class Standing(models.TextChoices):
        VIEWER = "viewer", "Viewer: reads members-level records"
        OVERSIGHT = "oversight", "Oversight: reads everything, including confidential records and the audit trail"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="access_grants")
    alliance = models.ForeignKey(Alliance, on_delete=models.CASCADE, related_name="access_grants")
    standing = models.CharField(max_length=20, choices=Standing.choices)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True, help_text="The last day the grant applies.")
    reason = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["alliance", "user", "starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="access_grant_ends_not_before_starts",
            ),
        ]
        indexes = [models.Index(fields=["user", "alliance"])]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_standing_display().split(':')[0]} of {self.alliance}"


class SignInIdentity(models.Model):
    """An account at an organisation's identity provider, linked to the person it signs in as (single sign-on).

    The link is the provider's (issuer, subject) pair, which never changes, not the email address,
    which can: an administrator makes it (admin or `manage.py link_sso_identity`), or the first
    sign-in does, when the provider vouches for an email address that exactly one person has
    (roles/identities.py, docs/sso.md). Staff administer these; no other reader lists them.
    """

    class Linked(models.TextChoices):
        BY_ADMINISTRATOR = "administrator", "By an administrator"
        BY_VERIFIED_EMAIL = "verified_email", "At first sign-in, by a verified email address"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="sign_in_identities")
    issuer = models.CharField(max_length=255, help_text="The identity provider's issuer address, exactly.")
    subject = models.CharField(max_length=255, help_text="The account's subject (sub) at that provider.")
    email = models.EmailField(blank=True, help_text="The email address the provider gave when the link was made.")
    linked = models.CharField(max_length=20, choices=Linked.choices)
    linked_at = models.DateTimeField()

    history = HistoricalRecords()
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["person", "issuer", "pk"]
        verbose_name = "single sign-on identity"
        verbose_name_plural = "single sign-on identities"
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="sign_in_identity_one_person"),
            models.UniqueConstraint(fields=["person", "issuer"], name="sign_in_identity_one_per_provider"),
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.subject} at {self.issuer}"
