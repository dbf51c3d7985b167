"""The decision lifecycle: draft, edit, open, defer, withdraw, amend and supersede (rule 4).
Closing (rules 3 and 8) is in ``closing.py``; decisions under delegated authority (rule 7) in
``delegated.py``.

References ``{BODY}-{YYYY}-{NNN}`` are allocated when a decision is first opened, not when it is
drafted: the log's numbers are then exactly the matters put to members, without gaps left by
drafts that were abandoned. The year is the opening's year in Europe/London.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from alliance.choices import DecisionKind
from alliance.errors import RuleViolation
from alliance.formatting import day, day_time, time_on_day
from alliance.models import GoverningBody
from alliance.services import allocate_reference, save_checked
from alliance.term import term_of
from decisions import queries
from decisions.models import APPOINTMENT_FIELDS, DELEGATION_FIELDS, Decision, Meeting
from decisions.services.advisers import ask_advisers
from roles import standing
from roles.access import Access
from roles.models import DelegatedAuthority, Person, Role

__all__ = [
    "draft_decision",
    "update_decision",
    "open_decision",
    "withdraw_decision",
    "defer_decision",
    "extend_deadline",
    "amend_decision",
    "supersede_decision",
]

# How far ahead of the server's clock a caller's moment may be (their clock runs a little fast).
CLOCK_SKEW = timedelta(minutes=5)

EDITABLE_STATUSES = (Decision.Status.DRAFT, Decision.Status.OPEN, Decision.Status.DEFERRED)
DRAFT_FIELDS = (
    "title",
    "proposal",
    "kind",
    "meeting",
    "rationale",
    "alternatives_considered",
    "visibility",
    "tags",
    "value",
    "closes_at",
    "review_on",
    *APPOINTMENT_FIELDS,
    *DELEGATION_FIELDS,
)


def decision_name(decision: Decision) -> str:
    return decision.reference or f"The draft '{decision.title}'"


def lock_decision(decision: Decision) -> Decision:
    return (
        Decision.objects.select_for_update(of=("self",))
        .select_related("body", "meeting", "alliance")
        .get(pk=decision.pk)
    )


def sealed_refusal(decision: Decision, action: str) -> RuleViolation:
    return RuleViolation(
        "decision_sealed",
        f"{decision_name(decision)} is closed ({decision.get_status_display().lower()}) and cannot be {action}; "
        "record a new decision that amends or supersedes it.",
        conflict=True,
    )


def check_moment(
    *, moment: datetime, decision: Decision, field: str, what: str, now: datetime | None = None, after_opening=True
) -> None:
    """Refuse a caller's moment that is in the future, or (``after_opening``) before the decision opened.

    ``now`` lets a caller that replays history (the demo) act as of a past moment; it may not
    itself be later than the server's clock.
    """
    real = timezone.now()
    now = min(now or real, real)
    if moment > now + CLOCK_SKEW:
        raise RuleViolation(
            f"{field}_in_future",
            f"The {what} ({time_on_day(moment)}) is in the future; "
            "give the moment it happened, or leave it out for now.",
            field=field,
        )
    if after_opening and decision.opened_at and moment < decision.opened_at:
        raise RuleViolation(
            f"{field}_before_opening",
            f"The {what} ({time_on_day(moment)}) is before {decision_name(decision)} opened "
            f"({time_on_day(decision.opened_at)}); "
            "give a moment after it opened.",
            field=field,
        )


def refuse_outside_body(body: GoverningBody, doing: str) -> None:
    """Alliance members never vote at a body outside the alliance: its decisions come in as approvals."""
    if body.is_outside:
        raise RuleViolation(
            "outside_body_not_voted",
            f"{body.name} is outside the alliance, and alliance members do not vote there, so its decisions "
            f"cannot be {doing} here. Record its approval on the decision of the alliance body that needs it "
            "instead ('Record the approval').",
            field="body",
        )


# Checks of a decision's shape ----------------------------------------------------------------


def _tags(tags: Iterable[str]) -> list[str]:
    if isinstance(tags, str):
        tags = tags.split(",")
    return list(dict.fromkeys(t.strip().lower() for t in tags if t and t.strip()))


def _check_choices(decision: Decision) -> None:
    if decision.kind not in DecisionKind.values:
        raise RuleViolation(
            "decision_kind_unknown",
            f"Unknown decision kind '{decision.kind}'; choose from {', '.join(DecisionKind.values)}.",
            field="kind",
        )
    if decision.visibility not in Decision.Visibility.values:
        raise RuleViolation(
            "decision_visibility_unknown",
            f"Unknown visibility '{decision.visibility}'; choose PUBLIC, MEMBERS or CONFIDENTIAL.",
            field="visibility",
        )
    for name, label in (("title", "a title"), ("proposal", "the proposal put to members")):
        if not (getattr(decision, name) or "").strip():
            raise RuleViolation(f"decision_{name}_required", f"Give the decision {label}.", field=name)


# What a reference to another alliance's record is called: the message never names the record
# itself, which the caller may not read (the read rule).
NOT_FOUND = {
    "meeting": "That meeting",
    "appointment_role": "That role",
    "delegation_role": "That role",
    "delegation_to_revoke": "That delegation",
    "revisits": "A decision revisited",
}


def _alliance_of(thing) -> int | None:
    if isinstance(thing, DelegatedAuthority):
        return thing.role.alliance_id
    if isinstance(thing, Meeting):
        return thing.body.alliance_id
    return getattr(thing, "alliance_id", None)


def _check_same_alliance(decision: Decision, thing, field: str) -> None:
    if thing is not None and _alliance_of(thing) != decision.alliance_id:
        raise RuleViolation(
            "decision_alliance_mismatch",
            f"{NOT_FOUND[field]} was not found in this alliance; choose one of {decision.alliance}.",
            field=field,
        )


def _check_references(decision: Decision) -> None:
    """Every record a decision names is of its alliance, whatever the decision's kind: a field the
    kind does not use is still stored, and would link the log to another alliance's record."""
    for field in ("meeting", "appointment_role", "delegation_role", "delegation_to_revoke"):
        _check_same_alliance(decision, getattr(decision, field), field)


def _check_meeting(decision: Decision) -> None:
    meeting = decision.meeting
    if meeting is None:
        return
    if meeting.body_id != decision.body_id:
        raise RuleViolation(
            "decision_meeting_other_body",
            f"The meeting of {day(queries.local_day(meeting.starts_at))} is a meeting of {meeting.body}, not of "
            f"{decision.body}; choose a meeting of {decision.body.code}, or none for a written procedure.",
            field="meeting",
        )
    if meeting.status == Meeting.Status.CANCELLED:
        raise RuleViolation(
            "decision_meeting_cancelled",
            f"The meeting of {day(queries.local_day(meeting.starts_at))} was cancelled; choose another meeting, "
            "or none for a written procedure.",
            field="meeting",
        )


def _check_appointment(decision: Decision) -> None:
    if decision.kind != DecisionKind.APPOINTMENT:
        return
    missing = [
        label
        for name, label in (
            ("appointment_role", "the role"),
            ("appointment_person", "the person appointed"),
            ("appointment_starts_on", "the start date"),
        )
        if getattr(decision, name) is None
    ]
    if missing:
        raise RuleViolation(
            "appointment_incomplete",
            f"An appointment decision names the role, the person and the start date; give {', '.join(missing)}.",
            field=("appointment_role", "appointment_person", "appointment_starts_on")[
                ["the role", "the person appointed", "the start date"].index(missing[0])
            ],
        )
    ends_on = decision.appointment_ends_on
    if ends_on is not None and ends_on < decision.appointment_starts_on:
        raise RuleViolation(
            "appointment_ends_before_starts",
            f"The appointment cannot end ({day(ends_on)}) before it starts ({day(decision.appointment_starts_on)}).",
            field="appointment_ends_on",
        )


def _check_delegation(decision: Decision) -> None:
    if decision.kind != DecisionKind.DELEGATION:
        return
    grants = decision.delegation_role is not None
    revokes = decision.delegation_to_revoke is not None
    if grants == revokes:
        raise RuleViolation(
            "delegation_decision_incomplete" if not grants else "delegation_decision_both",
            "A delegation decision either grants a delegation (role, scope and the kinds of decision it covers) "
            "or revokes one (the delegation to revoke); give exactly one of them.",
            field="delegation_role",
        )
    if revokes:
        return
    if not decision.delegation_scope.strip():
        raise RuleViolation(
            "delegation_scope_required", "Describe what the delegation covers.", field="delegation_scope"
        )
    kinds = list(dict.fromkeys(decision.delegation_kinds or []))
    unknown = [k for k in kinds if k not in DecisionKind.values]
    if unknown or not kinds:
        raise RuleViolation(
            "delegation_kinds_invalid",
            f"Name the kinds of decision the delegation covers, from {', '.join(DecisionKind.values)}"
            + (f" ({', '.join(repr(k) for k in unknown)} is not one)." if unknown else "."),
            field="delegation_kinds",
        )
    decision.delegation_kinds = kinds
    if decision.delegation_limit is not None and Decimal(decision.delegation_limit) < 0:
        raise RuleViolation("money_negative", "A financial limit cannot be negative.", field="delegation_limit")
    start, end = decision.delegation_valid_from, decision.delegation_valid_to
    if start and end and end < start:
        raise RuleViolation(
            "delegation_window_order",
            f"The delegation cannot end ({day(end)}) before it starts ({day(start)}).",
            field="delegation_valid_to",
        )


def _check_value(decision: Decision) -> None:
    if decision.value is not None and Decimal(decision.value) < 0:
        raise RuleViolation("money_negative", "The value of a matter cannot be negative.", field="value")


def _check_revisits(decision: Decision, revisits: Iterable[Decision]) -> list[Decision]:
    revisits = list(revisits)
    for earlier in revisits:
        _check_same_alliance(decision, earlier, "revisits")
        if decision.pk and earlier.pk == decision.pk:
            raise RuleViolation("decision_revisits_itself", "A decision cannot revisit itself.", field="revisits")
    return revisits


# The dates a decision carries, each in the words of the decision form.
DATES = {
    "closes_at": "closing date of the votes",
    "review_on": "review date",
    "appointment_starts_on": "appointment's start",
    "appointment_ends_on": "appointment's end",
    "delegation_valid_from": "delegation's first day",
    "delegation_valid_to": "delegation's last day",
}


def check_dates(decision: Decision) -> None:
    """Refuse a date of the decision outside the alliance agreement's term (with its extension)."""
    values = {name: getattr(decision, name) for name in DATES}
    values = {name: v for name, v in values.items() if v is not None}
    if not values:
        return
    term = term_of(decision.alliance_id)
    for name, value in values.items():
        on = timezone.localdate(value) if isinstance(value, datetime) else value
        term.refuse_outside(on, what=DATES[name], field=name)


# The draft form's labels (decisions/forms.py), for messages about the fields a secretary types.
CLOSES_AT_LABEL = "Closes at"
REVIEW_ON_LABEL = "Review on"


def _decision_day_expected(decision: Decision, now: datetime) -> date:
    """The day a draft is expected to be decided: its meeting's, else the day its votes close, else today."""
    if decision.meeting is not None:
        return timezone.localdate(decision.meeting.starts_at)
    if decision.closes_at is not None:
        return timezone.localdate(decision.closes_at)
    return timezone.localdate(now)


def check_drafted_dates(decision: Decision, *, now: datetime, changed: Iterable[str]) -> None:
    """Refuse a closing moment in the past, or a review date before the decision, among the ``changed`` fields.

    Only what the secretary gives now is judged: a stored date that has since passed is left for them to fix.
    """
    if "closes_at" in changed and decision.closes_at is not None and decision.closes_at <= now:
        raise RuleViolation(
            "closes_at_in_past",
            f"“{CLOSES_AT_LABEL}” ({time_on_day(decision.closes_at)}) is in the past; give a moment "
            "after now, leaving members time to vote.",
            field="closes_at",
        )
    if "review_on" in changed and decision.review_on is not None:
        decided = _decision_day_expected(decision, now)
        if decision.review_on < decided:
            raise RuleViolation(
                "review_on_before_decision",
                f"“{REVIEW_ON_LABEL}” ({day(decision.review_on)}) is before the decision is taken "
                f"({day(decided)}); give a date after it.",
                field="review_on",
            )


def _replaying(now: datetime | None) -> datetime:
    """The moment a draft is written: the server's clock, or an earlier one for a caller replaying history."""
    real = timezone.now()
    return min(now or real, real)


def check_draft(decision: Decision) -> None:
    _check_references(decision)
    check_dates(decision)
    _check_choices(decision)
    _check_value(decision)
    _check_meeting(decision)
    _check_appointment(decision)
    _check_delegation(decision)


def apply_fields(decision: Decision, fields: dict) -> None:
    unknown = sorted(set(fields) - set(DRAFT_FIELDS))
    if unknown:
        raise RuleViolation(
            "decision_field_unknown",
            f"{', '.join(unknown)} cannot be set here; a decision's editable fields are {', '.join(DRAFT_FIELDS)}.",
            field=unknown[0],
        )
    for key, value in fields.items():
        setattr(decision, key, _tags(value) if key == "tags" else value)
    for key in ("rationale", "alternatives_considered", "delegation_scope"):
        setattr(decision, key, getattr(decision, key) or "")


# Drafting and editing ------------------------------------------------------------------------


@transaction.atomic
def draft_decision(
    *,
    actor: Access,
    body: GoverningBody,
    title: str,
    proposal: str,
    kind: str,
    meeting: Meeting | None = None,
    rationale: str = "",
    alternatives_considered: str = "",
    visibility: str = Decision.Visibility.MEMBERS,
    tags: Iterable[str] = (),
    value: Decimal | None = None,
    closes_at: datetime | None = None,
    review_on: date | None = None,
    revisits: Iterable[Decision] = (),
    appointment_role: Role | None = None,
    appointment_person: Person | None = None,
    appointment_starts_on: date | None = None,
    appointment_ends_on: date | None = None,
    delegation_role: Role | None = None,
    delegation_scope: str = "",
    delegation_kinds: Iterable[str] = (),
    delegation_limit: Decimal | None = None,
    delegation_valid_from: date | None = None,
    delegation_valid_to: date | None = None,
    delegation_to_revoke: DelegatedAuthority | None = None,
    now: datetime | None = None,
) -> Decision:
    """Draft a decision of a body (its secretary): what it names must be of the body's alliance; votes close in
    the future and the review comes after the decision.

    ``now`` lets a caller that replays history (the demo) draft as of a past moment; it may not itself be later
    than the server's clock.
    """
    standing.require_record_keeper(actor, body, "draft its decisions")
    refuse_outside_body(body, "drafted")
    decision = Decision(body=body, alliance_id=body.alliance_id, created_by=actor.user)
    fields = {k: v for k, v in locals().items() if k in DRAFT_FIELDS}
    fields["delegation_kinds"] = list(delegation_kinds)
    apply_fields(decision, fields)
    check_draft(decision)
    check_drafted_dates(decision, now=_replaying(now), changed=("closes_at", "review_on"))
    revisits = _check_revisits(decision, revisits)
    save_checked(decision, "Drafted")
    if revisits:
        decision.revisits.set(revisits)
    return decision


@transaction.atomic
def update_decision(
    *,
    actor: Access,
    decision: Decision,
    revisits: Iterable[Decision] | None = None,
    now: datetime | None = None,
    **fields,
) -> Decision:
    """Change a decision that is still a draft, open or deferred (rule 4: a closed one is sealed); a closing
    moment or review date it is given is judged as when drafting, so a draft whose votes would close in the
    past is fixed here."""
    standing.require_record_keeper(actor, decision.body, "edit its decisions")
    decision = lock_decision(decision)
    if decision.is_sealed:
        raise sealed_refusal(decision, "edited")
    before = {name: getattr(decision, name) for name in ("closes_at", "review_on")}
    apply_fields(decision, fields)
    check_draft(decision)
    changed = [name for name, value in before.items() if name in fields and getattr(decision, name) != value]
    check_drafted_dates(decision, now=_replaying(now), changed=changed)
    if decision.status == Decision.Status.OPEN and decision.is_written_procedure and decision.closes_at is None:
        raise RuleViolation(
            "written_procedure_needs_closes_at",
            f"{decision_name(decision)} is open by written procedure and needs the moment votes close.",
            field="closes_at",
        )
    if revisits is not None:
        revisits = _check_revisits(decision, revisits)
    save_checked(decision, "Edited")
    if revisits is not None:
        decision.revisits.set(revisits)
    return decision


# Opening, deferring and withdrawing ----------------------------------------------------------


@transaction.atomic
def open_decision(*, actor: Access, decision: Decision, opened_at: datetime | None = None) -> Decision:
    """Open a draft (or a deferred decision) for votes; the reference is allocated on first opening."""
    standing.require_record_keeper(actor, decision.body, "open its decisions for votes")
    refuse_outside_body(decision.body, "opened for votes")
    decision = lock_decision(decision)
    opened_at = opened_at or timezone.now()
    check_moment(moment=opened_at, decision=decision, field="opened_at", what="opening", after_opening=False)
    term_of(decision.alliance_id).refuse_outside(timezone.localdate(opened_at), what="opening date", field="opened_at")
    if decision.status not in (Decision.Status.DRAFT, Decision.Status.DEFERRED):
        if decision.status == Decision.Status.OPEN:
            raise RuleViolation(
                "decision_already_open", f"{decision_name(decision)} is already open for votes.", conflict=True
            )
        raise sealed_refusal(decision, "reopened")
    _check_meeting(decision)
    if decision.is_written_procedure:
        if decision.closes_at is None:
            raise RuleViolation(
                "written_procedure_needs_closes_at",
                "A decision by written procedure (no meeting) needs the moment votes close; set closes_at, "
                "or put the decision to a meeting.",
                field="closes_at",
            )
        if decision.closes_at <= opened_at:
            raise RuleViolation(
                "written_procedure_closes_before_opening",
                f"Votes would close ({day_time(decision.closes_at)}) before the decision opens; set a later closes_at.",
                field="closes_at",
            )
    if not decision.reference:
        year = timezone.localtime(opened_at).year
        decision.reference = allocate_reference(alliance=decision.alliance, series=decision.body.code, year=year)
        decision.opened_at = opened_at
        reason = "Opened for votes"
    else:
        reason = "Reopened after deferral"
    decision.status = Decision.Status.OPEN
    save_checked(decision, reason)
    ask_advisers(decision=decision, on=queries.local_day(opened_at), requested_at=opened_at)
    return decision


def _reason(reason: str, what: str) -> str:
    if not (reason or "").strip():
        raise RuleViolation(f"{what}_reason_required", f"Say why the decision is {what}.", field="reason")
    return reason.strip()


@transaction.atomic
def defer_decision(*, actor: Access, decision: Decision, reason: str, review_on: date | None = None) -> Decision:
    """Put a draft or open decision aside; votes already cast stay, and it may be reopened."""
    standing.require_record_keeper(actor, decision.body, "defer its decisions")
    reason = _reason(reason, "deferred")
    decision = lock_decision(decision)
    if decision.status not in (Decision.Status.DRAFT, Decision.Status.OPEN):
        if decision.is_sealed:
            raise sealed_refusal(decision, "deferred")
        raise RuleViolation(
            "decision_already_deferred", f"{decision_name(decision)} is already deferred.", conflict=True
        )
    decision.status = Decision.Status.DEFERRED
    if review_on is not None:
        decision.review_on = review_on
        check_dates(decision)
    save_checked(decision, f"Deferred: {reason}")
    return decision


@transaction.atomic
def extend_deadline(
    *, actor: Access, decision: Decision, closes_at: datetime, reason: str = "", now: datetime | None = None
) -> Decision:
    """Give members of an open written procedure longer to vote: a later closing moment, after now (rule 3's
    missing positions); votes already cast stay."""
    standing.require_record_keeper(actor, decision.body, "extend the deadline of its decisions")
    decision = lock_decision(decision)
    if decision.status != Decision.Status.OPEN:
        if decision.is_sealed:
            raise sealed_refusal(decision, "given a later deadline")
        raise RuleViolation(
            "decision_not_open",
            f"{decision_name(decision)} is {decision.get_status_display().lower()}; only an open decision's "
            "deadline is extended.",
            conflict=True,
        )
    if not decision.is_written_procedure:
        raise RuleViolation(
            "deadline_at_meeting",
            f"{decision_name(decision)} is decided at its meeting, which has no voting deadline; defer it to a "
            "later meeting instead.",
            conflict=True,
        )
    now = _replaying(now)
    if closes_at <= now:
        raise RuleViolation(
            "closes_at_in_past",
            f"“{CLOSES_AT_LABEL}” ({time_on_day(closes_at)}) is in the past; give a moment after now, leaving "
            "members time to vote.",
            field="closes_at",
        )
    if decision.closes_at is not None and closes_at <= decision.closes_at:
        raise RuleViolation(
            "closes_at_not_later",
            f"“{CLOSES_AT_LABEL}” ({time_on_day(closes_at)}) is not after the current deadline "
            f"({time_on_day(decision.closes_at)}); an extension gives a later moment.",
            field="closes_at",
        )
    before = decision.closes_at
    decision.closes_at = closes_at
    check_dates(decision)
    why = f"Deadline extended from {time_on_day(before)} to {time_on_day(closes_at)}" if before else "Deadline set"
    reason = (reason or "").strip()
    save_checked(decision, f"{why}: {reason}" if reason else why)
    return decision


@transaction.atomic
def withdraw_decision(
    *, actor: Access, decision: Decision, reason: str, withdrawn_at: datetime | None = None
) -> Decision:
    """Withdraw a decision before it is closed; it stays in the log, sealed (rule 4)."""
    standing.require_record_keeper(actor, decision.body, "withdraw its decisions")
    reason = _reason(reason, "withdrawn")
    decision = lock_decision(decision)
    if decision.is_sealed:
        raise sealed_refusal(decision, "withdrawn")
    withdrawn_at = withdrawn_at or timezone.now()
    check_moment(moment=withdrawn_at, decision=decision, field="withdrawn_at", what="withdrawal")
    decision.status = Decision.Status.WITHDRAWN
    decision.closed_at = withdrawn_at
    decision.outcome_explanation = f"Withdrawn: {reason}"
    save_checked(decision, f"Withdrawn: {reason}")
    return decision


# Amending and superseding (rule 4) ----------------------------------------------------------


def _successor(decision: Decision, link: str, actor: Access, draft_fields: dict) -> Decision:
    fields = {
        "body": decision.body,
        "kind": decision.kind,
        "visibility": decision.visibility,
        "tags": decision.tags,
        "title": decision.title,
        "proposal": decision.proposal,
        **draft_fields,
    }
    successor = draft_decision(actor=actor, **fields)
    setattr(successor, link, decision)
    save_checked(successor, f"{'Amends' if link == 'amends' else 'Supersedes'} {decision.reference}")
    return successor


def _check_can_follow(decision: Decision, verb: str) -> None:
    if decision.status in EDITABLE_STATUSES:
        raise RuleViolation(
            f"{verb}_not_closed",
            f"{decision_name(decision)} is still {decision.get_status_display().lower()}; edit it instead of "
            f"{'amending' if verb == 'amend' else 'superseding'} it.",
            conflict=True,
        )
    if decision.status != Decision.Status.AGREED:
        raise RuleViolation(
            f"{verb}_not_agreed",
            f"{decision_name(decision)} was {decision.get_status_display().lower()}, so there is nothing in force to "
            f"{verb}; draft a new decision that revisits it.",
            conflict=True,
        )
    later = decision.superseded_by.order_by("pk").first()
    if later:
        raise RuleViolation(
            f"{verb}_already_superseded",
            f"{decision.reference} is already superseded by {later.reference or later.title}; "
            f"{verb} that decision instead.",
            conflict=True,
        )


@transaction.atomic
def amend_decision(*, actor: Access, decision: Decision, **draft_fields) -> Decision:
    """Draft a decision that amends an agreed one (rule 4); the old one shows it as ``amended_by``."""
    standing.require_record_keeper(actor, decision.body, "amend its decisions")
    decision = lock_decision(decision)
    _check_can_follow(decision, "amend")
    return _successor(decision, "amends", actor, draft_fields)


@transaction.atomic
def supersede_decision(*, actor: Access, decision: Decision, **draft_fields) -> Decision:
    """Draft a decision that replaces an agreed one (rule 4); a decision is superseded once at most."""
    standing.require_record_keeper(actor, decision.body, "supersede its decisions")
    decision = lock_decision(decision)
    _check_can_follow(decision, "supersede")
    return _successor(decision, "supersedes", actor, draft_fields)
