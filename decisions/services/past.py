"""Decisions taken before the alliance kept its log here (issue 22's import): recorded closed, as they
were, with their original references and dates; the log's own references then continue after them."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime, time
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from alliance.choices import DecisionKind
from alliance.errors import RuleViolation
from alliance.formatting import day
from alliance.models import GoverningBody
from alliance.services import claim_reference, save_checked
from alliance.term import term_of
from decisions.models import Decision
from decisions.services.decisions import (
    _check_choices,
    _check_references,
    _check_value,
    apply_fields,
    check_dates,
    refuse_outside_body,
)
from roles import standing
from roles.access import Access

__all__ = ["PAST_STATUSES", "record_past_decision"]

PAST_STATUSES = (Decision.Status.AGREED, Decision.Status.NOT_AGREED, Decision.Status.WITHDRAWN)
REFERENCE = re.compile(r"(?P<series>[A-Za-z0-9]+)-(?P<year>\d{4})-(?P<number>\d{1,6})")
# Kinds whose agreement does something (rule 8): a past one would need what it did recorded with it.
KINDS_WITH_EFFECTS = (DecisionKind.APPOINTMENT, DecisionKind.DELEGATION)


def _check_reference(body: GoverningBody, reference: str, decided_on: date) -> tuple[int, int]:
    match = REFERENCE.fullmatch(reference)
    if match is None or match["series"].upper() != body.code.upper():
        raise RuleViolation(
            "past_reference_invalid",
            f"The reference '{reference}' is not one of {body.code}'s: write it {body.code}-YYYY-NNN, "
            f"for example {body.code}-{decided_on.year}-001.",
            field="reference",
        )
    year, number = int(match["year"]), int(match["number"])
    if year > decided_on.year or number < 1:
        raise RuleViolation(
            "past_reference_invalid",
            f"The reference '{reference}' is of a year after the decision ({day(decided_on)}); "
            "give the reference the decision had, or its date.",
            field="reference",
        )
    taken = Decision.objects.filter(alliance_id=body.alliance_id, reference=f"{body.code}-{year}-{number:03d}")
    if taken.exists():
        raise RuleViolation(
            "past_reference_taken",
            f"{body.code}-{year}-{number:03d} is already in the decision log; a reference is used once. "
            "Leave this decision out if it is already there, or correct its reference.",
            field="reference",
            conflict=True,
        )
    return year, number


@transaction.atomic
def record_past_decision(
    *,
    actor: Access,
    body: GoverningBody,
    reference: str,
    title: str,
    proposal: str,
    kind: str,
    status: str,
    decided_on: date,
    rationale: str = "",
    alternatives_considered: str = "",
    visibility: str = Decision.Visibility.MEMBERS,
    tags: Iterable[str] = (),
    value: Decimal | None = None,
    review_on: date | None = None,
) -> Decision:
    """Record a decision a body took before this log was kept (its secretary), closed as it was: agreed, not
    agreed or withdrawn, on its date, under its original reference (rule 4 then seals it). The votes were
    not recorded here, so nothing is counted; appointments and delegations, whose agreement does something
    (rule 8), are not recorded this way."""
    standing.require_record_keeper(actor, body, "record its past decisions")
    refuse_outside_body(body, "recorded")
    if status not in PAST_STATUSES:
        raise RuleViolation(
            "past_decision_status",
            "A past decision is recorded closed: agreed, not agreed or withdrawn. One still to be taken is drafted "
            "and put to members instead.",
            field="status",
        )
    if kind in KINDS_WITH_EFFECTS:
        raise RuleViolation(
            "past_decision_kind_has_effects",
            "A past appointment or delegation is not imported as a decision, because agreeing one changes who "
            "holds a role or what a role may decide; import the appointment in the role history, and record "
            "this decision as a key or operational decision.",
            field="kind",
        )
    if decided_on > timezone.localdate():
        raise RuleViolation(
            "past_decision_in_future",
            f"The decision's date ({day(decided_on)}) is in the future; a past decision was taken already.",
            field="decided_on",
        )
    term_of(body.alliance_id).refuse_outside(decided_on, what="date of the decision", field="decided_on")
    year, number = _check_reference(body, reference.strip(), decided_on)
    decision = Decision(body=body, alliance_id=body.alliance_id, created_by=actor.user)
    fields = {
        "title": title,
        "proposal": proposal,
        "kind": kind,
        "rationale": rationale,
        "alternatives_considered": alternatives_considered,
        "visibility": visibility,
        "tags": tags,
        "value": value,
        "review_on": review_on,
    }
    apply_fields(decision, fields)
    _check_references(decision)
    check_dates(decision)
    _check_choices(decision)
    _check_value(decision)
    if review_on is not None and review_on < decided_on:
        raise RuleViolation(
            "review_on_before_decision",
            f"The review date ({day(review_on)}) is before the decision ({day(decided_on)}); give a date after it.",
            field="review_on",
        )
    moment = timezone.make_aware(datetime.combine(decided_on, time(12)))
    decision.reference = claim_reference(alliance=body.alliance, series=body.code, year=year, number=number)
    decision.status = status
    decision.decided_on = decided_on
    decision.opened_at = decision.closed_at = moment
    decision.outcome_explanation = (
        f"{Decision.Status(status).label} on {day(decided_on)}, as recorded in the alliance's earlier log; "
        "the votes were not recorded here."
    )
    save_checked(decision, "Recorded from the earlier decision log")
    return decision
