"""An Oversight Group member answers issue 21's four questions in the browser, as of the demo's week:
what was to be delivered by when and what slipped (the outreach redesign), how each service performs
against its measures, what is in and out of scope against the savings target, and which contracts end
within the notice period without a decision; then follows each answer to its register, checks each chart
has its table, downloads the measures' returns, and finds the decision due on the public forward plan."""

import csv
import io
import re
from pathlib import Path

from openpyxl import load_workbook

from tests.browser.conftest import assert_accessible, guide_screenshot, log_in, screenshot

DEMO_WEEK = "2023-09-20"


def test_oversight_member_answers_the_delivery_questions(page):
    log_in(page, "oversight", "demo-oversight-2020")
    page.goto("/alliances/dunmarrow/oversight/")
    page.get_by_role("link", name="Delivery oversight").first.click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1, name="Delivery oversight").is_visible()
    page.get_by_label("As of").fill(DEMO_WEEK)
    page.get_by_role("button", name="Show").click()
    page.wait_for_load_state()
    assert f"on={DEMO_WEEK}" in page.url

    # 1. What was to be delivered by when, and what slipped.
    delivery = page.locator("section").filter(has=page.get_by_role("heading", name=re.compile("what slipped")))
    outreach = delivery.locator("table").filter(has_text="Outreach redesign")
    assert outreach.count() == 1
    evaluation = outreach.get_by_role("row").filter(has_text="Outreach evaluation commissioned")
    assert "Red" in evaluation.inner_text()
    slippage = int(evaluation.locator("td.num").inner_text())
    assert slippage > 365, slippage  # due 30/06/2022, still not done in the demo's week
    assert "slipped from their baseline" in delivery.inner_text()

    # 2. How each service performs against its measures.
    performance = page.locator("section").filter(has=page.get_by_role("heading", name=re.compile("perform")))
    assert "Nights spent in bed-and-breakfast accommodation" in performance.inner_text()
    assert "off target" in performance.inner_text()
    assert "co-defined with" in performance.inner_text()

    # 3. What is in and out of scope, and the savings target against what was delivered.
    scope = page.locator("section").filter(has=page.get_by_role("heading", name=re.compile("in and out of scope")))
    retained = scope.get_by_role("row").filter(has_text="Retained")
    names = retained.all_inner_texts()
    for line in ("Bed-and-breakfast budget", "Out-of-hours", "Temporary furnished flats", "own homelessness services"):
        assert any(line in name for name in names), (line, names)
    assert scope.get_by_role("table", name=re.compile("Savings required against delivered")).is_visible()

    # 4. Which contracts end within the notice period without a decision.
    notice = page.locator("section").filter(has=page.get_by_role("heading", name=re.compile("notice period")))
    flats = notice.get_by_role("row").filter(has_text="Supported flats for families")
    assert "Decision on the future of Supported flats for families" in flats.inner_text()

    # And oversight's own queries, one of them overdue.
    assert "days overdue" in page.locator("section").filter(has_text="Oversight queries:").inner_text()
    screenshot(page, "delivery-01-oversight-view")
    guide_screenshot(page, "delivery-oversight")
    assert_accessible(page, "delivery oversight")

    # The delivery plan: its timeline chart and the table of the same dates.
    page.get_by_role("link", name="The delivery plan").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1, name="Delivery plan").is_visible()
    assert page.locator("svg.timeline-chart").first.is_visible()
    timeline = page.get_by_role("table", name=re.compile("baseline, current target and actual dates"))
    assert "Next outreach service specified for recommissioning" in timeline.inner_text()
    guide_screenshot(page, "delivery-plan")
    assert_accessible(page, "delivery plan")

    # A measure: its chart against target, with its table; then the returns as CSV and Excel.
    page.goto(f"/alliances/dunmarrow/measures/?on={DEMO_WEEK}")
    page.get_by_role("link", name="Nights spent in bed-and-breakfast accommodation").first.click()
    page.wait_for_load_state()
    assert page.locator("canvas[data-chart='measure']").is_visible()
    assert page.get_by_role("table", name=re.compile("Returns per period, against the target")).is_visible()
    guide_screenshot(page, "delivery-measure")
    assert_accessible(page, "a performance measure")
    page.goto("/alliances/dunmarrow/measures/")
    with page.expect_download() as csv_download:
        page.get_by_role("link", name="CSV").first.click()
    rows = list(csv.reader(io.StringIO(Path(csv_download.value.path()).read_text(encoding="utf-8-sig"))))
    assert rows[0][0] == "measure" and len(rows) > 10
    with page.expect_download() as xlsx_download:
        page.get_by_role("link", name="Excel (XLSX)").click()
    sheet = load_workbook(io.BytesIO(Path(xlsx_download.value.path()).read_bytes())).worksheets[0]
    assert sheet.max_row == len(rows)

    # The scope register and the envelope's trajectory.
    page.goto("/alliances/dunmarrow/scope/")
    assert "Temporary furnished flats" in page.locator("main").inner_text()
    assert_accessible(page, "scope register")
    page.goto("/alliances/dunmarrow/scope/envelope/")
    assert page.get_by_role("table", name=re.compile("Envelope, spend, savings required")).is_visible()
    guide_screenshot(page, "delivery-envelope")
    assert_accessible(page, "budget envelope and savings")

    # Providers outside the alliance read the decision due on the public forward plan.
    page.context.clear_cookies()
    page.goto("/public/dunmarrow/forward-plan/")
    assert "Decision on the future of Supported flats for families" in page.locator("main").inner_text()
