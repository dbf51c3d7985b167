"""Serializers of award policies, award processes and contracts: output shapes, and input shapes for the services."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from alliance.models import Alliance, GoverningBody, Organisation
from api.serializers.alliance import OrganisationRefSerializer
from api.serializers.fields import ModelSerializer, ReadablePrimaryKeyRelatedField, ReadableSlugRelatedField
from api.serializers.roles import BodyRefSerializer, PersonRefSerializer
from api.serializers.strict import InputSerializer
from contracts.models import (
    AwardInterest,
    AwardPolicy,
    AwardProcess,
    Contract,
    EvaluationScore,
    OversightNote,
    Route,
    RouteRule,
    ServiceCategory,
    Submission,
)
from contracts.queries_warnings import decision_due_on, notice_starts_on
from decisions.models import Decision, Meeting
from roles.models import InterestDeclaration, Person


class DecisionRefSerializer(ModelSerializer):
    class Meta:
        model = Decision
        fields = ["id", "reference", "title", "status", "decided_on"]


class CriterionSerializer(serializers.Serializer):
    name = serializers.CharField()
    weight = serializers.FloatField(min_value=0)


class RouteRuleSerializer(ModelSerializer):
    justification_must_cover = serializers.ListField(child=serializers.CharField(), required=False)
    criteria = CriterionSerializer(many=True, required=False)

    class Meta:
        model = RouteRule
        fields = [
            "route",
            "allowed",
            "min_value",
            "max_value",
            "min_submissions",
            "scored_evaluation_required",
            "justification_must_cover",
            "criteria",
        ]


class AwardPolicySerializer(ModelSerializer):
    alliance = ReadableSlugRelatedField(slug_field="slug", read_only=True)
    adopted_by = DecisionRefSerializer(read_only=True)
    approving_body = BodyRefSerializer(read_only=True)
    rules = RouteRuleSerializer(many=True, read_only=True)

    class Meta:
        model = AwardPolicy
        fields = [
            "id",
            "alliance",
            "version",
            "title",
            "adopted_by",
            "in_force_from",
            "approving_body",
            "notes",
            "rules",
        ]


class AwardPolicyCreateSerializer(InputSerializer):
    alliance = ReadableSlugRelatedField(slug_field="slug", queryset=Alliance.objects.all())
    adopted_by = ReadablePrimaryKeyRelatedField(queryset=Decision.objects.all())
    in_force_from = serializers.DateField()
    approving_body = ReadablePrimaryKeyRelatedField(queryset=GoverningBody.objects.all())
    title = serializers.CharField(required=False, default="Award policy")
    notes = serializers.CharField(required=False, allow_blank=True, default="")
    rules = RouteRuleSerializer(many=True)


class SubmissionSerializer(ModelSerializer):
    bidder = OrganisationRefSerializer(read_only=True)

    class Meta:
        model = Submission
        fields = ["id", "bidder", "submitted_on", "price", "summary"]


class SubmissionCreateSerializer(InputSerializer):
    bidder = ReadablePrimaryKeyRelatedField(queryset=Organisation.objects.all())
    submitted_on = serializers.DateField()
    price = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0)
    summary = serializers.CharField(required=False, allow_blank=True, default="")


class AwardInterestSerializer(ModelSerializer):
    person = PersonRefSerializer(source="declaration.person", read_only=True)
    represents = OrganisationRefSerializer(source="declaration.represents", read_only=True, allow_null=True)
    interest = serializers.CharField(source="declaration.interest", read_only=True)

    class Meta:
        model = AwardInterest
        fields = ["id", "declaration", "person", "represents", "interest", "noted_on"]


class AwardInterestCreateSerializer(serializers.Serializer):
    declaration = ReadablePrimaryKeyRelatedField(
        queryset=InterestDeclaration.objects.all(), help_text="The entry in the alliance's interests register."
    )
    noted_on = serializers.DateField(help_text="The day the interest was declared in this award.")


class CorrectionSerializer(serializers.Serializer):
    """The correctable details of an open process; give only those that change, and always why."""

    reason = serializers.CharField(help_text="Why the process is corrected; kept with the history row.")
    title = serializers.CharField(required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    service_category = serializers.ChoiceField(choices=ServiceCategory.choices, required=False)
    estimated_annual_value = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0, required=False)
    estimated_total_value = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0, required=False)
    route_justification = serializers.DictField(child=serializers.CharField(allow_blank=True), required=False)
    external_notice_reference = serializers.CharField(required=False, allow_blank=True)
    visibility = serializers.ChoiceField(choices=Decision.Visibility.choices, required=False)


class ScoreSerializer(ModelSerializer):
    submission = ReadablePrimaryKeyRelatedField(read_only=True)
    bidder = serializers.CharField(source="submission.bidder.name", read_only=True)
    evaluator = PersonRefSerializer(read_only=True)

    class Meta:
        model = EvaluationScore
        fields = ["id", "submission", "bidder", "criterion", "evaluator", "score", "comment", "scored_on"]


class ScoreCreateSerializer(InputSerializer):
    submission = ReadablePrimaryKeyRelatedField(queryset=Submission.objects.all())
    criterion = serializers.CharField()
    evaluator = ReadablePrimaryKeyRelatedField(queryset=Person.objects.all())
    score = serializers.IntegerField(help_text="0 to 10.")
    scored_on = serializers.DateField()
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    reason = serializers.CharField(required=False, allow_blank=True, default="", help_text="Why a score is corrected.")


class ContractRefSerializer(ModelSerializer):
    class Meta:
        model = Contract
        fields = ["id", "title", "annual_value", "starts_on", "ends_on"]


class AwardProcessSerializer(ModelSerializer):
    alliance = ReadableSlugRelatedField(slug_field="slug", read_only=True)
    policy_version = serializers.IntegerField(source="policy.version", read_only=True)
    direct_award_to = OrganisationRefSerializer(read_only=True, allow_null=True)
    recommended_submission = SubmissionSerializer(read_only=True, allow_null=True)
    approval_decision = DecisionRefSerializer(read_only=True, allow_null=True)
    resulting_contract = ContractRefSerializer(read_only=True, allow_null=True)
    route_justification = serializers.DictField(child=serializers.CharField())

    class Meta:
        model = AwardProcess
        fields = [
            "id",
            "alliance",
            "reference",
            "title",
            "description",
            "service_category",
            "estimated_annual_value",
            "estimated_total_value",
            "route",
            "route_justification",
            "started_on",
            "policy_version",
            "stage",
            "direct_award_to",
            "external_notice_reference",
            "recommended_submission",
            "approval_decision",
            "resulting_contract",
            "visibility",
            "cancellation_reason",
        ]


class AwardProcessCreateSerializer(InputSerializer):
    alliance = ReadableSlugRelatedField(slug_field="slug", queryset=Alliance.objects.all())
    title = serializers.CharField()
    description = serializers.CharField(required=False, allow_blank=True, default="")
    service_category = serializers.ChoiceField(choices=ServiceCategory.choices)
    route = serializers.ChoiceField(choices=Route.choices)
    estimated_annual_value = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0)
    estimated_total_value = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0)
    started_on = serializers.DateField()
    route_justification = serializers.DictField(child=serializers.CharField(allow_blank=True))
    direct_award_to = ReadablePrimaryKeyRelatedField(
        queryset=Organisation.objects.all(), required=False, allow_null=True, default=None
    )
    external_notice_reference = serializers.CharField(required=False, allow_blank=True, default="")
    visibility = serializers.ChoiceField(choices=Decision.Visibility.choices, default=Decision.Visibility.MEMBERS)


class TransitionSerializer(InputSerializer):
    to_stage = serializers.ChoiceField(choices=AwardProcess.Stage.choices)
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    recommended_submission = ReadablePrimaryKeyRelatedField(
        queryset=Submission.objects.all(), required=False, help_text="For RECOMMENDED: the submission recommended."
    )
    starts_on = serializers.DateField(required=False, help_text="For CONTRACTED: the contract's first day.")
    ends_on = serializers.DateField(required=False, help_text="For CONTRACTED: the last day of its term.")
    extension_until = serializers.DateField(required=False)
    in_scope = serializers.BooleanField(required=False)
    annual_value = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0, required=False)
    extends = ReadablePrimaryKeyRelatedField(
        queryset=Contract.objects.all(), required=False, help_text="For CONTRACTED: the contract to extend."
    )

    def to_service(self) -> dict:
        data = dict(self.validated_data)
        if "recommended_submission" in data:
            data["submission"] = data.pop("recommended_submission")
        return data


class ApprovalSerializer(InputSerializer):
    meeting = ReadablePrimaryKeyRelatedField(
        queryset=Meeting.objects.all(), required=False, allow_null=True, default=None
    )
    closes_at = serializers.DateTimeField(
        required=False, allow_null=True, default=None, help_text="For a written procedure; 14 days when left out."
    )


class TrailChangeSerializer(serializers.Serializer):
    field = serializers.CharField()
    label = serializers.CharField()
    old = serializers.CharField()
    new = serializers.CharField()


class AuditEventSerializer(serializers.Serializer):
    kind = serializers.CharField()
    at = serializers.DateTimeField(help_text="When the step took effect.")
    title = serializers.CharField()
    detail = serializers.CharField(allow_blank=True)
    who = serializers.CharField(allow_blank=True)
    recorded_by = serializers.CharField(allow_blank=True)
    recorded_at = serializers.DateTimeField()
    reason = serializers.CharField(allow_blank=True)
    correction = serializers.BooleanField()
    changes = TrailChangeSerializer(many=True)


class ContractSerializer(ModelSerializer):
    alliance = ReadableSlugRelatedField(slug_field="slug", read_only=True)
    provider = OrganisationRefSerializer(read_only=True)
    awarded_through = serializers.SerializerMethodField()

    class Meta:
        model = Contract
        fields = [
            "id",
            "alliance",
            "title",
            "service_category",
            "provider",
            "annual_value",
            "starts_on",
            "ends_on",
            "extension_until",
            "in_scope",
            "status",
            "awarded_through",
            "notice_starts_on",
            "decision_due_on",
            "future_decision",
            "forward_plan_entry",
        ]

    notice_starts_on = serializers.SerializerMethodField(
        help_text="When the contract enters its notice period (CONTRACT_NOTICE_MONTHS before its end)."
    )
    decision_due_on = serializers.SerializerMethodField(
        help_text="When the decision on its future is due (CONTRACT_DECISION_DUE_MONTHS before its end)."
    )
    future_decision = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True, help_text="The id of the agreed decision on its future, once recorded."
    )
    forward_plan_entry = serializers.PrimaryKeyRelatedField(
        read_only=True,
        allow_null=True,
        help_text="The id of the forward plan's entry announcing the decision due on its future.",
    )

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_awarded_through(self, obj) -> str | None:
        return obj.awarded_through.reference if obj.awarded_through_id else None

    @extend_schema_field(serializers.DateField())
    def get_notice_starts_on(self, obj):
        return notice_starts_on(obj.ends_on)

    @extend_schema_field(serializers.DateField())
    def get_decision_due_on(self, obj):
        return decision_due_on(obj.ends_on)


class FutureDecisionSerializer(InputSerializer):
    decision = ReadablePrimaryKeyRelatedField(
        queryset=Decision.objects.all(),
        help_text="The id of the alliance's agreed decision on the contract's future (extend, re-award or let it end).",
    )


class OcdsQuerySerializer(serializers.Serializer):
    alliance = serializers.SlugField(help_text="The alliance's slug: its PUBLIC awards are published.")


class OversightNoteSerializer(ModelSerializer):
    alliance = ReadableSlugRelatedField(slug_field="slug", read_only=True)
    author = serializers.CharField(source="author.get_username", read_only=True)

    class Meta:
        model = OversightNote
        fields = ["id", "alliance", "award_process", "decision", "author", "text", "created_at", "updated_at"]


class OversightNoteCreateSerializer(InputSerializer):
    alliance = ReadableSlugRelatedField(slug_field="slug", queryset=Alliance.objects.all())
    award_process = ReadablePrimaryKeyRelatedField(queryset=AwardProcess.objects.all(), required=False, allow_null=True)
    decision = ReadablePrimaryKeyRelatedField(queryset=Decision.objects.all(), required=False, allow_null=True)
    text = serializers.CharField(max_length=5000)


class OversightNoteEditSerializer(InputSerializer):
    text = serializers.CharField(max_length=5000)
