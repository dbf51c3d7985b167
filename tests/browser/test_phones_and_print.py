"""Every page on a phone, the meeting's record on paper, and focus after an in-place update.

The walk follows the demo's links as a person would (from the home page and the public registers),
as the secretary and as an anonymous visitor, at 390 x 844 (a common phone), and asks of each page
that nothing makes the page itself scroll sideways: tables scroll inside their own box, forms and
long references wrap. A page that is wider names its widest element. Pages of one route are walked
a few times, not for every record (PHONE_WALK_ALL=1 walks them all); routes of the
smoke walk's table that the links did not reach are opened directly when they need only the
alliance's slug.
"""

from __future__ import annotations

import os
import re
from urllib.parse import urljoin, urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, log_in

PHONE = {"width": 390, "height": 844}
SECRETARY = ("secretary", "demo-secretary-2020")
SLUG = "dunmarrow"
# Not the site's own pages: the API (browsable and docs), the admin, files; logging out ends the walk.
NOT_WALKED = ("/api/", "/admin/", "/static/", "/media/", "/accounts/logout/")
NOT_PAGES = re.compile(r"\.(csv|ics|json|xml|pdf|txt|zip|png|jpg|svg)$|/(feed|export|download)/?$", re.I)
# Pages of one route walked (records differ: a long title, many rows, another status); all of them
# with PHONE_WALK_ALL=1 (about four minutes a standing instead of one).
PER_ROUTE = 10_000 if os.environ.get("PHONE_WALK_ALL") else 4
LIMIT = 2_000
# Reached first, so a record in each status is among the pages its route is walked with.
STATUSES = ["OPEN", "DRAFT", "DEFERRED", "NOT_AGREED", "LAPSED", "WITHDRAWN"]

# Run in the page: the page's width, and if it is wider than the window, the outermost elements
# that reach beyond it (an element inside a box that scrolls or clips is not the page's problem).
MEASURE = """() => {
  const width = document.documentElement.clientWidth;
  const scrollWidth = document.documentElement.scrollWidth;
  if (scrollWidth <= width) return {scrollWidth, offenders: []};
  // Clipped by a box that scrolls: an absolutely placed element only by one that places it.
  const clipped = (el) => {
    let free = getComputedStyle(el).position === 'absolute';
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const style = getComputedStyle(p);
      if (!free && style.overflowX !== 'visible') return true;
      if (style.position !== 'static') free = false;
    }
    return false;
  };
  const name = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    [...el.classList].map(c => '.' + c).join('');
  const path = (el) => {
    const parts = [];
    for (let e = el; e && e !== document.body && parts.length < 4; e = e.parentElement) parts.unshift(name(e));
    return parts.join(' > ');
  };
  const offenders = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.right <= width + 0.5 || r.width === 0) continue;
    const parent = el.parentElement;
    if (parent && parent !== document.body && parent.getBoundingClientRect().right > width + 0.5) continue;
    if (clipped(el)) continue;
    offenders.push({element: path(el), right: Math.round(r.right),
                    text: (el.innerText || el.value || '').trim().slice(0, 60)});
  }
  offenders.sort((a, b) => b.right - a.right);
  return {scrollWidth, offenders: offenders.slice(0, 3)};
}"""


def route_of(path: str) -> str:
    return re.sub(r"/\d+(?=/|$)", "/{id}", path)


def web_routes_by_slug() -> list[str]:
    """The smoke walk's web routes that need only the alliance's slug (or nothing), as paths."""
    from tests.smoke.routes import every_route

    found = []
    for route in every_route():
        if route.is_api or set(route.kwargs) - {"slug"}:
            continue
        path = "/" + route.template.replace("{slug}", SLUG)
        if not path.startswith(NOT_WALKED) and not NOT_PAGES.search(path) and "(" not in path:
            found.append(path)
    return found


def walk(page, starts: list[str]) -> dict[str, dict]:
    """Open pages from ``starts`` on, following same-origin links; measure each. Returns url -> measure."""
    origin = urlsplit(page.url or "http://x/").netloc
    queue, seen, per_route, measured = list(starts), set(), {}, {}
    while queue and len(measured) < LIMIT:
        url = queue.pop(0)
        parts = urlsplit(url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        route = route_of(parts.path)
        if path in seen or path.startswith(NOT_WALKED) or NOT_PAGES.search(parts.path):
            continue
        seen.add(path)
        if per_route.get(route, 0) >= PER_ROUTE or (parts.query and path not in starts and per_route.get(route, 0)):
            continue
        try:
            response = page.goto(path)
        except Exception:  # a download (CSV, calendar): not a page
            continue
        if response is None or "text/html" not in (response.headers.get("content-type") or ""):
            continue
        if urlsplit(page.url).path != parts.path:  # redirected (to the log-in page, or elsewhere)
            continue
        per_route[route] = per_route.get(route, 0) + 1
        measured[path] = page.evaluate(MEASURE)
        origin = urlsplit(page.url).netloc
        hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
        for href in hrefs:
            target = urlsplit(urljoin(page.url, href))
            if target.netloc == origin and target.scheme in ("http", "https"):
                queue.append(target.path + (f"?{target.query}" if target.query else ""))
    return measured


def failures(measured: dict[str, dict]) -> list[str]:
    lines = []
    for url, m in measured.items():
        if m["scrollWidth"] > PHONE["width"]:
            widest = "; ".join(f"{o['element']} reaches {o['right']} px ({o['text']!r})" for o in m["offenders"])
            lines.append(f"{url} is {m['scrollWidth']} px wide: {widest or 'no single element found'}")
    return lines


@pytest.mark.parametrize("standing", ["anonymous", "secretary"])
def test_every_page_fits_a_phone(page, standing):
    page.set_viewport_size(PHONE)
    starts = ["/", "/public/", f"/public/{SLUG}/"]
    if standing == "secretary":
        log_in(page, *SECRETARY)
        # First, so the links they hold are the first walked of their route.
        starts = [f"/alliances/{SLUG}/decisions/?status={status}" for status in STATUSES] + starts
        starts += [f"/alliances/{SLUG}/"]
    measured = walk(page, starts + web_routes_by_slug())
    assert len(measured) > (5 if standing == "anonymous" else 40), f"the walk reached only {sorted(measured)}"
    wide = failures(measured)
    assert not wide, f"{len(wide)} of {len(measured)} pages scroll sideways at 390 px:\n" + "\n".join(wide)


def test_wide_tables_on_a_phone_scroll_by_keyboard_too(page):
    """A table that scrolls in its own box on a phone is reachable by keyboard (axe-core's serious
    problems, at the phone's width, on the pages with the widest tables)."""
    page.set_viewport_size(PHONE)
    log_in(page, *SECRETARY)
    made_focusable = 0
    for url in [f"/alliances/{SLUG}/", f"/alliances/{SLUG}/roles/", f"/alliances/{SLUG}/oversight/"]:
        page.goto(url)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], url
        assert_accessible(page, f"{url} at 390 px")
        made_focusable += page.locator("table[data-scroll-focus]").count()
    assert made_focusable, "no table without links scrolls on a phone here: a weak check"


def _first_link(page, url: str, pattern: str) -> str:
    page.goto(url)
    hrefs = page.eval_on_selector_all("main a[href]", "links => links.map(a => a.getAttribute('href'))")
    found = next((href for href in hrefs if re.fullmatch(pattern, href)), None)
    assert found, f"no link like {pattern} on {url}"
    return found


# The meeting's record and a decision taken at it, as the secretary (who sees every form and link)
# prints them; and the meeting's printable agenda and minutes.
PRINTED = [
    (f"/alliances/{SLUG}/meetings/", rf"/alliances/{SLUG}/meetings/\d+/"),
    (f"/alliances/{SLUG}/decisions/", rf"/alliances/{SLUG}/decisions/\d+/"),
]
PRINTABLE_LINKS = re.compile(r"/meetings/\d+/(agenda/|minutes/print/)$")
CONTROLS = "header.site-header, nav, form, button, a.button, .breadcrumbs, .actions-bar, .skip-link, .no-print"


def _assert_prints_the_record_only(page, url: str) -> None:
    page.emulate_media(media="print")
    shown = page.locator(CONTROLS).evaluate_all(
        "els => els.filter(e => e.checkVisibility()).map(e => e.outerHTML.slice(0, 80))"
    )
    assert not shown, f"{url} prints its navigation or forms: {shown}"
    assert page.get_by_role("heading", level=1).is_visible(), f"{url} prints no heading"
    # Printed as a page of text: the record fills the paper, not a phone's column.
    assert page.evaluate("getComputedStyle(document.querySelector('main')).maxWidth") == "none"
    page.emulate_media(media="screen")


@pytest.mark.parametrize(("listing", "pattern"), PRINTED)
def test_printed_records_keep_the_record_not_the_controls(page, listing, pattern):
    log_in(page, *SECRETARY)
    url = _first_link(page, listing, pattern)
    page.goto(url)
    printable = page.eval_on_selector_all("main a[href]", "links => links.map(a => a.getAttribute('href'))")
    assert page.locator("main form, main .actions-bar").count(), f"{url} has no controls to hide: a weak check"
    _assert_prints_the_record_only(page, url)
    assert page.locator("main h2").first.is_visible()
    # The printable agenda and minutes of a meeting, linked or not (a meeting without them answers 404).
    if "/meetings/" in url:
        printable += [url + "agenda/", url + "minutes/print/"]
    for link in dict.fromkeys(h for h in printable if PRINTABLE_LINKS.search(h)):
        response = page.goto(link)
        if response and response.ok and "text/html" in (response.headers.get("content-type") or ""):
            _assert_prints_the_record_only(page, link)


def test_focus_stays_where_the_secretary_acted_after_an_in_place_refusal(page):
    """The vote panel posts in place (htmx): a refused vote comes back with the refusal on the form,
    and keyboard focus lands on the field to correct, not at the start of the page."""
    log_in(page, *SECRETARY)
    decision = _first_link(page, f"/alliances/{SLUG}/decisions/?status=OPEN", rf"/alliances/{SLUG}/decisions/\d+/")
    page.goto(decision + "vote/")
    page.evaluate("window.noReload = true")
    page.get_by_label("Member", exact=True).select_option(label="Voices of Experience Dunmarrow")
    page.get_by_label("Position").select_option(label="Agree")
    page.get_by_label("Cast by").select_option(label="Sam Whyte")
    page.get_by_role("button", name="Record vote").press("Enter")
    page.get_by_role("alert").filter(has_text="cannot vote").wait_for()
    assert page.evaluate("window.noReload === true"), "the refusal reloaded the page instead of swapping the panel"
    # Focus moves when htmx settles the swap, a moment after the refusal appears.
    expect(page.locator("#id_membership")).to_be_focused()
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid", "the field focus moved to shows no focus ring"
