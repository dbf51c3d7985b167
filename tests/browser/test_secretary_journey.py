"""The ALT secretary schedules a meeting, records attendance with an advisor, drafts a decision that
revisits earlier ones, records each member's vote, sees an advisory member's vote refused, records
its advice instead, and closes the decision with its outcome and counts."""

import re
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, guide_screenshot, log_in, screenshot

# The demo's voting members of the ALT and their representatives today (roles/demo.py).
REPRESENTATIVES = {
    "Dunmarrow Health and Social Care Partnership": "Margaret Henderson",
    "Harbour Light Housing": "Alasdair Ross",
    "Second Step Trust": "Tom Lennox",
    "Northgate Housing Association": "Iain Forsyth",
    "Open Door Care": "Duncan Wallace",
    "Cairnview Support": "Hamish Drummond",
    "Threshold Community Trust": "Lorna Kerr",
    "Wayfinder Youth Services": "Aisha Bello",
}
COMMISSIONER = "Dunmarrow Health and Social Care Partnership"
LIVED_EXPERIENCE = "Voices of Experience Dunmarrow"
ADVISOR = "Sam Whyte"
LONDON = ZoneInfo("Europe/London")


def test_secretary_records_a_meeting_and_a_decision_from_draft_to_outcome(page):
    # Unique per run: the server's database is shared by the session's journeys.
    title = f"Review the outreach night hub ({uuid.uuid4().hex[:6]})"
    log_in(page, "secretary", "demo-secretary-2020")

    page.goto("/alliances/dunmarrow/meetings/")
    assert_accessible(page, "meetings list")
    page.get_by_role("link", name="Schedule a meeting").first.click()
    page.get_by_label("Body").select_option(label="Alliance Leadership Team (ALT)")
    # A meeting that has started (two hours ago): people are marked present, and its decision closed, only then.
    starts = datetime.now(LONDON).replace(second=0, microsecond=0) - timedelta(hours=2)
    page.get_by_label("Starts at").fill(f"{starts:%Y-%m-%dT%H:%M}")
    page.get_by_label("Title").fill(f"ALT meeting: {title}")
    page.get_by_label("Location").fill("Dunmarrow Community Hall")
    assert_accessible(page, "schedule a meeting")
    page.get_by_role("button", name="Schedule").click()
    page.wait_for_load_state()
    assert page.get_by_text("Meeting scheduled.").is_visible()
    assert page.get_by_role("heading", level=1).filter(has_text=f"{starts.day} {starts:%B %Y}").is_visible()

    # The voting representatives attend, so the meeting is quorate; then the advisor, as advisor.
    for organisation, representative in REPRESENTATIVES.items():
        page.get_by_role("link", name="Record attendance").click()
        page.get_by_label("Person").select_option(label=representative)
        page.get_by_label("Capacity").select_option(label="Voting representative")
        page.get_by_label("Organisation").select_option(label=organisation)
        page.get_by_role("button", name="Record attendance").click()
        page.wait_for_load_state()
    page.get_by_role("link", name="Record attendance").click()
    page.get_by_label("Person").select_option(label=ADVISOR)
    page.get_by_label("Capacity").select_option(label="Advisor")
    page.get_by_label("Organisation").select_option(label=LIVED_EXPERIENCE)
    assert_accessible(page, "record attendance")
    page.get_by_role("button", name="Record attendance").click()
    page.wait_for_load_state()
    attendance = page.locator("section").filter(has=page.get_by_role("heading", name="Attendance"))
    assert ADVISOR in attendance.inner_text()
    assert LIVED_EXPERIENCE in attendance.inner_text()
    screenshot(page, "secretary-01-meeting-with-advisor")
    guide_screenshot(page, "secretary-meeting")
    assert_accessible(page, "meeting")

    page.get_by_role("link", name="Draft a decision for this meeting").click()
    page.get_by_label("Body").select_option(label="Alliance Leadership Team (ALT)")
    page.get_by_label("Title").fill(title)
    page.get_by_label("Proposal").fill("That the alliance reviews the outreach night hub after its first year.")
    page.get_by_label("Kind", exact=True).select_option(label="Key decision")
    page.get_by_label("Tags").fill("outreach, redesign")
    page.get_by_role("button", name="Check for earlier decisions").click()
    page.wait_for_load_state()
    earlier = page.locator("fieldset.earlier")
    assert "Prioritise the redesign of flexible community outreach" in earlier.inner_text()
    earlier.get_by_role("checkbox").first.check()
    screenshot(page, "secretary-02-draft-shows-earlier-decisions")
    earlier.scroll_into_view_if_needed()
    guide_screenshot(page, "secretary-draft-earlier-decisions")
    assert_accessible(page, "draft with earlier decisions")
    page.get_by_role("button", name="Save draft").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).filter(has_text=title).is_visible()
    assert "Revisits" in page.locator("section").filter(has_text="The same matter over time").inner_text()
    decision_url = page.url

    page.get_by_role("link", name="Open for votes").click()
    assert_accessible(page, "open for votes confirmation")
    page.get_by_role("button", name="Open for votes").click()
    page.wait_for_load_state()
    reference = page.locator("h1 .reference").inner_text()
    assert re.fullmatch(r"ALT-\d{4}-\d{3}", reference), reference

    # With htmx each vote posts in place: the grid beside the form updates and the page stays.
    page.goto(decision_url + "vote/")
    page.evaluate("window.noReload = true")
    for organisation, representative in REPRESENTATIVES.items():
        page.get_by_label("Member", exact=True).select_option(label=organisation)
        page.get_by_label("Position").select_option(label="Agree")
        page.get_by_label("Cast by").select_option(label=representative)
        # The commissioner holds several capacities: its vote says which one it acts in.
        page.get_by_label("Acting as").select_option(value="partner" if organisation == COMMISSIONER else "")
        page.get_by_role("button", name="Record vote").click()
        row = page.locator("table.votes-grid tr").filter(has_text=organisation)
        expect(row.locator(".position-agree")).to_be_visible()
        expect(page.get_by_role("status")).to_have_text("Vote recorded.")
        # Keyboard focus stays on the button pressed (its replacement in the new panel), ready for the next vote.
        expect(page.get_by_role("button", name="Record vote")).to_be_focused()
    assert page.evaluate("window.noReload === true"), "recording a vote reloaded the page"
    assert page.url == decision_url + "vote/"
    assert_accessible(page, "votes recorded in place")
    page.goto(decision_url)
    grid = page.locator("table.votes-grid")
    assert grid.get_by_text("Agree").count() == len(REPRESENTATIVES)
    screenshot(page, "secretary-03-votes-recorded")
    page.emulate_media(media="print")
    assert not page.locator(".actions-bar").is_visible(), "the printed record shows the secretary's links"
    page.emulate_media(media="screen")
    assert_accessible(page, "decision with votes")

    page.get_by_role("link", name="Record a vote").click()
    page.get_by_label("Member", exact=True).select_option(label=LIVED_EXPERIENCE)
    page.get_by_label("Position").select_option(label="Agree")
    page.get_by_label("Cast by").select_option(label=ADVISOR)
    page.get_by_role("button", name="Record vote").click()
    refusal = page.get_by_role("alert").filter(has_text="is an advisory member and cannot vote")
    expect(refusal).to_be_visible()
    assert "Add advisory input" in refusal.inner_text()
    # The form keeps what was typed.
    assert page.get_by_label("Member", exact=True).locator("option:checked").inner_text() == LIVED_EXPERIENCE
    refusal.scroll_into_view_if_needed()
    screenshot(page, "secretary-04-advisory-vote-refused")
    guide_screenshot(page, "secretary-advisory-vote-refused")
    assert_accessible(page, "refused vote")

    page.goto(decision_url + "advice/")
    page.get_by_label("Organisation").select_option(label=LIVED_EXPERIENCE)
    page.get_by_label("Person").select_option(label=ADVISOR)
    page.get_by_label("Advice").fill("Ask people who used the night hub before deciding what to change.")
    assert_accessible(page, "advice form")
    page.get_by_role("button", name="Add advice").click()
    expect(page.get_by_role("status")).to_have_text("Advice recorded.")
    expect(page.get_by_role("button", name="Add advice")).to_be_focused()
    advisory_row = page.locator("table.votes-grid tr").filter(has_text=LIVED_EXPERIENCE)
    expect(advisory_row).to_contain_text("Ask people who used the night hub")
    assert "Advisory · non-voting" in advisory_row.inner_text()
    assert_accessible(page, "votes grid after advice")

    page.goto(decision_url)
    page.get_by_role("link", name="Close and record the outcome").click()
    page.wait_for_url("**/close/")
    assert_accessible(page, "close confirmation")
    page.get_by_role("button", name="Close the decision").click()
    page.wait_for_load_state()
    assert page.get_by_text("Decision closed.").is_visible()
    # "Agreed" exactly: "Not agreed" (a quorum missed, an objection) must fail the journey.
    assert page.locator(".lead").get_by_text("Agreed", exact=True).first.is_visible()
    assert "quorum not met" not in page.content()
    counts = page.locator("table.counts")
    assert counts.get_by_role("row", name=re.compile("^Agree")).inner_text().split()[-1] == "8"
    assert counts.get_by_role("row", name=re.compile("^Object")).inner_text().split()[-1] == "0"
    assert page.get_by_text("This decision is closed and its record is sealed").is_visible()
    screenshot(page, "secretary-05-decision-closed")
    page.get_by_role("heading", name="Outcome").scroll_into_view_if_needed()
    guide_screenshot(page, "secretary-outcome")
    assert_accessible(page, "closed decision")

    # The printed decision record keeps the record, not the secretary's links and navigation.
    page.emulate_media(media="print")
    assert not page.locator(".breadcrumbs").is_visible()
    assert not page.locator(".site-header").is_visible()
    assert page.locator("table.votes-grid").is_visible()
    screenshot(page, "secretary-06-decision-record-printed")
    page.emulate_media(media="screen")
