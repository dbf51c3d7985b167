"""Forms of the award pages: the register's filters."""

from django import forms

from alliance.forms import SearchField
from alliance.models import Organisation
from contracts.models import AwardProcess, Route, ServiceCategory


def _blank(choices):
    return [("", "Any"), *choices]


class AwardFilterForm(forms.Form):
    q = SearchField(label="Reference or title")
    route = forms.ChoiceField(required=False, choices=_blank(Route.choices))
    stage = forms.ChoiceField(required=False, choices=_blank(AwardProcess.Stage.choices))
    service_category = forms.ChoiceField(required=False, choices=_blank(ServiceCategory.choices), label="Service")
    organisation = forms.ModelChoiceField(
        required=False, queryset=Organisation.objects.none(), label="Awarded organisation", empty_label="Any"
    )
    min_value = forms.DecimalField(required=False, min_value=0, decimal_places=2, label="Total value from (£)")
    max_value = forms.DecimalField(required=False, min_value=0, decimal_places=2, label="Total value up to (£)")
    started_after = forms.DateField(
        required=False, label="Started on or after", widget=forms.DateInput(attrs={"type": "date"})
    )
    started_before = forms.DateField(
        required=False, label="Started on or before", widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, alliance, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(memberships__alliance=alliance).distinct()

    def valid_data(self) -> dict:
        """The filters that could be read; a bad one is shown as an error and left out."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {k: v for k, v in self.cleaned_data.items() if k not in self.errors}
