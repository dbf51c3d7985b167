"""The benchmark's own database: never the configured one.

By default a throwaway: SQLite: a file in a temporary directory. PostgreSQL: a database created on
the server named by ``--database-url`` or the configured ``DATABASE_URL``, dropped afterwards. A
large build can instead be kept under a name (``kept``) and measured again later without building
it again (``reused``). While the block runs the
``default`` connection points at it, so the real URL stack, the services and ``verify_audit``
all work on it unchanged; the configured connection is put back afterwards, untouched.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from importlib import import_module

import dj_database_url
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import UniqueConstraint
from django.db.utils import load_backend
from django.test.utils import override_settings


def _server_settings(database_url: str | None) -> dict:
    current = connections[DEFAULT_DB_ALIAS].settings_dict
    if not database_url:
        return dict(current)
    parsed = dj_database_url.parse(database_url)
    # The configured database's OPTIONS belong to its engine (SQLite's timeout would be refused by
    # PostgreSQL): kept for a server of the same engine (PostgreSQL's prepared statements), else the URL's
    # own, or none.
    options = current.get("OPTIONS", {}) if parsed["ENGINE"] == current["ENGINE"] else {}
    return {**current, "OPTIONS": dict(options), **parsed}


@contextmanager
def _pointed_at(settings: dict, name: str):
    """While the block runs, the default connection is a new one to database ``name``; then the
    configured one is put back, untouched."""
    original = connections[DEFAULT_DB_ALIAS]
    wrapper = load_backend(settings["ENGINE"]).DatabaseWrapper(
        {**settings, "NAME": name, "TEST": {**settings.get("TEST", {})}}, DEFAULT_DB_ALIAS
    )
    connections[DEFAULT_DB_ALIAS] = wrapper
    ContentType.objects.clear_cache()
    try:
        yield wrapper
    finally:
        wrapper.close()
        connections[DEFAULT_DB_ALIAS] = original
        ContentType.objects.clear_cache()


def _is_sqlite(settings: dict) -> bool:
    return settings["ENGINE"] == "django.db.backends.sqlite3"


@contextmanager
def throwaway(database_url: str | None = None):
    """Point the default connection at a new, migrated, empty database; drop it on the way out."""
    settings = _server_settings(database_url)
    with tempfile.TemporaryDirectory(prefix="benchmark-") as folder:
        if _is_sqlite(settings):
            name = os.path.join(folder, "benchmark.sqlite3")
        else:
            name = f"benchmark_{uuid.uuid4().hex[:12]}"
            _admin(settings, f'CREATE DATABASE "{name}"')
        try:
            with _pointed_at(settings, name) as wrapper:
                bulk_loading(True)
                create_schema()
                yield {"vendor": wrapper.vendor, "name": name}
        finally:
            if not _is_sqlite(settings):
                _admin(settings, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class DatabaseChoiceError(CommandError):
    """A database to keep that is already there, or one to reuse that is not (or was never finished)."""


# Where a kept database records how it was built, so a later run that reuses it can say so (and can
# tell a finished build from one that was stopped half-way). A plain table: the database is the
# benchmark's own.
BUILD_TABLE = "benchmark_build"


def _exists(settings: dict, name: str) -> bool:
    if _is_sqlite(settings):
        return os.path.exists(name)
    rows = _admin(settings, "SELECT 1 FROM pg_database WHERE datname = %s", [name])
    return bool(rows)


@contextmanager
def kept(name: str, database_url: str | None = None):
    """Like ``throwaway``, into a new database ``name`` (SQLite: a file path) that is left in place
    afterwards, to be measured again with ``reused``. A database of that name already there is refused,
    never overwritten; if the block fails before ``record_build`` the half-built database is dropped."""
    settings = _server_settings(database_url)
    if _exists(settings, name):
        raise DatabaseChoiceError(
            f"A database named {name!r} is already there: reuse it with --reuse-database, or drop it first."
        )
    if not _is_sqlite(settings):
        _admin(settings, f'CREATE DATABASE "{name}"')
    finished = False
    try:
        with _pointed_at(settings, name) as wrapper:
            bulk_loading(True)
            create_schema()
            try:
                yield {"vendor": wrapper.vendor, "name": name}
            finally:
                # A build that finished is kept even when a measurement after it failed.
                with contextlib.suppress(Exception):
                    finished = built(wrapper) is not None
    finally:
        if not finished:
            if _is_sqlite(settings):
                with contextlib.suppress(FileNotFoundError):
                    os.remove(name)
            else:
                _admin(settings, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def reused(name: str, database_url: str | None = None):
    """Point the default connection at a database built earlier by ``kept``; leave it in place."""
    settings = _server_settings(database_url)
    if not _exists(settings, name):
        raise DatabaseChoiceError(f"There is no database named {name!r}: build one with --keep-database.")
    with _pointed_at(settings, name) as wrapper:
        build = built(wrapper)
        if build is None:
            raise DatabaseChoiceError(
                f"The database {name!r} holds no finished benchmark build: drop it and build it again."
            )
        yield {"vendor": wrapper.vendor, "name": name, "build": build, "indexes_added": add_missing_indexes()}


def add_missing_indexes() -> list[str]:
    """Give a database built on older code the indexes the models have since gained (a migration's
    ``AddIndex``, a field's ``db_index``, a unique constraint), so that plans measured on a reused
    database are those of the current code; the names of those added. Tables and columns are not
    added: a reused database is for code whose schema differs only by indexes."""
    connection = connections[DEFAULT_DB_ALIAS]
    added = []
    with connection.cursor() as cursor, connection.schema_editor() as editor:
        for model in apps.get_models():
            meta = model._meta
            if meta.proxy or not meta.managed or meta.db_table not in connection.introspection.table_names(cursor):
                continue
            present = connection.introspection.get_constraints(cursor, meta.db_table)
            covered = [c["columns"] for c in present.values() if c["index"] or c["unique"] or c["primary_key"]]
            for index in meta.indexes:
                if index.name not in present:
                    editor.add_index(model, index)
                    added.append(index.name)
            for constraint in meta.constraints:
                if isinstance(constraint, UniqueConstraint) and constraint.name not in present:
                    editor.add_constraint(model, constraint)
                    added.append(constraint.name)
            for f in meta.local_fields:
                if f.db_index and not f.unique and [f.column] not in covered:
                    editor.execute(editor._create_index_sql(model, fields=[f]))
                    added.append(f"{meta.db_table}.{f.column}")
    return added


def record_build(build: dict) -> None:
    """Write down, in the kept database, that its build finished and what it holds."""
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {BUILD_TABLE} (info TEXT NOT NULL)")
        cursor.execute(f"DELETE FROM {BUILD_TABLE}")
        cursor.execute(f"INSERT INTO {BUILD_TABLE} (info) VALUES (%s)", [json.dumps(build)])


def built(connection) -> dict | None:
    """What ``record_build`` wrote in this database, or None when it never finished a build."""
    if BUILD_TABLE not in connection.introspection.table_names():
        return None
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT info FROM {BUILD_TABLE}")
        row = cursor.fetchone()
    return json.loads(row[0]) if row else None


# The migrations that hold the audit chain's triggers, which a schema made from the models lacks.
TRIGGER_MIGRATIONS = ["0004_audit_link_append_only", "0008_audit_truncate_and_head_guards"]


def create_schema() -> None:
    """Tables straight from the models (``makemigrations --check`` keeps them equal to the migrations,
    and this is ten times quicker than replaying them), then the audit chain's triggers, which
    only migrations hold."""
    with override_settings(MIGRATION_MODULES={app.label: None for app in apps.get_app_configs()}):
        call_command("migrate", run_syncdb=True, verbosity=0, interactive=False)
    connection = connections[DEFAULT_DB_ALIAS]
    with connection.cursor() as cursor:
        for name in TRIGGER_MIGRATIONS:
            triggers = import_module(f"alliance.migrations.{name}")
            for sql in {"sqlite": triggers.SQLITE_UP, "postgresql": triggers.POSTGRES_UP}.get(connection.vendor, []):
                cursor.execute(sql)


def bulk_loading(on: bool) -> None:
    """On SQLite, skip the syncs to disk while the schema and the dataset are written; restore them for
    the measurements, so that writes are timed as a real deployment would make them. On PostgreSQL,
    gather the planner's statistics once the rows are in, as autovacuum would on a live database:
    without them the correlated subqueries of ``verify_audit`` are planned as scans per row."""
    if connections[DEFAULT_DB_ALIAS].vendor == "postgresql":
        if not on:
            with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
                cursor.execute("ANALYZE")
        return
    if connections[DEFAULT_DB_ALIAS].vendor != "sqlite":
        return
    connection = connections[DEFAULT_DB_ALIAS]
    with connection.cursor() as cursor:
        if on:
            cursor.execute("PRAGMA synchronous = OFF")
            cursor.execute("PRAGMA journal_mode = MEMORY")
            return
        # Back to what every connection of a deployment sets as it opens (alliance/settings.py's
        # init_command: WAL, synchronous NORMAL). Left in another journal mode, each new connection's
        # switch to WAL needs the database to itself, and verify_audit's worker processes, opening
        # theirs together, were refused with "database is locked".
        # A database named by --database-url has no such options: SQLite's own defaults then.
        opening = connection.settings_dict.get("OPTIONS", {}).get("init_command")
        for statement in (opening or "PRAGMA synchronous = FULL; PRAGMA journal_mode = DELETE").split(";"):
            if statement.strip():
                cursor.execute(statement)


def _admin(settings: dict, sql: str, params: list | None = None) -> list:
    """Run CREATE or DROP DATABASE (or a look-up in the catalogue) on the server's maintenance
    database, outside any transaction; the rows it answers, if any."""
    import psycopg

    server = {
        "dbname": "postgres",
        "host": settings.get("HOST") or None,
        "port": settings.get("PORT") or None,
        "user": settings.get("USER") or None,
        "password": settings.get("PASSWORD") or None,
    }
    with psycopg.connect(**{k: v for k, v in server.items() if v is not None}, autocommit=True) as conn:
        cursor = conn.execute(sql, params)
        return cursor.fetchall() if cursor.description else []


@contextmanager
def built_signed_in(scale: float, database_url: str | None = None):
    """The one-process A/B scripts' setting (``benchmarks/ab_*.py``): a throwaway database built at ``scale``,
    ``DEBUG`` off, and a test client signed in as the benchmark's user, which the block gets."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    from benchmarks import dataset

    with throwaway(database_url) as db:
        started = time.perf_counter()
        dataset.Builder(scale).build()
        bulk_loading(False)
        print(f"{db['vendor']}: built scale {scale} in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        with override_settings(DEBUG=False):
            client = Client()
            client.force_login(get_user_model().objects.get(username="benchmark"))
            yield client
