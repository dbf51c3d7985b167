"""A server that cannot make PDFs (WeasyPrint without the system's Pango library, as on a fresh machine):
the board pack is refused with what to do, on the page and in the API, and approving minutes still works,
keeping the signed-off copy as HTML. Nothing half-written either way."""

from datetime import UTC, datetime

import pytest

from alliance.document_models import Document, DocumentVersion
from decisions import board_pack
from tests.decisions.test_minutes import Cycle
from tests.factories import BoardPackItemFactory, MeetingFactory
from tests.helpers import viewer_of

pytestmark = pytest.mark.django_db

REASON = "OSError: cannot load library 'libpango-1.0-0'"


@pytest.fixture
def without_pdf(monkeypatch):
    monkeypatch.setattr(board_pack, "pdf_unavailable", lambda: REASON)


@pytest.fixture
def meeting(scene):
    meeting = MeetingFactory(body=scene.body, starts_at=datetime(2021, 3, 4, 10, 0, tzinfo=UTC))
    BoardPackItemFactory(meeting=meeting, title="Winter shelter capacity")
    return meeting


def test_the_board_pack_page_says_the_server_cannot_make_pdfs_and_what_to_do(client, scene, meeting, without_pdf):
    client.force_login(viewer_of(scene.alliance))
    response = client.get(f"/alliances/dunmarrow/meetings/{meeting.pk}/board-pack.pdf")
    assert response.status_code == 409
    content = response.content.decode()
    assert "cannot make PDFs yet" in content and "apt-get install libpango-1.0-0" in content


def test_the_board_pack_api_answers_409_json_saying_what_to_do(client, scene, meeting, without_pdf):
    client.force_login(viewer_of(scene.alliance))
    response = client.get(f"/api/v1/meetings/{meeting.pk}/board-pack/", HTTP_ACCEPT="application/json")
    assert response.status_code == 409
    assert response.json()["code"] == "pdf_unavailable"
    assert "README" in response.json()["detail"]


def test_approving_minutes_keeps_the_signed_off_copy_as_html(without_pdf):
    cycle = Cycle()
    meeting = cycle.approve()
    assert meeting.minutes_stage == "approved"
    version = DocumentVersion.objects.get(document__kind=Document.Kind.MINUTES)
    content = version.file.read()
    assert version.content_type == "text/html" and version.original_name.endswith(".html")
    assert content.startswith(b"<!doctype html>") and b"<style>" in content
