"""Where a read's time goes: its request cut into slices that add up to the whole, and its profile.

Each slice is *exclusive*: the database time spent inside the caller's access counts as database, not
access, so the slices add up to the request's time and the biggest one names the remaining cost. They
are taken by timing wrappers around a few functions (a microsecond each), not by a profiler, so they are
close to the real times. ``profile`` adds the functions that take the most time of their own under
cProfile (whose overhead inflates Python against the database: read it for its order, not its ms).
"""

from __future__ import annotations

import cProfile
import functools
import importlib
import os
import pstats
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from unittest import mock

from django.core.handlers.base import BaseHandler
from django.db import connection
from django.db.models.sql import compiler as sql_compiler
from django.template.base import Template
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

# The slices, in the order the tables show them. The first is what is left outside the view.
OUTSIDE = "middleware and handler"
VIEW = "view code"
SLICES = (
    OUTSIDE,
    "DRF checks",
    "access",
    "query building",
    "database",
    VIEW,
    "templates",
    "JSON writing",
    "read log",
)
MEANING = {
    OUTSIDE: "the middleware, URL resolving, and streaming a streamed body",
    "DRF checks": "DRF's authentication, permissions, throttles and content negotiation (APIView.initial), "
    "with loading the session and the user, which Django does on their first use, here",
    "access": "computing the caller's standing (roles.access.access_for), less its database time",
    "query building": "Django compiling querysets to SQL (SQLCompiler.as_sql)",
    "database": "executing SQL (cursor.execute, through Django's execute wrapper)",
    VIEW: "everything else in the view: filtering, paging, shaping rows, serializers",
    "templates": "rendering templates",
    "JSON writing": "orjson (lean paths) or DRF's JSONRenderer",
    "read log": "writing the read log of confidential rows served, less its database time",
}


class Slices:
    """Exclusive time per slice: a nested slice's time is taken out of the slice around it."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self._stack: list[list] = []  # [name, started, seconds in nested slices]

    @contextmanager
    def slice(self, name: str) -> Iterator[None]:
        frame = [name, time.perf_counter(), 0.0]
        self._stack.append(frame)
        try:
            yield
        finally:
            self._stack.pop()
            spent = time.perf_counter() - frame[1]
            self.seconds[name] += spent - frame[2]
            if self._stack:
                self._stack[-1][2] += spent

    def wrap(self, name: str, fn: Callable) -> Callable:
        @functools.wraps(fn)
        def timed(*args, **kwargs):
            with self.slice(name):
                return fn(*args, **kwargs)

        return timed


def _compilers() -> list[type]:
    """Every SQL compiler class that writes its own SQL: Django's and the backend's."""
    modules = [sql_compiler, importlib.import_module(connection.ops.compiler_module)]
    found = []
    for module in modules:
        for value in vars(module).values():
            if isinstance(value, type) and "as_sql" in vars(value) and value not in found:
                found.append(value)
    return found


def _targets() -> list[tuple[object, str, str]]:
    """(owner, attribute, slice) of each function timed. Module functions are patched where their callers
    look them up: the read rule is reached through ``request_access`` / ``public_access`` in its own
    module, the read log through ``alliance.read_log``'s and ``api.lean``'s own names."""
    from alliance import read_log
    from api import lean
    from roles import access

    targets = [
        (BaseHandler, "_get_response", VIEW),
        (APIView, "initial", "DRF checks"),
        (access, "access_for", "access"),
        (Template, "render", "templates"),
        (lean, "dumps", "JSON writing"),
        (JSONRenderer, "render", "JSON writing"),
        (lean, "log_served", "read log"),
        (lean, "log_served_rows", "read log"),
    ]
    targets += [(read_log, name, "read log") for name in ("log_read", "log_list", "log_rows", "log_audit_trail")]
    targets += [(cls, "as_sql", "query building") for cls in _compilers()]
    return targets


@contextmanager
def timing(slices: Slices) -> Iterator[None]:
    """Time every slice of what runs inside, into ``slices``."""

    def database(execute, sql, params, many, context):
        with slices.slice("database"):
            return execute(sql, params, many, context)

    with ExitStack() as stack:
        for owner, attribute, name in _targets():
            original = vars(owner)[attribute] if isinstance(owner, type) else getattr(owner, attribute)
            stack.enter_context(mock.patch.object(owner, attribute, slices.wrap(name, original)))
        stack.enter_context(connection.execute_wrapper(database))
        yield


def slices_of(new_get: Callable[[], Callable[[], object]], runs: int) -> dict:
    """The slices of the median run of ``runs`` calls (after one warm-up), in ms, with their sum: one
    run's own slices, so that they add up, and the median one, so that a busy moment of the machine does
    not count.

    ``new_get`` makes the call: a GET through a new test client, made inside the timing, since Django's
    handler holds on to its view-calling method from the moment it builds its middleware chain."""
    slices = Slices()
    each = []
    with timing(slices):
        get = new_get()
        get()
        for _ in range(runs):
            slices.seconds.clear()
            with slices.slice(OUTSIDE):
                get()
            each.append({name: round(slices.seconds.get(name, 0.0) * 1000, 3) for name in SLICES})
    ms = sorted(each, key=lambda run: sum(run.values()))[(runs - 1) // 2]
    return {"ms": ms, "total_ms": round(sum(ms.values()), 3), "runs": runs}


def profile_of(get: Callable[[], object], top: int = 12) -> list[dict]:
    """The ``top`` functions by their own time over one call of ``get`` under cProfile."""
    get()
    profiler = cProfile.Profile()
    profiler.enable()
    try:
        get()
    finally:
        profiler.disable()
    stats = pstats.Stats(profiler).stats  # {(file, line, name): (primitive calls, calls, own, cumulative, callers)}
    ranked = sorted(stats.items(), key=lambda item: item[1][2], reverse=True)[:top]
    return [
        {
            "function": f"{_short(file)}:{line}({name})",
            "calls": calls,
            "own_ms": round(own * 1000, 3),
            "cumulative_ms": round(cumulative * 1000, 3),
        }
        for (file, line, name), (_, calls, own, cumulative, _) in ranked
    ]


def _short(path: str) -> str:
    """A file as a reader finds it: from the package down (``django/db/...``, ``api/lean.py``)."""
    for marker in ("site-packages" + os.sep, os.getcwd() + os.sep):
        if marker in path:
            return path.split(marker, 1)[1]
    return path


def largest(figure: dict, count: int = 3) -> str:
    """The largest slices of a read in words: ``"view code 9.1, database 4.2, access 2.0"``."""
    ms = figure["slices"]["ms"]
    ranked = sorted(ms.items(), key=lambda item: item[1], reverse=True)[:count]
    return ", ".join(f"{name} {value:.1f}" for name, value in ranked)
