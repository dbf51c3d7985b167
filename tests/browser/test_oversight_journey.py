"""An Oversight Group member opens the award register, reads the mini-competition's audit trail from
policy to contract, sees the recused member, and downloads the trail as CSV and the award as OCDS."""

import csv
import io
import re
from pathlib import Path

from tests.browser.conftest import assert_accessible, guide_screenshot, log_in, screenshot

AWARD = "Flexible community outreach redesign"


def test_oversight_member_audits_a_mini_competition_award(page):
    log_in(page, "oversight", "demo-oversight-2020")
    page.goto("/alliances/dunmarrow/awards/")
    assert page.get_by_role("heading", level=1).is_visible()
    screenshot(page, "oversight-01-award-register")
    guide_screenshot(page, "oversight-award-register")
    assert_accessible(page, "award register")

    page.get_by_role("link", name=re.compile(AWARD)).first.click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1, name=re.compile(AWARD)).is_visible()
    assert "Mini-competition" in page.locator("section").filter(has_text="The award").first.inner_text()
    reference = page.get_by_role("heading", level=1).inner_text().split(":")[0]
    assert re.fullmatch(r"AW-\d{4}-\d{3}", reference), reference

    trail = page.locator("ol.trail")
    steps = trail.locator("li.trail-event")
    first = steps.first.inner_text()
    assert "Award policy v" in first and "in force" in first
    assert "Contract: " in trail.locator("li.trail-contract").first.inner_text()
    recusals = trail.locator("li.trail-recusal").filter(has_text="recused")
    assert recusals.count() >= 1
    assert "Threshold Community Trust recused" in trail.inner_text()
    assert "declared an interest" in recusals.filter(has_text="Threshold").first.inner_text()
    screenshot(page, "oversight-02-award-audit-trail")
    guide_screenshot(page, "oversight-award")
    page.get_by_role("heading", name="Audit trail").scroll_into_view_if_needed()
    guide_screenshot(page, "oversight-audit-trail")
    assert_accessible(page, "award audit trail")
    # Printed, the trail keeps the record and drops the navigation and controls.
    page.emulate_media(media="print")
    assert not page.locator(".breadcrumbs").is_visible()
    assert not page.get_by_role("link", name="Download the audit trail (CSV)").is_visible()
    screenshot(page, "oversight-03-audit-trail-printed")
    page.emulate_media(media="screen")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the audit trail (CSV)").click()
    download = download_info.value
    assert download.suggested_filename == f"{reference}-audit-trail.csv"
    rows = list(csv.reader(io.StringIO(Path(download.path()).read_text(encoding="utf-8-sig"))))
    assert rows[0][:3] == ["when", "step", "what"]
    steps_in_csv = [row[1] for row in rows[1:]]
    assert "policy" in steps_in_csv and "recusal" in steps_in_csv and "contract" in steps_in_csv

    ocds_url = page.get_by_role("link", name="Open data (OCDS)").get_attribute("href")
    answer = page.request.get(ocds_url)
    assert answer.status == 200
    package = answer.json()
    (release,) = package["releases"]
    assert release["tender"]["title"] == AWARD
    assert reference in release["ocid"]
