"""Small helpers the web views of every app share."""

from datetime import date

from django.http import HttpRequest


def parse_on_date(request: HttpRequest, *, default: date, param: str = "on") -> tuple[date, str]:
    """Read a YYYY-MM-DD date from the query string; on bad input keep the default and say why."""
    raw = request.GET.get(param, "").strip()
    if not raw:
        return default, ""
    try:
        return date.fromisoformat(raw), ""
    except ValueError:
        return default, f"'{raw}' is not a date; use the form YYYY-MM-DD, for example 2021-03-01."


class FilteredListMixin:
    """A list page filtered by the ``form`` in its context: a filter it could not use answers 400.

    The page is still shown, with the other filters applied and the bad one marked in the form's
    words, so a person sees what to change and a script or a link checker sees the refusal.
    """

    def render_to_response(self, context, **response_kwargs):
        form = context.get("form")
        if form is not None and form.errors:
            response_kwargs.setdefault("status", 400)
        return super().render_to_response(context, **response_kwargs)


# Which alliances a request may see listed. The core knows nothing of standings; the roles app,
# which does, installs its rule here when it loads (roles/apps.py). Staff and tests without it see all.
alliance_visibility = {"rule": None}


def visible_alliances(request, queryset):
    rule = alliance_visibility["rule"]
    return queryset if rule is None else rule(request, queryset)
