"""A throwaway database for the benchmark: never the configured one.

SQLite: a file in a temporary directory. PostgreSQL: a database created on the server named by
``--database-url`` or the configured ``DATABASE_URL``, dropped afterwards. While the block runs the
``default`` connection points at it, so the real URL stack, the services and ``verify_audit``
all work on it unchanged; the configured connection is put back afterwards, untouched.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from contextlib import contextmanager
from importlib import import_module

import dj_database_url
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.utils import load_backend
from django.test.utils import override_settings


def _server_settings(database_url: str | None) -> dict:
    current = connections[DEFAULT_DB_ALIAS].settings_dict
    if not database_url:
        return dict(current)
    parsed = dj_database_url.parse(database_url)
    # The configured database's OPTIONS belong to its engine (SQLite's timeout would be refused by
    # PostgreSQL): the URL's own, or none.
    return {**current, "OPTIONS": {}, **parsed}


@contextmanager
def throwaway(database_url: str | None = None):
    """Point the default connection at a new, migrated, empty database; drop it on the way out."""
    settings = _server_settings(database_url)
    vendor_sqlite = settings["ENGINE"] == "django.db.backends.sqlite3"
    original = connections[DEFAULT_DB_ALIAS]
    with tempfile.TemporaryDirectory(prefix="benchmark-") as folder:
        if vendor_sqlite:
            name = os.path.join(folder, "benchmark.sqlite3")
        else:
            name = f"benchmark_{uuid.uuid4().hex[:12]}"
            _admin(settings, f'CREATE DATABASE "{name}"')
        wrapper = load_backend(settings["ENGINE"]).DatabaseWrapper(
            {**settings, "NAME": name, "TEST": {**settings.get("TEST", {})}}, DEFAULT_DB_ALIAS
        )
        connections[DEFAULT_DB_ALIAS] = wrapper
        ContentType.objects.clear_cache()
        try:
            bulk_loading(True)
            create_schema()
            yield {"vendor": wrapper.vendor, "name": name}
        finally:
            wrapper.close()
            connections[DEFAULT_DB_ALIAS] = original
            ContentType.objects.clear_cache()
            if not vendor_sqlite:
                _admin(settings, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


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


def _admin(settings: dict, sql: str) -> None:
    """Run CREATE or DROP DATABASE on the server's maintenance database, outside any transaction."""
    import psycopg

    params = {
        "dbname": "postgres",
        "host": settings.get("HOST") or None,
        "port": settings.get("PORT") or None,
        "user": settings.get("USER") or None,
        "password": settings.get("PASSWORD") or None,
    }
    with psycopg.connect(**{k: v for k, v in params.items() if v is not None}, autocommit=True) as conn:
        conn.execute(sql)
