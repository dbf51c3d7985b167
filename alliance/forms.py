from django import forms

from alliance.access import restrict
from alliance.document_models import Document
from alliance.documents import GENERATED_KINDS

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


class ForwardPlanEntryForm(forms.Form):
    """An entry of the forward plan: shapes only; alliance.forward_plan decides the rules."""

    title = forms.CharField(max_length=300, required=False, help_text="What will be decided.")
    body = forms.ModelChoiceField(queryset=None, required=False, help_text="The body expected to decide it.")
    kind = forms.ChoiceField(label="Kind of decision", choices=())
    expected_on = forms.DateField(
        label="Expected on",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="An estimate is fine; change it when the date moves.",
    )
    route = forms.ChoiceField(label="Award route", choices=(), required=False, help_text="For awards only.")
    summary = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    contact_name = forms.CharField(label="Contact name", required=False)
    contact_email = forms.EmailField(label="Contact email", required=False)
    published = forms.BooleanField(label="Publish on the public register", required=False)

    def __init__(self, *args, alliance, **kwargs):
        from alliance.choices import DecisionKind
        from alliance.models import ForwardPlanEntry, GoverningBody

        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = GoverningBody.objects.filter(alliance=alliance).order_by("name")
        self.fields["kind"].choices = DecisionKind.choices
        self.fields["route"].choices = [("", "—"), *ForwardPlanEntry.Route.choices]


class EditForwardPlanEntryForm(ForwardPlanEntryForm):
    status = forms.ChoiceField(choices=(("planned", "Planned"), ("taken", "Taken")))
    reference = forms.CharField(
        label="Taken by", required=False, help_text="Once taken: the decision or award that took it, e.g. ALT-2023-004."
    )
    reason = forms.CharField(
        label="Why it changes",
        required=False,
        help_text="Kept with the plan's history, e.g. 'Moved to the November meeting'.",
    )


class WithdrawForwardPlanEntryForm(forms.Form):
    reason = forms.CharField(
        label="Why it is withdrawn",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say why the entry is withdrawn: the reason is kept with the plan's history."},
    )


# Papers (alliance/documents.py decides every rule of an upload; these check shapes only) ----------


class _UploadField(forms.FileField):
    default_error_messages = {
        "empty": "The file is empty: choose the file again.",
        "missing": "Choose the file to upload.",
        "invalid": "No file was sent: choose the file again, and check the form's encoding.",
        "max_length": "The file's name is %(length)d characters long; shorten it to at most %(max)d.",
    }


class PaperForm(forms.Form):
    title = forms.CharField(max_length=300, required=False, help_text="As the paper is called on the agenda.")
    kind = forms.ChoiceField(choices=(), initial="paper")
    upload = _UploadField(label="File", required=False, max_length=255)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    note = forms.CharField(max_length=500, required=False, label="Note on this version")

    def __init__(self, *args, kind: str = "paper", **kwargs):
        super().__init__(*args, **kwargs)
        # What the tracker makes itself (signed-off minutes, the board pack) is never uploaded.
        self.fields["kind"].choices = [c for c in Document.Kind.choices if c[0] not in GENERATED_KINDS]
        self.fields["kind"].initial = kind


class PaperVersionForm(forms.Form):
    upload = _UploadField(label="New file", required=False, max_length=255)
    note = forms.CharField(
        max_length=500, required=False, label="What changed", help_text="Kept with the version, beside the old ones."
    )


class WithdrawPaperForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, help_text="The reason stays on the record."
    )
