"""Web pages of the alliance core: the home, the alliance list and overview, a membership and the audit feed."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import QueryDict
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views.generic import ListView, TemplateView

from alliance import read_log
from alliance.audit import runs
from alliance.errors import RuleViolation
from alliance.filtersets import AuditTrailFilter
from alliance.history import feed_entries, versions
from alliance.home import HomeContext, home_for
from alliance.models import Alliance, AuditLink, AuditVerification, Membership
from alliance.queries import alliance_overview
from alliance.services import record_home_visit
from alliance.web import AlliancePageMixin
from decisions.queries_governing import outstanding
from roles.access import request_access
from roles.models import Role, RoleAssignment


class HomeView(LoginRequiredMixin, TemplateView):
    """What needs the logged-in user, alliance by alliance (alliance.home); seeing it counts as a visit,
    so the next one shows what came after it."""

    template_name = "alliance/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        access = request_access(self.request)
        now = timezone.now()
        since = record_home_visit(actor=access, now=now)
        context.update(groups=home_for(HomeContext(access=access, now=now, since=since)), since=since)
        return context


class AllianceListView(LoginRequiredMixin, ListView):
    template_name = "alliance/alliance_list.html"
    context_object_name = "alliances"

    def get_queryset(self):
        # Only the alliances the user has a standing in; the public register lists those that publish.
        access = request_access(self.request)
        alliances = Alliance.objects.select_related("commissioner").order_by("name")
        return alliances if access.staff else alliances.filter(pk__in=access.members_of)


class AllianceOverviewView(AlliancePageMixin, TemplateView):
    template_name = "alliance/overview.html"
    alliance_related = ("commissioner",)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(alliance_overview(self.alliance, self.on))
        # What the agreement requires that is not yet agreed (the governing documents register).
        context.update(governing_outstanding=outstanding(self.alliance, self.access, self.today))
        return context


class MembershipDetailView(AlliancePageMixin, TemplateView):
    """One membership: its dated status changes, capacities, representatives over time and history.

    Its representatives are roles: a page may read any app (DESIGN.md, layout), so it lives with the
    membership it shows.
    """

    template_name = "alliance/membership_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        membership = get_object_or_404(
            Membership.objects.with_status_on(self.on)
            .select_related("organisation")
            .prefetch_related("status_changes"),
            alliance=self.alliance,
            pk=kwargs["pk"],
        )
        representatives = (
            RoleAssignment.objects.filter(
                role__alliance=self.alliance,
                role__organisation=membership.organisation,
                role__kind__in=Role.REPRESENTATIVE_KINDS,
            )
            .select_related("role", "person")
            .order_by("-starts_on", "pk")
        )
        context.update(
            membership=membership,
            status_on=membership.status_on or membership.status,
            status_changes=sorted(membership.status_changes.all(), key=lambda c: c.effective_on),
            representatives=list(representatives),
            versions=versions(membership, self.access),
        )
        return context


class AuditFeedPageView(AlliancePageMixin, TemplateView):
    confidential = True
    """Every change to the alliance's records, newest first, with filters and a CSV download."""

    template_name = "alliance/audit_feed.html"
    paginate_by = 50

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        links = AuditLink.objects.restrict(self.access).filter(chain=f"alliance:{self.alliance.pk}")
        # The API's filters (alliance/filtersets.py), so a filter means the same on the page and in the feed.
        filterset = AuditTrailFilter(self.request.GET or None, links, request=self.request)
        form, links = filterset.form, filterset.qs
        # By the chain's sequence (its unique index), as the API feed pages: newest first all the same, where
        # by id PostgreSQL walked the whole link table backwards past every other chain (docs/performance.md).
        page = Paginator(links.order_by("-seq"), self.paginate_by).get_page(self.request.GET.get("page"))
        read_log.log_audit_trail(
            self.request,
            alliance_id=self.alliance.pk,
            rows=len(page.object_list),
            what=f"the audit trail, page {page.number}",
        )
        query = self.request.GET.copy()
        query.pop("page", None)
        # The downloads take the page's filters (the feed's filterset has the same names) and its alliance.
        download = QueryDict(mutable=True)
        download.update({k: v for k, v in query.items() if k in AuditTrailFilter.base_filters and v})
        download["alliance"] = self.alliance.slug
        context.update(
            form=form,
            page=page,
            entries=feed_entries(list(page.object_list), self.access),
            query=query.urlencode(),
            verification=verification_panel(self.alliance, self.access),
            download_query=download.urlencode(),
            filtered=len(download) > 1,
            may_read_log=self.access.is_oversight_of(self.alliance.pk),
        )
        return context


def verification_panel(alliance, access) -> dict:
    """What the audit page's Verification panel shows: the last finished run of the alliance's chain,
    one waiting or running, and whether the reader may ask for one (its oversight, or staff). The
    runs are read through their read rule (for the oversight group and staff), in one query: at most
    one run of an alliance waits or runs at a time (alliance/audit/runs.py), so the newest three hold
    it and the last finished one."""
    can_read = runs.may_request(access, alliance)
    newest = []
    if can_read:
        newest = list(
            AuditVerification.objects.restrict(access)
            .filter(alliance=alliance)
            .select_related("requested_by", "checkpoint")
            .order_by("-requested_at", "-pk")[:3]
        )
    waiting = (AuditVerification.Status.QUEUED, AuditVerification.Status.RUNNING)
    return {
        "can_read": can_read,
        "can_request": can_read,
        "pending": next((r for r in newest if r.status in waiting), None),
        "last": next((r for r in newest if r.status not in waiting), None),
    }


class AuditVerificationsView(AlliancePageMixin, TemplateView):
    """The alliance's audit verifications, newest first (its oversight group and staff); a POST asks
    for one (alliance/audit/runs.py), run outside the request, and returns to the audit page."""

    confidential = True
    template_name = "alliance/audit_verifications.html"
    paginate_by = 25

    def page_refusal(self):
        refused = super().page_refusal()
        if refused is None and self.request.method == "GET" and not runs.may_request(self.access, self.alliance):
            raise PermissionDenied(
                "The record of the audit trail's verifications is for the alliance's oversight group; "
                "the audit trail itself is on the audit page."
            )
        return refused

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        verifications = (
            AuditVerification.objects.restrict(self.access)
            .filter(alliance=self.alliance)
            .select_related("requested_by", "checkpoint")
            .order_by("-requested_at", "-pk")
        )
        page = Paginator(verifications, self.paginate_by).get_page(self.request.GET.get("page"))
        context.update(page=page, verifications=list(page.object_list))
        return context

    def post(self, request, *args, **kwargs):
        try:
            runs.request_verification(actor=self.access, alliance=self.alliance)
        except RuleViolation as refusal:
            if refusal.forbidden:
                raise PermissionDenied(refusal.message) from refusal
            messages.error(request, refusal.message)
        else:
            messages.success(
                request,
                "Verification asked for: it runs in the background and takes a minute or so. "
                "Refresh this page to see its result.",
            )
        return redirect("audit-feed-page", slug=self.alliance.slug)
