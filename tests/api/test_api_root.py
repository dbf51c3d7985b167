"""The API root with its links reversed once (api/root.py) answers exactly what DRF's own root view does."""

import pytest
from django.test import override_settings
from rest_framework import routers
from rest_framework.test import APIClient

from api.root import APIRootView
from api.urls import router

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(staff):
    client = APIClient()
    client.force_authenticate(staff)
    return client


def drf_answer(api, url, monkeypatch, **extra):
    monkeypatch.setattr(APIRootView, "get", routers.APIRootView.get)
    try:
        return api.get(url, **extra)
    finally:
        monkeypatch.undo()


@pytest.mark.parametrize("url", ["/api/v1/", "/api/v1/.json", "/api/v1/?format=json"])
@pytest.mark.parametrize("host", ["testserver", "alliance.example.org"])
def test_the_root_lists_every_route_as_drfs_own_root_view_does(api, monkeypatch, url, host):
    with override_settings(ALLOWED_HOSTS=[host]):
        ours = api.get(url, HTTP_HOST=host)
        theirs = drf_answer(api, url, monkeypatch, HTTP_HOST=host)

    assert ours.status_code == theirs.status_code == 200
    assert ours.json() == theirs.json()
    assert len(ours.json()) == len(router.registry) - sum(1 for _, v, _ in router.registry if not hasattr(v, "list"))
    assert all(link.startswith(f"http://{host}/api/v1/") for link in ours.json().values())


def test_the_links_follow_the_scheme(api, monkeypatch):
    ours = api.get("/api/v1/", secure=True)
    theirs = drf_answer(api, "/api/v1/", monkeypatch, secure=True)

    assert ours.json() == theirs.json()
    assert ours.json()["decisions"] == "https://testserver/api/v1/decisions/"


def test_an_anonymous_caller_is_refused_as_before():
    assert APIClient().get("/api/v1/").status_code in (401, 403)
