from django.urls import path

from decisions import views, views_releases

urlpatterns = [
    path("decisions/", views.DecisionLogView.as_view(), name="decision-log"),
    path("decisions/new/", views.DraftDecisionView.as_view(), name="decision-draft"),
    path("decisions/<int:pk>/", views.DecisionDetailView.as_view(), name="decision-detail"),
    path("decisions/<int:pk>/edit/", views.EditDecisionView.as_view(), name="decision-edit"),
    path("decisions/<int:pk>/open/", views.OpenDecisionView.as_view(), name="decision-open"),
    path("decisions/<int:pk>/close/", views.CloseDecisionView.as_view(), name="decision-close"),
    path("decisions/<int:pk>/withdraw/", views.WithdrawDecisionView.as_view(), name="decision-withdraw"),
    path("decisions/<int:pk>/defer/", views.DeferDecisionView.as_view(), name="decision-defer"),
    path("decisions/<int:pk>/vote/", views.VoteView.as_view(), name="decision-vote"),
    path("decisions/<int:pk>/advice/", views.AdviceView.as_view(), name="decision-advice"),
    path("decisions/<int:pk>/advice/<int:advice_pk>/respond/", views.RespondView.as_view(), name="advice-respond"),
    path("decisions/<int:pk>/recusals/", views.RecusalView.as_view(), name="decision-recusal"),
    path(
        "decisions/<int:pk>/recusals/<int:recusal_pk>/dispensation/",
        views.DispensationView.as_view(),
        name="recusal-dispensation",
    ),
    path(
        "decisions/<int:pk>/recusals/<int:recusal_pk>/publicity/",
        views_releases.RecusalPublicityView.as_view(),
        name="recusal-publicity",
    ),
    path("decisions/<int:pk>/release/", views_releases.ReleaseDecisionView.as_view(), name="decision-release"),
    path(
        "decisions/<int:pk>/releases/<int:release_pk>/cancel/",
        views_releases.CancelReleaseView.as_view(),
        name="release-cancel",
    ),
    path("decisions/<int:pk>/actions/", views.CreateActionItemView.as_view(), name="decision-action"),
    path("meetings/", views.MeetingListView.as_view(), name="meeting-index"),
    path("meetings/new/", views.ScheduleMeetingView.as_view(), name="meeting-schedule"),
    path("meetings/<int:pk>/", views.MeetingDetailView.as_view(), name="meeting-detail"),
    path("meetings/<int:pk>/edit/", views.EditMeetingView.as_view(), name="meeting-edit"),
    path("meetings/<int:pk>/attendance/", views.AttendanceView.as_view(), name="meeting-attendance"),
    path(
        "meetings/<int:pk>/attendance/<int:attendance_pk>/",
        views.CorrectAttendanceView.as_view(),
        name="meeting-attendance-correct",
    ),
    path(
        "meetings/<int:pk>/attendance/<int:attendance_pk>/remove/",
        views.RemoveAttendanceView.as_view(),
        name="meeting-attendance-remove",
    ),
    path("meetings/<int:pk>/held/", views.MeetingHeldView.as_view(), name="meeting-held"),
    path("meetings/<int:pk>/cancel/", views.MeetingCancelView.as_view(), name="meeting-cancel"),
    path("meetings/<int:pk>/minutes/", views.MinutesView.as_view(), name="meeting-minutes"),
    path("meetings/<int:pk>/approve-minutes/", views.ApproveMinutesView.as_view(), name="meeting-approve-minutes"),
    path("actions/", views.ActionItemListView.as_view(), name="action-items"),
    path("actions/<int:pk>/done/", views.CompleteActionItemView.as_view(), name="action-complete"),
    path("actions/<int:pk>/cancel/", views.CancelActionItemView.as_view(), name="action-cancel"),
]
