"""Registers on one screen: a whole meeting's attendance, or a whole decision's positions, in one submission.

Every row goes through the one-row service a single form uses (``record_attendance``, ``correct_attendance``,
``remove_attendance``; ``cast_vote``), so a row is checked by exactly the same rules. Each row runs in its own
savepoint; a refused row is rolled back and the next one is still checked, so the secretary learns every row
that needs attention at once. If any row is refused, the whole submission is rolled back
(:class:`RegisterRefused` names each row) and nothing is written; when all pass, all are written in one
transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import models, transaction

from alliance.errors import RuleViolation
from alliance.models import Membership, Organisation
from decisions.models import Attendance, Decision, Meeting, Vote
from decisions.queries import voter_key
from decisions.services import meetings, votes
from roles import standing
from roles.access import Access
from roles.models import Person, Seat

__all__ = [
    "AttendanceRow",
    "PositionRow",
    "Presence",
    "RegisterRefused",
    "RowRefusal",
    "record_positions",
    "take_attendance",
]


class Presence(models.TextChoices):
    PRESENT = "present", "Present"
    APOLOGIES = "apologies", "Apologies"
    ABSENT = "absent", "Absent (not recorded)"


@dataclass
class AttendanceRow:
    person: Person
    capacity: str
    organisation: Organisation | None = None
    presence: str = Presence.PRESENT


@dataclass
class PositionRow:
    """One voting seat's position: a member's (``membership``) or a person's seat (``seat``); an empty
    ``position`` is "not yet" and writes nothing."""

    membership: Membership | None = None
    seat: Seat | None = None
    position: str = ""
    cast_by: Person | None = None
    statement: str = ""
    capacity: str = ""


@dataclass(frozen=True)
class RowRefusal:
    index: int
    code: str
    detail: str
    field: str | None = None

    def as_dict(self) -> dict:
        return {"index": self.index, "code": self.code, "detail": self.detail, "field": self.field}


class RegisterRefused(RuleViolation):
    """Some rows of a register were refused: nothing was written; ``rows`` says which and why."""

    def __init__(self, rows: list[RowRefusal]):
        count = len(rows)
        need = "1 row needs" if count == 1 else f"{count} rows need"
        super().__init__("register_rows_refused", f"{need} attention; nothing was saved yet.")
        self.rows = rows

    def as_dict(self) -> dict:
        return {**super().as_dict(), "rows": [row.as_dict() for row in self.rows]}


def _each_row(rows: Sequence, write: Callable) -> list:
    """Write every row in its own savepoint, collecting the refusals; refuse the lot if any row was refused.

    A refusal of the caller's standing is not a row's: it is raised at once, as by the one-row service."""
    written, refusals = [], []
    for index, row in enumerate(rows):
        try:
            with transaction.atomic():
                result = write(index, row)
        except RuleViolation as refusal:
            if refusal.forbidden:
                raise
            refusals.append(RowRefusal(index, refusal.code, refusal.message, refusal.field))
            continue
        if result is not None:
            written.append(result)
    if refusals:
        raise RegisterRefused(refusals)
    return written


def _once(seen: dict, key, index: int, name) -> None:
    if key in seen:
        raise RuleViolation(
            "register_row_repeated",
            f"{name} is already on row {seen[key] + 1}; keep one row for them.",
            field="person",
        )
    seen[key] = index


# Attendance ----------------------------------------------------------------------------------------------


@transaction.atomic
def take_attendance(
    *, actor: Access, meeting: Meeting, rows: Sequence[AttendanceRow], reason: str = ""
) -> list[Attendance]:
    """Record a whole meeting's attendance (rules 2 and 3, through the one-row services): present or apologies
    records or changes a row; absent leaves a person unrecorded, or removes their row, saying why (``reason``,
    which is also kept on the rows it corrects). Any row refused, nothing is written (:class:`RegisterRefused`)."""
    standing.require_record_keeper(actor, meeting.body, "record attendance at its meetings")
    meeting = meetings._locked(meeting)
    meetings._refuse_if_cancelled(meeting, "record attendance")
    existing = {a.person_id: a for a in Attendance.objects.filter(meeting=meeting).select_related("person")}
    seen: dict[int, int] = {}
    reason = (reason or "").strip()

    def write(index: int, row: AttendanceRow):
        _once(seen, row.person.pk, index, row.person)
        return _attend(actor, meeting, row, existing.get(row.person.pk), reason)

    return _each_row(rows, write)


def _attend(actor: Access, meeting: Meeting, row: AttendanceRow, current: Attendance | None, reason: str):
    if row.presence not in Presence.values:
        raise RuleViolation(
            "attendance_presence_unknown",
            f"Unknown choice '{row.presence}'; choose present, apologies or absent.",
            field="presence",
        )
    if row.presence == Presence.ABSENT:
        if current is None:
            return None
        if not reason:
            state = "present" if current.present else "sending apologies"
            raise RuleViolation(
                "attendance_reason_required",
                f"{row.person} is recorded as {state}; to remove them, say why under “Why recorded rows change”.",
                field="reason",
            )
        meetings.remove_attendance(actor=actor, attendance=current, reason=reason)
        return None
    present = row.presence == Presence.PRESENT
    organisation_id = row.organisation.pk if row.organisation is not None else None
    if current is not None and (current.capacity, current.organisation_id, current.present) == (
        row.capacity,
        organisation_id,
        present,
    ):
        return current  # unchanged: nothing to write, no history row
    values = {"capacity": row.capacity, "organisation": row.organisation, "present": present}
    if current is not None and reason:
        return meetings.correct_attendance(actor=actor, attendance=current, reason=reason, **values)
    return meetings.record_attendance(actor=actor, meeting=meeting, person=row.person, **values)


# Positions -----------------------------------------------------------------------------------------------


@transaction.atomic
def record_positions(
    *, actor: Access, decision: Decision, rows: Sequence[PositionRow], cast_at: datetime | None = None
) -> list[Vote]:
    """Record the positions of a decision's voting seats as the body's secretary (rules 1, 2, 4 and 5, through
    ``cast_vote``): a row without a position is "not yet" and writes nothing; a position already recorded is
    changed, never taken back. Any row refused, nothing is written (:class:`RegisterRefused`)."""
    standing.require_record_keeper(actor, decision.body, "record the positions on its decisions")
    decision = votes._locked(decision)
    if decision.status != Decision.Status.OPEN:
        votes._refuse_sealed(decision, "its votes")
        raise RuleViolation(
            "decision_not_open",
            f"{votes._label(decision)} is {decision.get_status_display().lower()}, not open for votes; open it first.",
            conflict=True,
        )
    counted = {
        voter_key(v): v
        for v in Vote.objects.filter(decision=decision, struck_by__isnull=True).select_related("membership", "seat")
    }
    seen: dict[tuple[str, int], int] = {}

    def write(index: int, row: PositionRow):
        if (row.membership is None) == (row.seat is None):
            raise RuleViolation(
                "vote_member_or_seat",
                "Say whose position it is: a member organisation, or a person's seat on the body.",
                field="membership",
            )
        if row.seat is not None and row.seat.membership_id is not None:
            row.membership, row.seat = row.seat.membership, None
        key = ("member", row.membership.pk) if row.membership is not None else ("seat", row.seat.pk)
        name = row.membership.organisation if row.membership is not None else row.seat.person
        _once(seen, key, index, name)
        return _position(actor, decision, row, counted.get(key), cast_at, name)

    return _each_row(rows, write)


def _position(actor: Access, decision: Decision, row: PositionRow, current: Vote | None, cast_at, name):
    if not row.position:
        if current is not None:
            raise RuleViolation(
                "position_not_taken_back",
                f"{name}'s position is recorded as {current.get_position_display().lower()}; a position is changed, "
                "not taken back: choose agree, object or abstain.",
                field="position",
            )
        return None
    if row.cast_by is None:
        raise RuleViolation(
            "position_cast_by_required",
            f"Under “Cast by”, choose who gave {name}'s position.",
            field="cast_by",
        )
    statement = (row.statement or "").strip()
    if current is not None and (current.position, current.statement, current.cast_by_id) == (
        row.position,
        statement,
        row.cast_by.pk,
    ):
        return current  # unchanged: nothing to write
    return votes.cast_vote(
        actor=actor,
        decision=decision,
        membership=row.membership,
        seat=row.seat,
        position=row.position,
        cast_by=row.cast_by,
        statement=statement,
        capacity=row.capacity,
        cast_at=cast_at,
    )
