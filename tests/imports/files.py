"""Files as people upload them: CSV written by a spreadsheet (with a byte order mark, or Excel's Windows
encoding with semicolons) and Excel workbooks."""

from io import BytesIO

from alliance.exports import csv_line


def csv_file(header: list[str], *rows: list[str]) -> bytes:
    """UTF-8 with a byte order mark, as Excel's "CSV UTF-8" saves it."""
    return ("\ufeff" + csv_line(header) + "".join(csv_line(r) for r in rows)).encode("utf-8")


def excel_windows_csv(header: list[str], *rows: list[str]) -> bytes:
    """Excel's "CSV" on a Windows machine set to a European list separator: cp1252, semicolons, CRLF."""
    lines = [";".join(header), *(";".join(r) for r in rows)]
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


def xlsx_file(header: list[str], *rows: list) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = BytesIO()
    book.save(out)
    return out.getvalue()
