"""django-filter filtersets of contracts: award policies, awards, contracts and oversight's notes."""

import django_filters as filters
from django import forms
from django.db.models import Q
from django.utils import timezone

from alliance.filtersets import AllianceSlugFilter, FilterSet, IdFilter, SearchFilter, StrictBooleanFilter
from alliance.models import Alliance, Organisation
from contracts.models import AwardPolicy, AwardProcess, Contract, OversightNote, Route, ServiceCategory
from contracts.queries_warnings import in_notice_without_decision
from contracts.scope_models import BudgetEnvelope, SavingsRecord, ServiceLine


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
    q = SearchFilter(method="filter_q", label="Text in the reference or title")

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
            "q",
        ]

    def filter_organisation(self, queryset, name, value):
        value = getattr(value, "pk", value)  # an id from the API, an organisation from the page's choice
        return queryset.filter(
            Q(direct_award_to_id=value)
            | Q(recommended_submission__bidder_id=value)
            | Q(resulting_contract__provider_id=value)
        )

    def filter_q(self, queryset, name, value):
        match = Q()
        for word in value.split():
            match &= Q(reference__icontains=word) | Q(title__icontains=word)
        return queryset.filter(match)


DATE = forms.DateInput(attrs={"type": "date"})


class AwardRegisterFilter(AwardFilter):
    """The award register page's filters: the API's (:class:`AwardFilter`), so that a search or a value
    range finds the same processes on the page as in ``/api/v1/awards/``. The page is one alliance's, so
    it offers that alliance's member organisations as a choice."""

    alliance = visibility = None
    q = SearchFilter(method="filter_q", label="Reference or title")
    route = filters.ChoiceFilter(choices=Route.choices, empty_label="Any")
    stage = filters.ChoiceFilter(choices=AwardProcess.Stage.choices, empty_label="Any")
    service_category = filters.ChoiceFilter(choices=ServiceCategory.choices, empty_label="Any", label="Service")
    organisation = filters.ModelChoiceFilter(
        queryset=Organisation.objects.none(),
        method="filter_organisation",
        label="Awarded organisation",
        empty_label="Any",
    )
    min_value = filters.NumberFilter(
        field_name="estimated_total_value",
        lookup_expr="gte",
        label="Total value from (£)",
        min_value=0,
        decimal_places=2,
    )
    max_value = filters.NumberFilter(
        field_name="estimated_total_value",
        lookup_expr="lte",
        label="Total value up to (£)",
        min_value=0,
        decimal_places=2,
    )
    started_after = filters.DateFilter(
        field_name="started_on", lookup_expr="gte", label="Started on or after", widget=DATE
    )
    started_before = filters.DateFilter(
        field_name="started_on", lookup_expr="lte", label="Started on or before", widget=DATE
    )

    class Meta(AwardFilter.Meta):
        fields = [
            "q",
            "route",
            "stage",
            "service_category",
            "organisation",
            "min_value",
            "max_value",
            "started_after",
            "started_before",
        ]

    def __init__(self, data=None, queryset=None, *, alliance: Alliance, **kwargs):
        super().__init__(data, queryset, **kwargs)
        members = Organisation.objects.filter(memberships__alliance=alliance).distinct()
        self.filters["organisation"].queryset = members


class ContractFilter(FilterSet):
    alliance = AllianceSlugFilter(field_name="alliance__slug", label="Alliance slug")
    running_on = filters.DateFilter(method="filter_running_on", label="Running on this date")
    in_notice_without_decision = StrictBooleanFilter(
        method="filter_in_notice_without_decision",
        label="In its notice period without a decision on its future (as of 'on', today by default)",
    )
    on = filters.DateFilter(method="filter_on", label="As of this date (for the notice period)")

    class Meta:
        model = Contract
        fields = [
            "alliance",
            "provider",
            "service_category",
            "status",
            "in_scope",
            "running_on",
            "in_notice_without_decision",
            "on",
            "future_decision",
        ]

    def filter_running_on(self, queryset, name, value):
        return queryset.running_between(value, value)

    def filter_on(self, queryset, name, value):
        return queryset  # read by filter_in_notice_without_decision

    def filter_in_notice_without_decision(self, queryset, name, value):
        on = self.form.cleaned_data.get("on") or timezone.localdate()
        inside = in_notice_without_decision(queryset, on)
        return inside if value else queryset.exclude(pk__in=inside.values("pk"))


class OversightNoteFilter(FilterSet):
    alliance = AllianceSlugFilter(field_name="alliance__slug", label="Alliance slug")
    created_after = filters.DateFilter(field_name="created_at", lookup_expr="date__gte")
    created_before = filters.DateFilter(field_name="created_at", lookup_expr="date__lte")

    class Meta:
        model = OversightNote
        fields = ["alliance", "award_process", "decision", "author"]


# Scope and money ---------------------------------------------------------------------------


class ServiceLineFilter(FilterSet):
    alliance = AllianceSlugFilter(field_name="alliance__slug", label="Alliance slug")
    in_scope = StrictBooleanFilter(field_name="in_scope", label="In scope (true) or retained (false)")
    active = StrictBooleanFilter(field_name="active", label="Still funded")

    class Meta:
        model = ServiceLine
        fields = ["alliance", "in_scope", "active", "provider", "service_category", "changed_by"]


class BudgetEnvelopeFilter(FilterSet):
    alliance = AllianceSlugFilter(field_name="alliance__slug", label="Alliance slug")

    class Meta:
        model = BudgetEnvelope
        fields = ["alliance", "baseline_year", "set_by", "set_by_decision"]


class SavingsRecordFilter(FilterSet):
    alliance = AllianceSlugFilter(field_name="alliance__slug", label="Alliance slug")

    class Meta:
        model = SavingsRecord
        fields = ["alliance", "financial_year", "service_line", "member", "decision"]
