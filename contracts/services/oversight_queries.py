"""Formal queries and recommendations from the Oversight Group to one of the alliance's bodies.

An oversight member raises a query (a question to answer) or a recommendation (to accept, partly
accept or reject, saying why) to a body of the same alliance, with a due date; the reference
OQ-{YYYY}-{NNN} comes from the alliance's reference counter, as decisions' and awards' do. The body's
secretary (or its chair) records the answer; oversight may withdraw an open one, saying why. An
answered or withdrawn query is closed: nothing of it changes again, and its history keeps every step.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from alliance.errors import RuleViolation
from alliance.formatting import day
from alliance.models import Alliance, GoverningBody
from alliance.services import allocate_reference, save_checked
from contracts.delivery_models import Workstream
from contracts.models import AwardProcess, Contract
from contracts.query_models import OversightQuery
from decisions.models import Decision
from roles import standing
from roles.access import Access
from roles.models import Role, RoleAssignment

__all__ = [
    "raise_oversight_query",
    "answer_oversight_query",
    "withdraw_oversight_query",
    "require_query_raiser",
    "require_query_answerer",
    "answers_query",
    "RECOMMENDATION_RESPONSES",
]

#: What a body may answer to a recommendation; a query is simply answered.
RECOMMENDATION_RESPONSES = (
    OversightQuery.Response.ACCEPTED,
    OversightQuery.Response.PARTLY_ACCEPTED,
    OversightQuery.Response.REJECTED,
)


# Who may do what --------------------------------------------------------------------------------


def require_query_raiser(actor: Access, alliance_id: int | None = None, doing: str = "raise a query") -> None:
    """Oversight queries are raised (and withdrawn) by the alliance's oversight group (and staff).
    Without an alliance (a gate before the input is read) it asks for oversight standing anywhere."""
    allowed = (actor.staff or bool(actor.oversight_of)) if alliance_id is None else actor.is_oversight_of(alliance_id)
    if not allowed:
        raise standing.refuse(
            f"Only members of the alliance's oversight group can {doing} to a body; "
            "ask the alliance's secretary for that standing."
        )


def _chairs(actor: Access, body: GoverningBody, on: date) -> bool:
    if actor.person_id is None:
        return False
    return (
        RoleAssignment.objects.held_on(on)
        .filter(person_id=actor.person_id, role__kind=Role.Kind.CHAIR, role__body=body)
        .exists()
    )


def answers_query(actor: Access, query: OversightQuery, on: date | None = None) -> bool:
    """Whether ``actor`` records the answer of ``query``: the secretary or the chair of the body asked."""
    return actor.is_secretary_of(query.to_body) or _chairs(actor, query.to_body, on or timezone.localdate())


def require_query_answerer(actor: Access, query: OversightQuery, on: date | None = None) -> None:
    """The answer is recorded by the secretary (or the chair) of the body the query was raised to."""
    if not answers_query(actor, query, on):
        body = query.to_body.name if actor.has_standing(query.alliance_id) else "the body asked"
        raise standing.refuse(
            f"Only the secretary or the chair of {body} (or an administrator) can record its answer; "
            "ask the body's secretary to record it."
        )


# Shape checks -------------------------------------------------------------------------------------


def _required(value: str, code: str, message: str, field: str) -> str:
    value = (value or "").strip()
    if not value:
        raise RuleViolation(code, message, field=field)
    return value


def _open(query: OversightQuery, doing: str) -> None:
    if query.status != OversightQuery.Status.OPEN:
        raise RuleViolation(
            "query_closed",
            f"{query.reference} is {query.get_status_display().lower()} and closed: it cannot be {doing}. "
            "Raise a new query if there is more to ask.",
            conflict=True,
        )


def _same_alliance(alliance: Alliance, record, field: str, what: str) -> None:
    if record is not None and record.alliance_id != alliance.pk:
        # Not named: the caller may not read another alliance's record (the read rule).
        raise RuleViolation(
            "query_other_alliance",
            f"That {what} was not found in {alliance}; a query is about a record of its own alliance.",
            field=field,
        )


def _oversight_body(alliance: Alliance, raised_by_body: GoverningBody | None) -> GoverningBody:
    if raised_by_body is not None:
        if raised_by_body.alliance_id != alliance.pk or raised_by_body.kind != GoverningBody.Kind.OVERSIGHT:
            raise RuleViolation(
                "query_not_from_oversight",
                f"A query is raised by {alliance}'s oversight group; choose it as the body raising the query.",
                field="raised_by_body",
            )
        return raised_by_body
    body = GoverningBody.objects.filter(alliance=alliance, kind=GoverningBody.Kind.OVERSIGHT).order_by("pk").first()
    if body is None:
        raise RuleViolation(
            "query_no_oversight_body",
            f"{alliance} has no oversight group among its bodies; the alliance's secretary adds one first.",
        )
    return body


def _to_body(alliance: Alliance, to_body: GoverningBody | None, raised_by: GoverningBody) -> GoverningBody:
    if to_body is None:
        raise RuleViolation("query_needs_body", "Choose the body the query is raised to.", field="to_body")
    _same_alliance(alliance, to_body, "to_body", "body")
    if to_body.pk == raised_by.pk or to_body.kind == GoverningBody.Kind.OVERSIGHT:
        raise RuleViolation(
            "query_to_oversight",
            "The oversight group raises queries to the alliance's other bodies, not to itself; "
            "choose the body that must answer.",
            field="to_body",
        )
    return to_body


# The operations --------------------------------------------------------------------------------------


@transaction.atomic
def raise_oversight_query(
    *,
    actor: Access,
    alliance: Alliance,
    to_body: GoverningBody | None,
    subject: str,
    text: str,
    due_on: date | None,
    kind: str = OversightQuery.Kind.QUERY,
    raised_by_body: GoverningBody | None = None,
    decision: Decision | None = None,
    award_process: AwardProcess | None = None,
    contract: Contract | None = None,
    workstream: Workstream | None = None,
    visibility: str = OversightQuery.Visibility.MEMBERS,
    on: date | None = None,
) -> OversightQuery:
    """Raise a query or recommendation of the oversight group to another body of the alliance, due on
    or after ``on`` (today unless the demo's story says otherwise); optionally about one of the
    alliance's decisions, award processes, contracts or workstreams."""
    require_query_raiser(actor, alliance.pk)
    on = on or timezone.localdate()
    if kind not in OversightQuery.Kind.values:
        raise RuleViolation("query_kind_unknown", "Choose whether it is a query or a recommendation.", field="kind")
    if visibility not in OversightQuery.Visibility.values:
        raise RuleViolation("query_visibility_unknown", "Choose who may read the query.", field="visibility")
    raised_by = _oversight_body(alliance, raised_by_body)
    to_body = _to_body(alliance, to_body, raised_by)
    subject = _required(subject, "query_needs_subject", "Give the query a subject: it is empty.", "subject")
    text = _required(text, "query_needs_text", "Write what the body is asked: the text is empty.", "text")
    if due_on is None:
        raise RuleViolation("query_needs_due_date", "Give the date the answer is due.", field="due_on")
    if due_on < on:
        raise RuleViolation(
            "query_due_in_past",
            f"The answer cannot be due before the query is raised ({day(on)}); choose a due date on or after it.",
            field="due_on",
        )
    for field, record, what in (
        ("decision", decision, "decision"),
        ("award_process", award_process, "award process"),
        ("contract", contract, "contract"),
        ("workstream", workstream, "workstream"),
    ):
        _same_alliance(alliance, record, field, what)
    query = OversightQuery(
        alliance=alliance,
        reference=allocate_reference(alliance=alliance, series="OQ", year=on.year),
        kind=kind,
        raised_by_body=raised_by,
        to_body=to_body,
        subject=subject,
        text=text,
        raised_on=on,
        due_on=due_on,
        raised_by=actor.user,
        decision=decision,
        award_process=award_process,
        contract=contract,
        workstream=workstream,
        visibility=visibility,
    )
    save_checked(query, f"{query.get_kind_display()} raised to {to_body.name}")
    return query


@transaction.atomic
def answer_oversight_query(
    *,
    actor: Access,
    query: OversightQuery,
    answer: str,
    response: str = "",
    answering_decision: Decision | None = None,
    on: date | None = None,
) -> OversightQuery:
    """Record the body's answer to an open query: for a recommendation, whether it was accepted,
    partly accepted or rejected, with the reasons; optionally the decision that answered it."""
    query = OversightQuery.objects.select_for_update().select_related("to_body", "alliance").get(pk=query.pk)
    on = on or timezone.localdate()
    require_query_answerer(actor, query, on)
    _open(query, "answered again")
    if query.kind == OversightQuery.Kind.RECOMMENDATION:
        if response not in RECOMMENDATION_RESPONSES:
            raise RuleViolation(
                "query_needs_response",
                "Say whether the body accepted, partly accepted or rejected the recommendation.",
                field="response",
            )
        missing = "Give the body's reasons for its response: the answer is empty."
    else:
        if response not in ("", OversightQuery.Response.ANSWERED):
            raise RuleViolation(
                "query_response_for_recommendation",
                "A query is answered, not accepted or rejected; leave the response empty and write the answer.",
                field="response",
            )
        response = OversightQuery.Response.ANSWERED
        missing = "Write the body's answer: it is empty."
    answer = _required(answer, "query_needs_answer", missing, "answer")
    if answering_decision is not None:
        _same_alliance(query.alliance, answering_decision, "answering_decision", "decision")
    if on < query.raised_on:
        raise RuleViolation(
            "query_answered_before_raised",
            f"The answer cannot be dated before the query was raised ({day(query.raised_on)}).",
        )
    query.status = OversightQuery.Status.ANSWERED
    query.response, query.answer, query.answered_on = response, answer, on
    query.answered_by, query.answering_decision = actor.user, answering_decision
    save_checked(query, f"Answered by {query.to_body.name}: {query.get_response_display().lower()}")
    return query


@transaction.atomic
def withdraw_oversight_query(
    *, actor: Access, query: OversightQuery, reason: str, on: date | None = None
) -> OversightQuery:
    """Withdraw an open query, saying why; only the oversight group (or staff) does."""
    query = OversightQuery.objects.select_for_update().get(pk=query.pk)
    require_query_raiser(actor, query.alliance_id, "withdraw a query")
    _open(query, "withdrawn")
    reason = _required(reason, "query_needs_reason", "Say why the query is withdrawn: the reason is empty.", "reason")
    on = on or timezone.localdate()
    if on < query.raised_on:
        raise RuleViolation(
            "query_withdrawn_before_raised",
            f"The query cannot be withdrawn before it was raised ({day(query.raised_on)}).",
        )
    query.status = OversightQuery.Status.WITHDRAWN
    query.withdrawal_reason, query.withdrawn_on, query.withdrawn_by = reason, on, actor.user
    save_checked(query, f"Withdrawn: {reason}")
    return query
