"""API views of performance measures and their returns: thin calls of contracts.services and queries_measures.

Lists filter by contract, service category, workstream, off target and late (contracts/measure_filtersets.py);
every record has ``/history/``; reads go through the one read rule (api/access.py)."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action

from api.access import StandingMixin
from api.read_log import ReadLogMixin
from api.serializers import measures as s
from api.views.base import RegisterCreateViewSet
from contracts import queries_measures, services
from contracts.measure_filtersets import MeasureFilter, MeasureReturnFilter
from contracts.models import Measure, MeasureReturn
from contracts.services.measures import DEFINING
from roles import standing


def _keeper(doing):
    def check(access, measure, data):
        if measure is None:
            standing.require_any_alliance_keeper(access, doing)
        else:
            standing.require_alliance_keeper(access, measure.alliance_id, doing)

    return check


def _may_report(access, entry, data):
    """The gate before a return's input is read: a representative of some member, a secretary or staff
    (the service then checks the measure's own reporter on the day)."""
    if entry is not None:
        if not services.may_enter_returns(access, entry.measure, timezone.localdate()):
            raise standing.refuse(
                "Returns of this measure are corrected by the reporting organisation's representative (or deputy) "
                "or by the alliance's secretary; ask one of them."
            )
        return
    if not (access.represents or standing.keeps_any_record(access)):
        raise standing.refuse(
            "Returns are entered by the reporting organisation's representative (or deputy) or by the alliance's "
            "secretary; ask one of them to enter it."
        )


class MeasureViewSet(ReadLogMixin, StandingMixin, RegisterCreateViewSet):
    """Performance measures of contracts, service categories and workstreams, each with its latest value
    against its target. The alliance's secretary defines, changes and retires them."""

    serializer_class = s.MeasureSerializer
    filterset_class = MeasureFilter
    ordering_fields = ["name", "target", "first_period_starts_on"]
    ordering = ["alliance__name", "name", "pk"]
    write_standing = {
        "create": _keeper(DEFINING),
        "change": _keeper("change the alliance's performance measures"),
        "retire": _keeper("retire the alliance's performance measures"),
    }

    def get_queryset(self):
        return queries_measures.annotate_latest(
            Measure.objects.select_related(
                "alliance", "contract", "workstream", "reported_by", "co_defined_with", "adopted_by"
            )
        )

    @extend_schema(request=s.MeasureCreateSerializer, responses={201: s.MeasureSerializer})
    def create(self, request, *args, **kwargs):
        values = self._input(s.MeasureCreateSerializer)
        measure = services.define_measure(actor=self.actor, **values)
        return self._out(measure, status.HTTP_201_CREATED)

    @extend_schema(request=s.MeasureChangeSerializer, responses=s.MeasureSerializer)
    @action(detail=True, methods=["post"])
    def change(self, request, pk=None):
        """Change a measure's wording, target, reporter or adopting decision, saying why."""
        measure = self.get_object()
        values = self._input(s.MeasureChangeSerializer)
        return self._out(services.change_measure(actor=self.actor, measure=measure, **values))

    @extend_schema(request=s.MeasureRetireSerializer, responses=s.MeasureSerializer)
    @action(detail=True, methods=["post"])
    def retire(self, request, pk=None):
        """Retire a measure, saying why: no return is asked of it any more."""
        measure = self.get_object()
        values = self._input(s.MeasureRetireSerializer)
        return self._out(services.retire_measure(actor=self.actor, measure=measure, **values))


class MeasureReturnViewSet(ReadLogMixin, StandingMixin, RegisterCreateViewSet):
    """Returns of performance measures, one per period: late ones flagged, each with its value against target.
    Entered and corrected by the reporting organisation's representative (or deputy) or the secretary."""

    serializer_class = s.MeasureReturnSerializer
    filterset_class = MeasureReturnFilter
    ordering_fields = ["period_start", "submitted_on", "value"]
    ordering = ["measure__name", "measure_id", "period_start", "pk"]
    write_standing = {"create": _may_report, "correct": _may_report}

    def get_queryset(self):
        return MeasureReturn.objects.select_related("measure", "on_behalf_of", "submitted_by")

    @extend_schema(request=s.ReturnCreateSerializer, responses={201: s.MeasureReturnSerializer})
    def create(self, request, *args, **kwargs):
        values = self._input(s.ReturnCreateSerializer)
        entry = services.enter_return(actor=self.actor, **values)
        return self._out(entry, status.HTTP_201_CREATED)

    @extend_schema(request=s.ReturnCorrectSerializer, responses=s.MeasureReturnSerializer)
    @action(detail=True, methods=["post"])
    def correct(self, request, pk=None):
        """Correct the return, saying why; its history keeps the value it replaced."""
        entry = self.get_object()
        values = self._input(s.ReturnCorrectSerializer)
        return self._out(services.correct_return(actor=self.actor, measure_return=entry, **values))
