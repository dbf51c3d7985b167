"""Oversight's delivery view: the four questions of issue 21 answered on one page and one endpoint.

1. What was to be delivered by when, and what slipped (the delivery plan's milestones).
2. How each service performs against its measures (the latest returns against their targets).
3. What is in and out of scope, and the savings target against what was delivered.
4. Which contracts end within the notice period without a decision on their future.
And, beside them, the Oversight Group's open and overdue queries.

Each answer comes from the part that owns it (contracts.queries_delivery, queries_measures, queries_scope,
queries_warnings, queries_oversight), read through the one read rule with the caller's ``access``; this
module only puts them side by side, as plain data (dates, Decimals, strings), for the page and the API.
"""

from __future__ import annotations

from datetime import date

from alliance.access import CONFIDENTIAL, Access
from alliance.models import Alliance
from contracts.delivery_models import Workstream
from contracts.measure_models import Measure
from contracts.queries_delivery import delivered_and_slipped
from contracts.queries_measures import service_performance
from contracts.queries_oversight import open_and_overdue
from contracts.queries_scope import scope_and_savings
from contracts.queries_warnings import contracts_ending_without_decision
from contracts.query_models import OversightQuery

__all__ = ["delivery_overview", "contracts_in_notice", "confidential_shown"]


def contracts_in_notice(alliance: Alliance, access: Access, on: date) -> list[dict]:
    """The contracts ``access`` may read that end within the notice period with no decision on their future,
    the soonest end first, as plain data: whether the notice deadline has passed, and the forward plan's
    entry that announces the decision due (published so providers outside the alliance see it)."""
    rows = []
    for warning in contracts_ending_without_decision(alliance, access, on):
        contract, entry = warning.contract, warning.entry
        rows.append(
            {
                "id": contract.pk,
                "title": contract.title,
                "provider": str(contract.provider),
                "service_category": contract.get_service_category_display(),
                "in_scope": contract.in_scope,
                "annual_value": contract.annual_value,
                "ends_on": contract.ends_on,
                "extension_until": contract.extension_until,
                "notice_starts_on": warning.notice_starts_on,
                "decision_due_on": warning.decision_due_on,
                "days_left": warning.days_left,
                "overdue": warning.overdue,
                "forward_plan": None
                if entry is None
                else {"title": entry.title, "expected_on": entry.expected_on, "published": entry.published},
            }
        )
    return rows


def delivery_overview(alliance: Alliance, access: Access, on: date) -> dict:
    """Every answer of oversight's delivery view for ``alliance`` on ``on``, as ``access`` may read it."""
    return {
        "on": on,
        "delivery": delivered_and_slipped(alliance, access, on),
        "performance": service_performance(alliance, access, on),
        "scope": scope_and_savings(alliance, access, on),
        "contracts_in_notice": contracts_in_notice(alliance, access, on),
        "queries": open_and_overdue(alliance, access, on),
    }


def confidential_shown(overview: dict) -> dict[type, int]:
    """How many confidential records of each kind the overview names (for the read log): one query a kind."""
    shown = {
        Workstream: [w["id"] for w in overview["delivery"]["workstreams"]],
        Measure: [m["id"] for s in overview["performance"] for m in s["measures"]],
        OversightQuery: [q["id"] for q in overview["queries"]["overdue"] + overview["queries"]["open"]],
    }
    counts = {}
    for model, ids in shown.items():
        if ids:
            counts[model] = model.objects.filter(pk__in=ids, visibility=CONFIDENTIAL).count()
    return {model: n for model, n in counts.items() if n}
