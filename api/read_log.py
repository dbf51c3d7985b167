"""The API's hook into the read log (alliance/read_log.py): what a viewset serves to a GET is logged
when it is confidential, one entry per request.

A list's page and a detail (also ``?as_of=`` a moment, read from history) pass through
``get_serializer``; every other action that reads one record (``history``, ``download``, an award's
``audit`` or ``submissions``) passes through ``get_object``: those two are the hooks, so no endpoint
needs its own call.
"""

from rest_framework.permissions import SAFE_METHODS

from alliance import read_log

Kind = read_log.Kind


class ReadLogMixin:
    """Log the confidential records a viewset serves (put it first among the viewset's bases)."""

    #: Actions logged from ``get_object`` that are not reads through the API's pages (the default).
    read_log_kinds = {"download": Kind.DOWNLOAD}

    def _reading(self) -> bool:
        return self.request.method in SAFE_METHODS

    def get_serializer(self, *args, **kwargs):
        serializer = super().get_serializer(*args, **kwargs)
        if args and "data" not in kwargs and self._reading() and self.action in ("list", "retrieve"):
            served = args[0]
            if kwargs.get("many"):
                read_log.log_list(self.request, served, kind=Kind.API, what="a list of the API")
            else:
                read_log.log_read(self.request, served, kind=Kind.API)
        return serializer

    def get_object(self):
        obj = super().get_object()
        if self._reading() and self.action != "retrieve":  # retrieve: logged as it is serialized
            read_log.log_read(self.request, obj, kind=self.read_log_kinds.get(self.action, Kind.API))
        return obj
