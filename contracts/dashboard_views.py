"""The oversight dashboard page."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.views.generic import TemplateView

from alliance.errors import RuleViolation
from alliance.forms import AuditFilterForm
from alliance.history import feed_entries
from alliance.models import AuditLink
from alliance.web import AlliancePageMixin
from contracts import services
from contracts.dashboard import chart_data, dashboard
from contracts.models import OversightNote


class OversightMixin(AlliancePageMixin):
    """Pages for the oversight group: oversight, secretaries, voting members' representatives and staff.

    They show confidential records too (the audit trail, award figures), so the standing that
    reads confidential records is the one they need.
    """

    def page_refusal(self):
        if not self.access.may_read(self.alliance.pk, "CONFIDENTIAL"):
            raise PermissionDenied(
                "The oversight pages show confidential records: they are for the oversight group, "
                "secretaries and voting members' representatives. Ask the alliance's secretary for access."
            )
        return None


class OversightDashboardView(OversightMixin, TemplateView):
    template_name = "dashboard/oversight.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        figures = dashboard(self.alliance, self.today)
        context.update(figures=figures, charts=chart_data(figures))
        return context


class AuditFeedPageView(OversightMixin, TemplateView):
    """Every change to the alliance's records, newest first, with filters and a CSV download."""

    template_name = "alliance/audit_feed.html"
    paginate_by = 50

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        links = AuditLink.objects.restrict(self.access).filter(chain=f"alliance:{self.alliance.pk}")
        form = AuditFilterForm(self.request.GET or None)
        if form.is_valid():
            links = form.apply(links)
        page = Paginator(links.order_by("-id"), self.paginate_by).get_page(self.request.GET.get("page"))
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            form=form,
            page=page,
            entries=feed_entries(list(page.object_list)),
            query=query.urlencode(),
        )
        return context


class NoteForm(forms.Form):
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), max_length=5000, label="Note")


class OversightNotesView(AlliancePageMixin, TemplateView):
    """Oversight's own notes on the alliance: for oversight and staff only; oversight writes them here."""

    template_name = "dashboard/oversight_notes.html"

    def page_refusal(self):
        if not self.access.is_oversight_of(self.alliance.pk):
            # Reading the notes (the service decides who writes them: roles/standing.py).
            raise PermissionDenied("Oversight notes are for the alliance's oversight group and staff only.")
        return None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        notes = OversightNote.objects.restrict(self.access).filter(alliance=self.alliance)
        notes = notes.select_related("author", "decision", "award_process")
        context.update(notes=notes[:100], form=kwargs.get("form") or NoteForm())
        return context

    def post(self, request, *args, **kwargs):
        form = NoteForm(request.POST)
        if form.is_valid():
            try:
                services.write_oversight_note(actor=self.access, alliance=self.alliance, text=form.cleaned_data["text"])
            except RuleViolation as refusal:
                form.add_error("text" if refusal.field == "text" else None, refusal.message)
            else:
                messages.success(request, "Note saved.")
                return redirect("oversight-notes", slug=self.alliance.slug)
        return self.render_to_response(self.get_context_data(form=form), status=400)
