"""django-filter filtersets of contracts: award policies, awards, contracts and oversight's notes."""

import django_filters as filters
from django.db.models import Q

from alliance.filtersets import AllianceSlugFilter, FilterSet, IdFilter
from contracts.models import AwardPolicy, AwardProcess, Contract, OversightNote


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


class OversightNoteFilter(FilterSet):
    alliance = AllianceSlugFilter(field_name="alliance__slug", label="Alliance slug")
    created_after = filters.DateFilter(field_name="created_at", lookup_expr="date__gte")
    created_before = filters.DateFilter(field_name="created_at", lookup_expr="date__lte")

    class Meta:
        model = OversightNote
        fields = ["alliance", "award_process", "decision", "author"]
