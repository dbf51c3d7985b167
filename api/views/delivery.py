"""API of the delivery plan: workstreams and milestones, read through the read rule with history,
written through contracts.services.delivery."""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from alliance.errors import RuleViolation
from api.access import StandingMixin
from api.serializers import delivery as s
from api.views.base import RegisterCreateViewSet, RegisterViewSet
from contracts import queries_delivery as queries
from contracts import services
from contracts.delivery_models import Milestone, Workstream
from contracts.filtersets_delivery import MilestoneFilter, WorkstreamFilter
from roles import standing
from roles.access import request_access

DOING = "keep the delivery plan"  # the words of contracts.services.delivery


def _keeper(access, record, data):
    alliance_id = record.alliance_id if isinstance(record, Workstream) else record.workstream.alliance_id
    standing.require_alliance_keeper(access, alliance_id, DOING)


class WorkstreamViewSet(StandingMixin, RegisterCreateViewSet):
    """The delivery plan's workstreams: objective, owner, success definition, the adopting decision and
    the decision behind the latest change, and the contracts whose end dates wait on each. Proposed
    workstreams are drafts, read by the alliance's secretaries."""

    serializer_class = s.WorkstreamSerializer
    filterset_class = WorkstreamFilter
    ordering_fields = ["title", "status", "created_at"]
    ordering = ["title", "pk"]
    queryset = Workstream.objects.all()
    write_standing = {
        "create": lambda access, _, data: standing.require_any_alliance_keeper(access, DOING),
        "adopt": _keeper,
        "change": _keeper,
        "complete": _keeper,
        "close": _keeper,
        "add_milestone": _keeper,
        "link_contract": _keeper,
        "unlink_contract": _keeper,
    }

    def get_queryset(self):
        access = request_access(self.request)
        return Workstream.objects.select_related("alliance", "owner_role", "body", "adopted_by", "changed_by")\
            .prefetch_related(
                Prefetch("dependent_contracts", queryset=queries.dependent_contracts(access), to_attr="contract_links")
            )  # fmt: skip

    @extend_schema(request=s.WorkstreamCreateSerializer, responses={201: s.WorkstreamSerializer})
    def create(self, request, *args, **kwargs):
        """Propose a workstream (the alliance's secretaries); a decision adopts it."""
        values = self._input(s.WorkstreamCreateSerializer)
        return self._out(services.create_workstream(actor=self.actor, **values), status.HTTP_201_CREATED)

    @extend_schema(request=s.AdoptSerializer, responses=s.WorkstreamSerializer)
    @action(detail=True, methods=["post"])
    def adopt(self, request, pk=None):
        """Adopt a proposed workstream by an agreed decision of its alliance."""
        workstream = self.get_object()
        values = self._input(s.AdoptSerializer)
        return self._out(services.adopt_workstream(actor=self.actor, workstream=workstream, **values))

    @extend_schema(request=s.WorkstreamChangeSerializer, responses=s.WorkstreamSerializer)
    @action(detail=True, methods=["post"])
    def change(self, request, pk=None):
        """Change the objective, owner, success definition (and title, alliance objective, body); once
        adopted, with the agreed decision behind the change."""
        workstream = self.get_object()
        values = self._input(s.WorkstreamChangeSerializer)
        return self._out(services.change_workstream(actor=self.actor, workstream=workstream, **values))

    @extend_schema(request=None, responses=s.WorkstreamSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        """Mark the workstream completed, once every milestone is achieved."""
        return self._out(services.complete_workstream(actor=self.actor, workstream=self.get_object()))

    @extend_schema(request=s.CloseSerializer, responses=s.WorkstreamSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """Close the workstream without completing it, by an agreed decision, saying why."""
        workstream = self.get_object()
        values = self._input(s.CloseSerializer)
        return self._out(services.close_workstream(actor=self.actor, workstream=workstream, **values))

    @extend_schema(request=s.MilestoneCreateSerializer, responses={201: s.MilestoneSerializer})
    @action(detail=True, methods=["post"], url_path="milestones")
    def add_milestone(self, request, pk=None):
        """Add a milestone with its baseline target (and a current target, with its decision)."""
        workstream = self.get_object()
        values = self._input(s.MilestoneCreateSerializer)
        milestone = services.add_milestone(actor=self.actor, workstream=workstream, **values)
        milestone = queries.milestones(request_access(request)).get(pk=milestone.pk)
        return Response(s.MilestoneSerializer(milestone, context=self.get_serializer_context()).data, status=201)

    @extend_schema(request=s.LinkContractSerializer, responses={201: s.WorkstreamSerializer})
    @action(detail=True, methods=["post"], url_path="link-contract")
    def link_contract(self, request, pk=None):
        """Record that a contract's end date waits on the workstream."""
        workstream = self.get_object()
        values = self._input(s.LinkContractSerializer)
        services.link_workstream_contract(actor=self.actor, workstream=workstream, **values)
        return self._out(workstream, status.HTTP_201_CREATED)

    @extend_schema(request=s.UnlinkContractSerializer, responses=s.WorkstreamSerializer)
    @action(detail=True, methods=["post"], url_path="unlink-contract")
    def unlink_contract(self, request, pk=None):
        """Remove a contract from those waiting on the workstream (the history keeps the link)."""
        workstream = self.get_object()
        link = self._input(s.UnlinkContractSerializer)["link"]
        if link.workstream_id != workstream.pk:
            raise RuleViolation(
                "workstream_link_elsewhere",
                "That contract is not linked to this workstream; choose one of its dependent contracts.",
                field="link",
            )
        services.unlink_workstream_contract(actor=self.actor, link=link)
        return self._out(workstream)


class MilestoneViewSet(StandingMixin, RegisterViewSet):
    """The plan's milestones: baseline and current targets, actual date, slippage in days, red / amber /
    green with the reason and who set it. ``?past_due=true`` lists open milestones past their target
    today; ``?rag=``, ``?status=`` (the workstream's), ``?workstream=``, ``?alliance=`` filter."""

    serializer_class = s.MilestoneSerializer
    filterset_class = MilestoneFilter
    ordering_fields = ["target_on", "baseline_target_on", "actual_on", "order"]
    ordering = ["workstream__title", "workstream_id", "order", "target_on", "pk"]
    queryset = Milestone.objects.select_related("workstream__alliance", "target_changed_by", "rag_set_by")
    write_standing = {"move_target": _keeper, "set_rag": _keeper, "achieved": _keeper}

    @extend_schema(request=s.MoveTargetSerializer, responses=s.MilestoneSerializer)
    @action(detail=True, methods=["post"], url_path="move-target")
    def move_target(self, request, pk=None):
        """Move the current target, by an agreed decision of the alliance; the baseline stays."""
        milestone = self.get_object()
        values = self._input(s.MoveTargetSerializer)
        return self._out(services.move_milestone_target(actor=self.actor, milestone=milestone, **values))

    @extend_schema(request=s.RagSerializer, responses=s.MilestoneSerializer)
    @action(detail=True, methods=["post"], url_path="rag")
    def set_rag(self, request, pk=None):
        """Set green, amber or red; amber and red need the reason."""
        milestone = self.get_object()
        values = self._input(s.RagSerializer)
        return self._out(services.set_milestone_rag(actor=self.actor, milestone=milestone, **values))

    @extend_schema(request=s.AchievedSerializer, responses=s.MilestoneSerializer)
    @action(detail=True, methods=["post"])
    def achieved(self, request, pk=None):
        """Record the day it was achieved; its status becomes complete."""
        milestone = self.get_object()
        values = self._input(s.AchievedSerializer)
        return self._out(services.record_milestone_achieved(actor=self.actor, milestone=milestone, **values))
