"""The agenda's pages: the secretary's forms for its items and for publishing it, and the printable agenda.

Every form calls one service of decisions/services/agenda.py; a refusal comes back as a form error. Moving an
item works as a plain form; with htmx, the meeting page's agenda section is swapped in place and the
moved item's button keeps the keyboard focus.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.views.generic import TemplateView

from alliance.errors import RuleViolation
from alliance.web import AlliancePageMixin
from decisions import forms, services
from decisions import queries_meetings as queries
from decisions.models import AgendaItem
from decisions.views import MeetingFormView, agenda_context


def _agenda_url(meeting) -> str:
    return meeting.get_absolute_url() + "#agenda"


class AgendaFormView(MeetingFormView):
    """A form on a meeting's agenda; the page goes back to the meeting's agenda section."""

    def done_url(self, result) -> str:
        return _agenda_url(self.target)

    def back_url(self) -> str:
        return _agenda_url(self.target)


class AddAgendaItemView(AgendaFormView):
    form_class = forms.AddAgendaItemForm
    title = "Add an agenda item"
    intro = "The item is added at the end of the agenda, or at the place you give (the later items move down one)."
    submit = "Add the item"
    success_message = "Item added to the agenda."
    service = staticmethod(services.add_agenda_item)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "meeting": self.target}


class AgendaItemFormView(AgendaFormView):
    """A step on one item of the agenda."""

    subject = "item"

    def get_target(self):
        meeting = super().get_target()
        self.item = get_object_or_404(
            AgendaItem.objects.select_related("meeting"), meeting=meeting, pk=self.kwargs["item_pk"]
        )
        self.item.meeting = meeting
        return meeting

    def subject_record(self):
        return self.item

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = f"{self.title} {self.item.position}: {self.item.title}"
        return context


class EditAgendaItemView(AgendaItemFormView):
    form_class = forms.AgendaItemForm
    title = "Change item"
    submit = "Save changes"
    success_message = "Agenda item changed."
    service = staticmethod(services.update_agenda_item)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "meeting": self.target}

    def get_initial(self):
        i = self.item
        return {
            "title": i.title,
            "purpose": i.purpose,
            "presenter": i.presenter_id,
            "duration_minutes": i.duration_minutes,
            "decision": i.decision_id,
            "award_process": i.award_process_id,
            "description": i.description,
        }


class WithdrawAgendaItemView(AgendaItemFormView):
    form_class = forms.WithdrawAgendaItemForm
    title = "Withdraw item"
    submit = "Withdraw the item"
    success_message = "Item withdrawn from the agenda."
    service = staticmethod(services.withdraw_agenda_item)

    @property
    def intro(self):
        if self.target.agenda_published_at is None:
            return "The agenda is not yet published: the item is removed and the later items move up one."
        return (
            "The agenda is published: the item stays on it, marked withdrawn, with what you write here, "
            "and members are told."
        )


class MoveAgendaItemView(AgendaItemFormView):
    """Move an item up, down or to a place. The meeting page posts here from its up and down buttons (with
    htmx, the agenda section is swapped in place); after publishing, this page asks what changed."""

    form_class = forms.MoveAgendaItemForm
    title = "Move item"
    submit = "Move the item"
    success_message = "Agenda item moved."
    service = staticmethod(services.move_agenda_item)

    def _htmx(self) -> bool:
        return self.request.headers.get("HX-Request") == "true"

    def _section(self, refusal: str = ""):
        meeting = self.target
        meeting.refresh_from_db()
        context = {
            "alliance": self.alliance,
            "meeting": meeting,
            "moved": self.item.pk,
            "moved_direction": self.request.POST.get("direction", ""),
            "agenda_refusal": refusal,
            **agenda_context(meeting, self.access),
        }
        return TemplateResponse(self.request, "decisions/_agenda.html", context)

    def form_valid(self, form):
        if not self._htmx():
            return super().form_valid(form)
        try:
            self.perform(form)
        except RuleViolation as refusal:
            return self._section(refusal.message)
        return self._section()

    def form_invalid(self, form):
        if self._htmx():
            return self._section(" ".join(e for errors in form.errors.values() for e in errors))
        return super().form_invalid(form)


class PublishAgendaView(AgendaFormView):
    form_class = forms.ConfirmForm
    title = "Publish the agenda"
    submit = "Publish agenda"
    service = staticmethod(services.publish_agenda)

    @property
    def intro(self):
        notice = services.agenda_notice(self.target)
        return (
            f"Publishing sends the agenda to the body's members' representatives, deputies and seat holders. "
            f"{notice.sentence} Changes after publishing are marked on the item and members are told again."
        )

    def perform(self, form):
        notice = services.publish_agenda(actor=self.access, meeting=self.target)
        if notice.late:
            messages.warning(self.request, f"Agenda published late. {notice.sentence}")
        self.success_message = "Agenda published; the members will be sent it."
        return self.target


class PrintableAgendaView(AlliancePageMixin, TemplateView):
    """The agenda on its own page, for printing: numbered items with their times and what they bring."""

    template_name = "decisions/agenda_print.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        meeting = get_object_or_404(queries.meetings(self.alliance, access=self.access), pk=kwargs["pk"])
        context.update(meeting=meeting, **agenda_context(meeting, self.access))
        return context
