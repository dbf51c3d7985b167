from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from api.auth import ObtainToken
from api.history import AuditFeedCsvView, AuditFeedView, AuditFeedXlsxView
from api.root import Router
from api.views import (
    alliance,
    audit,
    contracts,
    decisions,
    documents,
    exports,
    governing,
    measures,
    meetings,
    notifications,
    oversight,
    read_log,
    roles,
    scope,
    search,
)
from api.views.delivery import MilestoneViewSet, WorkstreamViewSet
from api.views.imports import ImportRunViewSet
from api.views.oversight_queries import OversightQueryViewSet
from api.views.verifications import AuditVerificationViewSet

router = Router()
router.register("alliances", alliance.AllianceViewSet, basename="api-alliance")
router.register("organisations", alliance.OrganisationViewSet, basename="api-organisation")
router.register("memberships", alliance.MembershipViewSet, basename="api-membership")
router.register("bodies", alliance.BodyViewSet, basename="api-body")
router.register("seats", roles.SeatViewSet, basename="api-seat")
router.register("forward-plan", alliance.ForwardPlanViewSet, basename="api-forward-plan")
router.register("people", roles.PersonViewSet, basename="api-person")
router.register("roles", roles.RoleViewSet, basename="api-role")
router.register("role-assignments", roles.RoleAssignmentViewSet, basename="api-role-assignment")
router.register("directory", roles.DirectoryViewSet, basename="api-directory")
router.register("delegations", roles.DelegationViewSet, basename="api-delegation")
router.register("interests", roles.InterestViewSet, basename="api-interest")
router.register("meetings", meetings.MeetingViewSet, basename="api-meeting")
router.register("agenda-items", meetings.AgendaItemViewSet, basename="api-agenda-item")
router.register("action-items", meetings.ActionItemViewSet, basename="api-action-item")
router.register("decisions", decisions.DecisionViewSet, basename="api-decision")
router.register("votes", decisions.VoteViewSet, basename="api-vote")
router.register("governing-documents", governing.GoverningDocumentViewSet, basename="api-governing-document")
router.register("award-policies", contracts.AwardPolicyViewSet, basename="api-award-policy")
router.register("awards", contracts.AwardViewSet, basename="api-award")
router.register("contracts", contracts.ContractViewSet, basename="api-contract")
router.register("measures", measures.MeasureViewSet, basename="api-measure")
router.register("measure-returns", measures.MeasureReturnViewSet, basename="api-measure-return")
router.register("workstreams", WorkstreamViewSet, basename="api-workstream")
router.register("milestones", MilestoneViewSet, basename="api-milestone")
router.register("oversight-notes", contracts.OversightNoteViewSet, basename="api-oversight-note")
router.register("oversight-queries", OversightQueryViewSet, basename="api-oversight-query")
router.register("service-lines", scope.ServiceLineViewSet, basename="api-service-line")
router.register("budget-envelopes", scope.BudgetEnvelopeViewSet, basename="api-budget-envelope")
router.register("savings", scope.SavingsRecordViewSet, basename="api-savings")
router.register("documents", documents.DocumentViewSet, basename="api-document")
router.register("notifications", notifications.NotificationViewSet, basename="api-notification")
router.register("audit/verifications", AuditVerificationViewSet, basename="api-audit-verification")
router.register("read-log", read_log.ReadLogViewSet, basename="api-read-log")
router.register("imports", ImportRunViewSet, basename="api-import")

urlpatterns = [
    path("v1/auth/token/", ObtainToken.as_view(), name="api-token"),
    path("v1/audit/", AuditFeedView.as_view(), name="audit-feed"),
    path("v1/audit/csv/", AuditFeedCsvView.as_view(), name="audit-feed-csv"),
    path("v1/audit/xlsx/", AuditFeedXlsxView.as_view(), name="audit-feed-xlsx"),
    path("v1/audit/checkpoints/", audit.CheckpointListView.as_view(), name="audit-checkpoints"),
    path("v1/audit/checkpoints/latest/", audit.LatestCheckpointView.as_view(), name="audit-checkpoint-latest"),
    path("v1/audit/proof/", audit.InclusionProofView.as_view(), name="audit-proof"),
    path("v1/audit/consistency/", audit.ConsistencyProofView.as_view(), name="audit-consistency"),
    path("v1/delivery-overview/", oversight.DeliveryOverviewView.as_view(), name="delivery-overview"),
    path("v1/home/", notifications.HomeView.as_view(), name="home-api"),
    path("v1/search/", search.SearchView.as_view(), name="search-api"),
    path("v1/exports/decisions/", exports.DecisionRegisterCsvView.as_view(), name="export-decisions"),
    path("v1/exports/popolo/", exports.PopoloView.as_view(), name="export-popolo"),
    path("v1/exports/calendar/", exports.MembersCalendarView.as_view(), name="export-calendar"),
    path(
        "v1/notification-preferences/",
        notifications.NotificationPreferencesView.as_view(),
        name="notification-preferences-api",
    ),
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script from `docs/?script=`, not inline, for the
    # Content-Security-Policy.
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api-schema", template_name="api/swagger_ui.html"),
        name="api-docs",
    ),
]
