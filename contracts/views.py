"""Web pages of awards and contracts: the award register, an award's audit trail (page and CSV), the
contract register, the budget against the agreement, and the award policy's versions side by side."""

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from alliance import read_log
from alliance.document_views import papers_context
from alliance.downloads import Sheet, download
from alliance.web import AlliancePageMixin, FilteredListMixin
from contracts import queries, queries_scope
from contracts.filtersets import AwardRegisterFilter
from contracts.models import AwardProcess
from contracts.record_views import moves_from
from contracts.trail import TRAIL_HEADER, award_audit_trail, trail_rows
from decisions.queries_governing import route_warnings
from roles import standing

PAGE_SIZE = 25


class RegisterRows:
    """What the award and contract registers list, on their pages and in their downloads
    (contracts/download_views.py), through the models' one read rule."""

    def award_filter(self) -> AwardRegisterFilter:
        # The API's filters (contracts/filtersets.py): one that cannot be read is marked and left out.
        visible = queries.award_register(self.alliance).restrict(self.access).order_by("-started_on", "-pk")
        return AwardRegisterFilter(self.request.GET or None, visible, request=self.request, alliance=self.alliance)

    def contracts(self) -> list:
        contracts = list(queries.contract_register(self.alliance).restrict(self.access))
        for c in contracts:
            c.running = c.starts_on <= self.on <= c.ends_on
        return contracts


class AwardRegisterView(RegisterRows, AlliancePageMixin, FilteredListMixin, TemplateView):
    template_name = "contracts/award_register.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filterset = self.award_filter()
        form, awards = filterset.form, filterset.qs
        params = self.request.GET.copy()
        params.pop("page", None)
        page = Paginator(awards, PAGE_SIZE).get_page(self.request.GET.get("page"))
        read_log.log_list(self.request, page.object_list, alliance_id=self.alliance.pk, what="the award register")
        context.update(
            form=form,
            page=page,
            query=params.urlencode(),
            can_run=_runs_awards(self.access, self.alliance),
        )
        return context


def _runs_awards(access, alliance) -> bool:
    # The services' own check (roles/standing.py): the page offers what the service will accept.
    return standing.permits(standing.require_alliance_keeper, access, alliance.pk, "run award processes")


class AwardDetailView(AlliancePageMixin, TemplateView):
    template_name = "contracts/award_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        get_object_or_404(
            AwardProcess.objects.filter(alliance=self.alliance).restrict(self.access),
            pk=kwargs["pk"],
        )
        process = queries.award_record(kwargs["pk"])
        read_log.log_read(self.request, process)
        grid = queries.score_grid(process)
        submissions = list(process.submissions.all())
        for s in submissions:
            s.total = grid["totals"].get(s.pk)
            s.cells = [[grid["scores"].get((s.pk, c, e.pk)) for e in grid["evaluators"]] for c in grid["criteria"]]
        rule = next((r for r in process.policy.rules.all() if r.route == process.route), None)
        context.update(
            process=process,
            rule=rule,
            submissions=submissions,
            grid=grid,
            trail=award_audit_trail(process, self.access),
            printed_at=timezone.localtime(),
            crumbs=[(reverse("award-register", kwargs={"slug": self.alliance.slug}), "Award register")],
            can_run=_runs_awards(self.access, self.alliance),
            moves=moves_from(process),
            **papers_context(self.alliance, process, self.access),
            # The route's dependence on a governing document not yet agreed (the register of decisions).
            route_warnings=route_warnings(self.alliance.pk, self.access, [process.route]).get(process.route, []),
        )
        return context


class AwardTrailDownloadView(AlliancePageMixin, View):
    """The audit trail as CSV or Excel, one row per event, for an oversight group's own records."""

    def get(self, request, slug, pk, fmt="csv"):
        process = get_object_or_404(AwardProcess.objects.filter(alliance=self.alliance).restrict(self.access), pk=pk)
        rows = trail_rows(award_audit_trail(process, self.access))
        read_log.log_read(request, process, kind=read_log.Kind.EXPORT)
        sheet = Sheet("Audit trail", TRAIL_HEADER, rows)
        return download(
            fmt, filename=f"{process.reference}-audit-trail", sheets=sheet, filters=[("Award", str(process))]
        )


class ContractRegisterView(RegisterRows, AlliancePageMixin, TemplateView):
    template_name = "contracts/contract_register.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        contracts = self.contracts()
        read_log.log_list(self.request, contracts, alliance_id=self.alliance.pk, what="the contract register")
        context.update(contracts=contracts)
        return context


class BudgetView(AlliancePageMixin, TemplateView):
    template_name = "contracts/budget.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        years = queries.budget_by_year(self.alliance, self.access)
        context.update(
            years=years,
            current_year=queries.financial_year(self.on),
            unrecorded=queries_scope.unrecorded_in_scope_lines(self.alliance, self.access),
        )
        return context


class PolicyVersionsView(AlliancePageMixin, TemplateView):
    template_name = "contracts/policy_versions.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        in_force = queries.policy_in_force(self.alliance, self.on)
        context.update(
            versions=queries.policy_versions(self.alliance, self.access),
            in_force=in_force if in_force is not None and self.access.can_read(in_force) else None,
        )
        return context
