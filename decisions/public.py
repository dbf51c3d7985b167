"""The public register's decision pages, readable without a login when the alliance publishes its
register (404 otherwise, so an unpublished alliance is not even confirmed to exist): the index of
publishing alliances, the register of PUBLIC decisions, and one decision's record.
"""

from __future__ import annotations

from django import forms
from django.core.paginator import Paginator
from django.db.models import F, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.generic import ListView, TemplateView

from alliance.models import Alliance, GoverningBody
from alliance.web import choice_labels, pk_url, publishing_alliance
from decisions import queries
from decisions.models import Decision
from roles.access import public_access

REGISTER_PAGE_SIZE = 50


class PublicIndexView(ListView):
    """The alliances that publish their register, for visitors who do not yet know a slug."""

    template_name = "public/index.html"
    context_object_name = "alliances"

    def get_queryset(self):
        return Alliance.objects.restrict(public_access(self.request)).order_by("name")


def public_decisions(alliance: Alliance, queryset=None, request=None):
    """The alliance's decisions as an anonymous visitor reads them (PUBLIC, never a draft)."""
    queryset = Decision.objects.all() if queryset is None else queryset
    return queryset.filter(alliance=alliance).restrict(public_access(request))


class RegisterFilterForm(forms.Form):
    year = forms.IntegerField(required=False, min_value=1900, max_value=2100)
    body = forms.ChoiceField(required=False)

    def __init__(self, *args, bodies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].choices = [("", "Every body")] + [(b.code, f"{b.code}: {b.name}") for b in bodies]
        self.fields["year"].error_messages["invalid"] = "Enter the year as four digits, for example 2024."


class RegisterView(TemplateView):
    """The public register: the alliance's PUBLIC decisions, newest first, by year and body."""

    template_name = "public/register.html"

    def get(self, request, *args, **kwargs):
        context = self.get_context_data(**kwargs)
        return self.render_to_response(context, status=400 if context["form"].errors else 200)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        alliance = publishing_alliance(kwargs["slug"], self.request)
        bodies = list(GoverningBody.objects.filter(alliance=alliance).order_by("code"))
        form = RegisterFilterForm(self.request.GET or None, bodies=bodies)
        decisions = queries.with_public_release(
            public_decisions(alliance, request=self.request).select_related("body"), now=timezone.now()
        )
        years = sorted({d.year for d in decisions.dates("decided_on", "year")}, reverse=True)
        if form.is_bound and form.is_valid():
            year, code = form.cleaned_data["year"], form.cleaned_data["body"]
            if year:
                decisions = decisions.filter(
                    Q(decided_on__year=year) | Q(decided_on__isnull=True, opened_at__year=year)
                )
            if code:
                decisions = decisions.filter(body__code=code)
        decisions = decisions.order_by(F("decided_on").desc(nulls_first=True), "-opened_at", "-pk")
        query = self.request.GET.copy()
        query.pop("page", None)
        page = Paginator(decisions.values(*REGISTER_FIELDS), REGISTER_PAGE_SIZE).get_page(self.request.GET.get("page"))
        page.object_list = register_rows(page.object_list, alliance)
        context.update(
            alliance=alliance,
            form=form,
            years=years,
            filtered=bool(form.is_bound and form.is_valid() and any(form.cleaned_data.values())),
            page=page,
            query=query.urlencode(),
        )
        return context


# What a row of the register shows, read as plain values: a page of 50 decisions built as model instances
# (with their bodies) and a {% url %} per row cost more than the rest of the page (docs/performance.md).
REGISTER_FIELDS = ("pk", "reference", "title", "kind", "body__code", "decided_on", "opened_at", "released_on", "status")


def register_rows(rows, alliance: Alliance) -> list[dict]:
    """The register's rows (values of ``REGISTER_FIELDS``) with their link and their choices' labels."""
    url = pk_url("public-decision", slug=alliance.slug)
    kinds, statuses = choice_labels(Decision, "kind"), choice_labels(Decision, "status")
    return [
        {
            **row,
            "url": url(row["pk"]),
            "kind_label": kinds.get(row["kind"], row["kind"]),
            "status_label": statuses.get(row["status"], row["status"]),
        }
        for row in rows
    ]


class PublicDecisionView(TemplateView):
    """One PUBLIC decision's record: proposal, reasons, alternatives, outcome, votes and advice."""

    template_name = "public/decision.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        alliance = publishing_alliance(kwargs["slug"], self.request)
        access = public_access(self.request)
        records = queries.with_public_release(queries.public_records(access=access), now=timezone.now())
        decision = get_object_or_404(public_decisions(alliance, records, self.request), pk=kwargs["pk"])
        recusals = list(decision.recusals.all())
        for recusal in recusals:
            # Reasons and personal details only once the secretary marked them public.
            recusal.shown = recusal.details_shown_to(access, alliance.pk)
        grid = queries.votes_grid(decision)
        shown = {r.membership_id for r in recusals if r.shown}
        for row in grid:
            row["recusal_shown"] = row["recusal"] is not None and row["membership"].pk in shown
        context.update(
            alliance=alliance,
            decision=decision,
            grid=grid,
            advice=list(decision.advisory_inputs.all()),
            recusals=recusals,
        )
        return context
