"""Serializers of meetings, attendance and action items: output shapes, and input shapes for the services."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from alliance.models import GoverningBody, Organisation
from api.serializers.alliance import OrganisationRefSerializer
from api.serializers.fields import ModelSerializer, ReadablePrimaryKeyRelatedField, ReadableSlugRelatedField
from api.serializers.strict import InputSerializer
from decisions.models import ActionItem, AgendaItem, Attendance, Decision, Meeting
from decisions.services import agenda_notice
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


class VisibleAwardProcessLinkSerializer(ModelSerializer):
    """A link to the award process an agenda item brings: null when the caller may not read it (the read rule)."""

    class Meta:
        model = AgendaItem._meta.get_field("award_process").related_model
        fields = ["id", "reference", "title"]

    def get_attribute(self, instance):
        linked = super().get_attribute(instance)
        request = self.context.get("request")
        if linked is None or request is None:
            return linked
        return linked if request_access(request).can_read(linked) else None


class AgendaItemSerializer(ModelSerializer):
    presenter = PersonNameSerializer(read_only=True, allow_null=True)
    decision = VisibleDecisionLinkSerializer(read_only=True, allow_null=True)
    award_process = VisibleAwardProcessLinkSerializer(read_only=True, allow_null=True)

    class Meta:
        model = AgendaItem
        fields = [
            "id",
            "meeting",
            "position",
            "title",
            "purpose",
            "description",
            "presenter",
            "duration_minutes",
            "decision",
            "award_process",
            "status",
            "changed_after_publishing_at",
            "change_note",
        ]


class AgendaItemCreateSerializer(InputSerializer):
    meeting = ReadablePrimaryKeyRelatedField(queryset=Meeting.objects.select_related("body__alliance"))
    title = serializers.CharField(max_length=300)
    purpose = serializers.ChoiceField(choices=AgendaItem.Purpose.choices, default=AgendaItem.Purpose.DISCUSSION)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    presenter = ReadablePrimaryKeyRelatedField(
        queryset=Person.objects.all(), required=False, allow_null=True, default=None
    )
    duration_minutes = serializers.IntegerField(required=False, allow_null=True, default=None, max_value=600)
    decision = ReadablePrimaryKeyRelatedField(
        queryset=Decision.objects.select_related("body"), required=False, allow_null=True, default=None
    )
    award_process = ReadablePrimaryKeyRelatedField(
        queryset=AgendaItem._meta.get_field("award_process").related_model.objects.all(),
        required=False,
        allow_null=True,
        default=None,
    )
    position = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="The place on the agenda; the end when left out."
    )
    change_note = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=300,
        help_text="Once the agenda is published: what changed (members were already sent the agenda).",
    )


class AgendaItemUpdateSerializer(InputSerializer):
    title = serializers.CharField(required=False, max_length=300)
    purpose = serializers.ChoiceField(choices=AgendaItem.Purpose.choices, required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    presenter = ReadablePrimaryKeyRelatedField(queryset=Person.objects.all(), required=False, allow_null=True)
    duration_minutes = serializers.IntegerField(required=False, allow_null=True, max_value=600)
    decision = ReadablePrimaryKeyRelatedField(
        queryset=Decision.objects.select_related("body"), required=False, allow_null=True
    )
    award_process = ReadablePrimaryKeyRelatedField(
        queryset=AgendaItem._meta.get_field("award_process").related_model.objects.all(),
        required=False,
        allow_null=True,
    )
    change_note = serializers.CharField(required=False, allow_blank=True, max_length=300)


class AgendaWithdrawSerializer(InputSerializer):
    change_note = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=300, help_text="Needed once the agenda is published."
    )


class AgendaMoveSerializer(InputSerializer):
    direction = serializers.ChoiceField(choices=["up", "down"], required=False, default="")
    to_position = serializers.IntegerField(required=False, allow_null=True, default=None)
    change_note = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=300, help_text="Needed once the agenda is published."
    )


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
    minutes_stage = serializers.ChoiceField(
        choices=["draft", "circulated", "revised", "approved"],
        read_only=True,
        help_text="Where the minutes are: draft, circulated, revised (circulated again) or approved (sealed).",
    )
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
            "agenda_published_at",
            "minutes",
            "minutes_stage",
            "minutes_circulated_at",
            "minutes_approved_by",
            "minutes_approved_at",
            "present_count",
            "decision_count",
        ]


class QuorumSerializer(serializers.Serializer):
    voting_members = serializers.IntegerField()
    present = serializers.IntegerField(help_text="Voting members represented by someone present.")
    needed = serializers.IntegerField()
    met = serializers.BooleanField()


class AgendaNoticeSerializer(serializers.Serializer):
    days = serializers.IntegerField(help_text="The body's notice: days before the meeting the agenda is due.")
    due_by = serializers.DateTimeField()
    late = serializers.BooleanField(help_text="Published (or, if not yet, publishing now would be) after due_by.")


class MeetingDetailSerializer(MeetingSerializer):
    attendances = AttendanceSerializer(many=True, read_only=True)
    quorum = QuorumSerializer(read_only=True, source="quorum_summary")
    agenda = AgendaItemSerializer(many=True, read_only=True, source="agenda_items")
    agenda_notice = serializers.SerializerMethodField()

    class Meta(MeetingSerializer.Meta):
        fields = [*MeetingSerializer.Meta.fields, "attendances", "quorum", "agenda", "agenda_notice"]

    @extend_schema_field(AgendaNoticeSerializer)
    def get_agenda_notice(self, meeting) -> dict:
        notice = agenda_notice(meeting)
        return {"days": notice.days, "due_by": notice.due_by, "late": notice.late}


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
    alliance = ReadableSlugRelatedField(slug_field="slug", read_only=True)
    decision = DecisionLinkSerializer(read_only=True, allow_null=True)
    owner_person = PersonNameSerializer(read_only=True, allow_null=True)
    owner_role = RoleTitleSerializer(read_only=True, allow_null=True)

    class Meta:
        model = ActionItem
        fields = [
            "id",
            "alliance",
            "decision",
            "meeting",
            "agenda_item",
            "title",
            "owner_person",
            "owner_role",
            "due_on",
            "status",
            "completed_on",
            "notes",
        ]


class ActionItemCreateSerializer(InputSerializer):
    """An action arising from a decision, or agreed at a meeting (under one of its agenda items): one of the two."""

    decision = ReadablePrimaryKeyRelatedField(
        queryset=Decision.objects.select_related("alliance", "body"), required=False, allow_null=True, default=None
    )
    meeting = ReadablePrimaryKeyRelatedField(
        queryset=Meeting.objects.select_related("body__alliance"), required=False, allow_null=True, default=None
    )
    agenda_item = ReadablePrimaryKeyRelatedField(
        queryset=AgendaItem.objects.select_related("meeting__body__alliance"),
        required=False,
        allow_null=True,
        default=None,
    )
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


class ItemMinuteInputSerializer(InputSerializer):
    agenda_item = ReadablePrimaryKeyRelatedField(queryset=AgendaItem.objects.select_related("meeting"))
    discussion = serializers.CharField(help_text="The item's minute: what was discussed and concluded.")


class DraftMinutesApprovalInputSerializer(InputSerializer):
    minutes_of = ReadablePrimaryKeyRelatedField(
        queryset=Meeting.objects.select_related("body"), help_text="The earlier meeting whose minutes are approved."
    )


class SignedOffMinutesSerializer(serializers.Serializer):
    """The signed-off copy of approved minutes, kept as a paper of the meeting."""

    document = serializers.IntegerField(source="document_id")
    title = serializers.CharField(source="document.title")
    version = serializers.IntegerField(source="number")
    original_name = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()
    uploaded_at = serializers.DateTimeField()
    download_url = serializers.SerializerMethodField()

    def get_download_url(self, version) -> str:
        request = self.context.get("request")
        url = version.get_absolute_url()
        return request.build_absolute_uri(url) if request is not None else url
