"""Streamed CSV exports: memory stays flat whatever the number of rows.

Every CSV the project writes goes through ``csv_line``/``csv_lines``. Cells a spreadsheet would read
as a formula (starting with =, +, -, @, tab or carriage return) are prefixed with an apostrophe, so
an exported register can never run code in Excel. A file handed to a person starts with ``BOM``, so
Excel reads it as UTF-8 (alliance/downloads.py for the web's downloads, ``ExportCommand`` for files).

An export that fails part-way never looks complete. ``csv_lines`` ends the text with a line saying
the file is incomplete, then raises again: a web server then drops the connection without ending
the response (a client reading a chunked response sees a truncated transfer), and the error is
logged. A management command writes its file through ``whole_file``: to a temporary file beside it,
renamed over the target only once every row is written, so a failed export leaves no partial file.
"""

from __future__ import annotations

import logging
import os
import re
import secrets
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from django.utils import timezone

from alliance.history import feed_entries

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_FIRST = frozenset(FORMULA_STARTS)


def safe_cell(value) -> str:
    if value is None:
        return ""
    text = value if type(value) is str else str(value)
    return f"'{text}" if text and text[0] in _FORMULA_FIRST else text


# Joins a line's cells before it is escaped and quoted as a whole; a cell holding it takes the slow path.
_SEP = "\x1f"
_FORMULA_AFTER_SEP = re.compile("\x1f([=+\\-@\t\r])")
_NEEDS_QUOTES = re.compile('[",\r\n]')


def csv_line(cells) -> str:
    """One CSV line (RFC 4180, ending in CRLF), formula cells escaped as ``safe_cell`` does.

    A line whose cells need no quotes is written bare, as ``csv.writer`` would; a line with a comma,
    a quote or a line break in any cell has every cell quoted. The line is escaped, checked and
    quoted as one string, not cell by cell: on a 27-column register row that is three times quicker
    than ``csv.writer`` (docs/performance.md), and any CSV reader reads the same cells.
    """
    if not isinstance(cells, (list, tuple)):
        cells = list(cells)
    if not cells:
        return "\r\n"
    try:
        line = _SEP.join(cells)
    except TypeError:  # a cell that is not text: None, a number
        cells = ["" if c is None else c if type(c) is str else str(c) for c in cells]
        line = _SEP.join(cells)
    if line.count(_SEP) != len(cells) - 1:  # a cell holds the separator itself: cell by cell
        cells = [safe_cell(c) for c in cells]
        if any(_NEEDS_QUOTES.search(c) for c in cells):
            return '"' + '","'.join(c.replace('"', '""') for c in cells) + '"\r\n'
        return ",".join(cells) + "\r\n"
    if _FORMULA_AFTER_SEP.search(line):
        line = _FORMULA_AFTER_SEP.sub("\x1f'\\1", line)
    if line[:1] in _FORMULA_FIRST:
        line = f"'{line}"
    if '"' in line or "," in line or "\n" in line or "\r" in line or not line:  # one empty cell is quoted too
        return '"' + line.replace('"', '""').replace(_SEP, '","') + '"\r\n'
    return line.replace(_SEP, ",") + "\r\n"


logger = logging.getLogger(__name__)

INCOMPLETE = (
    "EXPORT FAILED: this file is incomplete. The rows above are correct but the rest are missing; "
    "download it again, or ask an administrator (the error was logged)."
)


def csv_lines(header: list[str], rows: Iterable[Iterable], *, block: int = 500) -> Iterator[str]:
    """Yield the CSV text: the header line, then blocks of up to ``block`` whole lines, with formula
    cells escaped. Blocks, not single lines, because a streamed response or a file write per row
    costs more than the row itself (docs/performance.md); memory stays bounded by one block.

    If reading the rows fails, the lines made so far are yielded, then a last line saying the file
    is incomplete (``INCOMPLETE``), and the error is raised again: a file that stops early says so."""
    yield csv_line(header)
    lines = []
    written = 0
    try:
        for row in rows:
            lines.append(csv_line(row))
            if len(lines) == block:
                yield "".join(lines)
                written += len(lines)
                lines = []
    except Exception:
        logger.exception("A CSV export failed after %d rows", written + len(lines))
        yield "".join(lines) + csv_line([INCOMPLETE])
        raise
    if lines:
        yield "".join(lines)


def export_failed(error: Exception, output: str | None, rows: int):
    """The management commands' error for an export that failed part-way (exits non-zero)."""
    from django.core.management.base import CommandError

    where = f"{output} was not written (any file there is left as it was)" if output else "the output is incomplete"
    return CommandError(f"The export failed after {rows:,} rows, so {where}: {error}")


@contextmanager
def whole_file(path: str | os.PathLike, **open_args) -> Iterator[Callable[[str], object]]:
    """Write ``path`` all or nothing: yield a ``write`` function to a new file beside it, which
    replaces ``path`` only when the block ends without an error. On an error the new file is
    removed, ``path`` is left as it was, and the error is raised again."""
    target = Path(path)
    part = target.with_name(f".{target.name}.{secrets.token_hex(4)}.part")
    # os.open with 0o666 gives the file the permissions the user's umask gives any new file.
    descriptor = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with open(descriptor, "w", **open_args) as handle:
            yield handle.write
        os.replace(part, target)
    except BaseException:
        part.unlink(missing_ok=True)
        raise


# The machine values (ISO 8601, stored values and ids) and, beside them, the same as the pages read them.
AUDIT_HEADER = [
    "id",
    "chain",
    "when",
    "when_local",
    "model",
    "object_id",
    "object",
    "record",
    "change",
    "summary",
    "user",
    "by",
    "source",
    "reason",
    "changes",
    "changes_readable",
    "url",
]
# A spreadsheet opened by double-click (Excel) reads a file as UTF-8 only after this mark: £ and →.
BOM = "\ufeff"


def audit_rows(links_queryset, *, chunk: int = 500, progress=None, access=None) -> Iterator[list]:
    """The audit feed as rows (``AUDIT_HEADER``), newest first, loaded a chunk of links at a time;
    with ``access``, named and linked as that reader may read them (``feed_entries``)."""
    buffer = []
    for link in links_queryset.order_by("-id").iterator(chunk_size=chunk):
        buffer.append(link)
        if len(buffer) == chunk:
            yield from _audit_chunk(buffer, progress, access)
            buffer = []
    if buffer:
        yield from _audit_chunk(buffer, progress, access)


def _readable_change(change: dict) -> str:
    old, new = change.get("old_text") or "—", change.get("new_text") or "—"
    label = change["label"][:1].upper() + change["label"][1:]
    return f"{label}: {old} → {new}"


def _audit_chunk(links, progress, access=None) -> Iterator[list]:
    for entry in feed_entries(links, access):
        changes = "; ".join(f"{c['field']}: {c.get('old_raw', '')} → {c.get('new_raw', '')}" for c in entry["changes"])
        yield [
            entry["id"],
            entry["chain"],
            entry["when"].isoformat() if entry["when"] else "",
            entry["when_local"],
            entry["model"],
            entry["object_id"],
            entry["object"],
            entry["record"],
            entry["change_type"],
            entry["summary"],
            entry["user"] or "",
            entry["by"] or "",
            entry["source"] or "",
            entry["reason"],
            changes,
            "; ".join(_readable_change(c) for c in entry["changes"]),
            entry["url"] or "",
        ]
    if progress:
        progress(len(links))


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx_cell(sheet, value):
    """A cell as a spreadsheet should hold it: numbers and dates as themselves (a moment in the site's
    time zone), anything else as text, never a formula: a cell starting with = is shown, not run."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if value is None or isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return WriteOnlyCell(sheet, value=value)
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        cell = WriteOnlyCell(sheet, value=value.replace(tzinfo=None))
        cell.number_format = "dd/mm/yyyy hh:mm"
        return cell
    if isinstance(value, date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "dd/mm/yyyy"
        return cell
    cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", str(value)))
    cell.data_type = "s"
    return cell


@dataclass(frozen=True)
class Sheet:
    """One table of a download: its sheet's title (at most 31 characters in Excel), header and rows."""

    title: str
    header: Sequence[str]
    rows: Iterable[Sequence]


FILTERS_SHEET = "Filters"


def workbook(sheets: Iterable[Sheet], filters: list[tuple[str, str]] | None = None, *, none: str = "") -> bytes:
    """Tables as an Excel workbook: a sheet per table, its header frozen, then a sheet saying which
    filters chose the rows (``none``: what it says when no filter did). Written row by row
    (openpyxl's write-only mode), so memory holds one row at a time, not the sheet."""
    from io import BytesIO

    from openpyxl import Workbook

    book = Workbook(write_only=True)
    for table in sheets:
        sheet = book.create_sheet(table.title[:31])
        sheet.freeze_panes = "A2"
        sheet.append([_xlsx_cell(sheet, name) for name in table.header])
        for row in table.rows:
            sheet.append([_xlsx_cell(sheet, value) for value in row])
    about = book.create_sheet(FILTERS_SHEET)
    about.append([_xlsx_cell(about, "Filter"), _xlsx_cell(about, "Value")])
    for name, value in filters or [("(none)", none or "every row you may read")]:
        about.append([_xlsx_cell(about, name), _xlsx_cell(about, value)])
    out = BytesIO()
    book.save(out)
    return out.getvalue()
