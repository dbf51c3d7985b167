"""The template of each register: its heading row and one example row, as CSV (UTF-8 with a byte order
mark, so Excel reads £ and accents) and as an Excel workbook whose second sheet explains each column."""

from __future__ import annotations

from io import BytesIO

from alliance.exports import BOM, csv_line
from decisions.imports.kinds import Kind


def template_csv(kind: Kind) -> str:
    return BOM + csv_line([c.heading for c in kind.columns]) + csv_line([c.example for c in kind.columns])


def template_xlsx(kind: Kind) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = kind.label[:31]
    sheet.append([c.heading for c in kind.columns])
    sheet.append([c.example for c in kind.columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for cell in sheet[2]:
        cell.data_type = "s"  # the example is text, never a formula
    sheet.freeze_panes = "A2"
    about = book.create_sheet("How to fill it in")
    about.append(["Column", "Needed", "What to write"])
    for column in kind.columns:
        about.append([column.heading, "Yes" if column.required else "No", column.help])
    about.append([])
    about.append(
        ["Row 2 of the first sheet is an example: replace it with your own rows. Only the first sheet is read."]
    )
    out = BytesIO()
    book.save(out)
    return out.getvalue()
