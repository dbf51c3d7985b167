"""API views of the alliance core: thin calls of alliance.services."""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from alliance import services
from alliance.filtersets import AllianceFilter, BodyFilter, MembershipFilter, OrganisationFilter
from alliance.models import Agreement, Alliance, GoverningBody, Membership, MembershipStatusChange, Organisation
from api.access import AccessMixin
from api.history import AsOfMixin, HistoryMixin
from api.serializers import alliance as s


class AllianceViewSet(AccessMixin, HistoryMixin, viewsets.ModelViewSet):
    lookup_field = "slug"
    serializer_class = s.AllianceSerializer
    filterset_class = AllianceFilter
    ordering_fields = ["name", "slug"]
    ordering = ["name"]
    queryset = Alliance.objects.prefetch_related(
        Prefetch("agreements", queryset=Agreement.objects.prefetch_related("budgets").order_by("-version"))
    )
    http_method_names = ["get", "post", "patch", "head", "options"]

    def perform_create(self, serializer):
        serializer.instance = services.save_alliance(**serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.save_alliance(alliance=serializer.instance, **serializer.validated_data)


class OrganisationViewSet(AccessMixin, HistoryMixin, viewsets.ModelViewSet):
    serializer_class = s.OrganisationSerializer
    filterset_class = OrganisationFilter
    ordering_fields = ["name", "kind"]
    ordering = ["name"]
    queryset = Organisation.objects.all()
    http_method_names = ["get", "post", "patch", "head", "options"]

    def perform_create(self, serializer):
        serializer.instance = services.save_organisation(**serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.save_organisation(organisation=serializer.instance, **serializer.validated_data)


class MembershipViewSet(AccessMixin, HistoryMixin, AsOfMixin, viewsets.ModelViewSet):
    serializer_class = s.MembershipSerializer
    filterset_class = MembershipFilter
    ordering_fields = ["joined_on", "left_on", "organisation__name", "status"]
    ordering = ["alliance__name", "organisation__name", "joined_on"]
    queryset = Membership.objects.select_related("alliance", "organisation").prefetch_related(
        Prefetch("status_changes", queryset=MembershipStatusChange.objects.order_by("effective_on"))
    )
    http_method_names = ["get", "post", "patch", "head", "options"]

    def _out(self, membership, code=status.HTTP_200_OK):
        membership = self.get_queryset().get(pk=membership.pk)
        return Response(s.MembershipSerializer(membership, context=self.get_serializer_context()).data, status=code)

    @extend_schema(request=s.MembershipCreateSerializer, responses={201: s.MembershipSerializer})
    def create(self, request, *args, **kwargs):
        data = s.MembershipCreateSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        membership = services.create_membership(**data.validated_data)
        return self._out(membership, status.HTTP_201_CREATED)

    @extend_schema(request=s.MembershipUpdateSerializer, responses=s.MembershipSerializer)
    def partial_update(self, request, *args, **kwargs):
        data = s.MembershipUpdateSerializer(data=request.data, partial=True, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
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
        data = s.StatusChangeInputSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        services.change_membership_status(membership=membership, **data.validated_data)
        return self._out(membership, status.HTTP_201_CREATED)

    @extend_schema(request=s.EndMembershipSerializer, responses=s.MembershipSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        """Record the organisation's last day as a member and why it left."""
        membership = self.get_object()
        data = s.EndMembershipSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        membership = services.end_membership(membership=membership, **data.validated_data)
        return self._out(membership)


class BodyViewSet(AccessMixin, HistoryMixin, viewsets.ModelViewSet):
    serializer_class = s.BodySerializer
    filterset_class = BodyFilter
    ordering_fields = ["name", "code"]
    ordering = ["alliance__name", "name"]
    queryset = GoverningBody.objects.select_related("alliance")
    http_method_names = ["get", "post", "patch", "head", "options"]

    def perform_create(self, serializer):
        serializer.instance = services.save_body(**serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.save_body(body=serializer.instance, **serializer.validated_data)
