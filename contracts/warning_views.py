"""The warnings page of delivery oversight (contracts in their notice period without a decision, milestones
past due, returns missing) and the secretary's form recording the decision on a contract's future. Reads go
through contracts.queries_warnings (the one read rule); the form calls the service the API calls."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.generic import TemplateView

from alliance.formatting import day
from alliance.web import AlliancePageMixin
from contracts import forms, services
from contracts.models import Contract
from contracts.queries_warnings import decision_due_on, notice_starts_on, warnings_of
from decisions.views import SecretaryFormView
from roles import standing


class DeliveryWarningsView(AlliancePageMixin, TemplateView):
    """Every warning of the alliance as of ``?on=`` (today by default), each with its anchor, which the
    warnings' emails link to."""

    template_name = "contracts/warnings/warnings.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            warnings=warnings_of(self.alliance, self.access, self.on),
            can_record_future=standing.permits(
                standing.require_alliance_keeper, self.access, self.alliance.pk, "record a decision"
            ),
        )
        return context


class RecordFutureDecisionView(SecretaryFormView):
    """The alliance's secretary records the agreed decision on a contract's future."""

    form_class = forms.FutureDecisionForm
    title = "Record the decision on the contract's future"
    submit = "Record the decision"
    success_message = "The decision on the contract's future is recorded; the forward plan shows it taken."
    doing = "record the decision on a contract's future"

    def check_standing(self, body) -> None:
        standing.require_alliance_keeper(self.access, self.alliance.pk, self.doing)

    def get_target(self):
        return get_object_or_404(
            Contract.objects.filter(alliance=self.alliance)
            .restrict(self.access)
            .select_related("alliance", "provider", "future_decision", "forward_plan_entry"),
            pk=self.kwargs["pk"],
        )

    def get_body(self):
        return None

    @property
    def intro(self) -> str:
        contract = self.target
        recorded = (
            f" Its future was decided by {contract.future_decision.reference}; a later decision replaces it only "
            "when it amends or supersedes that one."
            if contract.future_decision_id
            else ""
        )
        return (
            f"{contract} ends on {day(contract.ends_on)}; its notice period begins "
            f"{day(notice_starts_on(contract.ends_on))} and the decision is due by "
            f"{day(decision_due_on(contract.ends_on))}. Choose the agreed decision of the alliance on its future "
            f"(extend it, award it again or let it end).{recorded}"
        )

    def back_url(self) -> str:
        return reverse("delivery-warnings", kwargs={"slug": self.alliance.slug})

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["contract"] = self.target
        return kwargs

    def perform(self, form):
        return services.record_future_decision(
            actor=self.access, contract=self.target, decision=form.cleaned_data["decision"]
        )

    def done_url(self, result) -> str:
        return reverse("delivery-warnings", kwargs={"slug": self.alliance.slug})
