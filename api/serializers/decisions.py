"""Serializers of decisions and votes: output shapes, and input shapes that decisions.services consume."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from alliance.choices import DecisionKind
from alliance.models import GoverningBody, Membership, Organisation
from api.serializers.alliance import OrganisationRefSerializer
from api.serializers.fields import ModelSerializer, ReadablePrimaryKeyRelatedField, ReadableSlugRelatedField
from api.serializers.meetings import (
    ActionItemSerializer,
    DecisionLinkSerializer,
    PersonNameSerializer,
    VisibleDecisionLinkSerializer,
)
from api.serializers.strict import InputSerializer
from decisions.models import (
    APPOINTMENT_FIELDS,
    DELEGATION_FIELDS,
    AdviceRequest,
    AdvisoryInput,
    AdvisoryResponse,
    Decision,
    DecisionApproval,
    Meeting,
    Recusal,
    Release,
    Vote,
)
from roles.access import request_access
from roles.models import DelegatedAuthority, InterestDeclaration, Person, Role, Seat

# Output ------------------------------------------------------------------------------------


def _reader(serializer):
    request = serializer.context.get("request")
    return request_access(request) if request is not None else None


# A recusal's reasons and personal details, blanked for a reader without a standing in the alliance
# until the secretary marks them public (Recusal.details_shown_to).
RECUSAL_DETAILS = {"reason": "", "interest": None, "interest_text": None, "dispensation_reason": ""}


def _hide_recusal_details(serializer, recusal: Recusal, data: dict, alliance_id: int | None = None) -> dict:
    access = _reader(serializer)
    if access is not None and not recusal.details_shown_to(access, alliance_id):
        data.update({key: value for key, value in RECUSAL_DETAILS.items() if key in data})
    return data


class StruckBySerializer(ModelSerializer):
    """The recusal that struck a vote: the vote stays on the record and no longer counts (rule 5).
    Its reason is blank to the public until the secretary marks the recusal's details public."""

    class Meta:
        model = Recusal
        fields = ["id", "source", "reason"]
        read_only_fields = fields


class VoteSerializer(ModelSerializer):
    decision = DecisionLinkSerializer(read_only=True)
    organisation = OrganisationRefSerializer(source="membership.organisation", read_only=True, allow_null=True)
    voter = serializers.CharField(
        source="voter_name",
        read_only=True,
        help_text="Whose vote it is: the member organisation, or the person sitting in their own right.",
    )
    cast_by = PersonNameSerializer(read_only=True)
    recorded_by = PersonNameSerializer(read_only=True, allow_null=True)
    struck_by = StruckBySerializer(
        read_only=True,
        allow_null=True,
        help_text="The member's recusal that struck this vote, or null for a vote that counts.",
    )

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if instance.struck_by is not None and data.get("struck_by"):
            _hide_recusal_details(self, instance.struck_by, data["struck_by"], instance.decision.alliance_id)
        return data

    class Meta:
        model = Vote
        fields = [
            "id",
            "decision",
            "membership",
            "seat",
            "voter",
            "organisation",
            "position",
            "capacity",
            "statement",
            "cast_by",
            "recorded_by",
            "cast_at",
            "struck_by",
        ]


class StruckVoteSerializer(ModelSerializer):
    """The vote a recusal struck: kept on the record, no longer counted (rule 5)."""

    class Meta:
        model = Vote
        fields = ["id", "position", "cast_at"]
        read_only_fields = fields


class RecusalSerializer(ModelSerializer):
    organisation = OrganisationRefSerializer(source="membership.organisation", read_only=True, allow_null=True)
    voter = serializers.CharField(
        source="voter_name", read_only=True, help_text="Who is recused: the member organisation, or the person."
    )
    interest_text = serializers.CharField(
        source="interest.interest",
        read_only=True,
        allow_null=True,
        help_text="The declared interest the recusal rests on, in the declarer's words.",
    )
    struck_vote = StruckVoteSerializer(
        read_only=True,
        allow_null=True,
        help_text="The member's vote this recusal struck, or null; a dispensation does not restore it.",
    )

    class Meta:
        model = Recusal
        fields = [
            "id",
            "membership",
            "seat",
            "voter",
            "organisation",
            "source",
            "interest",
            "interest_text",
            "reason",
            "dispensation_granted",
            "dispensation_reason",
            "details_public",
            "struck_vote",
        ]
        read_only_fields = ["details_public"]

    def to_representation(self, instance):
        # The reason, the interest (who declared what) and the dispensation's reason: blank to a reader
        # without a standing in the alliance until the secretary marks them public.
        return _hide_recusal_details(self, instance, super().to_representation(instance))


class ReleaseSerializer(ModelSerializer):
    """A release: the decision published wider than it was closed with, now or at a moment to come."""

    released_by = PersonNameSerializer(read_only=True, allow_null=True)
    cancelled_by = PersonNameSerializer(read_only=True, allow_null=True)
    in_effect = serializers.BooleanField(read_only=True, help_text="Readers see the decision at to_visibility.")
    scheduled = serializers.BooleanField(
        read_only=True, help_text="Still to come (an embargo): not cancelled, its moment (or the close) not reached."
    )

    class Meta:
        model = Release
        fields = [
            "id",
            "from_visibility",
            "to_visibility",
            "takes_effect_at",
            "reason",
            "recorded_at",
            "released_by",
            "cancelled_at",
            "cancelled_by",
            "cancel_reason",
            "in_effect",
            "scheduled",
        ]
        read_only_fields = fields

    def to_representation(self, instance):
        data = super().to_representation(instance)
        access = _reader(self)
        if access is not None and not access.has_standing(instance.decision.alliance_id):
            data["released_by"] = data["cancelled_by"] = None  # people's names stay with the alliance
        return data


class AdvisoryResponseSerializer(ModelSerializer):
    responded_by = PersonNameSerializer(read_only=True, allow_null=True)

    class Meta:
        model = AdvisoryResponse
        fields = ["id", "response", "responded_at", "responded_by"]


class AdvisoryInputSerializer(ModelSerializer):
    organisation = OrganisationRefSerializer(read_only=True, allow_null=True)
    person = PersonNameSerializer(read_only=True, allow_null=True)
    responses = AdvisoryResponseSerializer(
        many=True, read_only=True, help_text="Every response, oldest first, including those added after close."
    )

    class Meta:
        model = AdvisoryInput
        fields = ["id", "organisation", "person", "advice", "given_at", "response", "responded_at", "responses"]


class AdviceRequestSerializer(ModelSerializer):
    organisation = OrganisationRefSerializer(source="membership.organisation", read_only=True)
    requested_by = PersonNameSerializer(read_only=True, allow_null=True)
    excluded_by = PersonNameSerializer(read_only=True, allow_null=True)
    no_advice_recorded_by = PersonNameSerializer(read_only=True, allow_null=True)

    class Meta:
        model = AdviceRequest
        fields = [
            "id",
            "membership",
            "organisation",
            "requested_at",
            "requested_by",
            "excluded_at",
            "excluded_by",
            "exclusion_reason",
            "no_advice_reason",
            "no_advice_recorded_at",
            "no_advice_recorded_by",
        ]


class VotesSummarySerializer(serializers.Serializer):
    agree = serializers.IntegerField()
    object = serializers.IntegerField()
    abstain = serializers.IntegerField()
    total = serializers.IntegerField()


class LaterLinksSerializer(serializers.ListSerializer):
    """Links to later decisions (amended by, superseded by, revisits, revisited by).

    ``decisions.queries.decision_log`` prefetches each into a plain list (``<name>_visible``), which
    spares Django a related manager and a queryset per decision on a page (docs/performance.md); a record read
    another way (as it stood at a past moment) has none, and reads the relation itself.
    """

    def get_attribute(self, instance):
        prefetched = getattr(instance, f"{self.field_name}_visible", None)
        if prefetched is not None:
            return prefetched
        related = super().get_attribute(instance)
        request = self.context.get("request")
        # Read from the relation (a record as it stood at a past moment), the links still pass the
        # read rule: a later decision the reader may not read is not shown.
        return related.restrict(request_access(request)) if request is not None else related


def _later_links():
    return LaterLinksSerializer(child=DecisionLinkSerializer(), read_only=True)


class DecisionApprovalSerializer(ModelSerializer):
    """The outside body's answer to a decision agreed subject to its approval: an appended record."""

    body_code = serializers.CharField(source="body.code", read_only=True)

    class Meta:
        model = DecisionApproval
        fields = [
            "id",
            "outcome",
            "body",
            "body_code",
            "approving_decision",
            "approver",
            "reference",
            "given_on",
            "note",
            "recorded_at",
        ]
        read_only_fields = fields


class DecisionSerializer(ModelSerializer):
    """A decision as the log lists it: the record, its outcome and counts, and its links."""

    alliance = ReadableSlugRelatedField(slug_field="slug", read_only=True)
    body_code = serializers.CharField(source="body.code", read_only=True)
    amends = VisibleDecisionLinkSerializer(read_only=True, allow_null=True)
    amended_by = _later_links()
    supersedes = VisibleDecisionLinkSerializer(read_only=True, allow_null=True)
    superseded_by = _later_links()
    revisits = _later_links()
    revisited_by = _later_links()
    decided_by = PersonNameSerializer(read_only=True, allow_null=True)
    votes_summary = serializers.SerializerMethodField()
    effective_visibility = serializers.ChoiceField(
        choices=Decision.Visibility.choices,
        read_only=True,
        help_text="The visibility readers see it at now: its own, widened by its releases in effect.",
    )
    releases = ReleaseSerializer(many=True, read_only=True)
    is_written_procedure = serializers.BooleanField(read_only=True)
    awaiting_outcome = serializers.BooleanField(
        read_only=True, help_text="An open written procedure whose votes closed: the secretary's close is missing."
    )
    status_text = serializers.CharField(
        read_only=True,
        help_text='The status as the pages say it: "Voting closed on 21/09/2023: waiting for the secretary to '
        'record the outcome" for an open written procedure past its closes_at.',
    )
    approval_needed = serializers.CharField(
        read_only=True,
        help_text="Set on close when the agreement goes beyond the authority an outside body delegated to the "
        "body: why it needs that body's approval (status AWAITING_APPROVAL until the approval is recorded).",
    )
    approval = DecisionApprovalSerializer(read_only=True, allow_null=True, default=None)

    class Meta:
        model = Decision
        fields = [
            "id",
            "alliance",
            "body",
            "body_code",
            "meeting",
            "reference",
            "title",
            "proposal",
            "rationale",
            "alternatives_considered",
            "kind",
            "visibility",
            "effective_visibility",
            "releases",
            "tags",
            "status",
            "status_text",
            "awaiting_outcome",
            "value",
            "is_written_procedure",
            "opened_at",
            "closes_at",
            "closed_at",
            "decided_on",
            "review_on",
            "agree_count",
            "object_count",
            "abstain_count",
            "not_voted_count",
            "recused_count",
            "eligible_count",
            "quorum_needed",
            "quorum_present",
            "outcome_explanation",
            "rule_applied",
            "votes_summary",
            "amends",
            "amended_by",
            "supersedes",
            "superseded_by",
            "revisits",
            "revisited_by",
            "taken_under",
            "decided_by",
            *APPOINTMENT_FIELDS,
            "resulting_assignment",
            *DELEGATION_FIELDS,
            "granted_delegation",
            "revoked_delegation",
            "approval_needed",
            "approval_from",
            "approval",
        ]

    @extend_schema_field(VotesSummarySerializer)
    def get_votes_summary(self, obj) -> dict:
        """The votes cast so far (annotated by the list's queryset)."""
        agree, objected, abstain = (getattr(obj, f"votes_{p}", 0) or 0 for p in ("agree", "object", "abstain"))
        return {"agree": agree, "object": objected, "abstain": abstain, "total": agree + objected + abstain}


class DecisionDetailSerializer(DecisionSerializer):
    votes = VoteSerializer(many=True, read_only=True)
    recusals = RecusalSerializer(many=True, read_only=True)
    advisory_inputs = AdvisoryInputSerializer(many=True, read_only=True)
    advice_requests = AdviceRequestSerializer(many=True, read_only=True)
    action_items = ActionItemSerializer(many=True, read_only=True)

    class Meta(DecisionSerializer.Meta):
        fields = [
            *DecisionSerializer.Meta.fields,
            "votes",
            "recusals",
            "advisory_inputs",
            "advice_requests",
            "action_items",
        ]


class RelatedDecisionSerializer(DecisionLinkSerializer):
    decided_on = serializers.DateField(read_only=True, allow_null=True)
    tags = serializers.ListField(child=serializers.CharField(), read_only=True)
    shared_tags = serializers.ListField(child=serializers.CharField(), read_only=True)
    match_score = serializers.IntegerField(read_only=True)

    class Meta(DecisionLinkSerializer.Meta):
        fields = [*DecisionLinkSerializer.Meta.fields, "decided_on", "tags", "shared_tags", "match_score"]


# Input -------------------------------------------------------------------------------------


def _pk(queryset, **kwargs):
    return ReadablePrimaryKeyRelatedField(queryset=queryset, **kwargs)


def _optional_pk(queryset):
    return _pk(queryset, required=False, allow_null=True)


class DecisionFieldsSerializer(InputSerializer):
    """The fields of a decision a secretary drafts or edits; every one optional here."""

    read_only_hints = {
        "status": (
            "A decision's status changes only through its actions: POST /api/v1/decisions/{id}/open/, "
            "close/, withdraw/ or defer/."
        ),
        "reference": "The reference is allocated when the decision is opened (POST /api/v1/decisions/{id}/open/).",
        "decided_on": "decided_on is the date the decision is closed (POST /api/v1/decisions/{id}/close/).",
        "amends": "To amend an agreed decision, POST /api/v1/decisions/{id}/amend/.",
        "supersedes": "To supersede an agreed decision, POST /api/v1/decisions/{id}/supersede/.",
    }

    title = serializers.CharField(required=False)
    proposal = serializers.CharField(required=False)
    kind = serializers.ChoiceField(choices=DecisionKind.choices, required=False)
    meeting = _optional_pk(Meeting.objects.select_related("body"))
    rationale = serializers.CharField(required=False, allow_blank=True)
    alternatives_considered = serializers.CharField(required=False, allow_blank=True)
    visibility = serializers.ChoiceField(choices=Decision.Visibility.choices, required=False)
    tags = serializers.ListField(child=serializers.CharField(), required=False)
    value = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, allow_null=True)
    closes_at = serializers.DateTimeField(required=False, allow_null=True)
    review_on = serializers.DateField(required=False, allow_null=True)
    revisits = _pk(Decision.objects.all(), many=True, required=False)
    appointment_role = _optional_pk(Role.objects.all())
    appointment_person = _optional_pk(Person.objects.all())
    appointment_starts_on = serializers.DateField(required=False, allow_null=True)
    appointment_ends_on = serializers.DateField(required=False, allow_null=True)
    delegation_role = _optional_pk(Role.objects.all())
    delegation_scope = serializers.CharField(required=False, allow_blank=True)
    delegation_kinds = serializers.ListField(
        child=serializers.ChoiceField(choices=DecisionKind.choices), required=False
    )
    delegation_limit = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, allow_null=True)
    delegation_valid_from = serializers.DateField(required=False, allow_null=True)
    delegation_valid_to = serializers.DateField(required=False, allow_null=True)
    delegation_to_revoke = _optional_pk(DelegatedAuthority.objects.select_related("role"))


class DecisionCreateSerializer(DecisionFieldsSerializer):
    body = _pk(GoverningBody.objects.all())
    title = serializers.CharField()
    proposal = serializers.CharField()
    kind = serializers.ChoiceField(choices=DecisionKind.choices)


class OpenInputSerializer(InputSerializer):
    opened_at = serializers.DateTimeField(required=False, help_text="Defaults to now.")


class CloseInputSerializer(InputSerializer):
    closed_at = serializers.DateTimeField(required=False, help_text="Defaults to now; its date is decided_on.")
    confirm_missing = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Close a unanimous decision with positions missing as LAPSED; without it such a close is "
        "refused (400 positions_missing), naming who has not given a position. See close-preview.",
    )


class ExtendInputSerializer(InputSerializer):
    closes_at = serializers.DateTimeField(help_text="The new moment votes close: after now and the current one.")
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class ClosePreviewSerializer(serializers.Serializer):
    """What closing now would record (rule 3), and who has not given a position."""

    at = serializers.DateTimeField(help_text="The moment the preview counts at (now).")
    outcome = serializers.ChoiceField(choices=Decision.Status.choices, help_text="The status closing would record.")
    outcome_label = serializers.CharField()
    explanation = serializers.CharField()
    missing = serializers.ListField(
        child=serializers.CharField(), help_text="The eligible members that have not given a position."
    )
    needs_confirmation = serializers.BooleanField(help_text="Closing needs confirm_missing: it would lapse.")
    choices = serializers.ListField(
        child=serializers.ChoiceField(choices=["extend_deadline", "defer", "close_as_lapsed", "close"]),
        help_text="The secretary's choices when positions are missing: extend (written procedure), defer, close.",
    )
    agree = serializers.IntegerField()
    object = serializers.IntegerField()
    abstain = serializers.IntegerField()
    not_voted = serializers.IntegerField()
    recused = serializers.IntegerField()
    eligible = serializers.IntegerField()
    quorum_needed = serializers.IntegerField()
    quorum_present = serializers.IntegerField()


class ApprovalInputSerializer(InputSerializer):
    outcome = serializers.ChoiceField(choices=DecisionApproval.Outcome.choices)
    given_on = serializers.DateField(help_text="The day the outside body gave (or refused) its approval.")
    reference = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="The outside body's minute or paper."
    )
    approving_decision = _pk(
        Decision.objects.select_related("body"),
        required=False,
        allow_null=True,
        default=None,
        help_text="The outside body's decision in this log, instead of a reference.",
    )
    approver = serializers.CharField(required=False, allow_blank=True, default="")
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ReasonInputSerializer(InputSerializer):
    reason = serializers.CharField()


class ReleaseInputSerializer(InputSerializer):
    to_visibility = serializers.ChoiceField(choices=Decision.Visibility.choices)
    reason = serializers.CharField()
    takes_effect_at = serializers.DateTimeField(
        required=False, allow_null=True, help_text="A moment to come schedules the release (an embargo); empty: now."
    )


class RecusalPublicityInputSerializer(InputSerializer):
    public = serializers.BooleanField(help_text="Show the recusal's reason and personal details to the public.")
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class DeferInputSerializer(ReasonInputSerializer):
    review_on = serializers.DateField(required=False, allow_null=True)


class VoteInputSerializer(InputSerializer):
    membership = _pk(
        Membership.objects.select_related("organisation", "alliance"),
        required=False,
        allow_null=True,
        help_text="The member organisation whose vote it is; or give `seat` for a person sitting in their own right.",
    )
    seat = _pk(
        Seat.objects.select_related("person", "membership__organisation", "body"),
        required=False,
        allow_null=True,
        help_text="The seat on a body with seats of its own whose vote it is (GET /api/v1/seats/).",
    )
    position = serializers.ChoiceField(choices=Vote.Position.choices)
    statement = serializers.CharField(required=False, allow_blank=True, default="")
    capacity = serializers.ChoiceField(
        choices=Membership.Capacity.choices,
        required=False,
        allow_blank=True,
        default="",
        help_text="The capacity the member votes in; required where it holds several (the commissioner as "
        "funder or partner).",
    )
    cast_by = _pk(Person.objects.all(), help_text="The representative or deputy who casts the vote.")
    recorded_by = _pk(
        Person.objects.all(),
        required=False,
        allow_null=True,
        help_text="Filled in with the caller when they are not the caster; naming anyone else is refused.",
    )
    cast_at = serializers.DateTimeField(required=False, help_text="Defaults to now.")


class PositionRowSerializer(InputSerializer):
    membership = _pk(
        Membership.objects.select_related("organisation", "alliance"),
        required=False,
        allow_null=True,
        help_text="The member organisation whose position it is; or give `seat` for a person in their own right.",
    )
    seat = _pk(
        Seat.objects.select_related("person", "membership__organisation", "body"),
        required=False,
        allow_null=True,
        help_text="The seat on a body with seats of its own whose position it is.",
    )
    position = serializers.ChoiceField(
        choices=Vote.Position.choices, required=False, allow_blank=True, default="", help_text="Empty: not yet."
    )
    statement = serializers.CharField(required=False, allow_blank=True, default="")
    capacity = serializers.ChoiceField(
        choices=Membership.Capacity.choices, required=False, allow_blank=True, default=""
    )
    cast_by = _pk(
        Person.objects.all(), required=False, allow_null=True, help_text="The representative or deputy who gave it."
    )


class PositionsRegisterSerializer(InputSerializer):
    rows = PositionRowSerializer(many=True, allow_empty=False)
    cast_at = serializers.DateTimeField(required=False, allow_null=True, default=None, help_text="Defaults to now.")


class AdviceInputSerializer(InputSerializer):
    organisation = _optional_pk(Organisation.objects.all())
    person = _optional_pk(Person.objects.all())
    advice = serializers.CharField()
    given_at = serializers.DateTimeField(required=False, help_text="Defaults to now.")


class ResponseInputSerializer(InputSerializer):
    response = serializers.CharField(help_text="What changed because of the advice, or why not.")
    responded_at = serializers.DateTimeField(required=False, help_text="Defaults to now.")


class AskAdviceInputSerializer(InputSerializer):
    membership = _pk(Membership.objects.select_related("organisation", "alliance"))


class NoAdviceInputSerializer(AskAdviceInputSerializer):
    reason = serializers.CharField(help_text="Why the decision goes ahead without this member's advice.")


class ExclusionInputSerializer(InputSerializer):
    reason = serializers.CharField(help_text="Why the advisory member is not shown the decision.")


class RecusalInputSerializer(InputSerializer):
    membership = _pk(
        Membership.objects.select_related("organisation", "alliance"),
        required=False,
        allow_null=True,
        help_text="The member organisation recused; or give `seat` for a person sitting in their own right.",
    )
    seat = _pk(
        Seat.objects.select_related("person", "membership__organisation", "body"),
        required=False,
        allow_null=True,
        help_text="The seat of the person recused, on a body with seats of its own.",
    )
    reason = serializers.CharField()
    source = serializers.ChoiceField(
        choices=Recusal.Source.choices,
        required=False,
        help_text="Left out: declared_interest when an interest is named, other when not.",
    )
    interest = _pk(
        InterestDeclaration.objects.select_related("person", "represents"),
        required=False,
        allow_null=True,
        help_text="Required for a declared interest: the member's declaration (for it, or by its people) open "
        "while the decision is decided.",
    )


class DelegatedDecisionInputSerializer(InputSerializer):
    body = _pk(GoverningBody.objects.select_related("alliance"))
    title = serializers.CharField()
    proposal = serializers.CharField()
    value = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    decided_by = _pk(Person.objects.all())
    delegation = _pk(DelegatedAuthority.objects.select_related("role", "body"))
    decided_on = serializers.DateField()
    rationale = serializers.CharField(required=False, allow_blank=True)
    alternatives_considered = serializers.CharField(required=False, allow_blank=True)
    visibility = serializers.ChoiceField(choices=Decision.Visibility.choices, required=False)
    tags = serializers.ListField(child=serializers.CharField(), required=False)
