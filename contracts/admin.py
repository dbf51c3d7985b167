from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from contracts.models import (
    AwardInterest,
    AwardPolicy,
    AwardProcess,
    Contract,
    EvaluationScore,
    OversightNote,
    RouteRule,
    StageTransition,
    Submission,
)


class RouteRuleInline(admin.TabularInline):
    model = RouteRule
    extra = 0


@admin.register(AwardPolicy)
class AwardPolicyAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "alliance", "in_force_from", "approving_body", "adopted_by"]
    list_filter = ["alliance"]
    list_select_related = ["alliance", "approving_body", "adopted_by"]
    raw_id_fields = ["adopted_by"]
    inlines = [RouteRuleInline]


@admin.register(RouteRule)
class RouteRuleAdmin(SimpleHistoryAdmin):
    list_display = ["policy", "route", "allowed", "min_value", "max_value", "min_submissions"]
    list_select_related = ["policy"]


@admin.register(AwardProcess)
class AwardProcessAdmin(SimpleHistoryAdmin):
    list_display = ["reference", "title", "alliance", "route", "stage", "started_on", "estimated_total_value"]
    list_filter = ["alliance", "route", "stage", "service_category", "visibility"]
    search_fields = ["reference", "title"]
    list_select_related = ["alliance"]
    raw_id_fields = ["approval_decision", "recommended_submission", "resulting_contract", "policy"]


@admin.register(StageTransition)
class StageTransitionAdmin(SimpleHistoryAdmin):
    list_display = ["process", "from_stage", "to_stage", "at", "by"]
    list_select_related = ["process", "by"]


@admin.register(AwardInterest)
class AwardInterestAdmin(SimpleHistoryAdmin):
    list_display = ["process", "declaration", "noted_on"]
    list_select_related = ["process", "declaration__person"]


@admin.register(Submission)
class SubmissionAdmin(SimpleHistoryAdmin):
    list_display = ["process", "bidder", "submitted_on", "price"]
    list_select_related = ["process", "bidder"]


@admin.register(EvaluationScore)
class EvaluationScoreAdmin(SimpleHistoryAdmin):
    list_display = ["submission", "criterion", "evaluator", "score", "scored_on"]
    list_select_related = ["submission__process", "submission__bidder", "evaluator"]


@admin.register(Contract)
class ContractAdmin(SimpleHistoryAdmin):
    list_display = ["title", "provider", "annual_value", "starts_on", "ends_on", "in_scope", "status"]
    list_filter = ["alliance", "status", "in_scope", "service_category"]
    search_fields = ["title"]
    list_select_related = ["provider"]
    raw_id_fields = ["awarded_through"]


@admin.register(OversightNote)
class OversightNoteAdmin(SimpleHistoryAdmin):
    list_display = ["alliance", "award_process", "decision", "author", "created_at"]
    list_filter = ["alliance"]
