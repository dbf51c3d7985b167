"""A national deployment on paper: what 100 alliances over ten years, 50 million history rows, need.

Measured on a built benchmark database (PostgreSQL: ``pg_total_relation_size`` and
``pg_indexes_size`` of every table, exact row counts, and ``verify_audit``'s links per second with
one and with two processes), then extrapolated by the pure functions below, which the tests check
against the figures docs/performance.md gives ("Beyond one machine")::

    benchmark --reuse-database bench_s4 --reads-only --skip-growth --repeat 1 --national docs/national-s4.json

Extrapolation: a table that grows with the data (``benchmarks.explain.growing_tables``: decisions,
votes, history, links, role assignments, awards …) grows with the number of history rows; the others
(alliances, organisations, memberships, bodies, users) with the number of alliances. Bytes per row
are the measured ones, so the projection assumes the same mix of records as the synthetic dataset
and a table as freshly loaded (no bloat: a live table with updates carries some dead space until
vacuum reuses it).
"""

from __future__ import annotations

import io
import json
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from django.core.management import CommandError, call_command
from django.db import connection

TARGET_ALLIANCES = 100
TARGET_HISTORY_ROWS = 50_000_000
PROCESSES = (1, 2, 4, 8, 16, 32)


@dataclass(frozen=True)
class TableSize:
    table: str
    rows: int
    table_bytes: int  # the rows themselves: heap, TOAST and the free-space and visibility maps
    index_bytes: int
    growing: bool

    @property
    def total_bytes(self) -> int:
        return self.table_bytes + self.index_bytes


def measure_tables(growing: set[str]) -> list[TableSize]:
    """Every table of the database the default connection points at, with its exact row count."""
    if connection.vendor != "postgresql":
        raise CommandError("Table and index sizes are measured on PostgreSQL only (pg_total_relation_size).")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, pg_total_relation_size(c.oid), pg_indexes_size(c.oid) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind = 'r' AND n.nspname = current_schema() ORDER BY c.relname"
        )
        sizes = cursor.fetchall()
        tables = []
        for name, total, indexes in sizes:
            cursor.execute(f'SELECT count(*) FROM "{name}"')
            tables.append(TableSize(name, cursor.fetchone()[0], total - indexes, indexes, name in growing))
    return tables


def project(
    tables: list[TableSize],
    *,
    history_rows: int,
    alliances: int,
    target_history_rows: int = TARGET_HISTORY_ROWS,
    target_alliances: int = TARGET_ALLIANCES,
) -> list[dict]:
    """Each table at the target: rows and bytes multiplied by the growth of what it grows with."""
    by_history, by_alliances = target_history_rows / history_rows, target_alliances / alliances
    projected = []
    for t in tables:
        factor = by_history if t.growing else by_alliances
        projected.append(
            {
                "table": t.table,
                "growing": t.growing,
                "rows": t.rows,
                "bytes_per_row": round(t.table_bytes / t.rows) if t.rows else None,
                "index_bytes_per_row": round(t.index_bytes / t.rows) if t.rows else None,
                "table_bytes": t.table_bytes,
                "index_bytes": t.index_bytes,
                "projected_rows": round(t.rows * factor),
                "projected_table_bytes": round(t.table_bytes * factor),
                "projected_index_bytes": round(t.index_bytes * factor),
            }
        )
    return sorted(projected, key=lambda p: -(p["projected_table_bytes"] + p["projected_index_bytes"]))


def totals(projected: list[dict]) -> dict:
    """The database as measured and at the target: table bytes, index bytes, together."""
    keys = ("table_bytes", "index_bytes", "projected_table_bytes", "projected_index_bytes")
    summed = {k: sum(p[k] for p in projected) for k in keys}
    summed["bytes"] = summed["table_bytes"] + summed["index_bytes"]
    summed["projected_bytes"] = summed["projected_table_bytes"] + summed["projected_index_bytes"]
    return summed


def links_per_second(rates: dict[int, float], processes: int) -> float:
    """``verify_audit``'s rate with ``processes``, from the rates measured with one and two: each
    process after the first adds what the second added. That holds while every process has a core of
    its own and the database server has cores to answer them all (on the 2-CPU machine measured, the
    two workers and the server share two cores, so the second's gain is a floor); past that the
    server's reading of the link and history tables bounds it."""
    two = rates[2]
    one = rates.get(1, two / 2)  # measured with two alone: each process's share taken as half
    return one + (processes - 1) * max(two - one, 0)


def verify_seconds(links: int, rates: dict[int, float], processes: int) -> float:
    return links / links_per_second(rates, processes)


def measure_verify(jobs: tuple[int, ...] = (1, 2), alliance: str | None = None) -> dict[int, float]:
    """Links per second of ``verify_audit`` with each number of processes: of every chain, or of one
    alliance's (``--alliance``: a fortieth of the work at scale 4, for a machine that cannot spare
    the time; each link costs the same, so its rate stands for the whole one's)."""
    from alliance.models import Alliance, AuditLink

    links = AuditLink.objects.all()
    args = []
    if alliance:
        links = links.filter(chain=f"alliance:{Alliance.objects.get(slug=alliance).pk}")
        args = ["--alliance", alliance]
    count = links.count()
    rates = {}
    for n in jobs:
        started = time.perf_counter()
        call_command("verify_audit", "--jobs", str(n), *args, stdout=io.StringIO(), stderr=io.StringIO())
        rates[n] = round(count / (time.perf_counter() - started))
    return rates


def measure(path: str, build: dict, verify_alliance: str | None = None) -> dict:
    """Measure sizes and verification rates on the current database, write them (JSON) to ``path``
    and return them with the projection."""
    from benchmarks.explain import growing_tables

    counts = build["counts"]
    tables = measure_tables(growing_tables())
    history_rows = sum(n for key, n in counts.items() if key.endswith(".history"))
    measured = {
        "scale": build["scale"],
        "alliances": counts["Alliance"],
        "history_rows": history_rows,
        "links": counts["AuditLink"],
        "tables": [asdict(t) for t in tables],
        "verify_links_per_s": measure_verify(alliance=verify_alliance),
        "verify_scope": f"the chain of {verify_alliance}" if verify_alliance else "every chain",
    }
    Path(path).write_text(json.dumps(measured, indent=1))
    return {**measured, **paper(measured)}


def paper(measured: dict) -> dict:
    """The figures of the paper from the measured ones (what the tests recompute)."""
    tables = [TableSize(**t) for t in measured["tables"]]
    projected = project(tables, history_rows=measured["history_rows"], alliances=measured["alliances"])
    rates = {int(k): v for k, v in measured["verify_links_per_s"].items()}
    links = round(measured["links"] * TARGET_HISTORY_ROWS / measured["history_rows"])
    return {
        "projected": projected,
        "totals": totals(projected),
        "target_links": links,
        "verify": [
            {
                "processes": n,
                "links_per_s": round(links_per_second(rates, n)),
                "hours": round(verify_seconds(links, rates, n) / 3600, 2),
            }
            for n in PROCESSES
        ],
    }


def gib(n: float) -> str:
    return f"{n / 2**30:,.1f} GiB" if n >= 2**30 else f"{n / 2**20:,.0f} MiB"


def markdown(measured: dict, top: int = 12) -> str:
    """The paper's tables: the largest tables at the target, the totals, and verify_audit's hours."""
    figures = paper(measured)
    lines = [
        f"| table | rows at scale {measured['scale']} | bytes/row | index bytes/row | rows at the target | "
        "table | indexes |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for p in figures["projected"][:top]:
        lines.append(
            f"| {p['table']} | {p['rows']:,} | {p['bytes_per_row'] or ''} | {p['index_bytes_per_row'] or ''} | "
            f"{p['projected_rows']:,} | {gib(p['projected_table_bytes'])} | {gib(p['projected_index_bytes'])} |"
        )
    t = figures["totals"]
    lines += [
        f"| **all {len(figures['projected'])} tables** | | | | | **{gib(t['projected_table_bytes'])}** | "
        f"**{gib(t['projected_index_bytes'])}** |",
        "",
        f"Measured: {gib(t['bytes'])} ({gib(t['table_bytes'])} tables, {gib(t['index_bytes'])} indexes) for "
        f"{measured['history_rows']:,} history rows; at the target: **{gib(t['projected_bytes'])}**.",
        "",
        "| verify_audit processes | links/s | hours for " + f"{figures['target_links']:,} links |",
        "| ---: | ---: | ---: |",
    ]
    lines += [f"| {v['processes']} | {v['links_per_s']:,} | {v['hours']} |" for v in figures["verify"]]
    return "\n".join(lines) + "\n"
