"""The one way a register leaves the product as a file, from its page or the API (issue 22, part 4).

Every download answers through :func:`download`, so every file keeps the same promises:

- CSV is UTF-8 and starts with a byte-order mark: Excel, opened by a double-click, then reads £ and →
  as they are (without the mark it reads the bytes as Windows-1252 and shows "Â£"). Cells a
  spreadsheet would run as a formula are escaped (``alliance.exports.csv_line``).
- Excel (XLSX) has a sheet per table and a "Filters" sheet saying which filters chose the rows, in
  the words of the page's form. Its cells are numbers, dates or text, never formulas.
- A filter that cannot be used refuses the download (400) with the form's message, in the form's
  words, instead of handing over a file that silently ignored it.

The rows are the page's: a register's page and its download share the method that chooses them
(the page's filters through the model's one read rule, ``Model.objects.restrict(access)``), so
they cannot drift apart. :class:`RegisterDownloadView` is that shape for a page of one alliance;
:func:`download_urls` gives a register its two addresses, ``<page>/download.csv`` and ``.xlsx``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import chain

from django import forms
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.urls import path
from django.views import View

from alliance.exports import BOM, XLSX, Sheet, csv_lines, workbook
from alliance.formatting import day
from alliance.web import AlliancePageMixin

__all__ = [
    "CSV",
    "FORMATS",
    "XLSX",
    "RegisterDownloadView",
    "RegisterFile",
    "Sheet",
    "download",
    "download_urls",
    "filters_in_words",
    "refused",
]

CSV = "text/csv; charset=utf-8"
FORMATS = ("csv", "xlsx")

Filters = list[tuple[str, str]]


def download(
    fmt: str,
    *,
    filename: str,
    sheets: Sheet | Iterable[Sheet],
    filters: Filters | None = None,
    none: str = "",
    stream: bool = False,
) -> HttpResponse:
    """The file ``filename``.``fmt`` holding ``sheets`` (CSV: the first one), as an attachment.

    ``filters`` are the (filter, value) pairs that chose the rows, for the workbook's Filters sheet
    (``none``: what it says when there are none). ``stream`` writes a CSV as its rows are read, for a
    register too long to hold in memory: its rows are then read after the view has returned, outside
    the request's transaction, so whatever must be written with the read (the read log) is written
    before."""
    sheets = [sheets] if isinstance(sheets, Sheet) else list(sheets)
    if fmt == "xlsx":
        response = HttpResponse(workbook(sheets, filters, none=none), content_type=XLSX)
    elif fmt == "csv":
        first = sheets[0]
        lines = chain([BOM], csv_lines(list(first.header), first.rows))
        response = StreamingHttpResponse(lines, content_type=CSV) if stream else HttpResponse("".join(lines), CSV)
    else:
        raise Http404(f"No download as '{fmt}': choose CSV or Excel (xlsx).")
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response


def refused(form: forms.Form | None, *problems: str) -> HttpResponse:
    """The answer to a download whose filters could not be used: 400, each of the form's messages
    after the label of the filter it is about, so a person reads what to change."""
    problems = list(problems)
    for name, errors in form.errors.items() if form is not None else ():
        label = form.fields[name].label if name in form.fields else ""
        problems += [f"{label}: {error}" if label else str(error) for error in errors]
    text = "A filter could not be used, so nothing was downloaded. " + " ".join(problems)
    return HttpResponse(
        text + " Go back to the page, correct it and download again.",
        status=400,
        content_type="text/plain; charset=utf-8",
    )


def filters_in_words(form: forms.Form | None, *extra: tuple[str, str]) -> Filters:
    """The filters a bound form applied, as (its label, the value as the form offers it), after
    ``extra`` pairs the page reads otherwise (its date)."""
    words = list(extra)
    if form is None or not form.is_bound or not form.is_valid():
        return words
    for name, field in form.fields.items():
        value = form.cleaned_data.get(name)
        if value in (None, "", [], ()):
            continue
        words.append((str(field.label or name.replace("_", " ").capitalize()), _shown(field, value)))
    return words


def _shown(field: forms.Field, value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, date):
        return day(value)
    if isinstance(value, list | tuple):
        return ", ".join(_shown(field, v) for v in value)
    if isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
        return str(dict(_flat(field.choices)).get(value, value))
    return str(value)


def _flat(choices):
    for key, label in choices:
        if isinstance(label, list | tuple):
            yield from label
        else:
            yield key, label


@dataclass(frozen=True)
class RegisterFile:
    """What a register's download is: its file's name (after the alliance's slug), its sheet's title and
    header; ``dated`` when the register is read as of the page's date (``?on=``), which the Filters
    sheet then names; ``stream`` when it is long enough to be written as it is read."""

    filename: str
    title: str
    header: Sequence[str]
    dated: bool = False
    stream: bool = False


class RegisterDownloadView(AlliancePageMixin, View):
    """A register of one alliance as a file: ``GET <page>/download.csv`` or ``.xlsx`` (``fmt``).

    A register says what its ``file`` is, gives ``filterset()`` (the page's own, or None for a register
    without filters) and ``rows(filterset)``: the page's rows, chosen by the page's own method, every
    page of them, logged as an export where they are confidential."""

    file: RegisterFile
    fmt = "csv"

    def filterset(self):
        return None

    def rows(self, filterset) -> Iterable:
        raise NotImplementedError

    def get(self, request, *args, **kwargs):
        file = self.file
        if file.dated and self.on_error:
            return refused(None, self.on_error)
        filterset = self.filterset()
        form = filterset.form if filterset is not None else None
        if form is not None and form.errors:
            return refused(form)
        rows = self.rows(filterset)
        return download(
            kwargs.get("fmt", self.fmt),
            filename=f"{self.alliance.slug}-{file.filename}",
            sheets=Sheet(file.title, file.header, rows),
            filters=filters_in_words(form, *([("On", day(self.on))] if file.dated else [])),
            stream=file.stream,
        )


def download_urls(prefix: str, view: type[View], name: str) -> list:
    """``<prefix>download.csv`` and ``<prefix>download.xlsx`` of a register, named ``<name>-csv`` and
    ``<name>-xlsx``."""
    return [path(f"{prefix}download.{fmt}", view.as_view(), {"fmt": fmt}, name=f"{name}-{fmt}") for fmt in FORMATS]
