"""The public register's pages that need no login (included at /public/ by alliance/urls.py)."""

from django.urls import path

from decisions import public

urlpatterns = [
    path("", public.PublicIndexView.as_view(), name="public-index"),
    path("<slug:slug>/", public.RegisterView.as_view(), name="public-register"),
    path("<slug:slug>/decisions/<int:pk>/", public.PublicDecisionView.as_view(), name="public-decision"),
    path("<slug:slug>/forward-plan/", public.ForwardPlanView.as_view(), name="public-forward-plan"),
    path("<slug:slug>/calendar.ics", public.calendar_feed, name="public-calendar"),
]
