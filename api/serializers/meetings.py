"""Serializers of meetings, attendance and action items: output shapes, and input shapes for the services."""

from rest_framework import serializers

from alliance.models import GoverningBody, Organisation
from api.serializers.alliance import OrganisationRefSerializer
from api.serializers.fields import ModelSerializer, ReadablePrimaryKeyRelatedField, ReadableSlugRelatedField
from api.serializers.strict import InputSerializer
from decisions.models import ActionItem, Attendance, Decision, Meeting
from decisions.services.registers import Presence
from roles.access import request_access
from roles.models import Person, Role


class PersonNameSerializer(ModelSerializer):
    class Meta:
        model = Person
        fields = ["id", "name"]


class RoleTitleSerializer(ModelSerializer):
    class Meta:
        model = Role
        fields = ["id", "title"]


class DecisionLinkSerializer(ModelSerializer):
    class Meta:
        model = Decision
        fields = ["id", "reference", "title", "status"]


class VisibleDecisionLinkSerializer(DecisionLinkSerializer):
    """A link to one decision that shows null when the caller may not read it (the read rule: a link
    never leaks a hidden decision's title or reference, nor that it exists)."""

    def get_attribute(self, instance):
        linked = super().get_attribute(instance)
        request = self.context.get("request")
        if linked is None or request is None:
            return linked
        return linked if request_access(request).can_read(linked) else None


class AttendanceSerializer(ModelSerializer):
    person = PersonNameSerializer(read_only=True)
    organisation = OrganisationRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Attendance
        fields = ["id", "person", "capacity", "organisation", "present", "role_warning"]


class MeetingSerializer(ModelSerializer):
    alliance = ReadableSlugRelatedField(source="body.alliance", slug_field="slug", read_only=True)
    body_code = serializers.CharField(source="body.code", read_only=True)
    minutes_approved_by = VisibleDecisionLinkSerializer(read_only=True, allow_null=True)
    present_count = serializers.IntegerField(read_only=True, help_text="People recorded as present.")
    decision_count = serializers.IntegerField(read_only=True, help_text="Decisions recorded at the meeting.")

    class Meta:
        model = Meeting
        fields = [
            "id",
            "alliance",
            "body",
            "body_code",
            "title",
            "starts_at",
            "location",
            "online",
            "status",
            "minutes",
            "minutes_approved_by",
            "present_count",
            "decision_count",
        ]


class QuorumSerializer(serializers.Serializer):
    voting_members = serializers.IntegerField()
    present = serializers.IntegerField(help_text="Voting members represented by someone present.")
    needed = serializers.IntegerField()
    met = serializers.BooleanField()


class MeetingDetailSerializer(MeetingSerializer):
    attendances = AttendanceSerializer(many=True, read_only=True)
    quorum = QuorumSerializer(read_only=True, source="quorum_summary")

    class Meta(MeetingSerializer.Meta):
        fields = [*MeetingSerializer.Meta.fields, "attendances", "quorum"]


class MeetingCreateSerializer(InputSerializer):
    body = ReadablePrimaryKeyRelatedField(queryset=GoverningBody.objects.all())
    starts_at = serializers.DateTimeField()
    title = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    location = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    online = serializers.BooleanField(default=False)


class MeetingUpdateSerializer(InputSerializer):
    starts_at = serializers.DateTimeField(required=False)
    title = serializers.CharField(required=False, allow_blank=True, max_length=200)
    location = serializers.CharField(required=False, allow_blank=True, max_length=200)
    online = serializers.BooleanField(required=False)


class AttendanceInputSerializer(InputSerializer):
    person = ReadablePrimaryKeyRelatedField(queryset=Person.objects.all())
    capacity = serializers.ChoiceField(choices=Attendance.Capacity.choices)
    organisation = ReadablePrimaryKeyRelatedField(
        queryset=Organisation.objects.all(), required=False, allow_null=True, default=None
    )
    present = serializers.BooleanField(default=True, help_text="False records apologies.")


class AttendanceRegisterRowSerializer(InputSerializer):
    person = ReadablePrimaryKeyRelatedField(queryset=Person.objects.all())
    capacity = serializers.ChoiceField(choices=Attendance.Capacity.choices)
    organisation = ReadablePrimaryKeyRelatedField(
        queryset=Organisation.objects.all(), required=False, allow_null=True, default=None
    )
    presence = serializers.ChoiceField(
        choices=Presence.choices,
        default=Presence.PRESENT,
        help_text="absent leaves the person unrecorded, or removes their row (give `reason`).",
    )


class AttendanceRegisterSerializer(InputSerializer):
    rows = AttendanceRegisterRowSerializer(many=True, allow_empty=False)
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="Why rows already recorded change or are removed; kept in their history.",
    )


class AttendanceCorrectionSerializer(InputSerializer):
    capacity = serializers.ChoiceField(choices=Attendance.Capacity.choices)
    organisation = ReadablePrimaryKeyRelatedField(
        queryset=Organisation.objects.all(), required=False, allow_null=True, default=None
    )
    present = serializers.BooleanField(default=True, help_text="False records apologies.")
    reason = serializers.CharField(help_text="Why the record is corrected; kept in its history.")


class AttendanceRemovalSerializer(InputSerializer):
    reason = serializers.CharField(help_text="Why the row is removed; kept in its history.")


class HeldInputSerializer(InputSerializer):
    minutes = serializers.CharField(required=False, allow_blank=True, default="")


class CancelInputSerializer(InputSerializer):
    reason = serializers.CharField()


class MinutesInputSerializer(InputSerializer):
    minutes = serializers.CharField()


class ApproveMinutesInputSerializer(InputSerializer):
    decision = ReadablePrimaryKeyRelatedField(queryset=Decision.objects.select_related("body", "meeting"))


class ActionItemSerializer(ModelSerializer):
    alliance = ReadableSlugRelatedField(source="decision.alliance", slug_field="slug", read_only=True)
    decision = DecisionLinkSerializer(read_only=True)
    owner_person = PersonNameSerializer(read_only=True, allow_null=True)
    owner_role = RoleTitleSerializer(read_only=True, allow_null=True)

    class Meta:
        model = ActionItem
        fields = [
            "id",
            "alliance",
            "decision",
            "title",
            "owner_person",
            "owner_role",
            "due_on",
            "status",
            "completed_on",
            "notes",
        ]


class ActionItemCreateSerializer(InputSerializer):
    decision = ReadablePrimaryKeyRelatedField(queryset=Decision.objects.select_related("alliance"))
    title = serializers.CharField(max_length=300)
    due_on = serializers.DateField()
    owner_person = ReadablePrimaryKeyRelatedField(
        queryset=Person.objects.all(), required=False, allow_null=True, default=None
    )
    owner_role = ReadablePrimaryKeyRelatedField(
        queryset=Role.objects.all(), required=False, allow_null=True, default=None
    )
    notes = serializers.CharField(required=False, allow_blank=True, default="")


class CompleteInputSerializer(InputSerializer):
    completed_on = serializers.DateField()


class ReassignInputSerializer(InputSerializer):
    owner_person = ReadablePrimaryKeyRelatedField(
        queryset=Person.objects.all(), required=False, allow_null=True, default=None
    )
    owner_role = ReadablePrimaryKeyRelatedField(
        queryset=Role.objects.all(), required=False, allow_null=True, default=None
    )
    due_on = serializers.DateField(required=False, allow_null=True, default=None)
    reason = serializers.CharField(required=False, allow_blank=True, default="")
