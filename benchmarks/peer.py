"""The PEER of each measured read: the same rows served the way a competent DRF tutorial writes it.

``ModelViewSet`` (read-only here), nested ``ModelSerializer``s with ``fields = "__all__"``,
``select_related`` / ``prefetch_related`` against N+1 queries, django-filter's ``DjangoFilterBackend``
with ``filterset_fields`` and DRF's page-number pagination (50 a page). It is what the product's reads
would cost written plainly, so ``product ms / peer ms`` says what the product's own work buys.

The HTML pages (the public register, the audit feed page, the members' decision log) and the non-JSON
reads (calendar, CSV export) have no stock-DRF form: their peer is the DRF endpoint below serving the
same rows as JSON. Mounted only by ``benchmarks/urls.py`` (the benchmark's URLconf), never in production.
"""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import pagination, permissions, serializers, viewsets
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from alliance.models import Alliance, AuditLink, ForwardPlanEntry, GoverningBody, Membership, Organisation
from contracts.models import AwardProcess, Contract, EvaluationScore, StageTransition, Submission
from decisions.models import AdvisoryInput, Decision, Meeting, Recusal, Vote
from roles.models import Person, Role, RoleAssignment


class PagePagination(pagination.PageNumberPagination):
    page_size = 50


class TutorialViewSet(viewsets.ReadOnlyModelViewSet):
    """DRF's defaults as a tutorial sets them: signed-in readers, JSON, django-filter, pages of 50."""

    permission_classes = [permissions.IsAuthenticated]
    renderer_classes = [JSONRenderer]
    filter_backends = [DjangoFilterBackend]
    pagination_class = PagePagination


# Serializers --------------------------------------------------------------------------------


class AllianceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Alliance
        fields = ["id", "slug", "name"]


class BodySerializer(serializers.ModelSerializer):
    class Meta:
        model = GoverningBody
        fields = "__all__"


class OrganisationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["id", "name"]


class PersonSerializer(serializers.ModelSerializer):
    class Meta:
        model = Person
        fields = ["id", "name"]


class MembershipSerializer(serializers.ModelSerializer):
    organisation = OrganisationSerializer()

    class Meta:
        model = Membership
        fields = ["id", "organisation", "status"]


class DecisionSerializer(serializers.ModelSerializer):
    alliance = AllianceSerializer()
    body = BodySerializer()
    votes_agree = serializers.IntegerField(read_only=True)
    votes_object = serializers.IntegerField(read_only=True)
    votes_abstain = serializers.IntegerField(read_only=True)

    class Meta:
        model = Decision
        fields = "__all__"


class VoteSerializer(serializers.ModelSerializer):
    membership = MembershipSerializer()
    cast_by = PersonSerializer()

    class Meta:
        model = Vote
        fields = "__all__"


class AdvisoryInputSerializer(serializers.ModelSerializer):
    organisation = OrganisationSerializer()

    class Meta:
        model = AdvisoryInput
        fields = "__all__"


class RecusalSerializer(serializers.ModelSerializer):
    membership = MembershipSerializer()

    class Meta:
        model = Recusal
        fields = "__all__"


class DecisionDetailSerializer(DecisionSerializer):
    votes = VoteSerializer(many=True)
    advisory_inputs = AdvisoryInputSerializer(many=True)
    recusals = RecusalSerializer(many=True)


class RoleSerializer(serializers.ModelSerializer):
    class Meta:
        model = Role
        fields = "__all__"


class RoleAssignmentSerializer(serializers.ModelSerializer):
    role = RoleSerializer()
    person = PersonSerializer()

    class Meta:
        model = RoleAssignment
        fields = "__all__"


class TransitionSerializer(serializers.ModelSerializer):
    class Meta:
        model = StageTransition
        fields = "__all__"


class ScoreSerializer(serializers.ModelSerializer):
    evaluator = PersonSerializer()

    class Meta:
        model = EvaluationScore
        fields = "__all__"


class SubmissionSerializer(serializers.ModelSerializer):
    bidder = OrganisationSerializer()
    scores = ScoreSerializer(many=True)

    class Meta:
        model = Submission
        fields = "__all__"


class ContractSerializer(serializers.ModelSerializer):
    class Meta:
        model = Contract
        fields = "__all__"


class AwardSerializer(serializers.ModelSerializer):
    transitions = TransitionSerializer(many=True)
    submissions = SubmissionSerializer(many=True)
    contracts = ContractSerializer(many=True)
    approval_votes = VoteSerializer(many=True, source="approval_decision.votes", default=None)

    class Meta:
        model = AwardProcess
        fields = "__all__"


class AuditLinkSerializer(serializers.ModelSerializer):
    class Meta:
        model = AuditLink
        fields = "__all__"


class MeetingSerializer(serializers.ModelSerializer):
    body = BodySerializer()

    class Meta:
        model = Meeting
        fields = "__all__"


class PlanEntrySerializer(serializers.ModelSerializer):
    body = BodySerializer()

    class Meta:
        model = ForwardPlanEntry
        fields = "__all__"


# View sets ----------------------------------------------------------------------------------


def _with_vote_counts(queryset):
    return queryset.annotate(
        votes_agree=Count("votes", filter=Q(votes__position="AGREE")),
        votes_object=Count("votes", filter=Q(votes__position="OBJECT")),
        votes_abstain=Count("votes", filter=Q(votes__position="ABSTAIN")),
    )


class DecisionViewSet(TutorialViewSet):
    """The decisions list and a decision; also the peer of the members' decision log page."""

    filterset_fields = ["alliance__slug", "status"]

    def get_queryset(self):
        # Every many-to-many field "__all__" shows (as a list of ids) prefetched, against N+1 queries.
        many = [f.name for f in Decision._meta.many_to_many]
        decisions = (
            Decision.objects.select_related("alliance", "body")
            .prefetch_related(*many)
            .order_by("-decided_on", "-opened_at", "-pk")
        )
        if self.action == "retrieve":
            return _with_vote_counts(decisions).prefetch_related(
                Prefetch("votes", Vote.objects.select_related("membership__organisation", "cast_by")),
                Prefetch("advisory_inputs", AdvisoryInput.objects.select_related("organisation")),
                Prefetch("recusals", Recusal.objects.select_related("membership__organisation")),
            )
        return _with_vote_counts(decisions)

    def get_serializer_class(self):
        return DecisionDetailSerializer if self.action == "retrieve" else DecisionSerializer


class PublicDecisionViewSet(DecisionViewSet):
    """The public register and a public decision: PUBLIC decisions that are not drafts."""

    def get_queryset(self):
        return super().get_queryset().filter(visibility="PUBLIC").exclude(status="DRAFT")


class DecisionExportViewSet(DecisionViewSet):
    """The decision register export: every decision of the alliance, in one answer (no pages)."""

    pagination_class = None

    def get_queryset(self):
        return super().get_queryset().order_by("opened_at", "pk")


class DirectoryViewSet(TutorialViewSet):
    """Who holds which role on a date: the assignments running on ``?on=``."""

    serializer_class = RoleAssignmentSerializer
    filterset_fields = ["role__alliance__slug"]
    pagination_class = None

    def get_queryset(self):
        on = self.request.query_params.get("on")
        return (
            RoleAssignment.objects.select_related("role", "person")
            .filter(starts_on__lte=on)
            .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on))
            .order_by("role__title", "starts_on", "pk")
        )


class RoleAssignmentViewSet(TutorialViewSet):
    serializer_class = RoleAssignmentSerializer
    filterset_fields = ["role"]
    queryset = RoleAssignment.objects.select_related("role", "person").order_by("role__title", "starts_on", "pk")


class AwardViewSet(TutorialViewSet):
    """An award process with its whole trail nested: transitions, bids and scores, approval votes, contracts."""

    serializer_class = AwardSerializer
    queryset = AwardProcess.objects.select_related("approval_decision").prefetch_related(
        "transitions",
        "contracts",
        Prefetch("submissions", Submission.objects.select_related("bidder").prefetch_related(
            Prefetch("scores", EvaluationScore.objects.select_related("evaluator"))
        )),
        Prefetch("approval_decision__votes", Vote.objects.select_related("membership__organisation", "cast_by")),
    )  # fmt: skip


class AuditLinkViewSet(TutorialViewSet):
    """The audit feed (JSON and page): an alliance's chain, newest first."""

    serializer_class = AuditLinkSerializer
    filterset_fields = ["chain"]
    queryset = AuditLink.objects.order_by("-seq")


class MeetingViewSet(TutorialViewSet):
    """The calendar: the alliance's scheduled and held meetings, in one answer (no pages)."""

    serializer_class = MeetingSerializer
    filterset_fields = ["body__alliance__slug"]
    pagination_class = None
    queryset = (
        Meeting.objects.select_related("body").filter(status__in=["scheduled", "held"]).order_by("starts_at", "pk")
    )


class CalendarViewSet(MeetingViewSet):
    """The calendar in one answer: the meetings, and the published forward plan still to be decided."""

    def list(self, request, *args, **kwargs):
        meetings = self.filter_queryset(self.get_queryset())
        planned = ForwardPlanEntry.objects.select_related("body").filter(
            alliance__slug=request.query_params.get("body__alliance__slug"), published=True, status="planned"
        )
        return Response(
            {
                "meetings": MeetingSerializer(meetings, many=True).data,
                "planned": PlanEntrySerializer(planned, many=True).data,
            }
        )


router = SimpleRouter()
router.register("decisions", DecisionViewSet, basename="peer-decision")
router.register("public-decisions", PublicDecisionViewSet, basename="peer-public-decision")
router.register("decision-export", DecisionExportViewSet, basename="peer-decision-export")
router.register("directory", DirectoryViewSet, basename="peer-directory")
router.register("role-assignments", RoleAssignmentViewSet, basename="peer-role-assignment")
router.register("awards", AwardViewSet, basename="peer-award")
router.register("audit", AuditLinkViewSet, basename="peer-audit")
router.register("calendar", CalendarViewSet, basename="peer-calendar")
urlpatterns = router.urls
