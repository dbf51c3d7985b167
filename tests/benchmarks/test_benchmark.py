import json

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from alliance.models import AuditLink
from benchmarks.breakdown import SLICES
from benchmarks.dataset import Shape
from decisions.models import Decision

READS = {
    "decisions list",
    "decision detail",
    "directory on a date",
    "role timeline",
    "award audit trail",
    "audit feed",
    "audit feed page (HTML)",
    "public register page (HTML)",
    "public decision page (HTML)",
    "decision log page (HTML)",
    "calendar (iCalendar)",
    "decisions export (CSV)",
}
HTTP_READS = {"decisions list", "decision detail", "public register page (HTML)", "audit feed"}
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
        "benchmark", "--scale", "0.002", "--repeat", "1", "--json", str(out), "--skip-growth",
        "--http", "--http-seconds", "1", "--chart", str(tmp_path / "reads.svg"),
    )  # fmt: skip

    results = json.loads(out.read_text())
    reads = results["reads"]
    assert {f["figure"] for f in reads} == READS
    # Every read against its floor (a bare view, one query) and its peer (stock DRF), and the product's
    # serializer path (before), each with the ratios a program can check.
    for f in reads:
        assert f["ms"] > 0 and f["before_ms"] > 0 and f["floor_ms"] > 0 and f["peer_ms"] > 0 and f["queries"] > 0
        assert f["ratio_to_floor"] == round(f["ms"] / f["floor_ms"], 2)
        assert f["ratio_to_stock_drf"] == round(f["ms"] / f["peer_ms"], 2)
        assert f["met"] == (f["ms"] <= 2 * f["floor_ms"] and 5 * f["ms"] <= f["peer_ms"])
        assert f["floor_url"].startswith("/__floor__/") and f["peer_url"].startswith("/__peer__/")
        assert f["bytes"] > 0
    # Where each read's time goes: the database's share and the rest, which add up to the whole.
    assert all(f["sql_ms"] > 0 and f["python_ms"] >= 0 for f in reads)
    assert all(f["python_ms"] == round(max(f["ms"] - f["sql_ms"], 0), 3) for f in reads)
    # And in exclusive slices that add up to the request timed with them, with the profile's top functions.
    for f in reads:
        assert set(f["slices"]["ms"]) == set(SLICES) and f["slices"]["runs"] == 1
        assert f["slices"]["total_ms"] == pytest.approx(sum(f["slices"]["ms"].values()), abs=0.01)
        assert f["slices"]["ms"]["database"] > 0 and f["slices"]["ms"]["middleware and handler"] > 0
        assert len(f["profile"]) == 12 and all(p["own_ms"] >= 0 and p["calls"] > 0 for p in f["profile"])
        assert f["largest_slices"].count(",") == 2
    by_name = {f["figure"]: f["slices"]["ms"] for f in reads}
    assert by_name["audit feed page (HTML)"]["templates"] > 0 and by_name["audit feed"]["templates"] == 0
    assert by_name["decisions list"]["JSON writing"] > 0 and by_name["decisions list"]["DRF checks"] > 0
    assert by_name["decisions list"]["access"] > 0 and by_name["decisions list"]["query building"] > 0
    assert results["request_cycle"]["slices"]["ms"]["DRF checks"] > 0
    # Product, floor and peer answer the same rows (by id, or by count for the calendar and the CSV).
    compared = {f["figure"]: f["same_rows"] for f in reads if f["same_rows"] is not None}
    assert len(compared) >= 9
    assert all(same["equal"] and same["product"] > 0 for same in compared.values()), compared
    assert compared["decisions list"]["by"] == "id" and compared["decisions export (CSV)"]["product"] == 40
    # The request cycle: a bare view without middleware, behind the product's, and the API root.
    cycle = results["request_cycle"]
    assert cycle["bare_ms"] > 0 and cycle["middleware_ms"] > 0 and cycle["ms"] > 0
    assert cycle["ratio"] == round(cycle["ms"] / cycle["middleware_ms"], 2)
    costs = {m["path"]: m for m in results["middleware"]}
    assert set(settings.MIDDLEWARE) - {"django.contrib.sessions.middleware.SessionMiddleware"} <= set(costs)
    assert "csp.middleware.CSPMiddleware" in costs  # django-csp's own, before our cached policy
    assert any("SessionMiddleware" in path for path in costs)
    # Over HTTP: four reads and their floors, each loaded for about a second, with no failures.
    assert {h["figure"] for h in results["http"]} == HTTP_READS
    for h in results["http"]:
        for side in ("product", "floor"):
            assert h[side]["requests"] > 0 and h[side]["failures"] == 0, h
            assert 0 < h[side]["p50_ms"] <= h[side]["p99_ms"]
        assert h["floor"]["url"].startswith("/__floor__/") and h["clients"] == 16
        assert h["ratio_to_floor"] == round(h["product"]["requests_per_s"] / h["floor"]["requests_per_s"], 2)
    chart = (tmp_path / "reads.svg").read_text()
    assert chart.startswith("<svg") and all(name in chart for name in ("decisions list", "peer (stock DRF)"))
    assert {f["figure"] for f in results["writes"]} == WRITES
    assert all(f["ms"] > 0 for f in results["writes"])
    export, verify = results["throughput"]
    assert export["rows"] == 40 and export["rows_per_s"] > 0 and export["peak_kib"] > 0
    assert verify["intact"] is True and verify["rows"] == results["build"]["counts"]["AuditLink"]
    assert verify["jobs"] >= 1 and f"({verify['jobs']} processes)" in verify["figure"]
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
    # Growth is a target for the reads that answer a page; the calendar and the export grow with the data.
    paged = {f["figure"] for f in results["growth"] if f["target"] == "at most 1.3x"}
    assert paged == READS - {"award audit trail", "public decision page (HTML)", "calendar (iCalendar)",
                             "decisions export (CSV)"}  # fmt: skip
    assert results["growth_build"]["counts"]["Decision"] == 4 * results["build"]["counts"]["Decision"]
    assert all(f["ratio"] > 0 for f in results["growth"])


@pytest.mark.django_db
def test_the_floor_and_peer_views_are_not_served_by_the_products_urls(client, staff):
    client.force_login(staff)

    for path in ("/__floor__/empty/", "/__peer__/decisions/", "/__floor__/public/x/"):
        assert client.get(path).status_code == 404
