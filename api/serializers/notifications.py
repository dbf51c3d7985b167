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


# The home: what needs the current user (alliance.home) -------------------------------------------


class HomeItemSerializer(serializers.Serializer):
    text = serializers.CharField()
    detail = serializers.CharField()
    url = serializers.CharField(help_text="The page of the record, on this site.")
    date = serializers.CharField(
        allow_null=True, help_text="The item's date or deadline: an ISO date, or an ISO date-time for a moment."
    )
    urgency = serializers.ChoiceField(choices=["overdue", "soon", "normal"])


class HomeSectionSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    empty = serializers.CharField(help_text="What the home says when the section has no items.")
    items = HomeItemSerializer(many=True)


class HomeAllianceSerializer(serializers.Serializer):
    alliance = serializers.CharField(help_text="The alliance's slug.")
    name = serializers.CharField()
    url = serializers.CharField()
    sections = HomeSectionSerializer(many=True)


class HomeSerializer(serializers.Serializer):
    since = serializers.DateTimeField(allow_null=True, help_text="The previous visit to the home page, if any.")
    alliances = HomeAllianceSerializer(many=True)
