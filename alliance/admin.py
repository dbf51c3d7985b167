from copy import copy

from django import forms
from django.contrib import admin
from django.db import models
from simple_history.admin import SimpleHistoryAdmin

from alliance import services
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

# An address typed without a scheme is taken as https (Django 6's default), not http.
HTTPS_ADDRESSES = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    formfield_overrides = HTTPS_ADDRESSES
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


def refusal_as_form_error(refusal: RuleViolation, form: forms.Form, fields: dict | None = None):
    """A service's refusal as the admin form's error, on the field at fault when the form has it."""
    field = (fields or {}).get(refusal.field, refusal.field)
    if field in form.fields:
        return forms.ValidationError({field: refusal.message})
    return forms.ValidationError(refusal.message)


class ReadOnlyInlineMixin:
    """Shows the rows; they change only through the services (the admin would skip the rules)."""

    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class MembershipStatusChangeInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = MembershipStatusChange
    fields = readonly_fields = ["status", "effective_on", "reason"]


class MembershipForm(forms.ModelForm):
    """Admits through services.create_membership and changes through the dated services (rules of memberships)."""

    new_status = forms.ChoiceField(
        choices=[("", "(no change)"), *Membership.Status.choices],
        required=False,
        help_text="Change the status from a date; the earlier status stays answerable.",
    )
    status_effective_on = forms.DateField(required=False, help_text="The first day of the new status.")
    status_reason = forms.CharField(required=False, help_text="Why the status changes.")

    STATUS_FIELDS = {"status": "new_status", "effective_on": "status_effective_on", "reason": "status_reason"}

    class Meta:
        model = Membership
        fields = ["alliance", "organisation", "status", "is_signatory", "capacities", "joined_on", "left_on"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            for name in self.STATUS_FIELDS.values():
                self.fields.pop(name)

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        try:
            if self.instance.pk is None:
                cleaned["capacities"] = services.check_new_membership(
                    alliance=cleaned["alliance"],
                    organisation=cleaned["organisation"],
                    status=cleaned["status"],
                    joined_on=cleaned["joined_on"],
                    left_on=cleaned.get("left_on"),
                    capacities=cleaned.get("capacities") or [],
                )
            else:
                self._check_change(cleaned)
        except RuleViolation as refusal:
            raise refusal_as_form_error(refusal, self, self.STATUS_FIELDS if self._status_asked(cleaned) else None)
        return cleaned

    def _status_asked(self, cleaned) -> bool:
        return bool(cleaned.get("new_status"))

    def _check_change(self, cleaned) -> None:
        original = Membership.objects.get(pk=self.instance.pk)
        services.check_membership_term(
            membership=original, joined_on=cleaned["joined_on"], left_on=cleaned.get("left_on")
        )
        cleaned["capacities"] = services.check_capacities(cleaned.get("capacities") or [])
        if self._status_asked(cleaned):
            if cleaned.get("status_effective_on") is None:
                raise RuleViolation(
                    "status_change_date_required", "Give the first day of the new status.", field="effective_on"
                )
            term = copy(original)
            term.joined_on, term.left_on = cleaned["joined_on"], cleaned.get("left_on")
            services.check_status_change(
                membership=term,
                status=cleaned["new_status"],
                effective_on=cleaned["status_effective_on"],
                reason=cleaned.get("status_reason") or "",
            )


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    form = MembershipForm
    list_display = ["organisation", "alliance", "status", "is_signatory", "joined_on", "left_on"]
    list_filter = ["alliance", "status", "is_signatory"]
    search_fields = ["organisation__name"]
    list_select_related = ["organisation", "alliance"]
    inlines = [MembershipStatusChangeInline]

    def get_fields(self, request, obj=None):
        fields = ["alliance", "organisation", "status", "is_signatory", "capacities", "joined_on", "left_on"]
        return [*fields, *MembershipForm.STATUS_FIELDS.values()] if obj is not None else fields

    def get_readonly_fields(self, request, obj=None):
        # Status is dated history: it changes through "new status" below, never by editing it in place.
        return ["alliance", "organisation", "status"] if obj is not None else []

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if not change:
            saved = services.create_membership(
                alliance=data["alliance"],
                organisation=data["organisation"],
                status=data["status"],
                joined_on=data["joined_on"],
                left_on=data.get("left_on"),
                is_signatory=data.get("is_signatory", False),
                capacities=data.get("capacities") or [],
                reason="Added in the admin",
            )
            obj.pk, obj._state.adding = saved.pk, False
            return
        services.update_membership(
            membership=obj,
            joined_on=data["joined_on"],
            left_on=data.get("left_on"),
            clear_left_on=data.get("left_on") is None,
            is_signatory=data.get("is_signatory", False),
            capacities=data.get("capacities") or [],
            reason="Changed in the admin",
        )
        if data.get("new_status"):
            services.change_membership_status(
                membership=obj,
                status=data["new_status"],
                effective_on=data["status_effective_on"],
                reason=data["status_reason"],
            )
        obj.refresh_from_db()


@admin.register(MembershipStatusChange)
class MembershipStatusChangeAdmin(SimpleHistoryAdmin):
    """Read-only: a status change is made on its membership's page, through the dated service."""

    list_display = ["membership", "status", "effective_on"]
    list_select_related = ["membership__organisation", "membership__alliance"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(GoverningBody)
class GoverningBodyAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code", "alliance", "kind", "decision_rule", "quorum_count", "quorum_fraction"]
    list_filter = ["alliance", "kind", "decision_rule"]


# Notifications and the forward plan ----------------------------------------------------------


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    formfield_overrides = HTTPS_ADDRESSES
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
