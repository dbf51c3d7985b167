from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from decisions.models import ActionItem, AdvisoryInput, Attendance, Decision, Meeting, Recusal, Vote


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
class DecisionAdmin(SimpleHistoryAdmin):
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
class VoteAdmin(SimpleHistoryAdmin):
    list_display = ["decision", "membership", "position", "cast_by", "recorded_by", "cast_at"]
    list_filter = ["position"]
    list_select_related = ["decision", "membership__organisation", "cast_by", "recorded_by"]


@admin.register(Recusal)
class RecusalAdmin(SimpleHistoryAdmin):
    list_display = ["decision", "membership", "source", "dispensation_granted"]
    list_select_related = ["decision", "membership__organisation"]


@admin.register(AdvisoryInput)
class AdvisoryInputAdmin(SimpleHistoryAdmin):
    list_display = ["decision", "organisation", "person", "given_at", "responded_at"]
    list_select_related = ["decision", "organisation", "person"]


@admin.register(ActionItem)
class ActionItemAdmin(SimpleHistoryAdmin):
    list_display = ["title", "decision", "owner_person", "owner_role", "due_on", "status"]
    list_filter = ["status"]
    list_select_related = ["decision", "owner_person", "owner_role"]
