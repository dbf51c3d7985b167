"""Signed checkpoints of each alliance's audit trail, and proofs against them: thin calls of
alliance/audit/proofs.py, which reads through the models' one read rule.

Anyone may ask: a checkpoint is public when the alliance publishes its register (it reveals a size and
a hash), else for its oversight and confidential readers; a proof names one change of the audit trail
and is read under the trail's own rule. What the caller may not read answers 404.
"""

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from alliance.audit import proofs
from alliance.models import Alliance, AuditCheckpoint
from api.serializers import audit as s
from roles.access import request_access


class ReadByRule(BasePermission):
    """Reading needs no login: what is read is the read rule's to decide. Nothing here writes."""

    def has_permission(self, request, view) -> bool:
        return request.method in SAFE_METHODS


def _query(request, serializer_class) -> dict:
    query = serializer_class(data=request.query_params)
    query.is_valid(raise_exception=True)
    return query.validated_data


def _alliance(request, slug: str) -> Alliance:
    alliance = Alliance.objects.restrict(request_access(request)).filter(slug=slug).first()
    if alliance is None:
        raise Http404(f"No alliance has the slug '{slug}'.")
    return alliance


ALLIANCE = OpenApiParameter("alliance", OpenApiTypes.STR, required=True, description="The alliance's slug.")
SIZE = OpenApiParameter(
    "size", OpenApiTypes.INT, description="The size of a kept checkpoint to prove against (the latest if left out)."
)


class CheckpointListView(generics.ListAPIView):
    """The alliance's kept signed checkpoints, newest first: keep copies of them outside this server."""

    permission_classes = [ReadByRule]
    serializer_class = s.CheckpointSerializer
    queryset = AuditCheckpoint.objects.none()
    filter_backends = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return AuditCheckpoint.objects.none()
        self.alliance = _alliance(self.request, _query(self.request, s.AllianceQuerySerializer)["alliance"])
        return proofs.checkpoints(request_access(self.request), self.alliance)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["alliance"] = getattr(self, "alliance", None)
        return context

    @extend_schema(parameters=[ALLIANCE])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class LatestCheckpointView(APIView):
    """The alliance's latest signed checkpoint."""

    permission_classes = [ReadByRule]

    @extend_schema(parameters=[ALLIANCE], responses=s.CheckpointSerializer)
    def get(self, request):
        alliance = _alliance(request, _query(request, s.AllianceQuerySerializer)["alliance"])
        kept = proofs.latest(request_access(request), alliance)
        if kept is None:
            raise Http404(f"No checkpoint of {alliance.name}'s audit trail that you may read has been taken yet.")
        return Response(s.CheckpointSerializer(kept, context={"request": request, "alliance": alliance}).data)


class InclusionProofView(APIView):
    """The proof that one change of the audit trail is in a signed checkpoint (RFC 6962 audit path):
    check it with `manage.py check_proof` against a checkpoint you kept, with the verifier key alone."""

    permission_classes = [ReadByRule]

    @extend_schema(
        parameters=[
            ALLIANCE,
            OpenApiParameter("seq", OpenApiTypes.INT, required=True, description="The change's number in the trail."),
            SIZE,
        ],
        responses=s.InclusionProofSerializer,
    )
    def get(self, request):
        query = _query(request, s.ProofQuerySerializer)
        alliance = _alliance(request, query["alliance"])
        try:
            proof = proofs.inclusion(request_access(request), alliance, query["seq"], query.get("size"))
        except proofs.NotFound as missing:
            raise Http404(str(missing)) from missing
        return Response(s.InclusionProofSerializer(proof, context={"request": request, "alliance": alliance}).data)


class ConsistencyProofView(APIView):
    """The proof that a later kept checkpoint extends an earlier one (RFC 6962): nothing at or below the
    earlier size was changed or removed in between."""

    permission_classes = [ReadByRule]

    @extend_schema(
        parameters=[
            ALLIANCE,
            OpenApiParameter("from", OpenApiTypes.INT, required=True, description="The earlier checkpoint's size."),
            OpenApiParameter("to", OpenApiTypes.INT, required=True, description="The later checkpoint's size."),
        ],
        responses=s.ConsistencyProofSerializer,
    )
    def get(self, request):
        query = _query(request, s.ConsistencyQuerySerializer)
        alliance = _alliance(request, query["alliance"])
        try:
            proof = proofs.consistency(request_access(request), alliance, query["from"], query["to"])
        except proofs.NotFound as missing:
            raise Http404(str(missing)) from missing
        return Response(s.ConsistencyProofSerializer(proof, context={"request": request, "alliance": alliance}).data)
