"""Verifying the audit chains (rule 9): what ``manage.py verify_audit`` runs.

Every link is re-computed from its history row, and each domain row is compared with its latest
history row (``records``), so an edit made with raw SQL to a history row, a domain row, or a chain
itself is found and named.
"""

from __future__ import annotations

import hashlib
import multiprocessing
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from datetime import UTC, datetime

from django.apps import apps
from django.db import connections, models
from django.utils.dateparse import parse_datetime

from alliance.audit.canonical import reader
from alliance.audit.chain import GENESIS, LINK_FIELDS, history_models, meta_bytes, tracked_models
from alliance.audit.records import Problem, domain_drift, unlinked_history_rows
from alliance.formatting import day_time


@dataclass(frozen=True, slots=True)
class _Link:
    """A link read as plain values: verify_audit reads every one (docs/performance.md)."""

    chain: str
    seq: int
    history_model: str
    history_id: int
    object_model: str
    object_id: str
    history_date: datetime | None
    change_type: str
    user_id: int | None
    source: str
    username: str | None
    person_name: str | None
    prev_hash: str
    hash: str


_LINK_COLUMNS = (*LINK_FIELDS, "prev_hash", "hash")
_N = len(_LINK_COLUMNS)  # a payload query's row: the link's columns, then its history row's key and columns


def _describe(link) -> str:
    when = day_time(link.history_date, "unknown time", seconds=True)
    who = link.user_id and f"user #{link.user_id}" or link.source
    return f"link {link.chain}#{link.seq} ({link.object_model} {link.object_id}, {when}, by {who})"


def verify_chain(chain: str, *, progress=None, batch: int = 2000, jobs: int = 1) -> list[Problem]:
    """Re-compute one chain; return what is wrong, first problem first."""
    return verify_chains([chain], progress=progress, batch=batch, jobs=jobs)


def verify_chains(chains: list[str] | None = None, *, progress=None, batch: int = 2000, jobs: int = 1) -> list[Problem]:
    """Re-compute the links of ``chains`` (None: every chain); return what is wrong, in chain order."""
    return _verify(chains, progress=progress, batch=batch, jobs=jobs, rows=False)


def verify(*, alliance_id: int | None = None, progress=None, batch: int = 2000, jobs: int = 1) -> list[Problem]:
    """Everything ``verify_audit`` checks, for one alliance or all: the chains, then history rows no
    link vouches for, then domain rows that drifted from their history. Chain problems come first, in
    chain order; within a chain, first link first."""
    chains = None if alliance_id is None else [f"alliance:{alliance_id}"]
    return _verify(chains, progress=progress, batch=batch, jobs=jobs, rows=True, alliance_id=alliance_id)


def _verify(chains, *, progress, batch: int, jobs: int, rows: bool, alliance_id: int | None = None) -> list[Problem]:
    """A link holds the hash of the link before it, so each link can be checked on its own: its hash
    against its history row, its own fields and the previous hash it stores, and that stored previous
    hash against the hash of the link before it. The second check is one SQL query for every chain,
    returning only the breaks; the first reads each history table joined to its links, as plain
    values, in tasks that may run in several processes (docs/performance.md)."""
    from alliance.models import AuditChainHead, AuditLink

    listed = sorted(set(chains)) if chains is not None else all_chains()
    scope = None if chains is None else listed
    problems: list[tuple[tuple, Problem]] = _continuity(scope)
    heads = {h.chain: h for h in AuditChainHead.objects.filter(chain__in=listed)}
    ends = dict(
        AuditLink.objects.filter(chain__in=listed)
        .values_list("chain")
        .annotate(last=models.Max("seq"))
        .values_list("chain", "last")
    )
    latest = AuditLink.objects.filter(chain=models.OuterRef("chain")).order_by("-seq").values("seq")[:1]
    last_hash = dict(
        AuditLink.objects.filter(chain__in=listed, seq=models.Subquery(latest)).values_list("chain", "hash")
    )
    for chain in listed:
        message = _head_problem(chain, heads.get(chain), ends.get(chain, 0), last_hash.get(chain, GENESIS))
        if message:
            problems.append(((chain, float("inf")), Problem(chain, "head", message)))
    tasks = _payload_tasks(scope)
    if rows:
        tasks.append(("unlinked", alliance_id, 0))
        tasks += [("drift", (model._meta.label_lower, alliance_id), 0) for model in tracked_models()]
    results = _run(tasks, scope, batch=batch, jobs=jobs, progress=progress)
    for task, found in zip(tasks, results, strict=True):
        if task[0] == "links":
            problems += found
    problems += _orphan_links(scope, progress)
    problems.sort(key=lambda item: item[0])  # stable: a link's own problems keep their order
    ordered = [problem for _, problem in problems]
    for task, found in zip(tasks, results, strict=True):
        if task[0] in ("unlinked", "drift"):
            ordered += found
    return ordered


def _head_problem(chain: str, head, last: int, last_hash: str) -> str | None:
    """What is wrong with a chain's head (the record of its last link), if anything."""
    if head is None:
        if not last:
            return None
        return (
            f"Chain {chain} has links up to #{last} but no head: its head was deleted outside the application, "
            "and every change in the chain is refused until it is restored."
        )
    if head.last_seq > last:
        removed = (
            f"link #{last + 1} was" if head.last_seq == last + 1 else f"links #{last + 1} to #{head.last_seq} were"
        )
        return f"Chain {chain} ends at #{last} but its head says #{head.last_seq}: {removed} removed."
    if head.last_seq < last:
        return (
            f"Chain {chain} ends at #{last} but its head says #{head.last_seq}: the head was moved back "
            "outside the application."
        )
    if head.last_hash != last_hash:
        return (
            f"Chain {chain}'s head does not match its last link #{last}: the head was altered outside the application."
        )
    return None


def all_chains() -> list[str]:
    from alliance.models import AuditChainHead, AuditLink

    return sorted(
        set(AuditChainHead.objects.values_list("chain", flat=True))
        | set(AuditLink.objects.values_list("chain", flat=True).distinct())
    )


def _continuity(chains: list[str] | None) -> list[tuple[tuple, Problem]]:
    """The links that do not follow the link before them: a gap in the numbers, or a stored previous
    hash that is not the hash of the link before (or the genesis, for the first).

    The database finds them, each link joined to the one numbered before it through the chain's
    unique index, and returns only the breaks; each is then described against the link before it
    that does exist (docs/performance.md: seven times quicker than reading every link's hashes into Python).
    """
    from alliance.models import AuditLink

    connection = connections[AuditLink.objects.db]
    q = connection.ops.quote_name
    table, chain, seq, prev_hash = (q(AuditLink._meta.db_table), q("chain"), q("seq"), q("prev_hash"))
    scope, params = "", [GENESIS]
    if chains is not None:
        scope = f" AND a.{chain} IN ({', '.join(['%s'] * len(chains))})"
        params += chains
    sql = (
        f"SELECT a.{q('id')} FROM {table} a LEFT JOIN {table} b ON b.{chain} = a.{chain} AND b.{seq} = a.{seq} - 1 "
        f"WHERE ((a.{seq} = 1 AND a.{prev_hash} <> %s) OR (a.{seq} <> 1 AND (b.{q('id')} IS NULL "
        f"OR b.{q('hash')} <> a.{prev_hash}))){scope}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        broken = [row[0] for row in cursor.fetchall()]
    found = []
    for values in AuditLink.objects.filter(pk__in=broken).order_by("chain", "seq").values_list(*_LINK_COLUMNS):
        link = _Link(*values)
        before = (
            AuditLink.objects.filter(chain=link.chain, seq__lt=link.seq).order_by("-seq").values_list("seq", "hash")
        ).first() or (0, GENESIS)
        if link.seq != before[0] + 1:
            message = f"Chain {link.chain} jumps from #{before[0]} to #{link.seq}: links removed."
            found.append(((link.chain, link.seq), Problem(link.chain, "gap", message)))
        if link.prev_hash != before[1]:
            message = f"{_describe(link)} does not follow the link before it."
            found.append(((link.chain, link.seq), Problem(link.chain, "chain", message)))
    return found


def _link_values(connection, values: tuple) -> tuple:
    """A link's columns read with a plain cursor, with its time as the ORM would give it (aware, UTC)."""
    moment = values[6]
    if connection.vendor == "sqlite" and moment is not None:
        moment = parse_datetime(moment) if isinstance(moment, str) else moment
        moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment
    return (*values[:6], moment, *values[7:])


# Links per task when the payloads are checked in several processes: small enough to share the
# largest table (votes) between workers, large enough that a task's query costs little beside it.
TASK_LINKS = 20_000
# Below this many links a second process costs more (forking, connecting) than it saves.
PARALLEL_FROM = 20_000


def _payload_tasks(chains: list[str] | None) -> list[tuple]:
    """The links cut into tasks: a history table, or a range of its rows of about ``TASK_LINKS``
    links, each checked by one query (``_payload_task``)."""
    from alliance.models import AuditLink

    links = AuditLink.objects.all() if chains is None else AuditLink.objects.filter(chain__in=chains)
    spread = (
        links.filter(history_model__in=[m._meta.label_lower for m in history_models()])
        .values("history_model")
        .annotate(n=models.Count("id"), lo=models.Min("history_id"), hi=models.Max("history_id"))
        .order_by("history_model")
    )
    tasks = []
    for row in spread:
        pieces = -(-row["n"] // TASK_LINKS)
        step = -(-(row["hi"] - row["lo"] + 1) // pieces)
        tasks += [
            ("links", (row["history_model"], row["lo"] + k * step, row["lo"] + (k + 1) * step), row["n"] // pieces)
            for k in range(pieces)
        ]
    return tasks


def _run(tasks: list[tuple], chains, *, batch: int, jobs: int, progress) -> list[list]:
    """Each task's problems, in the order of ``tasks``. With ``jobs`` above 1, on a database another
    process can reach and outside a transaction, the tasks run in that many processes: chains do not
    depend on one another, and each link carries the previous hash it must follow, so links can be
    checked in any order."""
    from alliance.models import AuditLink

    connection = connections[AuditLink.objects.db]
    links = sum(task[2] for task in tasks)
    parallel = (
        jobs > 1
        and links >= PARALLEL_FROM
        and not connection.in_atomic_block
        and not (connection.vendor == "sqlite" and connection.is_in_memory_db())
    )
    if not parallel:
        return [_task(task, chains, batch, progress) for task in tasks]
    results: list = [None] * len(tasks)
    connections.close_all()  # each worker opens its own connection; none may share this one's socket
    largest_first = sorted(range(len(tasks)), key=lambda i: -tasks[i][2])
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        futures = {pool.submit(_task, tasks[i], chains, batch): i for i in largest_first}
        for future in as_completed(futures):
            i = futures[future]
            results[i] = future.result()
            if progress and tasks[i][2]:
                progress(tasks[i][2])
    return results


def _task(task: tuple, chains, batch: int, progress=None) -> list:
    kind, args, _ = task
    if kind == "links":
        return _payload_task(chains, args, batch, progress=progress)
    if kind == "unlinked":
        return unlinked_history_rows(alliance_id=args)
    label, alliance_id = args
    return domain_drift(apps.get_model(label), alliance_id=alliance_id)


def _orphan_links(chains, progress) -> list[tuple[tuple, Problem]]:
    """Links that name a history table no model has: their rows cannot be found."""
    from alliance.models import AuditLink

    links = AuditLink.objects.all() if chains is None else AuditLink.objects.filter(chain__in=chains)
    found = []
    labels = [m._meta.label_lower for m in history_models()]
    for values in links.exclude(history_model__in=labels).values_list(*_LINK_COLUMNS).iterator():
        link = _Link(*values)
        message = f"{_describe(link)}: its history row was deleted."
        found.append(((link.chain, link.seq), Problem(link.chain, "deleted", message)))
        if progress:
            progress(1)
    return found


def _payload_task(chains: list[str] | None, task: tuple, batch: int, progress=None) -> list[tuple[tuple, Problem]]:
    """Check the links of one history table whose rows fall in [lo, hi): one query, read in batches."""
    from alliance.models import AuditLink

    label, lo, hi = task
    model = apps.get_model(label)
    connection = connections[AuditLink.objects.db]
    q = connection.ops.quote_name
    sqlite = connection.vendor == "sqlite"
    columns, build = reader(model, connection.vendor)
    link_columns = ", ".join(
        f"CAST(l.{q(name)} AS TEXT)" if sqlite and name == "history_date" else f"l.{q(name)}" for name in _LINK_COLUMNS
    )
    selected = "".join(f", CAST(h.{q(c)} AS TEXT)" if cast else f", h.{q(c)}" for c, cast in columns)
    pk, history_id = q(model._meta.pk.column), q("history_id")
    params = [label, lo, hi]
    scope = ""
    if chains is not None:
        scope = f" AND l.{q('chain')} IN ({', '.join(['%s'] * len(chains))})"
        params += chains
    sql = (
        f"SELECT {link_columns}, h.{pk}{selected} FROM {q(AuditLink._meta.db_table)} l "
        f"LEFT JOIN {q(model._meta.db_table)} h ON h.{pk} = l.{history_id} "
        f"WHERE l.{q('history_model')} = %s AND l.{history_id} >= %s AND l.{history_id} < %s{scope}"
    )
    found = []
    sha256 = hashlib.sha256
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(batch):
            for values in rows:
                if values[_N] is None:
                    link = _Link(*_link_values(connection, values[:_N]))
                    message = f"{_describe(link)}: its history row was deleted."
                    found.append(((link.chain, link.seq), Problem(link.chain, "deleted", message)))
                    continue
                payload = build(values[_N + 1 :], values[_N])
                moment = values[6]
                if moment is None:
                    stamp = None
                elif sqlite and len(moment) in (19, 26) and moment[10] == " ":
                    stamp = f"{moment[:10]}T{moment[11:]}+00:00"
                else:
                    stamp = _link_values(connection, values[:_N])[6].astimezone(UTC).isoformat()
                meta = meta_bytes([*values[:5], str(values[5]), stamp, *values[7:10]], values[10], values[11])
                if sha256(b"%s\n%s\n%s" % (values[12].encode(), payload, meta)).hexdigest() != values[13]:
                    link = _Link(*_link_values(connection, values[:_N]))
                    message = f"{_describe(link)}: its history row or the link itself was altered."
                    found.append(((link.chain, link.seq), Problem(link.chain, "altered", message)))
            if progress:
                progress(len(rows))
    return found
