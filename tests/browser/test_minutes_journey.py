"""The ALT secretary minutes the September 2023 meeting item by item (the demo's last held meeting), adds an action
agreed under an item and circulates the revised draft; at the next meeting drafts the PROCEDURAL decision approving
those minutes, records each member's position and closes it; then approves the minutes, which are sealed, and
prints them with the signed-off copy's checksum."""

import random
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, guide_screenshot, log_in, screenshot
from tests.browser.test_secretary_journey import COMMISSIONER, REPRESENTATIVES

LONDON = ZoneInfo("Europe/London")
SEPTEMBER = "ALT September 2023"


def _open_september(page) -> str:
    page.goto("/alliances/dunmarrow/meetings/")
    page.get_by_role("link", name=SEPTEMBER, exact=True).click()
    page.wait_for_load_state()
    return page.url


def test_secretary_drafts_circulates_and_approves_the_minutes(page):
    log_in(page, "secretary", "demo-secretary-2020")
    september = _open_september(page)
    minutes = page.locator("section#minutes")
    expect(minutes).to_contain_text("Draft circulated")
    expect(minutes).to_contain_text("the operating manual was never finalised")

    # Each item's minute: the last one corrected.
    minutes.get_by_role("link", name="Correct the minute of item 4").click()
    page.get_by_label("Minute").fill(
        "Members noted that the operating manual was never finalised, so procurement and financial processes "
        "were never agreed. The secretary hands the partnership the list of what is missing."
    )
    assert_accessible(page, "an item's minute")
    page.get_by_role("button", name="Save the minute").click()
    page.wait_for_load_state()
    expect(page.get_by_text("Minute saved.")).to_be_visible()
    expect(minutes).to_contain_text("changed since, circulate it again")

    # An action agreed under item 2, from the meeting page.
    minutes.get_by_role("link", name="Add an action under item 2").click()
    page.get_by_label("Action").fill("Write to everyone using alliance services about the conclusion")
    page.get_by_label("Due on").fill("2023-10-20")
    page.get_by_label("Owner (person)").select_option(label="Priya Raman")
    assert_accessible(page, "add an action")
    page.get_by_role("button", name="Add the action").click()
    page.wait_for_load_state()
    expect(page.get_by_text("Action added.")).to_be_visible()
    expect(minutes).to_contain_text("Write to everyone using alliance services about the conclusion")

    page.get_by_role("link", name="Circulate the revised minutes").click()
    assert_accessible(page, "circulate the minutes")
    page.get_by_role("button", name="Circulate the minutes").click()
    page.wait_for_load_state()
    expect(minutes).to_contain_text("Revised draft circulated")
    page.locator("#minutes-heading").evaluate("heading => heading.scrollIntoView()")
    screenshot(page, "minutes-01-revised-draft-circulated")
    guide_screenshot(page, "secretary-minutes-draft")
    assert_accessible(page, "meeting with its draft minutes")

    # The next meeting: scheduled, attended, and asked to approve September's minutes.
    starts = datetime.now(LONDON).replace(second=0, microsecond=0) - timedelta(hours=3, minutes=random.randint(1, 50))
    page.goto("/alliances/dunmarrow/meetings/new/")
    page.get_by_label("Body").select_option(label="Alliance Leadership Team (ALT)")
    page.get_by_label("Starts at").fill(f"{starts:%Y-%m-%dT%H:%M}")
    page.get_by_label("Title").fill(f"ALT meeting approving minutes {starts:%H%M}")
    page.get_by_label("Location").fill("Dunmarrow Community Hall")
    page.get_by_role("button", name="Schedule").click()
    page.wait_for_load_state()
    next_meeting = page.url
    for organisation, representative in REPRESENTATIVES.items():
        page.get_by_role("link", name="Record attendance").click()
        page.get_by_label("Person").select_option(label=representative)
        page.get_by_label("Capacity").select_option(label="Voting representative")
        page.get_by_label("Organisation").select_option(label=organisation)
        page.get_by_role("button", name="Record attendance").click()
        page.wait_for_load_state()

    offer = page.locator("section#minutes li").filter(has_text=SEPTEMBER)
    offer.get_by_role("link", name="Draft the approval of these minutes").click()
    assert_accessible(page, "draft the approval of minutes")
    page.get_by_role("button", name="Draft the approval").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Approve the minutes of the ALT meeting of 13/09/2023")
    decision_url = page.url
    decision_id = re.search(r"/decisions/(\d+)/", decision_url).group(1)

    page.get_by_role("link", name="Open for votes").click()
    page.get_by_role("button", name="Open for votes").click()
    page.wait_for_load_state()
    page.goto(decision_url + "vote/")
    for organisation, representative in REPRESENTATIVES.items():
        page.get_by_label("Member", exact=True).select_option(label=organisation)
        page.get_by_label("Position").select_option(label="Agree")
        page.get_by_label("Cast by").select_option(label=representative)
        page.get_by_label("Acting as").select_option(value="partner" if organisation == COMMISSIONER else "")
        page.get_by_role("button", name="Record vote").click()
        row = page.locator("table.votes-grid tr").filter(has_text=organisation)
        expect(row.locator(".position-agree")).to_be_visible()
    page.goto(decision_url)
    page.get_by_role("link", name="Close and record the outcome").click()
    page.get_by_role("button", name="Close the decision").click()
    page.wait_for_load_state()
    assert page.locator(".lead").get_by_text("Agreed", exact=True).first.is_visible()

    # Approved by that decision: sealed, with a signed-off copy.
    page.goto(september + "approve-minutes/")
    page.get_by_label("Approving decision").select_option(value=decision_id)
    assert_accessible(page, "approve the minutes")
    page.get_by_role("button", name="Approve").click()
    page.wait_for_load_state()
    expect(page.get_by_text("Minutes approved and sealed")).to_be_visible()
    expect(minutes).to_contain_text("sealed")
    expect(minutes.get_by_role("link", name=re.compile("minute of item"))).to_have_count(0)
    page.locator("#minutes-heading").evaluate("heading => heading.scrollIntoView()")
    guide_screenshot(page, "secretary-minutes-approved")
    assert_accessible(page, "approved minutes")

    minutes.get_by_role("link", name="Printable minutes").click()
    page.wait_for_load_state()
    signed = page.locator("section.signed-off")
    expect(signed).to_contain_text("Approved by")
    assert re.search(r"SHA-256 [0-9a-f]{64}", signed.inner_text()), signed.inner_text()
    expect(page.locator(".minutes-item").first).to_be_visible()
    assert_accessible(page, "printable minutes")
    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible()
    screenshot(page, "minutes-02-printed")
    guide_screenshot(page, "secretary-minutes-printable")
    page.emulate_media(media="screen")
    assert page.url.startswith(september)
    assert next_meeting != september
