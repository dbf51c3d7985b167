"""The import of one file: every row through its register's service, in one transaction (all or nothing);
a dry run does the same and rolls it back, so the preview is exactly what confirming would write."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from alliance.audit.source import audit_source
from alliance.errors import RuleViolation
from alliance.formatting import day
from alliance.import_models import ImportRun
from alliance.models import Alliance
from alliance.services import save_checked
from decisions.imports.kinds import Context, Kind, kind_named
from decisions.imports.reading import Table, read_table
from roles import standing
from roles.access import Access

IMPORT_SOURCE = "import"


@dataclass
class RowResult:
    number: int  # the row's number in the spreadsheet (the heading row is 1)
    created: list[str] = field(default_factory=list)
    refusal: str = ""
    column: str = ""  # the heading of the column the refusal is about, if one is

    def as_dict(self) -> dict:
        return {"row": self.number, "created": self.created, "refusal": self.refusal, "column": self.column}


@dataclass
class ImportPreview:
    kind: Kind
    file_name: str
    sha256: str
    size: int
    rows: list[RowResult] = field(default_factory=list)
    run: ImportRun | None = None

    @property
    def refused(self) -> list[RowResult]:
        return [row for row in self.rows if row.refusal]

    @property
    def records(self) -> int:
        return sum(len(row.created) for row in self.rows)

    def as_dict(self) -> dict:
        return {
            "kind": self.kind.key,
            "file_name": self.file_name,
            "sha256": self.sha256,
            "size": self.size,
            "rows": [row.as_dict() for row in self.rows],
            "records": self.records,
            "refused": len(self.refused),
        }


class ImportRefused(RuleViolation):
    """Some rows were refused: nothing was imported; ``preview`` says row by row what and why."""

    def __init__(self, preview: ImportPreview):
        count = len(preview.refused)
        need = "1 row needs" if count == 1 else f"{count} rows need"
        super().__init__("import_rows_refused", f"{need} attention; nothing was imported.", field="file")
        self.preview = preview

    def as_dict(self) -> dict:
        refusals = [{"row": r.number, "column": r.column, "detail": r.refusal} for r in self.preview.refused]
        return {**super().as_dict(), "rows": refusals, "preview": self.preview.as_dict()}


class _DryRun(Exception):
    """Raised to roll a dry run back once its preview is complete."""


def _check_headings(kind: Kind, table: Table) -> None:
    known = {c.normalised: c for c in kind.columns}
    unknown = [h for h in table.headings if h and h not in known]
    missing = [c.heading for c in kind.columns if c.required and c.normalised not in table.headings]
    if unknown or missing:
        parts = []
        if missing:
            parts.append(f"it has no column {', '.join(repr(h) for h in missing)}")
        if unknown:
            parts.append(f"the column {', '.join(repr(h) for h in unknown)} is not one of the template's")
        raise RuleViolation(
            "import_columns",
            f"This is not the {kind.label.lower()} template: {'; and '.join(parts)}. "
            "Download the template and copy your rows into it.",
            field="file",
        )


def _cells(kind: Kind, cells: dict) -> dict:
    values = {}
    for column in kind.columns:
        cell = cells.get(column.normalised)
        try:
            values[column.key] = column.read(cell)
        except ValueError as error:
            raise RuleViolation("import_cell_invalid", str(error), field=column.key) from None
        if column.required and values[column.key] in (None, "", []):
            raise RuleViolation("import_cell_required", f"“{column.heading}” is needed.", field=column.key)
    return values


def _describe(record) -> str:
    return f"{record._meta.verbose_name.capitalize()}: {record}"


def _link(record) -> dict:
    url = record.get_absolute_url() if hasattr(record, "get_absolute_url") else ""
    return {"model": record._meta.label_lower, "id": record.pk, "label": _describe(record), "url": url}


def _refusal(kind: Kind, number: int, error: Exception) -> RowResult:
    if isinstance(error, ValidationError):
        errors = getattr(error, "error_dict", {None: error.error_list})
        name, messages = next(iter(errors.items()))
        detail = " ".join(m for e in messages for m in e.messages)
    else:
        name, detail = error.field, error.message
    column = kind.column_for(name)
    return RowResult(number, refusal=detail, column=column.heading if column else "")


def _write_rows(ctx: Context, kind: Kind, table: Table, preview: ImportPreview) -> list:
    """Each row in its own savepoint: a refused row is rolled back and the next is still tried, so the
    preview names every row that needs attention at once."""
    written = []
    for number, cells in table.rows:
        try:
            with transaction.atomic():
                records = kind.write(ctx, _cells(kind, cells))
        except RuleViolation as error:
            if error.forbidden:
                raise
            preview.rows.append(_refusal(kind, number, error))
            continue
        except ValidationError as error:
            preview.rows.append(_refusal(kind, number, error))
            continue
        written.extend(records)
        preview.rows.append(RowResult(number, created=[_describe(r) for r in records]))
    return written


def _refuse_repeat(alliance: Alliance, kind: Kind, sha256: str) -> None:
    earlier = ImportRun.objects.filter(alliance=alliance, kind=kind.key, sha256=sha256).first()
    if earlier is not None:
        raise RuleViolation(
            "import_file_repeated",
            f"This file was imported into the {kind.label.lower()} already, on {day(earlier.imported_at)} "
            f"({earlier.file_name}); its rows are there. Import only rows that are not yet in the register.",
            field="file",
            conflict=True,
        )


def run_import(
    *, actor: Access, alliance: Alliance, kind: str, file_name: str, content: bytes, confirm: bool = False
) -> ImportPreview:
    """Import a file into one of an alliance's registers (its secretaries, or staff): every row through the
    register's service, all in one transaction. Without ``confirm`` it is a dry run, rolled back; either way
    a refused row refuses the file (:class:`ImportRefused` has the preview, naming each row)."""
    standing.require_alliance_keeper(actor, alliance.pk, "import records into its registers")
    spec = kind_named(kind)
    sha256 = hashlib.sha256(content).hexdigest()
    table = read_table(file_name, content)
    _check_headings(spec, table)
    preview = ImportPreview(kind=spec, file_name=file_name, sha256=sha256, size=len(content))
    try:
        with audit_source(IMPORT_SOURCE), transaction.atomic():
            _refuse_repeat(alliance, spec, sha256)
            written = _write_rows(Context(actor=actor, alliance=alliance), spec, table, preview)
            if preview.refused:
                raise ImportRefused(preview)
            if not confirm:
                raise _DryRun
            run = ImportRun(
                alliance=alliance,
                kind=spec.key,
                file_name=file_name[:255],
                sha256=sha256,
                size=len(content),
                imported_by=actor.user,
                imported_at=timezone.now(),
                rows=len(table.rows),
                records_created=len(written),
                created=[_link(record) for record in written],
            )
            save_checked(run, f"Imported {file_name}")
            preview.run = run
    except _DryRun:
        pass
    return preview
