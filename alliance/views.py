"""Web pages of the alliance core: the alliance list and the alliance overview."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.generic import ListView, TemplateView

from alliance.models import Alliance
from alliance.queries import alliance_overview
from alliance.web import AlliancePageMixin, visible_alliances


class AllianceListView(LoginRequiredMixin, ListView):
    template_name = "alliance/alliance_list.html"
    context_object_name = "alliances"

    def get_queryset(self):
        return visible_alliances(self.request, Alliance.objects.select_related("commissioner").order_by("name"))


class AllianceOverviewView(AlliancePageMixin, TemplateView):
    template_name = "alliance/overview.html"
    alliance_related = ("commissioner",)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(alliance_overview(self.alliance, self.on))
        return context
