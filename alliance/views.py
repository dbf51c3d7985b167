"""Web pages of the alliance core: the alliance list and the alliance overview."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.generic import ListView, TemplateView

from alliance.models import Alliance
from alliance.queries import alliance_overview
from alliance.web import parse_on_date, visible_alliances


class AllianceListView(LoginRequiredMixin, ListView):
    template_name = "alliance/alliance_list.html"
    context_object_name = "alliances"

    def get_queryset(self):
        return visible_alliances(self.request, Alliance.objects.select_related("commissioner").order_by("name"))


class AllianceOverviewView(LoginRequiredMixin, TemplateView):
    template_name = "alliance/overview.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        alliance = get_object_or_404(Alliance.objects.select_related("commissioner"), slug=kwargs["slug"])
        on, on_error = parse_on_date(self.request, default=timezone.localdate())
        context.update(alliance=alliance, on=on, on_error=on_error, **alliance_overview(alliance, on))
        return context
