"""Serializers of scope and money: output shapes, and inputs checked for shape only (contracts.services.scope
decides the rules)."""

from rest_framework import serializers

from alliance.models import Alliance, Organisation
from api.serializers.fields import ModelSerializer, ReadablePrimaryKeyRelatedField, ReadableSlugRelatedField
from api.serializers.meetings import VisibleDecisionLinkSerializer
from api.serializers.strict import InputSerializer
from contracts.models import Contract, ServiceCategory
from contracts.scope_models import BudgetEnvelope, SavingsRecord, ServiceLine
from decisions.models import Decision

MONEY = {"max_digits": 14, "decimal_places": 2}


def _decision(**kwargs):
    return ReadablePrimaryKeyRelatedField(queryset=Decision.objects.select_related("alliance"), **kwargs)


class ServiceLineSerializer(ModelSerializer):
    alliance = ReadableSlugRelatedField(slug_field="slug", read_only=True)
    provider = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    provider_name = serializers.CharField(source="provider.name", read_only=True, allow_null=True, default=None)
    changed_by = VisibleDecisionLinkSerializer(read_only=True, allow_null=True)
    scope = serializers.SerializerMethodField()

    class Meta:
        model = ServiceLine
        fields = [
            "id",
            "alliance",
            "name",
            "service_category",
            "description",
            "in_scope",
            "scope",
            "retention_reason",
            "annual_value",
            "provider",
            "provider_name",
            "changed_by",
            "active",
            "created_at",
        ]

    def get_scope(self, line) -> str:
        return "in scope" if line.in_scope else "retained by the commissioner"


class ServiceLineCreateSerializer(InputSerializer):
    alliance = ReadableSlugRelatedField(slug_field="slug", queryset=Alliance.objects.all())
    name = serializers.CharField(max_length=300, allow_blank=True)
    annual_value = serializers.DecimalField(**MONEY)
    changed_by = _decision(allow_null=True)
    in_scope = serializers.BooleanField(required=False, default=True)
    retention_reason = serializers.CharField(required=False, allow_blank=True, default="")
    provider = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(), required=False, allow_null=True, default=None
    )
    service_category = serializers.ChoiceField(
        choices=[("", "None"), *ServiceCategory.choices], required=False, allow_blank=True, default=""
    )
    description = serializers.CharField(required=False, allow_blank=True, default="")


class ServiceLineChangeSerializer(InputSerializer):
    changed_by = _decision(allow_null=True)
    name = serializers.CharField(max_length=300, required=False, allow_blank=True)
    annual_value = serializers.DecimalField(required=False, **MONEY)
    in_scope = serializers.BooleanField(required=False)
    retention_reason = serializers.CharField(required=False, allow_blank=True)
    provider = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.all(), required=False, allow_null=True)
    service_category = serializers.ChoiceField(
        choices=[("", "None"), *ServiceCategory.choices], required=False, allow_blank=True
    )
    description = serializers.CharField(required=False, allow_blank=True)
    active = serializers.BooleanField(required=False)


class PurchasedContractSerializer(InputSerializer):
    title = serializers.CharField(max_length=300, allow_blank=True)
    provider = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.all(), allow_null=True)
    annual_value = serializers.DecimalField(**MONEY)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    extension_until = serializers.DateField(required=False, allow_null=True, default=None)


class LinkServiceLineContractSerializer(InputSerializer):
    contract = ReadablePrimaryKeyRelatedField(queryset=Contract.objects.all())


class BudgetEnvelopeSerializer(ModelSerializer):
    alliance = ReadableSlugRelatedField(slug_field="slug", read_only=True)
    set_by = serializers.PrimaryKeyRelatedField(read_only=True)
    set_by_name = serializers.CharField(source="set_by.name", read_only=True)
    set_by_decision = VisibleDecisionLinkSerializer(read_only=True, allow_null=True)
    trajectory = serializers.SerializerMethodField()

    class Meta:
        model = BudgetEnvelope
        fields = [
            "id",
            "alliance",
            "baseline_year",
            "baseline_amount",
            "annual_reduction_percent",
            "reduction_from_year",
            "years",
            "set_by",
            "set_by_name",
            "set_by_decision",
            "set_on",
            "notes",
            "trajectory",
        ]

    def get_trajectory(self, envelope) -> list[dict]:
        """Each year's envelope: ``[{"financial_year": 2021, "year_number": 1, "amount": "24600000.00"}]``."""
        return [
            {"financial_year": envelope.baseline_year + n - 1, "year_number": n, "amount": str(envelope.amount_for(n))}
            for n in range(1, envelope.years + 1)
        ]


class BudgetEnvelopeCreateSerializer(InputSerializer):
    alliance = ReadableSlugRelatedField(slug_field="slug", queryset=Alliance.objects.all())
    set_by = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.all(), allow_null=True)
    set_by_decision = _decision(allow_null=True)
    baseline_year = serializers.IntegerField()
    baseline_amount = serializers.DecimalField(**MONEY)
    set_on = serializers.DateField(required=False, allow_null=True, default=None)
    annual_reduction_percent = serializers.DecimalField(max_digits=5, decimal_places=2, required=False, default="5.00")
    reduction_from_year = serializers.IntegerField(required=False, default=2)
    years = serializers.IntegerField(required=False, default=5)
    notes = serializers.CharField(required=False, allow_blank=True, default="")


class SavingsRecordSerializer(ModelSerializer):
    alliance = ReadableSlugRelatedField(slug_field="slug", read_only=True)
    service_line = serializers.PrimaryKeyRelatedField(read_only=True)
    service_line_name = serializers.CharField(source="service_line.name", read_only=True)
    member = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    decision = VisibleDecisionLinkSerializer(read_only=True, allow_null=True)

    class Meta:
        model = SavingsRecord
        fields = [
            "id",
            "alliance",
            "financial_year",
            "service_line",
            "service_line_name",
            "member",
            "amount",
            "description",
            "decision",
            "recorded_at",
        ]


class SavingsRecordCreateSerializer(InputSerializer):
    service_line = ReadablePrimaryKeyRelatedField(queryset=ServiceLine.objects.all(), allow_null=True)
    financial_year = serializers.IntegerField()
    amount = serializers.DecimalField(**MONEY)
    member = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(), required=False, allow_null=True, default=None
    )
    description = serializers.CharField(required=False, allow_blank=True, default="")
    decision = _decision(required=False, allow_null=True, default=None)
