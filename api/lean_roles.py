"""Lean read paths of roles (issue 23): who holds which role on a date, and a role's timeline.

Each shapes plain rows (``values()``) into the dicts ``api/serializers/roles.py`` would write for the same
rows; ``tests/api/test_lean_roles.py`` holds them equal. The rows come through the same rule as the
serializer path's: the directory through ``roles.queries``, the assignments through the viewset's own
``filter_queryset(get_queryset())`` (read rule, filters, ordering).
"""

from __future__ import annotations

from datetime import date

from api import lean
from roles import queries

ASSIGNMENT_VALUES = (
    "id",
    "role_id",
    "role__title",
    "role__kind",
    "person_id",
    "starts_on",
    "ends_on",
    "end_reason",
    "notes",
)


def directory(alliance, on: date):
    """``DirectorySerializer`` of the alliance's roles on ``on``."""
    slug, day = alliance.slug, lean.day
    return lean.json_response(
        {
            "alliance": slug,
            "on": day(on),
            "roles": [
                {
                    "role": {
                        "id": role["id"],
                        "alliance": slug,
                        "title": role["title"],
                        "kind": role["kind"],
                        "body": role["body_id"],
                        "organisation": role["organisation_id"],
                        "single_holder": role["single_holder"],
                        "description": role["description"],
                    },
                    "vacant": entry["vacant"],
                    "holders": [
                        {
                            "id": h["id"],
                            "person": {"id": h["person_id"], "name": h["person_name"]},
                            "starts_on": day(h["starts_on"]),
                            "ends_on": day(h["ends_on"]),
                        }
                        for h in entry["holders"]
                    ],
                }
                for entry in queries.directory_rows(alliance, on)
                for role in (entry["role"],)
            ],
        }
    )


def _assignments(rows: list[dict]) -> list[dict]:
    day = lean.day
    return [
        {
            "id": r["id"],
            "role": {"id": r["role_id"], "title": r["role__title"], "kind": r["role__kind"]},
            "person": {"id": r["person_id"], "name": r["person_name"]},
            "starts_on": day(r["starts_on"]),
            "ends_on": day(r["ends_on"]),
            "end_reason": r["end_reason"],
            "notes": r["notes"],
        }
        for r in rows
    ]


def assignment_page(view):
    """A page of ``RoleAssignmentSerializer`` (a role's timeline: ``?role=<pk>``, or any filter of the list)."""
    every = view.filter_queryset(view.get_queryset())
    # Counted without the columns' joins, and each person's name by key (roles.queries.person_name): no
    # scan of every person for a page of one role's holders.
    rows = every.values(*ASSIGNMENT_VALUES, person_name=queries.person_name())
    return lean.paged(view, lean.CountedBy(rows, every), _assignments)
