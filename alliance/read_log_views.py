"""The read log's page: who read the alliance's confidential records, for its oversight and staff."""

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.views.generic import TemplateView

from alliance import read_log
from alliance.filtersets import ReadLogPageFilter
from alliance.models import ReadLogEntry
from alliance.web import AlliancePageMixin, FilteredListMixin

PAGE_SIZE = 50


class ReadLogPageView(AlliancePageMixin, FilteredListMixin, TemplateView):
    """Every read of the alliance's confidential records, newest first, with the API's filters; the
    page's own reading is logged too."""

    template_name = "alliance/read_log.html"

    def page_refusal(self):
        if not self.access.is_oversight_of(self.alliance.pk):
            raise PermissionDenied(
                "The read log is for the alliance's oversight group and staff only: it shows who read "
                "the confidential records. Ask the oversight group if you need to know."
            )
        return None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        entries = ReadLogEntry.objects.restrict(self.access).filter(alliance=self.alliance)
        # The API's filters (alliance/filtersets.py), so a filter means the same on the page and in the API.
        filterset = ReadLogPageFilter(self.request.GET or None, entries, request=self.request)
        form, entries = filterset.form, filterset.qs
        page = Paginator(entries.order_by("-at", "-id"), PAGE_SIZE).get_page(self.request.GET.get("page"))
        served = list(page.object_list)
        read_log.log_read_log(self.request, alliance_ids=[self.alliance.pk], rows=len(served))
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(form=form, page=page, entries=served, query=query.urlencode())
        return context
