"""The import pages (issue 22): an alliance's imports, a register's template, and the upload that shows a
dry run before the secretary confirms it. Each calls decisions.imports.run_import, as the API does."""

from __future__ import annotations

import base64
import binascii

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.generic import TemplateView, View

from alliance.errors import RuleViolation
from alliance.exports import XLSX
from alliance.import_models import ImportRun
from alliance.web import AlliancePageMixin
from decisions.imports import ImportRefused, run_import, template_csv, template_xlsx
from decisions.imports.kinds import KINDS
from decisions.imports.reading import check_size
from roles import standing


class UploadForm(forms.Form):
    file = forms.FileField(
        label="The filled-in template",
        help_text="A CSV file or an Excel workbook (.xlsx), with the template's heading row.",
    )


class ConfirmForm(forms.Form):
    """What the dry run read, sent back to be imported: the same bytes, checked again in full."""

    content = forms.CharField(widget=forms.HiddenInput)
    file_name = forms.CharField(widget=forms.HiddenInput, max_length=255)


def _refuse_unless_keeper(access, alliance) -> None:
    try:
        standing.require_alliance_keeper(access, alliance.pk, "import records into its registers")
    except RuleViolation as refusal:
        raise PermissionDenied(refusal.message) from None


class ImportPageMixin(AlliancePageMixin):
    def page_refusal(self):
        _refuse_unless_keeper(self.access, self.alliance)
        kind = self.kwargs.get("import_kind")
        if kind is not None and kind not in KINDS:
            raise Http404("Nothing of that kind is imported.")
        self.kind = KINDS.get(kind)
        return super().page_refusal()


class ImportListView(AlliancePageMixin, TemplateView):
    """The alliance's imports, newest first, for its secretaries, its oversight group and staff."""

    template_name = "decisions/imports.html"

    def page_refusal(self):
        if not (self.access.keeps_record_of(self.alliance.pk) or self.access.is_oversight_of(self.alliance.pk)):
            raise PermissionDenied(
                "The imports are listed for the alliance's secretaries and oversight group; ask the secretary."
            )
        return super().page_refusal()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        runs = ImportRun.objects.restrict(self.access).filter(alliance=self.alliance).select_related("imported_by")
        context.update(runs=runs[:200], kinds=KINDS.values(), may_import=self.access.keeps_record_of(self.alliance.pk))
        return context


class ImportDetailView(AlliancePageMixin, TemplateView):
    template_name = "decisions/import_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        runs = ImportRun.objects.restrict(self.access).filter(alliance=self.alliance).select_related("imported_by")
        context.update(run=get_object_or_404(runs, pk=self.kwargs["pk"]))
        return context


class TemplateDownloadView(ImportPageMixin, View):
    """A register's template: its heading row and an example row (CSV), with the columns explained (Excel)."""

    excel = False

    def get(self, request, *args, **kwargs):
        name = f"{self.alliance.slug}-{self.kind.key}-template"
        if self.excel:
            response = HttpResponse(template_xlsx(self.kind), content_type=XLSX)
            response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        else:
            response = HttpResponse(template_csv(self.kind), content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response


class ImportUploadView(ImportPageMixin, TemplateView):
    """Upload a file: the dry run's preview row by row, then a confirm button that imports the same file."""

    template_name = "decisions/import_upload.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(kind=self.kind, form=kwargs.get("form") or UploadForm())
        return context

    def post(self, request, *args, **kwargs):
        if "content" in request.POST:
            return self._confirm()
        form = UploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        upload = form.cleaned_data["file"]
        try:
            check_size(upload.size)
        except RuleViolation as refusal:
            form.add_error("file", refusal.message)
            return self.render_to_response(self.get_context_data(form=form))
        content = upload.read()
        return self._run(form, upload.name, content, confirm=False)

    def _confirm(self):
        confirm = ConfirmForm(self.request.POST)
        form = UploadForm()
        try:
            if not confirm.is_valid():
                raise ValueError
            content = base64.b64decode(confirm.cleaned_data["content"], validate=True)
        except (ValueError, binascii.Error):
            form.add_error("file", "The file to import was not sent back whole; upload it again.")
            return self.render_to_response(self.get_context_data(form=form))
        return self._run(form, confirm.cleaned_data["file_name"], content, confirm=True)

    def _run(self, form, file_name: str, content: bytes, *, confirm: bool):
        try:
            preview = run_import(
                actor=self.access,
                alliance=self.alliance,
                kind=self.kind.key,
                file_name=file_name,
                content=content,
                confirm=confirm,
            )
        except ImportRefused as refusal:
            context = self.get_context_data(form=form, preview=refusal.preview, refusal=refusal.message)
            return self.render_to_response(context)
        except RuleViolation as refusal:
            if refusal.forbidden:
                raise PermissionDenied(refusal.message) from None
            form.add_error("file", refusal.message)
            return self.render_to_response(self.get_context_data(form=form))
        if preview.run is not None:
            messages.success(
                self.request, f"Imported {len(preview.rows)} rows of {file_name}: {preview.records} records created."
            )
            return redirect(preview.run.get_absolute_url())
        hidden = ConfirmForm(initial={"content": base64.b64encode(content).decode("ascii"), "file_name": file_name})
        return self.render_to_response(self.get_context_data(form=form, preview=preview, confirm_form=hidden))
