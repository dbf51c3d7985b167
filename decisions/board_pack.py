"""The board pack: one PDF per meeting and reader, with a cover, the agenda and every paper in agenda order.

The cover and the agenda are HTML (``templates/decisions/board_pack.html``) turned into PDF by
WeasyPrint; each paper that is a PDF is merged page by page with pypdf, and a paper of any other type
(it cannot be merged) is listed on a page of its own with its name, type, size and SHA-256. Every page
is then stamped "Page i of N", and the agenda names the page each paper starts on.

A pack is per reader: it holds only the agenda items and papers the reader may read (the read rules of
``AgendaItem`` and ``alliance.Document``), so a paper left out is not even named. It is built on
demand (the meeting page's download, the API) or ahead by ``manage.py build_board_packs``, and cached
through Django's storage under a key made of what it shows: the meeting's cover and agenda fields, the
SHA-256 of every included paper's current version and :data:`LAYOUT_VERSION`. A change to the agenda or
a new version of a paper makes a new key, so a stale pack is never served.
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import timezone

from alliance.access import Access, can_read
from alliance.document_models import Document, DocumentVersion
from alliance.errors import RuleViolation
from alliance.formatting import day_time
from decisions.agenda_models import AgendaItem
from decisions.models import Meeting

#: Raise when the pack's layout changes, so that packs cached with the old layout are built again.
LAYOUT_VERSION = 2
CACHE_FOLDER = "board-packs"
PDF_TYPES = {"application/pdf", "application/x-pdf"}
# The agenda's numbers are first guessed, then checked against where the pages fell: a handful of
# passes settles any agenda (a page number one digit longer can push a line onto the next page).
MAX_PASSES = 5
# The stamp at the foot of every page: on a white ground, so that it reads over a paper's own footer.
FOOT = (
    "margin: 0 0 6mm 0; @bottom-center { content: 'Page ' counter(page) ' of ' counter(pages); "
    "font: 8pt 'DejaVu Sans', sans-serif; color: #333; background: white; padding: 0.5mm 2mm; }"
)


@dataclass
class Paper:
    """One paper of the pack: merged page by page when it is a readable PDF, else listed on a page of its own."""

    document: Document
    version: DocumentVersion
    content: bytes = b""
    pdf: object = None  # a pypdf PdfReader when the paper is merged
    listed_because: str = ""  # why a paper is listed rather than merged
    pages: int = 1
    starts_on: int = 0

    @property
    def merged(self) -> bool:
        return self.pdf is not None

    @property
    def anchor(self) -> str:
        return f"paper-{self.document.pk}"


@dataclass
class Entry:
    """An agenda item as the pack shows it: its start time, what it brings and its papers."""

    item: AgendaItem
    starts_at: object = None
    brings: str = ""
    papers: list[Paper] = field(default_factory=list)

    @property
    def withdrawn(self) -> bool:
        return self.item.status == AgendaItem.Status.WITHDRAWN


@dataclass
class Contents:
    """What one reader's pack holds, and the key it is cached under."""

    meeting: Meeting
    entries: list[Entry]
    key: str = ""

    @property
    def papers(self) -> list[Paper]:
        return [paper for entry in self.entries for paper in entry.papers]


@dataclass
class BoardPack:
    content: bytes
    key: str
    filename: str
    built: bool  # False when the pack came from the cache


# What the pack holds ----------------------------------------------------------------------------


@functools.cache
def pdf_unavailable() -> str | None:
    """Why this server cannot make PDFs, or None: WeasyPrint needs the Pango library from the system, which a
    fresh machine may lack (`import weasyprint` then fails with OSError). Asked once per process."""
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError) as missing:
        return f"{type(missing).__name__}: {missing}"
    return None


def cannot_make_pdfs() -> RuleViolation:
    return RuleViolation(
        "pdf_unavailable",
        "This server cannot make PDFs yet: WeasyPrint needs the Pango library and a font from the system "
        "(on Debian: apt-get install libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core; see the README's "
        "Set up). Ask its administrator; meanwhile the agenda prints from its page and each paper downloads "
        "on its own.",
        conflict=True,
    )


def no_agenda(meeting: Meeting) -> RuleViolation:
    return RuleViolation(
        "board_pack_without_agenda",
        f"{meeting} has no agenda yet, so there is no board pack to download. The body's secretary adds the "
        "agenda's items on the meeting page; the pack then holds the cover, the agenda and its papers.",
        conflict=True,
    )


def contents(*, meeting: Meeting, access: Access) -> Contents:
    """The agenda items and papers of ``meeting`` that ``access`` may read, in agenda order (a fixed number of
    queries). Refused when the meeting has no listed item the reader may read."""
    items = list(
        AgendaItem.objects.restrict(access)
        .filter(meeting=meeting)
        .select_related("presenter", "decision", "award_process")
        .order_by("position", "pk")
    )
    if not any(item.status == AgendaItem.Status.LISTED for item in items):
        raise no_agenda(meeting)
    papers = _papers(access, [item for item in items if item.status == AgendaItem.Status.LISTED])
    entries, clock = [], meeting.starts_at
    for item in items:
        entry = Entry(item=item, brings=_brings(access, item), papers=papers.get(item.pk, []))
        if item.status == AgendaItem.Status.LISTED:
            entry.starts_at = clock
            clock = clock + timedelta(minutes=item.duration_minutes or 0) if clock else None
        entries.append(entry)
    found = Contents(meeting=meeting, entries=entries)
    found.key = cache_key(found)
    return found


def _papers(access: Access, items: list[AgendaItem]) -> dict[int, list[Paper]]:
    """The readable papers (not withdrawn) of ``items``, each with its current version: two queries."""
    versions = Prefetch("versions", queryset=DocumentVersion.objects.order_by("-number"))
    documents = (
        Document.objects.restrict(access)
        .filter(
            owner_type=ContentType.objects.get_for_model(AgendaItem),
            owner_id__in=[item.pk for item in items],
            withdrawn_at__isnull=True,
        )
        .prefetch_related(versions)
        .order_by("created_at", "pk")
    )
    found: dict[int, list[Paper]] = {}
    for document in documents:
        current = next(iter(document.versions.all()), None)
        if current is not None:
            found.setdefault(document.owner_id, []).append(Paper(document=document, version=current))
    return found


def _brings(access: Access, item: AgendaItem) -> str:
    """The decision or award process the item brings, named only to a reader who may read it."""
    if item.decision_id and can_read(access, item.decision):
        decision = item.decision
        return f"Decision {decision.reference or '(draft)'}: {decision.title}"
    if item.award_process_id and can_read(access, item.award_process):
        award = item.award_process
        return f"Award process {award.reference}: {award.title}"
    return ""


def cache_key(found: Contents) -> str:
    """A hash of everything the pack shows: a change to any of it is a new pack."""
    meeting = found.meeting
    body = meeting.body
    shown = {
        "layout": LAYOUT_VERSION,
        "meeting": [
            meeting.pk,
            str(meeting),
            body.name,
            body.alliance.name,
            meeting.starts_at.isoformat(),
            meeting.location,
            meeting.online,
            meeting.agenda_published_at.isoformat() if meeting.agenda_published_at else None,
        ],
        "items": [
            [
                e.item.pk,
                e.item.position,
                e.item.title,
                e.item.purpose,
                e.item.description,
                e.item.presenter_id,
                e.item.presenter.name if e.item.presenter else None,
                e.item.duration_minutes,
                e.item.status,
                e.item.changed_after_publishing_at.isoformat() if e.item.changed_after_publishing_at else None,
                e.item.change_note,
                e.brings,
                [
                    [
                        p.document.pk,
                        p.document.title,
                        p.version.number,
                        p.version.sha256,
                        p.version.original_name,
                        p.version.content_type,
                        p.version.size,
                    ]
                    for p in e.papers
                ],
            ]
            for e in found.entries
        ],
    }
    return hashlib.sha256(json.dumps(shown, sort_keys=True).encode()).hexdigest()


# The cache ------------------------------------------------------------------------------------


def cache_path(meeting: Meeting, key: str) -> str:
    return f"{CACHE_FOLDER}/meeting-{meeting.pk}/{key}.pdf"


def filename(meeting: Meeting) -> str:
    local = timezone.localtime(meeting.starts_at)
    return f"board-pack-{meeting.body.code.lower()}-{local:%Y-%m-%d}.pdf"


def board_pack(*, meeting: Meeting, access: Access) -> BoardPack:
    """The reader's board pack of ``meeting``: from the cache when nothing it shows has changed, else built
    and cached. Refused (409) when the meeting has no agenda."""
    found = contents(meeting=meeting, access=access)
    path = cache_path(meeting, found.key)
    if default_storage.exists(path):
        with default_storage.open(path, "rb") as cached:
            return BoardPack(cached.read(), found.key, filename(meeting), built=False)
    if pdf_unavailable():
        raise cannot_make_pdfs()
    content = build(found)
    if not default_storage.exists(path):  # another request may have built the same pack meanwhile
        default_storage.save(path, ContentFile(content))
    return BoardPack(content, found.key, filename(meeting), built=True)


# Building -------------------------------------------------------------------------------------


def build(found: Contents) -> bytes:
    """The pack's PDF: cover and agenda, then the papers in agenda order, every page numbered."""
    from pypdf import PdfWriter

    for paper in found.papers:
        _load(paper)
    front, listings = _front_and_listings(found)
    writer = PdfWriter()
    for page in front:
        writer.add_page(page)
    for paper in found.papers:
        for page in paper.pdf.pages if paper.merged else listings[paper.anchor]:
            writer.add_page(page)
    _number_pages(writer)
    writer.add_metadata({"/Title": f"Board pack: {found.meeting}", "/Creator": "Alliance governance tracker"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _load(paper: Paper) -> None:
    """Read the paper's current file; a PDF that opens is merged, anything else is listed with the reason."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    version = paper.version
    try:
        with version.file.open("rb") as stored:
            paper.content = stored.read()
    except OSError:
        paper.listed_because = "Its file could not be read from storage; ask the body's secretary to upload it again."
        return
    if hashlib.sha256(paper.content).hexdigest() != version.sha256:
        paper.listed_because = "Its stored file does not match the SHA-256 recorded at upload, so it is not included."
        return
    is_pdf = version.content_type in PDF_TYPES or version.original_name.lower().endswith(".pdf")
    if not is_pdf:
        paper.listed_because = (
            "It is not a PDF, so it cannot be merged into the pack; download it from the meeting page."
        )
        return
    try:
        reader = PdfReader(io.BytesIO(paper.content))
        if reader.is_encrypted and not reader.decrypt(""):
            raise PyPdfError("encrypted")
        pages = len(reader.pages)
    except (PyPdfError, ValueError, KeyError, TypeError, OSError):
        paper.listed_because = "It could not be opened as a PDF (damaged or password-protected), so it is not merged."
        return
    if pages == 0:
        paper.listed_because = "It is a PDF without pages."
        return
    paper.pdf, paper.pages = reader, pages


def _front_and_listings(found: Contents):
    """Render the cover, the agenda and the listing pages, placing every paper: the agenda's page numbers
    depend on how many pages the agenda itself takes, so render until the numbers hold."""
    from pypdf import PdfReader
    from weasyprint import CSS, HTML

    style = CSS(string=render_to_string("decisions/board_pack.css"))
    front_pages = 2  # a first guess: the cover and one page of agenda
    listed_pages = {p.anchor: 1 for p in found.papers if not p.merged}
    for _ in range(MAX_PASSES):
        _place(found, front_pages, listed_pages)
        html = render_to_string("decisions/board_pack.html", {"pack": found, "meeting": found.meeting, **_cover(found)})
        document = HTML(string=html).render(stylesheets=[style])
        starts = {}
        for number, page in enumerate(document.pages):
            for anchor in page.anchors:
                if anchor.startswith("paper-"):
                    starts.setdefault(anchor, number)
        measured_front = min(starts.values(), default=len(document.pages))
        order = sorted(starts, key=starts.get) + ["end"]
        starts["end"] = len(document.pages)
        measured_listed = {a: starts[b] - starts[a] for a, b in zip(order, order[1:], strict=False)}
        if measured_front == front_pages and measured_listed == listed_pages:
            break
        front_pages, listed_pages = measured_front, measured_listed
    pages = PdfReader(io.BytesIO(document.write_pdf())).pages
    listings = {
        anchor: [pages[i] for i in range(starts[anchor], starts[anchor] + n)] for anchor, n in listed_pages.items()
    }
    return pages[:front_pages], listings


def _place(found: Contents, front_pages: int, listed_pages: dict[str, int]) -> None:
    number = front_pages + 1
    for paper in found.papers:
        paper.starts_on = number
        if not paper.merged:
            paper.pages = listed_pages.get(paper.anchor, 1)
        number += paper.pages


def _cover(found: Contents) -> dict:
    meeting = found.meeting
    local = timezone.localtime(meeting.starts_at)
    if meeting.online:
        place = f"Online and at {meeting.location}" if meeting.location else "Online"
    else:
        place = meeting.location or "Place to be confirmed"
    published = meeting.agenda_published_at
    return {
        "when": f"{local:%A} {local.day} {local:%B %Y}, {local:%H:%M} (UK time)",
        "place": place,
        "status": f"Agenda published on {day_time(published)}"
        if published
        else "Draft: the agenda is not yet published",
        "draft": published is None,
    }


def _number_pages(writer) -> None:
    """Stamp "Page i of N" at the foot of every page, whatever its size: one overlay page per page."""
    from pypdf import PdfReader, Transformation
    from weasyprint import CSS, HTML

    sizes, names = {}, []
    for page in writer.pages:
        if page.rotation:  # a page turned by /Rotate: stamp its foot as the reader sees it
            page.transfer_rotation_to_content()
        box = page.mediabox
        size = (round(float(box.width), 2), round(float(box.height), 2))
        names.append(sizes.setdefault(size, f"s{len(sizes)}"))
    # One empty page per page, of that page's size, with the number in its bottom margin. Built here,
    # not as a template: the templates are pages of the site, where inline styles are refused.
    pages_css = "".join(
        f".{name} {{ page: {name} }} @page {name} {{ size: {width:.2f}pt {height:.2f}pt; {FOOT} }}"
        for (width, height), name in sizes.items()
    )
    overlay_html = "<html><body>" + "".join(f'<div class="{name}"></div>' for name in names) + "</body></html>"
    pages_css += "div { break-before: page; } div:first-child { break-before: auto; }"
    overlay = PdfReader(io.BytesIO(HTML(string=overlay_html).write_pdf(stylesheets=[CSS(string=pages_css)]))).pages
    for page, stamp in zip(writer.pages, overlay, strict=True):
        box = page.mediabox
        page.merge_transformed_page(stamp, Transformation().translate(float(box.left), float(box.bottom)))
