from django.urls import path

from contracts import oversight_query_views as oq
from contracts.dashboard_views import OversightDashboardView, OversightDeliveryView, OversightNotesView

urlpatterns = [
    path("oversight/", OversightDashboardView.as_view(), name="oversight-dashboard"),
    path("oversight/delivery/", OversightDeliveryView.as_view(), name="oversight-delivery"),
    path("oversight/notes/", OversightNotesView.as_view(), name="oversight-notes"),
    path("oversight/queries/", oq.OversightQueryListView.as_view(), name="oversight-queries"),
    path("oversight/queries.csv", oq.OversightQueryDownloadView.as_view(fmt="csv"), name="oversight-queries-csv"),
    path("oversight/queries.xlsx", oq.OversightQueryDownloadView.as_view(fmt="xlsx"), name="oversight-queries-xlsx"),
    path("oversight/queries/new/", oq.RaiseQueryView.as_view(), name="oversight-query-raise"),
    path("oversight/queries/<int:pk>/", oq.OversightQueryDetailView.as_view(), name="oversight-query"),
    path("oversight/queries/<int:pk>/answer/", oq.AnswerQueryView.as_view(), name="oversight-query-answer"),
    path("oversight/queries/<int:pk>/withdraw/", oq.WithdrawQueryView.as_view(), name="oversight-query-withdraw"),
]
