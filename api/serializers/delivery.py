"""Serializers of the delivery plan: shapes only; contracts.services.delivery decides."""

from django.utils import timezone
from rest_framework import serializers

from alliance.models import Alliance, GoverningBody
from api.serializers.fields import ModelSerializer, ReadablePrimaryKeyRelatedField, ReadableSlugRelatedField
from api.serializers.meetings import RoleTitleSerializer, VisibleDecisionLinkSerializer
from api.serializers.strict import InputSerializer
from contracts.delivery_models import Milestone, Workstream, WorkstreamContract
from contracts.models import Contract
from decisions.models import Decision
from roles.models import Role


class DependentContractSerializer(ModelSerializer):
    """A contract whose end date waits on the workstream, with its end and extension dates."""

    contract = serializers.IntegerField(source="contract.id", read_only=True)
    title = serializers.CharField(source="contract.title", read_only=True)
    provider = serializers.CharField(source="contract.provider.name", read_only=True)
    ends_on = serializers.DateField(source="contract.ends_on", read_only=True)
    extension_until = serializers.DateField(source="contract.extension_until", read_only=True, allow_null=True)

    class Meta:
        model = WorkstreamContract
        fields = ["id", "contract", "title", "provider", "ends_on", "extension_until", "note"]


class WorkstreamSerializer(ModelSerializer):
    alliance = ReadableSlugRelatedField(slug_field="slug", read_only=True)
    owner_role = RoleTitleSerializer(read_only=True, allow_null=True)
    body = ReadablePrimaryKeyRelatedField(read_only=True, allow_null=True)
    adopted_by = VisibleDecisionLinkSerializer(read_only=True, allow_null=True)
    changed_by = VisibleDecisionLinkSerializer(read_only=True, allow_null=True)
    dependent_contracts = DependentContractSerializer(
        source="contract_links", many=True, read_only=True, help_text="The contracts you may read that wait on it."
    )

    class Meta:
        model = Workstream
        fields = [
            "id",
            "alliance",
            "title",
            "objective",
            "alliance_objective",
            "success_definition",
            "owner_role",
            "body",
            "status",
            "adopted_by",
            "changed_by",
            "visibility",
            "dependent_contracts",
            "created_at",
        ]


class MilestoneSerializer(ModelSerializer):
    workstream = serializers.PrimaryKeyRelatedField(read_only=True)
    target_changed_by = VisibleDecisionLinkSerializer(read_only=True, allow_null=True)
    rag_set_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    slippage_days = serializers.SerializerMethodField(help_text="Days late against the baseline, today.")
    past_due = serializers.SerializerMethodField(help_text="Open and past its current target, today.")

    class Meta:
        model = Milestone
        fields = [
            "id",
            "workstream",
            "title",
            "description",
            "order",
            "baseline_target_on",
            "target_on",
            "actual_on",
            "target_changed_by",
            "rag",
            "rag_reason",
            "rag_set_by",
            "rag_set_at",
            "slippage_days",
            "past_due",
        ]

    def get_slippage_days(self, milestone) -> int:
        return milestone.slippage_days(timezone.localdate())

    def get_past_due(self, milestone) -> bool:
        return milestone.is_past_due_on(timezone.localdate())


def _decision(**kwargs):
    return ReadablePrimaryKeyRelatedField(
        queryset=Decision.objects.select_related("alliance"), required=False, allow_null=True, default=None, **kwargs
    )


class WorkstreamCreateSerializer(InputSerializer):
    alliance = ReadableSlugRelatedField(slug_field="slug", queryset=Alliance.objects.all())
    title = serializers.CharField(max_length=300, allow_blank=True)
    objective = serializers.CharField(allow_blank=True)
    alliance_objective = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    success_definition = serializers.CharField(required=False, allow_blank=True, default="")
    owner_role = ReadablePrimaryKeyRelatedField(queryset=Role.objects.all(), required=False, allow_null=True)
    body = ReadablePrimaryKeyRelatedField(queryset=GoverningBody.objects.all(), required=False, allow_null=True)
    visibility = serializers.ChoiceField(choices=Workstream.Visibility.choices, required=False)


class AdoptSerializer(InputSerializer):
    decision = _decision(help_text="The agreed decision of the alliance that adopted the workstream.")


class WorkstreamChangeSerializer(InputSerializer):
    """Only the fields given change; once adopted, ``decision`` names the agreed decision behind it."""

    decision = _decision()
    title = serializers.CharField(max_length=300, required=False, allow_blank=True)
    objective = serializers.CharField(required=False, allow_blank=True)
    alliance_objective = serializers.CharField(max_length=300, required=False, allow_blank=True)
    success_definition = serializers.CharField(required=False, allow_blank=True)
    owner_role = ReadablePrimaryKeyRelatedField(queryset=Role.objects.all(), required=False, allow_null=True)
    body = ReadablePrimaryKeyRelatedField(queryset=GoverningBody.objects.all(), required=False, allow_null=True)


class CloseSerializer(InputSerializer):
    decision = _decision()
    reason = serializers.CharField(max_length=300, allow_blank=True)


class MilestoneCreateSerializer(InputSerializer):
    title = serializers.CharField(max_length=300, allow_blank=True)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    baseline_target_on = serializers.DateField(allow_null=True)
    target_on = serializers.DateField(required=False, allow_null=True, default=None)
    decision = _decision(help_text="Needed when the target differs from the baseline.")
    order = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=0, max_value=10000)


class LinkContractSerializer(InputSerializer):
    contract = ReadablePrimaryKeyRelatedField(queryset=Contract.objects.all())
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class UnlinkContractSerializer(InputSerializer):
    link = ReadablePrimaryKeyRelatedField(
        queryset=WorkstreamContract.objects.all(), help_text="The id of the dependent contract's link."
    )


class MoveTargetSerializer(InputSerializer):
    target_on = serializers.DateField(allow_null=True)
    decision = _decision()
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class RagSerializer(InputSerializer):
    rag = serializers.ChoiceField(choices=Milestone.Rag.choices)
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class AchievedSerializer(InputSerializer):
    actual_on = serializers.DateField(allow_null=True)
