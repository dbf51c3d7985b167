"""API views of meetings, attendance and action items: thin calls of decisions.services."""

from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action

from alliance.filtersets import is_id
from api.access import StandingMixin
from api.serializers import meetings as s
from api.views.base import RegisterCreateViewSet
from decisions import queries_meetings as queries
from decisions import services
from decisions.filtersets import ActionItemFilter, MeetingFilter
from decisions.models import Attendance
from decisions.services import AttendanceRow
from roles import standing
from roles.access import request_access

ATTENDANCE_ROW = OpenApiParameter("attendance_id", int, OpenApiParameter.PATH, description="The attendance row's id")


def _meeting_keeper(doing):
    return lambda access, meeting, data: standing.require_record_keeper(access, meeting.body, doing)


def _item_keeper(doing):
    return lambda access, item, data: standing.require_record_keeper(access, item.decision.body, doing)


class MeetingViewSet(StandingMixin, mixins.UpdateModelMixin, RegisterCreateViewSet):
    """Meetings of the governing bodies; the detail carries attendance and the quorum."""

    http_method_names = ["get", "post", "patch", "head", "options"]

    serializer_class = s.MeetingSerializer
    filterset_class = MeetingFilter
    ordering_fields = ["starts_at", "status"]
    ordering = ["-starts_at", "pk"]
    write_standing = {
        "create": lambda access, _, data: standing.require_any_record_keeper(access, "schedule meetings"),
        "partial_update": _meeting_keeper("change its meetings"),
        "update": _meeting_keeper("change its meetings"),
        "attendance": _meeting_keeper("record attendance at its meetings"),
        "attendance_register": _meeting_keeper("record attendance at its meetings"),
        "correct_attendance": _meeting_keeper("correct attendance at its meetings"),
        "remove_attendance": _meeting_keeper("correct attendance at its meetings"),
        "held": _meeting_keeper("record that its meetings took place"),
        "cancel": _meeting_keeper("cancel its meetings"),
        "minutes": _meeting_keeper("record the minutes of its meetings"),
        "approve_minutes": _meeting_keeper("approve the minutes of its meetings"),
    }

    def get_queryset(self):
        # Only what the caller may read is counted; the schema generator has no caller.
        access = None if getattr(self, "swagger_fake_view", False) else request_access(self.request)
        qs = queries.meetings(access=access)
        if self.action != "list":
            attendance = Attendance.objects.select_related("person", "organisation").order_by(
                "capacity", "person__name"
            )
            qs = qs.prefetch_related(Prefetch("attendances", queryset=attendance))
        return qs

    def get_serializer_class(self):
        return s.MeetingSerializer if self.action == "list" else s.MeetingDetailSerializer

    def _reloaded(self, meeting):
        meeting = super()._reloaded(meeting)
        meeting.quorum_summary = queries.meeting_quorum(meeting)
        return meeting

    @extend_schema(responses=s.MeetingDetailSerializer)
    def retrieve(self, request, *args, **kwargs):
        return self._out(self.get_object())

    @extend_schema(request=s.MeetingCreateSerializer, responses={201: s.MeetingDetailSerializer})
    def create(self, request, *args, **kwargs):
        values = self._input(s.MeetingCreateSerializer)
        return self._out(services.schedule_meeting(actor=self.actor, **values), status.HTTP_201_CREATED)

    @extend_schema(request=s.MeetingUpdateSerializer, responses=s.MeetingDetailSerializer)
    def partial_update(self, request, *args, **kwargs):
        """Change a scheduled meeting's moment, title or place until it is held."""
        meeting = self.get_object()  # 404, then the standing (403), before the input is read
        values = self._input(s.MeetingUpdateSerializer)
        return self._out(services.update_meeting(actor=self.actor, meeting=meeting, **values))

    def update(self, request, *args, **kwargs):
        return self.partial_update(request, *args, **kwargs)

    @extend_schema(request=s.AttendanceInputSerializer, responses=s.MeetingDetailSerializer)
    @action(detail=True, methods=["post"])
    def attendance(self, request, pk=None):
        """Record (or change) one person's attendance: capacity, organisation, present or apologies."""
        meeting = self.get_object()
        values = self._input(s.AttendanceInputSerializer)
        services.record_attendance(actor=self.actor, meeting=meeting, **values)
        return self._out(meeting)

    @extend_schema(request=s.AttendanceRegisterSerializer, responses=s.MeetingDetailSerializer)
    @action(detail=True, methods=["post"], url_path="attendance-register")
    def attendance_register(self, request, pk=None):
        """Record a whole meeting's attendance in one go: a list of rows (person, capacity, organisation,
        presence), each checked by the rules of one attendance row. If any row is refused, nothing is
        written and the answer is 400 with ``rows``: ``[{"index", "code", "detail", "field"}]``."""
        meeting = self.get_object()
        values = self._register_input(s.AttendanceRegisterSerializer)
        rows = [AttendanceRow(**row) for row in values["rows"]]
        services.take_attendance(actor=self.actor, meeting=meeting, rows=rows, reason=values["reason"])
        return self._out(meeting)

    def _attendance_row(self, attendance_id):
        # Any segment reaches the view (as a meeting's id does), so a row that is not a number answers
        # the API's JSON 404 rather than the site's page.
        if not is_id(attendance_id):
            raise Http404
        return get_object_or_404(Attendance, pk=attendance_id, meeting=self.get_object())

    @extend_schema(
        request=s.AttendanceCorrectionSerializer, responses=s.MeetingDetailSerializer, parameters=[ATTENDANCE_ROW]
    )
    @action(detail=True, methods=["post"], url_path=r"attendance/(?P<attendance_id>[^/.]+)/correct")
    def correct_attendance(self, request, pk=None, attendance_id=None):
        """Correct one attendance row (capacity, organisation, present or apologies), saying why."""
        attendance = self._attendance_row(attendance_id)
        values = self._input(s.AttendanceCorrectionSerializer)
        services.correct_attendance(actor=self.actor, attendance=attendance, **values)
        return self._out(attendance.meeting)

    @extend_schema(
        request=s.AttendanceRemovalSerializer, responses=s.MeetingDetailSerializer, parameters=[ATTENDANCE_ROW]
    )
    @action(detail=True, methods=["post"], url_path=r"attendance/(?P<attendance_id>[^/.]+)/remove")
    def remove_attendance(self, request, pk=None, attendance_id=None):
        """Remove an attendance row recorded in error, saying why; its history stays."""
        attendance = self._attendance_row(attendance_id)
        values = self._input(s.AttendanceRemovalSerializer)
        return self._out(services.remove_attendance(actor=self.actor, attendance=attendance, **values))

    @extend_schema(request=s.HeldInputSerializer, responses=s.MeetingDetailSerializer)
    @action(detail=True, methods=["post"])
    def held(self, request, pk=None):
        """Record that the meeting took place, with its minutes if they are ready."""
        meeting = self.get_object()
        values = self._input(s.HeldInputSerializer)
        return self._out(services.mark_meeting_held(actor=self.actor, meeting=meeting, **values))

    @extend_schema(request=s.CancelInputSerializer, responses=s.MeetingDetailSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """Cancel a scheduled meeting with no decisions on it, saying why."""
        meeting = self.get_object()
        values = self._input(s.CancelInputSerializer)
        return self._out(services.cancel_meeting(actor=self.actor, meeting=meeting, **values))

    @extend_schema(request=s.MinutesInputSerializer, responses=s.MeetingDetailSerializer)
    @action(detail=True, methods=["post"])
    def minutes(self, request, pk=None):
        """Write or correct the minutes of a held meeting until they are approved."""
        meeting = self.get_object()
        values = self._input(s.MinutesInputSerializer)
        return self._out(services.record_minutes(actor=self.actor, meeting=meeting, **values))

    @extend_schema(request=s.ApproveMinutesInputSerializer, responses=s.MeetingDetailSerializer)
    @action(detail=True, methods=["post"], url_path="approve-minutes")
    def approve_minutes(self, request, pk=None):
        """Approve the minutes by a later AGREED decision of the same body."""
        meeting = self.get_object()
        values = self._input(s.ApproveMinutesInputSerializer)
        return self._out(services.approve_minutes(actor=self.actor, meeting=meeting, **values))


class ActionItemViewSet(StandingMixin, RegisterCreateViewSet):
    """What decisions asked people or roles to do; ``?overdue=true&on=DATE`` lists the overdue ones."""

    serializer_class = s.ActionItemSerializer
    filterset_class = ActionItemFilter
    ordering_fields = ["due_on", "status"]
    ordering = ["due_on", "pk"]
    write_standing = {
        "create": lambda access, _, data: standing.require_any_record_keeper(access, "add action items"),
        "complete": lambda access, item, data: standing.require_action_owner_or_keeper(access, item, "mark it done"),
        "cancel": _item_keeper("cancel the action items of its decisions"),
        "reassign": _item_keeper("reassign the action items of its decisions"),
    }
    queryset = queries.action_items()

    @extend_schema(request=s.ActionItemCreateSerializer, responses={201: s.ActionItemSerializer})
    def create(self, request, *args, **kwargs):
        values = self._input(s.ActionItemCreateSerializer)
        return self._out(services.create_action_item(actor=self.actor, **values), status.HTTP_201_CREATED)

    @extend_schema(request=s.CompleteInputSerializer, responses=s.ActionItemSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        """Record that the item was done, and when."""
        item = self.get_object()
        values = self._input(s.CompleteInputSerializer)
        return self._out(services.complete_action_item(actor=self.actor, item=item, **values))

    @extend_schema(request=s.CancelInputSerializer, responses=s.ActionItemSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """Cancel an open item, saying why it is no longer needed."""
        item = self.get_object()
        values = self._input(s.CancelInputSerializer)
        return self._out(services.cancel_action_item(actor=self.actor, item=item, **values))

    @extend_schema(request=s.ReassignInputSerializer, responses=s.ActionItemSerializer)
    @action(detail=True, methods=["post"])
    def reassign(self, request, pk=None):
        """Give an open item a new owner and, if need be, a new due date."""
        item = self.get_object()
        values = self._input(s.ReassignInputSerializer)
        return self._out(services.reassign_action_item(actor=self.actor, item=item, **values))
