"""The forward plan: key decisions and award processes an alliance expects to take, published ahead.

Providers outside the alliance read it on the public register to see what is coming (the review's
"no-man's land"). Services and the reads that the public page, the calendar feed and the admin share.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.db.models import QuerySet

from alliance.access import Access
from alliance.choices import DecisionKind
from alliance.errors import NOT_PERMITTED, RuleViolation
from alliance.models import Alliance, ForwardPlanEntry, GoverningBody

__all__ = [
    "ENTRY_FIELDS",
    "check_entry",
    "require_plan_keeper",
    "save_entry",
    "withdraw_entry",
    "published_plan",
    "planned_entries",
    "plan_of",
]

ENTRY_FIELDS = (
    "alliance",
    "body",
    "title",
    "summary",
    "kind",
    "expected_on",
    "route",
    "contact_name",
    "contact_email",
    "published",
    "status",
    "reference",
)


def check_entry(
    *,
    alliance: Alliance | None = None,
    body: GoverningBody | None = None,
    title: str | None = "",
    kind: str | None = "",
    expected_on: date | None = None,
    route: str | None = "",
    contact_name: str | None = "",
    contact_email: str | None = "",
    published: bool | None = False,
    status: str | None = ForwardPlanEntry.Status.PLANNED,
    reference: str | None = "",
    summary: str | None = "",
) -> None:
    """Refuse an entry that the public could not act on: no title, no date, no contact, no route for an award."""
    if not (title or "").strip():
        raise RuleViolation(
            "forward_plan_title_required", "Give the entry a title that says what will be decided.", field="title"
        )
    if expected_on is None:
        raise RuleViolation(
            "forward_plan_date_required",
            "Give the date the decision is expected; an estimate is fine and can be changed later.",
            field="expected_on",
        )
    if body is not None and alliance is not None and body.alliance_id != alliance.pk:
        raise RuleViolation(
            "forward_plan_body_elsewhere",
            f"{body} is a body of another alliance; choose one of {alliance}.",
            field="body",
        )
    if kind == DecisionKind.AWARD and not route:
        raise RuleViolation(
            "forward_plan_route_required",
            "An award in the forward plan names its route: direct award, mini-competition or external procurement.",
            field="route",
        )
    if route and kind != DecisionKind.AWARD:
        raise RuleViolation(
            "forward_plan_route_for_awards",
            "Only an award has a route; clear the route, or make the entry's kind an award.",
            field="route",
        )
    if published and not ((contact_name or "").strip() and (contact_email or "").strip()):
        raise RuleViolation(
            "forward_plan_contact_required",
            "A published entry needs a contact name and email, so that providers outside the alliance can ask "
            "about it; add them, or leave the entry unpublished.",
            field="contact_email" if (contact_name or "").strip() else "contact_name",
        )
    if status == ForwardPlanEntry.Status.TAKEN and not (reference or "").strip():
        raise RuleViolation(
            "forward_plan_reference_required",
            "A taken entry names the decision or award that took it, e.g. ALT-2023-004 or AW-2023-002.",
            field="reference",
        )


def require_plan_keeper(actor: Access, alliance_id: int) -> None:
    """The forward plan is kept by the alliance's secretaries (or staff): roles/standing.py's
    ``require_alliance_keeper``, written here because the alliance core sits below roles."""
    if not actor.keeps_record_of(alliance_id):
        raise RuleViolation(
            NOT_PERMITTED,
            "Only a secretary of the alliance (or an administrator) can keep its forward plan; "
            "ask the alliance's secretary.",
        )


@transaction.atomic
def save_entry(*, actor: Access, entry: ForwardPlanEntry | None = None, reason: str = "", **fields) -> ForwardPlanEntry:
    """Add an entry to the forward plan, or change one (title, date, contact and route checked)."""
    entry = entry or ForwardPlanEntry()
    unknown = set(fields) - set(ENTRY_FIELDS)
    if unknown:
        raise RuleViolation("forward_plan_unknown_field", f"A forward plan entry has no {', '.join(sorted(unknown))}.")
    if entry.pk is not None and "alliance" in fields and fields["alliance"].pk != entry.alliance_id:
        raise RuleViolation(
            "forward_plan_alliance_fixed",
            "An entry stays in the forward plan of its alliance; withdraw it and add one to the other alliance's plan.",
            field="alliance",
        )
    merged = {name: fields.get(name, getattr(entry, name, None)) for name in ENTRY_FIELDS if name != "alliance"}
    merged["alliance"] = fields.get("alliance") or (entry.alliance if entry.alliance_id else None)
    if merged["alliance"] is None:
        raise RuleViolation(
            "forward_plan_alliance_required", "Choose the alliance whose plan the entry is in.", field="alliance"
        )
    require_plan_keeper(actor, merged["alliance"].pk)
    check_entry(**merged)
    for name, value in fields.items():
        setattr(entry, name, value)
    if reason:
        entry._change_reason = reason
    entry.full_clean(validate_constraints=False, validate_unique=False)
    entry.save()
    return entry


@transaction.atomic
def withdraw_entry(*, actor: Access, entry: ForwardPlanEntry, reason: str) -> ForwardPlanEntry:
    """Withdraw a planned entry, saying why; it stays in the plan's history (never deleted)."""
    require_plan_keeper(actor, entry.alliance_id)
    entry = ForwardPlanEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.status != ForwardPlanEntry.Status.PLANNED:
        raise RuleViolation(
            "forward_plan_not_planned",
            f"This entry is already {entry.get_status_display().lower()}; only a planned entry is withdrawn.",
            conflict=True,
        )
    if not (reason or "").strip():
        raise RuleViolation(
            "forward_plan_reason_required",
            "Say why the entry is withdrawn: the reason is kept with the plan's history.",
            field="reason",
        )
    entry.status = ForwardPlanEntry.Status.WITHDRAWN
    entry._change_reason = reason.strip()
    entry.save()
    return entry


def plan_of(alliance: Alliance, access: Access) -> QuerySet[ForwardPlanEntry]:
    """The plan as ``access`` may read it: every entry for its keepers, published ones for others."""
    return (
        ForwardPlanEntry.objects.restrict(access)
        .filter(alliance=alliance)
        .select_related("body")
        .order_by("expected_on", "pk")
    )


def published_plan(alliance: Alliance, access: Access) -> QuerySet[ForwardPlanEntry]:
    """What the public register shows: the entries ``access`` (the public's) may read through the
    forward plan's read rule (its published entries), the soonest expected first."""
    return (
        ForwardPlanEntry.objects.restrict(access)
        .filter(alliance=alliance)
        .select_related("body")
        .order_by("expected_on", "pk")
    )


def planned_entries(
    alliance: Alliance, access: Access, *, body: GoverningBody | None = None
) -> QuerySet[ForwardPlanEntry]:
    """Published entries still to be decided, for the calendar feed (of one body, when given)."""
    qs = published_plan(alliance, access).filter(status=ForwardPlanEntry.Status.PLANNED)
    return qs.filter(body=body) if body is not None else qs
