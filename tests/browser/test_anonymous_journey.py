"""An anonymous visitor reads the public register, a published decision and the forward plan, and
cannot reach anything the alliance did not publish."""

import re
from urllib.parse import parse_qs, urlsplit

from tests.browser.conftest import assert_accessible, guide_screenshot, screenshot


def test_anonymous_visitor_reads_the_public_register(page):
    page.goto("/public/dunmarrow/")
    assert page.get_by_role("heading", level=1, name=re.compile("Dunmarrow Homelessness Alliance")).is_visible()
    assert page.get_by_role("link", name=re.compile("Log out")).count() == 0
    screenshot(page, "public-01-register")
    guide_screenshot(page, "public-register")
    assert_accessible(page, "public register")

    decision = page.locator("a[href^='/public/dunmarrow/decisions/']").first
    title = decision.inner_text()
    decision.click()
    page.wait_for_load_state()
    assert re.search(r"/public/dunmarrow/decisions/\d+/$", page.url)
    assert title.split(":")[-1].strip() in page.get_by_role("heading", level=1).inner_text()
    screenshot(page, "public-02-decision")
    assert_accessible(page, "public decision")

    page.goto("/public/dunmarrow/forward-plan/")
    assert page.get_by_role("heading", level=1, name=re.compile("[Ff]orward plan")).is_visible()
    screenshot(page, "public-03-forward-plan")
    assert_accessible(page, "forward plan")

    answer = page.request.get("/api/v1/decisions/")
    assert answer.status == 200
    assert {d["visibility"] for d in answer.json()["results"]} == {"PUBLIC"}


def test_anonymous_visitor_cannot_reach_the_members_pages_or_api(page):
    for members_page in ("/alliances/dunmarrow/", "/alliances/dunmarrow/decisions/"):
        page.goto(members_page)
        where = urlsplit(page.url)
        assert where.path == "/accounts/login/"
        assert parse_qs(where.query)["next"] == [members_page]
        assert page.get_by_label("Username").is_visible()
    assert_accessible(page, "login page")

    answer = page.request.get("/api/v1/memberships/")
    assert answer.status == 401
