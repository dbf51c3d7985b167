"""The interests pages: the secretary records anyone's interest in the alliance and ends it; a member
declares their own, sees them on "My interests" and ends them. Each form calls the one service the
API calls (roles.services), with the caller's standing as ``actor``; a declaration is never deleted."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.generic import TemplateView

from alliance.web import AlliancePageMixin
from decisions.views import SecretaryFormView
from roles import forms, services, standing
from roles.models import InterestDeclaration, Person


def _my_person(access):
    return Person.objects.filter(pk=access.person_id).first() if access.person_id else None


class InterestFormView(SecretaryFormView):
    def get_body(self):
        return None

    def back_url(self) -> str:
        name = "interest-register" if self.access.keeps_record_of(self.alliance.pk) else "my-interests"
        return reverse(name, kwargs={"slug": self.alliance.slug})

    def done_url(self, result) -> str:
        return self.back_url()


class DeclareInterestView(InterestFormView):
    form_class = forms.DeclareInterestForm
    needs_alliance = True
    submit = "Declare the interest"
    success_message = "Interest declared."

    @property
    def keeper(self) -> bool:
        return self.access.keeps_record_of(self.alliance.pk)

    @property
    def title(self):
        return "Record an interest" if self.keeper else "Declare an interest"

    @property
    def intro(self):
        if self.keeper:
            return (
                "Record an interest declared by a person of the alliance. Members with an interest in an award "
                "are recused from its approval."
            )
        return "Declare an interest of your own; it appears in the alliance's interests register."

    def check_standing(self, body) -> None:
        standing.require_interest_declarer(self.access, self.alliance.pk)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["person"] = None if self.keeper else _my_person(self.access)
        return kwargs

    def perform(self, form):
        return services.declare_interest(actor=self.access, alliance=self.alliance, **form.cleaned_data)


class EndInterestView(InterestFormView):
    form_class = forms.EndInterestForm
    title = "End an interest"
    intro = "Record the last day the interest applied; the declaration stays in the register with its history."
    submit = "End the interest"
    success_message = "Interest ended."
    service = staticmethod(services.end_interest)
    subject = "declaration"

    def get_target(self):
        return get_object_or_404(
            InterestDeclaration.objects.restrict(self.access).filter(alliance=self.alliance).select_related("person"),
            pk=self.kwargs["pk"],
        )

    def check_standing(self, body) -> None:
        standing.require_interest_ender(self.access, self.target)


class MyInterestsView(AlliancePageMixin, TemplateView):
    """The interests the signed-in person declared in this alliance, current or ended."""

    template_name = "roles/my_interests.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        interests = []
        if self.access.person_id:
            interests = list(
                InterestDeclaration.objects.restrict(self.access)
                .filter(alliance=self.alliance, person_id=self.access.person_id)
                .select_related("person", "represents", "concerns_organisation")
                .order_by("-declared_on", "pk")
            )
        for i in interests:
            i.current = i.is_current_on(self.on)
        context.update(
            interests=interests,
            can_declare=standing.permits(standing.require_interest_declarer, self.access, self.alliance.pk),
        )
        return context
