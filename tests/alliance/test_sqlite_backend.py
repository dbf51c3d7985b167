"""The SQLite backend keeps the query planner's statistics, as SQLite advises (issue 9)."""

from django.conf import settings
from django.db.utils import load_backend


def _wrapper(path):
    params = {**settings.DATABASES["default"], "ENGINE": "alliance.sqlite", "NAME": str(path), "OPTIONS": {}}
    return load_backend("alliance.sqlite").DatabaseWrapper(params)


def _statistics(path) -> set[str]:
    import sqlite3

    with sqlite3.connect(path) as raw:
        if not raw.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").fetchone():
            return set()
        return {row[0] for row in raw.execute("SELECT tbl FROM sqlite_stat1")}


def test_the_configured_sqlite_database_uses_the_backend():
    if settings.DATABASES["default"]["ENGINE"] != "alliance.sqlite":
        assert "sqlite" not in settings.DATABASES["default"]["ENGINE"]  # PostgreSQL in CI's second run
        return
    assert settings.DATABASES["default"]["OPTIONS"]["timeout"] == 20


def test_a_closing_connection_gathers_statistics_for_the_tables_it_queried(tmp_path, django_db_blocker):
    path = tmp_path / "planner.sqlite3"
    db = _wrapper(path)
    with django_db_blocker.unblock():  # a database of its own, not the test database
        with db.cursor() as cursor:
            cursor.execute("CREATE TABLE person (id INTEGER PRIMARY KEY, employer INTEGER)")
            cursor.execute("CREATE INDEX person_employer ON person (employer)")
            cursor.executemany("INSERT INTO person (employer) VALUES (%s)", [(n % 7,) for n in range(500)])
            cursor.execute("SELECT COUNT(*) FROM person WHERE employer = %s", [3])
        assert _statistics(path) == set()

        db.close()

    assert "person" in _statistics(path)


def test_a_connection_that_queried_nothing_closes_without_analysing(tmp_path, django_db_blocker):
    path = tmp_path / "idle.sqlite3"
    db = _wrapper(path)
    with django_db_blocker.unblock():
        with db.cursor() as cursor:
            cursor.execute("CREATE TABLE note (id INTEGER PRIMARY KEY, body TEXT)")
        db.close()

    assert _statistics(path) == set()
