"""django-filter filtersets of roles: people, roles, role assignments, delegations and interests."""

import django_filters as filters
from django.db.models import Q
from django.utils import timezone

from alliance.choices import DecisionKind
from alliance.filtersets import AllianceSlugFilter, FilterSet, IdFilter, StrictBooleanFilter
from roles.models import DelegatedAuthority, InterestDeclaration, Person, Role, RoleAssignment, Seat


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
    alliance = AllianceSlugFilter(field_name="body__alliance__slug", label="Alliance slug")
    kind = filters.ChoiceFilter(choices=DecisionKind.choices, method="filter_kind", label="Covers this decision kind")
    on = filters.DateFilter(method="filter_on", label="In force on this date (YYYY-MM-DD)")

    class Meta:
        model = DelegatedAuthority
        fields = ["alliance", "role", "body", "grantee_body", "kind", "on"]

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


class SeatFilter(FilterSet):
    alliance = AllianceSlugFilter(field_name="body__alliance__slug", label="Alliance slug")
    organisation = IdFilter(field_name="membership__organisation", label="Organisation that holds the seat")
    on = filters.DateFilter(method="filter_on", label="Held on this date (YYYY-MM-DD)")

    class Meta:
        model = Seat
        fields = ["alliance", "body", "membership", "person", "organisation", "kind", "on"]

    def filter_on(self, queryset, name, value):
        return queryset.held_on(value)
