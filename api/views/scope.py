"""API of scope and money: the service lines, the budget envelopes and the savings delivered; thin calls
of contracts.services.scope."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action

from api.access import StandingMixin
from api.read_log import ReadLogMixin
from api.serializers import scope as s
from api.views.base import RegisterCreateViewSet
from contracts.filtersets import BudgetEnvelopeFilter, SavingsRecordFilter, ServiceLineFilter
from contracts.scope_models import BudgetEnvelope, SavingsRecord, ServiceLine
from contracts.services import scope as services
from roles import standing

DOING = services.DOING


def _any_keeper(access, obj, data):
    standing.require_any_alliance_keeper(access, DOING)


def _keeper(access, line, data):
    standing.require_alliance_keeper(access, line.alliance_id, DOING)


class ServiceLineViewSet(ReadLogMixin, StandingMixin, RegisterCreateViewSet):
    """Every service line: in scope of the alliance, or retained by the commissioner with the reason for
    retention; its annual value and provider; the agreed decision behind its latest change (``/history/``
    keeps every version). ``?in_scope=false`` lists what the commissioner retains."""

    serializer_class = s.ServiceLineSerializer
    filterset_class = ServiceLineFilter
    ordering_fields = ["name", "annual_value", "in_scope"]
    ordering = ["-in_scope", "name", "pk"]
    queryset = ServiceLine.objects.select_related("alliance", "provider", "changed_by__alliance")
    write_standing = {"create": _any_keeper, "change": _keeper, "record_contract": _keeper, "link_contract": _keeper}

    @extend_schema(request=s.ServiceLineCreateSerializer, responses={201: s.ServiceLineSerializer})
    def create(self, request, *args, **kwargs):
        """Add a service line by an agreed decision of its alliance (``changed_by``)."""
        line = services.record_service_line(actor=self.actor, **self._input(s.ServiceLineCreateSerializer))
        return self._out(line, status.HTTP_201_CREATED)

    @extend_schema(request=s.ServiceLineChangeSerializer, responses=s.ServiceLineSerializer)
    @action(detail=True, methods=["post"])
    def change(self, request, pk=None):
        """Change the line (scope, value, provider, reason, or ``active: false`` to end it) by an agreed decision."""
        line = self.get_object()
        values = self._input(s.ServiceLineChangeSerializer)
        return self._out(services.change_service_line(actor=self.actor, service_line=line, **values))

    @extend_schema(request=s.PurchasedContractSerializer, responses={201: s.ServiceLineSerializer})
    @action(detail=True, methods=["post"], url_path="contracts")
    def record_contract(self, request, pk=None):
        """Record a contract already in place that delivers this line; the budget then counts it."""
        line = self.get_object()
        values = self._input(s.PurchasedContractSerializer)
        services.record_purchased_contract(actor=self.actor, service_line=line, **values)
        return self._out(line, status.HTTP_201_CREATED)

    @extend_schema(request=s.LinkServiceLineContractSerializer, responses=s.ServiceLineSerializer)
    @action(detail=True, methods=["post"], url_path="link-contract")
    def link_contract(self, request, pk=None):
        """Say that a contract of the register delivers this line."""
        line = self.get_object()
        values = self._input(s.LinkServiceLineContractSerializer)
        services.link_contract_to_service_line(actor=self.actor, contract=values["contract"], service_line=line)
        return self._out(line)


class BudgetEnvelopeViewSet(ReadLogMixin, StandingMixin, RegisterCreateViewSet):
    """The budget envelopes the commissioner set, each with who set it, the agreed decision and its trajectory
    (``annual_reduction_percent`` a year from year ``reduction_from_year``); the latest is the one in use."""

    serializer_class = s.BudgetEnvelopeSerializer
    filterset_class = BudgetEnvelopeFilter
    ordering_fields = ["set_on", "baseline_year"]
    ordering = ["-set_on", "-pk"]
    queryset = BudgetEnvelope.objects.select_related("alliance", "set_by", "set_by_decision__alliance")
    write_standing = {"create": _any_keeper}

    @extend_schema(request=s.BudgetEnvelopeCreateSerializer, responses={201: s.BudgetEnvelopeSerializer})
    def create(self, request, *args, **kwargs):
        """Record the envelope the commissioner set, by an agreed decision of the alliance."""
        envelope = services.set_budget_envelope(actor=self.actor, **self._input(s.BudgetEnvelopeCreateSerializer))
        return self._out(envelope, status.HTTP_201_CREATED)


class SavingsRecordViewSet(ReadLogMixin, StandingMixin, RegisterCreateViewSet):
    """Savings delivered per financial year, service line and member."""

    serializer_class = s.SavingsRecordSerializer
    filterset_class = SavingsRecordFilter
    ordering_fields = ["financial_year", "amount"]
    ordering = ["financial_year", "service_line__name", "pk"]
    queryset = SavingsRecord.objects.select_related("alliance", "service_line", "member", "decision__alliance")
    write_standing = {"create": _any_keeper}

    @extend_schema(request=s.SavingsRecordCreateSerializer, responses={201: s.SavingsRecordSerializer})
    def create(self, request, *args, **kwargs):
        """Record a saving delivered in a financial year of the envelope."""
        record = services.record_savings(actor=self.actor, **self._input(s.SavingsRecordCreateSerializer))
        return self._out(record, status.HTTP_201_CREATED)
