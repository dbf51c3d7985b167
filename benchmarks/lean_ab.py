"""Before and after of the decision log's lean read paths, side by side in one process.

    DEBUG=true .venv/bin/python -m benchmarks.lean_ab --scale 0.1 --repeat 7 [--profile]

Builds the benchmark's dataset into a throwaway database (benchmarks/database.py), then times the decisions
list and a decision's detail with ``API_LEAN_READS`` on (after) and off (before, the serializer path),
alternating round by round so that the machine's noise falls on both alike, beside the one-query floor
(benchmarks/floor.py). ``--profile`` prints where the lean path's time goes (cProfile, top 25).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import time

import django


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=0.1)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--profile", action="store_true")
    options = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alliance.settings")
    django.setup()

    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    from alliance.models import Alliance
    from benchmarks import dataset, floor
    from benchmarks.database import bulk_loading, throwaway
    from decisions.models import Decision

    with throwaway(options.database_url) as db:
        dataset.Builder(options.scale).build()
        bulk_loading(False)
        with override_settings(DEBUG=False):
            client = Client()
            client.force_login(get_user_model().objects.get(username="benchmark"))
            alliance = Alliance.objects.order_by("pk").first()
            decision = Decision.objects.filter(alliance=alliance, advisory_inputs__isnull=False).order_by("pk").first()
            targets = [
                (
                    "decisions list",
                    f"/api/v1/decisions/?alliance={alliance.slug}&status=AGREED",
                    lambda: floor.decision_list(alliance.slug, "AGREED"),
                ),
                ("decision detail", f"/api/v1/decisions/{decision.pk}/", lambda: floor.decision_detail(decision.pk)),
            ]

            def get(url):
                response = client.get(url)
                assert response.status_code == 200, response.content[:300]
                return response

            print(f"{db['vendor']}, scale {options.scale}, median of {options.repeat}, ms")
            print(f"{'read':18} {'before':>8} {'after':>8} {'speed-up':>8} {'floor':>8} {'after/floor':>11}  queries")
            for name, url, floor_fn in targets:
                times = {True: [], False: []}
                for lean in (True, False):  # warm both
                    with override_settings(API_LEAN_READS=lean):
                        get(url)
                floor_fn()
                floor_times = []
                for _ in range(options.repeat):
                    for lean in (True, False):
                        with override_settings(API_LEAN_READS=lean):
                            started = time.perf_counter()
                            get(url)
                            times[lean].append(time.perf_counter() - started)
                    started = time.perf_counter()
                    floor_fn()
                    floor_times.append(time.perf_counter() - started)
                queries = {}
                for lean in (True, False):
                    with override_settings(API_LEAN_READS=lean), CaptureQueriesContext(connection) as captured:
                        get(url)
                    queries[lean] = len(captured)
                after, before = (statistics.median(times[k]) * 1000 for k in (True, False))
                floor_ms = statistics.median(floor_times) * 1000
                print(
                    f"{name:18} {before:8.2f} {after:8.2f} {before / after:7.1f}x {floor_ms:8.2f} "
                    f"{after / floor_ms:10.1f}x  {queries[False]} -> {queries[True]}"
                )
            if options.profile:
                for name, url, _ in targets:
                    profiler = cProfile.Profile()
                    with override_settings(API_LEAN_READS=True):
                        profiler.enable()
                        for _ in range(50):
                            get(url)
                        profiler.disable()
                    print(f"\n== {name} (lean), 50 requests")
                    stats = pstats.Stats(profiler)
                    stats.sort_stats("tottime").print_stats(30)
                    stats.sort_stats("cumulative").print_stats("lean|query.py|compiler.py|access|read_log", 40)


if __name__ == "__main__":
    main()
