"""A/B of the roles slice's reads (issue 23): each URL with the lean path on and off, alternated in one
process on one throwaway benchmark dataset, so "before" and "after" meet the same machine minute.

    DEBUG=true .venv/bin/python -m benchmarks.ab_roles --scale 0.1 --repeat 15 [--profile NAME]

Each figure is the median of ``--repeat`` GETs per side, taken A B A B ...; queries are counted once per side.
"cpu" is this process's own CPU time per GET (``time.process_time``): steadier than the wall clock on a shared
machine, and it leaves out the database server's time on PostgreSQL.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=0.1)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--profile", default="", help="Profile the lean side of the read whose name starts so.")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alliance.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    from alliance.models import Alliance
    from benchmarks.database import built_signed_in
    from benchmarks.measure import DIRECTORY_ON
    from contracts.models import AwardProcess
    from roles.models import Role

    with built_signed_in(args.scale, args.database_url) as client:
        anonymous = Client()
        a = Alliance.objects.order_by("pk").first()
        Alliance.objects.filter(pk=a.pk).update(publish_register=True)  # the public calendar's alliance
        award = AwardProcess.objects.filter(alliance=a, stage="CONTRACTED").order_by("pk").first()
        role = Role.objects.filter(alliance=a, kind="member_representative").order_by("pk").first()
        targets = [
            ("directory on a date", client, f"/api/v1/directory/?alliance={a.slug}&on={DIRECTORY_ON:%Y-%m-%d}"),
            ("role timeline", client, f"/api/v1/role-assignments/?role={role.pk}"),
            ("award audit trail", client, f"/api/v1/awards/{award.pk}/audit/"),
            ("public calendar", anonymous, f"/public/{a.slug}/calendar.ics"),
            ("members' calendar", client, f"/api/v1/exports/calendar/?alliance={a.slug}"),
            ("decision register CSV", client, f"/api/v1/exports/decisions/?alliance={a.slug}"),
            ("API root (request cycle)", client, "/api/v1/"),
        ]

        def get(c, url):
            response = c.get(url, HTTP_ACCEPT="application/json")
            body = b"".join(response.streaming_content) if response.streaming else response.content
            assert response.status_code == 200, (url, response.status_code, body[:300])
            return body

        print(
            f"{'read':28} {'before ms':>10} {'after ms':>9} {'x':>6} {'q before':>9} {'q after':>8} {'same':>5} "
            f"{'cpu bef':>8} {'cpu aft':>8}"
        )
        for name, c, url in targets:
            times = {True: [], False: []}
            cpu = {True: [], False: []}
            bodies, queries = {}, {}
            for lean in (True, False):
                with override_settings(API_LEAN_READS=lean):
                    get(c, url)
                    with CaptureQueriesContext(connection) as captured:
                        bodies[lean] = get(c, url)
                    queries[lean] = len(captured)
            for _ in range(args.repeat):
                for lean in (False, True):
                    with override_settings(API_LEAN_READS=lean):
                        t, p = time.perf_counter(), time.process_time()
                        get(c, url)
                        times[lean].append(time.perf_counter() - t)
                        cpu[lean].append(time.process_time() - p)
            before = statistics.median(times[False]) * 1000
            after = statistics.median(times[True]) * 1000
            cpu_before = statistics.median(cpu[False]) * 1000
            cpu_after = statistics.median(cpu[True]) * 1000
            same = _same(bodies[False], bodies[True])
            print(
                f"{name:28} {before:10.2f} {after:9.2f} {before / after:6.2f} "
                f"{queries[False]:9} {queries[True]:8} {same:>5} {cpu_before:8.2f} {cpu_after:8.2f}"
            )
            if args.profile and name.startswith(args.profile):
                import cProfile
                import pstats

                with override_settings(API_LEAN_READS=True):
                    profile = cProfile.Profile()
                    profile.enable()
                    for _ in range(20):
                        get(c, url)
                    profile.disable()
                stats = pstats.Stats(profile).sort_stats(os.environ.get("SORT", "cumulative"))
                stats.print_stats(int(os.environ.get("LINES", "45")))


def _same(a: bytes, b: bytes) -> str:
    """Equal as JSON when both parse, else byte for byte (a calendar's stamp is the time of the GET: ignored)."""
    import json
    import re

    try:
        return "yes" if json.loads(a) == json.loads(b) else "NO"
    except ValueError:
        stamp = re.compile(rb"DTSTAMP:[0-9TZ]+")
        return "yes" if stamp.sub(b"", a) == stamp.sub(b"", b) else "NO"


if __name__ == "__main__":
    main()
