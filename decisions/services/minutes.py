"""The minutes of a meeting, from draft to approved (issue 19, part 5).

Drafted per agenda item (the item's minute: what was discussed and concluded) beside the meeting's
general minutes; circulated as a draft to the attendees and the body's seats (a notification the
scheduled command sends), and circulated again after a change, marked revised; approved by a later
PROCEDURAL decision of the same body, agreed at a later meeting or by a later written procedure. The
secretary drafts that decision from the next meeting's page, so the approval runs through the body's
own decision rule. Once approved the minutes are sealed: their text, the item minutes, the attendance
and the item papers stay as they were, and a printable, signed-off copy is kept as a paper of the
meeting with its SHA-256.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from alliance.choices import DecisionKind
from alliance.document_models import Document
from alliance.errors import RuleViolation
from alliance.formatting import day
from alliance.services import save_checked
from decisions import board_pack, queries_meetings
from decisions.models import AgendaItem, Decision, Meeting
from decisions.services.decisions import draft_decision
from decisions.services.meetings import meeting_date
from roles import standing
from roles.access import Access

__all__ = [
    "record_item_minute",
    "circulate_minutes",
    "approve_minutes",
    "draft_minutes_approval",
    "minutes_approval_title",
]


def _locked(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update(of=("self",)).select_related("body__alliance").get(pk=meeting.pk)


def refuse_if_sealed(meeting: Meeting, what: str, field: str | None = None, code: str = "minutes_sealed") -> None:
    """Rule: approved minutes are sealed; ``what`` names the part the caller tried to change."""
    message = meeting.minutes_sealed_message(what)
    if message:
        raise RuleViolation(code, message, field=field, conflict=True)


def _refuse_unless_held(meeting: Meeting, doing: str) -> None:
    if meeting.status != Meeting.Status.HELD:
        raise RuleViolation(
            "meeting_not_held",
            f"Mark the meeting held before {doing}: minutes are kept of meetings that took place.",
            field="status",
            conflict=True,
        )


def mark_minutes_changed(meeting: Meeting) -> None:
    """A change to circulated minutes makes the circulated copy out of date: the next circulation is a revision
    (``meeting`` is locked by the caller)."""
    if meeting.minutes_circulated_at and not meeting.minutes_changed_since_circulated:
        meeting.minutes_changed_since_circulated = True
        save_checked(meeting, "Minutes changed since they were circulated")


@transaction.atomic
def record_item_minute(
    *, actor: Access, item: AgendaItem, discussion: str, meeting: Meeting | None = None
) -> AgendaItem:
    """Write or correct the minute of one agenda item (what was discussed and concluded): the body's secretary,
    once the meeting is held, until its minutes are approved. With ``meeting``, the item must be on its agenda."""
    if meeting is not None and item.meeting_id != meeting.pk:
        raise RuleViolation(
            "agenda_item_other_meeting",
            "That agenda item is not on this meeting's agenda; choose one of its items.",
            field="agenda_item",
        )
    meeting = item.meeting
    standing.require_record_keeper(actor, meeting.body, "record the minutes of its meetings")
    meeting = _locked(meeting)
    item = AgendaItem.objects.select_for_update(of=("self",)).get(pk=item.pk)
    _refuse_unless_held(meeting, "writing the minute of an item")
    refuse_if_sealed(meeting, "the minute of an item", field="discussion")
    if item.status != AgendaItem.Status.LISTED:
        raise RuleViolation(
            "agenda_item_withdrawn",
            f"Item {item.position} was withdrawn from the agenda and was not taken; write nothing against it.",
            field="discussion",
            conflict=True,
        )
    text = discussion.strip()
    if not text:
        raise RuleViolation(
            "item_minute_required", "Write what was discussed and concluded under this item.", field="discussion"
        )
    changing = bool(item.discussion)
    item.discussion = text
    save_checked(item, "Minute corrected" if changing else "Minute recorded")
    mark_minutes_changed(meeting)
    return item


def _has_minutes(meeting: Meeting) -> bool:
    return bool(meeting.minutes.strip()) or AgendaItem.objects.filter(meeting=meeting).exclude(discussion="").exists()


@transaction.atomic
def circulate_minutes(*, actor: Access, meeting: Meeting, now: datetime | None = None) -> Meeting:
    """Circulate the draft minutes to the attendees and the body's seats (notified by the scheduled command);
    again after a change, as a revised draft, until they are approved."""
    standing.require_record_keeper(actor, meeting.body, "circulate the minutes of its meetings")
    meeting = _locked(meeting)
    _refuse_unless_held(meeting, "circulating its minutes")
    refuse_if_sealed(meeting, "the draft")
    if not _has_minutes(meeting):
        raise RuleViolation(
            "minutes_missing",
            "There is nothing to circulate yet: write the minutes of the meeting or of its items first.",
            field="minutes",
            conflict=True,
        )
    if meeting.minutes_circulated_at and not meeting.minutes_changed_since_circulated:
        raise RuleViolation(
            "minutes_unchanged",
            f"This draft was circulated on {day(timezone.localdate(meeting.minutes_circulated_at))} and has not "
            "changed since; circulate it again once the minutes are revised.",
            conflict=True,
        )
    revised = meeting.minutes_circulations > 0
    meeting.minutes_circulated_at = now or timezone.now()
    meeting.minutes_circulated_by_id = actor.person_id
    meeting.minutes_circulations += 1
    meeting.minutes_changed_since_circulated = False
    save_checked(meeting, "Revised minutes circulated" if revised else "Draft minutes circulated")
    return meeting


def _approval_refusal(meeting: Meeting, decision: Decision) -> tuple[str, str] | None:
    """Why ``decision`` cannot approve the minutes of ``meeting`` (rule: a later, agreed PROCEDURAL decision
    of the same body), or None."""
    label = decision.reference or decision.title
    if decision.body_id != meeting.body_id:
        return "minutes_other_body", (
            f"{label} is a decision of {decision.body.name}; minutes are approved by the body that met "
            f"({meeting.body.name})."
        )
    if decision.kind != DecisionKind.PROCEDURAL:
        return "minutes_decision_not_procedural", (
            f"{label} is not a procedural decision (its kind is {decision.get_kind_display().lower()}); minutes are "
            "approved by a procedural decision. Use 'Draft the approval of these minutes' on the next meeting's page."
        )
    if decision.status != Decision.Status.AGREED:
        return "minutes_decision_not_agreed", (
            f"{label} is {decision.get_status_display().lower()}; minutes are approved by an agreed decision."
        )
    if decision.meeting_id is not None:
        later = decision.meeting.starts_at > meeting.starts_at
    else:
        later = decision.decided_on is not None and decision.decided_on > meeting_date(meeting)
    if not later:
        return "minutes_decision_not_later", (
            f"{label} was not taken after the meeting of {day(meeting_date(meeting))}; minutes are approved at a "
            "later meeting or by a later written procedure."
        )
    return None


def _document_bytes(html: str) -> tuple[bytes, str, str]:
    """The signed-off copy: a PDF (WeasyPrint, as the board pack), or, on a server that cannot make PDFs
    (decisions.board_pack.pdf_unavailable), the printable HTML itself with its styles, so that approving
    minutes never waits on a system library."""
    style = render_to_string("decisions/minutes_document.css")
    if board_pack.pdf_unavailable():
        return html.replace("</head>", f"<style>{style}</style></head>", 1).encode(), "text/html", "html"
    from weasyprint import CSS, HTML

    return HTML(string=html).write_pdf(stylesheets=[CSS(string=style)]), "application/pdf", "pdf"


def _store_signed_off(*, actor: Access, meeting: Meeting, decision: Decision, approved_at: datetime) -> Document:
    from alliance import documents  # the papers' service (alliance/documents.py)

    members = queries_meetings.members_view(meeting.body.alliance_id)
    record = queries_meetings.minutes_record(meeting, members)
    html = render_to_string(
        "decisions/minutes_document.html",
        {
            **record,
            # The copy is as readable as the meeting: a confidential approving decision is not named in it.
            "approved_by": decision if members.can_read(decision) else None,
            "approved_on": timezone.localdate(approved_at),
        },
    )
    content, content_type, extension = _document_bytes(html)
    on = meeting_date(meeting)
    return documents.store_generated(
        actor=actor,
        owner=meeting,
        title=f"Minutes of the {meeting.body.code} meeting of {day(on)}, approved",
        kind=Document.Kind.MINUTES,
        content=content,
        name=f"minutes-{meeting.body.code.lower()}-{on.isoformat()}.{extension}",
        content_type=content_type,
        note=f"Approved by {decision.reference or decision.title}",
    )


@transaction.atomic
def approve_minutes(
    *, actor: Access, meeting: Meeting, decision: Decision, approved_at: datetime | None = None
) -> Meeting:
    """Approve a meeting's minutes by a later, AGREED, PROCEDURAL decision of the same body; seals them and keeps
    the signed-off copy as a paper of the meeting (``approved_at``: now, unless replaying the past)."""
    standing.require_record_keeper(actor, meeting.body, "approve the minutes of its meetings")
    meeting = _locked(meeting)
    if meeting.status != Meeting.Status.HELD or not _has_minutes(meeting):
        raise RuleViolation(
            "minutes_missing",
            "Only the recorded minutes of a held meeting can be approved; record the minutes first.",
            field="minutes",
            conflict=True,
        )
    refuse_if_sealed(meeting, "the minutes", field="decision", code="minutes_already_approved")
    if decision.alliance_id != meeting.body.alliance_id:
        # Not named: the caller may not read another alliance's decision (the read rule).
        raise RuleViolation(
            "minutes_other_body",
            f"That decision was not found in this alliance; minutes are approved by a decision of {meeting.body.name}.",
            field="decision",
        )
    refusal = _approval_refusal(meeting, decision)
    if refusal:
        raise RuleViolation(*refusal, field="decision")
    if decision.approves_minutes_of.exclude(pk=meeting.pk).exists():
        raise RuleViolation(
            "minutes_decision_used",
            f"{decision.reference} already approved the minutes of another meeting; each meeting's minutes are "
            "approved by their own decision.",
            field="decision",
        )
    approved_at = approved_at or timezone.now()
    _store_signed_off(actor=actor, meeting=meeting, decision=decision, approved_at=approved_at)
    meeting.minutes_approved_by = decision
    meeting.minutes_approved_at = approved_at
    save_checked(meeting, f"Minutes approved by {decision.reference or decision.title}")
    return meeting


def minutes_approval_title(meeting: Meeting) -> str:
    return f"Approve the minutes of the {meeting.body.code} meeting of {day(meeting_date(meeting))}"


@transaction.atomic
def draft_minutes_approval(*, actor: Access, meeting: Meeting, minutes_of: Meeting) -> Decision:
    """Draft, for ``meeting``, the PROCEDURAL decision approving the minutes of the earlier ``minutes_of`` (its
    body's secretary); the body's decision rule then takes it like any other."""
    standing.require_record_keeper(actor, meeting.body, "draft the approval of its minutes")
    minutes_of = _locked(minutes_of)
    if minutes_of.body_id != meeting.body_id or minutes_of.starts_at >= meeting.starts_at:
        raise RuleViolation(
            "minutes_approval_meeting",
            f"A meeting approves the minutes of an earlier meeting of {meeting.body.name}; choose one of those.",
            field="minutes_of",
        )
    _refuse_unless_held(minutes_of, "drafting the approval of its minutes")
    refuse_if_sealed(minutes_of, "the minutes", field="minutes_of")
    if not _has_minutes(minutes_of):
        raise RuleViolation(
            "minutes_missing",
            f"The meeting of {day(meeting_date(minutes_of))} has no minutes yet; write and circulate them first.",
            field="minutes_of",
            conflict=True,
        )
    title = minutes_approval_title(minutes_of)
    pending = Decision.objects.filter(body=meeting.body, title=title).exclude(
        status__in=[Decision.Status.WITHDRAWN, Decision.Status.NOT_AGREED, Decision.Status.LAPSED]
    )
    if pending.exists():
        raise RuleViolation(
            "minutes_approval_drafted",
            f"The approval of these minutes is already drafted ({pending.first().reference or 'a draft'}); open it "
            "for positions at the meeting.",
            field="minutes_of",
            conflict=True,
        )
    circulated = (
        f" The draft was circulated on {day(timezone.localdate(minutes_of.minutes_circulated_at))}."
        if minutes_of.minutes_circulated_at
        else ""
    )
    return draft_decision(
        actor=actor,
        body=meeting.body,
        meeting=meeting,
        kind=DecisionKind.PROCEDURAL,
        title=title,
        proposal=f"That the minutes of the meeting of {day(meeting_date(minutes_of))} be approved as a correct "
        f"record.{circulated}",
    )
