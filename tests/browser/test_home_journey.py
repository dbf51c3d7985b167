"""Logging in lands on the home: what needs you, with a link to each item; on a phone (390 px) the
cards stack and nothing runs off the screen."""

import re

from tests.browser.conftest import assert_accessible, guide_screenshot, log_in, screenshot

LETTER = "Agree the letter to people using services about the end of the alliance"


def test_member_lands_on_their_home_and_follows_a_decision_awaiting_their_position(page):
    log_in(page, "member", "demo-member-2020")
    assert page.get_by_role("heading", name="What needs you").is_visible()
    section = page.locator("[data-section=positions]")
    assert "Second Step" in section.inner_text() and "Overdue" in section.inner_text()
    assert "Send the secretary the list" in page.locator("[data-section=actions]").inner_text()
    screenshot(page, "home-01-member")
    guide_screenshot(page, "home-member")
    assert_accessible(page, "home")
    section.get_by_role("link", name=re.compile(re.escape(LETTER))).click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name=re.compile(re.escape(LETTER))).first.is_visible()


def test_the_home_fits_a_phone(page):
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, "secretary", "demo-secretary-2020")
    assert "Draft: Fix the date of the alliance" in page.locator("[data-section=drafts]").inner_text()
    overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the home runs {overflow} px off a 390 px screen"
    screenshot(page, "home-02-secretary-on-a-phone")


def test_oversight_sees_the_award_approved_since_its_last_visit(page):
    log_in(page, "oversight", "demo-oversight-2020")
    section = page.locator("[data-section=awards_approved]")
    assert "Awards approved since your last visit" in section.inner_text()
    assert "Winter night shelter 2023/24" in section.inner_text()
