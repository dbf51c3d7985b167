"""Serializers of roles, delegations and interests: output shapes, and input shapes for the services."""

from rest_framework import serializers

from alliance.choices import DecisionKind
from alliance.models import Alliance, GoverningBody, Membership, Organisation
from api.serializers.alliance import OrganisationRefSerializer
from api.serializers.fields import ModelSerializer, ReadablePrimaryKeyRelatedField, ReadableSlugRelatedField
from api.serializers.strict import InputSerializer, StrictInputMixin
from roles.models import DelegatedAuthority, InterestDeclaration, Person, Role, RoleAssignment, Seat


class PersonSerializer(StrictInputMixin, ModelSerializer):
    employer = ReadablePrimaryKeyRelatedField(queryset=Organisation.objects.all(), allow_null=True, required=False)

    class Meta:
        model = Person
        fields = ["id", "name", "email", "employer"]


class PersonRefSerializer(ModelSerializer):
    class Meta:
        model = Person
        fields = ["id", "name"]


class RoleSerializer(StrictInputMixin, ModelSerializer):
    alliance = ReadableSlugRelatedField(slug_field="slug", queryset=Alliance.objects.all())
    body = ReadablePrimaryKeyRelatedField(queryset=GoverningBody.objects.all(), allow_null=True, required=False)
    organisation = ReadablePrimaryKeyRelatedField(queryset=Organisation.objects.all(), allow_null=True, required=False)

    class Meta:
        model = Role
        fields = ["id", "alliance", "title", "kind", "body", "organisation", "single_holder", "description"]
        # Title uniqueness is the service's to judge, with a sentence rather than DRF's generic message.
        validators = []


class RoleRefSerializer(ModelSerializer):
    class Meta:
        model = Role
        fields = ["id", "title", "kind"]


class RoleAssignmentSerializer(StrictInputMixin, ModelSerializer):
    role = RoleRefSerializer(read_only=True)
    person = PersonRefSerializer(read_only=True)

    class Meta:
        model = RoleAssignment
        fields = ["id", "role", "person", "starts_on", "ends_on", "end_reason", "notes"]


class RoleAssignmentCreateSerializer(serializers.Serializer):
    role = ReadablePrimaryKeyRelatedField(queryset=Role.objects.all())
    person = ReadablePrimaryKeyRelatedField(queryset=Person.objects.all())
    starts_on = serializers.DateField()
    ends_on = serializers.DateField(required=False, allow_null=True)
    end_reason = serializers.ChoiceField(choices=RoleAssignment.EndReason.choices, required=False, default="")
    notes = serializers.CharField(required=False, allow_blank=True, default="")


class EndAssignmentSerializer(serializers.Serializer):
    ends_on = serializers.DateField(help_text="The last day the role is held.")
    end_reason = serializers.ChoiceField(choices=RoleAssignment.EndReason.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class HolderSerializer(ModelSerializer):
    person = PersonRefSerializer(read_only=True)

    class Meta:
        model = RoleAssignment
        fields = ["id", "person", "starts_on", "ends_on"]


class DirectoryEntrySerializer(serializers.Serializer):
    role = RoleSerializer()
    vacant = serializers.BooleanField()
    holders = HolderSerializer(many=True)


class DirectorySerializer(serializers.Serializer):
    alliance = serializers.SlugField()
    on = serializers.DateField()
    roles = DirectoryEntrySerializer(many=True)


class DirectoryQuerySerializer(serializers.Serializer):
    alliance = serializers.SlugField(help_text="The alliance's slug.")
    on = serializers.DateField(required=False, help_text="The date (YYYY-MM-DD); today when left out.")


class BodyRefSerializer(ModelSerializer):
    class Meta:
        model = GoverningBody
        fields = ["id", "code", "name"]


class DelegationSerializer(StrictInputMixin, ModelSerializer):
    role = RoleRefSerializer(read_only=True, allow_null=True)
    body = BodyRefSerializer(read_only=True)
    grantee_body = BodyRefSerializer(
        read_only=True,
        allow_null=True,
        help_text="The alliance body holding the authority collectively (the authority map), instead of a role.",
    )
    decision_kinds = serializers.ListField(child=serializers.ChoiceField(choices=DecisionKind.choices))
    reserved_kinds = serializers.ListField(
        child=serializers.ChoiceField(choices=DecisionKind.choices),
        read_only=True,
        help_text="Reserved matters: kinds that always need the granting body's approval.",
    )
    granting_decision = serializers.PrimaryKeyRelatedField(source="granted_by", read_only=True, allow_null=True)
    grant_unrecorded = serializers.BooleanField(
        read_only=True,
        help_text="True when no decision in the log granted it and no reference says where it was granted.",
    )

    class Meta:
        model = DelegatedAuthority
        fields = [
            "id",
            "role",
            "body",
            "scope",
            "decision_kinds",
            "financial_limit",
            "valid_from",
            "valid_to",
            "revoked_on",
            "revocation_reason",
            "notes",
            "grantee_body",
            "reserved_kinds",
            "must_report",
            "granted_reference",
            "granting_decision",
            "grant_unrecorded",
        ]
        read_only_fields = ["must_report", "granted_reference"]


class DelegationCreateSerializer(serializers.Serializer):
    role = ReadablePrimaryKeyRelatedField(queryset=Role.objects.all())
    body = ReadablePrimaryKeyRelatedField(queryset=GoverningBody.objects.all())
    scope = serializers.CharField()
    decision_kinds = serializers.ListField(child=serializers.ChoiceField(choices=DecisionKind.choices))
    financial_limit = serializers.DecimalField(
        max_digits=14, decimal_places=2, required=False, allow_null=True, default=None
    )
    valid_from = serializers.DateField()
    valid_to = serializers.DateField(required=False, allow_null=True, default=None)
    notes = serializers.CharField(required=False, allow_blank=True, default="")


class RevokeDelegationSerializer(serializers.Serializer):
    revoked_on = serializers.DateField(help_text="The first day the delegation no longer applies.")
    reason = serializers.CharField()


class AuthorityQuerySerializer(serializers.Serializer):
    role = ReadablePrimaryKeyRelatedField(queryset=Role.objects.all(), required=False)
    person = ReadablePrimaryKeyRelatedField(queryset=Person.objects.all(), required=False)
    kind = serializers.ChoiceField(choices=DecisionKind.choices)
    value = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0, required=False, allow_null=True)
    on = serializers.DateField(required=False, help_text="The date of the decision; today when left out.")

    def validate(self, attrs):
        if not attrs.get("role") and not attrs.get("person"):
            raise serializers.ValidationError("Give the role (?role=ID) or the person (?person=ID) who would decide.")
        return attrs


class AuthoritySerializer(serializers.Serializer):
    allowed = serializers.BooleanField()
    delegation = DelegationSerializer(allow_null=True)
    reason = serializers.CharField()


class InterestSerializer(StrictInputMixin, ModelSerializer):
    alliance = ReadableSlugRelatedField(slug_field="slug", read_only=True)
    person = PersonRefSerializer(read_only=True)
    represents = OrganisationRefSerializer(read_only=True, allow_null=True)
    concerns_organisation = OrganisationRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = InterestDeclaration
        fields = [
            "id",
            "alliance",
            "person",
            "represents",
            "interest",
            "concerns_organisation",
            "declared_on",
            "ends_on",
        ]


class InterestCreateSerializer(serializers.Serializer):
    alliance = ReadableSlugRelatedField(slug_field="slug", queryset=Alliance.objects.all())
    person = ReadablePrimaryKeyRelatedField(queryset=Person.objects.all())
    represents = ReadablePrimaryKeyRelatedField(
        queryset=Organisation.objects.all(), required=False, allow_null=True, default=None
    )
    interest = serializers.CharField()
    concerns_organisation = ReadablePrimaryKeyRelatedField(
        queryset=Organisation.objects.all(), required=False, allow_null=True, default=None
    )
    declared_on = serializers.DateField()
    ends_on = serializers.DateField(required=False, allow_null=True, default=None)


class EndInterestSerializer(serializers.Serializer):
    ends_on = serializers.DateField(help_text="The last day the interest applied.")
    reason = serializers.CharField(required=False, allow_blank=True, default="")


# Seats on a body ---------------------------------------------------------------------------


class SeatSerializer(ModelSerializer):
    body = ReadablePrimaryKeyRelatedField(read_only=True)
    organisation = OrganisationRefSerializer(source="membership.organisation", read_only=True, allow_null=True)
    person = PersonRefSerializer(read_only=True, allow_null=True)
    holder = serializers.CharField(
        source="holder_name", read_only=True, help_text="Who holds the seat: the organisation or the person."
    )

    class Meta:
        model = Seat
        fields = [
            "id",
            "body",
            "membership",
            "organisation",
            "person",
            "holder",
            "kind",
            "starts_on",
            "ends_on",
            "end_reason",
            "notes",
        ]
        read_only_fields = fields


class SeatCreateSerializer(InputSerializer):
    body = ReadablePrimaryKeyRelatedField(queryset=GoverningBody.objects.select_related("alliance"))
    membership = ReadablePrimaryKeyRelatedField(
        queryset=Membership.objects.select_related("organisation"),
        required=False,
        allow_null=True,
        help_text="The member organisation that sits; or give `person`.",
    )
    person = ReadablePrimaryKeyRelatedField(
        queryset=Person.objects.all(),
        required=False,
        allow_null=True,
        help_text="A person sitting in their own right (management or oversight bodies).",
    )
    kind = serializers.ChoiceField(choices=Seat.Kind.choices, required=False, default=Seat.Kind.VOTING)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField(required=False, allow_null=True)
    notes = serializers.CharField(required=False, allow_blank=True, default="")


class EndSeatSerializer(InputSerializer):
    ends_on = serializers.DateField(help_text="The last day the seat is held.")
    reason = serializers.CharField()
