"""The ALT secretary builds a meeting's agenda with two papers and publishes it, then changes it after
publishing: the whole of issue 19's first journey, in the browser, without the admin.

Schedules its own meeting (a month ahead, so the agenda is published early enough), adds two items,
files a PDF paper with each through the upload form, publishes, then adds a third item after publishing
(it is marked, with what changed). Before publishing, an item is moved up and back down in place,
keyboard focus staying on it. Each paper's SHA-256 on the page is the SHA-256 of the file sent, and
the file downloaded is byte for byte the file filed.
"""

import hashlib
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, guide_screenshot, log_in
from tests.factories import pdf_bytes

LONDON = ZoneInfo("Europe/London")


def _file_paper(page, item_title: str, title: str, path) -> None:
    item = page.locator("#agenda li.agenda-item").filter(has=page.get_by_role("heading", name=item_title))
    item.get_by_role("link", name="File a paper").click()
    page.get_by_label("Title").fill(title)
    page.locator("input[type=file]").set_input_files(str(path))
    assert_accessible(page, "file a paper")
    page.get_by_role("button", name="Upload the paper").click()
    page.wait_for_load_state()


def test_secretary_builds_an_agenda_with_two_papers_and_publishes_it(page, tmp_path):
    tag = uuid.uuid4().hex[:6]
    title = f"ALT meeting: winter pressures ({tag})"
    options = tmp_path / "options-appraisal.pdf"
    options.write_bytes(pdf_bytes("Winter shelter options appraisal", "Option A: 40 beds", "Option B: 60 beds"))
    panel = tmp_path / "panel-report.pdf"
    panel.write_bytes(pdf_bytes("Lived experience panel report"))

    log_in(page, "secretary", "demo-secretary-2020")
    page.goto("/alliances/dunmarrow/meetings/")
    page.get_by_role("link", name="Schedule a meeting").first.click()
    page.get_by_label("Body").select_option(label="Alliance Leadership Team (ALT)")
    starts = datetime.now(LONDON).replace(hour=10, minute=0, second=0, microsecond=0) + timedelta(days=30)
    page.get_by_label("Starts at").fill(f"{starts:%Y-%m-%dT%H:%M}")
    page.get_by_label("Title").fill(title)
    page.get_by_label("Location").fill("Dunmarrow Community Hall")
    page.get_by_role("button", name="Schedule").click()
    page.wait_for_load_state()
    meeting_url = page.url

    # Two items, each with its purpose, presenter and time.
    for item_title, purpose, minutes in (
        ("Winter shelter capacity", "For decision", "30"),
        ("Lived experience panel update", "For information", "15"),
    ):
        page.get_by_role("link", name="Add an agenda item").click()
        page.get_by_label("Title").fill(item_title)
        page.get_by_label("Purpose").select_option(label=purpose)
        page.get_by_label("Time (minutes)").fill(minutes)
        if item_title == "Winter shelter capacity":
            assert_accessible(page, "add an agenda item")
        page.get_by_role("button", name="Add the item").click()
        page.wait_for_load_state()
    agenda = page.locator("#agenda")
    assert agenda.get_by_role("heading", name="Winter shelter capacity").is_visible()
    # The second item starts when the first one's 30 minutes are up.
    assert agenda.locator("li.agenda-item").nth(1).get_by_text(f"{starts + timedelta(minutes=30):%H:%M}").is_visible()

    # Moving an item happens in place and keeps keyboard focus on the item moved (on its other button
    # once it reaches an end of the agenda): the second item up by mouse, then back down by keyboard.
    items = page.locator("#agenda li.agenda-item")
    page.evaluate("window.stillThisPage = true")
    page.get_by_role("button", name="Move item 2 up").click()
    expect(items.first.get_by_role("heading", name="Lived experience panel update")).to_be_visible()
    expect(page.get_by_role("button", name="Move item 1 down")).to_be_focused()
    page.keyboard.press("Enter")
    expect(items.first.get_by_role("heading", name="Winter shelter capacity")).to_be_visible()
    expect(page.get_by_role("button", name="Move item 2 up")).to_be_focused()
    assert page.evaluate("window.stillThisPage === true")  # in place: the page was not loaded again

    # A paper with each item, through the upload form.
    _file_paper(page, "Winter shelter capacity", "Shelter options appraisal", options)
    page.goto(meeting_url)
    _file_paper(page, "Lived experience panel update", "Panel report", panel)
    page.goto(meeting_url)
    for path in (options, panel):
        assert page.locator("#agenda").get_by_text(hashlib.sha256(path.read_bytes()).hexdigest()[:12]).is_visible()
    assert_accessible(page, "agenda with papers")
    guide_screenshot(page, "secretary-agenda-papers")

    # The file downloaded is the file filed.
    with page.expect_download() as download:
        page.get_by_role("link", name="Download Shelter options appraisal").click()
    saved = tmp_path / "downloaded.pdf"
    download.value.save_as(saved)
    assert saved.read_bytes() == options.read_bytes()

    # Publish: the page says it is early enough, then that it is published.
    page.get_by_role("link", name="Publish agenda").click()
    assert_accessible(page, "publish the agenda")
    page.get_by_role("button", name="Publish agenda").click()
    page.wait_for_load_state()
    assert page.locator("#agenda").get_by_text("Published", exact=True).is_visible()

    # A change after publishing needs to say what changed, and is marked.
    page.get_by_role("link", name="Add an agenda item").click()
    page.get_by_label("Title").fill("Any other business")
    page.get_by_role("button", name="Add the item").click()
    page.wait_for_load_state()
    # Refused until it says what changed: members were already sent the agenda.
    assert page.get_by_text("members were already sent the agenda").first.is_visible()
    page.get_by_label("What changed").fill("Added at the chair's request.")
    page.get_by_role("button", name="Add the item").click()
    page.wait_for_load_state()
    agenda = page.locator("#agenda")
    assert agenda.get_by_text("Changed after publishing").first.is_visible()
    assert agenda.get_by_text("Added at the chair's request.").is_visible()
    guide_screenshot(page, "secretary-agenda-published")
