"""The secretary's form to record an outside body's approval of a decision agreed subject to it."""

from django import forms
from django.shortcuts import get_object_or_404

from decisions import services
from decisions.approval_models import DecisionApproval
from decisions.forms import DATE
from decisions.models import Decision
from decisions.views import DecisionFormView


class ApprovalForm(forms.Form):
    outcome = forms.ChoiceField(
        choices=DecisionApproval.Outcome.choices,
        widget=forms.RadioSelect,
        label="Approved or refused",
        error_messages={"required": "Say whether the approval was given or refused."},
    )
    given_on = forms.DateField(
        label="Date given",
        widget=DATE,
        error_messages={"required": "Give the date the outside body gave (or refused) its approval."},
    )
    reference = forms.CharField(
        required=False, max_length=200, label="Reference", help_text="The outside body's minute or paper."
    )
    approving_decision = forms.ModelChoiceField(
        queryset=Decision.objects.none(),
        required=False,
        label="Decision of the outside body",
        help_text="Where its decision is in this log; otherwise give the reference.",
    )
    approver = forms.CharField(
        required=False,
        max_length=200,
        label="Who gave it",
        help_text="Where not the whole body, e.g. its chief officer.",
    )
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}), label="Note")

    def __init__(self, *args, decision: Decision, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["approving_decision"].queryset = Decision.objects.filter(body_id=decision.approval_from_id).exclude(
            reference=""
        )


class RecordApprovalView(DecisionFormView):
    form_class = ApprovalForm
    service = staticmethod(services.record_approval)
    title = "Record the approval"
    submit = "Record"
    success_message = "Approval recorded."

    @property
    def intro(self) -> str:
        decision = self.target
        return (
            f"{decision.approval_needed} Record {decision.approval_from.name}'s answer."
            if (decision.approval_from_id)
            else "This decision needs no outside body's approval."
        )

    def get_target(self):
        return get_object_or_404(
            Decision.objects.restrict(self.access).select_related("alliance", "body", "approval_from"),
            alliance=self.alliance,
            pk=self.kwargs["pk"],
        )

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "decision": self.target}
