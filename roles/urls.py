from django.urls import path

from roles import views

urlpatterns = [
    path("roles/", views.DirectoryView.as_view(), name="role-directory"),
    path("roles/<int:pk>/", views.RoleDetailView.as_view(), name="role-detail"),
    path("roles/<int:pk>/handover/", views.HandoverView.as_view(), name="role-handover"),
    path("people/<int:pk>/", views.PersonView.as_view(), name="person-detail"),
    path("delegations/<int:pk>/", views.DelegationDetailView.as_view(), name="delegation-detail"),
    path("delegations/", views.DelegationRegisterView.as_view(), name="delegation-register"),
    path("interests/", views.InterestRegisterView.as_view(), name="interest-register"),
]
