"""An anonymous visitor reads the public register, a published decision and the forward plan, and
cannot reach anything the alliance did not publish."""

import re
from urllib.parse import parse_qs, urlsplit

from tests.browser.conftest import assert_accessible, guide_screenshot, log_in, screenshot


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


def _first_pk(page, pattern: str) -> str | None:
    hrefs = page.eval_on_selector_all("main a[href]", "links => links.map(a => a.getAttribute('href'))")
    return next((match.group(1) for href in hrefs if (match := re.fullmatch(pattern, href))), None)


def _pks_seen_by_the_secretary(browser, server) -> tuple[str, str]:
    """A members-only decision and an award of the demo, as the secretary sees them."""
    context = browser.new_context(base_url=server)
    page = context.new_page()
    log_in(page, "secretary", "demo-secretary-2020")
    page.goto("/alliances/dunmarrow/decisions/?visibility=MEMBERS")
    decision_pk = _first_pk(page, r"/alliances/dunmarrow/decisions/(\d+)/")
    assert decision_pk, "the demo has no members-only decision to try"
    page.goto("/alliances/dunmarrow/awards/")
    award_pk = _first_pk(page, r"/alliances/dunmarrow/awards/(\d+)/")
    assert award_pk, "the demo has no award to try"
    context.close()
    return decision_pk, award_pk


def test_anonymous_visitor_cannot_reach_anything_unpublished(page, browser, server):
    decision_pk, award_pk = _pks_seen_by_the_secretary(browser, server)
    closed = [
        "/alliances/dunmarrow/awards/",
        f"/alliances/dunmarrow/awards/{award_pk}/",
        f"/alliances/dunmarrow/awards/{award_pk}/audit.csv",
        "/alliances/dunmarrow/contracts/",
        "/alliances/dunmarrow/oversight/",
        "/alliances/dunmarrow/audit/",
        "/inbox/",
        "/notifications/preferences/",
        "/api/v1/audit/",
        "/api/v1/audit/csv/",
        f"/api/v1/awards/{award_pk}/ocds/",
        f"/public/dunmarrow/decisions/{decision_pk}/",
        # No unpublished alliance is in the demo: an unknown one must answer the same way.
        "/public/an-unpublished-alliance/",
        "/admin/",
    ]
    for url in closed:
        answer = page.request.get(url, max_redirects=0)
        if answer.status in (301, 302):
            assert urlsplit(answer.headers["location"]).path in ("/accounts/login/", "/admin/login/"), url
        elif answer.status == 200 and url.startswith("/api/"):
            # The API may answer an anonymous caller, but with nothing in it.
            body = answer.text()
            assert body.count("\n") <= 1 if url.endswith("csv/") else not answer.json().get("results"), url
        else:
            assert answer.status in (401, 403, 404), f"{url} answered {answer.status}"
