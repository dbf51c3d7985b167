"""django-filter filtersets of the alliance core, and the base every app's filtersets share.

A filterset is a read the API lists and the web list pages both use (CONVENTIONS.md, where code
goes), so a filter means the same everywhere. Like a view it sits above the domain modules and may
read the caller's standing from roles.access (DESIGN.md, layout).
"""

from datetime import datetime, time, timedelta

import django_filters as filters
from django import forms
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, Subquery
from django.utils import timezone
from django_filters.constants import EMPTY_VALUES
from django_filters.filters import QuerySetRequestMixin
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from alliance.access import restrict
from alliance.document_models import document_owner_models
from alliance.forms import SearchField
from alliance.import_models import ImportRun
from alliance.models import (
    Alliance,
    AuditLink,
    AuditVerification,
    Document,
    ForwardPlanEntry,
    GoverningBody,
    Membership,
    Notification,
    Organisation,
    ReadLogEntry,
)
from roles.access import request_access

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


class AuditVerificationFilter(FilterSet):
    alliance = AllianceSlugFilter(field_name="alliance__slug", label="Alliance slug")
    status = filters.ChoiceFilter(choices=AuditVerification.Status.choices, label="Result")
    scheduled = StrictBooleanFilter(label="Only scheduled runs (true) or only those asked for (false)")

    class Meta:
        model = AuditVerification
        fields = ["alliance", "status", "scheduled"]


class ImportRunFilter(FilterSet):
    alliance = AllianceSlugFilter(field_name="alliance__slug", label="Alliance slug")
    kind = filters.ChoiceFilter(choices=ImportRun.Kind.choices, label="Register imported")
    sha256 = filters.CharFilter(label="The file's SHA-256")

    class Meta:
        model = ImportRun
        fields = ["alliance", "kind", "sha256"]


class ForwardPlanFilter(FilterSet):
    alliance = AllianceSlugFilter(field_name="alliance__slug", label="Alliance slug")
    published = StrictBooleanFilter(label="Only published (true) or unpublished (false) entries")
    expected_from = filters.DateFilter(field_name="expected_on", lookup_expr="gte", label="Expected on or after")
    expected_to = filters.DateFilter(field_name="expected_on", lookup_expr="lte", label="Expected on or before")

    class Meta:
        model = ForwardPlanEntry
        fields = ["alliance", "body", "kind", "status", "published", "expected_from", "expected_to"]


def _owner_kind_choices():
    return [(m._meta.model_name, m._meta.verbose_name.capitalize()) for m in document_owner_models()]


@extend_schema_field(OpenApiTypes.STR)
class OwnerKindFilter(filters.ChoiceFilter):
    """?owner_kind=decision: papers filed with records of one kind (the model's name, as in the upload address)."""

    def filter(self, qs, value):
        if value in EMPTY_VALUES:
            return qs
        model = next(m for m in document_owner_models() if m._meta.model_name == value)
        return qs.filter(owner_type=ContentType.objects.get_for_model(model))


class DocumentFilter(FilterSet):
    alliance = AllianceSlugFilter(field_name="alliance__slug", label="Alliance slug")
    owner_kind = OwnerKindFilter(choices=_owner_kind_choices, label="Kind of record the paper is filed with")
    owner_id = filters.NumberFilter(field_name="owner_id", label="Id of the record the paper is filed with")
    withdrawn = StrictBooleanFilter(
        field_name="withdrawn_at", lookup_expr="isnull", exclude=True, label="Only withdrawn (true) or current (false)"
    )

    class Meta:
        model = Document
        fields = ["alliance", "owner_kind", "owner_id", "kind", "withdrawn"]


class NotificationFilter(FilterSet):
    alliance = AllianceSlugFilter(field_name="alliance__slug", label="Alliance slug")
    unread = StrictBooleanFilter(field_name="read_at", lookup_expr="isnull", label="Only unread (true) or read (false)")

    class Meta:
        model = Notification
        fields = ["alliance", "kind", "unread"]


# The audit trail --------------------------------------------------------------------------


class DayOrMomentField(filters.fields.IsoDateTimeField):
    """A moment in ISO 8601, or a day (YYYY-MM-DD, as a page's date box sends it). A day alone means
    its start, or with ``to_end_of_day`` its last moment, so "from 21/09 to 21/09" is that whole day
    on the page and in the API alike."""

    def __init__(self, *args, to_end_of_day: bool = False, **kwargs):
        self.to_end_of_day = to_end_of_day
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        moment = super().to_python(value)
        if moment is None or not self.to_end_of_day or not _is_day(value):
            return moment
        local = timezone.localtime(moment) if timezone.is_aware(moment) else moment
        end = datetime.combine(local.date() + timedelta(days=1), time.min) - timedelta(microseconds=1)
        return timezone.make_aware(end) if timezone.is_aware(moment) else end


def _is_day(value) -> bool:
    text = str(value).strip()
    return len(text) == 10 and text[4] == "-" and text[7] == "-"


class DayOrMomentFilter(filters.IsoDateTimeFilter):
    field_class = DayOrMomentField


class AuditFeedForm(forms.Form):
    """The audit filters' form: dates the wrong way round are refused, in the page's words."""

    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and until < since:
            raise forms.ValidationError(
                "The 'To' date is before the 'From' date; swap them or clear one.", code="dates_reversed"
            )
        return data


CHANGE_TYPES = {"created": "+", "changed": "~", "deleted": "-"}
CHANGE_CHOICES = [("created", "Created"), ("changed", "Changed"), ("deleted", "Deleted")]


class AuditFeedFilter(FilterSet):
    """The audit feed's filters (``/api/v1/audit/``, its CSV, and the audit trail page)."""

    alliance = filters.CharFilter(method="filter_alliance", label="Alliance slug")
    model = filters.CharFilter(method="filter_model", label="Model, e.g. decision or decisions.decision")
    object = filters.CharFilter(field_name="object_id", label="Object id (with model)")
    user = filters.CharFilter(method="filter_user", label="Username or name (any part, any case)")
    since = DayOrMomentFilter(
        field_name="history_date", lookup_expr="gte", label="From this moment (ISO 8601), or from the start of a day"
    )
    until = DayOrMomentFilter(
        field_name="history_date",
        lookup_expr="lte",
        to_end_of_day=True,
        label="Until this moment (ISO 8601), or to the end of a day",
    )
    change_type = filters.ChoiceFilter(choices=CHANGE_CHOICES, method="filter_type")
    source = filters.CharFilter()

    class Meta:
        model = AuditLink
        form = AuditFeedForm
        fields = ["alliance", "model", "object", "user", "since", "until", "change_type", "source"]

    def filter_alliance(self, queryset, name, value):
        # One the caller cannot read answers as one that does not exist.
        alliance = Alliance.objects.restrict(request_access(self.request)).filter(slug=value).first()
        if alliance is None:
            raise forms.ValidationError({"alliance": [f"No alliance has the slug '{value}'."]})
        return queryset.filter(chain=f"alliance:{alliance.pk}")

    def filter_model(self, queryset, name, value):
        value = value.lower()
        return (
            queryset.filter(object_model=value) if "." in value else queryset.filter(object_model__endswith=f".{value}")
        )

    def filter_user(self, queryset, name, value):
        """Changes by the users whose username or person's name holds ``value`` (any case); a person's
        name only where the caller may read that person, so the filter cannot be used to find one out."""
        value = value.strip()
        if not value:
            return queryset
        user_model = get_user_model()
        people = user_model._meta.get_field("person").related_model.objects.filter(name__icontains=value)
        people = restrict(people, request_access(self.request)) if self.request is not None else people.none()
        users = user_model.objects.filter(Q(username__icontains=value) | Q(person__in=people.values("pk")))
        return queryset.filter(user_id__in=users.values("pk"))

    def filter_type(self, queryset, name, value):
        return queryset.filter(change_type=CHANGE_TYPES[value])


AUDITED_RECORDS = [
    ("alliance.membership", "Memberships"),
    ("alliance.governingbody", "Governing bodies"),
    ("alliance.agreement", "Agreements"),
    ("roles.roleassignment", "Role assignments"),
    ("roles.delegatedauthority", "Delegations"),
    ("roles.interestdeclaration", "Interests"),
    ("decisions.decision", "Decisions"),
    ("decisions.vote", "Votes"),
    ("decisions.meeting", "Meetings"),
    ("contracts.awardprocess", "Award processes"),
    ("contracts.contract", "Contracts"),
]
DAY_BOX = forms.DateInput(attrs={"type": "date"})


class AuditTrailFilter(AuditFeedFilter):
    """The audit trail page's filters: the API's (:class:`AuditFeedFilter`) on the page's one alliance,
    with a list of records and date boxes."""

    alliance = object = source = None
    model = filters.ChoiceFilter(
        choices=AUDITED_RECORDS, method="filter_model", label="Record", empty_label="Any record"
    )
    change_type = filters.ChoiceFilter(
        choices=CHANGE_CHOICES, method="filter_type", label="Change", empty_label="Any change"
    )
    user = filters.CharFilter(method="filter_user", label="By user")
    since = DayOrMomentFilter(field_name="history_date", lookup_expr="gte", label="From", widget=DAY_BOX)
    until = DayOrMomentFilter(
        field_name="history_date", lookup_expr="lte", to_end_of_day=True, label="To", widget=DAY_BOX
    )

    class Meta(AuditFeedFilter.Meta):
        fields = ["model", "change_type", "user", "since", "until"]


# The read log (issue 20, part 5) ---------------------------------------------------------------

READ_RECORDS = [
    ("decisions.decision", "Decisions"),
    ("contracts.awardprocess", "Award processes"),
    ("contracts.contract", "Contracts"),
    ("contracts.oversightnote", "Oversight notes"),
    ("decisions.governingdocument", "Governing documents"),
    ("alliance.document", "Papers"),
    ("alliance.documentversion", "Paper downloads"),
    ("alliance.auditlink", "The audit trail"),
    ("alliance.readlogentry", "The read log"),
]


class ReadLogFilter(FilterSet):
    """The read log's filters, the same on its page and in ``/api/v1/read-log/``: who (part of a
    username or a person's name), the record, the kind of read, and from/to dates."""

    alliance = filters.CharFilter(method="filter_alliance", label="Alliance slug")
    who = filters.CharFilter(method="filter_who", label="Who", max_length=150)
    record = filters.ChoiceFilter(
        field_name="object_model", choices=READ_RECORDS, label="Record", empty_label="Any record"
    )
    kind = filters.ChoiceFilter(choices=ReadLogEntry.Kind.choices, label="Kind of read", empty_label="Any kind")
    since = DayOrMomentFilter(field_name="at", lookup_expr="gte", label="From", widget=DAY_BOX)
    until = DayOrMomentFilter(field_name="at", lookup_expr="lte", to_end_of_day=True, label="To", widget=DAY_BOX)

    class Meta:
        model = ReadLogEntry
        form = AuditFeedForm
        fields = ["alliance", "who", "record", "kind", "since", "until"]

    def filter_alliance(self, queryset, name, value):
        # One the caller cannot read answers as one that does not exist.
        alliance = Alliance.objects.restrict(request_access(self.request)).filter(slug=value).first()
        if alliance is None:
            raise forms.ValidationError({"alliance": [f"No alliance has the slug '{value}'."]})
        return queryset.filter(alliance=alliance)

    def filter_who(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(username__icontains=value) | Q(person_name__icontains=value)) if value else queryset


class ReadLogPageFilter(ReadLogFilter):
    """The read log page's filters: the API's, on the page's one alliance."""

    alliance = None

    class Meta(ReadLogFilter.Meta):
        fields = ["who", "record", "kind", "since", "until"]
