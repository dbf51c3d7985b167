"""API views of the alliance core: thin calls of alliance.services."""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action

from alliance import forward_plan, services
from alliance.errors import RuleViolation
from alliance.filtersets import AllianceFilter, BodyFilter, ForwardPlanFilter, MembershipFilter, OrganisationFilter
from alliance.models import (
    Agreement,
    Alliance,
    ForwardPlanEntry,
    GoverningBody,
    Membership,
    MembershipStatusChange,
    Organisation,
)
from api.access import AccessMixin, StandingMixin
from api.history import AsOfMixin, HistoryMixin
from api.serializers import alliance as s
from api.views.base import RegisterViewSet, SavedByServiceViewSet, ServiceInputMixin
from roles import services as roles_services
from roles import standing


class AllianceViewSet(SavedByServiceViewSet):
    lookup_field = "slug"
    serializer_class = s.AllianceSerializer
    filterset_class = AllianceFilter
    ordering_fields = ["name", "slug"]
    ordering = ["name"]
    queryset = Alliance.objects.prefetch_related(
        Prefetch("agreements", queryset=Agreement.objects.prefetch_related("budgets").order_by("-version"))
    )
    save_service, instance_argument = services.save_alliance, "alliance"


class OrganisationViewSet(SavedByServiceViewSet):
    serializer_class = s.OrganisationSerializer
    filterset_class = OrganisationFilter
    ordering_fields = ["name", "kind"]
    ordering = ["name"]
    queryset = Organisation.objects.all()
    save_service, instance_argument = services.save_organisation, "organisation"


class MembershipViewSet(ServiceInputMixin, AccessMixin, HistoryMixin, AsOfMixin, viewsets.ModelViewSet):
    serializer_class = s.MembershipSerializer
    filterset_class = MembershipFilter
    ordering_fields = ["joined_on", "left_on", "organisation__name", "status"]
    ordering = ["alliance__name", "organisation__name", "joined_on"]
    queryset = Membership.objects.select_related("alliance", "organisation").prefetch_related(
        Prefetch("status_changes", queryset=MembershipStatusChange.objects.order_by("effective_on"))
    )
    http_method_names = ["get", "post", "patch", "head", "options"]

    @extend_schema(request=s.MembershipCreateSerializer, responses={201: s.MembershipSerializer})
    def create(self, request, *args, **kwargs):
        values = self._input(s.MembershipCreateSerializer)
        membership = services.create_membership(**values)
        return self._out(membership, status.HTTP_201_CREATED)

    @extend_schema(request=s.MembershipUpdateSerializer, responses=s.MembershipSerializer)
    def partial_update(self, request, *args, **kwargs):
        values = self._input(s.MembershipUpdateSerializer, partial=True)
        if "left_on" in values and values["left_on"] is None:
            values.pop("left_on")
            values["clear_left_on"] = True
        membership = services.update_membership(membership=self.get_object(), **values)
        return self._out(membership)

    def update(self, request, *args, **kwargs):
        return self.partial_update(request, *args, **kwargs)

    @extend_schema(request=s.StatusChangeInputSerializer, responses={201: s.MembershipSerializer})
    @action(detail=True, methods=["post"])
    def status(self, request, pk=None):
        """Make the member voting or advisory from a date; earlier dates keep their status."""
        membership = self.get_object()
        values = self._input(s.StatusChangeInputSerializer)
        services.change_membership_status(membership=membership, **values)
        return self._out(membership, status.HTTP_201_CREATED)

    @extend_schema(request=s.EndMembershipSerializer, responses=s.MembershipSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        """Record the organisation's last day as a member and why it left."""
        membership = self.get_object()
        values = self._input(s.EndMembershipSerializer)
        membership = services.end_membership(membership=membership, **values)
        return self._out(membership)


def _body_keeper(doing):
    return lambda access, body, data: standing.require_record_keeper(access, body, doing)


class BodyViewSet(StandingMixin, SavedByServiceViewSet):
    """The alliance's bodies (created and edited by staff); the body's secretary gives it seats of its own
    and sets its rules by kind of matter."""

    write_standing = {
        "seating": _body_keeper("change who sits on it"),
        "rules": _body_keeper("set its decision rules"),
        "remove_rule": _body_keeper("set its decision rules"),
        "advice_rule": _body_keeper("set what its decisions need before they close"),
    }
    serializer_class = s.BodySerializer
    filterset_class = BodyFilter
    ordering_fields = ["name", "code"]
    ordering = ["alliance__name", "name"]
    queryset = GoverningBody.objects.select_related("alliance").prefetch_related("kind_rules")
    save_service, instance_argument = services.save_body, "body"

    @extend_schema(request=s.SeatingInputSerializer, responses=s.BodySerializer)
    @action(detail=True, methods=["post"])
    def seating(self, request, pk=None):
        """Give the body seats of its own (only they vote and advise), or let the alliance's members sit on it
        again; refused while one of its decisions is open for votes."""
        body = roles_services.set_own_seats(
            actor=self.actor, body=self.get_object(), **self._input(s.SeatingInputSerializer)
        )
        return self._out(body)

    @extend_schema(request=s.BodyRuleInputSerializer, responses=s.BodySerializer)
    @action(detail=True, methods=["post"])
    def rules(self, request, pk=None):
        """Set how the body decides matters of one kind (e.g. PROCEDURAL by MAJORITY where KEY needs unanimity);
        refused while a decision of that kind is open for votes."""
        body = self.get_object()
        roles_services.set_kind_rule(actor=self.actor, body=body, **self._input(s.BodyRuleInputSerializer))
        return self._out(body)

    @extend_schema(request=s.AdviceRuleInputSerializer, responses=s.BodySerializer)
    @action(detail=True, methods=["post"], url_path="advice-rule")
    def advice_rule(self, request, pk=None):
        """Require (or stop requiring) the advisory members' advice before a KEY decision of the body closes."""
        body = roles_services.set_advice_required(
            actor=self.actor, body=self.get_object(), **self._input(s.AdviceRuleInputSerializer)
        )
        return self._out(body)

    @extend_schema(request=s.RemoveRuleInputSerializer, responses=s.BodySerializer)
    @action(detail=True, methods=["post"], url_path="rules/remove")
    def remove_rule(self, request, pk=None):
        """Let matters of a kind follow the body's own rule again, saying why."""
        body = self.get_object()
        values = self._input(s.RemoveRuleInputSerializer)
        rule = body.kind_rules.filter(kind=values["kind"]).first()
        if rule is None:
            kinds = ", ".join(body.kind_rules.values_list("kind", flat=True)) or "none"
            raise RuleViolation(
                "kind_rule_unknown",
                f"{body.code} has no rule of its own for {values['kind']} matters; its kinds with one are: {kinds}.",
                field="kind",
            )
        roles_services.remove_kind_rule(actor=self.actor, rule=rule, reason=values["reason"])
        return self._out(body)


def _plan_keeper(access, entry, data):
    """The forward plan's own standing check, asked before the input is read (alliance/forward_plan.py)."""
    if entry is None:
        standing.require_any_alliance_keeper(access, "keep a forward plan")
    else:
        forward_plan.require_plan_keeper(access, entry.alliance_id)


class ForwardPlanViewSet(StandingMixin, RegisterViewSet):
    """The forward plan: what an alliance expects to decide, published ahead. Its secretaries add,
    change (reschedule) and withdraw entries; an entry is never deleted, its history keeps each change."""

    serializer_class = s.ForwardPlanEntrySerializer
    filterset_class = ForwardPlanFilter
    ordering_fields = ["expected_on", "title"]
    ordering = ["expected_on", "pk"]
    queryset = ForwardPlanEntry.objects.select_related("alliance", "body")
    write_standing = {"create": _plan_keeper, "partial_update": _plan_keeper, "withdraw": _plan_keeper}
    http_method_names = ["get", "post", "patch", "head", "options"]

    @extend_schema(request=s.ForwardPlanEntryCreateSerializer, responses={201: s.ForwardPlanEntrySerializer})
    def create(self, request, *args, **kwargs):
        values = self._input(s.ForwardPlanEntryCreateSerializer)
        return self._out(forward_plan.save_entry(actor=self.actor, **values), status.HTTP_201_CREATED)

    @extend_schema(request=s.ForwardPlanEntryEditSerializer, responses=s.ForwardPlanEntrySerializer)
    def partial_update(self, request, *args, **kwargs):
        entry = self.get_object()
        values = self._input(s.ForwardPlanEntryEditSerializer)
        return self._out(forward_plan.save_entry(actor=self.actor, entry=entry, **values))

    @extend_schema(request=s.WithdrawEntrySerializer, responses=s.ForwardPlanEntrySerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        """Withdraw a planned entry, saying why; it stays in the plan's history."""
        entry = self.get_object()
        values = self._input(s.WithdrawEntrySerializer)
        return self._out(forward_plan.withdraw_entry(actor=self.actor, entry=entry, **values))
