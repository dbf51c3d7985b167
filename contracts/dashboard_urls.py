from django.urls import path

from contracts.dashboard_views import OversightDashboardView, OversightNotesView

urlpatterns = [
    path("oversight/", OversightDashboardView.as_view(), name="oversight-dashboard"),
    path("oversight/notes/", OversightNotesView.as_view(), name="oversight-notes"),
]
