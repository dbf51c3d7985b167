"""The search pages: one alliance's search (``/alliances/<slug>/search/``) and the public register's
(``/public/<slug>/search/``), both calling alliance.search, as ``/api/v1/search/`` does."""

from __future__ import annotations

from django import forms
from django.core.paginator import Paginator
from django.views.generic import TemplateView

from alliance import search
from alliance.forms import SearchField
from alliance.web import AlliancePageMixin, FilteredListMixin, publishing_alliance
from roles.access import public_access

PAGE_SIZE = 25


class SearchForm(forms.Form):
    q = SearchField(label="Search for")
    kind = forms.ChoiceField(label="Only", required=False)

    def __init__(self, *args, kinds: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "Everything")] + list(kinds.items())
        self.fields["kind"].error_messages["invalid_choice"] = (
            "'%(value)s' is not a kind of record the search finds; choose one from the list."
        )


def results(request, *, access, alliance, kinds: dict[str, str]) -> dict:
    """The search form and a page of its results, as both pages show them."""
    form = SearchForm(request.GET or None, kinds=kinds)
    found = None
    if form.is_bound and form.is_valid() and form.cleaned_data["q"].strip():
        wanted = [form.cleaned_data["kind"]] if form.cleaned_data["kind"] else list(kinds)
        entries = search.search(form.cleaned_data["q"], access=access, alliance=alliance, kinds=wanted)
        found = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
        sources = search.sources()
        for entry in found.object_list:
            entry.label, entry.url = kinds[entry.kind], sources[entry.kind].page_url(entry)
    params = request.GET.copy()
    params.pop("page", None)
    return {"form": form, "page": found, "query": params.urlencode(), "alliance": alliance}


class SearchPageView(AlliancePageMixin, FilteredListMixin, TemplateView):
    """Decisions, meetings, awards and papers of the alliance that the caller may read, best match first."""

    template_name = "alliance/search.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        kinds = {kind: source.label for kind, source in search.sources().items()}
        context.update(results(self.request, access=self.access, alliance=self.alliance, kinds=kinds))
        return context


class PublicSearchView(FilteredListMixin, TemplateView):
    """The public register's search: what the alliance publishes, read as an anonymous visitor reads it."""

    template_name = "public/search.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        alliance = publishing_alliance(kwargs["slug"], self.request)
        published = {kind: source for kind, source in search.sources().items() if source.public_url}
        kinds = {kind: source.label for kind, source in published.items()}
        context.update(results(self.request, access=public_access(self.request), alliance=alliance, kinds=kinds))
        if context["page"] is not None:
            for entry in context["page"].object_list:
                entry.url = published[entry.kind].public_url(entry)
        return context
