from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from alliance import checkpoint_views, document_views, health, plan_views, read_log_views, search_views, views
from alliance.notifications import views as notification_views
from roles import sso

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("alliances/", views.AllianceListView.as_view(), name="alliance-list"),
    path("alliances/<slug:slug>/", views.AllianceOverviewView.as_view(), name="alliance-overview"),
    path("alliances/<slug:slug>/members/<int:pk>/", views.MembershipDetailView.as_view(), name="membership-detail"),
    path("alliances/<slug:slug>/audit/", views.AuditFeedPageView.as_view(), name="audit-feed-page"),
    path(
        "alliances/<slug:slug>/audit/verifications/",
        views.AuditVerificationsView.as_view(),
        name="audit-verifications",
    ),
    path(
        "alliances/<slug:slug>/audit/checkpoint",
        checkpoint_views.LatestCheckpointView.as_view(),
        name="audit-checkpoint-latest-page",
    ),
    path(
        "alliances/<slug:slug>/audit/checkpoints/",
        checkpoint_views.CheckpointListView.as_view(),
        name="audit-checkpoints-page",
    ),
    path(
        "alliances/<slug:slug>/audit/checkpoints/<int:pk>.txt",
        checkpoint_views.CheckpointDownloadView.as_view(),
        name="audit-checkpoint-download",
    ),
    path("alliances/<slug:slug>/search/", search_views.SearchPageView.as_view(), name="search"),
    path("alliances/<slug:slug>/read-log/", read_log_views.ReadLogPageView.as_view(), name="read-log-page"),
    path("alliances/<slug:slug>/forward-plan/", plan_views.ForwardPlanPageView.as_view(), name="forward-plan"),
    path("alliances/<slug:slug>/forward-plan/new/", plan_views.AddEntryView.as_view(), name="forward-plan-add"),
    path(
        "alliances/<slug:slug>/forward-plan/<int:pk>/edit/",
        plan_views.EditEntryView.as_view(),
        name="forward-plan-edit",
    ),
    path(
        "alliances/<slug:slug>/forward-plan/<int:pk>/withdraw/",
        plan_views.WithdrawEntryView.as_view(),
        name="forward-plan-withdraw",
    ),
    path(
        "alliances/<slug:slug>/papers/new/<slug:owner_kind>/<int:pk>/",
        document_views.UploadPaperView.as_view(),
        name="document-upload",
    ),
    path("alliances/<slug:slug>/papers/<int:pk>/", document_views.DocumentDetailView.as_view(), name="document-detail"),
    path(
        "alliances/<slug:slug>/papers/<int:pk>/versions/new/",
        document_views.AddVersionView.as_view(),
        name="document-add-version",
    ),
    path(
        "alliances/<slug:slug>/papers/<int:pk>/withdraw/",
        document_views.WithdrawPaperView.as_view(),
        name="document-withdraw",
    ),
    path(
        "alliances/<slug:slug>/papers/<int:pk>/versions/<int:number>/download/",
        document_views.DownloadVersionView.as_view(),
        name="document-download",
    ),
    path("alliances/<slug:slug>/", include("contracts.dashboard_urls")),
    path("alliances/<slug:slug>/", include("roles.urls")),
    path("alliances/<slug:slug>/", include("decisions.urls")),
    path("alliances/<slug:slug>/", include("contracts.urls")),
    path("alliances/<slug:slug>/", include("contracts.delivery_urls")),
    path("inbox/", notification_views.InboxView.as_view(), name="inbox"),
    path("inbox/<int:pk>/read/", notification_views.MarkReadView.as_view(), name="inbox-read"),
    path("inbox/read-all/", notification_views.MarkAllReadView.as_view(), name="inbox-read-all"),
    path(
        "notifications/preferences/",
        notification_views.PreferencesView.as_view(),
        name="notification-preferences",
    ),
    path("public/", include("decisions.public_urls")),
    path("public/", include("alliance.public_urls")),
    path("public/", include("contracts.public_urls")),
    path("accounts/login/", sso.LoginView.as_view(), name="login"),
    path("accounts/sso/start/", sso.SignInStartView.as_view(), name="sso-start"),
    path("accounts/sso/callback/", sso.SignInCallbackView.as_view(), name="sso-callback"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("health/", health.health, name="health"),
    path("admin/", admin.site.urls),
    path("api/", include("api.urls")),
]
