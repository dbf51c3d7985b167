"""The database's plan for every query a measured read issues, written to a Markdown file.

For each read the benchmark measures, one request is made with every query it sends captured
(statement and parameters, through ``connection.execute_wrapper``); each distinct SELECT is then
asked for its plan: ``EXPLAIN (ANALYZE, BUFFERS)`` on PostgreSQL (the plan as run, with its times and
the pages it touched), ``EXPLAIN QUERY PLAN`` on SQLite (which has no executed plan). Under each plan
a line names the indexes it used and flags every sequential scan of a table that grows with the data
(decisions, votes, history, audit links, role assignments, awards …): on a national deployment those
are the scans that turn a millisecond read into a second's.

It runs on whatever database the benchmark is pointed at, so a database kept by ``--keep-database``
can be explained again on later code without building it again::

    benchmark --reuse-database bench_s4 --reads-only --skip-growth --repeat 1 --explain docs/performance-plans.md
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.db import connection, transaction

# Tables whose rows grow with time or with the number of alliances, by model; every history table
# (django-simple-history's ``Historical*``) is added to these. Small per-alliance tables (alliances,
# organisations, memberships, bodies, policies) are not here: a scan of those stays cheap.
GROWING_MODELS = (
    "alliance.AuditLink",
    "alliance.AuditCheckpoint",
    "alliance.ReadLogEntry",
    "alliance.MembershipStatusChange",
    "alliance.Notification",
    "alliance.Sending",
    "alliance.Document",
    "alliance.DocumentVersion",
    "alliance.SearchEntry",
    "alliance.SearchTerm",
    "alliance.ForwardPlanEntry",
    "roles.Person",
    "roles.Role",
    "roles.RoleAssignment",
    "roles.DelegatedAuthority",
    "roles.InterestDeclaration",
    "roles.AccessGrant",
    "decisions.Meeting",
    "decisions.Attendance",
    "decisions.Decision",
    "decisions.Vote",
    "decisions.Recusal",
    "decisions.AdvisoryInput",
    "decisions.AdviceRequest",
    "decisions.AdvisoryResponse",
    "decisions.ActionItem",
    "decisions.Release",
    "decisions.AgendaItem",
    "decisions.DecisionApproval",
    "contracts.AwardProcess",
    "contracts.StageTransition",
    "contracts.AwardInterest",
    "contracts.Submission",
    "contracts.EvaluationScore",
    "contracts.Contract",
    "contracts.ContractTerm",
    "contracts.OversightNote",
    "contracts.Milestone",
    "contracts.MeasureReturn",
    "contracts.OversightQuery",
    "contracts.SavingsRecord",
    "sessions.Session",
)

SQL_SHOWN = 600  # characters of a statement shown above its plan
# A growing table holding fewer rows than this here (empty, or a few sessions) is read whole by any
# good plan; its scan is listed with the small tables' rather than flagged.
FEW_ROWS = 1000


def growing_tables(rows: dict[str, int] | None = None) -> set[str]:
    """The database tables of ``GROWING_MODELS`` and of every history model; given the tables' row
    counts, only those that hold ``FEW_ROWS`` or more."""
    tables = set()
    for label in GROWING_MODELS:
        try:
            tables.add(apps.get_model(label)._meta.db_table)
        except LookupError:  # a model renamed or gone: the list is advice, not a contract
            continue
    tables.update(m._meta.db_table for m in apps.get_models() if m.__name__.startswith("Historical"))
    if rows is not None:
        tables = {t for t in tables if rows.get(t, 0) >= FEW_ROWS}
    return tables


def row_counts() -> dict[str, int]:
    """Rows of every table: PostgreSQL's estimate (from ANALYZE), SQLite's count."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT relname, reltuples::bigint FROM pg_class WHERE relkind = 'r'")
            return dict(cursor.fetchall())
        counts = {}
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f'SELECT count(*) FROM "{table}"')
            counts[table] = cursor.fetchone()[0]
        return counts


@dataclass
class Plan:
    """One distinct statement of a request and what its plan says."""

    sql: str
    params: tuple
    times: int = 1
    text: str = ""
    indexes: dict[str, str] = field(default_factory=dict)  # index name: its table
    seq_scans: list[str] = field(default_factory=list)
    execution_ms: float | None = None
    error: str = ""

    def growing_scans(self, growing: set[str]) -> list[str]:
        return sorted({t for t in self.seq_scans if t in growing})

    def growing_indexes(self, growing: set[str]) -> list[str]:
        """The indexes on growing tables it uses, but the primary keys (a row by its id is no question)."""
        return [
            i for i, table in self.indexes.items() if table in growing and not i.endswith(("_pkey", "(primary key)"))
        ]


def capture(fn) -> list[Plan]:
    """Call ``fn`` and return each distinct SELECT it sent, with how many times it was sent."""
    seen: dict[str, Plan] = {}

    def record(execute, sql, params, many, context):
        if not many and re.match(r"\s*(SELECT|WITH)\b", sql, re.IGNORECASE):
            if sql in seen:
                seen[sql].times += 1
            else:
                seen[sql] = Plan(sql=sql, params=tuple(params or ()))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        fn()
    return list(seen.values())


def explain(plan: Plan) -> Plan:
    """Ask the database for ``plan``'s statement's plan, and read the indexes and scans off it."""
    postgres = connection.vendor == "postgresql"
    prefix = "EXPLAIN (ANALYZE, BUFFERS) " if postgres else "EXPLAIN QUERY PLAN "
    try:
        with connection.cursor() as cursor:
            cursor.execute(prefix + plan.sql, plan.params)
            rows = cursor.fetchall()
    except Exception as error:  # a plan that cannot be had is reported, not fatal to the others
        plan.error = f"{type(error).__name__}: {error}".strip()
        return plan
    if postgres:
        plan.text = "\n".join(row[0] for row in rows)
        plan.indexes, plan.seq_scans, plan.execution_ms = read_postgres_plan(plan.text)
    else:
        plan.text = "\n".join(f"{'  ' * _depth(rows, row)}{row[3]}" for row in rows)
        plan.indexes, plan.seq_scans = read_sqlite_plan([row[3] for row in rows], _aliases(plan.sql))
    return plan


def read_postgres_plan(text: str) -> tuple[dict[str, str], list[str], float | None]:
    """The indexes a PostgreSQL plan uses (each with its table), the tables it reads by sequential
    scan, and its execution time."""
    indexes, scans, heap = {}, [], ""
    for line in text.splitlines():
        if found := re.search(r"Index (?:Only )?Scan (?:Backward )?using (\S+) on (\S+)", line):
            indexes.setdefault(found.group(1), found.group(2))
        elif found := re.search(r"Bitmap Heap Scan on (\S+)", line):
            heap = found.group(1)
        elif found := re.search(r"Bitmap Index Scan on (\S+)", line):
            indexes.setdefault(found.group(1), heap)
        elif found := re.search(r"Seq Scan on (\S+)", line):
            scans.append(found.group(1))
    timed = re.search(r"Execution Time: ([\d.]+) ms", text)
    return indexes, _unique(scans), float(timed.group(1)) if timed else None


def read_sqlite_plan(details: Iterable[str], aliases: dict[str, str]) -> tuple[dict[str, str], list[str]]:
    """The same from SQLite's ``EXPLAIN QUERY PLAN`` lines: ``SCAN t`` reads all of ``t`` (in an
    index's order when ``USING … INDEX`` follows), ``SEARCH t USING INDEX i`` looks rows up."""
    indexes, scans = {}, []
    for detail in details:
        table = re.match(r"(?:SCAN|SEARCH) (\S+)", detail)
        table = aliases.get(table.group(1), table.group(1)) if table else ""
        used = re.search(r"USING (?:COVERING )?INDEX (\S+)", detail)
        if used:
            indexes.setdefault(used.group(1), table)
        elif "USING INTEGER PRIMARY KEY" in detail or "USING PRIMARY KEY" in detail:
            indexes.setdefault(f"{table} (primary key)", table)
        if detail.startswith("SCAN "):
            scans.append(table)
    return indexes, _unique(scans)


def _aliases(sql: str) -> dict[str, str]:
    """Django's table aliases in ``sql`` (``"decisions_vote" U0``), so scans are named by table."""
    return {alias: table for table, alias in re.findall(r'"(\w+)" (?:AS )?"?([A-Z]+\d+)\b', sql)}


def _depth(rows: list, row) -> int:
    parents = {r[0]: r[1] for r in rows}
    depth, parent = 0, row[1]
    while parent in parents and depth < 20:
        depth, parent = depth + 1, parents[parent]
    return depth


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


def shorten(sql: str, limit: int = SQL_SHOWN) -> str:
    """The statement on one line, its column lists folded to a count, cut at ``limit`` characters."""
    flat = re.sub(r"\s+", " ", sql).strip()

    def fold(match: re.Match) -> str:
        columns = match.group(2).count(",") + 1
        return f"{match.group(1)}…{columns} columns… FROM" if columns > 3 else match.group(0)

    flat = re.sub(r"(SELECT (?:DISTINCT )?)((?:(?!SELECT |FROM ).)*?) FROM", fold, flat)
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _targets(measurer) -> list[tuple[str, str]]:
    """(name, url) of each read the measurer measures (``benchmarks.measure.Read``)."""
    return [(target.name, target.url) for target in measurer.read_targets()]


def other_reads(measurer) -> list[tuple[str, str]]:
    """The other hot reads of issue 23 (pages, exports, calendars), explained too while the benchmark
    does not time them: of the measurer's alliance, as its signed-in user. One the user may not see
    (a register the alliance does not publish) is reported as not answered."""
    from decisions.models import Decision

    a = measurer.alliance
    decision = Decision.objects.filter(alliance=a, visibility="PUBLIC").order_by("-pk").first()
    reads = [
        ("decision log (HTML)", f"/alliances/{a.slug}/decisions/"),
        ("audit feed (HTML)", f"/alliances/{a.slug}/audit/"),
        ("decision register CSV", f"/api/v1/exports/decisions/?alliance={a.slug}"),
        ("members' calendar", f"/api/v1/exports/calendar/?alliance={a.slug}"),
        ("public register", f"/public/{a.slug}/"),
        ("public awards", f"/public/{a.slug}/awards/"),
        ("public calendar", f"/public/{a.slug}/calendar.ics"),
    ]
    if decision is not None:
        reads[1:1] = [("decision page (HTML)", f"/alliances/{a.slug}/decisions/{decision.pk}/")]
        reads.append(("public decision", f"/public/{a.slug}/decisions/{decision.pk}/"))
    return reads


@contextlib.contextmanager
def published(alliance):
    """The alliance's register published while the block runs, then put back as it was (rolled back):
    the benchmark's alliances do not publish theirs, and a reused database is left as it was built."""
    from alliance.models import Alliance

    with transaction.atomic():
        Alliance.objects.filter(pk=alliance.pk).update(publish_register=True)
        yield
        transaction.set_rollback(True)


def fetch(client, url: str) -> bytes:
    """GET ``url`` whole (a streamed download too); refuse any answer but 200."""
    response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"answered {response.status_code}")
    return b"".join(response.streaming_content) if response.streaming else response.content


def explain_reads(measurer, path: str, title: str = "") -> list[dict]:
    """Explain every query of every read ``measurer`` measures, and of the other hot reads; write the
    Markdown to ``path`` and return one summary per read (for the benchmark's JSON)."""
    growing = growing_tables(row_counts())
    summaries, sections = [], []
    measured = _targets(measurer)
    known = {url for _, url in measured}
    reads = [(name, url, measurer.get) for name, url in measured]
    reads += [
        (name, url, lambda url: fetch(measurer.client, url)) for name, url in other_reads(measurer) if url not in known
    ]
    for name, url, get in reads:
        try:
            with published(measurer.alliance) if url.startswith("/public/") else contextlib.nullcontext():
                get(url)  # warm: the plans below are of a request like the measured ones
                plans = [explain(p) for p in capture(lambda url=url, get=get: get(url))]
        except Exception as error:  # one read that fails is reported; the others are still explained
            summaries.append({"figure": name, "url": url, "error": f"{type(error).__name__}: {error}"})
            sections.append(f"## {name}\n\n`GET {url}` failed: {type(error).__name__}: {error}\n")
            continue
        summary = summarise(name, url, plans, growing)
        summaries.append(summary)
        sections.append(section(summary, plans, growing))
    Path(path).write_text(document(title, summaries, sections, growing))
    return summaries


def summarise(name: str, url: str, plans: list[Plan], growing: set[str]) -> dict:
    times = [p.execution_ms for p in plans if p.execution_ms is not None]
    return {
        "figure": name,
        "url": url,
        "queries": sum(p.times for p in plans),
        "distinct": len(plans),
        "execution_ms": round(sum(p.execution_ms * p.times for p in plans if p.execution_ms), 3) if times else None,
        "slowest_ms": max(times) if times else None,
        "indexes": _unique(i for p in plans for i in p.indexes),
        "growing_indexes": _unique(i for p in plans for i in p.growing_indexes(growing)),
        "seq_scans": _unique(t for p in plans for t in p.seq_scans),
        "growing_seq_scans": _unique(t for p in plans for t in p.growing_scans(growing)),
        "errors": [p.error for p in plans if p.error],
    }


def verdict(plan: Plan, growing: set[str]) -> str:
    """The line under a plan: the indexes it uses and, loudly, each scan of a growing table."""
    if plan.error:
        return f"Plan not available: {plan.error}"
    used = [f"`{i}` ({t})" if t and t not in i else f"`{i}`" for i, t in plan.indexes.items()]
    parts = [f"Indexes: {', '.join(used)}" if used else "Indexes: none"]
    bad = plan.growing_scans(growing)
    if bad:
        word = "Seq Scan" if connection.vendor == "postgresql" else "full scan"
        parts.append(f"**{word} on growing table{'s' if len(bad) > 1 else ''}: {', '.join(bad)}**")
    small = [t for t in plan.seq_scans if t not in growing]
    if small:
        parts.append(f"scans of small tables: {', '.join(small)}")
    if plan.execution_ms is not None:
        parts.append(f"{plan.execution_ms:.3f} ms")
    return " · ".join(parts)


def section(summary: dict, plans: list[Plan], growing: set[str]) -> str:
    lines = [
        f"## {summary['figure']}",
        "",
        f"`GET {summary['url']}`: {summary['queries']} queries, {summary['distinct']} distinct SELECTs explained.",
        "",
    ]
    for n, plan in enumerate(plans, 1):
        times = f" (sent {plan.times} times)" if plan.times > 1 else ""
        lines += [f"### {n}.{times}", "", "```sql", shorten(plan.sql), "```", "", "```", plan.text or "-", "```", ""]
        lines += [verdict(plan, growing), ""]
    return "\n".join(lines)


def document(title: str, summaries: list[dict], sections: list[str], growing: set[str]) -> str:
    postgres = connection.vendor == "postgresql"
    how = "`EXPLAIN (ANALYZE, BUFFERS)`" if postgres else "`EXPLAIN QUERY PLAN`"
    lines = [
        "# Query plans of the measured reads",
        "",
        f"{title}. Written by `manage.py benchmark --explain`: every distinct SELECT one request of each "
        f"read sends, with its plan ({how}), the indexes it uses and every sequential scan of a table "
        f"that grows with the data and holds {FEW_ROWS:,} rows or more here: every such history table and "
        f"{', '.join(sorted(t for t in growing if '_historical' not in t))}.",
        "",
        "| read | queries | DB ms (sum) | slowest ms | seq scans of growing tables | indexes used on growing tables |",
        "| --- | ---: | ---: | ---: | --- | --- |",
    ]
    for s in summaries:
        if "error" in s:
            lines.append(f"| {s['figure']} | failed: {s['error']} | | | | |")
            continue
        db_ms = "" if s["execution_ms"] is None else f"{s['execution_ms']:.2f}"
        slowest = "" if s["slowest_ms"] is None else f"{s['slowest_ms']:.2f}"
        scans = ", ".join(s["growing_seq_scans"]) or "none"
        lines.append(
            f"| {s['figure']} | {s['queries']} | {db_ms} | {slowest} | {scans} | "
            f"{', '.join(s['growing_indexes']) or '-'} |"
        )
    return "\n".join(lines) + "\n\n" + "\n".join(sections)
