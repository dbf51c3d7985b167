from django import forms
from django.contrib.auth import get_user_model

from alliance.access import restrict

MODEL_CHOICES = [
    ("", "Any record"),
    ("alliance.membership", "Memberships"),
    ("alliance.governingbody", "Governing bodies"),
    ("alliance.agreement", "Agreements"),
    ("roles.roleassignment", "Role assignments"),
    ("roles.delegatedauthority", "Delegations"),
    ("roles.interestdeclaration", "Interests"),
    ("decisions.decision", "Decisions"),
    ("decisions.vote", "Votes"),
    ("decisions.meeting", "Meetings"),
    ("contracts.awardprocess", "Award processes"),
    ("contracts.contract", "Contracts"),
]
CHANGE_CHOICES = [("", "Any change"), ("+", "Created"), ("~", "Changed"), ("-", "Deleted")]

# The longest search (``?q=``) any list takes, on the pages and in the API alike: enough for a
# sentence of a title, while a page of text is refused with a 400 rather than built into a query.
SEARCH_MAX_LENGTH = 200


def restrict_choices(form: forms.Form, access) -> forms.Form:
    """Offer in every record choice of ``form`` only what ``access`` may read (alliance/access.py): a
    form never lists, nor accepts, a record its user may not read."""
    for field in form.fields.values():
        queryset = getattr(field, "queryset", None)
        if queryset is not None:
            field.queryset = restrict(queryset, access)
    return form


class SearchField(forms.CharField):
    """A free-text search of at most :data:`SEARCH_MAX_LENGTH` characters, refused with a sentence beyond."""

    default_error_messages = {
        "max_length": (
            "The search is %(show_value)d characters long; shorten it to at most %(limit_value)d characters, "
            "such as a few words of a title or a reference."
        ),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", SEARCH_MAX_LENGTH)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)


class AuditFilterForm(forms.Form):
    model = forms.ChoiceField(choices=MODEL_CHOICES, required=False, label="Record")
    change_type = forms.ChoiceField(choices=CHANGE_CHOICES, required=False, label="Change")
    user = forms.CharField(required=False, label="By user")
    since = forms.DateField(required=False, label="From", widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(required=False, label="To", widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["until"] < data["since"]:
            raise forms.ValidationError("The 'To' date is before the 'From' date; swap them or clear one.")
        return data

    def apply(self, links):
        data = self.cleaned_data
        if data.get("model"):
            links = links.filter(object_model=data["model"])
        if data.get("change_type"):
            links = links.filter(change_type=data["change_type"])
        if data.get("user"):
            user_id = get_user_model().objects.filter(username=data["user"]).values_list("pk", flat=True).first()
            links = links.filter(user_id=user_id if user_id is not None else -1)
        if data.get("since"):
            links = links.filter(history_date__date__gte=data["since"])
        if data.get("until"):
            links = links.filter(history_date__date__lte=data["until"])
        return links
