"""The alliance's pages are for those with a standing in it: one gate for every page under /alliances/<slug>/."""

from django.http import Http404

from alliance.models import Alliance
from roles.access import request_access


class AllianceStandingMiddleware:
    """Answers 404 to a logged-in user without a standing in the alliance, as if it did not exist.

    Anonymous visitors go on to the page's own login redirect; the public register lives under
    /public/. Record-level visibility (confidential decisions and awards) is judged by the pages.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        slug = view_kwargs.get("slug")
        if slug is None or not request.path_info.startswith("/alliances/"):
            return None
        if not request.user.is_authenticated:
            return None
        alliance_id = Alliance.objects.filter(slug=slug).values_list("pk", flat=True).first()
        if alliance_id is None or not request_access(request).has_standing(alliance_id):
            raise Http404("No alliance of yours has that address.")
        return None
