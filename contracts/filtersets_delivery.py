"""django-filter filtersets of the delivery plan, used by its API lists and its page alike."""

import django_filters as filters
from django.utils import timezone

from alliance.filtersets import AllianceSlugFilter, FilterSet, StrictBooleanFilter
from contracts.delivery_models import Milestone, Workstream


class WorkstreamFilter(FilterSet):
    alliance = AllianceSlugFilter(field_name="alliance__slug", label="Alliance slug")

    class Meta:
        model = Workstream
        fields = ["alliance", "status", "owner_role", "body", "visibility"]


class MilestoneFilter(FilterSet):
    alliance = AllianceSlugFilter(field_name="workstream__alliance__slug", label="Alliance slug")
    status = filters.ChoiceFilter(
        field_name="workstream__status", choices=Workstream.Status.choices, label="The workstream's status"
    )
    past_due = StrictBooleanFilter(
        method="filter_past_due", label="Only open milestones past their current target today (true), or the others"
    )
    achieved = StrictBooleanFilter(field_name="actual_on", lookup_expr="isnull", exclude=True, label="Only achieved")

    class Meta:
        model = Milestone
        fields = ["alliance", "workstream", "rag", "status", "past_due", "achieved"]

    def filter_past_due(self, queryset, name, value: bool):
        today = timezone.localdate()
        past_due = Milestone.objects.past_due_on(today).values("pk")
        return queryset.filter(pk__in=past_due) if value else queryset.exclude(pk__in=past_due)
