"""Serializers of the current user's notifications and notification preferences."""

from rest_framework import serializers

from alliance.models import Notification, NotificationKind, NotificationPreference
from api.serializers.fields import ModelSerializer, ReadableSlugRelatedField
from api.serializers.strict import InputSerializer


class NotificationSerializer(ModelSerializer):
    alliance = ReadableSlugRelatedField(slug_field="slug", read_only=True)
    is_read = serializers.BooleanField(read_only=True)

    class Meta:
        model = Notification
        fields = ["id", "alliance", "kind", "subject", "body", "url", "created_at", "sent_at", "read_at", "is_read"]


class PreferenceSerializer(InputSerializer):
    kind = serializers.ChoiceField(choices=NotificationKind.choices)
    label = serializers.CharField(read_only=True)
    enabled = serializers.BooleanField()
    mode = serializers.ChoiceField(choices=NotificationPreference.Mode.choices)


class NoInputSerializer(InputSerializer):
    """The input of an action that takes no fields: an empty body or ``{}``; anything else is refused."""
