"""Forms of the interests pages: shapes only; roles.services decides every rule."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from alliance.models import Alliance, Organisation
from decisions.forms import _date
from roles.models import Person
from roles.services import people_of


class DeclareInterestForm(forms.Form):
    person = forms.ModelChoiceField(queryset=Person.objects.none(), help_text="Whose interest it is.")
    represents = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        required=False,
        help_text="The member organisation the person represents in the alliance, if any.",
    )
    interest = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The interest in the declarer's words, e.g. 'Trustee of Second Step Trust, which bids for it'.",
        error_messages={"required": "Describe the interest being declared."},
    )
    concerns_organisation = forms.ModelChoiceField(
        label="Concerns the organisation",
        queryset=Organisation.objects.order_by("name"),
        required=False,
        help_text="The organisation the interest concerns, where one does.",
    )
    declared_on = _date("Declared on", required=True)
    ends_on = _date("Ended on", help_text="Leave empty while the interest still applies.")

    def __init__(self, *args, alliance: Alliance, person: Person | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["declared_on"].initial = timezone.localdate()
        people = people_of([alliance.pk]).order_by("name", "pk")
        if person is not None:
            # A member declares as themselves: the form offers no one else.
            people = Person.objects.filter(pk=person.pk)
            self.fields["person"].initial = person.pk
        self.fields["person"].queryset = people
        self.fields["represents"].queryset = (
            Organisation.objects.filter(memberships__alliance=alliance).distinct().order_by("name")
        )


class EndInterestForm(forms.Form):
    ends_on = _date("Last day the interest applied", required=True)
    reason = forms.CharField(label="Why it ended", required=False, help_text="For example 'Stepped down as trustee'.")
