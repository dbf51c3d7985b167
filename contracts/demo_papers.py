"""The demo's papers: the options papers of the decisions open in the demo's week, and the bids and
evaluation reports of the award processes still open, each a small real PDF with its SHA-256, filed by
the demo's secretary through alliance.documents, as the upload page files them. Closed decisions and
processes are sealed: their papers could only have been filed before, so the demo files none there.

It loads after every app's week (the forward plan's stage), so it sees what is open then.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile

from alliance import documents
from alliance.demo_papers import minimal_pdf
from alliance.document_models import Document
from alliance.formatting import day
from alliance.registry import DemoStage, register
from contracts.models import AwardProcess
from decisions.models import AgendaItem, Decision
from roles.standing import system_actor

NOW = datetime(2023, 9, 20, 9, 0, tzinfo=UTC)  # the demo's "now" (alliance/management/commands/load_demo.py)


def _pdf(name: str, *lines: str) -> ContentFile:
    return ContentFile(minimal_pdf(*lines), name=name)


def _decision_papers(alliance, actor) -> None:
    open_now = list(
        Decision.objects.filter(alliance=alliance).exclude(status__in=Decision.SEALED_STATUSES).order_by("-pk")[:3]
    )
    for decision in open_now:
        opened = min(decision.opened_at or NOW, NOW) - timedelta(days=1)
        paper = documents.file_document(
            actor=actor,
            owner=decision,
            title=f"Options paper: {decision.title}",
            kind=Document.Kind.PAPER,
            description="The options the secretary circulated with the proposal.",
            upload=_pdf(
                "options-paper.pdf",
                f"{alliance.name}",
                f"Options paper: {decision.title}",
                f"Proposal: {decision.proposal[:90]}",
                "Option 1: as proposed. Option 2: defer to the next meeting.",
            ),
            at=opened - timedelta(hours=2),
        )
        if decision == open_now[0]:
            documents.add_version(
                actor=actor,
                document=paper,
                upload=_pdf(
                    "options-paper-v2.pdf",
                    f"Options paper: {decision.title} (revised)",
                    "Revised after the advisory members' comments: costs shown by quarter.",
                ),
                note="Costs shown by quarter, after the advisory members' comments.",
                at=opened + timedelta(hours=20),
            )


def _agenda_papers(alliance, actor) -> None:
    """The papers of the next ALT meeting's published agenda (contracts/demo_week.py), so that its board pack
    merges them after the agenda."""
    papers = {
        "Transition plan: novation terms with each member": (
            "Novation: draft heads of terms",
            "novation-heads-of-terms.pdf",
            [
                "Draft heads of terms for novating each member's contract to the partnership",
                "1. Services, staff and people using them move together on 1 April 2024.",
                "2. Each member states what its service needs to keep its staff.",
            ],
        ),
        "What the alliance never agreed: lessons for the partnership": (
            "The operating manual's unagreed sections",
            "operating-manual-gaps.pdf",
            [
                "Sections of the operating manual never agreed: financial procedures, procurement procedure",
                "Target dates missed since February 2022; each award was decided without them.",
            ],
        ),
    }
    items = AgendaItem.objects.filter(meeting__body__alliance=alliance, title__in=list(papers)).select_related(
        "meeting__body"
    )
    for item in items:
        title, name, lines = papers[item.title]
        documents.file_document(
            actor=actor,
            owner=item,
            title=title,
            kind=Document.Kind.PAPER,
            upload=_pdf(name, title, *lines),
            at=datetime(2023, 9, 18, 9, 0, tzinfo=UTC),
        )


def _award_papers(alliance, actor) -> None:
    processes = AwardProcess.objects.filter(
        alliance=alliance,
        stage__in=[
            AwardProcess.Stage.SUBMISSIONS,
            AwardProcess.Stage.EVALUATION,
            AwardProcess.Stage.RECOMMENDED,
            AwardProcess.Stage.APPROVED,
        ],
    ).prefetch_related("submissions__bidder")
    for process in processes:
        for submission in process.submissions.all():
            documents.file_document(
                actor=actor,
                owner=process,
                title=f"Bid from {submission.bidder.name}",
                kind=Document.Kind.BID,
                upload=_pdf(
                    "bid.pdf",
                    f"{process.reference}: {process.title}",
                    f"Bid from {submission.bidder.name}, received {day(submission.submitted_on)}",
                    f"Price: GBP {submission.price:,.2f}",
                ),
                at=datetime.combine(submission.submitted_on, datetime.min.time(), tzinfo=UTC) + timedelta(hours=12),
            )
        if process.stage != AwardProcess.Stage.SUBMISSIONS:
            documents.file_document(
                actor=actor,
                owner=process,
                title=f"Evaluation report: {process.reference}",
                kind=Document.Kind.EVALUATION_REPORT,
                upload=_pdf(
                    "evaluation-report.pdf",
                    f"Evaluation report: {process.reference} {process.title}",
                    "Each bid scored against the policy's criteria by the evaluation panel.",
                ),
                at=datetime(2023, 9, 5, 16, 0, tzinfo=UTC),
            )


@register("demo_parts", stage=DemoStage.FORWARD_PLAN)
def load(ctx: dict, stdout) -> None:
    alliance = ctx["alliance"]
    if Document.objects.filter(alliance=alliance).exclude(kind=Document.Kind.MINUTES).exists():
        return
    actor = system_actor(get_user_model().objects.filter(username="secretary").first())
    _decision_papers(alliance, actor)
    _award_papers(alliance, actor)
    _agenda_papers(alliance, actor)
