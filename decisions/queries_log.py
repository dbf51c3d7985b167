"""The decision log's page rows, read as plain values (issue 23).

A page of 25 decisions loaded as model instances, each with nine related records and five prefetched
lists, cost the log about as much as the rest of its page together (docs/performance.md). The page shows
a few columns of each, so it reads them as values from the same queryset (the caller's
``decision_log(...).restrict(access)``, filtered: the one read rule), and the later decisions linked to
them through the same restricted link querysets ``decision_log`` prefetches, so a link never shows a
hidden title. Labels and the status in words come from the model's own definitions.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import datetime

from django.db.models import QuerySet

from alliance.access import CONFIDENTIAL
from decisions.models import Decision, awaiting_outcome, status_in_words
from decisions.queries import LINK_FIELDS, _links
from roles.access import Access

LOG_FIELDS = (
    "pk",
    "reference",
    "title",
    "tags",
    "kind",
    "status",
    "visibility",
    "decided_on",
    "value",
    "meeting_id",
    "taken_under_id",
    "closes_at",
    "approval_from_id",
    "body__code",
    "decided_by__name",
    "approval_from__name",
)


def log_values(decisions: QuerySet[Decision]) -> QuerySet:
    """``decisions`` (a restricted, filtered ``decision_log`` queryset) as the rows the log's page shows."""
    return decisions.prefetch_related(None).values(*LOG_FIELDS)


def _labels(field: str) -> dict:
    return {value: str(label) for value, label in Decision._meta.get_field(field).flatchoices}


def log_rows(rows, *, access: Access, url: Callable[[int], str], now: datetime) -> list[dict]:
    """A page of ``log_values`` rows shaped for the template: each with its link, its labels, its status in
    words, whether it is confidential (for the read log), and the later decisions that amend or supersede
    it that ``access`` may read (``amended_by_visible``, ``superseded_by_visible``, as ``decision_log``)."""
    rows = list(rows)
    pks = [row["pk"] for row in rows]
    later = {"amends_id": defaultdict(list), "supersedes_id": defaultdict(list)}
    for link, found in later.items():
        if pks:
            linked = _links(Decision.objects.only(*LINK_FIELDS, link), access).filter(**{f"{link}__in": pks})
            for row in linked.values(link, "reference", "title"):
                found[row[link]].append(row)
    kinds, statuses, visibilities = _labels("kind"), _labels("status"), _labels("visibility")
    shaped = []
    for row in rows:
        status = row["status"]
        awaiting = awaiting_outcome(status=status, meeting_id=row["meeting_id"], closes_at=row["closes_at"], now=now)
        approval = status == Decision.Status.AWAITING_APPROVAL and row["approval_from_id"]
        shaped.append(
            {
                **row,
                "url": url(row["pk"]),
                "decided_by__name": row["decided_by__name"] or "",
                "kind_label": kinds.get(row["kind"], row["kind"]),
                "visibility_label": visibilities.get(row["visibility"], row["visibility"]),
                "status_text": status_in_words(
                    label=statuses.get(status, status),
                    closes_at=row["closes_at"],
                    awaiting=awaiting,
                    approval_from=row["approval_from__name"] if approval else None,
                ),
                "confidential": row["visibility"] == CONFIDENTIAL,
                "amended_by_visible": later["amends_id"][row["pk"]],
                "superseded_by_visible": later["supersedes_id"][row["pk"]],
            }
        )
    return shaped
