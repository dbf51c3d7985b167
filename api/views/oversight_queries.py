"""API views of oversight's formal queries: thin calls of contracts.services and contracts.queries_oversight."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action

from api.access import StandingMixin
from api.read_log import ReadLogMixin
from api.serializers import oversight_queries as s
from api.views.base import RegisterCreateViewSet
from contracts import services
from contracts.queries_oversight import oversight_query_register
from contracts.query_filtersets import OversightQueryFilter


def _answerer(access, query, data):
    services.require_query_answerer(access, query)


class OversightQueryViewSet(ReadLogMixin, StandingMixin, RegisterCreateViewSet):
    """Oversight's formal queries and recommendations to the alliance's bodies: raised (and withdrawn)
    by the oversight group, answered by the secretary or chair of the body asked; closed once answered
    or withdrawn. ``?overdue=true`` lists the open ones past their due date."""

    serializer_class = s.OversightQuerySerializer
    filterset_class = OversightQueryFilter
    ordering_fields = ["raised_on", "due_on", "reference"]
    ordering = ["-raised_on", "-pk"]
    write_standing = {
        "create": lambda access, _, data: services.require_query_raiser(access),
        "answer": _answerer,
        "withdraw": lambda access, query, data: services.require_query_raiser(
            access, query.alliance_id, "withdraw a query"
        ),
    }

    def get_queryset(self):
        return oversight_query_register()

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "today": timezone.localdate()}

    @extend_schema(request=s.OversightQueryRaiseSerializer, responses={201: s.OversightQuerySerializer})
    def create(self, request, *args, **kwargs):
        values = self._input(s.OversightQueryRaiseSerializer)
        query = services.raise_oversight_query(actor=self.actor, **values)
        return self._out(query, status.HTTP_201_CREATED)

    @extend_schema(request=s.OversightQueryAnswerSerializer, responses=s.OversightQuerySerializer)
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        """Record the body's answer (for a recommendation: accepted, partly accepted or rejected, with reasons)."""
        query = self.get_object()
        values = self._input(s.OversightQueryAnswerSerializer)
        return self._out(services.answer_oversight_query(actor=self.actor, query=query, **values))

    @extend_schema(request=s.OversightQueryWithdrawSerializer, responses=s.OversightQuerySerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        """Withdraw an open query, saying why (the oversight group only)."""
        query = self.get_object()
        values = self._input(s.OversightQueryWithdrawSerializer)
        return self._out(services.withdraw_oversight_query(actor=self.actor, query=query, **values))


__all__ = ["OversightQueryViewSet"]
