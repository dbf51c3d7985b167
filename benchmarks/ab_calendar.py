"""A/B of the calendar feeds (issue 23): each feed as written now (alliance/ical.py) and as written before (the
``icalendar`` library, benchmarks/ical_before.py mounted on the same paths), alternated in one process on one
throwaway benchmark dataset, so "before" and "after" meet the same machine minute.

    DEBUG=true .venv/bin/python -m benchmarks.ab_calendar --scale 0.1 --repeat 15

Each figure is the median of ``--repeat`` GETs per side, taken A B A B ...; "cpu" is this process's CPU time per
GET (steadier than the wall clock on a shared machine); "same" compares the two bodies at one DTSTAMP.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from unittest import mock


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=0.1)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alliance.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from alliance.models import Alliance
    from benchmarks.database import built_signed_in

    with built_signed_in(args.scale, args.database_url) as client:
        anonymous = Client()
        a = Alliance.objects.order_by("pk").first()
        Alliance.objects.filter(pk=a.pk).update(publish_register=True)  # the public calendar's alliance
        targets = [
            ("public calendar", anonymous, f"/public/{a.slug}/calendar.ics"),
            ("members' calendar", client, f"/api/v1/exports/calendar/?alliance={a.slug}"),
        ]
        stamp = timezone.now()  # one DTSTAMP for both sides' compared bodies
        sides = {"before": "benchmarks.ical_before", "after": "alliance.urls"}

        def get(c, url):
            response = c.get(url)
            assert response.status_code == 200, (url, response.status_code, response.content[:300])
            return response.content

        print(
            f"{'read':20} {'events':>6} {'before ms':>10} {'after ms':>9} {'x':>6} {'q before':>9} {'q after':>8} "
            f"{'same':>5} {'cpu bef':>8} {'cpu aft':>8}"
        )
        for name, c, url in targets:
            times = {side: [] for side in sides}
            cpu = {side: [] for side in sides}
            bodies, queries = {}, {}
            for side, urlconf in sides.items():
                with override_settings(ROOT_URLCONF=urlconf):
                    get(c, url)
                    with (
                        mock.patch("django.utils.timezone.now", return_value=stamp),
                        CaptureQueriesContext(connection) as captured,
                    ):
                        bodies[side] = get(c, url)
                    queries[side] = len(captured)
            for _ in range(args.repeat):
                for side, urlconf in sides.items():
                    with override_settings(ROOT_URLCONF=urlconf):
                        t, p = time.perf_counter(), time.process_time()
                        get(c, url)
                        times[side].append(time.perf_counter() - t)
                        cpu[side].append(time.process_time() - p)
            before, after = (statistics.median(times[s]) * 1000 for s in sides)
            cpu_before, cpu_after = (statistics.median(cpu[s]) * 1000 for s in sides)
            same = "yes" if bodies["before"] == bodies["after"] else "NO"
            events = bodies["after"].count(b"BEGIN:VEVENT")
            print(
                f"{name:20} {events:6} {before:10.2f} {after:9.2f} {before / after:6.2f} {queries['before']:9} "
                f"{queries['after']:8} {same:>5} {cpu_before:8.2f} {cpu_after:8.2f}"
            )


if __name__ == "__main__":
    main()
