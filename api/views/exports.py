"""Open-data exports: the decision register as streamed CSV, an alliance as Popolo JSON, and the members'
calendar of meetings with their published agendas (iCalendar)."""

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from alliance import read_log
from alliance.access import CONFIDENTIAL
from alliance.downloads import Sheet, download
from alliance.models import Alliance
from alliance.public import members_calendar
from decisions.exports import DECISION_HEADER, decision_rows, popolo, register_queryset
from decisions.models import Decision, Meeting
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


def _log_export(request, alliance, decisions, what: str) -> None:
    """An export holding confidential decisions is logged: one entry naming how many it holds."""
    rows = decisions.filter(visibility=CONFIDENTIAL).count()
    read_log.log_rows(request, Decision, rows, kind=read_log.Kind.EXPORT, alliance_id=alliance.pk, what=what)


class DecisionRegisterCsvView(APIView):
    """The decision register of an alliance as CSV, streamed row by row."""

    @extend_schema(parameters=[ALLIANCE], responses={(200, "text/csv"): OpenApiTypes.STR})
    def get(self, request):
        alliance = _alliance(request)
        decisions = register_queryset(alliance).filter(pk__in=_decisions(request).values("pk"))
        _log_export(request, alliance, decisions, "the decision register CSV")
        sheet = Sheet("Decisions", DECISION_HEADER, decision_rows(decisions))
        return download("csv", filename=f"{alliance.slug}-decisions", sheets=sheet, stream=True)


class PopoloView(APIView):
    """The alliance in Popolo JSON: organizations, persons, posts, memberships, motions, vote events."""

    @extend_schema(parameters=[ALLIANCE], responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        alliance, decisions = _alliance(request), _decisions(request)
        served = decisions.filter(alliance=alliance).exclude(status=Decision.Status.DRAFT)
        _log_export(request, alliance, served, "the Popolo export")
        return Response(popolo(alliance, decisions))


class MembersCalendarView(APIView):
    """The alliance's meetings (scheduled and held) as an iCalendar feed for its members, each with its published
    agenda as far as the caller may read it; by token (``Authorization: Token ...``) or a signed-in session."""

    @extend_schema(
        parameters=[ALLIANCE, OpenApiParameter("body", OpenApiTypes.STR, description="One body's code, e.g. ALT.")],
        responses={(200, "text/calendar"): OpenApiTypes.STR},
    )
    def get(self, request):
        alliance = _alliance(request)
        access = request_access(request)
        meetings = Meeting.objects.restrict(access).filter(
            body__alliance=alliance, status__in=[Meeting.Status.SCHEDULED, Meeting.Status.HELD]
        )
        code = request.query_params.get("body", "").strip()
        if code:
            meetings = meetings.filter(body__code__iexact=code)
        return members_calendar(alliance, meetings, access, code)
