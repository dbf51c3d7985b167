"""Oversight's delivery view as JSON: the same answers as /alliances/<slug>/oversight/delivery/."""

from datetime import date
from decimal import Decimal

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from alliance import read_log
from api.views.exports import ALLIANCE
from api.views.exports import _alliance as alliance_of_request
from contracts.delivery_overview import confidential_shown, delivery_overview
from roles.access import request_access

ON = OpenApiParameter("on", OpenApiTypes.DATE, description="The date to answer as of (YYYY-MM-DD); today by default.")


class _When(serializers.Serializer):
    on = serializers.DateField(required=False, input_formats=["%Y-%m-%d"])


def _plain(value):
    """Dates as ISO 8601 and money as decimal strings, as the rest of the API writes them."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, date):
        return value.isoformat()
    return value


class DeliveryOverviewView(APIView):
    """What was to be delivered by when and what slipped (``delivery``), how each service performs against its
    measures (``performance``), what is in and out of scope and the savings target against what was delivered
    (``scope``), which contracts end within the notice period without a decision (``contracts_in_notice``), and
    oversight's open and overdue queries (``queries``): only the records the caller may read."""

    @extend_schema(parameters=[ALLIANCE, ON], responses=OpenApiTypes.OBJECT)
    def get(self, request):
        alliance = alliance_of_request(request)
        when = _When(data=request.query_params)
        when.is_valid(raise_exception=True)
        overview = delivery_overview(
            alliance, request_access(request), when.validated_data.get("on") or timezone.localdate()
        )
        for model, rows in confidential_shown(overview).items():
            read_log.log_rows(
                request, model, rows, kind=read_log.Kind.API, alliance_id=alliance.pk, what="delivery oversight"
            )
        return Response(_plain(overview))
