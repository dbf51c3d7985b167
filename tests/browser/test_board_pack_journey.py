"""The ALT secretary opens the next meeting, whose agenda brings papers, and downloads its board pack: one PDF
with the cover, the agenda and every paper, its pages numbered.

The demo's agendas and papers come from other parts of the meeting cycle; this journey sets its own scene
in the server's database (through the ORM, in a `manage.py shell` on that database) before driving the
browser, so it needs nothing but the demo.
"""

import io
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests import demo_server
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, assert_accessible, log_in
from tests.helpers import pdf_unavailable

SCENE = r"""
from datetime import timedelta
import hashlib
from django.core.files.base import ContentFile
from django.utils import timezone
from weasyprint import HTML
from alliance.document_models import Document, DocumentVersion
from alliance.models import GoverningBody
from decisions.agenda_models import AgendaItem
from decisions.models import Meeting

def pdf(*texts):
    body = "".join(f'<p style="break-before: page">{t}</p>' for t in texts)
    return HTML(string=f"<html><body>{body}</body></html>").write_pdf()

def paper(item, title, content, name, content_type):
    document = Document.objects.create(
        alliance=item.meeting.body.alliance, owner=item, title=title, created_at=timezone.now()
    )
    DocumentVersion.objects.create(
        document=document, number=1, file=ContentFile(content, name=name), original_name=name,
        content_type=content_type, size=len(content), sha256=hashlib.sha256(content).hexdigest(),
        uploaded_at=timezone.now(),
    )

meeting = Meeting.objects.create(
    body=GoverningBody.objects.get(code="ALT", alliance__slug="dunmarrow"),
    title="ALT meeting: winter pressures", starts_at=timezone.now() + timedelta(days=7),
    location="Dunmarrow Community Hall",
)
first = AgendaItem.objects.create(meeting=meeting, position=1, title="Winter shelter capacity",
                                  purpose="decision", duration_minutes=30)
second = AgendaItem.objects.create(meeting=meeting, position=2, title="Lived experience panel update",
                                   duration_minutes=20)
paper(first, "Shelter options appraisal", pdf("Options one", "Options two", "Options three"), "options.pdf",
      "application/pdf")
paper(first, "Bed night costings", b"month,beds\nDecember,40\n", "costings.csv", "text/csv")
paper(second, "Panel report", pdf("Panel report"), "panel.pdf", "application/pdf")
print(meeting.pk)
"""


@pytest.fixture(scope="module")
def pack_server(tmp_path_factory, request):
    """The demo served by runserver with this journey's meeting and papers, its files in a folder of its own."""
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium is not installed: `apt-get install chromium` (.ci/run does it)")
    if pdf_unavailable():
        pytest.skip(f"WeasyPrint cannot load here ({pdf_unavailable()}): README, Set up")
    folder = tmp_path_factory.mktemp("board-pack")
    database = demo_server.copy_database(request.getfixturevalue("demo_database"), folder / "pack.sqlite3")
    env = demo_server.demo_environment(database, MEDIA_ROOT=str(folder / "media"))
    made = subprocess.run(
        [*demo_server.MANAGE, "shell", "-c", SCENE], env=env, cwd=demo_server.ROOT, check=True, capture_output=True
    )
    meeting = int(made.stdout.decode().split()[-1])
    with demo_server.serve(demo_server.RUNSERVER, env=env, database=database, log=folder / "server.log") as running:
        yield running.url, meeting


def test_secretary_downloads_the_board_pack_of_a_meeting_with_papers(pack_server, tmp_path):
    from playwright.sync_api import sync_playwright

    url, meeting = pack_server
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(base_url=url, locale="en-GB", timezone_id="Europe/London", accept_downloads=True)
        page = context.new_page()
        page.set_default_timeout(30_000)
        log_in(page, "secretary", "demo-secretary-2020")
        page.goto(f"/alliances/dunmarrow/meetings/{meeting}/")
        assert_accessible(page, "meeting with a board pack")
        with page.expect_download() as download:
            page.get_by_role("link", name="Download the board pack").click()
        saved = tmp_path / download.value.suggested_filename
        download.value.save_as(saved)
        context.close()
        browser.close()
    assert saved.name.startswith("board-pack-alt-") and saved.suffix == ".pdf"
    content = saved.read_bytes()
    assert content.startswith(b"%PDF-")
    pages = PdfReader(io.BytesIO(content)).pages
    # cover, agenda, three pages of options, the costings' listing, one page of the panel's report
    assert len(pages) == 1 + 1 + 3 + 1 + 1
    agenda = " ".join(pages[1].extract_text().split())
    assert "Shelter options appraisal: page 3" in agenda
    assert "Bed night costings: page 6" in agenda
    assert "Panel report: page 7" in agenda
    assert "Page 7 of 7" in pages[6].extract_text()
