"""Streamed CSV exports: memory stays flat whatever the number of rows.

Cells a spreadsheet would read as a formula (starting with =, +, -, @, tab or carriage return)
are prefixed with an apostrophe, so an exported register can never run code in Excel.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

from alliance.history import feed_entries

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_FIRST = frozenset(FORMULA_STARTS)


def safe_cell(value) -> str:
    if value is None:
        return ""
    text = value if type(value) is str else str(value)
    return f"'{text}" if text and text[0] in _FORMULA_FIRST else text


def csv_lines(header: list[str], rows: Iterable[Iterable], *, block: int = 500) -> Iterator[str]:
    """Yield the CSV text: the header line, then blocks of up to ``block`` whole lines, with formula
    cells escaped. Blocks, not single lines, because a streamed response or a file write per row
    costs more than the row itself (issue 9); memory stays bounded by one block."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    yield buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    written = 0
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
        written += 1
        if written == block:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
            written = 0
    if written:
        yield buffer.getvalue()


AUDIT_HEADER = ["id", "chain", "when", "model", "object_id", "object", "change", "user", "source", "reason", "changes"]


def audit_rows(links_queryset, *, chunk: int = 500, progress=None) -> Iterator[list]:
    """The audit feed as CSV rows, newest first, loaded a chunk of links at a time."""
    buffer = []
    for link in links_queryset.order_by("-id").iterator(chunk_size=chunk):
        buffer.append(link)
        if len(buffer) == chunk:
            yield from _audit_chunk(buffer, progress)
            buffer = []
    if buffer:
        yield from _audit_chunk(buffer, progress)


def _audit_chunk(links, progress) -> Iterator[list]:
    for entry in feed_entries(links):
        changes = "; ".join(f"{c['field']}: {c['old']} → {c['new']}" for c in entry["changes"])
        yield [
            entry["id"],
            entry["chain"],
            entry["when"].isoformat() if entry["when"] else "",
            entry["model"],
            entry["object_id"],
            entry["object"],
            entry["change_type"],
            entry["user"] or "",
            entry["source"] or "",
            entry["reason"],
            changes,
        ]
    if progress:
        progress(len(links))
