"""django-filter filtersets for every list endpoint."""

import django_filters as filters
from django import forms
from django.db.models import Q, Subquery
from django.template import loader
from django.utils import timezone
from django_filters.constants import EMPTY_VALUES
from django_filters.filters import QuerySetRequestMixin
from django_filters.rest_framework import DjangoFilterBackend

from alliance.access import restrict
from alliance.choices import DecisionKind
from alliance.forms import SearchField
from alliance.models import Alliance, GoverningBody, Membership, Notification, Organisation
from contracts.models import AwardPolicy, AwardProcess, Contract, OversightNote
from decisions.models import ActionItem, Decision, Meeting, Vote
from roles.access import request_access
from roles.models import DelegatedAuthority, InterestDeclaration, Person, Role, RoleAssignment

MAX_ID = 2**63 - 1  # the largest id a database column holds: ?organisation=10**30 answers 400, not 500


class IdFilter(filters.NumberFilter):
    """A record's id: a whole number from 1 to :data:`MAX_ID`."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        kwargs.setdefault("decimal_places", 0)
        super().__init__(*args, **kwargs)


class AllianceSlugFilter(filters.CharFilter):
    """?alliance=<slug>, matched on the alliance's id through a one-row subquery rather than a join on
    the slug: the database then reads the rows in the order of an index that starts with the alliance
    (``decisions`` walks its log index and stops at the page) instead of sorting them all (docs/performance.md).
    An unknown slug matches nothing, as before."""

    def filter(self, qs, value):
        if value in EMPTY_VALUES:
            return qs
        alliance = Alliance.objects.filter(slug=value).values("pk")[:1]
        qs = qs.filter(**{self.field_name.removesuffix("__slug"): Subquery(alliance)})
        return qs.distinct() if self.distinct else qs


class SearchFilter(filters.CharFilter):
    """?q=: free text of at most ``SEARCH_MAX_LENGTH`` characters (the same limit as the pages' search)."""

    field_class = SearchField


class StrictBooleanField(forms.Field):
    """true/false (or 1/0, yes/no); any other value is refused instead of silently ignored."""

    TRUE, FALSE = {"true", "1", "yes"}, {"false", "0", "no"}
    widget = forms.TextInput  # NullBooleanSelect would turn an unknown word into "no filter" before we see it

    def to_python(self, value):
        if value in (None, ""):
            return None
        if isinstance(value, bool):
            return value
        word = str(value).strip().lower()
        if word in self.TRUE:
            return True
        if word in self.FALSE:
            return False
        raise forms.ValidationError(f"'{value}' is neither true nor false; use true or false.", code="invalid")


class StrictBooleanFilter(filters.BooleanFilter):
    field_class = StrictBooleanField


class FilterSet(filters.FilterSet):
    """A filterset whose choices of records (``?body=``, ``?decision=``...) are only those the caller
    may read, by the models' one read rule: a record the caller cannot read is refused as a choice
    exactly like one that does not exist, and the browsable API's filter form
    (:class:`FilterBackend`) lists nothing else. Only the filters given a value are restricted when
    filtering, so a list that names no record pays nothing for it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.restrict_choices(only=set(self.data) if self.data is not None else set())

    def restrict_choices(self, only: set[str] | None = None) -> None:
        access = None
        for name, field in self.filters.items():
            if not isinstance(field, QuerySetRequestMixin) or (only is not None and name not in only):
                continue
            if access is None and self.request is not None:
                access = request_access(self.request)
            queryset = field.get_queryset(self.request)
            field.queryset = queryset.none() if access is None else restrict(queryset, access)


class FilterBackend(DjangoFilterBackend):
    """django-filter's backend, whose HTML filter form offers only the records the caller may read."""

    def to_html(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return None
        if isinstance(filterset, FilterSet):
            filterset.restrict_choices()
        template = loader.get_template(self.template)
        return template.render({"filter": filterset}, request)


def is_id(value: str) -> bool:
    return value.isascii() and value.isdigit() and int(value) <= MAX_ID


class AllianceFilter(FilterSet):
    name = filters.CharFilter(lookup_expr="icontains")

    class Meta:
        model = Alliance
        fields = ["name", "publish_register"]


class OrganisationFilter(FilterSet):
    name = filters.CharFilter(lookup_expr="icontains")
    alliance = filters.CharFilter(field_name="memberships__alliance__slug", distinct=True, label="Alliance slug")

    class Meta:
        model = Organisation
        fields = ["name", "kind", "alliance"]


class MembershipFilter(FilterSet):
    alliance = AllianceSlugFilter(field_name="alliance__slug", label="Alliance slug")
    capacity = filters.ChoiceFilter(choices=Membership.Capacity.choices, method="filter_capacity")
    on = filters.DateFilter(method="filter_on", label="Open on this date (YYYY-MM-DD)")
    status = filters.ChoiceFilter(
        choices=Membership.Status.choices,
        method="filter_status",
        label="Status (on the ?on= date when one is given, otherwise now)",
    )

    class Meta:
        model = Membership
        fields = ["alliance", "organisation", "on", "status", "capacity", "is_signatory"]

    def filter_capacity(self, queryset, name, value):
        return queryset.with_capacity(value)

    def filter_on(self, queryset, name, value):
        return queryset.open_on(value).with_status_on(value)

    def filter_status(self, queryset, name, value):
        on = self.form.cleaned_data.get("on")
        if on:
            if "status_on" not in queryset.query.annotations:
                queryset = queryset.with_status_on(on)
            return queryset.filter(status_on=value)
        return queryset.filter(status=value)


class BodyFilter(FilterSet):
    alliance = AllianceSlugFilter(field_name="alliance__slug", label="Alliance slug")

    class Meta:
        model = GoverningBody
        fields = ["alliance", "kind", "decision_rule", "code"]


class PersonFilter(FilterSet):
    name = filters.CharFilter(lookup_expr="icontains")
    alliance = filters.CharFilter(
        field_name="assignments__role__alliance__slug", distinct=True, label="Alliance slug (held a role there)"
    )

    class Meta:
        model = Person
        fields = ["name", "employer", "alliance"]


class RoleFilter(FilterSet):
    alliance = AllianceSlugFilter(field_name="alliance__slug", label="Alliance slug")

    class Meta:
        model = Role
        fields = ["alliance", "kind", "body", "organisation", "single_holder"]


class RoleAssignmentFilter(FilterSet):
    alliance = AllianceSlugFilter(field_name="role__alliance__slug", label="Alliance slug")
    organisation = IdFilter(field_name="role__organisation", label="Organisation the role represents")
    body = IdFilter(field_name="role__body", label="Governing body of the role")
    kind = filters.ChoiceFilter(field_name="role__kind", choices=Role.Kind.choices, label="Kind of role")
    on = filters.DateFilter(method="filter_on", label="Held on this date (YYYY-MM-DD)")
    current = StrictBooleanFilter(method="filter_current", label="Held today (true) or not (false)")

    class Meta:
        model = RoleAssignment
        fields = ["alliance", "role", "person", "organisation", "body", "kind", "on", "current", "end_reason"]

    def filter_on(self, queryset, name, value):
        return queryset.held_on(value)

    def filter_current(self, queryset, name, value):
        held = RoleAssignment.objects.held_on(timezone.localdate()).values("pk")
        return queryset.filter(pk__in=held) if value else queryset.exclude(pk__in=held)


class DelegationFilter(FilterSet):
    alliance = AllianceSlugFilter(field_name="role__alliance__slug", label="Alliance slug")
    kind = filters.ChoiceFilter(choices=DecisionKind.choices, method="filter_kind", label="Covers this decision kind")
    on = filters.DateFilter(method="filter_on", label="In force on this date (YYYY-MM-DD)")

    class Meta:
        model = DelegatedAuthority
        fields = ["alliance", "role", "body", "kind", "on"]

    def filter_kind(self, queryset, name, value):
        return queryset.covering(value)

    def filter_on(self, queryset, name, value):
        return queryset.valid_on(value)


class InterestFilter(FilterSet):
    alliance = AllianceSlugFilter(field_name="alliance__slug", label="Alliance slug")
    organisation = IdFilter(method="filter_organisation", label="Represents or concerns this organisation")
    current = StrictBooleanFilter(method="filter_current", label="Applies today (true) or not (false)")

    class Meta:
        model = InterestDeclaration
        fields = ["alliance", "person", "organisation", "current"]

    def filter_organisation(self, queryset, name, value):
        return queryset.filter(Q(represents=value) | Q(concerns_organisation=value))

    def filter_current(self, queryset, name, value):
        current = InterestDeclaration.objects.current_on(timezone.localdate()).values("pk")
        return queryset.filter(pk__in=current) if value else queryset.exclude(pk__in=current)


# meetings and action items -----------------------------------------------------------------


class MeetingFilter(FilterSet):
    alliance = AllianceSlugFilter(field_name="body__alliance__slug", label="Alliance slug")
    starts_after = filters.DateFilter(field_name="starts_at__date", lookup_expr="gte", label="On or after (YYYY-MM-DD)")
    starts_before = filters.DateFilter(
        field_name="starts_at__date", lookup_expr="lte", label="On or before (YYYY-MM-DD)"
    )

    class Meta:
        model = Meeting
        fields = ["alliance", "body", "status", "starts_after", "starts_before"]


class ActionItemFilter(FilterSet):
    alliance = AllianceSlugFilter(field_name="decision__alliance__slug", label="Alliance slug")
    overdue = StrictBooleanFilter(method="filter_overdue", label="Open and due before ?on= (default today)")
    # Not a filter of its own: the date ?overdue= is judged on (read by filter_overdue).
    on = filters.DateFilter(label="The date overdue is judged on (YYYY-MM-DD)")

    class Meta:
        model = ActionItem
        fields = ["alliance", "decision", "owner_person", "owner_role", "status", "overdue", "on"]

    def filter_queryset(self, queryset):
        self.judged_on = self.form.cleaned_data.pop("on", None) or timezone.localdate()
        return super().filter_queryset(queryset)

    def filter_overdue(self, queryset, name, value: bool):
        on = self.judged_on
        overdue = Q(status=ActionItem.Status.OPEN, due_on__lt=on)
        return queryset.filter(overdue) if value else queryset.exclude(overdue)


# decisions and votes -----------------------------------------------------------------------


class DecisionFilter(FilterSet):
    alliance = AllianceSlugFilter(field_name="alliance__slug", label="Alliance slug")
    body = filters.CharFilter(method="filter_body", label="Governing body: its code (ALT) or id")
    kind = filters.ChoiceFilter(choices=DecisionKind.choices)
    tag = filters.CharFilter(method="filter_tag", label="Topic tag")
    decided_after = filters.DateFilter(field_name="decided_on", lookup_expr="gte", label="Decided on or after")
    decided_before = filters.DateFilter(field_name="decided_on", lookup_expr="lte", label="Decided on or before")
    q = SearchFilter(method="filter_q", label="Text in the reference, title, proposal or rationale")
    member = IdFilter(method="filter_member", label="Membership id: decisions that member voted on")
    organisation = IdFilter(method="filter_member", label="Organisation id: decisions its membership voted on")
    position = filters.ChoiceFilter(
        choices=Vote.Position.choices,
        method="filter_position",
        label="A vote in this position (the ?member='s or ?organisation='s vote, if given)",
    )

    class Meta:
        model = Decision
        fields = [
            "alliance",
            "body",
            "kind",
            "status",
            "visibility",
            "tag",
            "decided_after",
            "decided_before",
            "q",
            "member",
            "organisation",
            "position",
        ]

    def filter_body(self, queryset, name, value):
        return queryset.filter(body_id=int(value)) if is_id(value) else queryset.filter(body__code__iexact=value)

    def filter_tag(self, queryset, name, value):
        return queryset.filter(tags__icontains=f'"{value.strip().lower()}"')

    def filter_q(self, queryset, name, value):
        match = Q()
        for word in value.split():
            match &= (
                Q(reference__icontains=word)
                | Q(title__icontains=word)
                | Q(proposal__icontains=word)
                | Q(rationale__icontains=word)
            )
        return queryset.filter(match)

    def _voted(self, queryset, position=None):
        votes = Vote.objects.all()
        member, organisation = (self.form.cleaned_data.get(k) for k in ("member", "organisation"))
        if member is not None:
            votes = votes.filter(membership_id=member)
        if organisation is not None:
            votes = votes.filter(membership__organisation_id=organisation)
        if position:
            votes = votes.filter(position=position)
        return queryset.filter(pk__in=votes.values("decision_id"))

    def filter_member(self, queryset, name, value):
        # ?member= and ?organisation= (and ?position=) describe one vote: apply them together, once.
        if name == "organisation" and self.form.cleaned_data.get("member") is not None:
            return queryset
        return self._voted(queryset, self.form.cleaned_data.get("position"))

    def filter_position(self, queryset, name, value):
        if any(self.form.cleaned_data.get(k) is not None for k in ("member", "organisation")):
            return queryset
        return self._voted(queryset, value)


class VoteFilter(FilterSet):
    alliance = AllianceSlugFilter(field_name="decision__alliance__slug", label="Alliance slug")
    organisation = IdFilter(field_name="membership__organisation", label="Organisation id")

    class Meta:
        model = Vote
        fields = ["alliance", "decision", "membership", "organisation", "position"]


# awards, award policies and contracts ------------------------------------------------------


class AwardPolicyFilter(FilterSet):
    alliance = AllianceSlugFilter(field_name="alliance__slug", label="Alliance slug")
    in_force_on = filters.DateFilter(method="filter_in_force_on", label="The version in force on this date")

    class Meta:
        model = AwardPolicy
        fields = ["alliance", "version", "in_force_on"]

    def filter_in_force_on(self, queryset, name, value):
        ids = [
            p.pk
            for alliance_id in queryset.values_list("alliance_id", flat=True).distinct()
            if (
                p := AwardPolicy.objects.filter(alliance_id=alliance_id, in_force_from__lte=value)
                .order_by("-in_force_from", "-version")
                .first()
            )
        ]
        return queryset.filter(pk__in=ids)


class AwardFilter(FilterSet):
    alliance = AllianceSlugFilter(field_name="alliance__slug", label="Alliance slug")
    organisation = IdFilter(
        method="filter_organisation", label="Organisation id: direct award, recommended bidder or contracted provider"
    )
    min_value = filters.NumberFilter(field_name="estimated_total_value", lookup_expr="gte", label="Total value from")
    max_value = filters.NumberFilter(field_name="estimated_total_value", lookup_expr="lte", label="Total value up to")
    started_after = filters.DateFilter(field_name="started_on", lookup_expr="gte", label="Started on or after")
    started_before = filters.DateFilter(field_name="started_on", lookup_expr="lte", label="Started on or before")

    class Meta:
        model = AwardProcess
        fields = [
            "alliance",
            "route",
            "stage",
            "service_category",
            "visibility",
            "organisation",
            "min_value",
            "max_value",
            "started_after",
            "started_before",
        ]

    def filter_organisation(self, queryset, name, value):
        return queryset.filter(
            Q(direct_award_to_id=value)
            | Q(recommended_submission__bidder_id=value)
            | Q(resulting_contract__provider_id=value)
        )


class ContractFilter(FilterSet):
    alliance = AllianceSlugFilter(field_name="alliance__slug", label="Alliance slug")
    running_on = filters.DateFilter(method="filter_running_on", label="Running on this date")

    class Meta:
        model = Contract
        fields = ["alliance", "provider", "service_category", "status", "in_scope", "running_on"]

    def filter_running_on(self, queryset, name, value):
        return queryset.running_between(value, value)


class NotificationFilter(FilterSet):
    alliance = AllianceSlugFilter(field_name="alliance__slug", label="Alliance slug")
    unread = StrictBooleanFilter(field_name="read_at", lookup_expr="isnull", label="Only unread (true) or read (false)")

    class Meta:
        model = Notification
        fields = ["alliance", "kind", "unread"]


class OversightNoteFilter(FilterSet):
    alliance = AllianceSlugFilter(field_name="alliance__slug", label="Alliance slug")
    created_after = filters.DateFilter(field_name="created_at", lookup_expr="date__gte")
    created_before = filters.DateFilter(field_name="created_at", lookup_expr="date__lte")

    class Meta:
        model = OversightNote
        fields = ["alliance", "award_process", "decision", "author"]
