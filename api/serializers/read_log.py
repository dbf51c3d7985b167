"""The read log in the API: who read which confidential record, when, how and from where."""

from rest_framework import serializers

from alliance.models import ReadLogEntry
from api.serializers.fields import ModelSerializer


class ReadLogEntrySerializer(ModelSerializer):
    alliance = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    user = serializers.IntegerField(source="user_id", read_only=True, allow_null=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = ReadLogEntry
        fields = [
            "id",
            "alliance",
            "at",
            "user",
            "username",
            "person_name",
            "kind",
            "kind_label",
            "object_model",
            "object_id",
            "description",
            "rows",
            "path",
            "ip_address",
            "user_agent",
        ]
        read_only_fields = fields
