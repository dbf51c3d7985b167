"""API views of award policies, award processes and contracts: thin calls of contracts.services and queries."""

from django.db.models import Prefetch
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from alliance.errors import RuleViolation
from alliance.models import Alliance
from api import lean, lean_trail
from api.access import StandingMixin
from api.history import AsOfMixin
from api.read_log import ReadLogMixin
from api.serializers import contracts as s
from api.views.base import RegisterCreateViewSet, RegisterViewSet
from contracts import ocds, queries, services
from contracts.filtersets import AwardFilter, AwardPolicyFilter, ContractFilter, OversightNoteFilter
from contracts.models import (
    AwardInterest,
    AwardPolicy,
    AwardProcess,
    EvaluationScore,
    OversightNote,
    RouteRule,
    Submission,
)
from contracts.trail import award_audit_trail, trail_processes
from decisions.models import Decision
from roles import standing
from roles.access import request_access


class AwardPolicyViewSet(RegisterCreateViewSet):
    """Versions of each alliance's award policy, each adopted by an AGREED POLICY decision."""

    serializer_class = s.AwardPolicySerializer
    filterset_class = AwardPolicyFilter
    ordering_fields = ["version", "in_force_from"]
    ordering = ["alliance__name", "version"]

    def get_queryset(self):
        return AwardPolicy.objects.select_related("alliance", "adopted_by", "approving_body").prefetch_related(
            Prefetch("rules", queryset=RouteRule.objects.order_by("route"))
        )

    @extend_schema(request=s.AwardPolicyCreateSerializer, responses={201: s.AwardPolicySerializer})
    def create(self, request, *args, **kwargs):
        values = self._input(s.AwardPolicyCreateSerializer)
        policy = services.adopt_policy(**values)
        policy = self.get_queryset().get(pk=policy.pk)
        return Response(s.AwardPolicySerializer(policy).data, status=status.HTTP_201_CREATED)


def _keeper(doing):
    """The services' own standing check for an award's writes, asked before the input is read."""

    def check(access, process, data):
        if process is None:
            standing.require_any_alliance_keeper(access, doing)
        else:
            standing.require_alliance_keeper(access, process.alliance_id, doing)

    return check


class AwardViewSet(ReadLogMixin, StandingMixin, AsOfMixin, RegisterCreateViewSet):
    """Award processes: route, stage, submissions, scores, approval, audit trail and OCDS release.

    The alliance's secretaries run them (roles/standing.py); the approval is opened by the secretary
    of the body the policy names."""

    serializer_class = s.AwardProcessSerializer
    filterset_class = AwardFilter
    ordering_fields = ["started_on", "reference", "estimated_total_value", "stage"]
    ordering = ["-started_on", "-pk"]
    write_standing = {
        "create": _keeper("start an award process"),
        "submissions": _keeper("record the bids of an award process"),
        "scores": _keeper("record the scores of an award process"),
        "interests": _keeper("note an interest in an award process"),
        "correct": _keeper("correct an award process"),
        "transition": _keeper("move an award process to another stage"),
        "approval": lambda access, process, data: standing.require_record_keeper(
            access, process.policy.approving_body, "open the approval of an award"
        ),
    }

    def get_queryset(self):
        if self.action == "audit":
            # The trail reads its process with what it needs (contracts/trail.py), not the register's page.
            return trail_processes()
        return queries.award_register()

    def _page(self, queryset, serializer_class):
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(serializer_class(page, many=True).data)

    @extend_schema(request=s.AwardProcessCreateSerializer, responses={201: s.AwardProcessSerializer})
    def create(self, request, *args, **kwargs):
        values = self._input(s.AwardProcessCreateSerializer)
        process = services.create_process(actor=self.actor, created_by=request.user, **values)
        return self._out(process, status.HTTP_201_CREATED)

    @extend_schema(methods=["get"], responses=s.SubmissionSerializer(many=True), filters=False)
    @extend_schema(methods=["post"], request=s.SubmissionCreateSerializer, responses={201: s.SubmissionSerializer})
    @action(detail=True, methods=["get", "post"], filter_backends=[])
    def submissions(self, request, pk=None):
        """The bids made in the process (GET), or record one while it is open for submissions (POST)."""
        process = self.get_object()
        if request.method == "GET":
            qs = Submission.objects.filter(process=process).select_related("bidder").order_by("bidder__name", "pk")
            return self._page(qs, s.SubmissionSerializer)
        values = self._input(s.SubmissionCreateSerializer)
        submission = services.record_submission(actor=self.actor, process=process, **values)
        submission = Submission.objects.select_related("bidder").get(pk=submission.pk)
        return Response(s.SubmissionSerializer(submission).data, status=status.HTTP_201_CREATED)

    @extend_schema(methods=["get"], responses=s.ScoreSerializer(many=True), filters=False)
    @extend_schema(methods=["post"], request=s.ScoreCreateSerializer, responses={201: s.ScoreSerializer})
    @action(detail=True, methods=["get", "post"], filter_backends=[])
    def scores(self, request, pk=None):
        """Evaluation scores (GET), or score one submission on one criterion during evaluation (POST)."""
        process = self.get_object()
        if request.method == "GET":
            qs = (
                EvaluationScore.objects.filter(submission__process=process)
                .select_related("evaluator", "submission__bidder")
                .order_by("submission__bidder__name", "criterion", "evaluator__name", "pk")
            )
            return self._page(qs, s.ScoreSerializer)
        values = self._input(s.ScoreCreateSerializer)
        if values["submission"].process_id != process.pk:
            raise RuleViolation(
                "score_other_process",
                f"The submission belongs to another process than {process.reference}.",
                field="submission",
            )
        score = services.record_score(actor=self.actor, **values)
        score = EvaluationScore.objects.select_related("evaluator", "submission__bidder").get(pk=score.pk)
        return Response(s.ScoreSerializer(score).data, status=status.HTTP_201_CREATED)

    @extend_schema(methods=["get"], responses=s.AwardInterestSerializer(many=True), filters=False)
    @extend_schema(
        methods=["post"], request=s.AwardInterestCreateSerializer, responses={201: s.AwardInterestSerializer}
    )
    @action(detail=True, methods=["get", "post"], filter_backends=[])
    def interests(self, request, pk=None):
        """Interests declared in the award (GET), or note one from the interests register (POST); rule 5."""
        process = self.get_object()
        if request.method == "GET":
            qs = (
                AwardInterest.objects.filter(process=process)
                .select_related("declaration__person", "declaration__represents")
                .order_by("noted_on", "pk")
            )
            return self._page(qs, s.AwardInterestSerializer)
        values = self._input(s.AwardInterestCreateSerializer)
        item = services.note_interest(actor=self.actor, process=process, **values)
        item = AwardInterest.objects.select_related("declaration__person", "declaration__represents").get(pk=item.pk)
        return Response(s.AwardInterestSerializer(item).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.CorrectionSerializer, responses=s.AwardProcessSerializer)
    @action(detail=True, methods=["post"])
    def correct(self, request, pk=None):
        """Correct an open process's details, saying why; the policy's rules are checked again."""
        process = self.get_object()  # access first: a caller who may not act learns nothing from the body
        fields = self._input(s.CorrectionSerializer)
        reason = fields.pop("reason")
        return self._out(
            services.correct_process(actor=self.actor, process=process, reason=reason, by=request.user, **fields)
        )

    @extend_schema(request=s.TransitionSerializer, responses=s.AwardProcessSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        """Move the process to its next stage, or cancel it with a reason; the move is kept with who and when."""
        process = self.get_object()
        data = s.TransitionSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        return self._out(services.transition(actor=self.actor, process=process, by=request.user, **data.to_service()))

    @extend_schema(request=s.ApprovalSerializer, responses={201: s.DecisionRefSerializer})
    @action(detail=True, methods=["post"])
    def approval(self, request, pk=None):
        """Open the AWARD decision of the policy's approving body; bidders and interested members are recused."""
        process = self.get_object()
        values = self._input(s.ApprovalSerializer)
        decision = services.open_approval(actor=self.actor, process=process, **values)
        decision = Decision.objects.get(pk=decision.pk)
        return Response(s.DecisionRefSerializer(decision).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=s.AuditEventSerializer(many=True), filters=False)
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def audit(self, request, pk=None):
        """The award's audit trail: every step from the policy to the contract, with who and when."""
        events = award_audit_trail(self.get_object(), request_access(request), loaded=True)
        if lean.applies(request):
            # The events are plain dicts already: written as the serializer writes them (api/lean_trail.py).
            return lean.json_response(lean_trail.events(events))
        return Response(s.AuditEventSerializer(events, many=True).data)

    @extend_schema(
        operation_id="v1_awards_ocds_release", responses={(200, "application/json"): OpenApiTypes.OBJECT}, filters=False
    )
    @action(detail=True, methods=["get"], url_path="ocds", filter_backends=[], pagination_class=None)
    def ocds_release(self, request, pk=None):
        """The award as an OCDS 1.1 release package with one release."""
        process = ocds.processes_for_ocds(AwardProcess.objects.filter(pk=self.get_object().pk))
        return Response(ocds.package(process, uri=request.build_absolute_uri(), publisher=process[0].alliance.name))

    @extend_schema(
        operation_id="v1_awards_ocds_package",
        parameters=[s.OcdsQuerySerializer],
        responses={(200, "application/json"): OpenApiTypes.OBJECT},
        filters=False,
    )
    @action(detail=False, methods=["get"], url_path="ocds", filter_backends=[], pagination_class=None)
    def ocds_package(self, request):
        """Every PUBLIC award of an alliance as one OCDS 1.1 release package."""
        query = s.OcdsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        alliance = (
            Alliance.objects.restrict(request_access(request)).filter(slug=query.validated_data["alliance"]).first()
        )
        if alliance is None:
            raise RuleViolation(
                "alliance_unknown", f"No alliance has the slug '{query.validated_data['alliance']}'.", field="alliance"
            )
        # The package is built from what the caller may read, so an anonymous visitor never gets a draft.
        public = AwardProcess.objects.filter(alliance=alliance, visibility=AwardProcess.Visibility.PUBLIC)
        processes = ocds.processes_for_ocds(public.restrict(request_access(request)))
        return Response(ocds.package(processes, uri=request.build_absolute_uri(), publisher=alliance.name))


class ContractViewSet(ReadLogMixin, StandingMixin, RegisterViewSet):
    """The contract register: value, term, extension, in scope of the alliance or retained by the commissioner,
    its notice period and the decision on its future (``?in_notice_without_decision=true&on=DATE``: the
    contracts ending within the notice period without a decision)."""

    serializer_class = s.ContractSerializer
    filterset_class = ContractFilter
    ordering_fields = ["title", "annual_value", "starts_on", "ends_on"]
    ordering = ["title", "pk"]
    write_standing = {
        "future_decision": lambda access, contract, data: standing.require_alliance_keeper(
            access, contract.alliance_id, "record the decision on a contract's future"
        ),
    }

    def get_queryset(self):
        return queries.contract_register()

    @extend_schema(request=s.FutureDecisionSerializer, responses=s.ContractSerializer)
    @action(detail=True, methods=["post"], url_path="future-decision")
    def future_decision(self, request, pk=None):
        """Record the alliance's agreed decision on the contract's future; the forward plan's entry announcing
        it is marked taken with the decision's reference."""
        contract = self.get_object()
        values = self._input(s.FutureDecisionSerializer)
        return self._out(services.record_future_decision(actor=self.actor, contract=contract, **values))


class OversightNoteViewSet(ReadLogMixin, StandingMixin, mixins.UpdateModelMixin, RegisterCreateViewSet):
    """Oversight's own notes: read and written by oversight (and staff) only; an author edits their
    own note; no note is deleted, so the record of what oversight said stays whole."""

    serializer_class = s.OversightNoteSerializer
    filterset_class = OversightNoteFilter
    ordering_fields = ["created_at", "updated_at"]
    ordering = ["-created_at", "-pk"]
    http_method_names = ["get", "post", "patch", "head", "options"]
    queryset = OversightNote.objects.select_related("alliance", "author")
    write_standing = {
        "create": lambda access, _, data: standing.require_any_oversight(access),
        "partial_update": lambda access, note, data: standing.require_note_author(access, note),
    }

    @extend_schema(request=s.OversightNoteCreateSerializer, responses={201: s.OversightNoteSerializer})
    def create(self, request, *args, **kwargs):
        values = self._input(s.OversightNoteCreateSerializer)
        note = services.write_oversight_note(actor=self.actor, **values)
        return Response(s.OversightNoteSerializer(note).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.OversightNoteEditSerializer, responses=s.OversightNoteSerializer)
    def partial_update(self, request, *args, **kwargs):
        note = self.get_object()  # a note the caller may not read answers 404 before its body is read
        values = self._input(s.OversightNoteEditSerializer)
        note = services.edit_oversight_note(actor=self.actor, note=note, **values)
        return Response(s.OversightNoteSerializer(note).data)
