"""Django's SQLite backend, keeping the query planner's statistics as SQLite advises.

Without statistics SQLite guesses at join orders, and some guesses read whole tables: the
directory on a date scanned every person before its index on assignments (issue 9). SQLite's
advice for applications whose connections are short-lived, as Django's are (one per request):
run ``PRAGMA optimize`` as each connection closes, with ``analysis_limit`` keeping each ANALYZE
to a sample of rows. It is a no-op unless a table this connection queried lacks statistics or
has grown well past them. https://www.sqlite.org/pragma.html#pragma_optimize
"""

from __future__ import annotations

import contextlib

from django.db.backends.sqlite3 import base

ANALYSIS_LIMIT = 400  # rows sampled per index, as SQLite's documentation suggests


class DatabaseWrapper(base.DatabaseWrapper):
    def _close(self):
        if self.connection is not None and not self.is_in_memory_db():
            with contextlib.suppress(base.Database.Error):  # a busy or read-only database keeps its statistics
                self.connection.execute(f"PRAGMA analysis_limit = {ANALYSIS_LIMIT}")
                self.connection.execute("PRAGMA optimize")
        super()._close()
