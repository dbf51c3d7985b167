"""The measurements: reads through the real URL stack against their floors, writes through the
services, and the throughput of the CSV export and of ``verify_audit``.

Each time is the median of ``repeat`` runs after warm-up runs (``WARM_UP`` for a read, one for a write); times
are in milliseconds.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import re
import statistics
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import orjson
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from alliance.exports import csv_lines
from alliance.models import Alliance, AuditLink, Membership
from benchmarks import breakdown
from contracts import services as award_services
from contracts.models import AwardProcess
from decisions import services
from decisions.exports import DECISION_HEADER, decision_rows
from decisions.models import Decision
from roles.models import Person, Role, RoleAssignment
from roles.standing import SYSTEM, system_actor

DIRECTORY_ON = date(2021, 6, 30)


# Runs of a read before the timed ones: Python's caches and imports, and PostgreSQL's prepared statements,
# which a connection prepares on their second run (DATABASE_PREPARED_STATEMENTS) and plans afresh for their
# first five executions before it keeps a generic plan. A server's connection runs each read many times:
# the timed runs are that steady state. A write or an export warms up once (each run adds rows).
WARM_UP = 7


def median_ms(fn: Callable, repeat: int, warm_up: int = 1) -> float:
    for _ in range(warm_up):
        fn()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return round(statistics.median(times) * 1000, 3)


EMPTY = "/__floor__/empty/"
# Those that cannot go without the session: measured together as well.
SESSION_AND_USER = {
    "SessionMiddleware", "AuthenticationMiddleware", "MessageMiddleware", "AxesMiddleware",
    "AllianceStandingMiddleware",
}  # fmt: skip

# Middleware of ours standing in for a library's, to cut per-request work: each is measured as both.
REPLACED = {"alliance.csp.CSPMiddleware": "csp.middleware.CSPMiddleware"}

# The measured reads are served through the benchmark's URLconf: the product's URLs, with the floor and
# peer views beside them (benchmarks/urls.py), never mounted in production.
BENCHMARK_URLS = override_settings(ROOT_URLCONF="benchmarks.urls")


def ratio(ms: float, other: float) -> float | None:
    return round(ms / other, 2) if other else None


# How each side of a read shows its rows, to check that product, floor and peer answered the same ones.


def _json(body: bytes):
    return orjson.loads(body)


def page_ids(side: str, body: bytes) -> list:
    data = _json(body)
    rows = data["results"] if isinstance(data, dict) else data
    return [row["id"] for row in rows]


def detail_votes(side: str, body: bytes) -> list:
    data = _json(body)
    if side == "floor":
        return [row["id"] for row in data if row["part"] == "vote"]
    return [vote["id"] for vote in data["votes"]]


def holders(side: str, body: bytes) -> list:
    data = _json(body)
    if side == "product":
        return [h["assignment_id"] if "assignment_id" in h else h["id"] for r in data["roles"] for h in r["holders"]]
    if side == "floor":
        return [row["assignment_id"] for row in data if row["assignment_id"] is not None]
    return [row["id"] for row in data]


def links(pattern: str) -> Callable[[str, bytes], list]:
    """The ids an HTML page links to (each row links to its record once or more), or a JSON side's ids."""

    def ids(side: str, body: bytes) -> list:
        if side == "product":
            return sorted({int(pk) for pk in re.findall(pattern, body.decode())})
        return page_ids(side, body)

    return ids


def events(side: str, body: bytes) -> list:
    if side == "product":
        return [None] * body.count(b"BEGIN:VEVENT")
    if side == "peer":
        data = _json(body)
        return [row["id"] for row in data["meetings"] + data["planned"]]
    return page_ids(side, body)


def csv_rows(side: str, body: bytes) -> list:
    if side == "product":
        return [None] * (len(list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))) - 1)
    return page_ids(side, body)


@dataclass
class Read:
    """One measured read: the product's URL, its floor's and its peer's, and how to read their rows."""

    name: str
    url: str
    floor_url: str
    peer_url: str
    rows: Callable[[str, bytes], list] | None
    paged: bool = True  # growth to 4x data is a target only for reads that answer a page
    peer_page: int | None = None  # the peer pages by 50: compare its first rows with a smaller page


class Measurer:
    """Measures one built dataset; every figure is a dict ready for the table and the JSON."""

    def __init__(self, repeat: int):
        self.repeat = repeat
        self.user = get_user_model().objects.get(username="benchmark")
        self.client = Client()
        self.client.force_login(self.user)
        self.alliance = Alliance.objects.order_by("pk").first()

    # Reads ----------------------------------------------------------------------------------

    def read_targets(self) -> list[Read]:
        a = self.alliance
        decision = Decision.objects.filter(alliance=a, advisory_inputs__isnull=False).order_by("pk").first()
        public = Decision.objects.filter(alliance=a, visibility="PUBLIC").exclude(status="DRAFT").order_by("pk").first()
        award = AwardProcess.objects.filter(alliance=a, stage="CONTRACTED").order_by("pk").first()
        award = award or AwardProcess.objects.filter(alliance=a).order_by("pk").first()
        role = Role.objects.filter(alliance=a, kind="member_representative").order_by("pk").first()
        on = f"{DIRECTORY_ON:%Y-%m-%d}"
        chain = f"alliance:{a.pk}"
        public_link = rf"/public/{a.slug}/decisions/(\d+)/"
        return [
            Read("decisions list", f"/api/v1/decisions/?alliance={a.slug}&status=AGREED",
                 f"/__floor__/decisions/?alliance={a.slug}&status=AGREED",
                 f"/__peer__/decisions/?alliance__slug={a.slug}&status=AGREED", page_ids),
            Read("decision detail", f"/api/v1/decisions/{decision.pk}/", f"/__floor__/decisions/{decision.pk}/",
                 f"/__peer__/decisions/{decision.pk}/", detail_votes),
            Read("directory on a date", f"/api/v1/directory/?alliance={a.slug}&on={on}",
                 f"/__floor__/directory/?alliance={a.slug}&on={on}",
                 f"/__peer__/directory/?role__alliance__slug={a.slug}&on={on}", holders),
            Read("role timeline", f"/api/v1/role-assignments/?role={role.pk}",
                 f"/__floor__/role-assignments/?role={role.pk}", f"/__peer__/role-assignments/?role={role.pk}",
                 page_ids),
            Read("award audit trail", f"/api/v1/awards/{award.pk}/audit/", f"/__floor__/awards/{award.pk}/audit/",
                 f"/__peer__/awards/{award.pk}/", None, paged=False),
            Read("audit feed", f"/api/v1/audit/?alliance={a.slug}", f"/__floor__/audit/?chain={chain}",
                 f"/__peer__/audit/?chain={chain}", page_ids),
            Read("audit feed page (HTML)", f"/alliances/{a.slug}/audit/", f"/__floor__/audit/?chain={chain}",
                 f"/__peer__/audit/?chain={chain}", None),
            Read("public register page (HTML)", f"/public/{a.slug}/", f"/__floor__/public/{a.slug}/",
                 f"/__peer__/public-decisions/?alliance__slug={a.slug}", links(public_link)),
            Read("public decision page (HTML)", f"/public/{a.slug}/decisions/{public.pk}/",
                 f"/__floor__/public/{a.slug}/decisions/{public.pk}/", f"/__peer__/public-decisions/{public.pk}/",
                 None, paged=False),
            Read("decision log page (HTML)", f"/alliances/{a.slug}/decisions/",
                 f"/__floor__/decision-log/?alliance={a.slug}", f"/__peer__/decisions/?alliance__slug={a.slug}",
                 links(rf"/alliances/{a.slug}/decisions/(\d+)/"), peer_page=25),
            Read("calendar (iCalendar)", f"/public/{a.slug}/calendar.ics", f"/__floor__/public/{a.slug}/calendar.ics",
                 f"/__peer__/calendar/?body__alliance__slug={a.slug}", events, paged=False),
            Read("decisions export (CSV)", f"/api/v1/exports/decisions/?alliance={a.slug}",
                 f"/__floor__/exports/decisions/?alliance={a.slug}",
                 f"/__peer__/decision-export/?alliance__slug={a.slug}", csv_rows, paged=False),
        ]  # fmt: skip

    def get(self, url: str, client: Client | None = None) -> bytes:
        response = (client or self.client).get(url)
        if response.status_code != 200:
            body = b"".join(response.streaming_content) if response.streaming else response.content
            raise RuntimeError(f"GET {url} answered {response.status_code}: {body[:300]!r}")
        return b"".join(response.streaming_content) if response.streaming else response.content

    @BENCHMARK_URLS
    def reads(self, *, full: bool = True) -> list[dict]:
        """Each read: the product, and (``full``) its BEFORE (serializer path), FLOOR and PEER, in this run.
        Without ``full`` (the growth run), the product's time only."""
        figures = []
        for read in self.read_targets():
            product = median_ms(lambda url=read.url: self.get(url), self.repeat, WARM_UP)
            figure = {"figure": read.name, "url": read.url, "paged": read.paged, "ms": product}
            if full:
                figure.update(self._compare(read, product))
            figures.append(figure)
        return figures

    def _compare(self, read: Read, product: float) -> dict:
        with override_settings(API_LEAN_READS=False):
            before = median_ms(lambda: self.get(read.url), self.repeat, WARM_UP)
        floor_ms = median_ms(lambda: self.get(read.floor_url), self.repeat, WARM_UP)
        peer_ms = median_ms(lambda: self.get(read.peer_url), self.repeat, WARM_UP)
        with CaptureQueriesContext(connection) as captured:
            body = self.get(read.url)
        queries = len(captured)  # now: the next request clears the connection's query log
        sql_ms = self._sql_ms(read.url)
        slices = breakdown.slices_of(self._getter(read.url), self.repeat)
        return {
            "floor_url": read.floor_url,
            "peer_url": read.peer_url,
            "before_ms": before,
            "floor_ms": floor_ms,
            "peer_ms": peer_ms,
            "ratio_to_floor": ratio(product, floor_ms),
            "ratio_to_stock_drf": ratio(product, peer_ms),
            "before_ratio_to_floor": ratio(before, floor_ms),
            "before_ratio_to_stock_drf": ratio(before, peer_ms),
            "queries": queries,
            # Where the time goes: waiting on the database, against everything else (the request
            # cycle, building queries and model instances, serialising).
            "sql_ms": sql_ms,
            "python_ms": round(max(product - sql_ms, 0), 3),
            # Where the rest goes: the request in exclusive slices, and the functions that take most time.
            "slices": slices,
            "largest_slices": breakdown.largest({"slices": slices}),
            "profile": breakdown.profile_of(lambda: self.get(read.url)),
            "bytes": len(body),
            "same_rows": self._same_rows(read, body),
            "target": "within 2x floor, >= 5x faster than stock DRF",
            "met_floor": bool(floor_ms) and product <= 2 * floor_ms,
            "met_stock_drf": bool(peer_ms) and 5 * product <= peer_ms,
            "met": bool(floor_ms and peer_ms) and product <= 2 * floor_ms and 5 * product <= peer_ms,
        }

    def _same_rows(self, read: Read, body: bytes) -> dict | None:
        """The rows product, floor and peer answered, by id where the answer shows ids, else by count:
        proof that the three are measured on the same data."""
        if read.rows is None:
            return None
        found = {
            "product": read.rows("product", body),
            "floor": read.rows("floor", self.get(read.floor_url)),
            "peer": read.rows("peer", self.get(read.peer_url))[: read.peer_page],
        }
        by_count = None in found["product"]  # a calendar or a CSV shows no ids: compare the number of rows
        shown = {side: len(ids) if by_count else sorted(ids) for side, ids in found.items()}
        return {
            **{side: len(ids) for side, ids in found.items()},
            "by": "count" if by_count else "id",
            "equal": shown["product"] == shown["floor"] == shown["peer"],
        }

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

    # The request cycle ----------------------------------------------------------------------

    def _client(self) -> Client:
        """A client signed in as the measurer's (the same session cookie), with its own handler: Django
        builds a handler's middleware chain once, so a changed MIDDLEWARE needs a new client."""
        client = Client()
        client.cookies = self.client.cookies
        return client

    def _getter(self, url: str) -> Callable[[], Callable[[], bytes]]:
        """Makes a GET of ``url`` through a new client signed in as the measurer (for breakdown.slices_of)."""

        def new_get():
            client = self._client()
            return lambda: self.get(url, client)

        return new_get

    def _client_for(self, middleware: list[str]) -> Client:
        with override_settings(MIDDLEWARE=middleware):
            client = self._client()
            self.get(EMPTY, client)  # builds its chain under this MIDDLEWARE, kept by the client's handler
        return client

    def _cycle_ms(self, url: str, middleware: list[str], runs: int) -> float:
        with override_settings(MIDDLEWARE=middleware):
            client = self._client()
            return median_ms(lambda: self.get(url, client), runs, WARM_UP)

    @BENCHMARK_URLS
    def request_cycle(self) -> dict:
        """What a request costs before any read: (a) a bare view with no middleware, (b) the same view behind
        the product's MIDDLEWARE signed in, (c) the API root signed in (session, user, DRF's negotiation and
        rendering). Target: (c) within 1.5x of (b)."""
        runs = max(self.repeat * 10, 30)
        bare = self._cycle_ms(EMPTY, [], runs)
        full = self._cycle_ms(EMPTY, list(settings.MIDDLEWARE), runs)
        api = median_ms(lambda: self.get("/api/v1/"), runs, WARM_UP)
        slices = breakdown.slices_of(self._getter("/api/v1/"), runs)
        return {
            "figure": "request cycle",
            "runs": runs,
            "bare_ms": bare,
            "middleware_ms": full,
            "ms": api,
            "ratio": ratio(api, full),
            "slices": slices,
            "largest_slices": breakdown.largest({"slices": slices}),
            "target": "GET /api/v1/ within 1.5x of a bare view behind the middleware",
            "met": api <= 1.5 * full,
        }

    @BENCHMARK_URLS
    def middleware_costs(self) -> list[dict]:
        """Each middleware's cost: the bare view behind every middleware against the same without that one.
        The two are timed in turn, request by request (so a busy moment of the machine falls on both), and
        the cost is the difference of their medians; below about 0.02 ms it is noise.

        The session middleware cannot go alone (authentication reads the session; messages, axes and the
        alliance standing read the user): it is measured with those that need it, as a group."""
        runs = max(self.repeat * 20, 60)
        every = list(settings.MIDDLEWARE)
        alone = [m for m in every if not m.endswith(".SessionMiddleware")]
        groups = [[m] for m in alone] + [[m for m in every if m.rsplit(".", 1)[-1] in SESSION_AND_USER]]
        variants = [(group, every, [m for m in every if m not in group]) for group in groups]
        # Before and after: a middleware of ours that stands in for a library's is measured as the library's too.
        for ours, stock in REPLACED.items():
            if ours in every:
                variants.append(([stock], [stock if m == ours else m for m in every], [m for m in every if m != ours]))
        figures = []
        for group, with_group, without in variants:
            full, less = self._client_for(with_group), self._client_for(without)
            with_times, without_times = [], []
            for _ in range(runs):
                for client, times in ((full, with_times), (less, without_times)):
                    started = time.perf_counter()
                    self.get(EMPTY, client)
                    times.append(time.perf_counter() - started)
            with_ms = statistics.median(with_times) * 1000
            figures.append(
                {
                    "middleware": f"{group[0]} (before)"
                    if group[0] in REPLACED.values()
                    else " + ".join(m.rsplit(".", 1)[-1] for m in group),
                    "path": " + ".join(group),
                    "ms": round(with_ms - statistics.median(without_times) * 1000, 3),
                    "with_ms": round(with_ms, 3),
                    "runs": runs,
                }
            )
        return figures

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
