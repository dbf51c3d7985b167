"""The secretary's pages that release a closed decision, cancel a scheduled release, and publish a
recusal's details: each a thin call of one decisions.services function."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from decisions import forms, services
from decisions.models import Recusal, Release
from decisions.views import DecisionFormView


class ReleaseDecisionView(DecisionFormView):
    form_class = forms.ReleaseForm
    service = staticmethod(services.release_decision)
    title = "Release the decision"
    intro = (
        "A release publishes the decision wider than it was closed with: to members, or to the public register. "
        "It is kept on the record with who released it, when and why, and is never undone. Give a moment to come "
        "to keep the decision as it is until then (an embargo)."
    )
    submit = "Release"
    success_message = "Release recorded."


class CancelReleaseView(DecisionFormView):
    form_class = forms.ReasonForm
    service = staticmethod(services.cancel_release)
    subject = "release"
    title = "Cancel the scheduled release"
    intro = "A release still to come can be cancelled; the cancellation is kept with who made it and why."
    submit = "Cancel the release"
    success_message = "Release cancelled."

    def get_target(self):
        decision = super().get_target()
        self.release = get_object_or_404(Release, decision=decision, pk=self.kwargs["release_pk"])
        return decision

    def subject_record(self):
        return self.release


class RecusalPublicityView(DecisionFormView):
    form_class = forms.RecusalPublicityForm
    service = staticmethod(services.set_recusal_details_public)
    subject = "recusal"
    submit = "Save"
    success_message = "Saved."

    def get_target(self):
        decision = super().get_target()
        self.recusal = get_object_or_404(
            Recusal.objects.select_related("membership__organisation"), decision=decision, pk=self.kwargs["recusal_pk"]
        )
        return decision

    def get_initial(self):
        return {"public": "no" if self.recusal.details_public else "yes"}

    @property
    def title(self):
        verb = "Stop showing" if self.recusal.details_public else "Show"
        return f"{verb} the details of {self.recusal.voter_name}'s recusal to the public"

    @property
    def intro(self):
        return (
            "Members always read a recusal's reasons. The public register shows only the member and the kind of "
            "recusal, unless its details (the reason, the interest and who declared it, the dispensation's reason) "
            "are marked public."
        )

    def subject_record(self):
        return self.recusal
