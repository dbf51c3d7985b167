"""A member filters the decision log and downloads what the page lists as an Excel workbook (issue 22):
the file opens with openpyxl, holds the page's decisions, and its Filters sheet names the page's filters
in the form's words."""

import io
from pathlib import Path

from openpyxl import load_workbook

from tests.browser.conftest import assert_accessible, guide_screenshot, log_in


def test_a_register_downloads_as_excel_with_the_pages_filters(page):
    log_in(page, "member", "demo-member-2020")
    page.goto("/alliances/dunmarrow/decisions/")
    filters = page.get_by_role("search", name="Search and filter the decision log")
    filters.get_by_label("Tag").fill("night hub")
    filters.get_by_label("Status").select_option(label="Agreed")
    filters.get_by_role("button", name="Search").click()
    page.wait_for_load_state()
    assert "tag=night+hub" in page.url and "status=AGREED" in page.url
    table = page.get_by_role("table").filter(has=page.get_by_role("columnheader", name="Reference"))
    rows = table.locator("tbody tr").all()
    listed = [row.locator("td").nth(1).get_by_role("link").first.inner_text() for row in rows]
    assert "Approve the winter pressures fund allocation" in listed
    assert page.get_by_role("navigation", name="Pages").count() == 0  # one page: the table lists them all

    downloads = page.locator("p.downloads")
    assert downloads.inner_text().startswith("Download these decisions:")
    guide_screenshot(page, "register-download")
    assert_accessible(page, "decision log filtered")
    with page.expect_download() as excel:
        downloads.get_by_role("link", name="Excel").click()
    assert excel.value.suggested_filename.endswith(".xlsx")
    book = load_workbook(io.BytesIO(Path(excel.value.path()).read_bytes()))
    decisions, about = book.worksheets[0], book["Filters"]
    header = [cell.value for cell in decisions[1]]
    titles = [row[header.index("title")] for row in decisions.iter_rows(min_row=2, values_only=True)]
    assert sorted(titles) == sorted(listed)
    chosen = dict(about.iter_rows(min_row=2, values_only=True))
    assert chosen == {"Tag": "night hub", "Status": "Agreed"}, chosen
