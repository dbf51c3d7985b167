"""What the handover pack of a role (roles.queries.handover_pack) shows of decisions: the decisions
that shaped the role and the action items it owns. Registered after roles' own sections."""

from datetime import date

from alliance.formatting import day
from alliance.registry import register
from decisions.queries_meetings import decisions_shaping_role, open_action_items_for_role


@register("handover_sections")
def decisions_section(role, on: date, access) -> dict:
    """Handover pack: the decisions that appointed to this role, or granted, revoked or used its delegations,
    of those the reader may read."""
    items = [
        {
            "date": d.decided_on,
            "text": f"{d.reference or 'Draft'}: {d.title} ({d.get_status_display().lower()})",
            "url": d.get_absolute_url(),
        }
        for d in decisions_shaping_role(role).restrict(access)
    ]
    return {
        "title": "Decisions that created or changed this role and its delegations",
        "items": items,
        "empty": "No decision has appointed to this role or changed its delegations yet.",
    }


@register("handover_sections")
def action_items_section(role, on: date, access) -> dict:
    """Handover pack: the open action items the new holder inherits with the role, of those the reader may read."""
    items = [
        {
            "date": item.due_on,
            "text": f"{item.title}: due {day(item.due_on, '')}"
            + (" (overdue)" if item.due_on < on else "")
            + f", from {item.source_label}",
            "url": item.get_absolute_url(),
        }
        for item in open_action_items_for_role(role).restrict(access)
    ]
    return {
        "title": "Open action items owned by this role",
        "items": items,
        "empty": "This role owns no open action items.",
    }
