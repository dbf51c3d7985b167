"""Reading an uploaded table, CSV or Excel, into rows of cells keyed by their column's heading.

CSV files come as spreadsheets save them: UTF-8 with or without a byte order mark, Windows-1252 (Excel's
"CSV" on Windows), or UTF-16 (Excel's "Unicode text", tab separated); commas, semicolons or tabs between
cells. Workbooks (.xlsx) are read with openpyxl, values only: a formula's last result, never the formula.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime

from alliance.errors import RuleViolation

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old .xls format


@dataclass
class Table:
    headings: list[str]
    # (the row's number in the spreadsheet, counting the heading row as 1; its cells by normalised heading)
    rows: list[tuple[int, dict]] = field(default_factory=list)


def normalise(heading) -> str:
    return " ".join(str(heading or "").replace("*", " ").split()).casefold()


def refuse_file(message: str) -> RuleViolation:
    return RuleViolation("import_file_unreadable", message, field="file")


def _decode(content: bytes) -> str:
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        return content.decode("utf-16")
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return content.decode("cp1252", errors="replace")


def _csv_rows(content: bytes) -> list[list]:
    text = _decode(content)
    first = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first.count)
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def _cell(value):
    if isinstance(value, datetime):
        return value.date() if (value.hour, value.minute, value.second) == (0, 0, 0) else value
    return value


def _xlsx_rows(content: bytes) -> list[list]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # a damaged or disguised file: openpyxl raises many kinds
        raise refuse_file(
            "The file could not be read as an Excel workbook; save it again as .xlsx (or as CSV) and upload that."
        ) from error
    try:
        sheet = book.worksheets[0]
        return [[_cell(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        book.close()


def _blank(cells) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def check_size(size: int) -> None:
    """Refuse a file too large to import, before it is read (the upload page asks first)."""
    if size > MAX_BYTES:
        raise refuse_file(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB; split it into smaller files.")


def read_table(file_name: str, content: bytes) -> Table:
    """The file's heading row and its rows (blank rows left out), or a refusal saying what to do."""
    if not content:
        raise refuse_file("The file is empty; fill in the template and upload it.")
    check_size(len(content))
    if content.startswith(OLE_MAGIC) or file_name.lower().endswith(".xls"):
        raise refuse_file("Old Excel files (.xls) are not read; save the sheet as .xlsx, or as CSV, and upload that.")
    rows = _xlsx_rows(content) if content.startswith(XLSX_MAGIC) else _csv_rows(content)
    while rows and _blank(rows[0]):
        rows.pop(0)
    if not rows:
        raise refuse_file("The file has no heading row; fill in the template and upload it.")
    headings = [normalise(h) for h in rows[0]]
    while headings and not headings[-1]:
        headings.pop()
    table = Table(headings=headings)
    for number, cells in enumerate(rows[1:], start=2):
        if _blank(cells):
            continue
        table.rows.append((number, {h: cells[i] if i < len(cells) else None for i, h in enumerate(headings) if h}))
    if len(table.rows) > MAX_ROWS:
        raise refuse_file(f"The file has more than {MAX_ROWS} rows; split it into smaller files.")
    if not table.rows:
        raise refuse_file("The file has a heading row but no rows to import.")
    return table


# Cells ---------------------------------------------------------------------------------------------------


def text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def as_date(value) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raw = text(value)
    if not raw:
        return None
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d.%m.%Y", "%d %B %Y", "%d %b %Y"):
        try:
            return datetime.strptime(raw, pattern).date()
        except ValueError:
            continue
    raise ValueError(f"'{raw}' is not a date; write it as 2021-03-31 or 31/03/2021.")
