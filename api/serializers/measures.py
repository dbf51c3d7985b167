"""Shapes of performance measures and their returns; the services (contracts/services/measures.py) decide."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from alliance.models import Alliance, Organisation
from api.serializers.alliance import OrganisationRefSerializer
from api.serializers.contracts import ContractRefSerializer, DecisionRefSerializer
from api.serializers.fields import ModelSerializer, ReadablePrimaryKeyRelatedField, ReadableSlugRelatedField
from api.serializers.strict import InputSerializer
from contracts.models import Contract, Measure, MeasureReturn, ServiceCategory, Workstream
from contracts.queries_measures import on_target
from decisions.models import Decision


class WorkstreamRefSerializer(ModelSerializer):
    class Meta:
        model = Workstream
        fields = ["id", "title", "status"]


class MeasureReturnSerializer(ModelSerializer):
    measure = serializers.PrimaryKeyRelatedField(read_only=True)
    on_behalf_of = OrganisationRefSerializer(read_only=True, allow_null=True)
    entered_by = serializers.SerializerMethodField()
    late = serializers.BooleanField(source="is_late", read_only=True)
    on_target = serializers.SerializerMethodField()

    class Meta:
        model = MeasureReturn
        fields = [
            "id",
            "measure",
            "period_start",
            "period_end",
            "due_on",
            "value",
            "narrative",
            "submitted_on",
            "late",
            "on_target",
            "on_behalf_of",
            "entered_by",
        ]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_entered_by(self, obj) -> str | None:
        return obj.submitted_by.get_username() if obj.submitted_by_id else None

    @extend_schema_field(serializers.BooleanField(allow_null=True))
    def get_on_target(self, obj) -> bool | None:
        return on_target(obj.measure, obj.value)


class MeasureSerializer(ModelSerializer):
    alliance = ReadableSlugRelatedField(slug_field="slug", read_only=True)
    contract = ContractRefSerializer(read_only=True, allow_null=True)
    workstream = WorkstreamRefSerializer(read_only=True, allow_null=True)
    reported_by = OrganisationRefSerializer(read_only=True, allow_null=True)
    co_defined_with = OrganisationRefSerializer(read_only=True, allow_null=True)
    adopted_by = DecisionRefSerializer(read_only=True)
    latest_value = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True, allow_null=True)
    off_target = serializers.SerializerMethodField()
    has_late_return = serializers.BooleanField(source="has_late", read_only=True)
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Measure
        fields = [
            "id",
            "alliance",
            "name",
            "definition",
            "unit",
            "direction",
            "target",
            "frequency",
            "first_period_starts_on",
            "due_days_after_period",
            "contract",
            "service_category",
            "workstream",
            "reported_by",
            "co_defined_with",
            "adopted_by",
            "active",
            "visibility",
            "latest_value",
            "off_target",
            "has_late_return",
            "url",
        ]

    @extend_schema_field(serializers.BooleanField(allow_null=True))
    def get_off_target(self, obj) -> bool | None:
        hit = on_target(obj, getattr(obj, "latest_value", None))
        return None if hit is None else not hit


class MeasureCreateSerializer(InputSerializer):
    alliance = ReadableSlugRelatedField(slug_field="slug", queryset=Alliance.objects.all())
    name = serializers.CharField(max_length=300)
    definition = serializers.CharField(max_length=5000)
    unit = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    direction = serializers.ChoiceField(choices=Measure.Direction.choices)
    target = serializers.DecimalField(
        max_digits=14, decimal_places=2, required=False, allow_null=True, default=None, coerce_to_string=False
    )
    frequency = serializers.ChoiceField(choices=Measure.Frequency.choices)
    first_period_starts_on = serializers.DateField()
    due_days_after_period = serializers.IntegerField(min_value=0, max_value=365, required=False, default=20)
    contract = ReadablePrimaryKeyRelatedField(queryset=Contract.objects.all(), required=False, allow_null=True)
    service_category = serializers.ChoiceField(
        choices=ServiceCategory.choices, required=False, allow_blank=True, default=""
    )
    workstream = ReadablePrimaryKeyRelatedField(queryset=Workstream.objects.all(), required=False, allow_null=True)
    reported_by = ReadablePrimaryKeyRelatedField(queryset=Organisation.objects.all(), required=False, allow_null=True)
    co_defined_with = ReadablePrimaryKeyRelatedField(
        queryset=Organisation.objects.all(), required=False, allow_null=True
    )
    adopted_by = ReadablePrimaryKeyRelatedField(queryset=Decision.objects.all())
    visibility = serializers.ChoiceField(choices=Measure.Visibility.choices, required=False, default="MEMBERS")


class MeasureChangeSerializer(InputSerializer):
    reason = serializers.CharField(max_length=1000)
    name = serializers.CharField(max_length=300, required=False)
    definition = serializers.CharField(max_length=5000, required=False)
    unit = serializers.CharField(max_length=50, required=False, allow_blank=True)
    target = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, allow_null=True)
    due_days_after_period = serializers.IntegerField(min_value=0, max_value=365, required=False)
    reported_by = ReadablePrimaryKeyRelatedField(queryset=Organisation.objects.all(), required=False, allow_null=True)
    co_defined_with = ReadablePrimaryKeyRelatedField(
        queryset=Organisation.objects.all(), required=False, allow_null=True
    )
    adopted_by = ReadablePrimaryKeyRelatedField(queryset=Decision.objects.all(), required=False)
    visibility = serializers.ChoiceField(choices=Measure.Visibility.choices, required=False)


class MeasureRetireSerializer(InputSerializer):
    reason = serializers.CharField(max_length=1000)


class ReturnCreateSerializer(InputSerializer):
    measure = ReadablePrimaryKeyRelatedField(queryset=Measure.objects.all())
    period_start = serializers.DateField()
    value = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, allow_null=True, default=None)
    narrative = serializers.CharField(max_length=10000, required=False, allow_blank=True, default="")


class ReturnCorrectSerializer(InputSerializer):
    reason = serializers.CharField(max_length=1000)
    value = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, allow_null=True, default=None)
    narrative = serializers.CharField(max_length=10000, required=False, allow_blank=True, default="")
