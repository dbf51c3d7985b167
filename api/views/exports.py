"""Open-data exports: the decision register as streamed CSV, an alliance as Popolo JSON."""

from django.http import Http404, StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from alliance.exports import csv_lines
from alliance.models import Alliance
from decisions.exports import DECISION_HEADER, decision_rows, popolo, register_queryset
from decisions.models import Decision
from roles.access import request_access

ALLIANCE = OpenApiParameter("alliance", OpenApiTypes.STR, required=True, description="The alliance's slug.")


def _alliance(request) -> Alliance:
    slug = request.query_params.get("alliance")
    if not slug:
        raise ValidationError({"alliance": ["Name the alliance: ?alliance=<slug>."]})
    access = request_access(request)
    # Exports are for those with a standing; an alliance one cannot read answers as an unknown slug.
    alliance = Alliance.objects.restrict(access).filter(slug=slug).first()
    if alliance is None or not access.has_standing(alliance.pk):
        raise Http404("No alliance has that slug.")
    return alliance


def _decisions(request):
    return Decision.objects.restrict(request_access(request))


class DecisionRegisterCsvView(APIView):
    """The decision register of an alliance as CSV, streamed row by row."""

    @extend_schema(parameters=[ALLIANCE], responses={(200, "text/csv"): OpenApiTypes.STR})
    def get(self, request):
        alliance = _alliance(request)
        decisions = register_queryset(alliance).filter(pk__in=_decisions(request).values("pk"))
        lines = csv_lines(DECISION_HEADER, decision_rows(decisions))
        response = StreamingHttpResponse(lines, content_type="text/csv")
        response["Content-Disposition"] = f'attachment; filename="{alliance.slug}-decisions.csv"'
        return response


class PopoloView(APIView):
    """The alliance in Popolo JSON: organizations, persons, posts, memberships, motions, vote events."""

    @extend_schema(parameters=[ALLIANCE], responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        return Response(popolo(_alliance(request), _decisions(request)))
