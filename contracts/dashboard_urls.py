from django.urls import path

from contracts.dashboard_views import AuditFeedPageView, OversightDashboardView

urlpatterns = [
    path("oversight/", OversightDashboardView.as_view(), name="oversight-dashboard"),
    path("audit/", AuditFeedPageView.as_view(), name="audit-feed-page"),
]
