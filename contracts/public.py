"""The public register's award processes, readable without a login when the alliance publishes its register.

Only PUBLIC processes past their draft are listed; each links to its open-data release
(OCDS) in the read-only API, which anonymous callers may read for the same processes.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.views.generic import TemplateView

from alliance.web import publishing_alliance
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
        context.update(
            alliance=alliance,
            page=Paginator(processes, REGISTER_PAGE_SIZE).get_page(self.request.GET.get("page")),
            query="",
        )
        return context
