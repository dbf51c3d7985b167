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

from django.contrib.auth import get_user_model
from django.db import connection, models
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.db.models.query import RawQuerySet
from django.utils import timezone

from alliance.access import Access
from alliance.formatting import day, day_time
from alliance.history import changed_fields
from alliance.models import AuditLink
from contracts.models import (
    AwardInterest,
    AwardPolicy,
    AwardProcess,
    Contract,
    EvaluationScore,
    StageTransition,
    Submission,
)
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


class _Names:
    """Who is named in the trail, read once at the end in one query: each user as "Jo Bloggs (jbloggs)" (the
    username alone for a user who is no person). Every other name (a bidder, a member, an evaluator) comes in
    its own row's query as one joined column, so no record is loaded to be printed."""

    def __init__(self):
        self.ids: set = set()
        self.users: dict = {}

    def want(self, *ids) -> None:
        self.ids.update(i for i in ids if i)

    def read(self) -> None:
        if self.ids:
            rows = get_user_model().objects.filter(pk__in=self.ids).values_list("pk", "username", "person__name")
            self.users = {pk: f"{name} ({username})" if name else username for pk, username, name in rows}

    def user(self, user_id) -> str:
        return self.users.get(user_id, "") if user_id else ""


# The SQL of each kind of history read, compiled once per database (vendor) and process: compiling a query is
# most of its cost in Django, and each of these differs only by the one id it reads by.
_SQL: dict = {}
_PROBE = -424242  # the id the SQL is compiled with, replaced by the real one at each read


def _rows(model, by: str, pk: int, names: _Names, **names_of):
    """The history rows of ``model`` whose ``by`` is ``pk``, in the order they were written, each with its previous
    version of the same record; ``names_of`` are joined name columns (``bidder_name=F("bidder__name")``), set on
    each row as attributes."""
    key = (connection.vendor, model._meta.label, by, tuple(names_of))
    compiled = _SQL.get(key)
    if compiled is None:
        queryset = model.history.filter(**{by: _PROBE}).annotate(**names_of).order_by("history_date", "history_id")
        sql, params = queryset.query.sql_with_params()
        if list(params) != [_PROBE]:  # the SQL must take the id as its one parameter, or it cannot be reused
            raise ValueError(f"trail: the history read of {model._meta.label} has parameters {params}")
        compiled = _SQL[key] = (queryset.model, sql)
    history, sql = compiled
    rows = list(RawQuerySet(sql, model=history, params=[pk]))
    previous, out = {}, []
    for row in rows:
        names.want(row.history_user_id)
        out.append((row, previous.get(row.id)))
        previous[row.id] = row
    return out


def _event(kind, row, at, title, detail="", who="", previous=None, changes=None, actor="", names=None) -> dict:
    """One step; ``who`` names the person acting, else the user who recorded it, else ``actor``: the record's own
    author (the process's creator, the bidder, the declarer, the body). The audit link's source fills any gap."""
    correction = row.history_type == "~" and previous is not None and bool(changes)
    recorded_by = names.user(row.history_user_id)
    return {
        "kind": kind,
        "at": _moment(at),
        "title": title,
        "detail": detail,
        "who": who or recorded_by or actor,
        "recorded_by": recorded_by,
        "recorded_at": row.history_date,
        "reason": row.history_change_reason or "",
        "correction": correction,
        "changes": changes or [],
        "history_id": row.history_id,
        "model": row.instance_type._meta.model_name,
        "history_label": type(row)._meta.label_lower,
    }


def _policy_events(process: AwardProcess, access: Access, names: _Names, row) -> list[dict]:
    policy = process.policy
    decision = policy.adopted_by
    # The adopting decision is named only to a reader of it (alliance/access.py): a CONFIDENTIAL one
    # is not described in a members-level trail.
    adopted = (
        f"Adopted by {decision.reference} ({decision.title}), decided {day(decision.decided_on)}"
        if access.can_read(decision)
        else "Adopted by a decision you may not read"
    )
    detail = f"{adopted}; in force from {day(policy.in_force_from)}; approving body {policy.approving_body}."
    title = f"Award policy v{policy.version} in force"
    return [_event("policy", row, policy.in_force_from, title, detail, actor=str(decision.body), names=names)]


def _process_events(process: AwardProcess, names: _Names, rows) -> list[dict]:
    out = []
    creator = names.user(process.created_by_id)
    for row, previous in rows:
        if row.history_type == "+":
            justification = "; ".join(f"{k}: {v}" for k, v in row.route_justification.items())
            detail = f"Route: {row.get_route_display()}. Justification: {justification or 'none given'}."
            if row.direct_award_to_id:
                detail += f" Direct award to {row.direct_award_to_name}."
            detail += (
                f" Estimated £{row.estimated_annual_value:,.2f} a year, £{row.estimated_total_value:,.2f} in total."
            )
            title = f"{row.reference} started: {row.title}"
            out.append(_event("process", row, row.started_on, title, detail, actor=creator, names=names))
        elif previous is not None:
            changes = _diff(row, previous)
            if changes:
                title = f"{row.reference} corrected"
                out.append(
                    _event(
                        "correction",
                        row,
                        row.history_date,
                        title,
                        previous=previous,
                        changes=changes,
                        actor=creator,
                        names=names,
                    )
                )
    return out


def _transition_events(process: AwardProcess, names: _Names, rows, recommended) -> list[dict]:
    out = []
    labels = dict(AwardProcess.Stage.choices)
    for row, _ in rows:
        if row.history_type != "+" or not row.from_stage:
            continue
        title = f"Stage: {labels[row.from_stage]} → {labels[row.to_stage]}"
        kind = "recommendation" if row.to_stage == AwardProcess.Stage.RECOMMENDED else "stage"
        detail = row.reason
        if kind == "recommendation" and recommended is not None:
            detail = f"Recommended: {recommended.bidder_name} at £{recommended.price:,.2f}. {row.reason}"
        out.append(_event(kind, row, row.at, title, detail, who=names.user(row.by_id), names=names))
    return out


WITHHELD = "Not published: the alliance's members read the reasons and personal details."


def _withheld(event: dict) -> dict:
    """A recusal's or an interest's reasons and personal details, kept from a reader without a standing in the
    alliance (the public, reading a PUBLIC award) until the secretary marks a recusal's details public."""
    event.update(detail=WITHHELD, reason="", changes=[])
    return event


def _interest_events(names: _Names, rows, shown: bool = True) -> list[dict]:
    out = []
    for row, _ in rows:
        for_org = f" for {row.d_represents}" if row.d_represents is not None else ""
        declared = row.d_declared_on  # a joined column is not converted: SQLite gives the date as text
        declared = date.fromisoformat(declared) if isinstance(declared, str) else declared
        detail = f"Declared {day(declared)}: {row.d_interest}"
        title = f"Interest declared by {row.d_person}{for_org}"
        if shown:
            out.append(_event("interest", row, row.noted_on, title, detail, actor=row.d_person, names=names))
        else:
            title = f"Interest declared{for_org}"
            event = _event("interest", row, row.noted_on, title, names=names)
            out.append(_withheld({**event, "who": "", "recorded_by": ""}))
    return out


def _submission_events(names: _Names, rows) -> list[dict]:
    out = []
    for row, previous in rows:
        if row.history_type == "+":
            title = f"Submission from {row.bidder_name}"
            detail = f"£{row.price:,.2f}. {row.summary}".strip()
            out.append(_event("submission", row, row.submitted_on, title, detail, actor=row.bidder_name, names=names))
        elif previous is not None:
            out.append(
                _event(
                    "correction",
                    row,
                    row.history_date,
                    f"Submission from {row.bidder_name} corrected",
                    previous=previous,
                    changes=_diff(row, previous),
                    actor=row.bidder_name,
                    names=names,
                )
            )
    return out


def _score_events(names: _Names, rows) -> list[dict]:
    out = []
    for row, before in rows:
        title = f"{row.evaluator_name} scored {row.bidder_name} on {row.criterion}: {row.score}/10"
        if row.history_type == "+":
            out.append(_event("score", row, row.scored_on, title, row.comment, who=row.evaluator_name, names=names))
        elif before is not None:
            changes = _diff(row, before)
            out.append(
                _event(
                    "correction",
                    row,
                    row.scored_on,
                    f"Score corrected: {title}",
                    who=row.evaluator_name,
                    previous=before,
                    changes=changes,
                    names=names,
                )
            )
    return out


def _member_name():
    """A vote's or a recusal's member: the member organisation, or the person in the seat."""
    return Coalesce(F("membership__organisation__name"), F("seat__person__name"))


def _decision_rows(decision: Decision, names: _Names) -> dict:
    rows = {
        "decision": _rows(Decision, "id", decision.pk, names),
        "votes": _rows(Vote, "decision_id", decision.pk, names, member=_member_name(), cast_by_name=F("cast_by__name")),
        "recusals": _rows(Recusal, "decision_id", decision.pk, names, member=_member_name()),
        "advice": _rows(
            AdvisoryInput,
            "decision_id",
            decision.pk,
            names,
            source=Coalesce(F("organisation__name"), F("person__name")),
        ),
    }
    names.want(decision.created_by_id)
    return rows


def _decision_events(decision: Decision, names: _Names, rows: dict, shown: bool = True) -> list[dict]:
    """``shown``: whether the reader reads recusals' reasons and personal details (a standing in the alliance)."""
    out = []
    author = names.user(decision.created_by_id)
    for row, _ in rows["decision"]:
        if row.status == Decision.Status.OPEN and (row.history_change_reason or "").startswith(("Opened", "Reopened")):
            detail = f"{row.body_label} votes under its rule; recused members do not vote."
            title = f"Approval {row.reference} opened for votes"
            out.append(_event("approval", row, row.opened_at, title, detail, actor=author, names=names))
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
                    names=names,
                )
            )
    for row, _ in rows["votes"]:
        org = row.member
        if row.history_type == "-":
            title = f"Vote of {org} removed"
            out.append(_event("vote", row, row.history_date, title, row.history_change_reason, names=names))
            continue
        if row.struck_by_id is not None:
            # Rule 5: the vote stays on the record, struck by the member's recusal.
            title = f"Vote of {org} struck"
            event = _event("vote", row, row.history_date, title, row.history_change_reason, names=names)
            # The change reason names the recusal's reason.
            out.append(event if shown else {**event, "detail": f"{org} was recused.", "reason": ""})
            continue
        title = f"{org} voted {row.get_position_display().lower()}"
        kind = "vote" if row.history_type == "+" else "correction"
        who = f"{row.cast_by_name} for {org}"
        out.append(_event(kind, row, row.cast_at, title, row.statement, who=who, names=names))
    for row, _ in rows["recusals"]:
        org = row.member
        if row.dispensation_granted:
            title, at, detail = f"Dispensation for {org}", row.history_date, row.dispensation_reason
        else:
            title, at, detail = f"{org} recused", decision.opened_at or row.history_date, row.reason
        event = _event("recusal", row, at, title, detail, actor=author, names=names)
        out.append(event if shown or row.details_public else _withheld(event))
    for row, _ in rows["advice"]:
        source = row.source
        if row.history_type == "+":
            title = f"Advice from {source}"
            out.append(_event("advice", row, row.given_at, title, row.advice, actor=source, names=names))
        elif row.response:
            at, title = row.responded_at or row.history_date, f"Response to {source}'s advice"
            out.append(_event("advice", row, at, title, row.response, names=names))
    return out


def _contract_events(process: AwardProcess, names: _Names, rows, transitions) -> list[dict]:
    if process.resulting_contract_id is None:
        return []
    out = []
    # The move to CONTRACTED (the first, as the process's transitions are ordered) names who made the contract.
    moves = [row for row, _ in transitions if row.history_type == "+" and row.to_stage == AwardProcess.Stage.CONTRACTED]
    moves.sort(key=lambda row: (row.at, row.id))
    actor = (names.user(moves[0].by_id) if moves else "") or names.user(process.created_by_id)
    for row, previous in rows:
        if row.history_type == "+":
            detail = (
                f"{row.provider_name}: £{row.annual_value:,.2f} a year, {day(row.starts_on)} to {day(row.ends_on)}"
                + (f", extension possible to {day(row.extension_until)}" if row.extension_until else "")
                + ("; in scope of the alliance" if row.in_scope else "; retained by the commissioner")
                + "."
            )
            title = f"Contract: {row.title}"
            out.append(_event("contract", row, row.starts_on, title, detail, actor=actor, names=names))
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
                        names=names,
                    )
                )
    return out


def _fill_sources(events: list[dict]) -> None:
    """An event no person is named for says where the change came from ("command:load_demo", "admin"): the
    audit links of every kind of history row, in one query."""
    missing = defaultdict(list)
    for event in events:
        if not event["who"]:
            missing[(event["history_label"], event["history_id"])].append(event)
    if not missing:
        return
    wanted = defaultdict(list)
    for label, history_id in missing:
        wanted[label].append(history_id)
    match = Q()
    for label, ids in wanted.items():
        match |= Q(history_model=label, history_id__in=ids)
    for label, history_id, source in AuditLink.objects.filter(match).values_list(
        "history_model", "history_id", "source"
    ):
        for event in missing.get((label, history_id), ()):
            event["who"] = source


# The joined columns of an interest's declaration and of a score's names.
_DECLARATION = {
    "d_person": F("declaration__person__name"),
    "d_represents": F("declaration__represents__name"),
    "d_declared_on": F("declaration__declared_on"),
    "d_interest": F("declaration__interest"),
}
_SCORED = {"evaluator_name": F("evaluator__name"), "bidder_name": F("submission__bidder__name")}


def trail_processes():
    """Award processes loaded with what their trail reads of them (its policy, the policy's adopting
    decision and bodies, the approval decision and its body): a caller restricts it and passes the one
    it reads to ``award_audit_trail(..., loaded=True)``, which then does not read it again."""
    return AwardProcess.objects.select_related(
        "policy__adopted_by__body", "policy__approving_body", "approval_decision__body"
    )


def award_audit_trail(process: AwardProcess, access: Access, *, loaded: bool = False) -> list[dict]:
    """Every step of one award, in the order it happened, each with who and when; the approval
    decision's steps and votes only for a reader of that decision (alliance/access.py).

    Read in a fixed number of queries whatever the number of events: the process with its policy and
    decisions, one per kind of history row (names joined as single columns, no record loaded to be
    printed), the users named, and the audit links of events no one is named for."""
    if not loaded:
        process = trail_processes().get(pk=process.pk)
    names = _Names()
    names.want(process.created_by_id)
    policy_row = _rows(AwardPolicy, "id", process.policy_id, names)[0][0]  # its first version
    names.want(policy_row.history_user_id)
    process_rows = _rows(AwardProcess, "id", process.pk, names, direct_award_to_name=F("direct_award_to__name"))
    transitions = _rows(StageTransition, "process_id", process.pk, names)
    names.want(*(row.by_id for row, _ in transitions))
    interests = _rows(AwardInterest, "process_id", process.pk, names, **_DECLARATION)
    submissions = _rows(Submission, "process_id", process.pk, names, bidder_name=F("bidder__name"))
    scores = _rows(EvaluationScore, "submission__process_id", process.pk, names, **_SCORED)
    contract = []
    if process.resulting_contract_id is not None:
        contract = _rows(Contract, "id", process.resulting_contract_id, names, provider_name=F("provider__name"))
    decision = process.approval_decision
    decision_rows = None
    if decision is not None and access.can_read(decision):
        decision_rows = _decision_rows(decision, names)
        for row, _ in decision_rows["decision"]:
            row.body_label = str(decision.body)
    names.read()

    # The recommended submission as it now stands: its latest version.
    latest = {row.id: row for row, _ in submissions if row.history_type != "-"}
    recommended = latest.get(process.recommended_submission_id)
    shown = access.has_standing(process.alliance_id)
    events = (
        _policy_events(process, access, names, policy_row)
        + _process_events(process, names, process_rows)
        + _transition_events(process, names, transitions, recommended)
        + _interest_events(names, interests, shown)
        + _submission_events(names, submissions)
        + _score_events(names, scores)
    )
    if decision_rows is not None:
        events += _decision_events(decision, names, decision_rows, shown)
    events += _contract_events(process, names, contract, transitions)
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
