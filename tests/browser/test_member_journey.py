"""A member looks up who held the Alliance Director role on a past date, follows the timeline,
and opens the handover pack of their own role."""

import re

from tests.browser.conftest import assert_accessible, guide_screenshot, log_in, screenshot


def test_member_finds_a_past_director_and_their_own_handover_pack(page):
    log_in(page, "member", "demo-member-2020")
    assert_accessible(page, "alliance list")
    page.get_by_role("link", name="Dunmarrow Homelessness Alliance").click()
    page.wait_for_load_state()
    assert_accessible(page, "alliance overview")
    page.get_by_role("link", name="Role directory").click()
    page.get_by_label("Roles held on").fill("2021-03-01")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url(re.compile(r"on=2021-03-01"))
    assert page.get_by_role("heading", name="Who held which role on 1 March 2021").is_visible()
    director_row = page.get_by_role("row").filter(has=page.get_by_role("link", name="Alliance Director", exact=True))
    assert "Kenneth Muir" in director_row.inner_text()
    screenshot(page, "member-01-directory-on-a-past-date")
    assert_accessible(page, "role directory")

    director_row.get_by_role("link", name="Alliance Director", exact=True).click()
    page.wait_for_load_state()
    timeline = page.get_by_role("table").filter(has_text="Kenneth Muir")
    text = timeline.first.inner_text()
    assert "Fiona Baird" in text and "Kenneth Muir" in text and "Priya Raman" in text
    screenshot(page, "member-02-role-timeline")
    guide_screenshot(page, "member-role-timeline")
    assert_accessible(page, "role page")

    page.goto("/alliances/dunmarrow/roles/")
    # The directory marks the logged-in member's own roles, in words as well as colour.
    own = page.get_by_role("row").filter(has=page.get_by_text("Your role", exact=True))
    assert own.count() >= 1
    own.get_by_role("link", name=re.compile("Handover pack")).first.click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name=re.compile("Handover pack")).first.is_visible()
    assert page.get_by_text("Best for people using services").first.is_visible()
    screenshot(page, "member-03-handover-pack")
    guide_screenshot(page, "member-handover-pack")
    assert_accessible(page, "handover pack")
    page.emulate_media(media="print")
    assert not page.locator(".breadcrumbs").is_visible()
    screenshot(page, "member-04-handover-pack-printed")
    page.emulate_media(media="screen")
