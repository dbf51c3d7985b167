"""django-filter filtersets of decisions: meetings, action items, decisions and votes."""

import django_filters as filters
from django import forms
from django.db.models import Q, Subquery
from django.utils import timezone
from django_filters.constants import EMPTY_VALUES

from alliance import search as one_search
from alliance.choices import DecisionKind
from alliance.filtersets import AllianceSlugFilter, FilterSet, IdFilter, SearchFilter, StrictBooleanFilter, is_id
from alliance.models import Alliance, GoverningBody
from decisions import queries
from decisions.governing_models import GoverningDocument
from decisions.models import ActionItem, AgendaItem, Decision, Meeting, Vote


class MeetingFilter(FilterSet):
    alliance = AllianceSlugFilter(field_name="body__alliance__slug", label="Alliance slug")
    starts_after = filters.DateFilter(field_name="starts_at__date", lookup_expr="gte", label="On or after (YYYY-MM-DD)")
    starts_before = filters.DateFilter(
        field_name="starts_at__date", lookup_expr="lte", label="On or before (YYYY-MM-DD)"
    )

    class Meta:
        model = Meeting
        fields = ["alliance", "body", "status", "starts_after", "starts_before"]


class MeetingListFilter(MeetingFilter):
    """The meeting list page's filters: the API's (:class:`MeetingFilter`), by status and by one of the
    page's alliance's bodies."""

    alliance = starts_after = starts_before = None
    body = filters.ModelChoiceFilter(queryset=GoverningBody.objects.none(), empty_label="Any body")
    status = filters.ChoiceFilter(choices=Meeting.Status.choices, empty_label="Any status")

    class Meta(MeetingFilter.Meta):
        fields = ["body", "status"]

    def __init__(self, data=None, queryset=None, *, alliance: Alliance, **kwargs):
        super().__init__(data, queryset, **kwargs)
        self.filters["body"].queryset = GoverningBody.objects.filter(alliance=alliance).order_by("name")


class AgendaItemFilter(FilterSet):
    alliance = AllianceSlugFilter(field_name="meeting__body__alliance__slug", label="Alliance slug")

    class Meta:
        model = AgendaItem
        fields = ["alliance", "meeting", "purpose", "status"]


class ActionItemAllianceFilter(AllianceSlugFilter):
    """?alliance=<slug> of an action item: its decision's alliance, or its meeting's (ActionItem.of_alliance)."""

    def filter(self, qs, value):
        if value in EMPTY_VALUES:
            return qs
        return qs.filter(
            Q(decision__alliance_id=Subquery(Alliance.objects.filter(slug=value).values("pk")[:1]))
            | Q(meeting__body__alliance_id=Subquery(Alliance.objects.filter(slug=value).values("pk")[:1]))
        )


class ActionItemFilter(FilterSet):
    alliance = ActionItemAllianceFilter(label="Alliance slug")
    overdue = StrictBooleanFilter(method="filter_overdue", label="Open and due before ?on= (default today)")
    # Not a filter of its own: the date ?overdue= is judged on (read by filter_overdue).
    on = filters.DateFilter(label="The date overdue is judged on (YYYY-MM-DD)")

    class Meta:
        model = ActionItem
        fields = ["alliance", "decision", "meeting", "owner_person", "owner_role", "status", "overdue", "on"]

    def filter_queryset(self, queryset):
        self.judged_on = self.form.cleaned_data.pop("on", None) or timezone.localdate()
        return super().filter_queryset(queryset)

    def filter_overdue(self, queryset, name, value: bool):
        on = self.judged_on
        overdue = Q(status=ActionItem.Status.OPEN, due_on__lt=on)
        return queryset.filter(overdue) if value else queryset.exclude(overdue)


class ActionItemListFilter(ActionItemFilter):
    """The action items page's filter: the API's (:class:`ActionItemFilter`) by status; the page judges
    what is overdue on its own date (``?on=``)."""

    alliance = decision = meeting = owner_person = owner_role = overdue = on = None
    status = filters.ChoiceFilter(choices=ActionItem.Status.choices, empty_label="Any status")

    class Meta(ActionItemFilter.Meta):
        fields = ["status"]


# decisions and votes -----------------------------------------------------------------------


ADVICE_CHOICES = [("unanswered", "Advice waiting for a response"), ("awaited", "Advice asked for, not yet given")]


class DecisionFilter(FilterSet):
    alliance = AllianceSlugFilter(field_name="alliance__slug", label="Alliance slug")
    body = filters.CharFilter(method="filter_body", label="Governing body: its code (ALT) or id")
    kind = filters.ChoiceFilter(choices=DecisionKind.choices)
    tag = filters.CharFilter(method="filter_tag", label="Topic tag")
    decided_after = filters.DateFilter(field_name="decided_on", lookup_expr="gte", label="Decided on or after")
    decided_before = filters.DateFilter(field_name="decided_on", lookup_expr="lte", label="Decided on or before")
    q = SearchFilter(
        method="filter_q",
        label="Words in the reference, title, tags, proposal, rationale or names on the record (as /api/v1/search/)",
    )
    search = SearchFilter(method="filter_q", label="The same as ?q=")
    member = IdFilter(method="filter_member", label="Membership id: decisions that member voted on")
    organisation = IdFilter(method="filter_member", label="Organisation id: decisions its membership voted on")
    position = filters.ChoiceFilter(
        choices=Vote.Position.choices,
        method="filter_position",
        label="A vote in this position (the ?member='s or ?organisation='s vote, if given)",
    )
    advice = filters.ChoiceFilter(
        choices=ADVICE_CHOICES,
        method="filter_advice",
        label="unanswered: advice no response answers yet; awaited: an advisory member asked and not yet heard",
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
            "search",
            "member",
            "organisation",
            "position",
            "advice",
        ]

    def filter_advice(self, queryset, name, value):
        waiting = queries.unanswered_advice if value == "unanswered" else queries.advice_awaited
        return queryset.filter(pk__in=waiting(None).values("decision_id"))

    def filter_body(self, queryset, name, value):
        return queryset.filter(body_id=int(value)) if is_id(value) else queryset.filter(body__code__iexact=value)

    def filter_tag(self, queryset, name, value):
        return queryset.filter(tags__icontains=f'"{value.strip().lower()}"')

    def filter_q(self, queryset, name, value):
        # The one search (alliance.search), as the search page and /api/v1/search/ read words; the read
        # rule stays the queryset's own.
        found = one_search.matching_object_ids(value, "decision")
        return queryset.none() if found is None else queryset.filter(pk__in=found)

    def _voted(self, queryset, position=None):
        votes = Vote.objects.filter(struck_by__isnull=True)
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


class DateRangeForm(forms.Form):
    """The decision log's form: the fields are its filters'; a range whose end comes before its start is refused."""

    def clean(self):
        data = super().clean()
        after, before = data.get("decided_after"), data.get("decided_before")
        if after and before and after > before:
            self.add_error("decided_before", "The end of the date range is before its start; swap the dates.")
        return data


DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class DecisionLogFilter(DecisionFilter):
    """The decision log page's filters: the API's (:class:`DecisionFilter`), so that a search, a tag or a
    date range finds the same decisions on the page as in ``/api/v1/decisions/``. The page is one
    alliance's, so it offers that alliance's bodies as a choice and leaves out the filters by vote."""

    alliance = member = organisation = position = search = None
    q = SearchFilter(method="filter_q", label="Search")
    body = filters.ModelChoiceFilter(queryset=GoverningBody.objects.none(), empty_label="Any body")
    kind = filters.ChoiceFilter(choices=DecisionKind.choices, empty_label="Any kind")
    status = filters.ChoiceFilter(choices=Decision.Status.choices, empty_label="Any status")
    visibility = filters.ChoiceFilter(choices=Decision.Visibility.choices, empty_label="Any visibility")
    advice = filters.ChoiceFilter(
        choices=ADVICE_CHOICES, method="filter_advice", empty_label="Any advice", label="Advice"
    )
    tag = filters.CharFilter(method="filter_tag", max_length=60, label="Tag")
    decided_after = filters.DateFilter(field_name="decided_on", lookup_expr="gte", label="Decided from", widget=DATE)
    decided_before = filters.DateFilter(field_name="decided_on", lookup_expr="lte", label="Decided to", widget=DATE)

    class Meta(DecisionFilter.Meta):
        fields = ["q", "body", "kind", "status", "visibility", "advice", "tag", "decided_after", "decided_before"]
        form = DateRangeForm

    def __init__(self, data=None, queryset=None, *, alliance: Alliance, **kwargs):
        super().__init__(data, queryset, **kwargs)
        self.filters["body"].queryset = GoverningBody.objects.filter(alliance=alliance).order_by("name")


class VoteFilter(FilterSet):
    alliance = AllianceSlugFilter(field_name="decision__alliance__slug", label="Alliance slug")
    organisation = IdFilter(field_name="membership__organisation", label="Organisation id")
    struck = StrictBooleanFilter(
        method="filter_struck", label="Struck by a recusal (true: kept on the record, not counted) or counted (false)"
    )

    class Meta:
        model = Vote
        fields = ["alliance", "decision", "membership", "organisation", "position", "struck"]

    def filter_struck(self, queryset, name, value):
        return queryset.filter(struck_by__isnull=not value)


# The governing documents register ----------------------------------------------------------


class GoverningDocumentFilter(FilterSet):
    alliance = AllianceSlugFilter(field_name="alliance__slug", label="Alliance slug")
    required = StrictBooleanFilter(field_name="required_by_agreement", label="Only those the agreement requires")
    current = StrictBooleanFilter(method="filter_current", label="Only current versions (true) or superseded (false)")

    class Meta:
        model = GoverningDocument
        fields = ["alliance", "kind", "status", "owner_role", "owner_body", "required", "current"]

    def filter_current(self, queryset, name, value: bool):
        superseded = Q(status=GoverningDocument.Status.SUPERSEDED)
        return queryset.exclude(superseded) if value else queryset.filter(superseded)


class GoverningDocumentListFilter(GoverningDocumentFilter):
    """The register page's filters: the API's, by kind and by status."""

    alliance = owner_role = owner_body = None
    kind = filters.ChoiceFilter(choices=GoverningDocument.Kind.choices, empty_label="Any kind")
    status = filters.ChoiceFilter(choices=GoverningDocument.Status.choices, empty_label="Any status")

    class Meta(GoverningDocumentFilter.Meta):
        fields = ["kind", "status", "required"]
