"""A secretary brings in the earlier decision log (issue 22): downloads the template, fills it in, uploads
it with a mistake in one row (the preview names the row and the column, and nothing is written), corrects
it, checks it again (a clean dry run), imports it; the imports page then lists the file with its checksum,
and the decisions are in the log under their original references."""

import csv
import hashlib
import io
import random
import re
from pathlib import Path

from tests.browser.conftest import assert_accessible, guide_screenshot, log_in, screenshot

# References of the alliance's first months, from a number the demo never reached, so that a run against
# a demo server already used (BROWSER_TEST_SERVER) imports references not yet in its log.
FIRST = random.randint(100, 899)
REFERENCES = (f"ALT-2020-{FIRST}", f"ALT-2020-{FIRST + 1}")
TITLES = ("Adopt the ALT's complaints procedure", "Ask the peer researchers to review the allocation policy")


def earlier_log(headings: list[str], *, outcome: str) -> bytes:
    """The template's headings, with two decisions of the earlier log in place of its example row; the
    second one's outcome as written in ``outcome``. UTF-8 with a byte-order mark, as Excel saves it."""
    rows = [
        {
            "Reference": REFERENCES[0],
            "Body": "ALT",
            "Title": TITLES[0],
            "Proposal": "That the ALT adopts the complaints procedure for people using the alliance's services.",
            "Kind": "Policy",
            "Outcome": "Agreed",
            "Decided on": "12/08/2020",
            "Reasons": "The alliance agreement asks for one procedure across the providers.",
            "Visibility": "Members",
            "Tags": "complaints, governance",
        },
        {
            "Reference": REFERENCES[1],
            "Body": "ALT",
            "Title": TITLES[1],
            "Proposal": "That the peer researchers review how temporary accommodation is allocated.",
            "Kind": "Operational",
            "Outcome": outcome,
            "Decided on": "2020-09-23",
            "Visibility": "Members",
            "Tags": "lived-experience",
        },
    ]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=headings, restval="")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def upload(page, name: str, content: bytes) -> None:
    chosen = {"name": name, "mimeType": "text/csv", "buffer": content}
    page.get_by_label("The filled-in template").set_input_files(chosen)
    page.get_by_role("button", name="Check the file").click()
    page.wait_for_load_state()


def preview_rows(page) -> dict[str, str]:
    """The preview's rows: the row's number to what the row says (what it would create, or what is wrong)."""
    table = page.get_by_role("table", name="The file's rows, as the import reads them")
    rows = table.locator("tbody tr").all()
    return {row.locator("td").first.inner_text(): row.inner_text() for row in rows}


def test_a_secretary_imports_the_earlier_decision_log(page):
    log_in(page, "secretary", "demo-secretary-2020")
    page.goto("/alliances/dunmarrow/")
    page.get_by_role("link", name="Imports of earlier records").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1, name="Imports").is_visible()
    page.get_by_role("link", name="Import the decision log").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1, name="Import the decision log").is_visible()
    assert_accessible(page, "import the decision log")

    # The template: its heading row and an example row, opened as Excel opens a CSV.
    with page.expect_download() as template:
        page.locator("main").get_by_role("link", name="CSV", exact=True).first.click()
    text = Path(template.value.path()).read_text(encoding="utf-8-sig")
    headings, example = list(csv.reader(io.StringIO(text)))
    assert headings[:3] == ["Reference", "Body", "Title"] and "Outcome" in headings and "Decided on" in headings
    assert example[0] == "ALT-2021-001"

    # One row's outcome as the old log wrote it ("Carried"): the preview names the row and the column.
    name = f"alt-decision-log-2020-{FIRST}.csv"
    upload(page, name, earlier_log(headings, outcome="Carried"))
    assert page.get_by_role("heading", name="Nothing can be imported yet").is_visible()
    assert page.get_by_role("alert").filter(has_text="1 row needs attention; nothing was imported.").is_visible()
    rows = preview_rows(page)
    assert list(rows) == ["2", "3"]
    assert f"Decision: {REFERENCES[0]}: {TITLES[0]}" in rows["2"]
    assert "“Outcome”: 'Carried' is not one of" in rows["3"], rows["3"]
    assert page.get_by_role("button", name=re.compile("^Import these")).count() == 0
    page.get_by_role("heading", name="Nothing can be imported yet").scroll_into_view_if_needed()
    screenshot(page, "import-01-row-refused")
    guide_screenshot(page, "import-preview")
    assert_accessible(page, "import preview with a refused row")

    # Nothing was written: the file is not among the imports, the decision not in the log.
    page.goto("/alliances/dunmarrow/imports/")
    assert name not in page.locator("main").inner_text()
    page.goto(f"/alliances/dunmarrow/decisions/?q={REFERENCES[0]}")
    assert TITLES[0] not in page.locator("main").inner_text()

    # Corrected, the dry run is clean; confirmed, every row is imported.
    page.goto("/alliances/dunmarrow/imports/decisions/")
    content = earlier_log(headings, outcome="Not agreed")
    upload(page, name, content)
    assert page.get_by_role("heading", name="What the import would create").is_visible()
    rows = preview_rows(page)
    assert f"Decision: {REFERENCES[1]}: {TITLES[1]}" in rows["3"]
    assert page.locator("tr.row-error").count() == 0
    screenshot(page, "import-02-dry-run")
    page.get_by_role("button", name="Import these 2 rows").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1, name=f"Decision log imported from {name}").is_visible()
    checksum = hashlib.sha256(content).hexdigest()
    assert checksum in page.locator("main").inner_text()
    assert f"Imported 2 rows of {name}" in page.locator("body").inner_text()

    # The imports page lists the file, its checksum and who imported it.
    page.get_by_role("link", name="All imports").click()
    page.wait_for_load_state()
    imported = page.get_by_role("row").filter(has_text=name)
    assert imported.count() == 1
    assert imported.locator("code[title='SHA-256']").inner_text() == checksum[:19] + "…"
    assert "Decision log" in imported.inner_text() and "secretary" in imported.inner_text()
    screenshot(page, "import-03-imports")
    guide_screenshot(page, "imports-list")
    assert_accessible(page, "imports")

    # The decisions are in the log under their original references, closed as they were.
    page.goto("/alliances/dunmarrow/decisions/")
    log_form = page.get_by_role("search", name="Search and filter the decision log")
    log_form.get_by_label(re.compile("^Search")).fill(REFERENCES[0])
    log_form.get_by_role("button", name="Search").click()
    page.wait_for_load_state()
    row = page.get_by_role("row").filter(has_text=TITLES[0])
    assert row.count() == 1
    assert REFERENCES[0] in row.inner_text() and "Agreed" in row.inner_text() and "12/08/2020" in row.inner_text()
    row.get_by_role("link", name=REFERENCES[0]).click()
    page.wait_for_load_state()
    assert "as recorded in the alliance's earlier log" in page.locator("main").inner_text()
    page.goto(f"/alliances/dunmarrow/decisions/?q={REFERENCES[1]}")
    not_agreed = page.get_by_role("row").filter(has_text=TITLES[1])
    assert REFERENCES[1] in not_agreed.inner_text() and "Not agreed" in not_agreed.inner_text()
