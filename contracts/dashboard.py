"""The oversight dashboard's figures: each a small table that a chart draws and a screen reader reads.

Every figure is one aggregate query (or one of the apps' shared reads), whatever the number of
records, so the page stays fast on ten years of an alliance's history.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Sum
from django.db.models.functions import ExtractQuarter, ExtractYear

from alliance.models import Alliance
from contracts.models import AwardProcess, Route
from decisions.models import ActionItem, Decision
from decisions.queries import advice_awaited, matters_decided_more_than_once, unanswered_advice
from roles.queries import turnover


def award_routes_by_year(alliance: Alliance) -> dict:
    """Award processes started per year and route: how many, and their estimated total value."""
    rows = (
        AwardProcess.objects.filter(alliance=alliance)
        .exclude(stage=AwardProcess.Stage.CANCELLED)
        .annotate(year=ExtractYear("started_on"))
        .values("year", "route")
        .annotate(n=Count("id"), value=Sum("estimated_total_value"))
        .order_by("year", "route")
    )
    years = sorted({r["year"] for r in rows})
    routes = list(Route.values)
    count = {(r["year"], r["route"]): r["n"] for r in rows}
    value = {(r["year"], r["route"]): r["value"] or Decimal(0) for r in rows}
    labels = dict(Route.choices)
    return {
        "years": years,
        "routes": [{"route": r, "label": labels[r]} for r in routes],
        "rows": [
            {
                "year": y,
                "cells": [{"count": count.get((y, r), 0), "value": value.get((y, r), Decimal(0))} for r in routes],
            }
            for y in years
        ],
    }


def time_to_decision_by_body(alliance: Alliance) -> list[dict]:
    """Average days from opening to closing, per body, over closed decisions."""
    rows = (
        Decision.objects.filter(alliance=alliance, opened_at__isnull=False, closed_at__isnull=False)
        .annotate(took=ExpressionWrapper(F("closed_at") - F("opened_at"), output_field=DurationField()))
        .values("body__code", "body__name")
        .annotate(average=Avg("took"), n=Count("id"))
        .order_by("body__code")
    )
    return [
        {
            "body": r["body__code"],
            "name": r["body__name"],
            "decisions": r["n"],
            "days": round(r["average"].total_seconds() / 86400, 1) if r["average"] is not None else None,
        }
        for r in rows
    ]


OUTCOMES = [
    Decision.Status.AGREED,
    Decision.Status.AWAITING_APPROVAL,
    Decision.Status.NOT_APPROVED,
    Decision.Status.NOT_AGREED,
    Decision.Status.LAPSED,
    Decision.Status.WITHDRAWN,
    Decision.Status.DEFERRED,
]


def decisions_per_quarter(alliance: Alliance) -> dict:
    """Decisions closed per quarter, by outcome."""
    rows = (
        Decision.objects.filter(alliance=alliance, decided_on__isnull=False, status__in=OUTCOMES)
        .annotate(year=ExtractYear("decided_on"), quarter=ExtractQuarter("decided_on"))
        .values("year", "quarter", "status")
        .annotate(n=Count("id"))
        .order_by("year", "quarter")
    )
    table = defaultdict(dict)
    for r in rows:
        table[(r["year"], r["quarter"])][r["status"]] = r["n"]
    labels = dict(Decision.Status.choices)
    return {
        "outcomes": [{"status": s, "label": labels[s]} for s in OUTCOMES],
        "rows": [
            {"quarter": f"{y} Q{q}", "counts": [table[(y, q)].get(s, 0) for s in OUTCOMES]} for (y, q) in sorted(table)
        ],
    }


def action_item_summary(alliance: Alliance, on: date) -> dict:
    items = ActionItem.objects.of_alliance(alliance.pk)
    open_items = items.filter(status=ActionItem.Status.OPEN)
    summary = {
        "open": open_items.count(),
        "overdue": open_items.filter(due_on__lt=on).count(),
        "done": items.filter(status=ActionItem.Status.DONE).count(),
    }
    summary["not_due"] = summary["open"] - summary["overdue"]
    return summary


def advice_summary(alliance: Alliance) -> dict:
    """Advice no response answers yet, and advisory members asked and not yet heard on open matters."""
    return {"unanswered": unanswered_advice(alliance).count(), "awaited": advice_awaited(alliance).count()}


def dashboard(alliance: Alliance, on: date) -> dict:
    revisited = matters_decided_more_than_once(alliance)
    return {
        "routes": award_routes_by_year(alliance),
        "time_to_decision": time_to_decision_by_body(alliance),
        "per_quarter": decisions_per_quarter(alliance),
        "revisited": revisited,
        "turnover": turnover(alliance),
        "actions": action_item_summary(alliance, on),
        "advice": advice_summary(alliance),
    }


def chart_data(figures: dict) -> dict:
    """The same figures in the plain shape the page's script hands to Chart.js."""
    routes = figures["routes"]
    return {
        "routesCount": {
            "labels": [str(y) for y in routes["years"]],
            "series": [
                {"label": r["label"], "data": [row["cells"][i]["count"] for row in routes["rows"]]}
                for i, r in enumerate(routes["routes"])
            ],
        },
        "routesValue": {
            "labels": [str(y) for y in routes["years"]],
            "series": [
                {"label": r["label"], "data": [float(row["cells"][i]["value"]) for row in routes["rows"]]}
                for i, r in enumerate(routes["routes"])
            ],
        },
        "timeToDecision": {
            "labels": [r["body"] for r in figures["time_to_decision"]],
            "series": [{"label": "Average days", "data": [r["days"] for r in figures["time_to_decision"]]}],
        },
        "perQuarter": {
            "labels": [r["quarter"] for r in figures["per_quarter"]["rows"]],
            "series": [
                {"label": o["label"], "data": [row["counts"][i] for row in figures["per_quarter"]["rows"]]}
                for i, o in enumerate(figures["per_quarter"]["outcomes"])
            ],
        },
        "turnover": {
            "labels": [str(t["year"]) for t in figures["turnover"]],
            "series": [{"label": "Role holders who left", "data": [t["total"] for t in figures["turnover"]]}],
        },
        "actionItems": {
            "labels": ["Open, not yet due", "Overdue", "Done"],
            "series": [
                {
                    "label": "Action items",
                    "data": [figures["actions"][k] for k in ("not_due", "overdue", "done")],
                }
            ],
        },
        "revisited": {
            "labels": [", ".join(g["tags"][:2]) or g["decisions"][0].title[:30] for g in figures["revisited"]],
            "series": [{"label": "Decisions on the matter", "data": [g["count"] for g in figures["revisited"]]}],
        },
    }
