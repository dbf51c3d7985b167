"""API views of roles, delegations and interests: thin calls of roles.services and roles.queries."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from alliance.errors import RuleViolation
from alliance.models import Alliance, GoverningBody
from api import lean, lean_roles
from api.access import StandingMixin, int_or_none
from api.history import AsOfMixin
from api.serializers import roles as s
from api.views.base import RegisterViewSet, SavedByServiceViewSet
from roles import queries, services, standing
from roles.access import request_access
from roles.filtersets import (
    DelegationFilter,
    InterestFilter,
    PersonFilter,
    RoleAssignmentFilter,
    RoleFilter,
    SeatFilter,
)
from roles.models import DelegatedAuthority, InterestDeclaration, Person, Role, RoleAssignment, Seat


class _ServiceViewSet(RegisterViewSet):
    """A register whose writes go through one service each and answer in the list's own shape."""

    def _call(self, input_serializer, service, code=status.HTTP_200_OK, **known):
        return self._out(service(**known, **self._input(input_serializer)), code)


class PersonViewSet(SavedByServiceViewSet):
    serializer_class = s.PersonSerializer
    filterset_class = PersonFilter
    ordering_fields = ["name"]
    ordering = ["name", "pk"]
    queryset = Person.objects.all()
    save_service, instance_argument = services.save_person, "person"


class RoleViewSet(SavedByServiceViewSet):
    serializer_class = s.RoleSerializer
    filterset_class = RoleFilter
    ordering_fields = ["title", "kind"]
    ordering = ["alliance__name", "title"]
    queryset = Role.objects.select_related("alliance")
    save_service, instance_argument = services.save_role, "role"


class RoleAssignmentViewSet(AsOfMixin, _ServiceViewSet):
    serializer_class = s.RoleAssignmentSerializer
    filterset_class = RoleAssignmentFilter
    ordering_fields = ["starts_on", "ends_on", "person__name", "role__title"]
    ordering = ["role__title", "starts_on", "pk"]
    queryset = RoleAssignment.objects.select_related("role", "person")

    def list(self, request, *args, **kwargs):
        # A JSON page is shaped from plain rows (api/lean_roles.py); the serializer stays its schema.
        if lean.applies(request):
            return lean_roles.assignment_page(self)
        return super().list(request, *args, **kwargs)

    @extend_schema(request=s.RoleAssignmentCreateSerializer, responses={201: s.RoleAssignmentSerializer})
    def create(self, request, *args, **kwargs):
        return self._call(s.RoleAssignmentCreateSerializer, services.assign_role, status.HTTP_201_CREATED)

    @extend_schema(request=s.EndAssignmentSerializer, responses=s.RoleAssignmentSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        """Record the last day the person holds the role and why the assignment ends."""
        return self._call(s.EndAssignmentSerializer, services.end_assignment, assignment=self.get_object())


class DirectoryViewSet(viewsets.ViewSet):
    """Every role of an alliance on a date, with its holders or marked vacant, in one call."""

    @extend_schema(parameters=[s.DirectoryQuerySerializer], responses=s.DirectorySerializer)
    def list(self, request):
        query = s.DirectoryQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        slug = query.validated_data["alliance"]
        alliance = Alliance.objects.restrict(request_access(request)).filter(slug=slug).first()
        if alliance is None or not request_access(request).has_standing(alliance.pk):
            raise RuleViolation("alliance_unknown", f"No alliance has the slug '{slug}'.", field="alliance")
        on = query.validated_data.get("on") or timezone.localdate()
        if lean.applies(request):
            return lean_roles.directory(alliance, on)
        rows = queries.directory(alliance, on)
        return Response(s.DirectorySerializer({"alliance": alliance.slug, "on": on, "roles": rows}).data)


class DelegationViewSet(AsOfMixin, _ServiceViewSet):
    serializer_class = s.DelegationSerializer
    filterset_class = DelegationFilter
    ordering_fields = ["valid_from", "valid_to", "financial_limit", "role__title"]
    ordering = ["role__title", "valid_from", "pk"]
    queryset = DelegatedAuthority.objects.select_related("role", "body", "grantee_body", "granted_by")

    @extend_schema(request=s.DelegationCreateSerializer, responses={201: s.DelegationSerializer})
    def create(self, request, *args, **kwargs):
        return self._call(s.DelegationCreateSerializer, services.grant_delegation, status.HTTP_201_CREATED)

    @extend_schema(request=s.RevokeDelegationSerializer, responses=s.DelegationSerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        """Revoke the delegation from a date, saying why."""
        return self._call(s.RevokeDelegationSerializer, services.revoke_delegation, delegation=self.get_object())

    @extend_schema(parameters=[s.AuthorityQuerySerializer], responses=s.AuthoritySerializer)
    @action(detail=False, methods=["get"], filterset_class=None, pagination_class=None)
    def check(self, request):
        """May the holder of a role (or this person) decide a matter of this kind and value on this date?"""
        query = s.AuthorityQuerySerializer(data=request.query_params, context={"request": request})
        query.is_valid(raise_exception=True)
        values = dict(query.validated_data)
        # The role and person were looked up among those the caller may read (api/serializers/fields.py).
        access = request_access(request)
        values.setdefault("on", timezone.localdate())
        values.setdefault("value", None)
        answer = queries.authority_for(**values, access=access)
        return Response(s.AuthoritySerializer(answer).data)


class InterestViewSet(StandingMixin, _ServiceViewSet):
    """The interests register: a person declares and ends their own interests; the alliance's
    secretary records and ends anyone's of the alliance (roles/standing.py). Never deleted."""

    serializer_class = s.InterestSerializer
    filterset_class = InterestFilter
    ordering_fields = ["declared_on", "ends_on", "person__name"]
    ordering = ["-declared_on", "pk"]
    queryset = InterestDeclaration.objects.select_related("alliance", "person", "represents", "concerns_organisation")
    write_standing = {
        "create": lambda access, _, data: standing.require_interest_declarer(access),
        "end": lambda access, declaration, data: standing.require_interest_ender(access, declaration),
    }

    @extend_schema(request=s.InterestCreateSerializer, responses={201: s.InterestSerializer})
    def create(self, request, *args, **kwargs):
        return self._call(
            s.InterestCreateSerializer, services.declare_interest, status.HTTP_201_CREATED, actor=self.actor
        )

    @extend_schema(request=s.EndInterestSerializer, responses=s.InterestSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        """Record the last day the declared interest applied."""
        return self._call(
            s.EndInterestSerializer, services.end_interest, declaration=self.get_object(), actor=self.actor
        )


def _seat_keeper(access, seat, data):
    if seat is not None:
        standing.require_record_keeper(access, seat.body, "keep its seats")
        return
    body = GoverningBody.objects.filter(pk=int_or_none(data.get("body"))).first()
    if body is None:
        standing.require_any_record_keeper(access, "keep a body's seats")
    else:
        standing.require_record_keeper(access, body, "keep its seats")


class SeatViewSet(StandingMixin, AsOfMixin, _ServiceViewSet):
    """The seats of bodies with seats of their own: who sits (an organisation or a person), voting or
    advisory, from and to. A body without seats of its own is sat on by the alliance's members."""

    serializer_class = s.SeatSerializer
    filterset_class = SeatFilter
    ordering_fields = ["starts_on", "ends_on"]
    ordering = ["body", "starts_on", "pk"]
    queryset = Seat.objects.select_related("body", "membership__organisation", "person")
    write_standing = {"create": _seat_keeper, "end": _seat_keeper}

    @extend_schema(request=s.SeatCreateSerializer, responses={201: s.SeatSerializer})
    def create(self, request, *args, **kwargs):
        """Seat a member organisation or a person on a body with seats of its own (the body's secretary)."""
        return self._call(s.SeatCreateSerializer, services.add_seat, status.HTTP_201_CREATED, actor=self.actor)

    @extend_schema(request=s.EndSeatSerializer, responses=s.SeatSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        """Record the last day the seat is held, and why."""
        return self._call(s.EndSeatSerializer, services.end_seat, seat=self.get_object(), actor=self.actor)
