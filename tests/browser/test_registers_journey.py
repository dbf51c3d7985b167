"""The ALT secretary takes a whole meeting's attendance on one screen, meets a refused row (nothing saved, every
row kept, the row named at the top and focused), fixes it and saves; then records every member's position on a
decision of that meeting on one screen, the tally following each choice, an objection without its statement
refused on its row until it is given."""

import re
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, guide_screenshot, log_in, screenshot
from tests.browser.test_secretary_journey import COMMISSIONER, REPRESENTATIVES

LONDON = ZoneInfo("Europe/London")
OBJECTING = "Wayfinder Youth Services"


def row(page, name: str):
    """A register's row: a fieldset whose legend starts with the person's or the seat's name."""
    return page.get_by_role("group", name=re.compile(f"^{re.escape(name)}"))


def test_secretary_takes_attendance_and_positions_on_one_screen_each(page):
    title = f"Trial the one-screen registers ({uuid.uuid4().hex[:6]})"
    log_in(page, "secretary", "demo-secretary-2020")

    page.goto("/alliances/dunmarrow/meetings/new/")
    page.get_by_label("Body").select_option(label="Alliance Leadership Team (ALT)")
    starts = datetime.now(LONDON).replace(second=0, microsecond=0) - timedelta(hours=1)
    page.get_by_label("Starts at").fill(f"{starts:%Y-%m-%dT%H:%M}")
    page.get_by_label("Title").fill(f"ALT meeting: {title}")
    page.get_by_label("Location").fill("Dunmarrow Community Hall")
    page.get_by_role("button", name="Schedule").click()
    page.wait_for_load_state()
    meeting_url = page.url

    # Attendance: every representative is listed with their capacity; mark them present on one form.
    page.get_by_role("link", name="Take attendance").click()
    assert page.get_by_role("heading", level=1).filter(has_text="Take attendance").is_visible()
    for representative in REPRESENTATIVES.values():
        row(page, representative).get_by_label("Present").check()
    # A wrong capacity on one row: the whole form comes back, nothing saved, that row named and focused.
    first = next(iter(REPRESENTATIVES.values()))
    row(page, first).get_by_label("Capacity").select_option(label="Seat holder in their own right")
    page.get_by_role("button", name="Save attendance").click()
    page.wait_for_load_state()
    expect(page.get_by_role("alert")).to_contain_text("1 row needs attention; nothing was saved yet.")
    refused = row(page, first)
    expect(refused).to_contain_text("A seat holder in their own right attends for nobody else")
    assert page.evaluate("document.activeElement.name").endswith("-capacity")
    last = list(REPRESENTATIVES.values())[-1]
    expect(row(page, last).get_by_label("Present")).to_be_checked()  # every row kept
    refused.scroll_into_view_if_needed()
    screenshot(page, "registers-01-attendance-row-refused")
    guide_screenshot(page, "registers-attendance-refused")
    assert_accessible(page, "attendance register with a refused row")
    refused.get_by_label("Capacity").select_option(label="Voting representative")
    page.get_by_role("button", name="Save attendance").click()
    page.wait_for_load_state()
    assert page.get_by_text("Attendance saved.").is_visible()
    assert page.url == meeting_url
    attendance = page.locator("section").filter(has=page.get_by_role("heading", name="Attendance")).inner_text()
    assert all(representative in attendance for representative in REPRESENTATIVES.values())
    assert "not quorate" not in page.locator(".quorum").inner_text()

    # A decision of the meeting, opened for votes.
    page.get_by_role("link", name="Draft a decision for this meeting").click()
    page.get_by_label("Body").select_option(label="Alliance Leadership Team (ALT)")
    page.get_by_label("Title").fill(title)
    page.get_by_label("Proposal").fill("That the secretary records attendance and positions on one screen each.")
    page.get_by_label("Kind", exact=True).select_option(label="Key decision")
    page.get_by_role("button", name="Save draft").click()
    page.wait_for_load_state()
    if page.get_by_role("button", name="Save draft").count():  # earlier decisions offered: none revisited
        page.get_by_role("button", name="Save draft").click()
        page.wait_for_load_state()
    page.get_by_role("link", name="Open for votes").click()
    page.get_by_role("button", name="Open for votes").click()
    page.wait_for_load_state()

    # Positions: the tally follows each choice; an objection without its statement is refused on its row.
    page.get_by_role("link", name="Record positions").click()
    page.wait_for_load_state()  # the tally's script listens once the page has loaded
    tally = page.locator("#positions-tally")
    expect(tally).to_contain_text(f"0 of {len(REPRESENTATIVES)} positions")
    for count, organisation in enumerate(REPRESENTATIVES, start=1):
        seat = row(page, organisation)
        seat.get_by_label("Object" if organisation == OBJECTING else "Agree", exact=True).check()
        if organisation == COMMISSIONER:
            seat.get_by_label("Acting as").select_option(value="partner")
        expect(tally).to_contain_text(f"{count} of {len(REPRESENTATIVES)} positions")
    expect(tally).to_contain_text("object 1")
    page.get_by_role("button", name="Save positions").click()
    page.wait_for_load_state()
    expect(page.get_by_role("alert")).to_contain_text("1 row needs attention; nothing was saved yet.")
    objecting = row(page, OBJECTING)
    expect(objecting).to_contain_text("An objection says why")
    assert page.evaluate("document.activeElement.name").endswith("-statement")
    expect(tally).to_contain_text(f"{len(REPRESENTATIVES)} of {len(REPRESENTATIVES)} positions")
    objecting.get_by_label("Statement").fill("Young people's workers were not asked; we object until they are.")
    tally.scroll_into_view_if_needed()
    screenshot(page, "registers-02-positions")
    guide_screenshot(page, "registers-positions")
    assert_accessible(page, "positions register")
    page.get_by_role("button", name="Save positions").click()
    page.wait_for_load_state()
    expect(page.get_by_text("Positions saved")).to_contain_text(f"{len(REPRESENTATIVES)} of {len(REPRESENTATIVES)}")
    grid = page.locator("table.votes-grid")
    assert grid.get_by_text("Agree", exact=True).count() == len(REPRESENTATIVES) - 1
    assert_accessible(page, "decision with positions recorded")
