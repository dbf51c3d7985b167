"""The API root (``GET /api/v1/``) with its links reversed once, not on every request.

DRF's root view reverses each registered list route and makes it absolute on every request: 35
``reverse()`` calls, each building an absolute URI, about ten times the cost of the request cycle itself
(docs/performance.md, "Request cycle"). The paths depend only on the URLconf, the script prefix and the
format suffix, so they are reversed once per combination and each request only puts its own scheme and
host in front, which is what ``request.build_absolute_uri(path)`` does. The answer is the same, link for link.
Its JSON is the same for every request of one host, scheme and ``?format=``: it is written once for each
(orjson, as the lean reads of api/lean.py), and the browsable API keeps DRF's renderer.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.http import HttpResponse
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, include, re_path, reverse
from rest_framework import routers
from rest_framework.response import Response
from rest_framework.reverse import preserve_builtin_query_params
from rest_framework.settings import api_settings

from api import lean


class APIRootView(routers.APIRootView):
    _paths: dict[tuple, dict[str, str]] = {}

    def get(self, request, *args, **kwargs):
        if request.version is not None or api_settings.DEFAULT_VERSIONING_CLASS:
            return super().get(request, *args, **kwargs)  # a versioned reverse: DRF's own way
        namespace = request.resolver_match.namespace
        fmt = kwargs.get("format")
        key = (get_urlconf() or settings.ROOT_URLCONF, get_script_prefix(), namespace, fmt, tuple(args))
        paths = self._paths.get(key)
        if paths is None:
            paths = {}
            for name, url_name in self.api_root_dict.items():
                try:
                    paths[name] = reverse(
                        f"{namespace}:{url_name}" if namespace else url_name,
                        args=args, kwargs={"format": fmt} if fmt else None,
                    )  # fmt: skip
                except NoReverseMatch:
                    continue  # as DRF: a route with no list URL is left out
            self._paths[key] = paths
        base = request.build_absolute_uri("/")[:-1]
        if not lean.applies(request):  # the browsable API, or lean reads switched off
            return Response(self._links(paths, base, request))
        # JSON: the same answer for every request of one host, scheme and ?format=, so written once.
        body_key = (key, base, request.query_params.get(api_settings.URL_FORMAT_OVERRIDE))
        body = self._bodies.get(body_key)
        if body is None:
            body = lean.dumps(self._links(paths, base, request))
            if len(self._bodies) < self.BODIES_KEPT:
                self._bodies[body_key] = body
        return HttpResponse(body, content_type=lean.JSON)

    _bodies: dict[tuple, bytes] = {}
    # One body per host, scheme and format the site answers: a handful. The bound holds should ALLOWED_HOSTS
    # let any host through; past it, bodies are written per request as before.
    BODIES_KEPT = 64

    @staticmethod
    def _links(paths: dict[str, str], base: str, request) -> dict[str, str]:
        # As DRF's reverse: a ?format= of the request is kept on each link.
        return {name: preserve_builtin_query_params(base + path, request) for name, path in paths.items()}


# A route's first path segment and the slash after it: a resource's prefix ("decisions/").
_SEGMENT = re.compile(r"^\^([A-Za-z0-9_-]+/)")


class Router(routers.DefaultRouter):
    """DRF's router with the root's links reversed once (above) and its routes grouped by resource.

    DRF lists every route of every resource in one flat list, the root last, and Django's resolver tries
    them in order: some 390 regular expressions, so ``GET /api/v1/`` tried them all before it matched
    (0.65 ms a request) and a decision's route about 150. Grouped, the resolver tries one prefix per resource
    and then only that resource's routes. The routes, their names and what they reverse to are unchanged
    (``tests/api/test_api_root.py``); a route whose pattern does not start with a plain segment keeps its place.
    """

    APIRootView = APIRootView

    def get_urls(self):
        urls = super().get_urls()
        groups: dict[str, list] = {}
        ordered: list = []
        for url in urls:
            regex = url.pattern._regex
            found = _SEGMENT.match(regex)
            if found is None:
                # The root (``^\\Z``), a list's format suffix (``^decisions\\.(?P<format>…)``) and anything
                # unusual: one pattern each, kept as DRF lists it.
                ordered.append(url)
                continue
            prefix = found.group(1)
            if prefix not in groups:
                groups[prefix] = []
                ordered.append(prefix)
            rest = "^" + regex[found.end() :]
            groups[prefix].append(re_path(rest, url.callback, url.default_args, url.name))
        return [re_path(rf"^{item}", include(groups[item])) if isinstance(item, str) else item for item in ordered]
