from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from roles.models import DelegatedAuthority, InterestDeclaration, Person, Role, RoleAssignment


@admin.register(Person)
class PersonAdmin(SimpleHistoryAdmin):
    list_display = ["name", "email", "employer", "user"]
    search_fields = ["name", "email"]
    list_select_related = ["employer", "user"]


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    autocomplete_fields = ["person"]


@admin.register(Role)
class RoleAdmin(SimpleHistoryAdmin):
    list_display = ["title", "alliance", "kind", "body", "organisation", "single_holder"]
    list_filter = ["alliance", "kind", "single_holder"]
    search_fields = ["title"]
    list_select_related = ["alliance", "body", "organisation"]
    inlines = [RoleAssignmentInline]


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(SimpleHistoryAdmin):
    list_display = ["person", "role", "starts_on", "ends_on", "end_reason"]
    list_filter = ["role__alliance", "end_reason"]
    search_fields = ["person__name", "role__title"]
    list_select_related = ["person", "role"]


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
