from django.urls import include, path

from alliance.downloads import download_urls
from contracts import download_views, record_views, scope_views, views, warning_views

urlpatterns = [
    path("awards/", views.AwardRegisterView.as_view(), name="award-register"),
    *download_urls("awards/", download_views.AwardDownloadView, "award-register"),
    path("awards/new/", record_views.StartAwardView.as_view(), name="award-start"),
    path("awards/<int:pk>/", views.AwardDetailView.as_view(), name="award-detail"),
    path("awards/<int:pk>/audit.csv", views.AwardTrailDownloadView.as_view(), name="award-audit-csv"),
    path(
        "awards/<int:pk>/audit.xlsx", views.AwardTrailDownloadView.as_view(), {"fmt": "xlsx"}, name="award-audit-xlsx"
    ),
    path("awards/<int:pk>/move/<slug:stage>/", record_views.MoveAwardView.as_view(), name="award-move"),
    path("awards/<int:pk>/submissions/new/", record_views.RecordSubmissionView.as_view(), name="award-submission"),
    path("awards/<int:pk>/scores/new/", record_views.RecordScoreView.as_view(), name="award-score"),
    path("awards/<int:pk>/approval/", record_views.OpenApprovalView.as_view(), name="award-approval"),
    path("contracts/", views.ContractRegisterView.as_view(), name="contract-register"),
    *download_urls("contracts/", download_views.ContractDownloadView, "contract-register"),
    path(
        "contracts/<int:pk>/future/", warning_views.RecordFutureDecisionView.as_view(), name="contract-future-decision"
    ),
    path("warnings/", warning_views.DeliveryWarningsView.as_view(), name="delivery-warnings"),
    path("budget/", views.BudgetView.as_view(), name="budget"),
    path("award-policy/", views.PolicyVersionsView.as_view(), name="award-policies"),
    path("", include("contracts.measure_urls")),
    path("scope/", scope_views.ScopeRegisterView.as_view(), name="scope-register"),
    path("scope/register.csv", scope_views.ScopeRegisterDownloadView.as_view(), {"fmt": "csv"}, name="scope-csv"),
    path("scope/register.xlsx", scope_views.ScopeRegisterDownloadView.as_view(), {"fmt": "xlsx"}, name="scope-xlsx"),
    path("scope/lines/new/", scope_views.AddServiceLineView.as_view(), name="service-line-add"),
    path("scope/lines/<int:pk>/", scope_views.ServiceLineView.as_view(), name="service-line"),
    path("scope/lines/<int:pk>/change/", scope_views.ChangeServiceLineView.as_view(), name="service-line-change"),
    path("scope/lines/<int:pk>/contracts/new/", scope_views.RecordContractView.as_view(), name="service-line-contract"),
    path("scope/lines/<int:pk>/contracts/link/", scope_views.LinkContractView.as_view(), name="service-line-link"),
    path("scope/envelope/", scope_views.EnvelopeView.as_view(), name="budget-envelope"),
    path("scope/envelope/new/", scope_views.SetEnvelopeView.as_view(), name="budget-envelope-set"),
    path("scope/envelope/savings.csv", scope_views.SavingsDownloadView.as_view(), {"fmt": "csv"}, name="savings-csv"),
    path(
        "scope/envelope/savings.xlsx", scope_views.SavingsDownloadView.as_view(), {"fmt": "xlsx"}, name="savings-xlsx"
    ),
    path("scope/savings/new/", scope_views.RecordSavingsView.as_view(), name="savings-record"),
]
