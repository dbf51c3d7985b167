"""alliance.csp.CSPMiddleware (the policy built once) writes exactly the headers django-csp's own does."""

import pytest
from csp.decorators import csp_exempt, csp_update
from csp.exceptions import CSPNonceError
from csp.middleware import CSPMiddleware as StockCSPMiddleware
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from alliance.csp import CSPMiddleware

HEADERS = ("Content-Security-Policy", "Content-Security-Policy-Report-Only")


def plain(request):
    return HttpResponse(b"{}")


def with_nonce(request):
    return HttpResponse(f'<script nonce="{request.csp_nonce}"></script>')


@csp_update({"img-src": ["https://example.org"]})
def updated(request):
    return HttpResponse(b"x")


@csp_exempt()
def exempt(request):
    return HttpResponse(b"x")


def headers(middleware_class, view, path="/api/v1/"):
    request = RequestFactory().get(path)
    response = middleware_class(view)(request)
    return {name: response.get(name) for name in HEADERS}, request


@pytest.mark.parametrize("view", [plain, with_nonce, updated, exempt])
@pytest.mark.parametrize("debug", [False, True])
def test_the_headers_are_django_csps_own(view, debug):
    with override_settings(DEBUG=debug):
        ours, _ = headers(CSPMiddleware, view)
        stock, _ = headers(StockCSPMiddleware, view)

    if view is with_nonce:  # a fresh nonce each time: equal once it is taken out
        nonce = ours[HEADERS[0]].split("'nonce-")[1].split("'")[0]
        other = stock[HEADERS[0]].split("'nonce-")[1].split("'")[0]
        ours[HEADERS[0]] = ours[HEADERS[0]].replace(nonce, "N")
        stock[HEADERS[0]] = stock[HEADERS[0]].replace(other, "N")
    assert ours == stock
    assert (ours[HEADERS[0]] is None) == (view is exempt)


def test_a_changed_policy_is_built_again_and_report_only_and_excluded_prefixes_are_kept():
    policy = {"DIRECTIVES": {"default-src": ["'self'"]}, "EXCLUDE_URL_PREFIXES": ["/health/"]}
    report = {"DIRECTIVES": {"script-src": ["'none'"]}}
    headers(CSPMiddleware, plain)  # the product's policy, now kept
    with override_settings(CONTENT_SECURITY_POLICY=policy, CONTENT_SECURITY_POLICY_REPORT_ONLY=report):
        for path in ("/api/v1/", "/health/"):
            ours, _ = headers(CSPMiddleware, plain, path)
            assert ours == headers(StockCSPMiddleware, plain, path)[0]
        assert ours[HEADERS[0]] is None and "script-src 'none'" in ours[HEADERS[1]]
    assert headers(CSPMiddleware, plain)[0] == headers(StockCSPMiddleware, plain)[0]


def test_a_nonce_asked_for_after_the_header_is_written_is_refused():
    _, request = headers(CSPMiddleware, plain)

    with pytest.raises(CSPNonceError):
        str(request.csp_nonce)
