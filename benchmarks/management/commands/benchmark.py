"""Build a synthetic dataset into a throwaway database and measure the product against its floor."""

from __future__ import annotations

import json
import platform
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import django
from django.core.management.base import CommandError
from django.db import connection
from django.test import override_settings

from alliance.management.base import AuditedCommand
from benchmarks import chart, dataset, report
from benchmarks.database import bulk_loading, kept, record_build, reused, throwaway
from benchmarks.measure import Measurer

# The reads loaded over HTTP, each with its floor.
HTTP_READS = ["decisions list", "decision detail", "public register page (HTML)", "audit feed"]


class Progress:
    """One line on stderr: a bar of the alliances built and the model being inserted."""

    def __init__(self, stream, total: int, enabled: bool):
        self.stream, self.total, self.enabled, self.done = stream, max(total, 1), enabled, 0

    def __call__(self, label: str, n: int) -> None:
        if label == "alliances":
            self.done += n
        if self.enabled:
            filled = int(30 * self.done / self.total)
            self.stream.write(
                f"\r  [{'#' * filled}{'.' * (30 - filled)}] {self.done}/{self.total} alliances  {label:<28}"
            )
            self.stream.flush()

    def finish(self) -> None:
        if self.enabled:
            self.stream.write("\n")


class Command(AuditedCommand):
    help = (
        "Build a synthetic dataset at --scale into a throwaway database (never the configured one), then measure "
        "reads against their floors, writes, CSV export and verify_audit throughput, and growth to 4x scale."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0, help="1 = 10 alliances, 20,000 decisions (default).")
        parser.add_argument("--database-url", help="Server for the throwaway database (default: DATABASE_URL).")
        parser.add_argument("--repeat", type=int, default=7, help="Runs per figure; the median is kept (default 7).")
        parser.add_argument(
            "--json", default="benchmark.json", help="Where to write the results (default benchmark.json)."
        )
        parser.add_argument("--skip-growth", action="store_true", help="Do not build the 4x dataset for growth.")
        parser.add_argument(
            "--http",
            action="store_true",
            help="Serve with gunicorn (one worker per CPU) and load four reads and their floors from 16 clients.",
        )
        parser.add_argument(
            "--http-seconds", type=float, default=30.0, help="How long each HTTP load runs (default 30 s)."
        )
        parser.add_argument("--chart", help="Write an SVG chart of each read against its before, floor and peer.")
        parser.add_argument(
            "--progress", action="store_true", help="Draw the progress bar even when not on a terminal."
        )
        kept = parser.add_mutually_exclusive_group()
        kept.add_argument(
            "--keep-database",
            metavar="NAME",
            help="Build into a new database of this name (SQLite: a file path) and keep it afterwards.",
        )
        kept.add_argument(
            "--reuse-database",
            metavar="NAME",
            help="Do not build: measure a database kept earlier by --keep-database (its own scale).",
        )
        parser.add_argument(
            "--growth-database",
            metavar="NAME",
            help="Measure growth on this database kept earlier at 4x --scale, instead of building one (PostgreSQL's "
            "scale-4 build takes some 20 minutes).",
        )
        parser.add_argument(
            "--reads-only", action="store_true", help="Measure the reads only (no writes, export or verify_audit)."
        )
        parser.add_argument(
            "--national",
            metavar="PATH",
            help="PostgreSQL: measure every table's size and verify_audit with 1 and 2 processes, write them (JSON) "
            "to this file and print their projection to a national deployment.",
        )
        parser.add_argument(
            "--verify-alliance",
            metavar="SLUG",
            help="With --national: time verify_audit on this alliance's chain only (quicker on a large database).",
        )
        parser.add_argument(
            "--explain",
            metavar="PATH",
            help="Write the plan of every query each measured read issues to this Markdown file.",
        )

    def handle(self, *args, **options):
        scale, repeat = options["scale"], options["repeat"]
        if not 0 < scale <= 16:
            raise CommandError(f"--scale must be above 0 and at most 16, not {scale}.")
        if repeat < 1:
            raise CommandError("--repeat must be at least 1.")
        self.show = options["progress"] or sys.stderr.isatty()
        results = {
            "date": datetime.now(UTC).isoformat(timespec="seconds"),
            "scale": scale,
            "repeat": repeat,
            "machine": {"python": platform.python_version(), "django": django.get_version(), "cpu": platform.machine()},
        }
        with _database(options) as db:
            results["database"] = db["vendor"]
            results["machine"]["database_version"] = _database_version()
            if "build" in db:  # reused: measured at the scale it was built at
                results["build"] = db["build"]
                results["scale"] = scale = db["build"]["scale"]
                if db["indexes_added"]:
                    self.stdout.write(f"Indexes added to {db['name']}: {', '.join(db['indexes_added'])}.")
            else:
                results["build"] = self._build(scale)
            if options["keep_database"]:
                record_build(results["build"])
            with override_settings(DEBUG=False):
                measurer = Measurer(repeat)
                results["reads"] = measurer.reads()
                results["request_cycle"] = measurer.request_cycle()
                results["middleware"] = measurer.middleware_costs()
                if options["explain"]:
                    from benchmarks.explain import explain_reads

                    results["explain"] = explain_reads(measurer, options["explain"], title=_title(results))
                    self.stdout.write(f"Plans written to {options['explain']}.")
                if options["national"]:
                    from benchmarks import national

                    results["national"] = national.measure(
                        options["national"], results["build"], options["verify_alliance"]
                    )
                    self.stdout.write(national.markdown(results["national"]))
                if not options["reads_only"]:
                    results["throughput"] = measurer.throughput()
                    results["writes"] = measurer.writes()
                if options["http"]:
                    from benchmarks.http import serve_and_measure

                    served = {f["figure"]: f for f in results["reads"]}
                    results["http"] = serve_and_measure(
                        reads=[(name, served[name]["url"], served[name]["floor_url"]) for name in HTTP_READS],
                        user=measurer.user,
                        seconds=options["http_seconds"],
                    )
        if not options["skip_growth"]:
            with _growth_database(options) as db:
                results["growth_build"] = db["build"] if "build" in db else self._build(scale * 4)
                if results["growth_build"]["scale"] != scale * 4:
                    raise CommandError(
                        f"--growth-database holds scale {results['growth_build']['scale']}, not 4x {scale}."
                    )
                with override_settings(DEBUG=False):
                    larger = Measurer(repeat).reads(full=False)
            results["growth"] = [
                {
                    "figure": small["figure"],
                    "ms": small["ms"],
                    "ms_at_4x": big["ms"],
                    "ratio": round(big["ms"] / small["ms"], 2),
                    "target": "at most 1.3x" if small["paged"] else "grows with the data (every row)",
                    "met": big["ms"] <= 1.3 * small["ms"] if small["paged"] else None,
                }
                for small, big in zip(results["reads"], larger, strict=True)
            ]
        Path(options["json"]).write_text(json.dumps(results, indent=2, default=str))
        if options["chart"]:
            Path(options["chart"]).write_text(chart.svg(results))
            self.stdout.write(f"Chart written to {options['chart']}.")
        self.stdout.write(table(results))
        self.stdout.write(f"Results written to {options['json']}.")

    def _build(self, scale: float) -> dict:
        shape = dataset.Shape.of(scale)
        progress = Progress(self.stderr, shape.alliances, self.show)
        started = time.perf_counter()
        counts = dataset.Builder(scale, progress).build()
        progress.finish()
        bulk_loading(False)
        return {"scale": scale, "seconds": round(time.perf_counter() - started, 1), "counts": counts}


def _database(options):
    """The kept or reused database the options name, else a throwaway one."""
    if options["keep_database"]:
        return kept(options["keep_database"], options["database_url"])
    if options["reuse_database"]:
        return reused(options["reuse_database"], options["database_url"])
    return throwaway(options["database_url"])


def _growth_database(options):
    """The database growth is measured on: one kept at 4x the scale (--growth-database), else a new throwaway."""
    if options["growth_database"]:
        return reused(options["growth_database"], options["database_url"])
    return throwaway(options["database_url"])


def _title(results: dict) -> str:
    counts = results["build"]["counts"]
    return (
        f"{results['machine']['database_version']}, scale {results['scale']} ({counts.get('Decision', 0):,} "
        f"decisions, {counts.get('AuditLink', 0):,} history rows and links)"
    )


def _database_version() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT sqlite_version()" if connection.vendor == "sqlite" else "SHOW server_version")
        return f"{connection.vendor} {cursor.fetchone()[0]}"


def _met(value) -> str:
    return "" if value is None else "met" if value else "NOT MET"


def table(results: dict) -> str:
    """The results as one plain-text table (markdown), as docs/performance.md shows it."""
    counts = results["build"]["counts"]
    lines = [
        f"Benchmark on {results['machine']['database_version']}, scale {results['scale']} "
        f"({counts.get('Decision', 0):,} decisions, {counts.get('Vote', 0):,} votes, "
        f"{counts.get('AuditLink', 0):,} history rows and links; built in {results['build']['seconds']} s), "
        f"median of {results['repeat']} runs",
        "",
    ]
    lines += report.reads(results["reads"])
    lines += report.slices(results["reads"], results.get("request_cycle"))
    if "request_cycle" in results:
        lines += report.request_cycle(results["request_cycle"], results.get("middleware"))
    if "writes" in results:
        lines += ["", "| write | ms | floor ms | ratio | target | |", "| --- | ---: | ---: | ---: | --- | --- |"]
    for f in results.get("writes", []):
        floor = f"{f['floor_ms']:.2f}" if "floor_ms" in f else ""
        ratio = f.get("ratio", "")
        lines.append(f"| {f['figure']} | {f['ms']:.2f} | {floor} | {ratio} | {f['target']} | {_met(f['met'])} |")
    if "throughput" in results:
        lines += ["", "| throughput | rows | rows/s | peak memory | target | |"]
        lines += ["| --- | ---: | ---: | ---: | --- | --- |"]
    for f in results.get("throughput", []):
        peak = f"{f['peak_kib']:,} KiB" + (
            f" ({f['peak_kib_quarter']:,} KiB for a quarter)" if "peak_kib_quarter" in f else ""
        )
        lines.append(
            f"| {f['figure']} | {f['rows']:,} | {f['rows_per_s']:,} | {peak} | {f['target']} | {_met(f['met'])} |"
        )
    if "growth" in results:
        lines += [
            "",
            "| growth (reads) | ms | ms at 4x | ratio | target | |",
            "| --- | ---: | ---: | ---: | --- | --- |",
        ]
        for f in results["growth"]:
            lines.append(
                f"| {f['figure']} | {f['ms']:.2f} | {f['ms_at_4x']:.2f} | {f['ratio']} | {f['target']} | "
                f"{_met(f['met'])} |"
            )
    lines += report.http(results.get("http", []))
    return "\n".join(lines) + "\n"
