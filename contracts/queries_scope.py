"""Reads of the scope register, the budget envelope and the savings delivered.

What is in and out of scope, what each line is worth and which contracts deliver it; per financial year
of the envelope: the envelope, the contracts' spend, the savings required and delivered, and the
shortfall, by service line and by member.

**Savings required are counted against the baseline**: in year N the alliance must spend the baseline
year's envelope less year N's (``baseline_amount - amount_for(N)``), so a saving made in year 2 must
still be there in year 5. A saving recorded for a year (``SavingsRecord``) is what that year spent
less than the baseline on that line. Each row also shows the step from the previous year
(``new_this_year``), the part of the target that is new that year.

Dates are parameters; every reader passes its ``access`` (the one read rule).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum

from alliance.access import Access
from alliance.models import Alliance
from contracts.models import Contract
from contracts.queries import budget_by_year, financial_year
from contracts.scope_models import BudgetEnvelope, SavingsRecord, ServiceLine

ZERO = Decimal("0.00")


def year_label(year: int) -> str:
    return f"{year}/{(year + 1) % 100:02d}"


# The register -------------------------------------------------------------------------------


def scope_register(alliance: Alliance, access: Access) -> QuerySet[ServiceLine]:
    """The alliance's service lines the reader may read, in scope first, with provider, deciding decision
    and how many contracts (the reader may read) deliver each."""
    readable = Contract.objects.restrict(access).values("pk")
    return (
        ServiceLine.objects.filter(alliance=alliance)
        .restrict(access)
        .select_related("alliance", "provider", "changed_by__alliance")
        .annotate(contract_count=Count("contracts", filter=Q(contracts__in=readable), distinct=True))
        .order_by("-active", "-in_scope", "name", "pk")
    )


def scope_totals(lines) -> dict:
    """Counts and annual values of the funded lines in scope and retained, and of the whole."""
    out = {"in_scope": ZERO, "retained": ZERO, "in_scope_count": 0, "retained_count": 0, "ended_count": 0}
    for line in lines:
        if not line.active:
            out["ended_count"] += 1
            continue
        key = "in_scope" if line.in_scope else "retained"
        out[key] += line.annual_value
        out[f"{key}_count"] += 1
    out["total"] = out["in_scope"] + out["retained"]
    return out


def line_contracts(line: ServiceLine, access: Access) -> QuerySet[Contract]:
    """The contracts the reader may read that deliver ``line``."""
    return (
        Contract.objects.filter(service_line=line)
        .restrict(access)
        .select_related("provider", "awarded_through")
        .order_by("starts_on", "pk")
    )


def unrecorded_in_scope_lines(alliance: Alliance, access: Access) -> list[ServiceLine]:
    """Funded in-scope service lines with no recorded contract: the budget page cannot count them."""
    return list(
        ServiceLine.objects.filter(alliance=alliance, in_scope=True, active=True, contracts__isnull=True)
        .restrict(access)
        .select_related("provider")
        .order_by("name", "pk")
        .distinct()
    )


# The envelope and savings -------------------------------------------------------------------


def current_envelope(alliance: Alliance, access: Access) -> BudgetEnvelope | None:
    """The envelope set last (an earlier one is kept in the history of envelopes)."""
    return (
        BudgetEnvelope.objects.filter(alliance=alliance)
        .restrict(access)
        .select_related("set_by", "set_by_decision__alliance", "agreement")
        .order_by("-set_on", "-pk")
        .first()
    )


def envelopes(alliance: Alliance, access: Access) -> QuerySet[BudgetEnvelope]:
    return (
        BudgetEnvelope.objects.filter(alliance=alliance)
        .restrict(access)
        .select_related("set_by", "set_by_decision__alliance")
        .order_by("-set_on", "-pk")
    )


def savings_records(alliance: Alliance, access: Access) -> QuerySet[SavingsRecord]:
    return (
        SavingsRecord.objects.filter(alliance=alliance)
        .restrict(access)
        .select_related("service_line", "member", "decision__alliance", "recorded_by")
        .order_by("financial_year", "service_line__name", "pk")
    )


def savings_by_year(alliance: Alliance, access: Access, on: date, envelope: BudgetEnvelope | None = None) -> list[dict]:
    """One row per financial year of the envelope: the envelope, the contracts' spend in scope, savings
    required (against the baseline) and the part new that year, savings delivered, and the shortfall.

    A year that has not started on ``on`` is ``to_come``: its shortfall is ``None`` (nothing was due yet)."""
    envelope = envelope or current_envelope(alliance, access)
    if envelope is None:
        return []
    spend = {row["financial_year"]: row["committed"] for row in budget_by_year(alliance, access)}
    delivered = dict(
        SavingsRecord.objects.filter(alliance=alliance)
        .restrict(access)
        .values_list("financial_year")
        .annotate(total=Sum("amount"))
        .values_list("financial_year", "total")
    )
    rows, previous_required = [], ZERO
    for n in range(1, envelope.years + 1):
        year = envelope.baseline_year + n - 1
        amount = envelope.amount_for(n)
        required = envelope.baseline_amount - amount
        done = (delivered.get(year) or ZERO).quantize(ZERO)
        to_come = year > financial_year(on)
        rows.append(
            {
                "year_number": n,
                "financial_year": year,
                "label": year_label(year),
                "envelope": amount,
                "spend": spend.get(year, ZERO),
                "required": required,
                "new_this_year": required - previous_required,
                "delivered": done,
                "shortfall": None if to_come else max(required - done, ZERO),
                "met": None if to_come else done >= required,
                "to_come": to_come,
            }
        )
        previous_required = required
    return rows


def savings_breakdown(alliance: Alliance, access: Access, years: list[int]) -> dict:
    """Savings delivered per year by service line and by member: ``{"lines": [{name, cells, total}],
    "members": [...]}``, each ``cells`` in the order of ``years``."""
    records = SavingsRecord.objects.filter(alliance=alliance, financial_year__in=years).restrict(access)
    out = {}
    for key, name_field in (("lines", "service_line__name"), ("members", "member__name")):
        table = defaultdict(lambda: defaultdict(Decimal))
        sums = records.values(name_field, "financial_year").annotate(total=Sum("amount")).order_by(name_field)
        for row in sums:
            table[row[name_field] or "The alliance as a whole"][row["financial_year"]] += row["total"]
        out[key] = [
            {
                "name": name,
                "cells": [by_year.get(y, ZERO).quantize(ZERO) for y in years],
                "total": sum(by_year.values(), ZERO).quantize(ZERO),
            }
            for name, by_year in sorted(table.items())
        ]
    return out


def chart_data(rows: list[dict]) -> dict:
    """The envelope, spend and savings in the plain shape the project's chart script draws."""
    labels = [r["label"] for r in rows]
    return {
        "envelope": {
            "labels": labels,
            "series": [
                {"label": "Envelope", "data": [float(r["envelope"]) for r in rows]},
                {"label": "Spend on contracts in scope", "data": [float(r["spend"]) for r in rows]},
            ],
        },
        "savings": {
            "labels": labels,
            "series": [
                {"label": "Savings required", "data": [float(r["required"]) for r in rows]},
                {"label": "Savings delivered", "data": [float(r["delivered"]) for r in rows]},
                {"label": "Shortfall", "data": [float(r["shortfall"] or 0) for r in rows]},
            ],
        },
    }


def scope_and_savings(alliance: Alliance, access: Access, on: date) -> dict:
    """For the oversight view: what is in and out of scope, and the savings target against what was delivered.

    Returns plain data: ``in_scope`` and ``retained`` (lists of ``{id, name, annual_value, provider,
    retention_reason, contracts, url}``), ``totals`` (see :func:`scope_totals`), ``unrecorded`` (names of
    in-scope lines with no contract), ``envelope`` (``None`` or ``{set_by, decision, baseline_year,
    baseline_amount, annual_reduction_percent, reduction_from_year, years}``), ``years`` (the rows of
    :func:`savings_by_year`), and ``required_total`` / ``delivered_total`` / ``shortfall_total``
    summed over the years started by ``on``.
    """
    lines = [line for line in scope_register(alliance, access) if line.active]

    def plain(line):
        return {
            "id": line.pk,
            "name": line.name,
            "annual_value": line.annual_value,
            "provider": str(line.provider) if line.provider else "",
            "retention_reason": line.retention_reason,
            "contracts": line.contract_count,
            "url": line.get_absolute_url(),
        }

    envelope = current_envelope(alliance, access)
    years = savings_by_year(alliance, access, on, envelope)
    due = [r for r in years if not r["to_come"]]
    decision = envelope.set_by_decision if envelope else None
    return {
        "in_scope": [plain(line) for line in lines if line.in_scope],
        "retained": [plain(line) for line in lines if not line.in_scope],
        "totals": scope_totals(lines),
        "unrecorded": [line.name for line in lines if line.in_scope and not line.contract_count],
        "envelope": None
        if envelope is None
        else {
            "set_by": str(envelope.set_by),
            "decision": decision.reference if decision is not None and access.can_read(decision) else "",
            "baseline_year": envelope.baseline_year,
            "baseline_amount": envelope.baseline_amount,
            "annual_reduction_percent": envelope.annual_reduction_percent,
            "reduction_from_year": envelope.reduction_from_year,
            "years": envelope.years,
        },
        "years": years,
        "required_total": sum((r["required"] for r in due), ZERO),
        "delivered_total": sum((r["delivered"] for r in due), ZERO),
        "shortfall_total": sum((r["shortfall"] for r in due), ZERO),
    }
