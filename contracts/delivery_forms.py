"""Forms of the delivery plan's secretaries: shapes only; contracts.services.delivery decides.

Every decision of the alliance is offered (newest first, each with its status), not only the agreed
ones, so that choosing one not agreed meets the service's own sentence rather than "not a valid
choice"; the pages restrict every choice to what the user may read (alliance/forms.py).
"""

from __future__ import annotations

from django import forms

from alliance.models import GoverningBody
from contracts.delivery_models import Milestone, Workstream
from contracts.models import Contract
from decisions.models import Decision
from roles.models import Role

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _date(label: str, required: bool = False, **kwargs) -> forms.DateField:
    return forms.DateField(label=label, required=required, widget=DATE, **kwargs)


class DecisionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, decision) -> str:
        return f"{decision.reference or 'Draft'} {decision.title} ({decision.get_status_display().lower()})"


def _decision_field(label="Decision", help_text="The agreed decision behind it.", required=False):
    return DecisionChoiceField(queryset=Decision.objects.none(), required=required, label=label, help_text=help_text)


class AllianceForm(forms.Form):
    """A form whose record choices are the alliance's own (decisions, roles, bodies, contracts)."""

    def __init__(self, *args, alliance, **kwargs):
        super().__init__(*args, **kwargs)
        choices = {
            "decision": Decision.objects.filter(alliance=alliance).order_by("-decided_on", "-pk"),
            "owner_role": Role.objects.filter(alliance=alliance).order_by("title"),
            "body": GoverningBody.objects.filter(alliance=alliance).order_by("name"),
            "contract": Contract.objects.filter(alliance=alliance).select_related("provider").order_by("title"),
        }
        for name, queryset in choices.items():
            if name in self.fields:
                self.fields[name].queryset = queryset


class WorkstreamForm(AllianceForm):
    title = forms.CharField(max_length=300, required=False)
    objective = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    alliance_objective = forms.CharField(
        label="Alliance objective", max_length=300, required=False,
        help_text="The alliance objective it serves, in the agreement's words.",
    )  # fmt: skip
    success_definition = forms.CharField(
        label="Success definition", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    owner_role = forms.ModelChoiceField(
        label="Owner", queryset=Role.objects.none(), required=False, help_text="The role accountable for it."
    )
    body = forms.ModelChoiceField(label="Reporting body", queryset=GoverningBody.objects.none(), required=False)
    visibility = forms.ChoiceField(choices=Workstream.Visibility.choices, initial=Workstream.Visibility.MEMBERS)


class ChangeWorkstreamForm(WorkstreamForm):
    visibility = None
    decision = _decision_field(help_text="Once adopted, the agreed decision behind the change.")


class AdoptForm(AllianceForm):
    decision = _decision_field(help_text="The agreed decision that adopted the workstream.")


class CloseForm(AllianceForm):
    decision = _decision_field(help_text="The agreed decision that stopped the workstream.")
    reason = forms.CharField(max_length=300, required=False, label="Why it closes without completing")


class CompleteForm(forms.Form):
    """Nothing to type: the button confirms."""

    def __init__(self, *args, alliance=None, **kwargs):
        super().__init__(*args, **kwargs)


class MilestoneForm(AllianceForm):
    title = forms.CharField(max_length=300, required=False)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    baseline_target_on = _date("Baseline target", help_text="When the plan said it would be done.")
    target_on = _date("Current target", help_text="Leave empty to use the baseline.")
    decision = _decision_field(help_text="Only when the current target differs from the baseline.")


class MoveTargetForm(AllianceForm):
    target_on = _date("New target")
    decision = _decision_field(help_text="The agreed decision that moved the target.")
    reason = forms.CharField(max_length=300, required=False)


class RagForm(forms.Form):
    rag = forms.ChoiceField(
        label="Status", choices=[c for c in Milestone.Rag.choices if c[0] != Milestone.Rag.COMPLETE]
    )
    reason = forms.CharField(
        label="Reason for the status", widget=forms.Textarea(attrs={"rows": 2}), required=False,
        help_text="Amber and red need the reason.",
    )  # fmt: skip

    def __init__(self, *args, alliance=None, **kwargs):
        super().__init__(*args, **kwargs)


class AchievedForm(forms.Form):
    actual_on = _date("Achieved on")

    def __init__(self, *args, alliance=None, **kwargs):
        super().__init__(*args, **kwargs)


class LinkContractForm(AllianceForm):
    contract = forms.ModelChoiceField(queryset=Contract.objects.none(), required=False)
    note = forms.CharField(max_length=300, required=False, help_text="How the contract's end waits on the workstream.")


class UnlinkForm(forms.Form):
    def __init__(self, *args, alliance=None, **kwargs):
        super().__init__(*args, **kwargs)
