"""The governing documents register: add a document, change its status, start a new version, record
a review. Kept by the alliance's secretaries (roles/standing.py, ``require_alliance_keeper``).

A document is agreed (or in operation) only through a decision of its own alliance that was agreed
on or before the day; a new version supersedes the old one, which is kept as it was.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db import transaction
from django.utils import timezone

from alliance.errors import RuleViolation
from alliance.formatting import day
from alliance.models import Alliance, GoverningBody
from alliance.services import save_checked
from decisions.governing_models import AwardRoute, GoverningDocument
from decisions.models import Decision
from roles import standing
from roles.access import Access
from roles.models import Role

__all__ = [
    "add_governing_document",
    "change_governing_document_status",
    "new_governing_document_version",
    "review_governing_document",
]

Status = GoverningDocument.Status
DOING = "keep the governing documents register"


def _check_details(
    *,
    alliance_id: int,
    title: str,
    owner_role: Role | None,
    owner_body: GoverningBody | None,
    required_by_agreement: bool,
    agreement_clause: str,
    award_routes: Iterable[str],
) -> list[str]:
    if not title.strip():
        raise RuleViolation("governing_title_required", "Give the document a title.", field="title")
    # Neither message names the record: it may be another alliance's, which the caller cannot read.
    if owner_role is not None and owner_role.alliance_id != alliance_id:
        raise RuleViolation(
            "governing_owner_role_elsewhere",
            "That role was not found in this alliance; choose one of its roles as the owner.",
            field="owner_role",
        )
    if owner_body is not None and owner_body.alliance_id != alliance_id:
        raise RuleViolation(
            "governing_owner_body_elsewhere",
            "That body was not found in this alliance; choose one of its bodies, or none.",
            field="owner_body",
        )
    if required_by_agreement and not agreement_clause.strip():
        raise RuleViolation(
            "governing_clause_required",
            "Say where the agreement requires this document (the clause, e.g. 'Schedule part 10'), or untick "
            "'Required by the agreement'.",
            field="agreement_clause",
        )
    routes = list(dict.fromkeys(award_routes or []))
    unknown = [r for r in routes if r not in AwardRoute.values]
    if unknown:
        raise RuleViolation(
            "governing_route_unknown",
            f"{', '.join(map(str, unknown))} is not an award route; choose among {', '.join(AwardRoute.labels)}.",
            field="award_routes",
        )
    return routes


def _locked_current(document: GoverningDocument, doing: str) -> GoverningDocument:
    document = GoverningDocument.objects.select_for_update(of=("self",)).select_related("alliance").get(pk=document.pk)
    if document.status == Status.SUPERSEDED:
        raise RuleViolation(
            "governing_superseded",
            f"This version of {document.title} was superseded; {doing} the current version instead.",
            field="status",
            conflict=True,
        )
    return document


@transaction.atomic
def add_governing_document(
    *,
    actor: Access,
    alliance: Alliance,
    title: str,
    kind: str,
    version_label: str = "",
    summary: str = "",
    owner_role: Role | None = None,
    owner_body: GoverningBody | None = None,
    target_date: date | None = None,
    required_by_agreement: bool = False,
    agreement_clause: str = "",
    award_routes: Iterable[str] = (),
    visibility: str = GoverningDocument.Visibility.MEMBERS,
) -> GoverningDocument:
    """Add a document to the register, being drafted (the alliance's secretaries)."""
    standing.require_alliance_keeper(actor, alliance.pk, DOING)
    routes = _check_details(
        alliance_id=alliance.pk,
        title=title,
        owner_role=owner_role,
        owner_body=owner_body,
        required_by_agreement=required_by_agreement,
        agreement_clause=agreement_clause,
        award_routes=award_routes,
    )
    document = GoverningDocument(
        alliance=alliance,
        title=title.strip(),
        kind=kind,
        version_label=version_label.strip(),
        summary=summary.strip(),
        owner_role=owner_role,
        owner_body=owner_body,
        target_date=target_date,
        required_by_agreement=required_by_agreement,
        agreement_clause=agreement_clause.strip() if required_by_agreement else "",
        award_routes=routes,
        visibility=visibility,
        created_at=timezone.now(),
    )
    save_checked(document, "Added to the register")
    return document


def _check_adopting(document: GoverningDocument, decision: Decision | None, on: date) -> None:
    if decision is None:
        raise RuleViolation(
            "governing_adoption_required",
            f"{document.title} can be agreed or put in operation only by a decision of {document.alliance}: "
            "choose the agreed decision that adopted it.",
            field="adopted_by",
        )
    if decision.alliance_id != document.alliance_id:
        raise RuleViolation(
            "governing_adoption_elsewhere",
            f"That decision was not found in {document.alliance}; choose one of its own agreed decisions.",
            field="adopted_by",
        )
    if decision.status != Decision.Status.AGREED:
        raise RuleViolation(
            "governing_adoption_not_agreed",
            f"{decision.reference or decision.title} is {decision.get_status_display().lower()}, not agreed; "
            "a document is adopted only by an agreed decision.",
            field="adopted_by",
        )
    if decision.decided_on is None or decision.decided_on > on:
        raise RuleViolation(
            "governing_adoption_later",
            f"{decision.reference} was decided on {day(decision.decided_on, 'no date')}, after {day(on)}; the "
            "document cannot be agreed before the decision that adopts it. Change the date, or choose the "
            "decision that adopted it.",
            field="adopted_by",
        )


@transaction.atomic
def change_governing_document_status(
    *,
    actor: Access,
    document: GoverningDocument,
    status: str,
    adopted_by: Decision | None = None,
    on: date | None = None,
    reason: str = "",
) -> GoverningDocument:
    """Move a document to drafting, agreed, in operation or under review; agreed and in operation need
    the agreed decision of the same alliance that adopted it, decided on or before ``on``."""
    standing.require_alliance_keeper(actor, document.alliance_id, DOING)
    document = _locked_current(document, "change the status of")
    on = on or timezone.localdate()
    if status == Status.SUPERSEDED:
        raise RuleViolation(
            "governing_supersede_by_version",
            "A document is superseded by its new version: use 'New version' instead.",
            field="status",
        )
    if status not in Status.values:
        raise RuleViolation("governing_status_unknown", "Choose a status from the list.", field="status")
    if status == document.status and (adopted_by is None or adopted_by.pk == document.adopted_by_id):
        raise RuleViolation(
            "governing_status_unchanged",
            f"{document.title} is already {document.get_status_display().lower()}; choose another status.",
            field="status",
            conflict=True,
        )
    if status in GoverningDocument.IN_FORCE:
        decision = adopted_by or document.adopted_by
        _check_adopting(document, decision, on)
        document.adopted_by = decision
    document.status = status
    save_checked(document, reason.strip() or f"{Status(status).label} on {day(on)}")
    return document


@transaction.atomic
def new_governing_document_version(
    *,
    actor: Access,
    document: GoverningDocument,
    version_label: str,
    title: str = "",
    summary: str = "",
    target_date: date | None = None,
    reason: str = "",
) -> GoverningDocument:
    """Start a new version of a document, being drafted; the old one is kept, marked superseded."""
    standing.require_alliance_keeper(actor, document.alliance_id, DOING)
    document = _locked_current(document, "start a new version of")
    label = version_label.strip()
    if not label:
        raise RuleViolation(
            "governing_version_required", "Give the new version its label (e.g. v2).", field="version_label"
        )
    if label == document.version_label:
        raise RuleViolation(
            "governing_version_same",
            f"The current version is already {label}; give the new version another label.",
            field="version_label",
        )
    new = GoverningDocument(
        alliance=document.alliance,
        title=title.strip() or document.title,
        kind=document.kind,
        version_label=label,
        summary=summary.strip() or document.summary,
        owner_role=document.owner_role,
        owner_body=document.owner_body,
        target_date=target_date,
        required_by_agreement=document.required_by_agreement,
        agreement_clause=document.agreement_clause,
        award_routes=list(document.award_routes),
        visibility=document.visibility,
        supersedes=document,
        created_at=timezone.now(),
    )
    document.status = Status.SUPERSEDED
    save_checked(document, reason.strip() or f"Superseded by {label}")
    save_checked(new, reason.strip() or f"New version of {document.version_label or document.title}")
    return new


@transaction.atomic
def review_governing_document(
    *,
    actor: Access,
    document: GoverningDocument,
    reviewed_on: date,
    next_review_on: date | None = None,
    note: str = "",
) -> GoverningDocument:
    """Record that a document was reviewed, and when it is next to be."""
    standing.require_alliance_keeper(actor, document.alliance_id, DOING)
    document = _locked_current(document, "review")
    if reviewed_on > timezone.localdate():
        raise RuleViolation(
            "governing_review_future",
            f"A review is recorded once held; {day(reviewed_on)} is still to come.",
            field="reviewed_on",
        )
    if next_review_on is not None and next_review_on <= reviewed_on:
        raise RuleViolation(
            "governing_next_review_early",
            f"The next review ({day(next_review_on)}) must fall after this one ({day(reviewed_on)}).",
            field="next_review_on",
        )
    document.last_reviewed_on = reviewed_on
    document.next_review_on = next_review_on
    save_checked(document, note.strip() or f"Reviewed on {day(reviewed_on)}")
    return document
