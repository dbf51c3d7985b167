"""Web pages of scope and money: the scope register (in scope against retained, with totals), one service
line with its contracts and history, the budget envelope with savings required against delivered (a
chart with its table), their CSV and XLSX downloads, and the secretaries' forms. Each form calls
contracts.services.scope, as the API does."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views import View
from django.views.generic import TemplateView

from alliance import read_log
from alliance.downloads import Sheet, download
from alliance.history import versions
from alliance.web import AlliancePageMixin
from contracts import queries_scope as queries
from contracts import scope_forms as forms
from contracts.services import scope as services
from decisions.views import SecretaryFormView
from roles import standing

DOING = services.DOING


def _keeps(access, alliance) -> bool:
    # The services' own check (roles/standing.py): the page offers what the service will accept.
    return standing.permits(standing.require_alliance_keeper, access, alliance.pk, DOING)


class ScopeRegisterView(AlliancePageMixin, TemplateView):
    template_name = "contracts/scope/register.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        lines = list(queries.scope_register(self.alliance, self.access))
        read_log.log_list(self.request, lines, alliance_id=self.alliance.pk, what="the scope register")
        context.update(
            in_scope=[line for line in lines if line.active and line.in_scope],
            retained=[line for line in lines if line.active and not line.in_scope],
            ended=[line for line in lines if not line.active],
            totals=queries.scope_totals(lines),
            can_keep=_keeps(self.access, self.alliance),
        )
        return context


class ServiceLineView(AlliancePageMixin, TemplateView):
    template_name = "contracts/scope/line.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        line = get_object_or_404(queries.scope_register(self.alliance, self.access), pk=kwargs["pk"])
        read_log.log_read(self.request, line)
        changed_by = line.changed_by if line.changed_by and self.access.can_read(line.changed_by) else None
        context.update(
            line=line,
            changed_by=changed_by,
            contracts=list(queries.line_contracts(line, self.access)),
            savings=list(queries.savings_records(self.alliance, self.access).filter(service_line=line)),
            versions=versions(line, self.access),
            can_keep=_keeps(self.access, self.alliance),
            crumbs=[(reverse("scope-register", kwargs={"slug": self.alliance.slug}), "Scope register")],
        )
        return context


class EnvelopeView(AlliancePageMixin, TemplateView):
    template_name = "contracts/scope/envelope.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        envelope = queries.current_envelope(self.alliance, self.access)
        rows = queries.savings_by_year(self.alliance, self.access, self.on, envelope)
        years = [r["financial_year"] for r in rows]
        decision = envelope.set_by_decision if envelope else None
        context.update(
            envelope=envelope,
            decision=decision if decision is not None and self.access.can_read(decision) else None,
            earlier=list(queries.envelopes(self.alliance, self.access))[1:],
            rows=rows,
            labels=[r["label"] for r in rows],
            breakdown=queries.savings_breakdown(self.alliance, self.access, years),
            charts=queries.chart_data(rows),
            can_keep=_keeps(self.access, self.alliance),
        )
        return context


# Downloads ----------------------------------------------------------------------------------

REGISTER_HEADER = [
    "id",
    "name",
    "scope",
    "reason_for_retention",
    "annual_value",
    "provider",
    "service_category",
    "contracts",
    "funded",
    "changed_by",
]
SAVINGS_HEADER = [
    "financial_year",
    "envelope",
    "spend_in_scope",
    "savings_required_against_baseline",
    "new_this_year",
    "savings_delivered",
    "shortfall",
]
RECORDS_HEADER = ["financial_year", "service_line", "member", "amount", "description", "decision"]


def _register_rows(lines, access) -> list[list]:
    return [
        [
            line.pk,
            line.name,
            "in scope" if line.in_scope else "retained",
            line.retention_reason,
            str(line.annual_value),
            str(line.provider or ""),
            line.get_service_category_display() if line.service_category else "",
            line.contract_count,
            "yes" if line.active else "no",
            line.changed_by.reference if line.changed_by and access.can_read(line.changed_by) else "",
        ]
        for line in lines
    ]


def _savings_rows(rows) -> list[list]:
    keys = ("envelope", "spend", "required", "new_this_year", "delivered", "shortfall")
    return [[r["label"], *("" if r[k] is None else str(r[k]) for k in keys)] for r in rows]


def _records_rows(records, access) -> list[list]:
    return [
        [
            queries.year_label(r.financial_year),
            r.service_line.name,
            str(r.member or "The alliance as a whole"),
            str(r.amount),
            r.description,
            r.decision.reference if r.decision and access.can_read(r.decision) else "",
        ]
        for r in records
    ]


class _Download(AlliancePageMixin, View):
    """A download of the scope pages: its sheets (the CSV holds the first), as of the page's date."""

    filename = ""

    def sheets(self) -> list[Sheet]:
        raise NotImplementedError

    def get(self, request, slug, fmt):
        return download(fmt, filename=f"{self.alliance.slug}-{self.filename}", sheets=self.sheets(), stream=True)


class ScopeRegisterDownloadView(_Download):
    filename = "scope-register"

    def sheets(self):
        lines = list(queries.scope_register(self.alliance, self.access))
        read_log.log_list(self.request, lines, alliance_id=self.alliance.pk, what="the scope register download")
        return [Sheet("Service lines", REGISTER_HEADER, _register_rows(lines, self.access))]


class SavingsDownloadView(_Download):
    filename = "envelope-and-savings"

    def sheets(self):
        rows = queries.savings_by_year(self.alliance, self.access, self.on)
        records = list(queries.savings_records(self.alliance, self.access))
        read_log.log_list(self.request, records, alliance_id=self.alliance.pk, what="the savings download")
        return [
            Sheet("Envelope and savings", SAVINGS_HEADER, _savings_rows(rows)),
            Sheet("Savings delivered", RECORDS_HEADER, _records_rows(records, self.access)),
        ]


# The secretaries' forms ---------------------------------------------------------------------


class ScopeFormView(SecretaryFormView):
    """A form of the scope register: the alliance's secretaries use it (roles/standing.py)."""

    needs_alliance = True
    template_name = "contracts/scope/form.html"

    def check_standing(self, body) -> None:
        standing.require_alliance_keeper(self.access, self.alliance.pk, DOING)

    def get_body(self):
        return None

    def back_url(self) -> str:
        if self.target is not None:
            return self.target.get_absolute_url()
        return reverse("scope-register", kwargs={"slug": self.alliance.slug})


class _LineFormView(ScopeFormView):
    def get_target(self):
        return get_object_or_404(queries.scope_register(self.alliance, self.access), pk=self.kwargs["pk"])


class AddServiceLineView(ScopeFormView):
    form_class = forms.ServiceLineForm
    title = "Add a service line"
    intro = (
        "Add a service the alliance's money covers, in scope of the alliance or retained by the commissioner "
        "(say why), with its annual value and provider, by the agreed decision that made it so."
    )
    submit = "Add the service line"
    success_message = "Service line added to the scope register."

    def perform(self, form):
        return services.record_service_line(actor=self.access, alliance=self.alliance, **form.cleaned_data)


class ChangeServiceLineView(_LineFormView):
    form_class = forms.ChangeServiceLineForm
    title = "Change the service line"
    intro = "A change to the scope, the value or the provider is made by an agreed decision; the history keeps each."
    submit = "Change"
    success_message = "Service line changed."

    def get_initial(self):
        line = self.target
        return {
            "name": line.name,
            "service_category": line.service_category,
            "description": line.description,
            "in_scope": str(line.in_scope),
            "retention_reason": line.retention_reason,
            "annual_value": line.annual_value,
            "provider": line.provider_id,
            "active": str(line.active),
        }

    def perform(self, form):
        return services.change_service_line(actor=self.access, service_line=self.target, **form.cleaned_data)


class RecordContractView(_LineFormView):
    form_class = forms.PurchasedContractForm
    title = "Record a contract of this service line"
    intro = (
        "Record a contract already in place that delivers this service (a service purchased before the "
        "alliance's award processes); the budget page then counts it."
    )
    submit = "Record the contract"
    success_message = "Contract recorded."

    def perform(self, form):
        return services.record_purchased_contract(actor=self.access, service_line=self.target, **form.cleaned_data)

    def done_url(self, result) -> str:
        return self.target.get_absolute_url()


class LinkContractView(_LineFormView):
    form_class = forms.LinkContractForm
    title = "Link a contract to this service line"
    intro = "Say that a contract in the contract register delivers this service line."
    submit = "Link the contract"
    success_message = "Contract linked."

    def perform(self, form):
        return services.link_contract_to_service_line(
            actor=self.access, contract=form.cleaned_data["contract"], service_line=self.target
        )

    def done_url(self, result) -> str:
        return self.target.get_absolute_url()


class SetEnvelopeView(ScopeFormView):
    form_class = forms.BudgetEnvelopeForm
    title = "Record the budget envelope"
    intro = (
        "Record the envelope the commissioner set, by the agreed decision that set it, and how it is to fall: "
        "by default 5% a year from year 2. It replaces the envelope shown; the earlier one is kept."
    )
    submit = "Record the envelope"
    success_message = "Budget envelope recorded."

    def perform(self, form):
        return services.set_budget_envelope(actor=self.access, alliance=self.alliance, **form.cleaned_data)

    def done_url(self, result) -> str:
        return reverse("budget-envelope", kwargs={"slug": self.alliance.slug})


class RecordSavingsView(ScopeFormView):
    form_class = forms.SavingsForm
    title = "Record savings delivered"
    intro = "Record a saving delivered in a financial year of the envelope, on one service line, by one member."
    submit = "Record the saving"
    success_message = "Saving recorded."

    def get_initial(self):
        line = self.request.GET.get("line", "")
        return {"service_line": line} if line.isdigit() else {}

    def perform(self, form):
        return services.record_savings(actor=self.access, **form.cleaned_data)

    def done_url(self, result) -> str:
        return reverse("budget-envelope", kwargs={"slug": self.alliance.slug})
