"""The national deployment on paper (docs/performance.md, "Beyond one machine"): the arithmetic of the
projection, and the paper's tables recomputed from the numbers measured on the scale-4 database."""

import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from benchmarks import national
from benchmarks.database import _admin, _server_settings
from benchmarks.national import TableSize, links_per_second, project, totals, verify_seconds

ROOT = Path(__file__).resolve().parents[2]
MEASURED = ROOT / "docs" / "national-s4.json"


def test_a_growing_table_grows_with_the_history_rows_and_a_small_one_with_the_alliances():
    tables = [
        TableSize("alliance_auditlink", rows=1_000, table_bytes=200_000, index_bytes=100_000, growing=True),
        TableSize("alliance_alliance", rows=40, table_bytes=8_192, index_bytes=16_384, growing=False),
    ]

    link, alliance = sorted(
        project(tables, history_rows=1_000, alliances=40, target_history_rows=50_000, target_alliances=100),
        key=lambda p: p["table"],
    )[::-1]

    assert link["table"] == "alliance_auditlink"
    assert link["projected_rows"] == 50_000 and link["bytes_per_row"] == 200 and link["index_bytes_per_row"] == 100
    assert link["projected_table_bytes"] == 10_000_000 and link["projected_index_bytes"] == 5_000_000
    assert alliance["projected_rows"] == 100 and alliance["projected_table_bytes"] == 20_480
    summed = totals([link, alliance])
    assert summed["projected_bytes"] == 10_000_000 + 5_000_000 + 20_480 + 40_960
    assert summed["bytes"] == 200_000 + 100_000 + 8_192 + 16_384


def test_each_process_after_the_first_adds_what_the_second_added():
    rates = {1: 40_000, 2: 70_000}

    assert links_per_second(rates, 1) == 40_000
    assert links_per_second(rates, 8) == 40_000 + 7 * 30_000
    assert verify_seconds(50_000_000, rates, 8) == pytest.approx(50_000_000 / 250_000)
    # A second process that gained nothing predicts no gain from more, never a loss.
    assert links_per_second({1: 40_000, 2: 35_000}, 16) == 40_000


def test_the_papers_tables_are_the_projection_of_the_numbers_measured_at_scale_4():
    measured = json.loads(MEASURED.read_text())
    paper = (ROOT / "docs" / "performance.md").read_text()

    assert measured["scale"] == 4 and measured["alliances"] == 40
    assert measured["links"] == measured["history_rows"]  # every history row has its link
    assert national.markdown(measured) in paper
    figures = national.paper(measured)
    assert figures["target_links"] == national.TARGET_HISTORY_ROWS
    assert [v["processes"] for v in figures["verify"]] == list(national.PROCESSES)
    # More processes never take longer.
    hours = [v["hours"] for v in figures["verify"]]
    assert hours == sorted(hours, reverse=True)


@pytest.mark.postgres
@pytest.mark.benchmark
@pytest.mark.django_db
def test_sizes_and_verification_rates_are_measured_on_a_kept_database(tmp_path):
    name = "test_national_kept"
    out = tmp_path / "national.json"
    _admin(_server_settings(None), f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    try:
        call_command(
            "benchmark", "--scale", "0.002", "--repeat", "1", "--skip-growth", "--reads-only",
            "--keep-database", name, "--national", str(out), "--verify-alliance", "alliance-1",
            "--json", str(tmp_path / "b.json"),
        )  # fmt: skip
    finally:
        _admin(_server_settings(None), f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    measured = json.loads(out.read_text())
    tables = {t["table"]: t for t in measured["tables"]}
    assert tables["alliance_auditlink"]["rows"] == measured["links"] > 0
    assert tables["alliance_auditlink"]["growing"] and not tables["alliance_alliance"]["growing"]
    assert all(t["table_bytes"] > 0 for t in tables.values() if t["rows"])
    assert tables["decisions_decision"]["index_bytes"] > 0
    assert set(measured["verify_links_per_s"]) == {"1", "2"} and measured["verify_scope"] == "the chain of alliance-1"
    assert all(rate > 0 for rate in measured["verify_links_per_s"].values())
    assert connection.vendor == "postgresql"
