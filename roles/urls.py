from django.urls import path

from alliance.downloads import download_urls
from roles import download_views, interest_views, views

urlpatterns = [
    path("roles/", views.DirectoryView.as_view(), name="role-directory"),
    *download_urls("roles/", download_views.DirectoryDownloadView, "role-directory"),
    path("roles/<int:pk>/", views.RoleDetailView.as_view(), name="role-detail"),
    path("roles/<int:pk>/handover/", views.HandoverView.as_view(), name="role-handover"),
    path("people/<int:pk>/", views.PersonView.as_view(), name="person-detail"),
    path("delegations/<int:pk>/", views.DelegationDetailView.as_view(), name="delegation-detail"),
    path("delegations/", views.DelegationRegisterView.as_view(), name="delegation-register"),
    *download_urls("delegations/", download_views.DelegationDownloadView, "delegation-register"),
    path("interests/", views.InterestRegisterView.as_view(), name="interest-register"),
    *download_urls("interests/", download_views.InterestDownloadView, "interest-register"),
    path("interests/new/", interest_views.DeclareInterestView.as_view(), name="interest-declare"),
    path("interests/<int:pk>/end/", interest_views.EndInterestView.as_view(), name="interest-end"),
    path("my-interests/", interest_views.MyInterestsView.as_view(), name="my-interests"),
]
