"""``/api/v1/search/``: the one search (alliance.search), as the search page shows it. Anyone may ask;
what is found is what the caller may read (anonymous callers: what alliances publish)."""

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import generics

from alliance import search
from alliance.models import Alliance, SearchEntry
from api.serializers import search as s
from api.views.audit import ReadByRule
from roles.access import request_access


class SearchView(generics.ListAPIView):
    """Decisions, meetings, awards and papers matching ?q=, best match first."""

    permission_classes = [ReadByRule]
    serializer_class = s.SearchResultSerializer
    queryset = SearchEntry.objects.none()
    filter_backends = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return SearchEntry.objects.none()
        query = s.SearchQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        access = request_access(self.request)
        alliance = None
        if query.validated_data.get("alliance"):
            slug = query.validated_data["alliance"]
            alliance = Alliance.objects.restrict(access).filter(slug=slug).first()
            if alliance is None:
                raise Http404(f"No alliance has the slug '{slug}'.")
        kind = query.validated_data.get("kind")
        return search.search(
            query.validated_data["q"], access=access, alliance=alliance, kinds=[kind] if kind else None
        )

    @extend_schema(parameters=[s.SearchQuerySerializer])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)
