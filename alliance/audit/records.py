"""Rows the audit chains do not vouch for (rule 9): history rows no link holds, and domain rows that
differ from their latest history row. Either was written outside the application.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from django.db import connections, models

from alliance.audit.canonical import converter, row_fields
from alliance.audit.chain import NO_ALLIANCE, chain_of, history_models, in_alliance
from alliance.formatting import day_time


@dataclass
class Problem:
    chain: str
    kind: str
    message: str


def _chunks(iterator: Iterator, size: int) -> Iterator[list]:
    chunk = []
    for item in iterator:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def unlinked_history_rows(*, alliance_id: int | None = None) -> list[Problem]:
    """History rows no link vouches for. The application links every row it writes, so the row was
    either inserted outside it or its link was removed. A row recorded after its chain's last link
    is what cutting links off the end of the chain (and moving its head back to match) leaves
    behind: it is reported as links removed, the rest as rows inserted."""
    from alliance.models import AuditLink

    problems = []
    ends: dict[str, tuple | None] = {}
    for model in history_models():
        label = model._meta.label_lower
        rows = model._default_manager.all()
        if alliance_id is not None and (rows := in_alliance(model, rows, alliance_id)) is None:
            continue
        # NOT EXISTS, not NOT IN: PostgreSQL turns ``NOT IN (subquery)`` over more ids than fit in work_mem into
        # a scan of every link per row (quadratic: over 12 minutes for one alliance's votes at scale 4), while
        # an anti-join walks the links' unique index on (history_model, history_id).
        linked = AuditLink.objects.filter(history_model=label, history_id=models.OuterRef("pk"))
        for row in rows.exclude(models.Exists(linked)).order_by("pk")[:5]:
            chain = chain_of(getattr(model, "instance_type", None) or model, row)
            if chain not in ends:
                ends[chain] = (
                    AuditLink.objects.filter(chain=chain)
                    .exclude(history_date=None)
                    .order_by("-seq")
                    .values_list("seq", "history_date")
                    .first()
                )
            end, when = ends[chain], _recorded_at(row)
            if end is None:
                problems.append(
                    Problem(
                        chain,
                        "removed",
                        f"{label} row {row.pk} has no link, and chain {chain} has none left: its links were "
                        "removed outside the application.",
                    )
                )
            elif when is not None and when >= end[1]:
                problems.append(
                    Problem(
                        chain,
                        "removed",
                        f"{label} row {row.pk} has no link, and was recorded on {day_time(when, seconds=True)}, after "
                        f"chain {chain}'s last link #{end[0]}: links were removed from the end of the chain "
                        "(or the row was inserted outside the application).",
                    )
                )
            else:
                problems.append(
                    Problem(
                        chain,
                        "inserted",
                        f"{label} row {row.pk} is in no chain: it was inserted outside the application.",
                    )
                )
    return problems


def _recorded_at(row) -> datetime | None:
    """When a history row was recorded; a many-to-many row, when the version it was kept with was."""
    when = getattr(row, "history_date", None)
    if when is None and any(f.name == "history" for f in row._meta.concrete_fields):
        parent = row._meta.get_field("history").related_model
        when = parent._default_manager.filter(pk=row.history_id).values_list("history_date", flat=True).first()
    return when


def _drift_candidates(model, history, fields: list, rows: models.QuerySet, *, scoped: bool) -> list:
    """Primary keys of domain rows that have no history or differ, as stored, from their latest version."""
    connection = connections[rows.db]
    q = connection.ops.quote_name
    same = "IS" if connection.vendor == "sqlite" else "IS NOT DISTINCT FROM"
    domain, hist, pk = q(model._meta.db_table), q(history._meta.db_table), q(model._meta.pk.column)
    equal = " AND ".join(f"d.{q(f.column)} {same} h.{q(f.column)}" for f in fields) or "1 = 1"
    params: tuple = ()
    scope = ""
    if scoped:
        scope_sql, params = rows.values("pk").query.sql_with_params()
        scope = f"d.{pk} IN ({scope_sql}) AND "
    sql = (
        f"SELECT d.{pk} FROM {domain} d LEFT JOIN {hist} h ON h.history_id = ("
        f"SELECT h2.history_id FROM {hist} h2 WHERE h2.{pk} = d.{pk} "
        f"ORDER BY h2.history_date DESC, h2.history_id DESC LIMIT 1) "
        f"WHERE {scope}(h.history_id IS NULL OR NOT ({equal})) ORDER BY d.{pk} LIMIT 1000"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


def domain_drift(model, *, alliance_id: int | None = None) -> list[Problem]:
    """Domain rows that differ from their latest history row: changed, added or removed by raw SQL."""
    history = model.history.model
    compared = [(f.attname, f, converter(f)) for f in row_fields(model) if hasattr(history, f.attname)]
    pk_name = model._meta.pk.attname
    latest = history.objects.filter(**{pk_name: models.OuterRef("pk")}).order_by("-history_date", "-history_id")
    rows = model._default_manager.all()
    if alliance_id is not None and (rows := in_alliance(model, rows, alliance_id)) is None:
        return []
    # The database finds the rows whose stored values differ from their latest history row (or that
    # have none); Python then confirms each with the canonical comparison and names the field. Rows
    # stored identically are identical canonically, so nothing is missed (docs/performance.md: verify_audit no
    # longer reads every domain row into Python).
    candidates = _drift_candidates(model, history, [f for _, f, _ in compared], rows, scoped=alliance_id is not None)
    rows = rows.filter(pk__in=candidates).annotate(_last_history=models.Subquery(latest.values("history_id")[:1]))
    names = [name for name, _, _ in compared]
    problems = []
    label = model._meta.label_lower
    values = rows.order_by("pk").values_list("pk", "_last_history", *names)
    for chunk in _chunks(values.iterator(chunk_size=2000), 2000):
        ids = [r[1] for r in chunk if r[1] is not None]
        last = {
            h[0]: h
            for h in history.objects.filter(history_id__in=ids).values_list("history_id", "history_date", *names)
        }
        for row in chunk:
            record = last.get(row[1])
            if record is None:
                problems.append(
                    Problem(
                        NO_ALLIANCE, "unrecorded", f"{label} {row[0]} has no history: added outside the application."
                    )
                )
                continue
            for (_, field, normalise), current, recorded in zip(compared, row[2:], record[2:], strict=True):
                if normalise(current) != normalise(recorded):
                    problems.append(
                        Problem(
                            NO_ALLIANCE,
                            "drift",
                            f"{label} {row[0]}: '{field.name}' differs from its last recorded version "
                            f"of {day_time(record[1], seconds=True)}: changed outside the application.",
                        )
                    )
                    break
    # Objects whose history goes on after the domain row is gone, with no deletion recorded.
    recorded = history.objects.all()
    if alliance_id is not None:
        recorded = in_alliance(history, recorded, alliance_id)
    # Anti-joins (NOT EXISTS) for the reason given in unlinked_history_rows.
    deleted = history.objects.filter(history_type="-", **{pk_name: models.OuterRef(pk_name)})
    vanished = (
        recorded.exclude(models.Exists(model._default_manager.filter(pk=models.OuterRef(pk_name))))
        .exclude(models.Exists(deleted))
        .values_list(pk_name, flat=True)
        .distinct()
        .order_by(pk_name)[:5]
    )
    for pk in vanished:
        problems.append(
            Problem(
                NO_ALLIANCE,
                "removed",
                f"{label} {pk} was deleted without a history row: removed outside the application.",
            )
        )
    return problems
