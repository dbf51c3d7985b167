"""The API root with its links reversed once (api/root.py) answers exactly what DRF's own root view does."""

import re

import pytest
from django.test import override_settings
from django.urls import Resolver404, resolve, reverse
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
    with monkeypatch.context() as patched:  # undoes only its own patch
        patched.setattr(APIRootView, "get", routers.APIRootView.get)
        return api.get(url, **extra)


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


@pytest.mark.parametrize("lean_reads", [True, False])
def test_the_answer_written_once_is_each_hosts_and_schemes_own(api, monkeypatch, lean_reads):
    """The JSON body is kept per host, scheme and format: a second request of another host or scheme never
    gets the first one's links, and each equals DRF's own answer, as it does with lean reads off."""
    monkeypatch.setattr(APIRootView, "_bodies", {})
    hosts = ["testserver", "alliance.example.org"]
    with override_settings(ALLOWED_HOSTS=hosts, API_LEAN_READS=lean_reads):
        for _ in range(2):
            for host in hosts:
                for secure in (False, True):
                    for url in ("/api/v1/", "/api/v1/?format=json"):
                        ours = api.get(url, HTTP_HOST=host, secure=secure)
                        theirs = drf_answer(api, url, monkeypatch, HTTP_HOST=host, secure=secure)
                        assert ours.status_code == 200 and ours["Content-Type"] == "application/json"
                        assert ours.json() == theirs.json()
                        scheme = "https" if secure else "http"
                        assert ours.json()["decisions"].startswith(f"{scheme}://{host}/api/v1/decisions/")
                        assert ours["Vary"] == theirs["Vary"] and ours["Allow"] == theirs["Allow"]
    assert len(APIRootView._bodies) == (8 if lean_reads else 0)


def test_past_its_bound_the_body_is_written_per_request(api, monkeypatch):
    monkeypatch.setattr(APIRootView, "_bodies", {})
    monkeypatch.setattr(APIRootView, "BODIES_KEPT", 1)
    with override_settings(ALLOWED_HOSTS=["a.example.org", "b.example.org"]):
        first = api.get("/api/v1/", HTTP_HOST="a.example.org").json()
        second = api.get("/api/v1/", HTTP_HOST="b.example.org").json()

    assert len(APIRootView._bodies) == 1
    assert first["decisions"] == "http://a.example.org/api/v1/decisions/"
    assert second["decisions"] == "http://b.example.org/api/v1/decisions/"


def test_the_browsable_root_is_drfs_page(api):
    page = api.get("/api/v1/", HTTP_ACCEPT="text/html")

    assert page.status_code == 200 and page["Content-Type"].startswith("text/html")
    assert "http://testserver/api/v1/decisions/" in page.content.decode()


def test_an_anonymous_caller_is_refused_as_before():
    assert APIClient().get("/api/v1/").status_code in (401, 403)


def _example(regex: str) -> str:
    """A path a route's regular expression matches: each named group filled with a sample value."""
    path = regex.lstrip("^").removesuffix("\\Z").removesuffix("$")
    path = path.replace("(?P<format>\\.[a-z0-9]+/?)", ".json")
    path = re.sub(r"\(\?P<format>\[a-z0-9\]\+\)/\?", "json", path)
    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", "7", path)
    return path.replace("\\.", ".")


def test_the_grouped_routes_resolve_and_reverse_as_drfs_flat_list():
    """The router groups its routes by resource (api/root.py); every route of DRF's flat list still resolves
    to the same view, name and arguments, and reverses to the same path."""
    flat = routers.DefaultRouter.get_urls(router)
    assert len(flat) > 300
    for url in flat:
        path = "/api/v1/" + _example(url.pattern._regex)
        expected = url.pattern.match(path.removeprefix("/api/v1/"))
        assert expected, (url.pattern._regex, path)
        found = resolve(path)
        assert found.url_name == url.name, path
        assert found.func.cls is url.callback.cls, path
        assert found.kwargs == expected[2], path
        if url.name != "api-root":  # the root is not grouped; DRF reverses its format with a slash
            assert reverse(url.name, kwargs=expected[2]) == path, path


def test_a_resource_prefix_does_not_match_a_longer_segment():
    with pytest.raises(Resolver404):
        resolve("/api/v1/decisionsx/")
