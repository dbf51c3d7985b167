"""Serializers of oversight's formal queries: the output shape, and input shapes for the services."""

from rest_framework import serializers

from alliance.models import Alliance, GoverningBody
from api.serializers.fields import ModelSerializer, ReadablePrimaryKeyRelatedField, ReadableSlugRelatedField
from api.serializers.roles import BodyRefSerializer
from api.serializers.strict import InputSerializer
from contracts.delivery_models import Workstream
from contracts.models import AwardProcess, Contract
from contracts.query_models import OversightQuery
from contracts.services.oversight_queries import RECOMMENDATION_RESPONSES
from decisions.models import Decision


class OversightQuerySerializer(ModelSerializer):
    alliance = ReadableSlugRelatedField(slug_field="slug", read_only=True)
    raised_by_body = BodyRefSerializer(read_only=True)
    to_body = BodyRefSerializer(read_only=True)
    raised_by = serializers.CharField(source="raised_by.get_username", read_only=True, default=None, allow_null=True)
    answered_by = serializers.CharField(
        source="answered_by.get_username", read_only=True, default=None, allow_null=True
    )
    withdrawn_by = serializers.CharField(
        source="withdrawn_by.get_username", read_only=True, default=None, allow_null=True
    )
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = OversightQuery
        fields = [
            "id",
            "alliance",
            "reference",
            "kind",
            "raised_by_body",
            "to_body",
            "subject",
            "text",
            "raised_on",
            "due_on",
            "raised_by",
            "decision",
            "award_process",
            "contract",
            "workstream",
            "status",
            "overdue",
            "response",
            "answer",
            "answered_on",
            "answered_by",
            "answering_decision",
            "withdrawal_reason",
            "withdrawn_on",
            "withdrawn_by",
            "visibility",
        ]

    def get_overdue(self, query) -> bool:
        return query.is_overdue_on(self.context["today"]) if "today" in self.context else False


class OversightQueryRaiseSerializer(InputSerializer):
    alliance = ReadableSlugRelatedField(slug_field="slug", queryset=Alliance.objects.all())
    kind = serializers.ChoiceField(choices=OversightQuery.Kind.choices, default=OversightQuery.Kind.QUERY)
    to_body = ReadablePrimaryKeyRelatedField(queryset=GoverningBody.objects.all())
    subject = serializers.CharField(max_length=300)
    text = serializers.CharField(max_length=10000)
    due_on = serializers.DateField()
    decision = ReadablePrimaryKeyRelatedField(queryset=Decision.objects.all(), required=False, allow_null=True)
    award_process = ReadablePrimaryKeyRelatedField(queryset=AwardProcess.objects.all(), required=False, allow_null=True)
    contract = ReadablePrimaryKeyRelatedField(queryset=Contract.objects.all(), required=False, allow_null=True)
    workstream = ReadablePrimaryKeyRelatedField(queryset=Workstream.objects.all(), required=False, allow_null=True)
    visibility = serializers.ChoiceField(
        choices=OversightQuery.Visibility.choices, default=OversightQuery.Visibility.MEMBERS
    )


class OversightQueryAnswerSerializer(InputSerializer):
    response = serializers.ChoiceField(
        choices=[(r.value, r.label) for r in RECOMMENDATION_RESPONSES],
        required=False,
        allow_blank=True,
        default="",
        help_text="For a recommendation: accepted, partly_accepted or rejected; leave it out for a query.",
    )
    answer = serializers.CharField(max_length=10000)
    answering_decision = ReadablePrimaryKeyRelatedField(
        queryset=Decision.objects.all(), required=False, allow_null=True
    )


class OversightQueryWithdrawSerializer(InputSerializer):
    reason = serializers.CharField(max_length=5000)
