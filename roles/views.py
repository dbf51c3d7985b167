"""Web pages of roles: the directory on a date, a role, a person, the registers, the handover pack."""

from django.shortcuts import get_object_or_404
from django.views.generic import TemplateView

from alliance.history import versions
from alliance.web import AlliancePageMixin
from roles import queries, standing
from roles.charts import timeline_chart
from roles.models import DelegatedAuthority, Person, Role


def _in_force(delegations, on) -> list:
    delegations = list(delegations)
    for d in delegations:
        d.in_force = d.is_valid_on(on)
    return delegations


class RegisterRows:
    """What the registers of roles list, on their pages and in their downloads (roles/download_views.py),
    through the models' one read rule."""

    def directory(self) -> list[dict]:
        return queries.directory(self.alliance, self.on, self.access)

    def delegations(self) -> list:
        return _in_force(queries.delegation_register(self.alliance).restrict(self.access), self.on)

    def interests(self) -> list:
        interests = list(queries.interest_register(self.alliance).restrict(self.access))
        for i in interests:
            i.current = i.is_current_on(self.on)
        return interests


class DirectoryView(RegisterRows, AlliancePageMixin, TemplateView):
    template_name = "roles/directory.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        timelines = list(queries.roles_with_timelines(self.alliance))
        context.update(
            directory=self.directory(),
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
            versions=versions(role, self.access),
        )
        return context


class HandoverView(AlliancePageMixin, TemplateView):
    template_name = "roles/handover.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        role = get_object_or_404(
            Role.objects.select_related("alliance", "body", "organisation"), alliance=self.alliance, pk=kwargs["pk"]
        )
        context.update(queries.handover_pack(role, self.on, self.access))
        return context


class PersonView(AlliancePageMixin, TemplateView):
    template_name = "roles/person.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # The same visibility as the API's: a person of another alliance only answers 404.
        people = Person.objects.select_related("employer").restrict(self.access)
        person = get_object_or_404(people, pk=kwargs["pk"])
        context.update(person=person, **queries.person_history(person, self.alliance))
        return context


class DelegationRegisterView(RegisterRows, AlliancePageMixin, TemplateView):
    template_name = "roles/delegations.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(delegations=self.delegations())
        return context


class InterestRegisterView(RegisterRows, AlliancePageMixin, TemplateView):
    template_name = "roles/interests.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            interests=self.interests(),
            can_end=self.access.keeps_record_of(self.alliance.pk),
            can_declare=standing.permits(standing.require_interest_declarer, self.access, self.alliance.pk),
        )
        return context


class DelegationDetailView(AlliancePageMixin, TemplateView):
    template_name = "roles/delegation_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        delegation = get_object_or_404(
            DelegatedAuthority.objects.select_related("role", "body", "grantee_body", "granted_by", "revoked_by"),
            body__alliance=self.alliance,
            pk=kwargs["pk"],
        )
        delegation.in_force = delegation.is_valid_on(self.on)
        context.update(
            delegation=delegation,
            granted_by=getattr(delegation, "granted_by", None),
            revoked_by=getattr(delegation, "revoked_by", None),
            versions=versions(delegation, self.access),
        )
        return context
