from django import forms
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from alliance.errors import RuleViolation
from alliance.forward_plan import ENTRY_FIELDS, check_entry
from alliance.models import (
    Agreement,
    AgreementBudget,
    Alliance,
    ForwardPlanEntry,
    GoverningBody,
    Membership,
    MembershipStatusChange,
    Notification,
    NotificationPreference,
    Organisation,
    Sending,
)


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "short_name", "kind", "registration_number"]
    list_filter = ["kind"]
    search_fields = ["name", "short_name", "registration_number"]


@admin.register(Alliance)
class AllianceAdmin(SimpleHistoryAdmin):
    list_display = ["name", "slug", "commissioner", "publish_register"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


class AgreementBudgetInline(admin.TabularInline):
    model = AgreementBudget
    extra = 0


@admin.register(Agreement)
class AgreementAdmin(SimpleHistoryAdmin):
    list_display = ["title", "alliance", "version", "signed_on", "starts_on", "ends_on", "extension_until"]
    list_filter = ["alliance"]
    inlines = [AgreementBudgetInline]


@admin.register(AgreementBudget)
class AgreementBudgetAdmin(SimpleHistoryAdmin):
    list_display = ["agreement", "financial_year", "amount"]


class MembershipStatusChangeInline(admin.TabularInline):
    model = MembershipStatusChange
    extra = 0


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["organisation", "alliance", "status", "is_signatory", "joined_on", "left_on"]
    list_filter = ["alliance", "status", "is_signatory"]
    search_fields = ["organisation__name"]
    list_select_related = ["organisation", "alliance"]
    inlines = [MembershipStatusChangeInline]


@admin.register(MembershipStatusChange)
class MembershipStatusChangeAdmin(SimpleHistoryAdmin):
    list_display = ["membership", "status", "effective_on"]
    list_select_related = ["membership__organisation", "membership__alliance"]


@admin.register(GoverningBody)
class GoverningBodyAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code", "alliance", "kind", "decision_rule", "quorum_count", "quorum_fraction"]
    list_filter = ["alliance", "kind", "decision_rule"]


# Notifications and the forward plan ----------------------------------------------------------


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["subject", "recipient_email", "kind", "alliance", "created_at", "sent_at", "read_at"]
    list_filter = ["kind", "alliance", "digest"]
    search_fields = ["subject", "recipient_email", "recipient_name", "event_key"]
    list_select_related = ["alliance"]
    readonly_fields = ["event_key", "created_at", "sent_at", "sending", "read_at"]


@admin.register(Sending)
class SendingAdmin(admin.ModelAdmin):
    list_display = ["started_at", "collected_count", "messages_count", "notifications_count", "skipped_count"]


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(SimpleHistoryAdmin):
    list_display = ["user", "email", "kind", "enabled", "mode"]
    list_filter = ["kind", "enabled", "mode"]
    search_fields = ["user__username", "email"]


class ForwardPlanEntryForm(forms.ModelForm):
    class Meta:
        model = ForwardPlanEntry
        fields = list(ENTRY_FIELDS)

    def clean(self):
        cleaned = super().clean()
        try:
            check_entry(**{f: cleaned.get(f) for f in ENTRY_FIELDS if f in cleaned})
        except RuleViolation as refusal:
            raise forms.ValidationError({refusal.field: refusal.message} if refusal.field else refusal.message)
        return cleaned


@admin.register(ForwardPlanEntry)
class ForwardPlanEntryAdmin(SimpleHistoryAdmin):
    form = ForwardPlanEntryForm
    list_display = ["title", "alliance", "body", "kind", "expected_on", "route", "status", "published"]
    list_filter = ["alliance", "status", "published", "kind"]
    search_fields = ["title", "summary", "reference"]
    list_select_related = ["alliance", "body"]
