"""The measurements: reads through the real URL stack against their floors, writes through the
services, and the throughput of the CSV export and of ``verify_audit``.

Each time is the median of ``repeat`` runs after one warm-up run; times are in milliseconds.
"""

from __future__ import annotations

import contextlib
import io
import os
import statistics
import time
import tracemalloc
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from alliance.exports import csv_lines
from alliance.models import Alliance, AuditLink, Membership
from benchmarks import floor
from contracts import services as award_services
from contracts.models import AwardProcess
from decisions import services
from decisions.exports import DECISION_HEADER, decision_rows
from decisions.models import Decision
from roles.models import Person, Role, RoleAssignment
from roles.standing import SYSTEM, system_actor

DIRECTORY_ON = date(2021, 6, 30)


def median_ms(fn: Callable, repeat: int) -> float:
    fn()  # warm-up: caches, prepared plans, imports
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return round(statistics.median(times) * 1000, 3)


class Measurer:
    """Measures one built dataset; every figure is a dict ready for the table and the JSON."""

    def __init__(self, repeat: int):
        self.repeat = repeat
        self.user = get_user_model().objects.get(username="benchmark")
        self.client = Client()
        self.client.force_login(self.user)
        self.alliance = Alliance.objects.order_by("pk").first()

    # Reads ----------------------------------------------------------------------------------

    def read_targets(self) -> list[tuple[str, str, Callable[[], bytes]]]:
        a = self.alliance
        decision = Decision.objects.filter(alliance=a, advisory_inputs__isnull=False).order_by("pk").first()
        award = AwardProcess.objects.filter(alliance=a, stage="CONTRACTED").order_by("pk").first()
        award = award or AwardProcess.objects.filter(alliance=a).order_by("pk").first()
        role = Role.objects.filter(alliance=a, kind="member_representative").order_by("pk").first()
        return [
            (
                "decisions list",
                f"/api/v1/decisions/?alliance={a.slug}&status=AGREED",
                lambda: floor.decision_list(a.slug, "AGREED"),
            ),
            ("decision detail", f"/api/v1/decisions/{decision.pk}/", lambda: floor.decision_detail(decision.pk)),
            (
                "directory on a date",
                f"/api/v1/directory/?alliance={a.slug}&on={DIRECTORY_ON:%Y-%m-%d}",
                lambda: floor.directory(a.slug, DIRECTORY_ON),
            ),
            ("award audit trail", f"/api/v1/awards/{award.pk}/audit/", lambda: floor.award_trail(award.pk)),
            ("audit feed page", f"/api/v1/audit/?alliance={a.slug}", lambda: floor.audit_feed(f"alliance:{a.pk}")),
            ("role timeline", f"/api/v1/role-assignments/?role={role.pk}", lambda: floor.role_timeline(role.pk)),
        ]

    def get(self, url: str) -> bytes:
        response = self.client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"GET {url} answered {response.status_code}: {response.content[:300]!r}")
        return response.content

    def reads(self) -> list[dict]:
        figures = []
        for name, url, floor_fn in self.read_targets():
            endpoint = median_ms(lambda url=url: self.get(url), self.repeat)
            floor_ms = median_ms(floor_fn, self.repeat)
            with CaptureQueriesContext(connection) as captured:
                size = len(self.get(url))
            queries = len(captured)  # now: the next request clears the connection's query log
            sql_ms = self._sql_ms(url)
            figures.append(
                {
                    "figure": name,
                    "url": url,
                    "ms": endpoint,
                    "floor_ms": floor_ms,
                    "ratio": round(endpoint / floor_ms, 2) if floor_ms else None,
                    "queries": queries,
                    # Where the time goes: waiting on the database, against everything else (the
                    # request cycle, building queries and model instances, serialising).
                    "sql_ms": sql_ms,
                    "python_ms": round(max(endpoint - sql_ms, 0), 3),
                    "bytes": size,
                    "target": "within 5x floor",
                    "met": bool(floor_ms) and endpoint <= 5 * floor_ms,
                }
            )
        return figures

    def _sql_ms(self, url: str) -> float:
        """The median time the database took over one GET of ``url``, in milliseconds."""
        runs = []
        for _ in range(self.repeat):
            spent = []

            def timed(execute, sql, params, many, context, spent=spent):
                started = time.perf_counter()
                try:
                    return execute(sql, params, many, context)
                finally:
                    spent.append(time.perf_counter() - started)

            with connection.execute_wrapper(timed):
                self.get(url)
            runs.append(sum(spent))
        return round(statistics.median(runs) * 1000, 3)

    def request_cycle(self) -> dict:
        """The least a signed-in API request costs here: the API root, which reads nothing but the
        session and the user (middleware, authentication, content negotiation, rendering)."""
        return {"figure": "request cycle (GET /api/v1/)", "ms": median_ms(lambda: self.get("/api/v1/"), self.repeat)}

    # Writes ---------------------------------------------------------------------------------

    def _voting(self) -> list[tuple[Membership, Person]]:
        """Each voting member of the alliance with the person holding its representative role now."""
        pairs = []
        for m in Membership.objects.filter(alliance=self.alliance, status="VOTING").order_by("pk"):
            held = (
                RoleAssignment.objects.filter(
                    role__alliance=self.alliance, role__organisation=m.organisation_id,
                    role__kind=Role.Kind.MEMBER_REPRESENTATIVE, ends_on__isnull=True,
                ).select_related("person").first()
            )  # fmt: skip
            pairs.append((m, held.person))
        return pairs

    def _open_decision(self, title: str) -> Decision:
        body = self.alliance.bodies.order_by("pk").first()
        decision = services.draft_decision(
            actor=system_actor(self.user),
            body=body,
            title=title,
            proposal="That the alliance measures itself.",
            kind="KEY",
            closes_at=timezone.now() + timedelta(days=14),
        )
        return services.open_decision(actor=SYSTEM, decision=decision)

    def writes(self) -> list[dict]:
        voting = self._voting()
        decision = self._open_decision("Benchmark: votes")
        member, rep = voting[0]
        positions = iter(["AGREE", "ABSTAIN"] * (4 * self.repeat + 4))

        def vote():
            services.cast_vote(
                actor=SYSTEM, decision=decision, membership=member, position=next(positions), cast_by=rep
            )

        with_history = median_ms(vote, self.repeat)
        with override_settings(SIMPLE_HISTORY_ENABLED=False):
            without = median_ms(vote, self.repeat)
        figures = [
            {
                "figure": "cast a vote (history and chain)",
                "ms": with_history,
                "floor_ms": without,
                "ratio": round(with_history / without, 2),
                "target": "within 2x the same write without history",
                "met": with_history <= 2 * without,
            },
            {"figure": "close a decision (12 members)", "ms": self._close(voting), "target": "", "met": None},
            {"figure": "award through every stage", "ms": self._award(voting), "target": "", "met": None},
        ]
        return figures

    def _close(self, voting) -> float:
        times = []
        for n in range(self.repeat + 1):
            decision = self._open_decision(f"Benchmark: close {n}")
            for member, rep in voting:
                services.cast_vote(actor=SYSTEM, decision=decision, membership=member, position="AGREE", cast_by=rep)
            started = time.perf_counter()
            services.close_decision(actor=SYSTEM, decision=decision)
            times.append(time.perf_counter() - started)
        return round(statistics.median(times[1:]) * 1000, 3)

    def _award(self, voting) -> float:
        evaluator = Person.objects.create(name="Benchmark evaluator")
        members = [m for m, _ in voting]
        reps = dict(voting)

        def award():
            today = timezone.localdate()
            process = award_services.create_process(actor=SYSTEM,
                alliance=self.alliance, title="Benchmark award", service_category="street_outreach",
                route="MINI_COMPETITION", estimated_annual_value="300000", estimated_total_value="900000",
                started_on=today, route_justification={"value for money": "Tested by competition."},
                created_by=self.user,
            )  # fmt: skip
            award_services.open_submissions(process=process, by=self.user)
            bids = [
                award_services.record_submission(
                    actor=SYSTEM,
                    process=process,
                    bidder=m.organisation,
                    submitted_on=today,
                    price=Decimal("850000") + i,
                )
                for i, m in enumerate(members[3:5])
            ]
            award_services.start_evaluation(process=process, by=self.user)
            for bid in bids:
                for criterion in ("Quality", "Price"):
                    award_services.record_score(
                        actor=SYSTEM, submission=bid, criterion=criterion, evaluator=evaluator, score=7, scored_on=today
                    )
            award_services.recommend(process=process, submission=bids[0], reason="Best value.", by=self.user)
            decision = award_services.open_approval(
                actor=system_actor(self.user),
                process=AwardProcess.objects.get(pk=process.pk),
                closes_at=timezone.now() + timedelta(days=14),
            )
            recused = set(decision.recusals.values_list("membership_id", flat=True))
            for m in members:
                if m.pk not in recused:
                    services.cast_vote(actor=SYSTEM, decision=decision, membership=m, position="AGREE", cast_by=reps[m])
            services.close_decision(actor=SYSTEM, decision=decision)
            process = award_services.record_approval_outcome(process=AwardProcess.objects.get(pk=process.pk))
            award_services.award_contract(
                process=process, starts_on=today + timedelta(days=30), ends_on=today + timedelta(days=3 * 365)
            )

        return median_ms(award, self.repeat)

    # Throughput -----------------------------------------------------------------------------

    def throughput(self) -> list[dict]:
        figures = []
        every = Decision.objects.select_related(
            "body", "meeting", "amends", "supersedes", "taken_under__role", "decided_by"
        ).order_by("opened_at", "pk")
        rows = every.count()
        # A quarter by LIMIT, not by a list of ids (which would itself take memory that grows with rows).
        # Memory is bounded by one fetched chunk (1,000 rows) and one written block (500 lines), so the
        # comparison means something once a quarter holds more than a chunk: from 4,000 decisions.
        quarter = every[: max(1, rows // 4)]

        def export(qs):
            for _ in csv_lines(DECISION_HEADER, decision_rows(qs)):
                pass

        seconds = median_ms(lambda: export(every), max(1, self.repeat // 2)) / 1000
        small_peak = peak_memory(lambda: export(quarter))
        peak = peak_memory(lambda: export(every))
        figures.append(
            {
                "figure": "CSV export of the decision register",
                "rows": rows,
                "rows_per_s": round(rows / seconds),
                "peak_kib": round(peak / 1024),
                "peak_kib_quarter": round(small_peak / 1024),
                "target": ">= 50,000 rows/s, flat memory",
                "met": rows / seconds >= 50_000 and peak <= 1.5 * small_peak + 256 * 1024,
            }
        )
        links = AuditLink.objects.count()
        jobs = os.cpu_count() or 1  # verify_audit's default: one process per CPU
        out = io.StringIO()
        started = time.perf_counter()
        try:
            call_command("verify_audit", "--jobs", str(jobs), stdout=out, stderr=io.StringIO())
            intact = True
        except CommandError as error:
            out.write(str(error))
            intact = False
        seconds = time.perf_counter() - started
        peak = peak_memory(verify_quietly)  # in one process: each worker's share is bounded the same way
        figures.append(
            {
                "figure": f"verify_audit ({jobs} processes)",
                "jobs": jobs,
                "rows": links,
                "rows_per_s": round(links / seconds),
                "peak_kib": round(peak / 1024),
                "result": out.getvalue().strip(),
                "intact": intact,
                "target": ">= 100,000 rows/s",
                "met": intact and links / seconds >= 100_000,
            }
        )
        return figures


def verify_quietly() -> None:
    with contextlib.suppress(CommandError):  # the timed run has reported it
        call_command("verify_audit", "--jobs", "1", stdout=io.StringIO(), stderr=io.StringIO())


def peak_memory(fn: Callable) -> int:
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
