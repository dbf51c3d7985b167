"""django-csp's middleware with the policy built once: the same header on every response that asks for
nothing of its own.

django-csp builds the Content-Security-Policy header from ``settings.CONTENT_SECURITY_POLICY`` on every
response (twice: the policy and the report-only one), about 0.1 ms of string work per request. Without a
nonce (the page used none: every API answer and most pages) and without a view's ``@csp_update`` /
``@csp_replace`` / ``@csp`` decorator, that header is the same every time, so it is built once and kept until
the setting changes (``setting_changed``, as tests' ``override_settings`` send). Anything else goes through
django-csp unchanged, so the headers are the same byte for byte.
"""

from __future__ import annotations

from functools import cache

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject
from csp.middleware import CSPMiddleware as StockCSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

# What a view's decorator leaves on the response for django-csp; any of them means the stock path.
_PER_RESPONSE = (
    "_csp_config", "_csp_update", "_csp_replace", "_csp_config_ro", "_csp_update_ro", "_csp_replace_ro",
    "_csp_exempt", "_csp_exempt_ro",
)  # fmt: skip


@cache
def _policies() -> tuple[str, str, tuple[str, ...], tuple[str, ...]]:
    """The policy and the report-only policy without a nonce, with each one's excluded URL prefixes."""
    policy = getattr(settings, "CONTENT_SECURITY_POLICY", None) or {}
    report_only = getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None) or {}
    return (
        build_policy(),
        build_policy(report_only=True),
        tuple(policy.get("EXCLUDE_URL_PREFIXES", None) or ()),
        tuple(report_only.get("EXCLUDE_URL_PREFIXES", None) or ()),
    )


@receiver(setting_changed)
def _forget_policies(*, setting, **kwargs) -> None:
    if setting.startswith("CONTENT_SECURITY_POLICY") or setting == "DEBUG":
        _policies.cache_clear()


class CSPMiddleware(StockCSPMiddleware):
    def process_response(self, request, response):
        nonce_used = getattr(request, "_csp_nonce", None) is not None
        if nonce_used or settings.DEBUG or any(hasattr(response, name) for name in _PER_RESPONSE):
            return super().process_response(request, response)
        csp, csp_ro, excluded, excluded_ro = _policies()
        path = request.path_info
        if csp and HEADER not in response and not path.startswith(excluded):
            response[HEADER] = csp
        if csp_ro and HEADER_REPORT_ONLY not in response and not path.startswith(excluded_ro):
            response[HEADER_REPORT_ONLY] = csp_ro
        # As django-csp: a nonce asked for after the header is written is an error, not a silent gap.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response
