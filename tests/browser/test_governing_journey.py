"""An Oversight Group member finds what the agreement requires that is not yet agreed: on the alliance's
overview, in the governing documents register and on the oversight dashboard, then the warning on an
award whose route depends on the unagreed procurement procedure (the review's "an operating manual was
not finalised; as a result procurement and financial processes were not agreed")."""

import re

from tests.browser.conftest import assert_accessible, guide_screenshot, log_in

PROCUREMENT = "Operating manual, section 6: procurement procedure"


def test_oversight_member_follows_an_unagreed_procedure_to_the_award_route_that_depends_on_it(page):
    log_in(page, "oversight", "demo-oversight-2020")
    page.goto("/alliances/dunmarrow/")
    outstanding = page.locator("section").filter(
        has=page.get_by_role("heading", name="Required by the agreement, not yet agreed")
    )
    assert outstanding.get_by_role("link", name=re.compile(re.escape(PROCUREMENT))).is_visible()
    assert outstanding.get_by_text("Past its target date").first.is_visible()

    outstanding.get_by_role("link", name="All governing documents").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1, name="Governing documents").is_visible()
    register = page.locator("section").filter(has=page.get_by_role("heading", name="The register"))
    assert register.get_by_role("cell", name="Drafting", exact=True).first.is_visible()
    assert register.get_by_role("cell", name="In operation", exact=True).first.is_visible()
    assert_accessible(page, "governing documents register")
    guide_screenshot(page, "oversight-governing-documents")

    page.goto("/alliances/dunmarrow/oversight/")
    dashboard = page.locator("section").filter(
        has=page.get_by_role("heading", name="Governing documents the agreement requires, not yet agreed")
    )
    assert dashboard.get_by_role("link", name=re.compile(re.escape(PROCUREMENT))).is_visible()

    # The mini-competition of 2021 went ahead on a route whose procedure was never agreed: its page says so.
    page.goto("/alliances/dunmarrow/awards/")
    page.get_by_role("link", name="Flexible community outreach redesign").first.click()
    page.wait_for_load_state()
    warning = page.get_by_role("note", name="Governing documents not yet agreed")
    assert "Mini-competition among members depends on" in warning.inner_text()
    assert PROCUREMENT in warning.inner_text() and "still being drafted" in warning.inner_text()
    assert_accessible(page, "award with a route warning")
    guide_screenshot(page, "oversight-award-route-warning")
