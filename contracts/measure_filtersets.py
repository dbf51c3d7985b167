"""django-filter filtersets of performance measures and their returns, used by the API lists, the measures
page and the returns' downloads alike: by contract, service category, workstream, off target and late."""

import django_filters as filters
from django.db.models import F, Q

from alliance.filtersets import AllianceSlugFilter, FilterSet, StrictBooleanFilter
from contracts.measure_models import Measure, MeasureReturn
from contracts.models import Contract, ServiceCategory, Workstream
from contracts.queries_measures import off_target_q, return_off_target_q
from roles.access import request_access


class MeasureFilter(FilterSet):
    """Filters of measures annotated by ``queries_measures.annotate_latest``."""

    alliance = AllianceSlugFilter(field_name="alliance__slug", label="Alliance slug")
    contract = filters.ModelChoiceFilter(queryset=Contract.objects.all(), label="Contract")
    service_category = filters.ChoiceFilter(choices=ServiceCategory.choices, label="Service category")
    workstream = filters.ModelChoiceFilter(queryset=Workstream.objects.all(), label="Workstream")
    off_target = StrictBooleanFilter(method="filter_off_target", label="Latest value off target (true) or not (false)")
    late = StrictBooleanFilter(method="filter_late", label="Has a late return (true) or none (false)")
    active = StrictBooleanFilter(label="Active (true) or retired (false)")

    class Meta:
        model = Measure
        fields = ["alliance", "contract", "service_category", "workstream", "direction", "off_target", "late", "active"]

    def filter_off_target(self, queryset, name, value):
        return queryset.filter(off_target_q()) if value else queryset.exclude(off_target_q())

    def filter_late(self, queryset, name, value):
        return queryset.filter(has_late=value)


class MeasureReturnFilter(FilterSet):
    alliance = AllianceSlugFilter(field_name="measure__alliance__slug", label="Alliance slug")
    measure = filters.ModelChoiceFilter(queryset=Measure.objects.all(), label="Measure")
    contract = filters.ModelChoiceFilter(
        queryset=Contract.objects.all(), field_name="measure__contract", label="Contract"
    )
    service_category = filters.ChoiceFilter(
        choices=ServiceCategory.choices, field_name="measure__service_category", label="Service category"
    )
    workstream = filters.ModelChoiceFilter(
        queryset=Workstream.objects.all(), field_name="measure__workstream", label="Workstream"
    )
    off_target = StrictBooleanFilter(method="filter_off_target", label="Value off target (true) or not (false)")
    late = StrictBooleanFilter(method="filter_late", label="Entered after its due date (true) or not (false)")
    period_from = filters.DateFilter(field_name="period_start", lookup_expr="gte", label="Periods starting on or after")
    period_to = filters.DateFilter(field_name="period_start", lookup_expr="lte", label="Periods starting on or before")

    class Meta:
        model = MeasureReturn
        fields = [
            "alliance",
            "measure",
            "contract",
            "service_category",
            "workstream",
            "off_target",
            "late",
            "period_from",
            "period_to",
        ]

    def filter_off_target(self, queryset, name, value):
        return queryset.filter(return_off_target_q()) if value else queryset.exclude(return_off_target_q())

    def filter_late(self, queryset, name, value):
        late = Q(submitted_on__gt=F("due_on"))
        return queryset.filter(late) if value else queryset.exclude(late)


class MeasurePageFilter(MeasureFilter):
    """The measures page's filters: the API's, on one alliance, offering its own contracts and workstreams
    (those the caller may read) as choices."""

    alliance = None
    direction = filters.ChoiceFilter(choices=Measure.Direction.choices, empty_label="Any")
    service_category = filters.ChoiceFilter(choices=ServiceCategory.choices, empty_label="Any", label="Service")

    class Meta(MeasureFilter.Meta):
        fields = ["contract", "service_category", "workstream", "direction", "off_target", "late", "active"]

    def __init__(self, *args, alliance, **kwargs):
        super().__init__(*args, **kwargs)
        access = request_access(self.request)
        self.filters["contract"].queryset = Contract.objects.filter(alliance=alliance).restrict(access)
        self.filters["workstream"].queryset = Workstream.objects.filter(alliance=alliance).restrict(access)


class ReturnDownloadFilter(MeasureReturnFilter):
    """The downloads' filters: one alliance's returns."""

    alliance = None

    class Meta(MeasureReturnFilter.Meta):
        fields = [f for f in MeasureReturnFilter.Meta.fields if f != "alliance"]
