"""The read log (``/api/v1/read-log/``): who read the confidential records of the alliances the caller
oversees (staff: every alliance), with the page's filters; reading it is logged too."""

from rest_framework import mixins, viewsets

from alliance import read_log
from alliance.filtersets import ReadLogFilter
from alliance.models import Alliance, ReadLogEntry
from api.access import AccessMixin
from api.serializers.read_log import ReadLogEntrySerializer
from roles.access import request_access


class ReadLogViewSet(AccessMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Reads of confidential records, newest first: ``?alliance=<slug>``, ``?who=`` (part of a username
    or a person's name), ``?record=`` (e.g. decisions.decision), ``?kind=`` (page, api, download,
    export, read-log), ``?since=`` and ``?until=`` (a day or a moment). For the alliance's oversight
    group and staff; anyone else reads an empty list."""

    serializer_class = ReadLogEntrySerializer
    filterset_class = ReadLogFilter
    queryset = ReadLogEntry.objects.select_related("alliance")
    ordering_fields = ["at"]
    ordering = ["-at", "-id"]

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        self._log(len(page))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def _log(self, rows: int) -> None:
        """Reading the log is logged, in the log of each alliance it was read for: the one named, or
        every alliance the caller oversees (staff reading every alliance: an entry of none)."""
        access = request_access(self.request)
        slug = self.request.query_params.get("alliance")
        if slug:
            named = Alliance.objects.filter(slug=slug).values_list("pk", flat=True).first()
            alliances = [named] if named is not None and access.is_oversight_of(named) else []
        else:
            alliances = [None] if access.staff else sorted(access.oversight_of)
        if alliances:
            read_log.log_read_log(self.request, alliance_ids=alliances, rows=rows)
