"""Where a change came from (rule 9): web page, API, admin, or the management command that made it.

The source is kept on each link beside the user that simple-history records, so a script without
a user is still named.
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar

_source: ContextVar[str] = ContextVar("audit_source", default="script")


def current_source() -> str:
    return _source.get()


@contextmanager
def audit_source(source: str):
    """Name the source of every change made inside the block ("command:load_demo", "api"...)."""
    token = _source.set(source)
    try:
        yield
    finally:
        _source.reset(token)


class AuditSourceMiddleware:
    """Marks changes made during a request as coming from the API, the admin or the web pages."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        source = "api" if path.startswith("/api/") else "admin" if path.startswith("/admin/") else "web"
        with audit_source(source):
            return self.get_response(request)
