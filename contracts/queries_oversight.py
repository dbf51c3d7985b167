"""Reads of oversight's formal queries that more than one caller needs: the register (pages, API,
exports), and the open and overdue queries the home page, the oversight dashboard and the oversight
delivery view show. Dates are parameters; what the caller may read is the model's read rule."""

from __future__ import annotations

from datetime import date

from alliance.access import Access
from alliance.models import Alliance
from contracts.query_models import OversightQuery

__all__ = ["oversight_query_register", "open_and_overdue", "QUERY_HEADER", "query_rows"]


def oversight_query_register(alliance: Alliance | None = None):
    """Every query (of one alliance), with what its lists show, in one query."""
    queries = OversightQuery.objects.select_related(
        "alliance",
        "raised_by_body",
        "to_body",
        "decision",
        "award_process",
        "contract",
        "workstream",
        "answering_decision",
    )
    if alliance is not None:
        queries = queries.filter(alliance=alliance)
    return queries.order_by("-raised_on", "-pk")


def open_and_overdue(alliance: Alliance, access: Access, on: date) -> dict:
    """Oversight's open queries of ``alliance`` that ``access`` may read, as plain data: ``overdue``
    (due before ``on``, the longest overdue first) and ``open`` (not yet due, the soonest due first),
    each a list of dicts with the reference, subject, kind, body asked, raised and due dates, days
    overdue and the page's address; and the counts."""
    rows = (
        OversightQuery.objects.restrict(access)
        .filter(alliance=alliance)
        .open()
        .select_related("alliance", "to_body")
        .order_by("due_on", "pk")
    )
    overdue, waiting = [], []
    for query in rows:
        item = {
            "id": query.pk,
            "reference": query.reference,
            "subject": query.subject,
            "kind": query.get_kind_display(),
            "to_body": query.to_body.name,
            "raised_on": query.raised_on,
            "due_on": query.due_on,
            "days_overdue": max((on - query.due_on).days, 0),
            "url": query.get_absolute_url(),
        }
        (overdue if query.is_overdue_on(on) else waiting).append(item)
    return {"overdue": overdue, "open": waiting, "counts": {"overdue": len(overdue), "open": len(waiting)}}


QUERY_HEADER = [
    "Reference",
    "Kind",
    "Subject",
    "Raised by",
    "To",
    "Raised on",
    "Due on",
    "Status",
    "Overdue",
    "Concerning",
    "Response",
    "Answer",
    "Answered on",
    "Answering decision",
    "Withdrawn on",
    "Reason for withdrawal",
]


def _concerning(query: OversightQuery, access: Access) -> str:
    names = []
    for record in (query.decision, query.award_process, query.contract, query.workstream):
        if record is not None and access.can_read(record):
            names.append(getattr(record, "reference", "") or str(record))
    return "; ".join(names)


def query_rows(queries, access: Access, on: date):
    """The rows of the CSV and XLSX downloads (``QUERY_HEADER``); linked records the reader may not
    read are left out."""
    for q in queries:
        decision = q.answering_decision
        yield [
            q.reference,
            q.get_kind_display(),
            q.subject,
            q.raised_by_body.name,
            q.to_body.name,
            q.raised_on.isoformat(),
            q.due_on.isoformat(),
            q.get_status_display(),
            "yes" if q.is_overdue_on(on) else "no",
            _concerning(q, access),
            q.get_response_display() if q.response else "",
            q.answer,
            q.answered_on.isoformat() if q.answered_on else "",
            decision.reference if decision is not None and access.can_read(decision) else "",
            q.withdrawn_on.isoformat() if q.withdrawn_on else "",
            q.withdrawal_reason,
        ]
