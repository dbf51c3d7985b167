"""The public register's decision pages, which need no login (included at /public/ by alliance/urls.py)."""

from django.urls import path

from decisions import public

urlpatterns = [
    path("", public.PublicIndexView.as_view(), name="public-index"),
    path("<slug:slug>/", public.RegisterView.as_view(), name="public-register"),
    path("<slug:slug>/decisions/<int:pk>/", public.PublicDecisionView.as_view(), name="public-decision"),
]
