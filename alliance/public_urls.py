"""The forward plan's public pages (included at /public/ by alliance/urls.py)."""

from django.urls import path

from alliance import public

urlpatterns = [
    path("<slug:slug>/forward-plan/", public.ForwardPlanView.as_view(), name="public-forward-plan"),
    path("<slug:slug>/calendar.ics", public.calendar_feed, name="public-calendar"),
]
