from copy import copy

from django import forms
from django.conf import settings
from django.contrib import admin
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin

from alliance.admin import ReadOnlyInlineMixin, refusal_as_form_error
from alliance.errors import RuleViolation
from roles import services
from roles.access import request_access
from roles.identities import check_link
from roles.models import DelegatedAuthority, InterestDeclaration, Person, Role, RoleAssignment, SignInIdentity


class SignInIdentityInline(ReadOnlyInlineMixin, admin.TabularInline):
    """The person's single sign-on accounts, shown; links are made on their own page, which keeps the rules."""

    model = SignInIdentity
    fields = readonly_fields = ["subject", "issuer", "email", "linked", "linked_at"]
    show_change_link = True


@admin.register(Person)
class PersonAdmin(SimpleHistoryAdmin):
    inlines = [SignInIdentityInline]
    list_display = ["name", "email", "employer", "user"]
    search_fields = ["name", "email"]
    list_select_related = ["employer", "user"]


class RoleAssignmentInline(ReadOnlyInlineMixin, admin.TabularInline):
    """The role's holders, shown; appointments are made on the assignment's own page, which keeps the rules."""

    model = RoleAssignment
    fields = readonly_fields = ["person", "starts_on", "ends_on", "end_reason"]
    show_change_link = True


class RoleAssignmentForm(forms.ModelForm):
    """Checks an appointment as services.assign_role does (single holder, representative, end reason)."""

    class Meta:
        model = RoleAssignment
        fields = ["role", "person", "starts_on", "ends_on", "end_reason", "notes"]

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        try:
            services.check_assignment(
                role=cleaned["role"],
                starts_on=cleaned["starts_on"],
                ends_on=cleaned.get("ends_on"),
                end_reason=cleaned.get("end_reason") or "",
                exclude_pk=self.instance.pk,
            )
        except RuleViolation as refusal:
            raise refusal_as_form_error(refusal, self)
        return cleaned


class RoleForm(forms.ModelForm):
    """Checks a role as services.save_role does, including against the assignments it already has."""

    class Meta:
        model = Role
        fields = ["alliance", "title", "kind", "body", "organisation", "single_holder", "description"]

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        role = copy(self.instance)
        for name, value in cleaned.items():
            setattr(role, name, value)
        try:
            services.check_role(role)
        except RuleViolation as refusal:
            raise refusal_as_form_error(refusal, self)
        return cleaned


@admin.register(Role)
class RoleAdmin(SimpleHistoryAdmin):
    form = RoleForm
    list_display = ["title", "alliance", "kind", "body", "organisation", "single_holder"]
    list_filter = ["alliance", "kind", "single_holder"]
    search_fields = ["title"]
    list_select_related = ["alliance", "body", "organisation"]
    inlines = [RoleAssignmentInline]


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(SimpleHistoryAdmin):
    form = RoleAssignmentForm
    list_display = ["person", "role", "starts_on", "ends_on", "end_reason"]
    list_filter = ["role__alliance", "end_reason"]
    search_fields = ["person__name", "role__title"]
    list_select_related = ["person", "role"]

    def save_model(self, request, obj, form, change):
        # The form ran the services' checks under the role's lock, in this request's transaction.
        obj._change_reason = "Changed in the admin" if change else "Appointed in the admin"
        super().save_model(request, obj, form, change)


@admin.register(DelegatedAuthority)
class DelegatedAuthorityAdmin(SimpleHistoryAdmin):
    list_display = ["role", "body", "financial_limit", "valid_from", "valid_to", "revoked_on"]
    list_filter = ["role__alliance", "body"]
    list_select_related = ["role", "body"]


@admin.register(InterestDeclaration)
class InterestDeclarationAdmin(SimpleHistoryAdmin):
    list_display = ["person", "alliance", "represents", "concerns_organisation", "declared_on", "ends_on"]
    list_filter = ["alliance"]
    search_fields = ["person__name", "interest"]
    list_select_related = ["person", "alliance", "represents", "concerns_organisation"]

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        # A new declaration goes through the service, whose signal recuses its member from the award
        # approvals open then (rule 5), as through the API.
        data = form.cleaned_data
        saved = services.declare_interest(
            actor=request_access(request),
            alliance=data["alliance"],
            person=data["person"],
            interest=data["interest"],
            declared_on=data["declared_on"],
            represents=data.get("represents"),
            concerns_organisation=data.get("concerns_organisation"),
            ends_on=data.get("ends_on"),
        )
        obj.pk, obj._state.adding = saved.pk, False


class SignInIdentityForm(forms.ModelForm):
    """Checks a link as roles.identities.link_identity does (one person per account, one account per provider)."""

    class Meta:
        model = SignInIdentity
        fields = ["person", "issuer", "subject", "email"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk and settings.OIDC_OP_ISSUER:
            self.fields["issuer"].initial = settings.OIDC_OP_ISSUER

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        try:
            check_link(
                person=cleaned["person"],
                issuer=cleaned["issuer"].strip(),
                subject=cleaned["subject"].strip(),
                exclude_pk=self.instance.pk,
            )
        except RuleViolation as refusal:
            raise refusal_as_form_error(refusal, self)
        return cleaned


@admin.register(SignInIdentity)
class SignInIdentityAdmin(SimpleHistoryAdmin):
    """Links made here are made by an administrator; links made at a first sign-in are listed too."""

    form = SignInIdentityForm
    list_display = ["person", "subject", "issuer", "email", "linked", "linked_at"]
    list_filter = ["linked", "issuer"]
    search_fields = ["person__name", "person__email", "subject", "email"]
    list_select_related = ["person"]
    autocomplete_fields = ["person"]
    readonly_fields = ["linked", "linked_at"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.linked = SignInIdentity.Linked.BY_ADMINISTRATOR
            obj.linked_at = timezone.now()
        obj.issuer, obj.subject = obj.issuer.strip(), obj.subject.strip()
        super().save_model(request, obj, form, change)
