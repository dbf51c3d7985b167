"""The award and contract registers as files (CSV or Excel), as their pages list them: the award
register with its page's filters, the contract register running on the page's date."""

from __future__ import annotations

from alliance import read_log
from alliance.downloads import RegisterDownloadView, RegisterFile
from contracts.views import RegisterRows

AWARD_HEADER = [
    "Reference", "Award", "Service", "Route", "Stage", "Visibility", "Started on", "Estimated annual value",
    "Estimated total value", "Awarded to", "Award policy version", "Submissions",
]  # fmt: skip
CONTRACT_HEADER = [
    "Contract", "Service", "Provider", "Annual value", "Starts on", "Ends on", "Extension until", "Scope", "Status",
    "Awarded through", "Running on the date",
]  # fmt: skip


class AwardDownloadView(RegisterRows, RegisterDownloadView):
    file = RegisterFile("awards", "Award processes", AWARD_HEADER)

    def filterset(self):
        return self.award_filter()

    def rows(self, filterset):
        awards = list(filterset.qs)
        read_log.log_list(
            self.request, awards, kind=read_log.Kind.EXPORT, alliance_id=self.alliance.pk, what="the award register"
        )
        for a in awards:
            if a.recommended_submission is not None:
                awarded_to = a.recommended_submission.bidder.name
            else:
                awarded_to = f"{a.direct_award_to.name} (direct award)" if a.direct_award_to else ""
            yield [
                a.reference, a.title, a.get_service_category_display(), a.get_route_display(), a.get_stage_display(),
                a.get_visibility_display(), a.started_on, a.estimated_annual_value, a.estimated_total_value,
                awarded_to, a.policy.version, a.submission_count,
            ]  # fmt: skip


class ContractDownloadView(RegisterRows, RegisterDownloadView):
    file = RegisterFile("contracts", "Contracts", CONTRACT_HEADER, dated=True)

    def rows(self, filterset):
        contracts = self.contracts()
        read_log.log_list(
            self.request,
            contracts,
            kind=read_log.Kind.EXPORT,
            alliance_id=self.alliance.pk,
            what="the contract register",
        )
        for c in contracts:
            yield [
                c.title, c.get_service_category_display(), c.provider.name, c.annual_value, c.starts_on, c.ends_on,
                c.extension_until, "In scope of the alliance" if c.in_scope else "Retained by the commissioner",
                c.get_status_display(), c.awarded_through.reference if c.awarded_through else "before the alliance",
                "yes" if c.running else "no",
            ]  # fmt: skip
