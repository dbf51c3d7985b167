from django.urls import path

from contracts import record_views, views, warning_views

urlpatterns = [
    path("awards/", views.AwardRegisterView.as_view(), name="award-register"),
    path("awards/new/", record_views.StartAwardView.as_view(), name="award-start"),
    path("awards/<int:pk>/", views.AwardDetailView.as_view(), name="award-detail"),
    path("awards/<int:pk>/audit.csv", views.AwardTrailCsvView.as_view(), name="award-audit-csv"),
    path("awards/<int:pk>/move/<slug:stage>/", record_views.MoveAwardView.as_view(), name="award-move"),
    path("awards/<int:pk>/submissions/new/", record_views.RecordSubmissionView.as_view(), name="award-submission"),
    path("awards/<int:pk>/scores/new/", record_views.RecordScoreView.as_view(), name="award-score"),
    path("awards/<int:pk>/approval/", record_views.OpenApprovalView.as_view(), name="award-approval"),
    path("contracts/", views.ContractRegisterView.as_view(), name="contract-register"),
    path(
        "contracts/<int:pk>/future/", warning_views.RecordFutureDecisionView.as_view(), name="contract-future-decision"
    ),
    path("warnings/", warning_views.DeliveryWarningsView.as_view(), name="delivery-warnings"),
    path("budget/", views.BudgetView.as_view(), name="budget"),
    path("award-policy/", views.PolicyVersionsView.as_view(), name="award-policies"),
]
