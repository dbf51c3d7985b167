"""The board pack (decisions/board_pack.py): its pages match the agenda, it is per reader, and it is cached
until the agenda or a paper changes."""

import hashlib
import io
import re
from datetime import UTC, datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Q
from django.utils import timezone
from pypdf import PdfReader

from alliance.access import CONFIDENTIAL, AllOf, Matching, Through
from alliance.errors import RuleViolation
from decisions import board_pack
from decisions.agenda_models import AgendaItem
from roles.access import access_for
from tests.factories import (
    BoardPackItemFactory,
    MeetingFactory,
    PaperVersionFactory,
    PersonFactory,
    StaffFactory,
    UserFactory,
    pdf_pages,
)
from tests.helpers import needs_pdf, viewer_of

pytestmark = [pytest.mark.django_db, needs_pdf()]

MEETING_AT = datetime(2021, 3, 4, 10, 0, tzinfo=UTC)
SPREADSHEET = b"item,cost\nbeds,1200\n"


@pytest.fixture(autouse=True)
def _packs_cached_apart(settings, tmp_path):
    # Each test its own storage: ids repeat from one test to the next, and so would cache keys.
    settings.MEDIA_ROOT = str(tmp_path)


@pytest.fixture
def meeting(scene):
    return MeetingFactory(body=scene.body, starts_at=MEETING_AT, title="ALT March meeting", location="Town Hall")


@pytest.fixture
def reader(scene):
    return access_for(viewer_of(scene.alliance))


@pytest.fixture
def builds(monkeypatch):
    """Counts the packs actually built (not served from the cache)."""
    counted = []
    real = board_pack.build

    def counting(found):
        counted.append(found.key)
        return real(found)

    monkeypatch.setattr(board_pack, "build", counting)
    return counted


@pytest.fixture
def agenda(meeting):
    """Three items: the first with a two-page PDF and a spreadsheet, the second with none, the third with a
    one-page PDF."""
    first = BoardPackItemFactory(
        meeting=meeting, position=1, title="Winter shelter capacity", purpose="decision", duration_minutes=30
    )
    first.presenter = PersonFactory(name="Ailsa Presenter")
    first.save()
    second = BoardPackItemFactory(meeting=meeting, position=2, title="Lived experience update", duration_minutes=20)
    third = BoardPackItemFactory(meeting=meeting, position=3, title="Budget monitoring", purpose="information")
    PaperVersionFactory(
        document__owner=first, document__title="Shelter options paper", content=pdf_pages("SHELTER-ONE", "SHELTER-TWO")
    )
    PaperVersionFactory(
        document__owner=first,
        document__title="Costings",
        content=SPREADSHEET,
        original_name="costings.csv",
        content_type="text/csv",
    )
    PaperVersionFactory(document__owner=third, document__title="Budget report", content=pdf_pages("BUDGET-ONLY"))
    return [first, second, third]


def texts(content: bytes) -> list[str]:
    """Each page's text, its lines joined (a table cell wraps where the page's width says)."""
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(content)).pages]


def test_pack_pages_match_the_agenda(meeting, agenda, reader):
    pack = board_pack.board_pack(meeting=meeting, access=reader)
    pages = texts(pack.content)
    # cover + one agenda page + two pages of the shelter paper + the costings' listing page + one budget page
    assert len(pages) == 1 + 1 + 2 + 1 + 1
    cover, agenda_page = pages[0], pages[1]
    assert "Dunmarrow Homelessness Alliance" in cover
    assert "ALT March meeting" in cover
    assert "Thursday 4 March 2021, 10:00" in cover
    assert "Town Hall" in cover
    assert "Draft" in cover
    for title in ("Winter shelter capacity", "Lived experience update", "Budget monitoring"):
        assert title in agenda_page
    assert "Ailsa Presenter" in agenda_page
    assert "10:00" in agenda_page and "10:30" in agenda_page and "10:50" in agenda_page
    assert "Shelter options paper: page 3" in agenda_page
    assert re.search(r"Costings: page 5", agenda_page)
    assert "Budget report: page 6" in agenda_page
    assert "SHELTER-ONE" in pages[2] and "SHELTER-TWO" in pages[3]
    assert "BUDGET-ONLY" in pages[5]


def test_every_page_is_numbered(meeting, agenda, reader):
    pages = texts(board_pack.board_pack(meeting=meeting, access=reader).content)
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in text


def test_landscape_and_turned_pages_are_numbered_at_their_foot(meeting, reader):
    from pypdf import PdfWriter

    from tests.factories import pdf_landscape

    turned = PdfWriter(clone_from=io.BytesIO(pdf_pages("TURNED-PAGE")))
    turned.pages[0].rotate(90)
    out = io.BytesIO()
    turned.write(out)
    item = BoardPackItemFactory(meeting=meeting)
    PaperVersionFactory(document__owner=item, content=pdf_landscape("WIDE-PAGE"))
    PaperVersionFactory(document__owner=item, content=out.getvalue())
    reader_pages = PdfReader(io.BytesIO(board_pack.board_pack(meeting=meeting, access=reader).content)).pages
    wide, rotated = reader_pages[2], reader_pages[3]
    assert wide.mediabox.width > wide.mediabox.height
    assert "WIDE-PAGE" in wide.extract_text() and "Page 3 of 4" in wide.extract_text()
    assert rotated.rotation == 0 and rotated.mediabox.width > rotated.mediabox.height
    assert "TURNED-PAGE" in rotated.extract_text() and "Page 4 of 4" in rotated.extract_text()


def test_a_paper_that_is_not_a_pdf_is_listed_with_its_checksum(meeting, agenda, reader):
    listing = texts(board_pack.board_pack(meeting=meeting, access=reader).content)[4]
    assert "Costings" in listing
    assert "costings.csv" in listing
    assert "text/csv" in listing
    assert f"{len(SPREADSHEET)} bytes" in listing
    assert hashlib.sha256(SPREADSHEET).hexdigest() in listing.replace(" ", "")


def test_a_listed_papers_size_says_its_bytes_once(meeting, reader):
    item = BoardPackItemFactory(meeting=meeting, title="Costs")
    small = b"item,cost\n"
    large = b"item,cost\n" + b"beds,1200\n" * 300
    PaperVersionFactory(
        document__owner=item, document__title="Small", content=small, original_name="s.csv", content_type="text/csv"
    )
    PaperVersionFactory(
        document__owner=item, document__title="Large", content=large, original_name="l.csv", content_type="text/csv"
    )
    small_page, large_page = texts(board_pack.board_pack(meeting=meeting, access=reader).content)[2:4]
    assert f"Size {len(small)} bytes Version" in small_page  # not "10 bytes (10 bytes)"
    assert f"Size 2.9 KB ({len(large)} bytes) Version" in large_page


def test_a_published_agenda_says_when_on_the_cover(meeting, agenda, reader):
    meeting.agenda_published_at = datetime(2021, 2, 25, 9, 0, tzinfo=UTC)
    meeting.save()
    cover = texts(board_pack.board_pack(meeting=meeting, access=reader).content)[0]
    assert "Agenda published on 25/02/2021 09:00" in cover
    assert "Draft" not in cover


def test_the_current_version_of_a_paper_is_merged(meeting, agenda, reader):
    budget = board_pack.contents(meeting=meeting, access=reader).entries[2].papers[0].document
    PaperVersionFactory(document=budget, number=2, content=pdf_pages("BUDGET-REVISED"))
    pages = texts(board_pack.board_pack(meeting=meeting, access=reader).content)
    assert "BUDGET-REVISED" in pages[5]
    assert not any("BUDGET-ONLY" in page for page in pages)


def test_withdrawn_papers_and_items_bring_no_pages(meeting, agenda, reader):
    found = board_pack.contents(meeting=meeting, access=reader)
    costings = found.entries[0].papers[1].document
    costings.withdrawn_at = timezone.now()
    costings.save()
    third = agenda[2]
    third.status = AgendaItem.Status.WITHDRAWN
    third.change_note = "Deferred to April"
    third.save()
    pages = texts(board_pack.board_pack(meeting=meeting, access=reader).content)
    assert len(pages) == 1 + 1 + 2
    assert "Costings" not in pages[1]
    assert "Withdrawn: Deferred to April" in pages[1]


def test_a_damaged_pdf_is_listed_not_merged(meeting, reader):
    item = BoardPackItemFactory(meeting=meeting)
    PaperVersionFactory(document__owner=item, document__title="Broken scan", content=b"%PDF-1.4 not really")
    pages = texts(board_pack.board_pack(meeting=meeting, access=reader).content)
    assert len(pages) == 3
    assert "could not be opened as a PDF" in pages[2]


def test_the_cached_pack_is_served_while_nothing_changes(meeting, agenda, reader, builds):
    first = board_pack.board_pack(meeting=meeting, access=reader)
    again = board_pack.board_pack(meeting=meeting, access=reader)
    assert (first.built, again.built) == (True, False)
    assert again.content == first.content
    assert len(builds) == 1


def test_a_new_version_of_a_paper_builds_the_pack_again(meeting, agenda, reader, builds):
    first = board_pack.board_pack(meeting=meeting, access=reader)
    budget = board_pack.contents(meeting=meeting, access=reader).entries[2].papers[0].document
    PaperVersionFactory(document=budget, number=2, content=pdf_pages("BUDGET-REVISED"))
    again = board_pack.board_pack(meeting=meeting, access=reader)
    assert again.built and again.key != first.key
    assert len(builds) == 2


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", "Winter shelter capacity and costs"),
        ("position", 9),
        ("purpose", "discussion"),
        ("duration_minutes", 45),
        ("status", AgendaItem.Status.WITHDRAWN),
    ],
)
def test_an_agenda_change_builds_the_pack_again(meeting, agenda, reader, builds, field, value):
    first = board_pack.board_pack(meeting=meeting, access=reader)
    setattr(agenda[0], field, value)
    agenda[0].save()
    again = board_pack.board_pack(meeting=meeting, access=reader)
    assert again.built and again.key != first.key


def test_publishing_the_agenda_builds_the_pack_again(meeting, agenda, reader, builds):
    first = board_pack.board_pack(meeting=meeting, access=reader)
    meeting.agenda_published_at = datetime(2021, 2, 25, 9, 0, tzinfo=UTC)
    meeting.save()
    assert board_pack.board_pack(meeting=meeting, access=reader).key != first.key
    assert len(builds) == 2


def test_a_paper_the_reader_may_not_read_is_left_out_unnamed(meeting, agenda, scene, monkeypatch):
    # Today an agenda item is as readable as its meeting. The pack follows the read rules whatever they
    # say: here an item is narrowed to confidential readers, as an item bringing confidential business might be.
    narrowed = AllOf(
        Through("meeting"),
        Matching(
            lambda access, prefix: (
                None
                if access.staff or access.confidential_of()
                else ~Q(**{f"{prefix}title": "Winter shelter capacity"})
            )
        ),
    )
    for rule in (narrowed, *narrowed.rules):
        rule.model = AgendaItem  # what declaring it in the model's body does (ReadRule.contribute_to_class)
    monkeypatch.setattr(AgendaItem, "read_rule", narrowed)
    viewer = board_pack.board_pack(meeting=meeting, access=access_for(viewer_of(scene.alliance)))
    secretary = scene.secretary
    secretary.user = UserFactory(username="secretary")
    secretary.save()
    keeper = board_pack.board_pack(meeting=meeting, access=access_for(secretary.user))
    viewer_pages, keeper_pages = texts(viewer.content), texts(keeper.content)
    assert len(viewer_pages) == 1 + 1 + 1
    assert not any("Shelter options" in page or "SHELTER" in page or "Costings" in page for page in viewer_pages)
    assert "Winter shelter capacity" not in viewer_pages[1]
    assert len(keeper_pages) == 6
    assert keeper.key != viewer.key
    assert keeper.content != viewer.content


def test_a_confidential_decision_is_not_named_to_a_viewer(meeting, agenda, scene):
    from tests.factories import DecisionFactory

    agenda[0].decision = DecisionFactory(
        alliance=scene.alliance, body=scene.body, title="Close the Eastgate hostel", visibility=CONFIDENTIAL
    )
    agenda[0].save()
    viewer_pages = texts(board_pack.board_pack(meeting=meeting, access=access_for(viewer_of(scene.alliance))).content)
    assert "Eastgate" not in viewer_pages[1]
    staff = board_pack.board_pack(meeting=meeting, access=access_for(StaffFactory(username="root")))
    assert "Close the Eastgate hostel" in texts(staff.content)[1]


def test_a_meeting_without_an_agenda_is_refused_with_what_to_do(meeting, reader):
    with pytest.raises(RuleViolation) as refusal:
        board_pack.board_pack(meeting=meeting, access=reader)
    assert refusal.value.code == "board_pack_without_agenda"
    assert refusal.value.conflict
    assert "adds the agenda's items on the meeting page" in refusal.value.message


def test_an_agenda_of_withdrawn_items_only_is_no_agenda(meeting, reader):
    BoardPackItemFactory(meeting=meeting, status=AgendaItem.Status.WITHDRAWN)
    with pytest.raises(RuleViolation):
        board_pack.board_pack(meeting=meeting, access=reader)


def test_the_pack_reads_in_a_fixed_number_of_queries(meeting, reader, django_assert_max_num_queries):
    for position in range(1, 13):
        item = BoardPackItemFactory(meeting=meeting, position=position)
        for _ in range(2):
            PaperVersionFactory(
                document__owner=item, content=SPREADSHEET, original_name="a.csv", content_type="text/csv"
            )
    with django_assert_max_num_queries(8):
        found = board_pack.contents(meeting=meeting, access=reader)
    assert len(found.papers) == 24


# The command


def test_command_builds_a_meetings_packs_ahead(meeting, agenda, builds, capsys):
    call_command("build_board_packs", "--meeting", str(meeting.pk))
    # Members and confidential readers read the same agenda and papers here: one pack serves both.
    assert len(builds) == 1
    assert "ALT March meeting" in capsys.readouterr().out
    call_command("build_board_packs", "--meeting", str(meeting.pk))
    assert len(builds) == 1  # nothing changed: nothing built
    assert "1 already up to date" in capsys.readouterr().out


def test_command_builds_the_upcoming_meetings_with_an_agenda(scene, builds, capsys):
    soon = MeetingFactory(body=scene.body, starts_at=timezone.now() + timezone.timedelta(days=3))
    BoardPackItemFactory(meeting=soon)
    MeetingFactory(body=scene.body, starts_at=timezone.now() + timezone.timedelta(days=4))  # no agenda yet
    later = MeetingFactory(body=scene.body, starts_at=timezone.now() + timezone.timedelta(days=30))
    BoardPackItemFactory(meeting=later)
    call_command("build_board_packs", "--upcoming", "7")
    out = capsys.readouterr().out
    assert len(builds) == 1  # the meeting in a month waits
    assert "no agenda yet" in out


def test_command_names_an_unknown_meeting(db):
    with pytest.raises(CommandError, match="No meeting has the id 999"):
        call_command("build_board_packs", "--meeting", "999")
