"""The API of imports: a thin call of decisions.imports.run_import, as the upload page's."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from alliance.filtersets import ImportRunFilter
from alliance.import_models import ImportRun
from api.access import AccessMixin, StandingMixin
from api.parsers import JSONObjectParser
from api.serializers import imports as s
from api.views.base import ServiceInputMixin
from decisions.imports import run_import
from decisions.imports.reading import check_size
from roles import standing


def _any_keeper(access, obj, data):
    """The gate before the input is read: the caller keeps some alliance's record (or is staff)."""
    standing.require_any_alliance_keeper(access, "import records into its registers")


class ImportRunViewSet(
    StandingMixin,
    ServiceInputMixin,
    AccessMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Imports of earlier records, newest first: an alliance's for its secretaries, oversight group and staff.

    A POST uploads a filled-in template (multipart/form-data). With ``dry_run`` (the default) nothing is
    written: the answer (200) shows row by row what would be created. With ``dry_run=false`` every row is
    imported through the register's rules in one transaction (201, the import's record). Either way, if any
    row is refused the answer is 400 naming each row (``rows``: row number, column heading, why), and nothing
    is written."""

    serializer_class = s.ImportRunSerializer
    filterset_class = ImportRunFilter
    queryset = ImportRun.objects.select_related("alliance", "imported_by")
    parser_classes = [MultiPartParser, FormParser, JSONObjectParser]
    ordering_fields = ["imported_at"]
    ordering = ["-imported_at", "-pk"]
    write_standing = {"create": _any_keeper}

    @extend_schema(
        request={"multipart/form-data": s.ImportUploadSerializer},
        responses={
            200: OpenApiResponse(s.ImportPreviewSerializer, description="The dry run: what would be created"),
            201: OpenApiResponse(s.ImportRunSerializer, description="Imported: the import's record"),
        },
    )
    def create(self, request, *args, **kwargs):
        values = self._input(s.ImportUploadSerializer)
        upload = values["file"]
        check_size(upload.size)
        preview = run_import(
            actor=self.actor,
            alliance=values["alliance"],
            kind=values["kind"],
            file_name=upload.name,
            content=upload.read(),
            confirm=not values["dry_run"],
        )
        if preview.run is None:
            return Response(s.ImportPreviewSerializer(preview.as_dict()).data)
        return self._out(preview.run, status.HTTP_201_CREATED)


__all__ = ["ImportRunViewSet"]
