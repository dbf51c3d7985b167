"""Oversight's own notes (DESIGN.md: oversight "writes nothing but its own notes")."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from alliance.errors import RuleViolation
from alliance.models import Alliance
from alliance.services import save_checked
from contracts.models import AwardProcess, OversightNote
from decisions.models import Decision
from roles import standing
from roles.access import Access

__all__ = ["write_oversight_note", "edit_oversight_note"]


def _text(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise RuleViolation("note_empty", "Write the note: its text is empty.", field="text")
    return text


@transaction.atomic
def write_oversight_note(
    *,
    actor: Access,
    alliance: Alliance,
    text: str,
    award_process: AwardProcess | None = None,
    decision: Decision | None = None,
    now=None,
) -> OversightNote:
    """Write a note as a member of the alliance's oversight group (or staff), on one record at most.
    ``now`` dates it (the demo's story); the clock otherwise."""
    standing.require_oversight(actor, alliance.pk)
    if actor.user is None:
        raise RuleViolation("note_needs_author", "A note is written by someone: give the login that writes it.")
    if award_process is not None and decision is not None:
        raise RuleViolation(
            "note_one_subject",
            "A note is on an award process or a decision, not both; write two notes.",
            field="decision",
        )
    for field, subject, what in (("award_process", award_process, "award process"), ("decision", decision, "decision")):
        if subject is not None and subject.alliance_id != alliance.pk:
            # Not named: the caller may not read another alliance's record (the read rule).
            raise RuleViolation(
                "note_other_alliance",
                f"That {what} was not found in {alliance}; a note is on a record of the note's alliance.",
                field=field,
            )
    now = now or timezone.now()
    note = OversightNote(
        alliance=alliance,
        award_process=award_process,
        decision=decision,
        author=actor.user,
        text=_text(text),
        created_at=now,
        updated_at=now,
    )
    note._history_date = now
    save_checked(note, "Oversight note written")
    return note


@transaction.atomic
def edit_oversight_note(*, actor: Access, note: OversightNote, text: str) -> OversightNote:
    """Change the text of one's own note; history keeps every version. Notes are never deleted."""
    note = OversightNote.objects.select_for_update().get(pk=note.pk)
    standing.require_note_author(actor, note)
    standing.require_oversight(actor, note.alliance_id)
    note.text, note.updated_at = _text(text), timezone.now()
    save_checked(note, "Oversight note edited")
    return note
