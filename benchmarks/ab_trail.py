"""A/B of the award audit trail (issue 23): ``GET /api/v1/awards/<pk>/audit/`` as it was before issue 23 (the trail
builder of ``git show 503a22e:contracts/trail.py``, loaded into this process, behind the serializer) beside the
trail of this branch behind the serializer (``API_LEAN_READS`` off) and behind the lean answer, alternated in
one process on one throwaway benchmark dataset, so the three meet the same machine minute.

    DEBUG=true .venv/bin/python -m benchmarks.ab_trail --scale 0.1 --repeat 15 [--database-url URL] [--profile]

Each figure is the median of ``--repeat`` GETs per side; queries are counted once per side; "same" says whether
the three answers are equal as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import types


def _main_trail(ref: str):
    """The trail module as it is on ``ref``, loaded beside this branch's (for the "before" side only)."""
    source = subprocess.run(["git", "show", f"{ref}:contracts/trail.py"], capture_output=True, check=True, text=True)
    module = types.ModuleType("trail_before")
    exec(compile(source.stdout, "trail_before.py", "exec"), module.__dict__)
    return module


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=0.1)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--database-url", default=None)
    parser.add_argument(
        "--before",
        default="503a22e",
        help="The git ref whose trail builder is 'before' (default: main before issue 23's trail changes).",
    )
    parser.add_argument("--profile", action="store_true", help="Profile the lean side.")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alliance.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test import override_settings
    from django.test.utils import CaptureQueriesContext
    from rest_framework.response import Response

    from alliance.models import Alliance
    from api.serializers import contracts as s
    from api.views.contracts import AwardViewSet
    from benchmarks.database import built_signed_in
    from contracts import queries
    from contracts.models import AwardProcess
    from roles.access import request_access

    old = _main_trail(args.before)
    after_audit = AwardViewSet.audit
    after_queryset = AwardViewSet.get_queryset

    def before_audit(self, request, pk=None):
        return Response(
            s.AuditEventSerializer(old.award_audit_trail(self.get_object(), request_access(request)), many=True).data
        )

    def before_queryset(self):
        return queries.award_register()

    def use(side: str) -> None:
        before = side == "before"
        AwardViewSet.audit = before_audit if before else after_audit
        AwardViewSet.get_queryset = before_queryset if before else after_queryset

    with built_signed_in(args.scale, args.database_url) as client:
        alliance = Alliance.objects.order_by("pk").first()  # the benchmark user's (benchmarks/ab_roles.py)
        awards = AwardProcess.objects.filter(alliance=alliance, stage="CONTRACTED").order_by("pk")
        sides = {"after, lean": True, "after, serializer": False, "before": True}

        def get(url):
            response = client.get(url, HTTP_ACCEPT="application/json")
            assert response.status_code == 200, (url, response.status_code, response.content[:300])
            return response.content

        print(f"{'award':>8} {'events':>6} " + " ".join(f"{n + ' ms':>19} {'q':>3}" for n in sides) + "  x    same")
        for award in awards[:3]:
            url = f"/api/v1/awards/{award.pk}/audit/"
            times, queries_of, bodies = {n: [] for n in sides}, {}, {}
            for name, lean in sides.items():
                use(name)
                with override_settings(API_LEAN_READS=lean):
                    get(url)
                    with CaptureQueriesContext(connection) as captured:
                        bodies[name] = json.loads(get(url))
                    queries_of[name] = len(captured)
            for _ in range(args.repeat):
                for name, lean in sides.items():
                    use(name)
                    with override_settings(API_LEAN_READS=lean):
                        t = time.perf_counter()
                        get(url)
                        times[name].append(time.perf_counter() - t)
            medians = {n: statistics.median(times[n]) * 1000 for n in sides}
            same = "yes" if len({json.dumps(b, sort_keys=True) for b in bodies.values()}) == 1 else "NO"
            x = medians["before"] / medians["after, lean"]
            cells = " ".join(f"{medians[n]:19.2f} {queries_of[n]:3}" for n in sides)
            print(f"{award.pk:>8} {len(bodies['before']):6} {cells} {x:4.1f}  {same}")
            if same == "NO":
                _show_difference(bodies["before"], bodies["after, lean"])
        use("after, lean")
        if args.profile:
            import cProfile
            import pstats

            url = f"/api/v1/awards/{awards[0].pk}/audit/"
            profile = cProfile.Profile()
            profile.enable()
            for _ in range(20):
                get(url)
            profile.disable()
            pstats.Stats(profile).sort_stats(os.environ.get("SORT", "cumulative")).print_stats(40)


def _show_difference(before: list, after: list) -> None:
    for i, (a, b) in enumerate(zip(before, after, strict=False)):
        if a != b:
            print("  first difference at event", i, file=sys.stderr)
            print("  before:", a, file=sys.stderr)
            print("  after: ", b, file=sys.stderr)
            return
    print(f"  lengths differ: {len(before)} and {len(after)}", file=sys.stderr)


if __name__ == "__main__":
    main()
