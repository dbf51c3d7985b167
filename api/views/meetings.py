"""API views of meetings, attendance and action items: thin calls of decisions.services."""

from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.settings import api_settings

from alliance.filtersets import is_id
from api.access import StandingMixin
from api.renderers import PDFRenderer
from api.serializers import meetings as s
from api.views.base import RegisterCreateViewSet
from decisions import board_pack as packs
from decisions import queries_meetings as queries
from decisions import services
from decisions.filtersets import ActionItemFilter, AgendaItemFilter, MeetingFilter
from decisions.models import AgendaItem, Attendance
from decisions.services import AttendanceRow
from roles import standing
from roles.access import request_access

ATTENDANCE_ROW = OpenApiParameter("attendance_id", int, OpenApiParameter.PATH, description="The attendance row's id")


def _meeting_keeper(doing):
    return lambda access, meeting, data: standing.require_record_keeper(access, meeting.body, doing)


def _item_keeper(doing):
    return lambda access, item, data: standing.require_record_keeper(access, item.body, doing)


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
        "publish_agenda": _meeting_keeper("publish its meetings' agendas"),
        "item_minute": _meeting_keeper("record the minutes of its meetings"),
        "circulate_minutes": _meeting_keeper("circulate the minutes of its meetings"),
        "draft_minutes_approval": _meeting_keeper("draft the approval of its minutes"),
    }

    def get_queryset(self):
        # Only what the caller may read is counted; the schema generator has no caller.
        access = None if getattr(self, "swagger_fake_view", False) else request_access(self.request)
        qs = queries.meetings(access=access)
        if self.action != "list":
            attendance = Attendance.objects.select_related("person", "organisation").order_by(
                "capacity", "person__name"
            )
            agenda = queries.agenda_items()
            if access is not None:
                agenda = agenda.restrict(access)
            qs = qs.prefetch_related(
                Prefetch("attendances", queryset=attendance), Prefetch("agenda_items", queryset=agenda)
            )
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

    @extend_schema(
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="The board pack, as a PDF."),
            (409, "application/json"): OpenApiResponse(
                {"$ref": "#/components/schemas/Error"},
                description="The meeting has no agenda yet; `detail` says who adds it.",
            ),
        },
        filters=False,
    )
    @action(
        detail=True,
        methods=["get"],
        url_path="board-pack",
        filter_backends=[],
        pagination_class=None,
        renderer_classes=[*api_settings.DEFAULT_RENDERER_CLASSES, PDFRenderer],
    )
    def board_pack(self, request, pk=None):
        """The meeting's board pack: cover, agenda and every paper the caller may read, in agenda order, with
        page numbers (the same PDF as the meeting page's download, cached until the agenda or a paper changes)."""
        pack = packs.board_pack(meeting=self.get_object(), access=request_access(request))
        response = HttpResponse(pack.content, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{pack.filename}"'
        return response

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
        """Approve the minutes by a later, AGREED, PROCEDURAL decision of the same body; seals them and keeps the
        signed-off copy as a paper of the meeting."""
        meeting = self.get_object()
        values = self._input(s.ApproveMinutesInputSerializer)
        return self._out(services.approve_minutes(actor=self.actor, meeting=meeting, **values))

    @extend_schema(request=None, responses=s.MeetingDetailSerializer)
    @action(detail=True, methods=["post"], url_path="publish-agenda")
    def publish_agenda(self, request, pk=None):
        """Publish the agenda to the body's seats (they are notified); a late agenda is published, its
        lateness shown in ``agenda_notice``."""
        meeting = self.get_object()
        services.publish_agenda(actor=self.actor, meeting=meeting)
        return self._out(meeting)

    @extend_schema(request=s.ItemMinuteInputSerializer, responses=s.MeetingDetailSerializer)
    @action(detail=True, methods=["post"], url_path="item-minute")
    def item_minute(self, request, pk=None):
        """Write or correct the minute of one of the meeting's agenda items until the minutes are approved."""
        meeting = self.get_object()
        values = self._input(s.ItemMinuteInputSerializer)
        services.record_item_minute(
            actor=self.actor, meeting=meeting, item=values["agenda_item"], discussion=values["discussion"]
        )
        return self._out(meeting)

    @extend_schema(request=None, responses=s.MeetingDetailSerializer)
    @action(detail=True, methods=["post"], url_path="circulate-minutes")
    def circulate_minutes(self, request, pk=None):
        """Circulate the draft minutes to the attendees and the body's seats (again, revised, after a change)."""
        meeting = self.get_object()
        return self._out(services.circulate_minutes(actor=self.actor, meeting=meeting))

    @extend_schema(request=s.DraftMinutesApprovalInputSerializer, responses={201: s.DecisionLinkSerializer})
    @action(detail=True, methods=["post"], url_path="draft-minutes-approval")
    def draft_minutes_approval(self, request, pk=None):
        """Draft, for this meeting, the PROCEDURAL decision approving an earlier meeting's minutes."""
        meeting = self.get_object()
        values = self._input(s.DraftMinutesApprovalInputSerializer)
        decision = services.draft_minutes_approval(actor=self.actor, meeting=meeting, **values)
        return Response(s.DecisionLinkSerializer(decision).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: s.SignedOffMinutesSerializer})
    @action(detail=True, methods=["get"], url_path="signed-minutes")
    def signed_minutes(self, request, pk=None):
        """The signed-off copy of the approved minutes (its SHA-256 and where to download it); 404 until approved."""
        meeting = self.get_object()
        version = queries.signed_off_minutes(meeting, self.actor)
        if version is None:
            raise Http404
        return Response(s.SignedOffMinutesSerializer(version, context=self.get_serializer_context()).data)


def _agenda_keeper(access, item, data):
    standing.require_record_keeper(access, item.meeting.body, "build its meetings' agendas")


class AgendaItemViewSet(StandingMixin, mixins.UpdateModelMixin, RegisterCreateViewSet):
    """The items of meetings' agendas, in order (``?meeting=`` for one meeting's); added, changed, moved and
    withdrawn by the body's secretary. Once the agenda is published, each change needs ``change_note``."""

    http_method_names = ["get", "post", "patch", "head", "options"]
    serializer_class = s.AgendaItemSerializer
    filterset_class = AgendaItemFilter
    ordering_fields = ["position"]
    ordering = ["meeting__starts_at", "meeting_id", "position", "pk"]
    queryset = queries.agenda_items()
    write_standing = {
        "create": lambda access, _, data: standing.require_any_record_keeper(access, "build agendas"),
        "partial_update": _agenda_keeper,
        "update": _agenda_keeper,
        "withdraw": _agenda_keeper,
        "move": _agenda_keeper,
    }

    @extend_schema(request=s.AgendaItemCreateSerializer, responses={201: s.AgendaItemSerializer})
    def create(self, request, *args, **kwargs):
        values = self._input(s.AgendaItemCreateSerializer)
        return self._out(services.add_agenda_item(actor=self.actor, **values), status.HTTP_201_CREATED)

    @extend_schema(request=s.AgendaItemUpdateSerializer, responses=s.AgendaItemSerializer)
    def partial_update(self, request, *args, **kwargs):
        """Change the fields given; the others stay."""
        item = self.get_object()
        values = self._input(s.AgendaItemUpdateSerializer)
        return self._out(services.update_agenda_item(actor=self.actor, item=item, **values))

    def update(self, request, *args, **kwargs):
        return self.partial_update(request, *args, **kwargs)

    @extend_schema(request=s.AgendaMoveSerializer, responses=s.AgendaItemSerializer)
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        """Move the item up or down one place, or to ``to_position``; the others close up."""
        item = self.get_object()
        values = self._input(s.AgendaMoveSerializer)
        return self._out(services.move_agenda_item(actor=self.actor, item=item, **values))

    @extend_schema(request=s.AgendaWithdrawSerializer, responses={200: s.AgendaItemSerializer, 204: None})
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        """Withdraw the item: removed before publishing (204), kept and marked withdrawn after (200)."""
        item = self.get_object()
        values = self._input(s.AgendaWithdrawSerializer)
        services.withdraw_agenda_item(actor=self.actor, item=item, **values)
        if not AgendaItem.objects.filter(pk=item.pk).exists():
            return Response(status=status.HTTP_204_NO_CONTENT)
        return self._out(item)


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
