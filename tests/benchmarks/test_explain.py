"""The benchmark's kept and reused databases, and its plans of every measured read (``--explain``)."""

import json
import uuid

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from alliance.models import AuditLink
from benchmarks.database import _admin, _exists, _server_settings
from benchmarks.explain import _aliases, growing_tables, read_postgres_plan, read_sqlite_plan, shorten
from decisions.models import Decision
from tests.benchmarks.test_benchmark import READS

# Explained too, while the benchmark does not time them (public pages with the register published).
# The other hot reads --explain adds to the measured ones; those at a measured read's address (the decision
# log, the audit feed page, the public register and calendar, the register CSV) are explained once, under the
# measured read's name.
OTHER_READS = {
    "decision page (HTML)",
    "members' calendar",
    "public awards",
    "public decision",
}

POSTGRES_PLAN = """\
Limit  (cost=0.42..20.10 rows=50 width=120) (actual time=0.030..0.210 rows=50 loops=1)
  Buffers: shared hit=57
  ->  Nested Loop  (cost=0.42..900.00 rows=2000 width=120) (actual time=0.029..0.200 rows=50 loops=1)
        ->  Index Scan Backward using decisions_d_allianc_b6a051_idx on decisions_decision  (cost=…)
        ->  Index Only Scan using decisions_vote_decision_id_07d02adc on decisions_vote u0  (cost=…)
        ->  Bitmap Heap Scan on decisions_recusal  (cost=…)
              ->  Bitmap Index Scan on decisions_r_decisio_4b7cfa_idx  (cost=…)
        ->  Parallel Seq Scan on alliance_auditlink  (cost=…)
        ->  Seq Scan on alliance_alliance  (cost=…)
Planning Time: 0.310 ms
Execution Time: 0.452 ms"""


def test_a_postgres_plan_names_its_indexes_its_scans_and_its_time():
    indexes, scans, ms = read_postgres_plan(POSTGRES_PLAN)

    assert indexes == {
        "decisions_d_allianc_b6a051_idx": "decisions_decision",
        "decisions_vote_decision_id_07d02adc": "decisions_vote",
        "decisions_r_decisio_4b7cfa_idx": "decisions_recusal",  # a bitmap's index: the table of its heap scan
    }
    assert scans == ["alliance_auditlink", "alliance_alliance"]
    assert ms == 0.452


def test_a_sqlite_plan_names_scanned_tables_through_their_aliases():
    sql = 'SELECT "d"."id" FROM "decisions_decision" WHERE "id" IN (SELECT U0."decision_id" FROM "decisions_vote" U0)'
    details = [
        "SEARCH decisions_decision USING INTEGER PRIMARY KEY (rowid=?)",
        "LIST SUBQUERY 1",
        "SCAN U0",
        "SEARCH roles_role USING INDEX roles_role_alliance_id_86dd3ace (alliance_id=?)",
        "SCAN alliance_alliance USING COVERING INDEX sqlite_autoindex_alliance_alliance_1",
    ]

    indexes, scans = read_sqlite_plan(details, _aliases(sql))

    assert indexes == {
        "decisions_decision (primary key)": "decisions_decision",
        "roles_role_alliance_id_86dd3ace": "roles_role",
        "sqlite_autoindex_alliance_alliance_1": "alliance_alliance",
    }
    assert scans == ["decisions_vote", "alliance_alliance"]


def test_the_growing_tables_are_the_history_and_the_tables_that_grow_with_time_not_the_small_ones():
    growing = growing_tables()

    assert {"decisions_decision", "decisions_vote", "alliance_auditlink", "roles_roleassignment"} <= growing
    assert {"decisions_historicaldecision", "contracts_historicalawardprocess", "contracts_submission"} <= growing
    assert not {"alliance_alliance", "alliance_organisation", "alliance_membership", "auth_user"} & growing
    # Given the rows each holds, a growing table still nearly empty is read whole by any good plan: not flagged.
    assert growing_tables({"decisions_vote": 5_000, "decisions_release": 3}) == {"decisions_vote"}


def test_a_statement_is_shown_on_one_line_with_long_column_lists_folded_and_cut():
    sql = 'SELECT "a", "b",\n "c", "d" FROM "t" WHERE "x" IN (SELECT "y" FROM "u")'

    assert shorten(sql) == 'SELECT …4 columns… FROM "t" WHERE "x" IN (SELECT "y" FROM "u")'
    assert shorten("SELECT 1 FROM t WHERE " + "x = 1 AND " * 100, limit=50).endswith("…")
    assert len(shorten("SELECT 1 FROM t WHERE " + "x = 1 AND " * 100, limit=50)) == 50


def _database_name(tmp_path) -> str:
    """Where a kept database goes: a file for SQLite, a database of the test server for PostgreSQL."""
    if connection.vendor == "sqlite":
        return str(tmp_path / "kept.sqlite3")
    return f"test_keep_{uuid.uuid4().hex[:10]}"


def _drop(name: str) -> None:
    if connection.vendor == "postgresql":
        _admin(_server_settings(None), f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.benchmark
@pytest.mark.django_db
def test_a_kept_database_is_measured_again_without_building_and_every_read_is_explained(tmp_path):
    name = _database_name(tmp_path)
    built, reused, plans = tmp_path / "built.json", tmp_path / "reused.json", tmp_path / "plans.md"
    try:
        call_command(
            "benchmark", "--scale", "0.002", "--repeat", "1", "--skip-growth", "--reads-only",
            "--keep-database", name, "--json", str(built),
        )  # fmt: skip
        assert _exists(_server_settings(None), name)
        with pytest.raises(CommandError, match="already there"):
            call_command("benchmark", "--scale", "0.002", "--skip-growth", "--keep-database", name)

        call_command(
            "benchmark", "--repeat", "1", "--skip-growth", "--reads-only",
            "--reuse-database", name, "--json", str(reused), "--explain", str(plans),
        )  # fmt: skip

        first, second = json.loads(built.read_text()), json.loads(reused.read_text())
        # Not built again: the build recorded by the first run, at its scale.
        assert second["build"] == first["build"] and second["scale"] == 0.002
        assert {f["figure"] for f in second["reads"]} == READS
        assert "writes" not in second and "throughput" not in second
        explained = {s["figure"]: s for s in second["explain"]}
        assert set(explained) == READS | OTHER_READS
        assert not [s for s in explained.values() if "error" in s]
        for summary in explained.values():
            assert summary["queries"] >= summary["distinct"] > 0 and not summary["errors"]
            if connection.vendor == "postgresql":
                assert summary["execution_ms"] > 0  # (at this size the planner reads every table whole)
            else:
                assert summary["indexes"], summary
        text = plans.read_text()
        for read in READS | OTHER_READS:
            assert f"\n## {read}\n" in text
        assert text.count("\nIndexes: ") == sum(s["distinct"] for s in explained.values())
        assert ("EXPLAIN (ANALYZE, BUFFERS)" if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN") in text
        # The test database was neither used nor replaced.
        assert not Decision.objects.exists() and not AuditLink.objects.exists()
    finally:
        _drop(name)
    assert not _exists(_server_settings(None), name) or connection.vendor == "sqlite"


@pytest.mark.benchmark
@pytest.mark.django_db
def test_a_database_that_is_not_there_or_never_finished_building_is_not_reused(tmp_path):
    name = _database_name(tmp_path)
    with pytest.raises(CommandError, match="There is no database"):
        call_command("benchmark", "--reuse-database", name, "--skip-growth")
    settings = _server_settings(None)
    if connection.vendor == "sqlite":
        (tmp_path / "kept.sqlite3").write_bytes(b"")
    else:
        _admin(settings, f'CREATE DATABASE "{name}"')
    try:
        with pytest.raises(CommandError, match="no finished benchmark build"):
            call_command("benchmark", "--reuse-database", name, "--skip-growth")
    finally:
        _drop(name)
