"""Serializers of the governing documents register: shapes only; decisions.services.governing decides."""

from rest_framework import serializers

from alliance.models import Alliance, GoverningBody
from api.serializers.fields import ModelSerializer, ReadablePrimaryKeyRelatedField, ReadableSlugRelatedField
from api.serializers.meetings import RoleTitleSerializer, VisibleDecisionLinkSerializer
from api.serializers.strict import InputSerializer
from decisions.governing_models import AwardRoute, GoverningDocument
from decisions.models import Decision
from roles.models import Role


class GoverningDocumentSerializer(ModelSerializer):
    alliance = ReadableSlugRelatedField(slug_field="slug", read_only=True)
    owner_role = RoleTitleSerializer(read_only=True, allow_null=True)
    owner_body = ReadablePrimaryKeyRelatedField(read_only=True, allow_null=True)
    adopted_by = VisibleDecisionLinkSerializer(read_only=True, allow_null=True)
    award_routes = serializers.ListField(child=serializers.ChoiceField(choices=AwardRoute.choices), read_only=True)
    supersedes = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = GoverningDocument
        fields = [
            "id",
            "alliance",
            "title",
            "kind",
            "version_label",
            "summary",
            "status",
            "owner_role",
            "owner_body",
            "target_date",
            "adopted_by",
            "required_by_agreement",
            "agreement_clause",
            "award_routes",
            "visibility",
            "supersedes",
            "last_reviewed_on",
            "next_review_on",
            "created_at",
        ]


class GoverningDocumentCreateSerializer(InputSerializer):
    """A new document, being drafted; the service checks owner, clause and routes."""

    alliance = ReadableSlugRelatedField(slug_field="slug", queryset=Alliance.objects.all())
    title = serializers.CharField(max_length=300, allow_blank=True)
    kind = serializers.ChoiceField(choices=GoverningDocument.Kind.choices)
    version_label = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    summary = serializers.CharField(required=False, allow_blank=True, default="")
    owner_role = ReadablePrimaryKeyRelatedField(queryset=Role.objects.all(), required=False, allow_null=True)
    owner_body = ReadablePrimaryKeyRelatedField(queryset=GoverningBody.objects.all(), required=False, allow_null=True)
    target_date = serializers.DateField(required=False, allow_null=True)
    required_by_agreement = serializers.BooleanField(required=False, default=False)
    agreement_clause = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    award_routes = serializers.ListField(
        child=serializers.ChoiceField(choices=AwardRoute.choices), required=False, default=list
    )
    visibility = serializers.ChoiceField(choices=GoverningDocument.Visibility.choices, required=False)


class GoverningStatusSerializer(InputSerializer):
    status = serializers.ChoiceField(
        choices=[
            (v, label) for v, label in GoverningDocument.Status.choices if v != GoverningDocument.Status.SUPERSEDED
        ]
    )
    adopted_by = ReadablePrimaryKeyRelatedField(
        queryset=Decision.objects.select_related("alliance"), required=False, allow_null=True, default=None
    )
    on = serializers.DateField(required=False, allow_null=True, default=None, help_text="Default: today.")
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class GoverningVersionSerializer(InputSerializer):
    version_label = serializers.CharField(max_length=50, allow_blank=True)
    title = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    summary = serializers.CharField(required=False, allow_blank=True, default="")
    target_date = serializers.DateField(required=False, allow_null=True, default=None)
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class GoverningReviewSerializer(InputSerializer):
    reviewed_on = serializers.DateField()
    next_review_on = serializers.DateField(required=False, allow_null=True, default=None)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
