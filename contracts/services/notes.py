"""Oversight's own notes (issue 7: oversight "writes nothing but its own notes")."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from alliance.errors import RuleViolation
from alliance.models import Alliance
from alliance.services import _save
from contracts.models import AwardProcess, OversightNote
from decisions.models import Decision
from roles.access import access_for

__all__ = ["write_oversight_note", "edit_oversight_note"]


def _text(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise RuleViolation("note_empty", "Write the note: its text is empty.", field="text")
    return text


@transaction.atomic
def write_oversight_note(
    *,
    by,
    alliance: Alliance,
    text: str,
    award_process: AwardProcess | None = None,
    decision: Decision | None = None,
) -> OversightNote:
    """Write a note as a member of the alliance's oversight group (or staff), on one record at most."""
    if not access_for(by).is_oversight_of(alliance.pk):
        raise RuleViolation(
            "note_needs_oversight",
            f"Only members of {alliance}'s oversight group write oversight notes; ask its secretary for that standing.",
        )
    if award_process is not None and decision is not None:
        raise RuleViolation(
            "note_one_subject",
            "A note is on an award process or a decision, not both; write two notes.",
            field="decision",
        )
    for field, subject in (("award_process", award_process), ("decision", decision)):
        if subject is not None and subject.alliance_id != alliance.pk:
            raise RuleViolation(
                "note_other_alliance", f"{subject} belongs to another alliance than {alliance}.", field=field
            )
    now = timezone.now()
    note = OversightNote(
        alliance=alliance,
        award_process=award_process,
        decision=decision,
        author=by,
        text=_text(text),
        created_at=now,
        updated_at=now,
    )
    _save(note, "Oversight note written")
    return note


@transaction.atomic
def edit_oversight_note(*, note: OversightNote, by, text: str) -> OversightNote:
    """Change the text of one's own note; history keeps every version. Notes are never deleted."""
    note = OversightNote.objects.select_for_update().get(pk=note.pk)
    if note.author_id != by.pk and not by.is_staff:
        raise RuleViolation(
            "note_not_yours", "You can edit only the notes you wrote; write a note of your own instead."
        )
    if not access_for(by).is_oversight_of(note.alliance_id):
        raise RuleViolation("note_needs_oversight", "You no longer have oversight standing in this alliance.")
    note.text, note.updated_at = _text(text), timezone.now()
    _save(note, "Oversight note edited")
    return note
