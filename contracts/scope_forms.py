"""Forms of the scope register, the budget envelope and the savings: shapes only; contracts.services.scope
decides the rules (an agreed decision of the alliance, the commissioner, the envelope's years)."""

from __future__ import annotations

from django import forms

from alliance.models import Alliance, Organisation
from contracts.models import Contract, ServiceCategory
from contracts.scope_models import ServiceLine
from decisions.models import Decision

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MONEY = {"max_digits": 14, "decimal_places": 2}


def _decisions(alliance: Alliance):
    # Every decision of the alliance is offered: one not agreed is refused by the service with a sentence.
    return Decision.objects.filter(alliance=alliance).order_by("-decided_on", "-pk")


class ServiceLineForm(forms.Form):
    name = forms.CharField(max_length=300, required=False)
    service_category = forms.ChoiceField(
        label="Service category", choices=[("", "None")] + list(ServiceCategory.choices), required=False
    )
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    in_scope = forms.TypedChoiceField(
        label="Scope",
        choices=[("True", "In scope of the alliance"), ("False", "Retained by the commissioner")],
        coerce=lambda v: v == "True",
        widget=forms.RadioSelect,
        initial="True",
    )
    retention_reason = forms.CharField(
        label="Reason for retention",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text="Needed when the commissioner retains it.",
    )
    annual_value = forms.DecimalField(label="Annual value (£)", min_value=0, required=False, **MONEY)
    provider = forms.ModelChoiceField(queryset=Organisation.objects.none(), required=False)
    changed_by = forms.ModelChoiceField(
        queryset=Decision.objects.none(),
        required=False,
        label="Agreed decision",
        help_text="The alliance's agreed decision that makes this change.",
    )

    def __init__(self, *args, alliance: Alliance, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = Organisation.objects.order_by("name")
        self.fields["changed_by"].queryset = _decisions(alliance)


class ChangeServiceLineForm(ServiceLineForm):
    active = forms.TypedChoiceField(
        label="Funded",
        choices=[("True", "Still funded"), ("False", "Ended (kept in the register)")],
        coerce=lambda v: v == "True",
        widget=forms.RadioSelect,
        initial="True",
    )


class PurchasedContractForm(forms.Form):
    title = forms.CharField(max_length=300, required=False)
    provider = forms.ModelChoiceField(queryset=Organisation.objects.none(), required=False)
    annual_value = forms.DecimalField(label="Annual value (£)", min_value=0, required=False, **MONEY)
    starts_on = forms.DateField(label="Starts on", required=False, widget=DATE)
    ends_on = forms.DateField(label="Ends on", required=False, widget=DATE, help_text="The last day of its term.")
    extension_until = forms.DateField(label="Extension option until", required=False, widget=DATE)

    def __init__(self, *args, alliance: Alliance, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = Organisation.objects.order_by("name")


class LinkContractForm(forms.Form):
    contract = forms.ModelChoiceField(queryset=Contract.objects.none(), required=True)

    def __init__(self, *args, alliance: Alliance, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contract"].queryset = Contract.objects.filter(alliance=alliance).order_by("title", "pk")


class BudgetEnvelopeForm(forms.Form):
    set_by = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), required=False, label="Set by", help_text="The commissioner."
    )
    set_by_decision = forms.ModelChoiceField(
        queryset=Decision.objects.none(), required=False, label="Agreed decision", help_text="The decision that set it."
    )
    set_on = forms.DateField(label="Set on", required=False, widget=DATE, help_text="Empty: the day it was decided.")
    baseline_year = forms.IntegerField(
        label="Baseline year", required=False, help_text="The financial year of year 1: 2019 means 2019/20."
    )
    baseline_amount = forms.DecimalField(label="Baseline amount (£)", min_value=0, required=False, **MONEY)
    annual_reduction_percent = forms.DecimalField(
        label="Yearly reduction (%)", initial="5.00", max_digits=5, decimal_places=2, required=False
    )
    reduction_from_year = forms.IntegerField(label="Reductions from year", initial=2, required=False)
    years = forms.IntegerField(label="Years", initial=5, required=False)
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, alliance: Alliance, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["set_by"].queryset = Organisation.objects.order_by("name")
        self.fields["set_by_decision"].queryset = _decisions(alliance)
        self.initial.setdefault("set_by", alliance.commissioner_id)

    def clean(self):
        data = super().clean()
        # Empty numbers take the service's defaults (5% a year from year 2, five years).
        for name in ("annual_reduction_percent", "reduction_from_year", "years"):
            if data.get(name) is None:
                data.pop(name, None)
        return data


class SavingsForm(forms.Form):
    service_line = forms.ModelChoiceField(queryset=ServiceLine.objects.none(), required=False, label="Service line")
    financial_year = forms.IntegerField(label="Financial year", required=False, help_text="2021 means 2021/22.")
    amount = forms.DecimalField(label="Amount saved (£)", required=False, **MONEY)
    member = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), required=False, help_text="Empty: the alliance as a whole."
    )
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, help_text="How the saving was made."
    )
    decision = forms.ModelChoiceField(
        queryset=Decision.objects.none(), required=False, label="Agreed decision", help_text="Optional."
    )

    def __init__(self, *args, alliance: Alliance, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service_line"].queryset = ServiceLine.objects.filter(alliance=alliance).order_by("name")
        self.fields["member"].queryset = Organisation.objects.filter(memberships__alliance=alliance).distinct()
        self.fields["decision"].queryset = _decisions(alliance)
