"""The one download helper (alliance/downloads.py): what every CSV and Excel file the product hands over
keeps, whichever register it holds."""

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django import forms
from django.http import Http404
from openpyxl import load_workbook

from alliance.downloads import Sheet, download, filters_in_words, refused

SHEET = Sheet(
    "Things",
    ["Name", "Amount", "On", "At"],
    [
        ["Café £ → ok", Decimal("1200.50"), date(2024, 3, 1), datetime(2024, 6, 1, 11, 0, tzinfo=UTC)],
        ["=1+2", 3, None, None],
    ],
)


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_a_csv_starts_with_a_byte_order_mark_so_excel_reads_pounds_and_arrows():
    response = download("csv", filename="things", sheets=SHEET)
    raw = body(response)
    assert raw.startswith(b"\xef\xbb\xbf")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="things.csv"'
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == ["Name", "Amount", "On", "At"]
    assert rows[1][:3] == ["Café £ → ok", "1200.50", "2024-03-01"]


def test_a_csv_cell_that_would_run_as_a_formula_is_escaped():
    rows = list(
        csv.reader(io.StringIO(body(download("csv", filename="t", sheets=SHEET, stream=True)).decode("utf-8-sig")))
    )
    assert rows[2][0] == "'=1+2"


def test_a_workbook_holds_numbers_and_dates_as_themselves_and_formulas_as_text():
    response = download("xlsx", filename="things", sheets=SHEET)
    assert response["Content-Disposition"] == 'attachment; filename="things.xlsx"'
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Things", "Filters"]
    sheet = book["Things"]
    assert [c.value for c in sheet[1]] == ["Name", "Amount", "On", "At"]
    assert sheet["A2"].value == "Café £ → ok"
    assert sheet["B2"].value == 1200.5 and sheet["C2"].value == datetime(2024, 3, 1)
    assert sheet["D2"].value == datetime(2024, 6, 1, 12, 0)  # the site's time zone (Europe/London, summer)
    assert sheet["A3"].value == "=1+2" and sheet["A3"].data_type == "s"  # shown, never run


def test_the_filters_sheet_says_which_filters_chose_the_rows():
    book = load_workbook(
        io.BytesIO(download("xlsx", filename="t", sheets=SHEET, filters=[("Status", "Agreed")]).content)
    )
    assert list(book["Filters"].iter_rows(values_only=True)) == [("Filter", "Value"), ("Status", "Agreed")]
    book = load_workbook(io.BytesIO(download("xlsx", filename="t", sheets=SHEET).content))
    assert list(book["Filters"].iter_rows(values_only=True))[1] == ("(none)", "every row you may read")


def test_an_unknown_format_is_not_found():
    with pytest.raises(Http404):
        download("pdf", filename="t", sheets=SHEET)


class Form(forms.Form):
    status = forms.ChoiceField(choices=[("", "Any"), ("AGREED", "Agreed")], required=False, label="Status")
    since = forms.DateField(required=False, label="Decided from")
    late = forms.NullBooleanField(required=False, label="Late")


def test_filters_are_named_in_the_forms_words():
    form = Form({"status": "AGREED", "since": "2024-03-01", "late": "true"})
    assert filters_in_words(form, ("On", "01/04/2024")) == [
        ("On", "01/04/2024"),
        ("Status", "Agreed"),
        ("Decided from", "01/03/2024"),
        ("Late", "yes"),
    ]
    assert filters_in_words(Form()) == []


def test_a_filter_that_cannot_be_used_refuses_the_download_in_the_forms_words():
    form = Form({"since": "last tuesday"})
    response = refused(form)
    assert response.status_code == 400
    text = response.content.decode()
    assert "nothing was downloaded" in text and "Decided from: Enter a valid date." in text and "since" not in text
