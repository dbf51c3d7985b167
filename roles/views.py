"""Web pages of roles: the directory on a date, a role, a person, the registers, the handover pack."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.generic import TemplateView

from alliance.history import versions
from alliance.models import Alliance
from alliance.web import parse_on_date
from roles import queries
from roles.access import request_access, restrict_people
from roles.charts import timeline_chart
from roles.models import Person, Role


def _in_force(delegations, on) -> list:
    delegations = list(delegations)
    for d in delegations:
        d.in_force = d.is_valid_on(on)
    return delegations


class AlliancePageMixin(LoginRequiredMixin):
    """Every page of this app belongs to one alliance and is read as of a date (?on=, today by default)."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        self.alliance = get_object_or_404(Alliance, slug=kwargs["slug"])
        self.today = timezone.localdate()
        self.on, on_error = parse_on_date(self.request, default=self.today)
        context.update(
            alliance=self.alliance,
            on=self.on,
            on_error=on_error,
            today=self.today,
            can_record=request_access(self.request).keeps_record_of(self.alliance.pk),
        )
        return context


class DirectoryView(AlliancePageMixin, TemplateView):
    template_name = "roles/directory.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        timelines = list(queries.roles_with_timelines(self.alliance))
        context.update(
            directory=queries.directory(self.alliance, self.on),
            timelines=timelines,
            chart=timeline_chart(timelines, on=self.on, today=self.today),
            turnover=queries.turnover(self.alliance),
            my_person_id=getattr(getattr(self.request.user, "person", None), "pk", None),
        )
        return context


class RoleDetailView(AlliancePageMixin, TemplateView):
    template_name = "roles/role_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        role = get_object_or_404(
            Role.objects.select_related("body", "organisation"), alliance=self.alliance, pk=kwargs["pk"]
        )
        role.timeline = list(queries.timeline(role))
        context.update(
            role=role,
            holders=[a for a in role.timeline if a.is_held_on(self.on)],
            chart=timeline_chart([role], on=self.on, today=self.today),
            delegations=_in_force(queries.delegation_register(self.alliance).filter(role=role), self.on),
            versions=versions(role),
        )
        return context


class HandoverView(AlliancePageMixin, TemplateView):
    template_name = "roles/handover.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        role = get_object_or_404(
            Role.objects.select_related("alliance", "body", "organisation"), alliance=self.alliance, pk=kwargs["pk"]
        )
        context.update(queries.handover_pack(role, self.on))
        return context


class PersonView(AlliancePageMixin, TemplateView):
    template_name = "roles/person.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # The same visibility as the API's: a person of another alliance only answers 404.
        people = restrict_people(Person.objects.select_related("employer"), request_access(self.request))
        person = get_object_or_404(people, pk=kwargs["pk"])
        context.update(person=person, **queries.person_history(person, self.alliance))
        return context


class DelegationRegisterView(AlliancePageMixin, TemplateView):
    template_name = "roles/delegations.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(delegations=_in_force(queries.delegation_register(self.alliance), self.on))
        return context


class InterestRegisterView(AlliancePageMixin, TemplateView):
    template_name = "roles/interests.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        interests = list(queries.interest_register(self.alliance))
        for i in interests:
            i.current = i.is_current_on(self.on)
        context.update(interests=interests)
        return context
