"""The lean answer of an award's audit trail (issue 23): the trail's events (contracts/trail.py, plain dicts)
written as ``AuditEventSerializer`` writes them, without DRF's per-field machinery. The serializer stays the
schema; tests/api/test_lean_award_trail.py holds the two equal."""

from __future__ import annotations

from api import lean

_TEXT = ("kind", "title", "detail", "who", "recorded_by", "reason")
_CHANGE = ("field", "label", "old", "new")


def _text(value):
    # A CharField writes str(value); a serializer writes None for no value before asking the field.
    return None if value is None else str(value)


def events(trail: list[dict]) -> list[dict]:
    zone = lean.current_zone()
    out = []
    for e in trail:
        row = {name: _text(e[name]) for name in _TEXT}
        row["at"] = lean.dt(e["at"], zone)
        row["recorded_at"] = lean.dt(e["recorded_at"], zone)
        row["correction"] = bool(e["correction"])
        row["changes"] = [{name: _text(c[name]) for name in _CHANGE} for c in e["changes"]]
        out.append(row)
    return out
