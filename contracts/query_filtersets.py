"""The filters of oversight's formal queries, used by the API's list and the web list alike."""

import django_filters as filters
from django.db.models import Q
from django.utils import timezone

from alliance.filtersets import AllianceSlugFilter, FilterSet, SearchFilter, StrictBooleanFilter
from alliance.models import Alliance, GoverningBody
from contracts.query_models import OversightQuery


class OversightQueryFilter(FilterSet):
    alliance = AllianceSlugFilter(field_name="alliance__slug", label="Alliance slug")
    overdue = StrictBooleanFilter(
        method="filter_overdue", label="Open and past its due date today (true), or not (false)"
    )
    q = SearchFilter(method="filter_q", label="Text in the reference or subject")

    class Meta:
        model = OversightQuery
        fields = ["alliance", "status", "kind", "to_body", "decision", "award_process", "contract", "workstream"]
        fields += ["overdue", "q"]

    def filter_overdue(self, queryset, name, value):
        if value in (None, ""):
            return queryset
        overdue = Q(status=OversightQuery.Status.OPEN, due_on__lt=timezone.localdate())
        return queryset.filter(overdue) if value in (True, "true") else queryset.exclude(overdue)

    def filter_q(self, queryset, name, value):
        match = Q()
        for word in value.split():
            match &= Q(reference__icontains=word) | Q(subject__icontains=word)
        return queryset.filter(match)


class OversightQueryPageFilter(OversightQueryFilter):
    """The list page's filters: the API's, with the alliance's own bodies as the choice of body."""

    alliance = decision = award_process = contract = workstream = None
    status = filters.ChoiceFilter(choices=OversightQuery.Status.choices, empty_label="Any")
    kind = filters.ChoiceFilter(choices=OversightQuery.Kind.choices, empty_label="Any")
    to_body = filters.ModelChoiceFilter(queryset=GoverningBody.objects.none(), label="Body asked", empty_label="Any")
    overdue = filters.ChoiceFilter(
        choices=[("true", "Overdue"), ("false", "Not overdue")], method="filter_overdue", label="Due", empty_label="Any"
    )
    q = SearchFilter(method="filter_q", label="Reference or subject")

    class Meta(OversightQueryFilter.Meta):
        fields = ["q", "status", "kind", "to_body", "overdue"]

    def __init__(self, data=None, queryset=None, *, alliance: Alliance, **kwargs):
        super().__init__(data, queryset, **kwargs)
        self.filters["to_body"].queryset = GoverningBody.objects.filter(alliance=alliance).order_by("name")
