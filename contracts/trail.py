"""The audit trail of one award: every step as one ordered record, taken from history.

Each event says what happened, when it happened (the date or moment the step took effect), who
did it and when it was recorded. A later history version of the same row is a correction and
shows its old and new values. The trail is read in a fixed number of queries: one per kind of
record, whatever the number of submissions, scores or votes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import date, datetime, time
from decimal import Decimal

from django.db import models
from django.utils import timezone

from alliance.access import Access
from alliance.formatting import day, day_time
from alliance.history import changed_fields
from alliance.models import AuditLink
from contracts.models import AwardInterest, AwardProcess, Contract, EvaluationScore, StageTransition, Submission
from decisions.models import AdvisoryInput, Decision, Recusal, Vote

# Fields whose change on the process is a stage move, shown by its StageTransition instead.
STAGE_FIELDS = {"stage", "recommended_submission", "approval_decision", "resulting_contract", "cancellation_reason"}


def _moment(value) -> datetime:
    if isinstance(value, datetime):
        return value
    return timezone.make_aware(datetime.combine(value, time.min))


def _show(field: models.Field, value) -> str:
    if value is None or value == "":
        return "—"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, Decimal) and field.name not in ("score",):
        return f"£{value:,.2f}"
    if isinstance(value, datetime):
        return day_time(value)
    if isinstance(value, date):
        return day(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dict):
        return "; ".join(f"{k}: {v}" for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def _diff(row, previous) -> list[dict]:
    """What changed in a step, in words: the one history diff (alliance/history.py) of the record's
    own values; relations and stages are told by the trail's own events."""
    fields = [
        f
        for f in row.instance_type._meta.concrete_fields
        if not (f.primary_key or f.is_relation or f.name in STAGE_FIELDS)
    ]
    return [
        {"field": f.name, "label": str(f.verbose_name), "old": _show(f, old), "new": _show(f, new)}
        for f, old, new in changed_fields(row, previous, fields)
    ]


def _user(user) -> str:
    if user is None:
        return ""
    person = getattr(user, "person", None)
    return f"{person.name} ({user.get_username()})" if person else user.get_username()


def _who(row) -> str:
    return _user(row.history_user)


def _history(model, *related, **filters):
    rows = model.history.filter(**filters).select_related("history_user__person", *related)
    rows = list(rows.order_by("history_date", "history_id"))
    previous, out = {}, []
    for row in rows:
        out.append((row, previous.get(row.id)))
        previous[row.id] = row
    return out


def _event(kind, row, at, title, detail="", who="", previous=None, changes=None, actor="") -> dict:
    """One step; ``who`` names the person acting, else the user who recorded it, else ``actor``: the record's own
    author (the process's creator, the bidder, the declarer, the body). The audit link's source fills any gap."""
    correction = row.history_type == "~" and previous is not None and bool(changes)
    return {
        "kind": kind,
        "at": _moment(at),
        "title": title,
        "detail": detail,
        "who": who or _who(row) or actor,
        "recorded_by": _who(row),
        "recorded_at": row.history_date,
        "reason": row.history_change_reason or "",
        "correction": correction,
        "changes": changes or [],
        "history_id": row.history_id,
        "model": row.instance_type._meta.model_name,
        "history_label": type(row)._meta.label_lower,
    }


def _policy_events(process: AwardProcess, access: Access) -> list[dict]:
    policy = process.policy
    decision = policy.adopted_by
    row = policy.history.select_related("history_user__person").order_by("history_date", "history_id").first()
    # The adopting decision is named only to a reader of it (alliance/access.py): a CONFIDENTIAL one
    # is not described in a members-level trail.
    adopted = (
        f"Adopted by {decision.reference} ({decision.title}), decided {day(decision.decided_on)}"
        if access.can_read(decision)
        else "Adopted by a decision you may not read"
    )
    detail = f"{adopted}; in force from {day(policy.in_force_from)}; approving body {policy.approving_body}."
    title = f"Award policy v{policy.version} in force"
    return [_event("policy", row, policy.in_force_from, title, detail, actor=str(decision.body))]


def _process_events(process: AwardProcess) -> list[dict]:
    out = []
    for row, previous in _history(AwardProcess, "direct_award_to", id=process.pk):
        if row.history_type == "+":
            justification = "; ".join(f"{k}: {v}" for k, v in row.route_justification.items())
            detail = f"Route: {row.get_route_display()}. Justification: {justification or 'none given'}."
            if row.direct_award_to_id:
                detail += f" Direct award to {row.direct_award_to}."
            detail += (
                f" Estimated £{row.estimated_annual_value:,.2f} a year, £{row.estimated_total_value:,.2f} in total."
            )
            title = f"{row.reference} started: {row.title}"
            out.append(_event("process", row, row.started_on, title, detail, actor=_user(process.created_by)))
        elif previous is not None:
            changes = _diff(row, previous)
            if changes:
                out.append(
                    _event(
                        "correction",
                        row,
                        row.history_date,
                        f"{row.reference} corrected",
                        previous=previous,
                        changes=changes,
                        actor=_user(process.created_by),
                    )
                )
    return out


def _transition_events(process: AwardProcess) -> list[dict]:
    out = []
    labels = dict(AwardProcess.Stage.choices)
    for row, _ in _history(StageTransition, "by__person", process_id=process.pk):
        if row.history_type != "+" or not row.from_stage:
            continue
        by = row.by
        who = (
            (f"{by.person.name} ({by.get_username()})" if getattr(by, "person", None) else by.get_username())
            if by
            else ""
        )
        title = f"Stage: {labels[row.from_stage]} → {labels[row.to_stage]}"
        kind = "recommendation" if row.to_stage == AwardProcess.Stage.RECOMMENDED else "stage"
        detail = row.reason
        if kind == "recommendation" and process.recommended_submission_id:
            s = process.recommended_submission
            detail = f"Recommended: {s.bidder} at £{s.price:,.2f}. {row.reason}"
        out.append(_event(kind, row, row.at, title, detail, who=who))
    return out


WITHHELD = "Not published: the alliance's members read the reasons and personal details."


def _withheld(event: dict) -> dict:
    """A recusal's or an interest's reasons and personal details, kept from a reader without a standing in the
    alliance (the public, reading a PUBLIC award) until the secretary marks a recusal's details public."""
    event.update(detail=WITHHELD, reason="", changes=[])
    return event


def _interest_events(process: AwardProcess, shown: bool = True) -> list[dict]:
    out = []
    rows = AwardInterest.history.filter(process_id=process.pk).select_related(
        "history_user__person", "declaration__person", "declaration__represents"
    )
    for row in rows.order_by("history_date", "history_id"):
        d = row.declaration
        for_org = f" for {d.represents}" if d.represents_id else ""
        detail = f"Declared {day(d.declared_on)}: {d.interest}"
        title = f"Interest declared by {d.person}{for_org}"
        if shown:
            out.append(_event("interest", row, row.noted_on, title, detail, actor=str(d.person)))
        else:
            title = f"Interest declared{for_org}"
            out.append(_withheld({**_event("interest", row, row.noted_on, title), "who": "", "recorded_by": ""}))
    return out


def _submission_events(process: AwardProcess) -> list[dict]:
    out = []
    for row, previous in _history(Submission, "bidder", process_id=process.pk):
        if row.history_type == "+":
            title = f"Submission from {row.bidder}"
            detail = f"£{row.price:,.2f}. {row.summary}".strip()
            out.append(_event("submission", row, row.submitted_on, title, detail, actor=str(row.bidder)))
        elif previous is not None:
            out.append(
                _event(
                    "correction",
                    row,
                    row.history_date,
                    f"Submission from {row.bidder} corrected",
                    previous=previous,
                    changes=_diff(row, previous),
                    actor=str(row.bidder),
                )
            )
    return out


def _score_events(process: AwardProcess) -> list[dict]:
    out = []
    ids = list(Submission.objects.filter(process=process).values_list("pk", flat=True))
    rows = EvaluationScore.history.filter(submission_id__in=ids).select_related(
        "history_user__person", "evaluator", "submission__bidder"
    )
    previous = {}
    for row in rows.order_by("history_date", "history_id"):
        before = previous.get(row.id)
        previous[row.id] = row
        title = f"{row.evaluator} scored {row.submission.bidder} on {row.criterion}: {row.score}/10"
        if row.history_type == "+":
            out.append(_event("score", row, row.scored_on, title, row.comment, who=str(row.evaluator)))
        elif before is not None:
            changes = _diff(row, before)
            out.append(
                _event(
                    "correction",
                    row,
                    row.scored_on,
                    f"Score corrected: {title}",
                    who=str(row.evaluator),
                    previous=before,
                    changes=changes,
                )
            )
    return out


def _decision_events(decision: Decision, shown: bool = True) -> list[dict]:
    """``shown``: whether the reader reads recusals' reasons and personal details (a standing in the alliance)."""
    out = []
    author = _user(decision.created_by)
    for row, _ in _history(Decision, id=decision.pk):
        if row.status == Decision.Status.OPEN and (row.history_change_reason or "").startswith(("Opened", "Reopened")):
            detail = f"{row.body} votes under its rule; recused members do not vote."
            title = f"Approval {row.reference} opened for votes"
            out.append(_event("approval", row, row.opened_at, title, detail, actor=author))
        elif row.status in Decision.SEALED_STATUSES:
            counts = (
                f"{row.agree_count or 0} agreed, {row.object_count or 0} objected, "
                f"{row.abstain_count or 0} abstained, {row.recused_count or 0} recused"
            )
            out.append(
                _event(
                    "outcome",
                    row,
                    row.closed_at,
                    f"Approval {row.reference}: {row.get_status_display()}",
                    f"{row.outcome_explanation} ({counts}).",
                    actor=str(decision.body),
                )
            )
    votes = Vote.history.filter(decision_id=decision.pk).select_related(
        "history_user__person", "membership__organisation", "seat__person", "cast_by"
    )
    for row in votes.order_by("history_date", "history_id"):
        org = row.membership.organisation if row.membership_id else row.seat.person
        if row.history_type == "-":
            out.append(_event("vote", row, row.history_date, f"Vote of {org} removed", row.history_change_reason))
            continue
        if row.struck_by_id is not None:
            # Rule 5: the vote stays on the record, struck by the member's recusal.
            event = _event("vote", row, row.history_date, f"Vote of {org} struck", row.history_change_reason)
            # The change reason names the recusal's reason.
            out.append(event if shown else {**event, "detail": f"{org} was recused.", "reason": ""})
            continue
        title = f"{org} voted {row.get_position_display().lower()}"
        kind = "vote" if row.history_type == "+" else "correction"
        out.append(_event(kind, row, row.cast_at, title, row.statement, who=f"{row.cast_by} for {org}"))
    recusals = Recusal.history.filter(decision_id=decision.pk).select_related(
        "history_user__person", "membership__organisation", "seat__person"
    )
    for row in recusals.order_by("history_date", "history_id"):
        org = row.membership.organisation if row.membership_id else row.seat.person
        if row.dispensation_granted:
            title, at, detail = f"Dispensation for {org}", row.history_date, row.dispensation_reason
        else:
            title, at, detail = f"{org} recused", decision.opened_at or row.history_date, row.reason
        event = _event("recusal", row, at, title, detail, actor=author)
        out.append(event if shown or row.details_public else _withheld(event))
    advice = AdvisoryInput.history.filter(decision_id=decision.pk).select_related(
        "history_user__person", "organisation", "person"
    )
    for row in advice.order_by("history_date", "history_id"):
        source = row.organisation or row.person
        if row.history_type == "+":
            out.append(_event("advice", row, row.given_at, f"Advice from {source}", row.advice, actor=str(source)))
        elif row.response:
            out.append(
                _event(
                    "advice", row, row.responded_at or row.history_date, f"Response to {source}'s advice", row.response
                )
            )
    return out


def _contract_events(process: AwardProcess) -> list[dict]:
    contract_id = process.resulting_contract_id
    if contract_id is None:
        return []
    out = []
    move = process.transitions.filter(to_stage=AwardProcess.Stage.CONTRACTED).select_related("by__person").first()
    actor = _user(move.by if move else None) or _user(process.created_by)
    for row, previous in _history(Contract, "provider", id=contract_id):
        if row.history_type == "+":
            detail = (
                f"{row.provider}: £{row.annual_value:,.2f} a year, {day(row.starts_on)} to {day(row.ends_on)}"
                + (f", extension possible to {day(row.extension_until)}" if row.extension_until else "")
                + ("; in scope of the alliance" if row.in_scope else "; retained by the commissioner")
                + "."
            )
            out.append(_event("contract", row, row.starts_on, f"Contract: {row.title}", detail, actor=actor))
        elif previous is not None:
            changes = _diff(row, previous)
            if changes:
                kind = "contract" if (row.history_change_reason or "").startswith("Extended") else "correction"
                out.append(
                    _event(
                        kind,
                        row,
                        row.history_date,
                        f"Contract changed: {row.title}",
                        previous=previous,
                        changes=changes,
                        actor=actor,
                    )
                )
    return out


def _fill_sources(events: list[dict]) -> None:
    """An event no person is named for says where the change came from ("command:load_demo", "admin")."""
    missing = defaultdict(list)
    for event in events:
        if not event["who"]:
            missing[event["history_label"]].append(event)
    for label, items in missing.items():
        ids = [e["history_id"] for e in items]
        links = AuditLink.objects.filter(history_model=label, history_id__in=ids)
        sources = dict(links.values_list("history_id", "source"))
        for event in items:
            event["who"] = sources.get(event["history_id"], "")


def award_audit_trail(process: AwardProcess, access: Access) -> list[dict]:
    """Every step of one award, in the order it happened, each with who and when; the approval
    decision's steps and votes only for a reader of that decision (alliance/access.py)."""
    process = AwardProcess.objects.select_related(
        "policy__adopted_by__body",
        "policy__approving_body",
        "recommended_submission__bidder",
        "approval_decision__created_by__person",
        "created_by__person",
    ).get(pk=process.pk)
    events = _policy_events(process, access) + _process_events(process) + _transition_events(process)
    shown = access.has_standing(process.alliance_id)
    events += _interest_events(process, shown) + _submission_events(process) + _score_events(process)
    if process.approval_decision_id and access.can_read(process.approval_decision):
        events += _decision_events(process.approval_decision, shown)
    events += _contract_events(process)
    order = defaultdict(int, {"policy": -1})
    events.sort(key=lambda e: (e["at"], order[e["kind"]], e["recorded_at"], e["history_id"]))
    _fill_sources(events)
    return events


TRAIL_HEADER = ["when", "step", "what", "detail", "who", "recorded by", "recorded at", "reason", "changes"]


def trail_rows(events: list[dict]) -> Iterator[list[str]]:
    """The award's audit trail as CSV rows (``TRAIL_HEADER``), for ``alliance.exports.csv_lines``."""
    for e in events:
        yield [
            day_time(e["at"]),
            "correction" if e["correction"] else e["kind"],
            e["title"],
            e["detail"],
            e["who"],
            e["recorded_by"],
            day_time(e["recorded_at"]),
            e["reason"],
            "; ".join(f"{c['label']}: {c['old']} → {c['new']}" for c in e["changes"]),
        ]
