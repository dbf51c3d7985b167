"""The forward plan's pages: the plan as the caller may read it, and its secretaries' forms to add,
change (reschedule) and withdraw entries. Each form calls alliance.forward_plan, as the API does."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.generic import TemplateView

from alliance import forms, forward_plan
from alliance.models import ForwardPlanEntry
from alliance.web import AlliancePageMixin
from decisions.views import SecretaryFormView
from roles import standing


class ForwardPlanPageView(AlliancePageMixin, TemplateView):
    template_name = "alliance/forward_plan.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(entries=list(forward_plan.plan_of(self.alliance, self.access)))
        return context


class PlanFormView(SecretaryFormView):
    needs_alliance = True

    def check_standing(self, body) -> None:
        forward_plan.require_plan_keeper(self.access, self.alliance.pk)

    def get_body(self):
        return None

    def back_url(self) -> str:
        return reverse("forward-plan", kwargs={"slug": self.alliance.slug})

    def done_url(self, result) -> str:
        return self.back_url()


class EntryFormView(PlanFormView):
    subject = "entry"

    def get_target(self):
        return get_object_or_404(
            forward_plan.plan_of(self.alliance, self.access).select_related("alliance"), pk=self.kwargs["pk"]
        )


class AddEntryView(PlanFormView):
    form_class = forms.ForwardPlanEntryForm
    title = "Add to the forward plan"
    intro = (
        "Announce a key decision or an award the alliance expects to take, so that providers outside the "
        "alliance know what is coming. A published entry needs a contact."
    )
    submit = "Add the entry"
    success_message = "Entry added to the forward plan."

    def perform(self, form):
        return forward_plan.save_entry(actor=self.access, alliance=self.alliance, **form.cleaned_data)


class EditEntryView(EntryFormView):
    form_class = forms.EditForwardPlanEntryForm
    title = "Change a forward plan entry"
    intro = "Change its date to reschedule it; mark it taken with the decision or award that took it."
    submit = "Save changes"
    success_message = "Entry changed."
    service = staticmethod(forward_plan.save_entry)

    def get_initial(self):
        e = self.target
        names = ("title", "kind", "expected_on", "route", "summary", "contact_name", "contact_email", "published")
        return {**{n: getattr(e, n) for n in names}, "body": e.body_id, "status": e.status, "reference": e.reference}

    def check_standing(self, body) -> None:
        super().check_standing(body)
        if self.target.status == ForwardPlanEntry.Status.WITHDRAWN:
            raise standing.refuse("This entry was withdrawn; add a new entry instead of changing it.")


class WithdrawEntryView(EntryFormView):
    form_class = forms.WithdrawForwardPlanEntryForm
    title = "Withdraw a forward plan entry"
    intro = "The entry leaves the plan and the public register; the plan's history keeps it and why."
    submit = "Withdraw the entry"
    success_message = "Entry withdrawn."
    needs_alliance = False

    def perform(self, form):
        return forward_plan.withdraw_entry(actor=self.access, entry=self.target, **form.cleaned_data)
