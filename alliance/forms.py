from django import forms

from alliance.access import restrict

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
