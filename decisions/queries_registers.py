"""What the one-screen registers show: a meeting's expected attendees, and a decision's voting seats with who may
cast each seat's position, each read in a fixed number of queries whatever the body's size."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from django.utils import timezone

from alliance.models import Membership, Organisation
from alliance.queries import members_on
from decisions.models import Attendance, Decision, Meeting, Vote
from decisions.queries import Voter, decision_day, electorate, local_day, seats_on, voter_key
from roles.models import Person, Role, RoleAssignment

EXPECTED_KINDS = (*Role.REPRESENTATIVE_KINDS, Role.Kind.SECRETARY, Role.Kind.ADVISOR)


@dataclass
class AttendanceLine:
    """One expected (or already recorded) attendee of a meeting, with the capacity they attend in."""

    person: Person
    capacity: str
    organisation: Organisation | None
    expected_as: str
    attendance: Attendance | None = None

    @property
    def presence(self) -> str:
        if self.attendance is None:
            return "absent"
        return "present" if self.attendance.present else "apologies"


def _held(alliance, on: date) -> list[RoleAssignment]:
    return list(
        RoleAssignment.objects.held_on(on)
        .filter(role__alliance=alliance, role__kind__in=EXPECTED_KINDS)
        .select_related("person", "role")
        .order_by("person__name", "pk")
    )


def _seat_capacity(voter: Voter, kind: str, statuses: dict[int, str]) -> str:
    if voter.status_on == Membership.Status.VOTING:
        if kind == Role.Kind.MEMBER_REPRESENTATIVE:
            return Attendance.Capacity.VOTING_REPRESENTATIVE
        return Attendance.Capacity.DEPUTY
    # An advisory seat: an advisory member's people attend as its advisors; a voting member's as observers.
    advisory = statuses.get(voter.membership.pk, voter.status_on) == Membership.Status.ADVISORY
    return Attendance.Capacity.ADVISOR if advisory else Attendance.Capacity.OBSERVER


def attendance_register(meeting: Meeting) -> list[AttendanceLine]:
    """Who is expected at ``meeting`` on its day, voting seats first: each member seat's representative and
    deputy, each person seat's holder, then advisory seats, the body's secretary and the alliance's advisors;
    then anyone else already recorded. Each line carries its attendance row, if one is recorded."""
    body = meeting.body
    on = local_day(meeting.starts_at)
    recorded = {
        a.person_id: a
        for a in Attendance.objects.filter(meeting=meeting).select_related("person", "organisation").order_by("pk")
    }
    held = _held(body.alliance, on)
    speaking_for: dict[int, list[RoleAssignment]] = defaultdict(list)
    for assignment in held:
        if assignment.role.kind in Role.REPRESENTATIVE_KINDS:
            speaking_for[assignment.role.organisation_id].append(assignment)
    voters = sorted(seats_on(body, on), key=lambda v: v.status_on != Membership.Status.VOTING)
    # On a body with seats of its own, a seat's kind is not its member's status: read the statuses in one go.
    statuses = (
        {m.pk: m.status_on for m in members_on(body.alliance, on)}
        if body.own_seats and any(v.membership and v.status_on != Membership.Status.VOTING for v in voters)
        else {}
    )
    lines: list[AttendanceLine] = []
    for voter in voters:
        seat_kind = "voting seat" if voter.status_on == Membership.Status.VOTING else "advisory seat"
        if voter.membership is None:
            capacity = (
                Attendance.Capacity.SEAT_HOLDER
                if voter.status_on == Membership.Status.VOTING
                else Attendance.Capacity.ADVISOR
            )
            lines.append(AttendanceLine(voter.seat.person, capacity, None, f"Own right ({seat_kind})"))
            continue
        organisation = voter.membership.organisation
        for assignment in sorted(
            speaking_for[organisation.pk], key=lambda a: a.role.kind != Role.Kind.MEMBER_REPRESENTATIVE
        ):
            capacity = _seat_capacity(voter, assignment.role.kind, statuses)
            role = "representative" if assignment.role.kind == Role.Kind.MEMBER_REPRESENTATIVE else "deputy"
            lines.append(AttendanceLine(assignment.person, capacity, organisation, f"{organisation}: {role}"))
    for assignment in held:
        role = assignment.role
        if role.kind == Role.Kind.SECRETARY and role.body_id in (None, body.pk):
            lines.append(AttendanceLine(assignment.person, Attendance.Capacity.SECRETARIAT, None, role.title))
        elif role.kind == Role.Kind.ADVISOR:
            lines.append(AttendanceLine(assignment.person, Attendance.Capacity.ADVISOR, None, role.title))
    lines = _first_of_each(lines)
    listed = {line.person.pk for line in lines}
    for attendance in recorded.values():
        if attendance.person_id not in listed:
            lines.append(AttendanceLine(attendance.person, attendance.capacity, attendance.organisation, "Recorded"))
    for line in lines:
        line.attendance = recorded.get(line.person.pk)
        if line.attendance is not None:
            # What is recorded is what the secretary sees and changes.
            line.capacity, line.organisation = line.attendance.capacity, line.attendance.organisation
    return lines


def _first_of_each(lines: list[AttendanceLine]) -> list[AttendanceLine]:
    seen, kept = set(), []
    for line in lines:
        if line.person.pk not in seen:
            seen.add(line.person.pk)
            kept.append(line)
    return kept


# Positions -----------------------------------------------------------------------------------------------


@dataclass
class PositionLine:
    """One seat of the decision's body: votable (a voting seat, not recused), or shown with why it is not."""

    voter: Voter
    votable: bool
    reason: str = ""
    vote: Vote | None = None
    casters: list[Person] = field(default_factory=list)
    capacities: list[tuple[str, str]] = field(default_factory=list)

    @property
    def key(self) -> str:
        kind, pk = self.voter.key
        return f"{kind}-{pk}"


def positions_moment(decision: Decision, now: datetime | None = None) -> datetime | None:
    """When positions taken at the decision's meeting were given: the meeting's start once it has begun (and
    the decision was open by then); otherwise None, meaning now."""
    now = now or timezone.now()
    meeting = decision.meeting if decision.meeting_id else None
    if meeting is None or meeting.starts_at > now:
        return None
    if decision.opened_at is None or decision.opened_at > meeting.starts_at:
        return None
    return meeting.starts_at


def positions_register(decision: Decision, on: date | None = None) -> list[PositionLine]:
    """Every seat of the decision's body on ``on`` (its day by default): the voting seats not recused are
    votable, each with the people who may cast its position that day (its representative and deputy, or the
    person holding the seat); recused and advisory seats are shown with the reason they do not vote."""
    on = on or decision_day(decision) or timezone.localdate()
    voters = electorate(decision, on)
    barred = {v.key for v in voters.recused}
    counted = {
        voter_key(v): v
        for v in Vote.objects.filter(decision=decision, struck_by__isnull=True).select_related("cast_by")
    }
    speaking_for: dict[int, list[Person]] = defaultdict(list)
    held = (
        RoleAssignment.objects.held_on(on)
        .filter(role__alliance_id=decision.alliance_id, role__kind__in=Role.REPRESENTATIVE_KINDS)
        .select_related("person", "role")
    )
    for assignment in sorted(held, key=lambda a: (a.role.kind != Role.Kind.MEMBER_REPRESENTATIVE, a.person.name)):
        if assignment.person not in speaking_for[assignment.role.organisation_id]:
            speaking_for[assignment.role.organisation_id].append(assignment.person)
    labels = dict(Membership.Capacity.choices)
    lines = []
    for voter in seats_on(decision.body, on):
        line = PositionLine(voter=voter, votable=False, vote=counted.get(voter.key))
        if voter.status_on != Membership.Status.VOTING:
            line.reason = "Advisory seat: gives advice, does not vote."
        elif voter.key in barred:
            line.reason = f"Recused: {voters.recusals[voter.key].reason}"
        else:
            line.votable = True
        if voter.membership is not None:
            line.casters = speaking_for[voter.membership.organisation_id]
            held_capacities = list(voter.membership.capacities or [])
            if len(held_capacities) > 1:
                line.capacities = [(c, labels.get(c, c)) for c in held_capacities]
        else:
            line.casters = [voter.seat.person]
        lines.append(line)
    return sorted(lines, key=lambda line: not line.votable)


@dataclass
class Tally:
    recorded: int
    of: int
    agree: int
    object: int
    abstain: int

    def __str__(self) -> str:
        return f"{self.recorded} of {self.of} positions"


def tally(lines: list[PositionLine], chosen: dict[str, str] | None = None) -> Tally:
    """The positions of the votable seats: what is recorded, or what is chosen on the form (``chosen``, by line
    key) before it is saved."""
    chosen = chosen or {}
    positions = []
    for line in lines:
        if not line.votable:
            continue
        position = chosen.get(line.key, line.vote.position if line.vote else "")
        positions.append(position)
    counts = Counter(p for p in positions if p)
    return Tally(
        recorded=sum(counts.values()),
        of=len(positions),
        agree=counts[Vote.Position.AGREE],
        object=counts[Vote.Position.OBJECT],
        abstain=counts[Vote.Position.ABSTAIN],
    )
