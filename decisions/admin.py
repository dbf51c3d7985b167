from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from simple_history.admin import SimpleHistoryAdmin

from alliance.errors import RuleViolation
from decisions.models import ActionItem, AdvisoryInput, Attendance, Decision, Meeting, Recusal, Vote


class SealedRecordAdmin(SimpleHistoryAdmin):
    """Rule 4 in the admin: a closed decision and the rows of its record are shown read-only.

    The models refuse the change anyway; this keeps staff from meeting that refusal as a 500.
    """

    def is_sealed(self, obj) -> bool:
        decision = obj if isinstance(obj, Decision) else obj.decision
        return decision.status in Decision.SEALED_STATUSES

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not (obj is not None and self.is_sealed(obj))

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not (obj is not None and self.is_sealed(obj))

    def _refused(self, request, error: RuleViolation):
        self.message_user(request, error.message, messages.ERROR)
        return HttpResponseRedirect(request.get_full_path())

    def changeform_view(self, request, *args, **kwargs):
        try:
            return super().changeform_view(request, *args, **kwargs)
        except RuleViolation as error:
            return self._refused(request, error)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        current = self.get_object(request, object_id)
        if request.method == "POST" and current is not None and self.is_sealed(current):
            raise PermissionDenied
        try:
            return super().history_form_view(request, object_id, version_id, extra_context)
        except RuleViolation as error:
            return self._refused(request, error)

    def delete_queryset(self, request, queryset):
        try:
            super().delete_queryset(request, queryset)
        except RuleViolation as error:
            self.message_user(request, error.message, messages.ERROR)


class AttendanceInline(admin.TabularInline):
    model = Attendance
    extra = 0
    autocomplete_fields = ["person"]


@admin.register(Meeting)
class MeetingAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "body", "starts_at", "status"]
    list_filter = ["body__alliance", "body", "status"]
    list_select_related = ["body"]
    inlines = [AttendanceInline]


@admin.register(Attendance)
class AttendanceAdmin(SimpleHistoryAdmin):
    list_display = ["person", "meeting", "capacity", "present", "role_warning"]
    list_select_related = ["person", "meeting__body"]


@admin.register(Decision)
class DecisionAdmin(SealedRecordAdmin):
    list_display = ["reference", "title", "body", "kind", "status", "decided_on", "visibility"]
    list_filter = ["alliance", "body", "kind", "status", "visibility"]
    search_fields = ["reference", "title", "proposal"]
    list_select_related = ["body"]
    raw_id_fields = [
        "amends",
        "supersedes",
        "meeting",
        "taken_under",
        "resulting_assignment",
        "granted_delegation",
        "revoked_delegation",
        "delegation_to_revoke",
    ]
    filter_horizontal = ["revisits"]


@admin.register(Vote)
class VoteAdmin(SealedRecordAdmin):
    list_display = ["decision", "membership", "position", "cast_by", "recorded_by", "cast_at", "struck"]
    list_filter = ["position"]
    list_select_related = ["decision", "membership__organisation", "cast_by", "recorded_by"]
    # A vote is struck only by recording the member's recusal (rule 5), never by hand.
    readonly_fields = ["struck_by"]

    @admin.display(boolean=True, description="Struck by a recusal")
    def struck(self, obj: Vote) -> bool:
        return obj.struck_by_id is not None


@admin.register(Recusal)
class RecusalAdmin(SealedRecordAdmin):
    list_display = ["decision", "membership", "source", "dispensation_granted"]
    list_select_related = ["decision", "membership__organisation"]


@admin.register(AdvisoryInput)
class AdvisoryInputAdmin(SealedRecordAdmin):
    list_display = ["decision", "organisation", "person", "given_at", "responded_at"]
    list_select_related = ["decision", "organisation", "person"]


@admin.register(ActionItem)
class ActionItemAdmin(SimpleHistoryAdmin):
    list_display = ["title", "decision", "owner_person", "owner_role", "due_on", "status"]
    list_filter = ["status"]
    list_select_related = ["decision", "owner_person", "owner_role"]
