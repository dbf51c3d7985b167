"""Serializers of the alliance core: output shapes, and input shapes that services consume."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from alliance.choices import DecisionKind
from alliance.models import (
    Agreement,
    AgreementBudget,
    Alliance,
    BodyRule,
    ForwardPlanEntry,
    GoverningBody,
    Membership,
    MembershipStatusChange,
    Organisation,
    rule_in_words,
)
from api.serializers.fields import ModelSerializer, ReadablePrimaryKeyRelatedField, ReadableSlugRelatedField
from api.serializers.strict import InputSerializer, StrictInputMixin


class OrganisationSerializer(StrictInputMixin, ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["id", "name", "short_name", "kind", "registration_number", "website"]


class OrganisationRefSerializer(ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["id", "name", "short_name", "kind"]


class BudgetSerializer(ModelSerializer):
    label = serializers.CharField(read_only=True)

    class Meta:
        model = AgreementBudget
        fields = ["financial_year", "label", "amount"]


class AgreementSerializer(ModelSerializer):
    budgets = BudgetSerializer(many=True, read_only=True)

    class Meta:
        model = Agreement
        fields = [
            "id",
            "version",
            "title",
            "signed_on",
            "starts_on",
            "ends_on",
            "extension_until",
            "principles",
            "budgets",
        ]


class AllianceSerializer(StrictInputMixin, ModelSerializer):
    commissioner = ReadablePrimaryKeyRelatedField(queryset=Organisation.objects.all(), allow_null=True, required=False)
    agreements = AgreementSerializer(many=True, read_only=True)

    class Meta:
        model = Alliance
        fields = ["id", "name", "slug", "purpose", "commissioner", "publish_register", "agreements"]


class StatusChangeSerializer(ModelSerializer):
    class Meta:
        model = MembershipStatusChange
        fields = ["status", "effective_on", "reason"]


class MembershipSerializer(ModelSerializer):
    alliance = ReadableSlugRelatedField(slug_field="slug", read_only=True)
    organisation = OrganisationRefSerializer(read_only=True)
    status_on = serializers.SerializerMethodField(help_text="The status on the ?on= date, when one is given.")
    status_changes = StatusChangeSerializer(many=True, read_only=True)

    class Meta:
        model = Membership
        fields = [
            "id",
            "alliance",
            "organisation",
            "status",
            "status_on",
            "is_signatory",
            "capacities",
            "joined_on",
            "left_on",
            "status_changes",
        ]

    @extend_schema_field(serializers.ChoiceField(choices=Membership.Status.choices, allow_null=True))
    def get_status_on(self, obj) -> str | None:
        return getattr(obj, "status_on", None)


class MembershipCreateSerializer(InputSerializer):
    alliance = ReadableSlugRelatedField(slug_field="slug", queryset=Alliance.objects.all())
    organisation = ReadablePrimaryKeyRelatedField(queryset=Organisation.objects.all())
    status = serializers.ChoiceField(choices=Membership.Status.choices)
    joined_on = serializers.DateField()
    left_on = serializers.DateField(required=False, allow_null=True)
    is_signatory = serializers.BooleanField(default=False)
    capacities = serializers.ListField(
        child=serializers.ChoiceField(choices=Membership.Capacity.choices), required=False, default=list
    )
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class MembershipUpdateSerializer(InputSerializer):
    joined_on = serializers.DateField(required=False)
    left_on = serializers.DateField(required=False, allow_null=True)
    is_signatory = serializers.BooleanField(required=False)
    capacities = serializers.ListField(
        child=serializers.ChoiceField(choices=Membership.Capacity.choices), required=False
    )
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class StatusChangeInputSerializer(InputSerializer):
    status = serializers.ChoiceField(choices=Membership.Status.choices)
    effective_on = serializers.DateField()
    reason = serializers.CharField()


class EndMembershipSerializer(InputSerializer):
    left_on = serializers.DateField()
    reason = serializers.CharField()


class BodyRuleSerializer(ModelSerializer):
    """How the body decides matters of one kind, where it differs from its own rule."""

    in_words = serializers.SerializerMethodField(help_text="The rule, quorum and abstention rule in words.")

    class Meta:
        model = BodyRule
        fields = ["id", "kind", "decision_rule", "quorum_count", "quorum_fraction", "abstention_blocks", "in_words"]
        read_only_fields = fields

    def get_in_words(self, rule) -> str:
        return rule_in_words(rule)


class BodyRuleInputSerializer(InputSerializer):
    kind = serializers.ChoiceField(choices=DecisionKind.choices)
    decision_rule = serializers.ChoiceField(choices=GoverningBody.DecisionRule.choices)
    quorum_count = serializers.IntegerField(required=False, allow_null=True)
    quorum_fraction = serializers.DecimalField(max_digits=4, decimal_places=3, required=False, allow_null=True)
    abstention_blocks = serializers.BooleanField(required=False, default=False)


class SeatingInputSerializer(InputSerializer):
    own_seats = serializers.BooleanField(
        help_text="true: only the body's own seats vote and advise; false: the alliance's members sit on it."
    )
    reason = serializers.CharField()


class AdviceRuleInputSerializer(InputSerializer):
    required = serializers.BooleanField(help_text="true: a KEY decision needs its advisers' advice before it closes.")
    reason = serializers.CharField()


class RemoveRuleInputSerializer(InputSerializer):
    kind = serializers.ChoiceField(choices=DecisionKind.choices)
    reason = serializers.CharField()


class BodySerializer(StrictInputMixin, ModelSerializer):
    alliance = ReadableSlugRelatedField(slug_field="slug", queryset=Alliance.objects.all())
    reports_to = ReadablePrimaryKeyRelatedField(queryset=GoverningBody.objects.all(), allow_null=True, required=False)
    quorum = serializers.CharField(source="quorum_display", read_only=True)
    abstention_blocks = serializers.BooleanField(required=False)
    own_seats = serializers.BooleanField(
        read_only=True,
        help_text="Whether only the body's own seats vote (GET /api/v1/seats/?body=); changed by POST "
        "/api/v1/bodies/{id}/seating/.",
    )
    advice_required_for_key = serializers.BooleanField(
        read_only=True,
        help_text="Whether a KEY decision closes only once its advisory members asked have advised (or a reason why "
        "not is recorded); changed by POST /api/v1/bodies/{id}/advice-rule/.",
    )
    kind_rules = BodyRuleSerializer(
        many=True, read_only=True, help_text="Kinds of matter decided by another rule than the body's own."
    )

    class Meta:
        model = GoverningBody
        fields = [
            "id",
            "alliance",
            "name",
            "code",
            "kind",
            "reports_to",
            "decision_rule",
            "quorum_count",
            "quorum_fraction",
            "quorum",
            "abstention_blocks",
            "own_seats",
            "advice_required_for_key",
            "kind_rules",
            "established_on",
            "dissolved_on",
        ]
        # Uniqueness is the service's to judge, with a sentence rather than DRF's generic message.
        validators = []


class ForwardPlanEntrySerializer(ModelSerializer):
    alliance = ReadableSlugRelatedField(slug_field="slug", read_only=True)
    body = ReadablePrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = ForwardPlanEntry
        fields = [
            "id",
            "alliance",
            "body",
            "title",
            "summary",
            "kind",
            "expected_on",
            "route",
            "contact_name",
            "contact_email",
            "published",
            "status",
            "reference",
        ]


class ForwardPlanEntryCreateSerializer(InputSerializer):
    """A new entry; the service checks title, date, route and contact (alliance/forward_plan.py)."""

    alliance = ReadableSlugRelatedField(slug_field="slug", queryset=Alliance.objects.all())
    body = ReadablePrimaryKeyRelatedField(queryset=GoverningBody.objects.all(), required=False, allow_null=True)
    title = serializers.CharField(allow_blank=True)
    summary = serializers.CharField(required=False, allow_blank=True)
    kind = serializers.ChoiceField(choices=ForwardPlanEntry._meta.get_field("kind").choices)
    expected_on = serializers.DateField()
    route = serializers.ChoiceField(choices=ForwardPlanEntry.Route.choices, required=False, allow_blank=True)
    contact_name = serializers.CharField(required=False, allow_blank=True)
    contact_email = serializers.EmailField(required=False, allow_blank=True)
    published = serializers.BooleanField(required=False)


class ForwardPlanEntryEditSerializer(InputSerializer):
    """A change to an entry (a new date reschedules it; taken names the record that took it), with why."""

    body = ReadablePrimaryKeyRelatedField(queryset=GoverningBody.objects.all(), required=False, allow_null=True)
    title = serializers.CharField(required=False, allow_blank=True)
    summary = serializers.CharField(required=False, allow_blank=True)
    kind = serializers.ChoiceField(choices=ForwardPlanEntry._meta.get_field("kind").choices, required=False)
    expected_on = serializers.DateField(required=False)
    route = serializers.ChoiceField(choices=ForwardPlanEntry.Route.choices, required=False, allow_blank=True)
    contact_name = serializers.CharField(required=False, allow_blank=True)
    contact_email = serializers.EmailField(required=False, allow_blank=True)
    published = serializers.BooleanField(required=False)
    status = serializers.ChoiceField(
        choices=[(ForwardPlanEntry.Status.PLANNED, "Planned"), (ForwardPlanEntry.Status.TAKEN, "Taken")],
        required=False,
        help_text="Withdraw an entry with the withdraw action.",
    )
    reference = serializers.CharField(required=False, allow_blank=True)
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class WithdrawEntrySerializer(InputSerializer):
    reason = serializers.CharField(allow_blank=True)
