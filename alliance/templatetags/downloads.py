"""``{% download_links "decision-log" %}``: a register page's "Download: CSV · Excel" links, carrying the
page's filters and date (its query string, without the page number), so the file holds what the page
lists, every page of it (alliance/downloads.py)."""

from django import template
from django.urls import reverse

register = template.Library()


@register.inclusion_tag("_download_links.html", takes_context=True)
def download_links(context, name: str, what: str = "these rows"):
    request, alliance = context["request"], context["alliance"]
    query = request.GET.copy()
    query.pop("page", None)
    tail = f"?{query.urlencode()}" if query else ""
    return {
        "csv": reverse(f"{name}-csv", kwargs={"slug": alliance.slug}) + tail,
        "xlsx": reverse(f"{name}-xlsx", kwargs={"slug": alliance.slug}) + tail,
        "what": what,
    }
