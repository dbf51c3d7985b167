"""Forms of performance measures and returns: shapes only, in the words the services' messages use
(contracts/services/measures.py decides every rule)."""

from datetime import date

from django import forms

from alliance.models import Organisation
from contracts.models import Contract, Measure, ServiceCategory, Workstream
from decisions.models import Decision

DATE = forms.DateInput(attrs={"type": "date"})
NUMBER = {"max_digits": 14, "decimal_places": 2, "required": False}


def _members(alliance):
    return Organisation.objects.filter(memberships__alliance=alliance).distinct().order_by("name")


def _agreed(alliance):
    return Decision.objects.filter(alliance=alliance, status=Decision.Status.AGREED).order_by("-decided_on", "-pk")


class MeasureForm(forms.Form):
    name = forms.CharField(max_length=300)
    definition = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), help_text="What is counted or described.")
    unit = forms.CharField(max_length=50, required=False, help_text="e.g. people, %, days, nights.")
    direction = forms.ChoiceField(choices=Measure.Direction.choices, label="Direction")
    target = forms.DecimalField(label="Target", help_text="For a numeric measure; empty for a narrative.", **NUMBER)
    frequency = forms.ChoiceField(choices=Measure.Frequency.choices, initial=Measure.Frequency.QUARTERLY)
    first_period_starts_on = forms.DateField(label="First period starts on", widget=DATE)
    due_days_after_period = forms.IntegerField(
        label="Days after a period that its return is due", min_value=0, max_value=365, initial=20
    )
    contract = forms.ModelChoiceField(queryset=Contract.objects.none(), required=False, label="Contract")
    service_category = forms.ChoiceField(
        choices=[("", "—")] + list(ServiceCategory.choices), required=False, label="Service category"
    )
    workstream = forms.ModelChoiceField(queryset=Workstream.objects.none(), required=False, label="Workstream")
    reported_by = forms.ModelChoiceField(queryset=Organisation.objects.none(), required=False, label="Reported by")
    co_defined_with = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        required=False,
        label="Co-defined with",
        help_text="The lived-experience member the measure was defined with, where it was.",
    )
    adopted_by = forms.ModelChoiceField(
        queryset=Decision.objects.none(), required=False, label="Adopted by", help_text="An agreed decision."
    )
    visibility = forms.ChoiceField(choices=Decision.Visibility.choices, initial=Decision.Visibility.MEMBERS)

    def __init__(self, *args, alliance, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contract"].queryset = Contract.objects.filter(alliance=alliance).order_by("title")
        self.fields["workstream"].queryset = Workstream.objects.filter(alliance=alliance).order_by("title")
        self.fields["reported_by"].queryset = _members(alliance)
        self.fields["co_defined_with"].queryset = _members(alliance)
        self.fields["adopted_by"].queryset = _agreed(alliance)


class MeasureChangeForm(forms.Form):
    name = forms.CharField(max_length=300)
    definition = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
    unit = forms.CharField(max_length=50, required=False)
    target = forms.DecimalField(label="Target", **NUMBER)
    due_days_after_period = forms.IntegerField(
        label="Days after a period that its return is due", min_value=0, max_value=365
    )
    reported_by = forms.ModelChoiceField(queryset=Organisation.objects.none(), required=False, label="Reported by")
    co_defined_with = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), required=False, label="Co-defined with"
    )
    adopted_by = forms.ModelChoiceField(queryset=Decision.objects.none(), label="Adopted by")
    visibility = forms.ChoiceField(choices=Decision.Visibility.choices)
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label="Why it changes")

    def __init__(self, *args, alliance, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reported_by"].queryset = _members(alliance)
        self.fields["co_defined_with"].queryset = _members(alliance)
        self.fields["adopted_by"].queryset = _agreed(alliance)


class RetireForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label="Why it is retired")


class ReturnForm(forms.Form):
    """A return: the period is chosen among the measure's periods started so far (one not yet ended is
    refused by the service, in words); a numeric measure's value, or a narrative measure's narrative."""

    period_start = forms.TypedChoiceField(label="Period", coerce=date.fromisoformat)
    value = forms.DecimalField(label="Value", **NUMBER)
    narrative = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False, label="Narrative")

    def __init__(self, *args, measure: Measure, periods, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period_start"].choices = [
            (p.start.isoformat(), f"{p.start:%-d %b %Y} to {p.end:%-d %b %Y} (due {p.due_on:%-d %b %Y})")
            for p in reversed(periods)
        ]
        if measure.is_narrative:
            del self.fields["value"]
        else:
            self.fields["value"].label = f"Value ({measure.unit})" if measure.unit else "Value"
            self.fields["narrative"].label = "Comment (optional)"


class CorrectReturnForm(forms.Form):
    value = forms.DecimalField(label="Value", **NUMBER)
    narrative = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False, label="Narrative")
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label="Why it is corrected")

    def __init__(self, *args, measure: Measure, **kwargs):
        super().__init__(*args, **kwargs)
        if measure.is_narrative:
            del self.fields["value"]
        else:
            self.fields["narrative"].label = "Comment (optional)"
