"""The oversight dashboard and oversight's notes."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.views.generic import TemplateView

from alliance import read_log
from alliance.errors import RuleViolation
from alliance.web import AlliancePageMixin
from contracts import services
from contracts.dashboard import chart_data, dashboard
from contracts.delivery_overview import confidential_shown, delivery_overview
from contracts.models import OversightNote
from contracts.queries_oversight import open_and_overdue
from contracts.queries_warnings import warnings_of
from decisions.queries_governing import outstanding


class OversightDashboardView(AlliancePageMixin, TemplateView):
    confidential = True
    template_name = "dashboard/oversight.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        figures = dashboard(self.alliance, self.today)
        context.update(
            figures=figures,
            charts=chart_data(figures),
            governing_outstanding=outstanding(self.alliance, self.access, self.today),
            oversight_queries=open_and_overdue(self.alliance, self.access, self.today),
            warnings=warnings_of(self.alliance, self.access, self.today),
        )
        return context


class OversightDeliveryView(AlliancePageMixin, TemplateView):
    """Oversight's delivery view: what was to be delivered and what slipped, performance against measures,
    scope and savings, contracts ending without a decision, and open queries, on one page (``?on=`` a date).
    Anyone with a standing in the alliance reads it; each answer shows only the records they may read."""

    template_name = "dashboard/delivery.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["overview"] = overview = delivery_overview(self.alliance, self.access, self.on)
        for model, rows in confidential_shown(overview).items():
            read_log.log_rows(
                self.request,
                model,
                rows,
                kind=read_log.Kind.PAGE,
                alliance_id=self.alliance.pk,
                what="delivery oversight",
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
        notes = list(notes.select_related("author", "decision", "award_process")[:100])
        read_log.log_list(self.request, notes, alliance_id=self.alliance.pk, what="the oversight notes")
        context.update(notes=notes, form=kwargs.get("form") or NoteForm())
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
