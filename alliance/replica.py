"""Reads of the public register and of the exports from a read replica (docs/production.md).

With ``DATABASE_REPLICA_URL`` set, the settings add a second database alias (``READ_REPLICA``,
"replica") and this router. A request's reads go to the replica only while it is marked as one of
those reads (:func:`reads_replica` decides, once, for every route); everything else, every write,
and the reads of logins, sessions and tokens (a login just made may not have reached the replica
yet) stay on ``default``. Without the setting nothing changes: the router sends everything to
``default``.

The mark is a context variable set for the view and, for a streamed download, for the streaming of
its rows too (the rows are read while the response is sent, after the view has returned).

A replica lags its primary by a moment: a record just published may reach the public register a
moment later. Nothing written is read back from the replica within the request that wrote it: a
write's own reads (``select_for_update``, ``get_or_create``, saving) go through ``db_for_write``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextvars import ContextVar

from django.conf import settings

_on_replica: ContextVar[bool] = ContextVar("reads_on_replica", default=False)

# Apps always read from default: who is signed in, by which session or token, and the lock-out.
PRIMARY_ONLY_APPS = frozenset({"auth", "sessions", "authtoken", "axes", "admin"})

# The public register's pages (/public/...) and the exports (registers as CSV / XLSX / iCalendar /
# Popolo / OCDS, the audit feed's downloads). A download a page offers ends in one of these.
REPLICA_URL_NAMES = frozenset(
    {
        "export-decisions",
        "export-popolo",
        "export-calendar",
        "audit-feed-csv",
        "audit-feed-xlsx",
        "api-award-ocds-package",
        "api-award-ocds-release",
    }
)
EXPORT_SUFFIXES = (".csv", ".xlsx", ".ics")
SAFE_METHODS = frozenset({"GET", "HEAD"})


def reads_replica(request) -> bool:
    """Whether this request's reads go to the replica: a GET of the public register or of an export,
    or an anonymous read of the API (which shows only what the alliances publish)."""
    if request.method not in SAFE_METHODS:
        return False
    match = request.resolver_match
    name = (match.url_name or "") if match else ""
    path = request.path_info
    if name.startswith("public-") or name in REPLICA_URL_NAMES or path.endswith(EXPORT_SUFFIXES):
        return True
    return (
        path.startswith("/api/v1/") and "HTTP_AUTHORIZATION" not in request.META and not request.user.is_authenticated
    )


class ReplicaRouter:
    """Sends the marked reads to ``settings.READ_REPLICA``; writes and everything else to default.

    Without a replica it decides nothing (None: Django's own choice), so a single database works as if
    there were no router.
    """

    def db_for_read(self, model, **hints):
        if not (settings.READ_REPLICA and _on_replica.get()):
            return None
        # Not None for these: Django would then read them from wherever a related row came from.
        return "default" if model._meta.app_label in PRIMARY_ONLY_APPS else settings.READ_REPLICA

    def db_for_write(self, model, **hints):
        # Not None: Django would then save a row read from the replica back to the replica.
        return "default" if settings.READ_REPLICA else None

    def allow_relation(self, obj1, obj2, **hints):
        # The replica is a copy of default: a row read from either may link to a row of the other.
        return True if settings.READ_REPLICA else None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # The replica follows default's schema by replication; migrate never runs against it.
        return False if settings.READ_REPLICA and db == settings.READ_REPLICA else None


def _streamed_on_replica(chunks: Iterable[bytes]) -> Iterator[bytes]:
    _on_replica.set(True)
    try:
        yield from chunks
    finally:
        _on_replica.set(False)


class ReplicaReadsMiddleware:
    """Marks the reads of the public register and of the exports (see :func:`reads_replica`)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        _on_replica.set(False)
        try:
            response = self.get_response(request)
        finally:
            marked = _on_replica.get()
            _on_replica.set(False)
        if marked and getattr(response, "streaming", False):
            response.streaming_content = _streamed_on_replica(response.streaming_content)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if settings.READ_REPLICA and reads_replica(request):
            _on_replica.set(True)
        return None
