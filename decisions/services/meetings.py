"""Meetings of a governing body: scheduling, attendance with capacity, holding, minutes.

A voting representative or deputy is recorded only for a member whose representative or deputy
role the person held on the meeting's day (quorum counts them, rules 2 and 3); for the other
capacities the secretary records who was in the room, and a ``role_warning`` says when someone
attended as an advisor or secretariat without holding that role that day. A body has one meeting
at a moment, and nobody is marked present before the meeting starts.
"""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from alliance.errors import RuleViolation
from alliance.formatting import day, time_on_day
from alliance.models import GoverningBody, Membership, Organisation
from alliance.services import save_checked
from alliance.term import refuse_outside_term
from decisions.models import Attendance, Decision, Meeting
from decisions.queries import seats_on
from roles import queries as roles_queries
from roles import standing
from roles.access import Access
from roles.models import Person, Role

__all__ = [
    "schedule_meeting",
    "update_meeting",
    "record_attendance",
    "correct_attendance",
    "remove_attendance",
    "mark_meeting_held",
    "cancel_meeting",
    "record_minutes",
]

REPRESENTING = (Attendance.Capacity.VOTING_REPRESENTATIVE, Attendance.Capacity.DEPUTY)


def meeting_date(meeting: Meeting) -> date:
    """The meeting's date in the alliance's time zone (Europe/London)."""
    return timezone.localdate(meeting.starts_at)


def _aware(moment: datetime) -> datetime:
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def _locked(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update().select_related("body__alliance").get(pk=meeting.pk)


def _refuse_if_cancelled(meeting: Meeting, what: str) -> None:
    if meeting.status == Meeting.Status.CANCELLED:
        raise RuleViolation(
            "meeting_cancelled",
            f"The meeting of {day(meeting_date(meeting))} was cancelled; {what} at a meeting that took place.",
            conflict=True,
        )


def _refuse_unless_scheduled(meeting: Meeting, done: str) -> None:
    if meeting.status != Meeting.Status.SCHEDULED:
        raise RuleViolation(
            "meeting_not_scheduled",
            f"This meeting is {meeting.get_status_display().lower()}; only a scheduled meeting can be {done}.",
            field="status",
            conflict=True,
        )


def _check_schedule(body: GoverningBody, starts_at: datetime, location: str, online: bool) -> None:
    on = timezone.localdate(starts_at)
    if body.dissolved_on is not None and body.dissolved_on < on:
        raise RuleViolation(
            "body_dissolved",
            f"{body.name} was dissolved on {day(body.dissolved_on)} and cannot meet on {day(on)}; "
            "schedule the meeting of the body that took over its work.",
            field="starts_at",
        )
    if body.established_on is not None and body.established_on > on:
        raise RuleViolation(
            "body_not_yet_established",
            f"{body.name} was established on {day(body.established_on)}; schedule its meetings from that date.",
            field="starts_at",
        )
    refuse_outside_term(alliance_id=body.alliance_id, on=on, what="meeting date", field="starts_at")
    if not (location.strip() or online):
        raise RuleViolation(
            "meeting_place_required", "Say where the meeting is held, or tick that it is online.", field="location"
        )


@transaction.atomic
def schedule_meeting(
    *,
    actor: Access,
    body: GoverningBody,
    starts_at: datetime,
    title: str = "",
    location: str = "",
    online: bool = False,
) -> Meeting:
    """Schedule a meeting of a body that exists on that date (established and not dissolved), within the
    alliance agreement's term, at a moment the body has no other meeting."""
    standing.require_record_keeper(actor, body, "schedule its meetings")
    starts_at = _aware(starts_at)
    _check_schedule(body, starts_at, location, online)
    # The body's row is locked, so two requests scheduling the same moment cannot both pass the check.
    body = GoverningBody.objects.select_for_update().get(pk=body.pk)
    _refuse_duplicate(body, starts_at)
    meeting = Meeting(body=body, starts_at=starts_at, title=title.strip(), location=location.strip(), online=online)
    save_checked(meeting, "Scheduled")
    return meeting


@transaction.atomic
def update_meeting(
    *,
    actor: Access,
    meeting: Meeting,
    starts_at: datetime | None = None,
    title: str | None = None,
    location: str | None = None,
    online: bool | None = None,
) -> Meeting:
    """Change a scheduled meeting's moment, title or place until it is held; a moved meeting keeps the rules of
    scheduling, and is not moved after what was already recorded at it."""
    standing.require_record_keeper(actor, meeting.body, "change its meetings")
    GoverningBody.objects.select_for_update().get(pk=meeting.body_id)
    meeting = _locked(meeting)
    _refuse_unless_scheduled(meeting, "changed")
    starts_at = meeting.starts_at if starts_at is None else _aware(starts_at)
    location = meeting.location if location is None else location
    online = meeting.online if online is None else online
    _check_schedule(meeting.body, starts_at, location, online)
    _refuse_duplicate(meeting.body, starts_at, meeting)
    moved = starts_at != meeting.starts_at
    if moved:
        _refuse_moving_after_record(meeting, starts_at)
    meeting.starts_at = starts_at
    meeting.location = location.strip()
    meeting.online = online
    if title is not None:
        meeting.title = title.strip()
    save_checked(meeting, f"Moved to {time_on_day(starts_at)}" if moved else "Changed")
    return meeting


def _refuse_moving_after_record(meeting: Meeting, starts_at: datetime) -> None:
    """Nobody is present before a meeting starts, nor is a decision of it taken before: a move keeps that true."""
    if starts_at > timezone.now() and meeting.attendances.filter(present=True).exists():
        raise RuleViolation(
            "meeting_move_with_attendance",
            f"People are recorded as present at this meeting; it cannot move to {time_on_day(starts_at)}, which is "
            "still to come. Correct the attendance first, or schedule another meeting.",
            field="starts_at",
        )
    decided = Decision.objects.filter(meeting=meeting, closed_at__lt=starts_at).order_by("closed_at").first()
    if decided is not None:
        raise RuleViolation(
            "meeting_move_after_decision",
            f"{decided.reference or decided.title} was decided at this meeting at {time_on_day(decided.closed_at)}; "
            f"the meeting cannot start later ({time_on_day(starts_at)}).",
            field="starts_at",
        )


def _refuse_duplicate(body: GoverningBody, starts_at: datetime, meeting: Meeting | None = None) -> None:
    """A body meets once at a moment: a second meeting at the same moment would split its record."""
    same = Meeting.objects.filter(body=body, starts_at=starts_at).exclude(status=Meeting.Status.CANCELLED)
    if meeting is not None:
        same = same.exclude(pk=meeting.pk)
    existing = same.select_related("body__alliance").order_by("pk").first()
    if existing is not None:
        raise RuleViolation(
            "meeting_duplicate",
            f"{body.name} already has a meeting at {time_on_day(starts_at)}: “{existing}” (meeting "
            f"{existing.pk}, {existing.get_absolute_url()}). Record attendance and decisions at that meeting, "
            "or choose another time.",
            field="starts_at",
        )


def _named(alliance, organisation: Organisation) -> str:
    # An organisation that never was a member is not named: the caller may not read it (the read rule).
    return str(organisation) if alliance.memberships.filter(organisation=organisation).exists() else "That organisation"


def _check_organisation(meeting: Meeting, capacity: str, organisation: Organisation | None, on: date) -> None:
    alliance = meeting.body.alliance
    if capacity in REPRESENTING:
        if organisation is None:
            raise RuleViolation(
                "attendance_organisation_required",
                "A voting representative or deputy attends for a member organisation; choose the organisation.",
                field="organisation",
            )
        membership = Membership.objects.filter(alliance=alliance, organisation=organisation).open_on(on).first()
        if membership is None:
            raise RuleViolation(
                "attendance_not_a_member",
                f"{_named(alliance, organisation)} was not a member of {alliance} on {day(on)}; "
                "record the person as an observer.",
                field="organisation",
            )
        if meeting.body.own_seats:
            seated = {v.membership.pk: v for v in seats_on(meeting.body, on) if v.membership is not None}
            if membership.pk not in seated or seated[membership.pk].status_on != Membership.Status.VOTING:
                raise RuleViolation(
                    "attendance_no_voting_seat",
                    f"{organisation} did not hold a voting seat on {meeting.body.name} on {day(on)}, so has no vote "
                    "to represent there; record its attendee as an observer, or record its seat on the body's page.",
                    field="organisation",
                )
        elif membership.status_as_of(on) != Membership.Status.VOTING:
            raise RuleViolation(
                "attendance_member_advisory",
                f"{organisation} was an advisory member on {day(on)} and has no vote to represent; "
                "record its attendee as an advisor.",
                field="organisation",
            )
    elif capacity == Attendance.Capacity.SEAT_HOLDER:
        if organisation is not None:
            raise RuleViolation(
                "attendance_seat_holder_organisation",
                "A seat holder in their own right attends for nobody else; leave the organisation empty, or record "
                "them as the organisation's representative.",
                field="organisation",
            )
    elif capacity == Attendance.Capacity.ADVISOR and organisation is not None:
        membership = Membership.objects.filter(alliance=alliance, organisation=organisation).open_on(on).first()
        if membership is None or membership.status_as_of(on) != Membership.Status.ADVISORY:
            raise RuleViolation(
                "attendance_not_advisory",
                f"{_named(alliance, organisation)} was not an advisory member of {alliance} on {day(on)}; "
                "an advisor attends for an "
                "advisory member or for nobody (leave the organisation empty).",
                field="organisation",
            )


def _refuse_role_not_held(meeting: Meeting, person: Person, capacity: str, organisation: Organisation, on: date):
    """Rules 2 and 3: only a holder of the member's representative or deputy role attends for it (and counts
    towards quorum)."""
    alliance = meeting.body.alliance
    if (
        roles_queries.representatives_on(on=on, alliance=alliance, organisation=organisation)
        .filter(pk=person.pk)
        .exists()
    ):
        return
    label = Attendance.Capacity(capacity).label.lower()
    raise RuleViolation(
        "attendance_role_not_held",
        f"{person} did not hold a representative or deputy role for {organisation} on {day(on)}, so cannot attend "
        f"as its {label}; record them as an observer, or record their appointment in the role directory first.",
        field="person",
    )


def _refuse_no_own_seat(meeting: Meeting, person: Person, on: date) -> None:
    """Rule 3: only a person holding a seat of the body in their own right that day attends as one."""
    if any(v.person is not None and v.person.pk == person.pk for v in seats_on(meeting.body, on)):
        return
    raise RuleViolation(
        "attendance_no_own_seat",
        f"{person} did not hold a seat on {meeting.body.name} in their own right on {day(on)}; record them as an "
        "observer, or record their seat on the body's page first.",
        field="person",
    )


def _role_warning(meeting: Meeting, person: Person, capacity: str, on: date) -> str:
    """A sentence when ``person`` did not hold the advisor or secretary role ``capacity`` implies on ``on``."""
    alliance = meeting.body.alliance
    held = roles_queries.roles_of(person, on, alliance=alliance)
    if capacity == Attendance.Capacity.ADVISOR:
        if held.filter(role__kind=Role.Kind.ADVISOR).exists():
            return ""
        return f"{person} did not hold an advisor role in {alliance} on {day(on)}."
    if capacity == Attendance.Capacity.SECRETARIAT:
        if held.filter(
            Q(role__body=meeting.body) | Q(role__body__isnull=True), role__kind=Role.Kind.SECRETARY
        ).exists():
            return ""
        return f"{person} did not hold the secretary role of {meeting.body.name} on {day(on)}."
    return ""


def _refuse_attendance_if_sealed(meeting: Meeting) -> None:
    message = meeting.minutes_sealed_message("its attendance")
    if message:
        raise RuleViolation("minutes_sealed", message, conflict=True)


def _fill(attendance: Attendance, capacity: str, organisation: Organisation | None, present: bool) -> None:
    """Check and set one attendance row's capacity, organisation and presence (the row's meeting is locked)."""
    meeting, person = attendance.meeting, attendance.person
    if capacity not in Attendance.Capacity.values:
        raise RuleViolation(
            "attendance_capacity_unknown",
            f"Unknown capacity '{capacity}'; choose from {', '.join(Attendance.Capacity.values)}.",
            field="capacity",
        )
    _refuse_if_cancelled(meeting, "record attendance")
    _refuse_attendance_if_sealed(meeting)
    on = meeting_date(meeting)
    _check_organisation(meeting, capacity, organisation, on)
    if capacity in REPRESENTING:
        _refuse_role_not_held(meeting, person, capacity, organisation, on)
    if capacity == Attendance.Capacity.SEAT_HOLDER:
        _refuse_no_own_seat(meeting, person, on)
    if present and meeting.starts_at > timezone.now():
        raise RuleViolation(
            "attendance_present_before_meeting",
            f"The meeting starts at {time_on_day(meeting.starts_at)}; mark {person} present once it has started. "
            "Apologies can be recorded in advance.",
            field="present",
        )
    attendance.capacity = capacity
    attendance.organisation = organisation
    attendance.present = present
    attendance.role_warning = _role_warning(meeting, person, capacity, on)


@transaction.atomic
def record_attendance(
    *,
    actor: Access,
    meeting: Meeting,
    person: Person,
    capacity: str,
    organisation: Organisation | None = None,
    present: bool = True,
) -> Attendance:
    """Record (or change) who attended a meeting, in which capacity, or sent apologies (rules 2 and 3: a
    representative or deputy holds the member's role that day; nobody is present before the meeting starts)."""
    standing.require_record_keeper(actor, meeting.body, "record attendance at its meetings")
    meeting = _locked(meeting)
    attendance = Attendance.objects.filter(meeting=meeting, person=person).first() or Attendance(
        meeting=meeting, person=person
    )
    attendance.meeting = meeting
    changing = attendance.pk is not None
    _fill(attendance, capacity, organisation, present)
    save_checked(attendance, "Attendance corrected" if changing else ("Present" if present else "Apologies"))
    return attendance


def _locked_attendance(attendance: Attendance) -> Attendance:
    meeting = _locked(attendance.meeting)
    attendance = Attendance.objects.select_for_update(of=("self",)).select_related("person").get(pk=attendance.pk)
    attendance.meeting = meeting
    return attendance


def _correction_reason(reason: str) -> str:
    if not (reason or "").strip():
        raise RuleViolation("attendance_reason_required", "Say why the attendance record is corrected.", field="reason")
    return reason.strip()


@transaction.atomic
def correct_attendance(
    *,
    actor: Access,
    attendance: Attendance,
    capacity: str,
    organisation: Organisation | None = None,
    present: bool = True,
    reason: str,
) -> Attendance:
    """Correct one attendance row (capacity, organisation, present or apologies), saying why; history keeps the
    row as it was. The same rules as recording it apply."""
    standing.require_record_keeper(actor, attendance.meeting.body, "correct attendance at its meetings")
    reason = _correction_reason(reason)
    attendance = _locked_attendance(attendance)
    _fill(attendance, capacity, organisation, present)
    save_checked(attendance, f"Attendance corrected: {reason}")
    return attendance


@transaction.atomic
def remove_attendance(*, actor: Access, attendance: Attendance, reason: str) -> Meeting:
    """Remove an attendance row recorded in error, saying why; history keeps the row and the reason."""
    standing.require_record_keeper(actor, attendance.meeting.body, "correct attendance at its meetings")
    reason = _correction_reason(reason)
    attendance = _locked_attendance(attendance)
    _refuse_if_cancelled(attendance.meeting, "attendance is only corrected")
    _refuse_attendance_if_sealed(attendance.meeting)
    attendance._change_reason = f"Attendance removed: {reason}"
    attendance.delete()
    return attendance.meeting


@transaction.atomic
def mark_meeting_held(*, actor: Access, meeting: Meeting, minutes: str = "") -> Meeting:
    """Record that a scheduled meeting took place, with its minutes if they are ready."""
    standing.require_record_keeper(actor, meeting.body, "record that its meetings took place")
    meeting = _locked(meeting)
    _refuse_if_cancelled(meeting, "only mark held a meeting")
    if meeting.status == Meeting.Status.HELD:
        raise RuleViolation(
            "meeting_already_held", "This meeting is already recorded as held.", field="status", conflict=True
        )
    if meeting.starts_at > timezone.now():
        raise RuleViolation(
            "meeting_in_future",
            f"The meeting starts on {day(meeting_date(meeting))}; mark it held once it has taken place.",
            field="status",
            conflict=True,
        )
    meeting.status = Meeting.Status.HELD
    if minutes.strip():
        meeting.minutes = minutes.strip()
    save_checked(meeting, "Held")
    return meeting


@transaction.atomic
def cancel_meeting(*, actor: Access, meeting: Meeting, reason: str) -> Meeting:
    """Cancel a scheduled meeting, saying why; a meeting with decisions on it stays in the record."""
    standing.require_record_keeper(actor, meeting.body, "cancel its meetings")
    meeting = _locked(meeting)
    if not reason.strip():
        raise RuleViolation("meeting_cancel_reason_required", "Say why the meeting is cancelled.", field="reason")
    _refuse_unless_scheduled(meeting, "cancelled")
    taken = list(Decision.objects.filter(meeting=meeting).values_list("title", flat=True)[:3])
    if taken:
        raise RuleViolation(
            "meeting_has_decisions",
            f"Decisions are recorded at this meeting ({'; '.join(taken)}); move them to another meeting or to "
            "written procedure before cancelling it.",
            conflict=True,
        )
    meeting.status = Meeting.Status.CANCELLED
    save_checked(meeting, f"Cancelled: {reason.strip()}")
    return meeting


def _refuse_if_approved(meeting: Meeting) -> None:
    if meeting.minutes_approved_by_id is not None:
        approved_by = meeting.minutes_approved_by
        raise RuleViolation(
            "minutes_already_approved",
            f"The minutes were approved by {approved_by.reference or approved_by.title} and cannot change; "
            "record a correction in the minutes of a later meeting.",
            field="minutes",
            conflict=True,
        )


@transaction.atomic
def record_minutes(*, actor: Access, meeting: Meeting, minutes: str) -> Meeting:
    """Write or correct the minutes of a held meeting until they are approved."""
    standing.require_record_keeper(actor, meeting.body, "record the minutes of its meetings")
    meeting = _locked(meeting)
    _refuse_if_cancelled(meeting, "minutes are only kept")
    if meeting.status != Meeting.Status.HELD:
        raise RuleViolation(
            "meeting_not_held",
            "Mark the meeting held before recording its minutes.",
            field="status",
            conflict=True,
        )
    _refuse_if_approved(meeting)
    if not minutes.strip():
        raise RuleViolation("minutes_required", "Write the minutes of the meeting.", field="minutes")
    changing = bool(meeting.minutes)
    if meeting.minutes != minutes.strip() and meeting.minutes_circulated_at:
        meeting.minutes_changed_since_circulated = True  # the next circulation is a revised draft
    meeting.minutes = minutes.strip()
    save_checked(meeting, "Minutes corrected" if changing else "Minutes recorded")
    return meeting
