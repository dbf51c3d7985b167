"""A runtime guard for rule 9: bulk writes on a tracked model skip simple-history and the audit chain.

``QuerySet.update()``, ``bulk_create()`` and ``bulk_update()`` write rows without a history row, so
on the querysets of tracked models they raise unless the caller writes history itself and says so
with ``history_written_by_caller()``. Unlike a search of the source, this catches multi-line chains,
related managers (``membership.status_changes.update``) and querysets kept in variables.

Mix ``HistoryGuardedQuerySet`` into a model's queryset (or use ``HistoryGuardedQuerySet.as_manager()``).
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar

from django.db import models

_allowed: ContextVar[bool] = ContextVar("bulk_writes_allowed", default=False)


class BulkWriteSkipsHistory(RuntimeError):
    """A programming error, not a refusal a user can act on: it is never turned into a 4xx."""


@contextmanager
def history_written_by_caller():
    """Allow bulk writes inside the block: the caller writes the history (or builds a throwaway database)."""
    token = _allowed.set(True)
    try:
        yield
    finally:
        _allowed.reset(token)


def _refuse(queryset, method: str) -> None:
    if not _allowed.get():
        raise BulkWriteSkipsHistory(
            f"{queryset.model.__name__}.objects...{method}() writes no history row and no audit link (rule 9). "
            "Save each record through its service, or write the history yourself inside "
            "alliance.bulk_guard.history_written_by_caller()."
        )


class HistoryGuardMixin:
    """Refuses the bulk writes that skip history, unless inside ``history_written_by_caller()``."""

    def update(self, **kwargs):
        _refuse(self, "update")
        return super().update(**kwargs)

    def bulk_create(self, objs, *args, **kwargs):
        _refuse(self, "bulk_create")
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs, fields, *args, **kwargs):
        _refuse(self, "bulk_update")
        return super().bulk_update(objs, fields, *args, **kwargs)


class HistoryGuardedQuerySet(HistoryGuardMixin, models.QuerySet):
    pass
