from django.urls import path

from contracts.dashboard_views import AuditFeedPageView, OversightDashboardView, OversightNotesView

urlpatterns = [
    path("oversight/", OversightDashboardView.as_view(), name="oversight-dashboard"),
    path("oversight/notes/", OversightNotesView.as_view(), name="oversight-notes"),
    path("audit/", AuditFeedPageView.as_view(), name="audit-feed-page"),
]
