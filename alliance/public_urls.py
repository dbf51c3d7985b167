"""The forward plan's public pages (included at /public/ by alliance/urls.py)."""

from django.urls import path

from alliance import public, search_views

urlpatterns = [
    path("<slug:slug>/forward-plan/", public.ForwardPlanView.as_view(), name="public-forward-plan"),
    path("<slug:slug>/calendar.ics", public.calendar_feed, name="public-calendar"),
    path("<slug:slug>/search/", search_views.PublicSearchView.as_view(), name="public-search"),
]
