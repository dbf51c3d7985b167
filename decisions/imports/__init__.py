"""Bringing an alliance's earlier records in from CSV and Excel (issue 22): a template per register, a dry
run that shows row by row what would be created and every refusal, and a confirmed import, all or nothing.

Every row goes through the register's own service (decisions/imports/kinds.py), so the rules are the
forms' rules; history rows carry the source "import". ``run_import`` is the one door: the upload page and
``/api/v1/imports/`` both call it.
"""

from decisions.imports.run import ImportPreview, ImportRefused, RowResult, run_import
from decisions.imports.templates import template_csv, template_xlsx

__all__ = ["ImportPreview", "ImportRefused", "RowResult", "run_import", "template_csv", "template_xlsx"]
