"""API views of the audit trail's verifications: thin calls of alliance.audit.runs."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets

from alliance.audit import runs
from alliance.errors import NOT_PERMITTED, RuleViolation
from alliance.filtersets import AuditVerificationFilter
from alliance.models import AuditVerification
from api.access import AccessMixin, StandingMixin
from api.serializers import verifications as s
from api.views.base import ServiceInputMixin


def _any_oversight(access, obj, data):
    """The gate before the input is read: the caller is oversight somewhere (or staff)."""
    if not (access.staff or access.oversight_of):
        raise RuleViolation(
            NOT_PERMITTED,
            "Only members of an alliance's oversight group (or an administrator) can ask for a verification of "
            "its audit trail; ask one of them, or wait for the nightly verification.",
        )


class AuditVerificationViewSet(
    StandingMixin,
    ServiceInputMixin,
    AccessMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Verifications of the audit trail, newest first: each alliance's for its oversight group, every
    one for staff. A POST asks for one; it is queued and run outside the request, so the answer is
    202 with the queued run: read it again (``GET .../{id}/``) for its result."""

    serializer_class = s.AuditVerificationSerializer
    filterset_class = AuditVerificationFilter
    queryset = AuditVerification.objects.select_related("alliance", "requested_by", "checkpoint")
    ordering_fields = ["requested_at"]
    ordering = ["-requested_at", "-pk"]
    write_standing = {"create": _any_oversight}

    @extend_schema(request=s.AuditVerificationRequestSerializer, responses={202: s.AuditVerificationSerializer})
    def create(self, request, *args, **kwargs):
        values = self._input(s.AuditVerificationRequestSerializer)
        run = runs.request_verification(actor=self.actor, alliance=values["alliance"])
        return self._out(run, status.HTTP_202_ACCEPTED)
