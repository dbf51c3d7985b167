"""API of the governing documents register: thin calls of decisions.services.governing."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action

from api.access import StandingMixin
from api.read_log import ReadLogMixin
from api.serializers import governing as s
from api.views.base import RegisterCreateViewSet
from decisions import services
from decisions.filtersets import GoverningDocumentFilter
from decisions.governing_models import GoverningDocument
from roles import standing

DOING = "keep the governing documents register"


def _keeper(access, document, data):
    standing.require_alliance_keeper(access, document.alliance_id, DOING)


class GoverningDocumentViewSet(ReadLogMixin, StandingMixin, RegisterCreateViewSet):
    """The alliance's governing documents: status, owner, target date, adopting decision; a new
    version supersedes the old one, which is kept. ``?required=true&current=true`` with a status other
    than agreed or in operation lists what the agreement requires that is not yet agreed."""

    serializer_class = s.GoverningDocumentSerializer
    filterset_class = GoverningDocumentFilter
    ordering_fields = ["title", "kind", "status", "target_date"]
    ordering = ["kind", "title", "pk"]
    queryset = GoverningDocument.objects.select_related("alliance", "owner_role", "owner_body", "adopted_by")
    write_standing = {
        "create": lambda access, _, data: standing.require_any_alliance_keeper(access, DOING),
        "change_status": _keeper,
        "new_version": _keeper,
        "review": _keeper,
    }

    @extend_schema(request=s.GoverningDocumentCreateSerializer, responses={201: s.GoverningDocumentSerializer})
    def create(self, request, *args, **kwargs):
        values = self._input(s.GoverningDocumentCreateSerializer)
        document = services.add_governing_document(actor=self.actor, **values)
        return self._out(document, status.HTTP_201_CREATED)

    @extend_schema(request=s.GoverningStatusSerializer, responses=s.GoverningDocumentSerializer)
    @action(detail=True, methods=["post"], url_path="status")
    def change_status(self, request, pk=None):
        """Change the status; agreed and in operation name the agreed decision that adopted it."""
        document = self.get_object()
        values = self._input(s.GoverningStatusSerializer)
        return self._out(services.change_governing_document_status(actor=self.actor, document=document, **values))

    @extend_schema(request=s.GoverningVersionSerializer, responses={201: s.GoverningDocumentSerializer})
    @action(detail=True, methods=["post"], url_path="new-version")
    def new_version(self, request, pk=None):
        """Start a new version, being drafted; this one is kept, marked superseded."""
        document = self.get_object()
        values = self._input(s.GoverningVersionSerializer)
        new = services.new_governing_document_version(actor=self.actor, document=document, **values)
        return self._out(new, status.HTTP_201_CREATED)

    @extend_schema(request=s.GoverningReviewSerializer, responses=s.GoverningDocumentSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        """Record that the document was reviewed, and when it is next to be."""
        document = self.get_object()
        values = self._input(s.GoverningReviewSerializer)
        return self._out(services.review_governing_document(actor=self.actor, document=document, **values))
