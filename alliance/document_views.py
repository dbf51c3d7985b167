"""The pages of papers: filing one with any record that takes papers, a paper's page with its
versions and history, a new version, withdrawal, and the download of a version.

One upload page serves every kind of owner: ``/alliances/<slug>/papers/new/<owner kind>/<pk>/``,
where the owner kind is the model's name (``decision``, ``awardprocess``, ``agendaitem``: every
model with ``holds_documents = True``, see :func:`owner_kinds`). Every record is found through its
read rule first: what the caller may not read answers 404, as if it did not exist. Each form calls
alliance.documents, as the API does; a refusal is shown on the form.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views import View
from django.views.generic import FormView, TemplateView

from alliance import documents, forms, read_log
from alliance.access import restrict
from alliance.document_models import Document, document_owner_models
from alliance.errors import RuleViolation
from alliance.history import versions as history_versions
from alliance.web import AlliancePageMixin


def owner_kinds() -> dict[str, type]:
    """The owner kinds of the upload page's address: each model that takes papers, by its name."""
    return {model._meta.model_name: model for model in document_owner_models()}


def owner_kind(owner) -> str:
    return type(owner)._meta.model_name


def upload_url(alliance, owner, access) -> str | None:
    """The address of the form to file a paper with ``owner``, for a caller who may file one with it now (else None)."""
    if owner is None or not documents.may_file(access, owner):
        return None
    refused = getattr(owner, "documents_refused", None)
    if refused is not None and refused("added"):
        return None  # a sealed record takes no more papers: the link would lead only to a refusal
    return reverse("document-upload", kwargs={"slug": alliance.slug, "owner_kind": owner_kind(owner), "pk": owner.pk})


def papers_context(alliance, owner, access) -> dict:
    """What ``documents/_papers.html`` needs for one record's papers."""
    papers = documents.papers_of(access, [owner])
    return {
        "papers": papers.get(documents.owner_key(owner), []),
        "upload_url": upload_url(alliance, owner, access),
        "owner": owner,
    }


def _refused_page(view, refusal: RuleViolation, back: str):
    context = {"alliance": view.alliance, "body": None, "back": back, "refusal": refusal.message}
    return TemplateResponse(view.request, "decisions/forbidden.html", context, status=403)


class PaperFormView(AlliancePageMixin, FormView):
    """A form on papers, for the keeper of the record they are filed with (403 for anyone else)."""

    template_name = "documents/form.html"
    title = submit = success_message = ""

    def get_owner(self):
        raise NotImplementedError

    def page_refusal(self):
        self.owner = self.get_owner()
        try:
            documents.require_filer(self.access, self.owner)
        except RuleViolation as refusal:
            return _refused_page(self, refusal, self.back_url())
        return None

    def back_url(self) -> str:
        return self.owner.get_absolute_url()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(title=self.title, submit=self.submit, back=self.back_url(), owner=self.owner)
        return context

    def form_valid(self, form):
        try:
            result = self.perform(form)
        except RuleViolation as refusal:
            form.add_error(refusal.field if refusal.field in form.fields else None, refusal.message)
            return self.form_invalid(form)
        messages.success(self.request, self.success_message)
        return redirect(self.done_url(result))

    def done_url(self, result) -> str:
        return result.get_absolute_url()


class UploadPaperView(PaperFormView):
    form_class = forms.PaperForm
    title = "File a paper"
    submit = "Upload the paper"
    success_message = "Paper filed."

    def get_owner(self):
        model = owner_kinds().get(self.kwargs["owner_kind"])
        if model is None:
            raise Http404("No such kind of record.")
        owner = get_object_or_404(restrict(model._default_manager.all(), self.access), pk=self.kwargs["pk"])
        if documents.owner_alliance_id(owner) != self.alliance.pk:
            raise Http404("No such record in this alliance.")
        return owner

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kind = self.request.GET.get("kind", "")
        if kind in Document.Kind.values:
            kwargs["kind"] = kind
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            intro=(
                f"A paper of {documents.human_size(documents.max_bytes())} at most, of these types: "
                f"{documents.types_sentence(documents.allowed_types())}. It is as readable as the record it is "
                "filed with."
            ),
            sealed=self.owner.documents_refused("added") if hasattr(self.owner, "documents_refused") else None,
        )
        return context

    def done_url(self, result) -> str:
        return self.owner.get_absolute_url()  # where the paper now shows, among the record's others

    def perform(self, form):
        return documents.file_document(actor=self.access, owner=self.owner, **form.cleaned_data)


class DocumentMixin:
    def get_document(self) -> Document:
        return get_object_or_404(
            documents.with_versions(Document.objects.restrict(self.access)),
            alliance=self.alliance,
            pk=self.kwargs["pk"],
        )


class DocumentDetailView(DocumentMixin, AlliancePageMixin, TemplateView):
    template_name = "documents/document_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        document = self.get_document()
        read_log.log_read(self.request, document)
        owner = document.owner
        may_file = documents.may_file(self.access, owner)
        refusal = owner.documents_refused("replaced") if hasattr(owner, "documents_refused") else None
        context.update(
            document=document,
            owner=owner,
            document_versions=list(document.versions.all()),
            may_change=may_file and refusal is None and document.withdrawn_at is None,
            sealed=refusal,
            version_form=forms.PaperVersionForm(),
            withdraw_form=forms.WithdrawPaperForm(),
            versions=history_versions(document, self.access),
        )
        return context


class AddVersionView(DocumentMixin, PaperFormView):
    form_class = forms.PaperVersionForm
    title = "Upload a new version"
    submit = "Upload the new version"
    success_message = "New version uploaded; the earlier ones are kept."

    def get_owner(self):
        self.document = self.get_document()
        return self.document.owner

    def back_url(self) -> str:
        return self.document.get_absolute_url()

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "target": self.document}

    def perform(self, form):
        documents.add_version(actor=self.access, document=self.document, **form.cleaned_data)
        return self.document


class WithdrawPaperView(AddVersionView):
    form_class = forms.WithdrawPaperForm
    title = "Withdraw a paper"
    submit = "Withdraw the paper"
    success_message = "Paper withdrawn; its versions are kept."

    def perform(self, form):
        return documents.withdraw_document(actor=self.access, document=self.document, **form.cleaned_data)


class DownloadVersionView(DocumentMixin, AlliancePageMixin, View):
    """The file of one version, as an attachment of the type it was stored as: never shown in the
    page, never sniffed by the browser as another type."""

    def get(self, request, *args, **kwargs):
        document = self.get_document()
        version = next((v for v in document.versions.all() if v.number == kwargs["number"]), None)
        if version is None:
            raise Http404("No such version.")
        read_log.log_read(request, version, kind=read_log.Kind.DOWNLOAD)
        try:
            handle = documents.open_version(version)
        except FileNotFoundError:
            raise Http404("The file of this version is missing from the store; ask an administrator.") from None
        response = FileResponse(
            handle, as_attachment=True, filename=version.original_name, content_type=version.content_type
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response
