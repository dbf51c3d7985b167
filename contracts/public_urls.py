"""The public register's award pages (included at /public/ by alliance/urls.py)."""

from django.urls import path

from contracts import public

urlpatterns = [
    path("<slug:slug>/awards/", public.PublicAwardListView.as_view(), name="public-awards"),
]
