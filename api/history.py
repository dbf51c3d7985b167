"""The audit trail in the API: ``/history/`` and ``?as_of=`` on resources, and the audit feed."""

from datetime import datetime, time

import django_filters as filters
from django.http import Http404
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import generics, serializers
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response

from alliance import history, read_log
from alliance.downloads import XLSX, Sheet, download
from alliance.exports import AUDIT_HEADER, audit_rows
from alliance.filtersets import AuditFeedFilter
from alliance.formatting import day_time
from alliance.models import Alliance, AuditLink
from api import lean
from api.access import AccessMixin
from roles.access import request_access


@extend_schema_field({"description": "The value as shown: text, a number, a list, or null when there was none."})
class ValueField(serializers.JSONField):
    """A field's value in a diff: any JSON value, null included (the schema says so)."""


class ChangeSerializer(serializers.Serializer):
    field = serializers.CharField()
    label = serializers.CharField()
    old = ValueField(allow_null=True)
    new = ValueField(allow_null=True)
    old_text = serializers.CharField(
        allow_null=True, required=False, help_text="The old value as the pages show it: £1,200.00, 21/09/2023, a label."
    )
    new_text = serializers.CharField(allow_null=True, required=False, help_text="The new value as the pages show it.")
    old_url = serializers.CharField(
        allow_null=True, required=False, help_text="The page of the old related record, where the caller may read it."
    )
    new_url = serializers.CharField(
        allow_null=True, required=False, help_text="The page of the new related record, where the caller may read it."
    )


class VersionSerializer(serializers.Serializer):
    history_id = serializers.IntegerField()
    model = serializers.CharField()
    object_id = serializers.CharField()
    object = serializers.CharField()
    change_type = serializers.ChoiceField(choices=["created", "changed", "deleted"])
    when = serializers.DateTimeField()
    user = serializers.CharField(allow_null=True, help_text="The username, when a person made the change.")
    source = serializers.CharField(allow_null=True, help_text="web, api, admin, script or command:<name>")
    reason = serializers.CharField(allow_blank=True)
    changes = ChangeSerializer(many=True)
    when_local = serializers.CharField(help_text="When, in the site's time zone, as the pages show it.")
    by = serializers.CharField(allow_null=True, help_text="Who made the change: the person's name and username.")
    record = serializers.CharField(help_text="The record in words, e.g. 'vote of Second Step Trust on ALT-2020-001'.")
    url = serializers.CharField(allow_null=True, help_text="The record's page, where the caller may read it.")
    summary = serializers.CharField(help_text="The change in a sentence, e.g. 'Deleted organisation Short Lived Ltd'.")


class FeedEntrySerializer(VersionSerializer):
    id = serializers.IntegerField()
    chain = serializers.CharField()


CHANGE_KEYS = tuple(ChangeSerializer().fields)


def _text(value) -> str | None:
    return None if value is None else str(value)


def lean_entry(entry: dict, zone) -> dict:
    """A feed entry (``history.feed_entries``) as ``FeedEntrySerializer`` writes it."""
    return {
        "history_id": entry["history_id"],
        "model": entry["model"],
        "object_id": str(entry["object_id"]),
        "object": str(entry["object"]),
        "change_type": entry["change_type"],
        "when": lean.dt(entry["when"], zone),
        "user": _text(entry["user"]),
        "source": _text(entry["source"]),
        "reason": str(entry["reason"]),
        "changes": [{key: change.get(key) for key in CHANGE_KEYS} for change in entry["changes"]],
        "when_local": str(entry["when_local"]),
        "by": _text(entry["by"]),
        "record": str(entry["record"]),
        "url": _text(entry["url"]),
        "summary": str(entry["summary"]),
        "id": entry["id"],
        "chain": str(entry["chain"]),
    }


def parse_moment(raw: str, *, param: str = "as_of") -> datetime:
    """A date or date-time from the query string; a bare date means the end of that day (UK time)."""
    moment = parse_datetime(raw) if "T" in raw or " " in raw else None
    if moment is None:
        day = parse_date(raw) if raw else None
        if day is None:
            raise ValidationError(
                {param: [f"'{raw}' is not a date or date-time; use YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS+00:00."]}
            )
        moment = datetime.combine(day, time.max)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


AS_OF = OpenApiParameter(
    "as_of",
    OpenApiTypes.DATETIME,
    description="Return the record as it stood at this moment (a bare date means the end of that day).",
)


class HistoryMixin:
    """Adds ``GET {id}/history/``: every version with who, when, why and a field-level diff."""

    @extend_schema(responses=VersionSerializer(many=True), filters=False)
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def history(self, request, *args, **kwargs):
        obj = self.get_object()
        return Response(VersionSerializer(history.versions(obj, request_access(request)), many=True).data)


class AsOfMixin:
    """Adds ``?as_of=`` to the detail endpoint: the record as it stood then, from its history."""

    @extend_schema(parameters=[AS_OF])
    def retrieve(self, request, *args, **kwargs):
        raw = request.query_params.get("as_of")
        if not raw:
            return super().retrieve(request, *args, **kwargs)
        moment = parse_moment(raw)
        lookup = self.lookup_url_kwarg or self.lookup_field
        model = self.get_queryset().model
        pk = kwargs[lookup]
        if self.lookup_field != "pk":
            pk = model.history.filter(**{self.lookup_field: pk}).values_list(model._meta.pk.attname, flat=True).first()
        elif not str(pk).isdigit():
            raise Http404
        if pk is not None and not self.filter_queryset(self.get_queryset()).filter(pk=pk).exists():
            raise Http404  # not a record the caller may read
        instance = history.as_of(model, pk, moment, request_access(request)) if pk is not None else None
        if instance is None:
            raise Http404(
                f"This {model._meta.verbose_name} did not exist at {day_time(moment)}; "
                "ask for a later moment, or see its history."
            )
        return Response(self.get_serializer(instance).data)


class FeedPagination(CursorPagination):
    ordering = "-id"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_ordering(self, request, queryset, view):
        # One alliance's feed is one chain, paged by its sequence: newest first as by id, and the
        # database reads the page from the chain's unique index. By id, PostgreSQL may walk the
        # whole table backwards past every other chain's links to reach a quiet alliance's last
        # ones: 230 ms at scale 1, growing with the table (docs/performance.md).
        return ("-seq",) if request.query_params.get("alliance") else ("-id",)


class AuditFeedView(AccessMixin, generics.ListAPIView):
    """Every change to every record, newest first: who, when, why and what changed."""

    queryset = AuditLink.objects.all()
    filterset_class = AuditFeedFilter
    pagination_class = FeedPagination
    serializer_class = FeedEntrySerializer
    filter_backends = [filters.rest_framework.DjangoFilterBackend]

    def log_read(self, rows: int, kind: str, what: str) -> None:
        """The audit trail shows confidential records: every read of it is logged (alliance/read_log.py),
        as a read of the alliance's trail when one is named (``?alliance=``), else of the whole feed."""
        slug = self.request.query_params.get("alliance")
        alliance = Alliance.objects.filter(slug=slug).first() if slug else None
        what = f"{what} of {alliance.name}" if alliance else f"{what}, every chain the reader may read"
        read_log.log_audit_trail(
            self.request, alliance_id=alliance.pk if alliance else None, rows=rows, kind=kind, what=what
        )

    def list(self, request, *args, **kwargs):
        links = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        self.log_read(len(links), read_log.Kind.API, "the audit feed")
        entries = history.feed_entries(links, request_access(request))
        if lean.applies(request):
            # The entries are already plain values: written as FeedEntrySerializer writes them
            # (tests/api/test_lean_audit_feed.py holds the two equal), without DRF's per-field work.
            zone = lean.current_zone()
            return lean.json_response(
                {
                    "next": self.paginator.get_next_link(),
                    "previous": self.paginator.get_previous_link(),
                    "results": [lean_entry(entry, zone) for entry in entries],
                }
            )
        return self.get_paginated_response(FeedEntrySerializer(entries, many=True).data)


class AuditFeedCsvView(AuditFeedView):
    """The audit feed as a streamed CSV file, with the same filters as the feed: the machine values
    and, beside them, the same as the pages read them. It starts with a UTF-8 byte-order mark, so
    Excel reads £ and → as they are."""

    pagination_class = None

    @extend_schema(responses={(200, "text/csv"): OpenApiTypes.STR})
    def get(self, request, *args, **kwargs):
        links = self.filter_queryset(self.get_queryset())
        self.log_read(links.count(), read_log.Kind.EXPORT, "the audit feed CSV")
        rows = audit_rows(links, access=request_access(request))
        return download("csv", filename="audit-feed", sheets=Sheet("Changes", AUDIT_HEADER, rows), stream=True)


class AuditFeedXlsxView(AuditFeedView):
    """The audit feed as an Excel workbook: the CSV's rows, with the same filters, and a second sheet
    that says which filters made it."""

    pagination_class = None

    @extend_schema(responses={(200, XLSX): OpenApiTypes.BINARY})
    def get(self, request, *args, **kwargs):
        links = self.filter_queryset(self.get_queryset())
        self.log_read(links.count(), read_log.Kind.EXPORT, "the audit feed workbook")
        rows = audit_rows(links, access=request_access(request))
        params = request.query_params.items()
        filters = [(name, value) for name, value in params if name in AuditFeedFilter.base_filters and value]
        sheet = Sheet("Changes", AUDIT_HEADER, rows)
        return download("xlsx", filename="audit-feed", sheets=sheet, filters=filters, none="every change you may read")
