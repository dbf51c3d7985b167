"""Papers in the API: list and read them as their records are read, file one (multipart upload),
add a version, withdraw one, download a version. Every write calls alliance.documents, as the pages do."""

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, MultiPartParser

from alliance import documents
from alliance.access import restrict
from alliance.document_models import Document, document_owner_models
from alliance.filtersets import DocumentFilter
from api.access import StandingMixin
from api.parsers import JSONObjectParser
from api.read_log import ReadLogMixin
from api.serializers import documents as s
from api.views.base import RegisterViewSet
from roles import standing

#: What a download may be: every type a paper is stored as, and what a generated paper may be (any file).
FILE_CONTENT_TYPES = sorted({kind.content_type for kind in documents.FILE_TYPES.values()}) + [
    "application/octet-stream"
]


def _any_keeper(access, document, data):
    standing.require_any_record_keeper(access, "file papers")


def _keeper_of(access, document, data):
    documents.require_filer(access, document.owner)


class DocumentViewSet(ReadLogMixin, StandingMixin, RegisterViewSet):
    """Papers filed with records (decisions, award processes, agenda items...), each as readable as its
    record, with every version kept: who uploaded it, when, its size, type and SHA-256."""

    serializer_class = s.DocumentSerializer
    filterset_class = DocumentFilter
    ordering_fields = ["created_at", "title"]
    ordering = ["-created_at", "-pk"]
    queryset = documents.with_versions(Document.objects.select_related("owner_type")).prefetch_related("owner")
    parser_classes = [MultiPartParser, FormParser, JSONObjectParser]
    write_standing = {"create": _any_keeper, "versions": _keeper_of, "withdraw": _keeper_of}

    def _owner(self, values):
        model = {m._meta.model_name: m for m in document_owner_models()}[values.pop("owner_kind")]
        pk = values.pop("owner_id")
        owner = restrict(model._default_manager.all(), self.actor).filter(pk=pk).first()
        if owner is None:
            raise ValidationError(
                {
                    "owner_id": [
                        f"No {model._meta.verbose_name} you may read has the id {pk}; check the id "
                        "(the list of that record gives it), or ask the alliance's secretary for access."
                    ]
                }
            )
        return owner

    @extend_schema(request={"multipart/form-data": s.DocumentCreateSerializer}, responses={201: s.DocumentSerializer})
    def create(self, request, *args, **kwargs):
        values = self._input(s.DocumentCreateSerializer)
        owner = self._owner(values)
        return self._out(documents.file_document(actor=self.actor, owner=owner, **values), status.HTTP_201_CREATED)

    @extend_schema(
        request={"multipart/form-data": s.DocumentVersionCreateSerializer}, responses={201: s.DocumentSerializer}
    )
    @action(detail=True, methods=["post"])
    def versions(self, request, pk=None):
        """Upload a new file of the paper as its next version; the earlier ones are kept."""
        document = self.get_object()
        values = self._input(s.DocumentVersionCreateSerializer)
        documents.add_version(actor=self.actor, document=document, **values)
        return self._out(document, status.HTTP_201_CREATED)

    @extend_schema(request=s.DocumentWithdrawSerializer, responses=s.DocumentSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        """Take the paper off its record, saying why; its versions stay readable."""
        document = self.get_object()
        values = self._input(s.DocumentWithdrawSerializer)
        return self._out(documents.withdraw_document(actor=self.actor, document=document, **values))

    @extend_schema(
        parameters=[OpenApiParameter("number", OpenApiTypes.INT, OpenApiParameter.PATH, description="Version number")],
        responses={
            (200, content_type): OpenApiResponse(OpenApiTypes.BINARY, description="The file, of its stored type")
            for content_type in FILE_CONTENT_TYPES
        },
        filters=False,
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=r"versions/(?P<number>[0-9]{1,9})/download",
        url_name="download",
        filter_backends=[],
        pagination_class=None,
    )
    def download(self, request, pk=None, number=None):
        """The file of one version, as uploaded, as an attachment of its stored type."""
        document = self.get_object()
        version = get_object_or_404(document.versions.all(), number=int(number))
        try:
            handle = documents.open_version(version)
        except FileNotFoundError:
            raise Http404("The file of this version is missing from the store; ask an administrator.") from None
        response = FileResponse(
            handle, as_attachment=True, filename=version.original_name, content_type=version.content_type
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response


__all__ = ["DocumentViewSet"]
