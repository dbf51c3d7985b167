"""Web pages of the governing documents register: the register (filtered by kind and status), one
document with its versions and history, and its secretaries' forms (add, change the status, start a
new version, record a review). Each form calls decisions.services.governing, as the API does."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.generic import TemplateView

from alliance import read_log
from alliance.document_views import papers_context
from alliance.history import versions
from alliance.web import AlliancePageMixin, FilteredListMixin
from decisions import forms, services
from decisions import queries_governing as queries
from decisions.filtersets import GoverningDocumentListFilter
from decisions.governing_models import GoverningDocument
from decisions.views import SecretaryFormView
from roles import standing

PAGE_SIZE = 50
DOING = "keep the governing documents register"


def _keeps_register(access, alliance) -> bool:
    # The services' own check (roles/standing.py): the page offers what the service will accept.
    return standing.permits(standing.require_alliance_keeper, access, alliance.pk, DOING)


class GoverningRegisterView(AlliancePageMixin, FilteredListMixin, TemplateView):
    template_name = "decisions/governing_register.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        documents = queries.register(self.alliance, self.access)
        filterset = GoverningDocumentListFilter(self.request.GET or None, documents, request=self.request)
        params = self.request.GET.copy()
        params.pop("page", None)
        page = Paginator(filterset.qs, PAGE_SIZE).get_page(self.request.GET.get("page"))
        for document in page:
            document.overdue = document.is_overdue_on(self.on)
        context.update(
            form=filterset.form,
            page=page,
            query=params.urlencode(),
            outstanding=queries.outstanding(self.alliance, self.access, self.on),
            can_record=_keeps_register(self.access, self.alliance),
        )
        return context


def _lineage(document: GoverningDocument, access) -> list[GoverningDocument]:
    """Every version of the document the reader may read, newest first."""
    chain, seen = [document], {document.pk}
    earlier = document
    while earlier.supersedes_id and earlier.supersedes_id not in seen:
        earlier = GoverningDocument.objects.get(pk=earlier.supersedes_id)
        seen.add(earlier.pk)
        chain.append(earlier)
    later = document
    while (nxt := GoverningDocument.objects.filter(supersedes_id=later.pk).first()) and nxt.pk not in seen:
        seen.add(nxt.pk)
        chain.insert(0, nxt)
        later = nxt
    readable = set(GoverningDocument.objects.filter(pk__in=seen).restrict(access).values_list("pk", flat=True))
    return [d for d in chain if d.pk in readable]


class GoverningDocumentView(AlliancePageMixin, TemplateView):
    template_name = "decisions/governing_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        document = get_object_or_404(queries.register(self.alliance, self.access), pk=kwargs["pk"])
        read_log.log_read(self.request, document)
        papers = papers_context(self.alliance, document, self.access)
        if document.documents_refused("added"):
            papers["upload_url"] = None  # a superseded version's file stays as it was
        adopted_by = document.adopted_by if document.adopted_by and self.access.can_read(document.adopted_by) else None
        context.update(
            document=document,
            overdue=document.is_overdue_on(self.on),
            adopted_by=adopted_by,
            lineage=_lineage(document, self.access),
            versions=versions(document, self.access),
            can_record=_keeps_register(self.access, self.alliance)
            and document.status != GoverningDocument.Status.SUPERSEDED,
            crumbs=[(reverse("governing-documents", kwargs={"slug": self.alliance.slug}), "Governing documents")],
            # Its file is a paper (alliance.documents), filed by the alliance's record keeper.
            **papers,
        )
        return context


class GoverningFormView(SecretaryFormView):
    """A form of the register: the alliance's secretaries use it (roles/standing.py)."""

    needs_alliance = True
    needs_document = True
    subject = "document"

    def check_standing(self, body) -> None:
        standing.require_alliance_keeper(self.access, self.alliance.pk, DOING)
        if self.target is not None and self.target.status == GoverningDocument.Status.SUPERSEDED:
            raise standing.refuse("This version was superseded; work on the current version instead.")

    def get_target(self):
        if not self.needs_document:
            return None
        return get_object_or_404(queries.register(self.alliance, self.access), pk=self.kwargs["pk"])

    def get_body(self):
        return None

    def back_url(self) -> str:
        if self.target is not None:
            return self.target.get_absolute_url()
        return reverse("governing-documents", kwargs={"slug": self.alliance.slug})


class AddGoverningDocumentView(GoverningFormView):
    form_class = forms.GoverningDocumentForm
    needs_document = False
    title = "Add a governing document"
    intro = (
        "Add a document the alliance works by: the agreement, a schedule, a section of the operating manual, "
        "terms of reference or a procedure. It starts as being drafted; once agreed, attach its file."
    )
    submit = "Add the document"
    success_message = "Document added to the register."

    def perform(self, form):
        return services.add_governing_document(actor=self.access, alliance=self.alliance, **form.cleaned_data)


class GoverningStatusView(GoverningFormView):
    form_class = forms.GoverningStatusForm
    service = staticmethod(services.change_governing_document_status)
    title = "Change the status"
    intro = "Agreed and in operation need the agreed decision that adopted the document."
    submit = "Change the status"
    success_message = "Status changed."

    def get_initial(self):
        return {"adopted_by": self.target.adopted_by_id}


class GoverningVersionView(GoverningFormView):
    form_class = forms.GoverningVersionForm
    needs_alliance = False
    service = staticmethod(services.new_governing_document_version)
    title = "Start a new version"
    intro = "The new version starts as being drafted; this one is kept, marked superseded, with its file."
    submit = "Start the new version"
    success_message = "New version started."

    def done_url(self, result) -> str:
        return result.get_absolute_url()


class GoverningReviewView(GoverningFormView):
    form_class = forms.GoverningReviewForm
    needs_alliance = False
    service = staticmethod(services.review_governing_document)
    title = "Record a review"
    submit = "Record the review"
    success_message = "Review recorded."
