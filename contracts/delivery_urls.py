from django.urls import path

from contracts import delivery_views as views

urlpatterns = [
    path("delivery/", views.DeliveryPlanView.as_view(), name="delivery-plan"),
    path("delivery/milestones.csv", views.MilestonesCsvView.as_view(), name="delivery-milestones-csv"),
    path("delivery/milestones.xlsx", views.MilestonesXlsxView.as_view(), name="delivery-milestones-xlsx"),
    path("delivery/new/", views.AddWorkstreamView.as_view(), name="workstream-add"),
    path("delivery/workstreams/<int:pk>/", views.WorkstreamView.as_view(), name="workstream"),
    path("delivery/workstreams/<int:pk>/adopt/", views.AdoptWorkstreamView.as_view(), name="workstream-adopt"),
    path("delivery/workstreams/<int:pk>/change/", views.ChangeWorkstreamView.as_view(), name="workstream-change"),
    path("delivery/workstreams/<int:pk>/complete/", views.CompleteWorkstreamView.as_view(), name="workstream-complete"),
    path("delivery/workstreams/<int:pk>/close/", views.CloseWorkstreamView.as_view(), name="workstream-close"),
    path("delivery/workstreams/<int:pk>/milestones/new/", views.AddMilestoneView.as_view(), name="milestone-add"),
    path("delivery/workstreams/<int:pk>/contracts/link/", views.LinkContractView.as_view(), name="workstream-link"),
    path(
        "delivery/workstreams/<int:pk>/unlink/<int:link_pk>/",
        views.UnlinkContractView.as_view(),
        name="workstream-unlink",
    ),
    path("delivery/milestones/<int:pk>/target/", views.MoveTargetView.as_view(), name="milestone-target"),
    path("delivery/milestones/<int:pk>/rag/", views.RagView.as_view(), name="milestone-rag"),
    path("delivery/milestones/<int:pk>/achieved/", views.AchievedView.as_view(), name="milestone-achieved"),
]
