"""Reads of the delivery plan that more than one caller needs: the plan page, the API, the downloads
and oversight's delivery view.

Every read goes through the one read rule (``restrict(access)``); dates are parameters, never today
inside a query. :func:`delivered_and_slipped` answers oversight's question "what was to be delivered
by when, and what slipped" as plain data.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Prefetch, QuerySet

from alliance.access import Access
from alliance.formatting import day
from alliance.models import Alliance
from contracts.delivery_models import Milestone, Workstream, WorkstreamContract

__all__ = [
    "workstreams",
    "plan",
    "milestones",
    "dependent_contracts",
    "milestone_rows",
    "MILESTONE_HEADER",
    "delivered_and_slipped",
]


def workstreams(access: Access) -> QuerySet[Workstream]:
    """Every workstream ``access`` may read, with what a list shows."""
    return (
        Workstream.objects.restrict(access)
        .select_related("alliance", "owner_role", "body", "adopted_by", "changed_by")
        .order_by("alliance", "title", "pk")
    )


def milestones(access: Access) -> QuerySet[Milestone]:
    """Every milestone ``access`` may read (through its workstream), with what a list shows."""
    return (
        Milestone.objects.restrict(access)
        .select_related("workstream__alliance", "target_changed_by", "rag_set_by")
        .order_by("workstream__title", "workstream_id", "order", "target_on", "pk")
    )


def dependent_contracts(access: Access) -> QuerySet[WorkstreamContract]:
    return WorkstreamContract.objects.restrict(access).select_related("contract__provider", "workstream")


def plan(alliance: Alliance, access: Access) -> list[Workstream]:
    """The alliance's workstreams ``access`` may read, each with ``milestone_list`` and ``contract_links``
    (the readable ones), in a fixed number of queries."""
    return list(
        workstreams(access)
        .filter(alliance=alliance)
        .prefetch_related(
            Prefetch("milestones", queryset=milestones(access), to_attr="milestone_list"),
            Prefetch("dependent_contracts", queryset=dependent_contracts(access), to_attr="contract_links"),
        )
    )


MILESTONE_HEADER = [
    "workstream",
    "workstream_status",
    "milestone",
    "baseline_target_on",
    "target_on",
    "actual_on",
    "slippage_days",
    "past_due",
    "status",
    "status_reason",
    "status_set_by",
    "status_set_at",
    "target_moved_by",
]


def milestone_rows(rows, *, on: date, access: Access):
    """The rows of the plan's milestones download (``MILESTONE_HEADER``), dates ISO 8601; a decision that
    moved a target is named only to a reader who may read it."""
    for m in rows:
        moved_by = m.target_changed_by
        yield [
            m.workstream.title,
            m.workstream.get_status_display(),
            m.title,
            m.baseline_target_on.isoformat(),
            m.target_on.isoformat(),
            m.actual_on.isoformat() if m.actual_on else "",
            m.slippage_days(on),
            "yes" if m.is_past_due_on(on) else "no",
            m.get_rag_display(),
            m.rag_reason,
            (m.rag_set_by.get_full_name() or m.rag_set_by.username) if m.rag_set_by else "",
            m.rag_set_at.isoformat() if m.rag_set_at else "",
            (moved_by.reference if access.can_read(moved_by) else "a decision you may not read") if moved_by else "",
        ]


def delivered_and_slipped(alliance: Alliance, access: Access, on: date) -> dict:
    """What was to be delivered by when, and what slipped, on ``on``: for oversight's delivery view.

    Returns ``{"on", "workstreams": [...], "totals": {...}}``. Each workstream is ``{"id", "title",
    "status", "owner", "url", "milestones": [...]}``; each milestone ``{"id", "title",
    "baseline_target_on", "target_on", "actual_on", "slippage_days", "past_due", "rag", "rag_label",
    "rag_reason", "slipped", "target_moved_by"}`` where ``slipped`` means its current target or actual
    date is later than the baseline. Totals count milestones, achieved, slipped, past due, red and
    amber. Only what ``access`` may read is counted or named.
    """
    result, totals = [], dict.fromkeys(("milestones", "achieved", "slipped", "past_due", "red", "amber"), 0)
    for workstream in plan(alliance, access):
        rows = []
        for m in workstream.milestone_list:
            slippage = m.slippage_days(on)
            moved_by = m.target_changed_by
            row = {
                "id": m.pk,
                "title": m.title,
                "baseline_target_on": m.baseline_target_on,
                "target_on": m.target_on,
                "actual_on": m.actual_on,
                "slippage_days": slippage,
                "past_due": m.is_past_due_on(on),
                "rag": m.rag,
                "rag_label": m.get_rag_display(),
                "rag_reason": m.rag_reason,
                "slipped": slippage > 0,
                "target_moved_by": moved_by.reference if moved_by and access.can_read(moved_by) else None,
            }
            rows.append(row)
            totals["milestones"] += 1
            totals["achieved"] += m.actual_on is not None
            totals["slipped"] += row["slipped"]
            totals["past_due"] += row["past_due"]
            totals["red"] += m.rag == Milestone.Rag.RED
            totals["amber"] += m.rag == Milestone.Rag.AMBER
        result.append(
            {
                "id": workstream.pk,
                "title": workstream.title,
                "status": workstream.status,
                "owner": workstream.owner_role.title if workstream.owner_role else "",
                "url": workstream.get_absolute_url(),
                "milestones": rows,
            }
        )
    return {"on": on, "on_label": day(on), "workstreams": result, "totals": totals}
