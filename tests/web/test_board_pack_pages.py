"""The board pack's download from the meeting page (decisions/views.py BoardPackView)."""

import io
from datetime import UTC, datetime

import pytest
from pypdf import PdfReader

from tests.factories import BoardPackItemFactory, MeetingFactory, PaperVersionFactory, pdf_pages
from tests.helpers import needs_pdf, viewer_of

pytestmark = [pytest.mark.django_db, needs_pdf()]


@pytest.fixture(autouse=True)
def _packs_cached_apart(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


@pytest.fixture
def meeting(scene):
    return MeetingFactory(body=scene.body, starts_at=datetime(2021, 3, 4, 10, tzinfo=UTC), title="ALT March meeting")


@pytest.fixture
def reader(client, scene):
    client.force_login(viewer_of(scene.alliance))
    return client


def url(meeting):
    return f"/alliances/dunmarrow/meetings/{meeting.pk}/board-pack.pdf"


def test_a_reader_downloads_the_pack_as_a_pdf(reader, meeting):
    item = BoardPackItemFactory(meeting=meeting, title="Winter shelter capacity")
    PaperVersionFactory(document__owner=item, content=pdf_pages("SHELTER-ONE", "SHELTER-TWO"))
    response = reader.get(url(meeting))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="board-pack-alt-2021-03-04.pdf"'
    pages = PdfReader(io.BytesIO(response.content)).pages
    assert len(pages) == 4
    assert "SHELTER-TWO" in pages[3].extract_text()


def test_the_meeting_page_links_the_pack_once_it_has_an_agenda(reader, meeting):
    page = reader.get(f"/alliances/dunmarrow/meetings/{meeting.pk}/").content.decode()
    assert "Download the board pack" not in page
    BoardPackItemFactory(meeting=meeting)
    page = reader.get(f"/alliances/dunmarrow/meetings/{meeting.pk}/").content.decode()
    assert "Download the board pack" in page
    assert f'href="{url(meeting)}"' in page


def test_a_meeting_without_an_agenda_says_what_to_do(reader, meeting):
    response = reader.get(url(meeting))
    assert response.status_code == 409
    content = response.content.decode()
    assert "No board pack yet" in content
    assert "has no agenda yet" in content
    assert "adds the agenda&#x27;s items on the meeting page" in content


def test_another_alliances_reader_finds_no_pack(client, meeting, stranger):
    BoardPackItemFactory(meeting=meeting)
    client.force_login(stranger)
    assert client.get(url(meeting)).status_code == 404


def test_a_visitor_is_asked_to_sign_in(client, meeting):
    response = client.get(url(meeting))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
