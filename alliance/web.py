"""What the web views of every app share: the one alliance page mixin, the public register's alliance
lookup, the date of a page, filtered lists.

Views sit above the domain modules and may import any app (DESIGN.md, layout), so this module reads
the caller's standing from roles.access; the domain modules of alliance/ never import it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone

from alliance.access import CONFIDENTIAL
from alliance.models import Alliance
from roles.access import public_access, request_access


def parse_on_date(request: HttpRequest, *, default: date, param: str = "on") -> tuple[date, str]:
    """Read a YYYY-MM-DD date from the query string; on bad input keep the default and say why."""
    raw = request.GET.get(param, "").strip()
    if not raw:
        return default, ""
    try:
        return date.fromisoformat(raw), ""
    except ValueError:
        return default, f"'{raw}' is not a date; use the form YYYY-MM-DD, for example 2021-03-01."


class AlliancePageMixin(LoginRequiredMixin):
    """A page of one alliance (``<slug:slug>`` in its URL), read as of a date (``?on=``, today by default).

    The alliance is looked up through its read rule (alliance/access.py), as the API looks it up: one
    the caller may not read answers 404, as if it did not exist. The page then has ``self.alliance``,
    ``self.access`` (the caller's standing), ``self.today`` and ``self.on``; its context has the
    alliance, the dates, and ``can_record`` (whether the caller keeps the record of one of the
    alliance's bodies; a page about one body may narrow it).

    A page that shows the alliance's confidential records too (the audit trail, award figures) says
    ``confidential = True``: it is for the standing that reads them (oversight, secretaries, voting
    members' representatives and staff), and anyone else is refused (403).
    """

    alliance_related: tuple[str, ...] = ()
    confidential = False

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.access = request_access(request)
        alliances = Alliance.objects.restrict(self.access)
        if self.alliance_related:
            alliances = alliances.select_related(*self.alliance_related)
        self.alliance = get_object_or_404(alliances, slug=kwargs["slug"])
        self.today = timezone.localdate()
        self.on, self.on_error = parse_on_date(request, default=self.today)
        return self.page_refusal() or super().dispatch(request, *args, **kwargs)

    def page_refusal(self) -> HttpResponse | None:
        """What to answer instead of the page when the caller may not use it (None: show it)."""
        if self.confidential and not self.access.may_read(self.alliance.pk, CONFIDENTIAL):
            raise PermissionDenied(
                "The oversight pages show confidential records: they are for the oversight group, "
                "secretaries and voting members' representatives. Ask the alliance's secretary for access."
            )
        return None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            alliance=self.alliance,
            on=self.on,
            on_error=self.on_error,
            today=self.today,
            can_record=self.access.keeps_record_of(self.alliance.pk),
        )
        return context


def publishing_alliance(slug: str, request=None) -> Alliance:
    """The alliance as an anonymous visitor reads it, for the public register's pages: only one that
    publishes its register (404 otherwise, so an unpublished alliance is not even confirmed to exist)."""
    return get_object_or_404(Alliance.objects.restrict(public_access(request)), slug=slug)


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


def pk_url(name: str, **kwargs) -> Callable[[int], str]:
    """The URL of ``name`` for any ``pk``, reversed once: a list page links each of its rows with it instead of
    a ``{% url %}`` per row (the resolver's reverse is the costliest tag of a long table)."""
    marker = 987654321
    head, tail = reverse(name, kwargs={**kwargs, "pk": marker}).rsplit(str(marker), 1)
    return lambda pk: f"{head}{int(pk)}{tail}"


def choice_labels(model, field: str) -> dict:
    """The labels of a field's choices, as ``get_FOO_display`` reads them, for rows read as values."""
    return {value: str(label) for value, label in model._meta.get_field(field).flatchoices}
