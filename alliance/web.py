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


# Which alliances a request may see listed. The core knows nothing of standings; the roles app,
# which does, installs its rule here when it loads (roles/apps.py). Staff and tests without it see all.
alliance_visibility = {"rule": None}


def visible_alliances(request, queryset):
    rule = alliance_visibility["rule"]
    return queryset if rule is None else rule(request, queryset)
