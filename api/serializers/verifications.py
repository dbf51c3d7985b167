"""Serializers of the audit trail's verifications (issue 20, part 4)."""

from rest_framework import serializers

from alliance.models import Alliance, AuditVerification
from api.serializers.fields import ModelSerializer, ReadableSlugRelatedField
from api.serializers.strict import InputSerializer


class AuditVerificationSerializer(ModelSerializer):
    alliance = ReadableSlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    requested_by = serializers.SerializerMethodField(help_text="The username of who asked for it (null: scheduled).")
    checkpoint_size = serializers.SerializerMethodField(
        help_text="How many links the signed checkpoint the chain was proven to extend covers (null: none proven)."
    )
    checkpoint_taken_at = serializers.SerializerMethodField(help_text="When that checkpoint was taken.")
    problems = serializers.ListField(
        child=serializers.CharField(), read_only=True, help_text="What was found wrong, in words, first first."
    )

    class Meta:
        model = AuditVerification
        fields = [
            "id",
            "alliance",
            "status",
            "status_label",
            "scheduled",
            "requested_by",
            "requested_at",
            "started_at",
            "finished_at",
            "links_checked",
            "checkpoint_size",
            "checkpoint_taken_at",
            "problems",
        ]
        read_only_fields = fields

    def get_requested_by(self, run) -> str | None:
        return run.requested_by.get_username() if run.requested_by_id else None

    def get_checkpoint_size(self, run) -> int | None:
        return run.checkpoint.size if run.checkpoint_id else None

    def get_checkpoint_taken_at(self, run) -> str | None:
        return serializers.DateTimeField().to_representation(run.checkpoint.taken_at) if run.checkpoint_id else None


class AuditVerificationRequestSerializer(InputSerializer):
    """Ask for a verification of one alliance's audit trail (its oversight group, or staff)."""

    alliance = ReadableSlugRelatedField(slug_field="slug", queryset=Alliance.objects.all())
