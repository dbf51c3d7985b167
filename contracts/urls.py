from django.urls import path

from contracts import views

urlpatterns = [
    path("awards/", views.AwardRegisterView.as_view(), name="award-register"),
    path("awards/<int:pk>/", views.AwardDetailView.as_view(), name="award-detail"),
    path("awards/<int:pk>/audit.csv", views.AwardTrailCsvView.as_view(), name="award-audit-csv"),
    path("contracts/", views.ContractRegisterView.as_view(), name="contract-register"),
    path("budget/", views.BudgetView.as_view(), name="budget"),
    path("award-policy/", views.PolicyVersionsView.as_view(), name="award-policies"),
]
