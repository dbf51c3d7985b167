"""The public register's award processes, readable without a login when the alliance publishes its register.

Only PUBLIC processes past their draft are listed; each links to its open-data release
(OCDS) in the read-only API, which anonymous callers may read for the same processes.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.views.generic import TemplateView

from alliance.web import choice_labels, publishing_alliance
from contracts.models import AwardProcess
from decisions.public import REGISTER_PAGE_SIZE
from roles.access import public_access


class PublicAwardListView(TemplateView):
    """PUBLIC award processes of a publishing alliance, newest first."""

    template_name = "public/awards.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        alliance = publishing_alliance(kwargs["slug"], self.request)
        processes = (
            AwardProcess.objects.filter(alliance=alliance)
            .restrict(public_access(self.request))
            .order_by("-started_on", "-pk")
        )
        page = Paginator(processes.values(*AWARD_FIELDS), REGISTER_PAGE_SIZE).get_page(self.request.GET.get("page"))
        page.object_list = award_rows(page.object_list)
        context.update(alliance=alliance, page=page, query="")
        return context


# A row of the list, read as plain values (as the decisions' register reads its rows).
AWARD_FIELDS = (
    "pk",
    "reference",
    "title",
    "service_category",
    "route",
    "stage",
    "estimated_total_value",
    "estimated_annual_value",
)


def award_rows(rows) -> list[dict]:
    """The rows (values of ``AWARD_FIELDS``) with their choices' labels."""
    labels = {name: choice_labels(AwardProcess, name) for name in ("service_category", "route", "stage")}
    return [{**row, **{f"{name}_label": labels[name].get(row[name], row[name]) for name in labels}} for row in rows]
