"""The API's filter backend; the filtersets themselves are each app's (``<app>/filtersets.py``)."""

from django.template import loader
from django_filters.rest_framework import DjangoFilterBackend

from alliance.filtersets import FilterSet


class FilterBackend(DjangoFilterBackend):
    """django-filter's backend, whose HTML filter form offers only the records the caller may read."""

    def to_html(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return None
        if isinstance(filterset, FilterSet):
            filterset.restrict_choices()
        template = loader.get_template(self.template)
        return template.render({"filter": filterset}, request)
