"""The board pack through the API: /api/v1/meetings/{id}/board-pack/."""

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
def viewer(scene):
    return viewer_of(scene.alliance)


@pytest.fixture
def meeting(scene):
    return MeetingFactory(body=scene.body, starts_at=datetime(2021, 3, 4, 10, tzinfo=UTC))


def url(meeting):
    return f"/api/v1/meetings/{meeting.pk}/board-pack/"


@pytest.mark.parametrize("accept", ["*/*", "application/pdf"])
def test_the_pack_is_answered_as_a_pdf(viewer_api, meeting, accept):
    item = BoardPackItemFactory(meeting=meeting)
    PaperVersionFactory(document__owner=item, content=pdf_pages("PAPER-PAGE"))
    response = viewer_api.get(url(meeting), HTTP_ACCEPT=accept)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    pages = PdfReader(io.BytesIO(response.content)).pages
    assert len(pages) == 3
    assert "PAPER-PAGE" in pages[2].extract_text()


@pytest.mark.parametrize("accept", ["application/json", "application/pdf"])
def test_a_meeting_without_an_agenda_is_409_json_saying_what_to_do(viewer_api, meeting, accept):
    response = viewer_api.get(url(meeting), HTTP_ACCEPT=accept)
    assert response.status_code == 409
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["code"] == "board_pack_without_agenda"
    assert "adds the agenda's items on the meeting page" in body["detail"]


def test_another_alliances_user_is_404(stranger_api, meeting):
    BoardPackItemFactory(meeting=meeting)
    assert stranger_api.get(url(meeting)).status_code == 404


def test_anonymous_is_401(anon_api, meeting):
    assert anon_api.get(url(meeting)).status_code == 401
