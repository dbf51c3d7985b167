"""Reads of the governing documents register that more than one page needs: the register itself,
what the agreement requires that is not yet agreed, and the warnings an award route carries while a
document it depends on is not agreed."""

from __future__ import annotations

from datetime import date

from alliance.access import Access
from alliance.models import Alliance
from decisions.governing_models import AwardRoute, GoverningDocument


def register(alliance: Alliance, access: Access):
    """The register as ``access`` may read it, with what each row shows, in a fixed number of queries."""
    return (
        GoverningDocument.objects.filter(alliance=alliance)
        .restrict(access)
        .select_related("alliance", "owner_role", "owner_body", "adopted_by", "supersedes")
    )


def outstanding(alliance: Alliance, access: Access, on: date) -> list[GoverningDocument]:
    """What the agreement requires that is not yet agreed, the overdue first; ``overdue`` set on each."""
    rows = list(
        GoverningDocument.objects.filter(alliance=alliance)
        .outstanding()
        .restrict(access)
        .select_related("alliance", "owner_role")
        .order_by("target_date", "title", "pk")
    )
    for row in rows:
        row.overdue = row.is_overdue_on(on)
    return sorted(rows, key=lambda r: (not r.overdue, r.target_date or date.max, r.title))


def route_warnings(alliance_id: int, access: Access, routes: list[str] | None = None) -> dict[str, list[str]]:
    """For each award route (of ``routes``, or all), a sentence per current document it depends on that
    is not agreed: "Mini-competition among members depends on Procurement procedure, which is still
    being drafted (target 31/03/2021)." Only documents ``access`` may read are named."""
    wanted = routes if routes is not None else list(AwardRoute.values)
    warnings: dict[str, list[str]] = {route: [] for route in wanted}
    documents = (
        GoverningDocument.objects.filter(alliance_id=alliance_id)
        .not_agreed()
        .restrict(access)
        .order_by("target_date", "title", "pk")
    )
    for document in documents:
        for route in document.award_routes:
            if route in warnings:
                warnings[route].append(
                    f"{AwardRoute(route).label} depends on {document}, which is {document.status_phrase}."
                )
    return {route: sentences for route, sentences in warnings.items() if sentences}
