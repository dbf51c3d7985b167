import json

import pytest
from django.core.management import call_command
from django.db import connection

from alliance.models import AuditLink
from benchmarks.dataset import Shape
from decisions.models import Decision

READS = {
    "decisions list",
    "decision detail",
    "directory on a date",
    "award audit trail",
    "audit feed page",
    "role timeline",
}
WRITES = {"cast a vote (history and chain)", "close a decision (12 members)", "award through every stage"}


@pytest.mark.parametrize(
    ("scale", "alliances", "decisions"),
    [(0.002, 1, 40), (0.05, 1, 1000), (0.1, 1, 2000), (1, 10, 2000), (4, 40, 2000)],
)
def test_scale_grows_the_number_of_alliances_and_thins_one_below_a_tenth(scale, alliances, decisions):
    shape = Shape.of(scale)

    assert shape.alliances == alliances
    assert shape.per_alliance(2000, 20) == decisions


@pytest.mark.benchmark
@pytest.mark.django_db
def test_benchmark_measures_every_figure_in_a_throwaway_database(tmp_path):
    name = connection.settings_dict["NAME"]
    out = tmp_path / "bench.json"

    call_command(
        "benchmark", "--scale", "0.002", "--repeat", "1", "--json", str(out), "--http-requests", "10", "--skip-growth"
    )

    results = json.loads(out.read_text())
    assert {f["figure"] for f in results["reads"]} == READS
    assert all(f["ms"] > 0 and f["floor_ms"] > 0 and f["queries"] > 0 for f in results["reads"])
    # Where each read's time goes: the database's share and the rest, which add up to the whole.
    assert all(f["sql_ms"] > 0 and f["python_ms"] >= 0 for f in results["reads"])
    assert all(f["python_ms"] == round(max(f["ms"] - f["sql_ms"], 0), 3) for f in results["reads"])
    assert results["request_cycle"]["ms"] > 0
    assert {f["figure"] for f in results["writes"]} == WRITES
    assert all(f["ms"] > 0 for f in results["writes"])
    export, verify = results["throughput"]
    assert export["rows"] == 40 and export["rows_per_s"] > 0 and export["peak_kib"] > 0
    assert verify["intact"] is True and verify["rows"] == results["build"]["counts"]["AuditLink"]
    assert verify["jobs"] >= 1 and f"({verify['jobs']} processes)" in verify["figure"]
    assert results["http"]["requests"] == 10 and results["http"]["failures"] == 0
    counts = results["build"]["counts"]
    assert counts["Decision"] == 40 and counts["Decision.history"] == 120
    assert counts["Vote"] == counts["Vote.history"] == 380
    assert counts["AuditLink"] == sum(n for key, n in counts.items() if key.endswith(".history"))
    # The test database was neither used nor replaced.
    assert connection.settings_dict["NAME"] == name
    assert not Decision.objects.exists() and not AuditLink.objects.exists()


@pytest.mark.benchmark
@pytest.mark.django_db
def test_benchmark_compares_reads_at_four_times_the_scale(tmp_path):
    out = tmp_path / "bench.json"

    call_command("benchmark", "--scale", "0.001", "--repeat", "1", "--json", str(out))

    results = json.loads(out.read_text())
    assert {f["figure"] for f in results["growth"]} == READS
    assert results["growth_build"]["counts"]["Decision"] == 4 * results["build"]["counts"]["Decision"]
    assert all(f["ratio"] > 0 for f in results["growth"])
