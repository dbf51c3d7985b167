"""Forms of the decision log and the secretary's pages: shapes only; the services decide the rules."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.forms.models import ModelChoiceIterator
from django.utils import timezone

from alliance.choices import DecisionKind
from alliance.formatting import day
from alliance.forms import restrict_choices
from alliance.models import Alliance, GoverningBody, Membership, Organisation
from decisions.governing_models import AwardRoute, GoverningDocument
from decisions.models import (
    APPOINTMENT_FIELDS,
    DELEGATION_FIELDS,
    AgendaItem,
    Attendance,
    Decision,
    DecisionApproval,
    Meeting,
    Recusal,
    Vote,
)
from decisions.queries import recusal_interests
from decisions.queries_meetings import previous_meetings_to_approve
from decisions.services.actions import owners
from decisions.services.closing import CONFIRM_MISSING_LABEL
from decisions.services.registers import Presence
from roles.models import DelegatedAuthority, InterestDeclaration, Person, Role, Seat
from roles.queries import representation_on

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MOMENT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
MOMENT_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]


def _date(label: str, required: bool = False, **kwargs) -> forms.DateField:
    return forms.DateField(label=label, required=required, widget=DATE, **kwargs)


def _moment(label: str, required: bool = False, **kwargs) -> forms.DateTimeField:
    return forms.DateTimeField(label=label, required=required, widget=MOMENT, input_formats=MOMENT_FORMATS, **kwargs)


def _reason(rows: int = 3, **kwargs) -> forms.CharField:
    """A reason the record keeps in its history; left empty, the form says so in words."""
    return forms.CharField(
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"required": "Say why: the reason is kept with the record's history."},
        **kwargs,
    )


def _people(alliance: Alliance):
    """People who held a role in the alliance, or who work for one of its members."""
    return (
        Person.objects.filter(Q(assignments__role__alliance=alliance) | Q(employer__memberships__alliance=alliance))
        .distinct()
        .order_by("name", "pk")
    )


def _memberships(alliance: Alliance):
    return Membership.objects.filter(alliance=alliance).select_related("organisation").order_by("organisation__name")


class MembershipChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Membership) -> str:
        ended = f" (left {day(obj.left_on)})" if obj.left_on else ""
        return f"{obj.organisation.name}{ended}"


class GroupedChoiceIterator(ModelChoiceIterator):
    """The field's records in option groups (``field.groups``: a label and record ids, in order); a
    record in no group is offered under ``field.rest_label``, or not at all when that is None."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        records = {obj.pk: obj for obj in self.queryset}
        placed = set()
        for label, ids in self.field.groups:
            options = [self.choice(records[pk]) for pk in ids if pk in records and pk not in placed]
            placed.update(ids)
            if options:
                yield (label, options)
        rest = [self.choice(obj) for pk, obj in records.items() if pk not in placed]
        if rest and self.field.rest_label is not None:
            yield (self.field.rest_label, rest)


class GroupedModelChoiceField(forms.ModelChoiceField):
    """A choice of records offered in groups (the form sets ``groups``). It accepts every record of its
    queryset, grouped or not, so that a record the rule refuses meets the service's own sentence rather
    than "not one of the available choices"."""

    iterator = GroupedChoiceIterator

    def __init__(self, *args, rest_label: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.groups: list[tuple[str, list[int]]] = []
        self.rest_label = rest_label

    def __deepcopy__(self, memo):
        # Each form gets its own groups: the declared field's list is never shared between forms.
        result = super().__deepcopy__(memo)
        result.groups = list(self.groups)
        return result


class InterestChoiceField(GroupedModelChoiceField):
    def label_from_instance(self, obj: InterestDeclaration) -> str:
        text = obj.interest if len(obj.interest) <= 80 else f"{obj.interest[:77]}..."
        return f"{obj.person}: {text} (declared {day(obj.declared_on)})"


def _chosen(form: forms.Form, name: str) -> int | None:
    """The record id chosen (bound) or preselected (``?member=``) in ``name``, if any."""
    value = form.data.get(name) if form.is_bound else form.initial.get(name)
    return int(value) if str(value or "").isdigit() else None


def _members_first(memberships: list[Membership], chosen_id: int | None) -> list[Membership]:
    """The chosen member first, then the others in name order."""
    return sorted(memberships, key=lambda m: m.pk != chosen_id)


# The decision log --------------------------------------------------------------------------


# Meetings ----------------------------------------------------------------------------------


class ScheduleMeetingForm(forms.Form):
    body = forms.ModelChoiceField(queryset=GoverningBody.objects.none())
    starts_at = _moment("Starts at", required=True, help_text="Date and time, UK time.")
    title = forms.CharField(required=False, max_length=200)
    location = forms.CharField(required=False, max_length=200)
    online = forms.BooleanField(required=False, label="Online meeting")

    def __init__(self, *args, bodies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = bodies


class EditMeetingForm(forms.Form):
    """A scheduled meeting's moment, title and place; its body stays."""

    starts_at = _moment("Starts at", required=True, help_text="Date and time, UK time.")
    title = forms.CharField(required=False, max_length=200)
    location = forms.CharField(required=False, max_length=200)
    online = forms.BooleanField(required=False, label="Online meeting")


class AttendanceForm(forms.Form):
    person = forms.ModelChoiceField(queryset=Person.objects.none())
    capacity = forms.ChoiceField(choices=Attendance.Capacity.choices)
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        required=False,
        help_text="The member a representative or deputy attends for; an advisory member for an advisor.",
    )
    present = forms.TypedChoiceField(
        choices=[("1", "Present"), ("0", "Apologies")], coerce=lambda v: v == "1", initial="1"
    )

    def __init__(self, *args, alliance: Alliance, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = _people(alliance)
        self.fields["organisation"].queryset = Organisation.objects.filter(memberships__alliance=alliance).distinct()


class CorrectAttendanceForm(AttendanceForm):
    """One attendance row corrected: the person stays, the rest may change, and the reason is kept in history."""

    reason = _reason(2, help_text="Why the record is corrected.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["person"]


class HeldForm(forms.Form):
    minutes = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}), required=False)


class ReasonForm(forms.Form):
    reason = _reason()


class MinutesForm(forms.Form):
    minutes = forms.CharField(widget=forms.Textarea(attrs={"rows": 10}))


class ApproveMinutesForm(forms.Form):
    decision = forms.ModelChoiceField(
        queryset=Decision.objects.none(),
        label="Approving decision",
        help_text="An agreed procedural decision of the same body, taken at a later meeting or later in writing.",
    )

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        # Offered: what the service would accept on kind, body and outcome (it judges "later" itself).
        self.fields["decision"].queryset = (
            Decision.objects.filter(body=meeting.body, status=Decision.Status.AGREED, kind=DecisionKind.PROCEDURAL)
            .select_related("meeting")
            .order_by("-decided_on", "-pk")
        )


class ItemMinuteForm(forms.Form):
    discussion = forms.CharField(
        label="Minute",
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="What was discussed and concluded under this item.",
    )


class DraftMinutesApprovalForm(forms.Form):
    minutes_of = forms.ModelChoiceField(
        queryset=Meeting.objects.none(),
        label="Minutes of the meeting",
        help_text="An earlier held meeting of the same body whose minutes are not yet approved.",
    )

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["minutes_of"].queryset = previous_meetings_to_approve(meeting).select_related("body")
        self.fields["minutes_of"].label_from_instance = lambda m: f"{m} of {day(timezone.localdate(m.starts_at))}"


class MeetingActionForm(forms.Form):
    agenda_item = forms.ModelChoiceField(
        queryset=AgendaItem.objects.none(), required=False, label="Agenda item", empty_label="The meeting in general"
    )
    title = forms.CharField(max_length=300, label="Action")
    due_on = _date("Due on", required=True)
    owner_person = forms.ModelChoiceField(queryset=Person.objects.none(), required=False, label="Owner (person)")
    owner_role = forms.ModelChoiceField(queryset=Role.objects.none(), required=False, label="Owner (role)")
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        alliance_id = meeting.body.alliance_id
        self.fields["agenda_item"].queryset = AgendaItem.objects.filter(
            meeting=meeting, status=AgendaItem.Status.LISTED
        ).order_by("position")
        self.fields["owner_person"].queryset = owners(alliance_id).order_by("name", "pk")
        self.fields["owner_role"].queryset = Role.objects.filter(alliance_id=alliance_id).order_by("title")


# Decisions ---------------------------------------------------------------------------------


class DraftDecisionForm(forms.Form):
    body = forms.ModelChoiceField(queryset=GoverningBody.objects.none())
    meeting = forms.ModelChoiceField(
        queryset=Meeting.objects.none(), required=False, empty_label="None: written procedure"
    )
    title = forms.CharField(max_length=300)
    proposal = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}))
    kind = forms.ChoiceField(choices=DecisionKind.choices)
    rationale = forms.CharField(label="Reasons", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    alternatives_considered = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    visibility = forms.ChoiceField(choices=Decision.Visibility.choices, initial=Decision.Visibility.MEMBERS)
    tags = forms.CharField(required=False, help_text="Topic tags separated by commas, e.g. outreach, budget.")
    value = forms.DecimalField(label="Value (£)", required=False, max_digits=14, decimal_places=2, min_value=0)
    # The labels the services' messages quote (decisions/services/decisions.py CLOSES_AT_LABEL, REVIEW_ON_LABEL).
    closes_at = _moment("Closes at", help_text="For a written procedure (no meeting): when votes close, UK time.")
    review_on = _date("Review on", help_text="When the alliance means to look at the decision again.")
    revisits = forms.ModelMultipleChoiceField(
        queryset=Decision.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    appointment_role = forms.ModelChoiceField(queryset=Role.objects.none(), required=False)
    appointment_person = forms.ModelChoiceField(queryset=Person.objects.none(), required=False)
    appointment_starts_on = _date("Appointment starts on")
    appointment_ends_on = _date("Appointment ends on")
    delegation_role = forms.ModelChoiceField(queryset=Role.objects.none(), required=False)
    delegation_scope = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    delegation_kinds = forms.MultipleChoiceField(
        choices=DecisionKind.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    delegation_limit = forms.DecimalField(label="Delegation limit (£)", required=False, max_digits=14, decimal_places=2)
    delegation_valid_from = _date("Delegation valid from")
    delegation_valid_to = _date("Delegation valid to")
    delegation_to_revoke = forms.ModelChoiceField(queryset=DelegatedAuthority.objects.none(), required=False)

    MAIN = [
        "body",
        "meeting",
        "title",
        "proposal",
        "kind",
        "rationale",
        "alternatives_considered",
        "visibility",
        "tags",
        "value",
        "closes_at",
        "review_on",
    ]
    APPOINTMENT = APPOINTMENT_FIELDS
    DELEGATION = DELEGATION_FIELDS

    def __init__(self, *args, alliance: Alliance, bodies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = bodies
        self.fields["meeting"].queryset = (
            Meeting.objects.filter(body__in=bodies).exclude(status=Meeting.Status.CANCELLED).select_related("body")
        )
        self.fields["revisits"].queryset = Decision.objects.filter(alliance=alliance).exclude(
            status=Decision.Status.DRAFT
        )
        roles = Role.objects.filter(alliance=alliance).order_by("title")
        self.fields["appointment_role"].queryset = roles
        self.fields["delegation_role"].queryset = roles
        # Only people of this alliance are offered: a form never lists another alliance's people.
        self.fields["appointment_person"].queryset = _people(alliance)
        self.fields["delegation_to_revoke"].queryset = DelegatedAuthority.objects.filter(
            role__alliance=alliance, revoked_on__isnull=True
        ).select_related("role", "body")

    def clean_tags(self) -> list[str]:
        return [t.strip() for t in self.cleaned_data["tags"].split(",") if t.strip()]

    def edit_fields(self) -> dict:
        """What ``update_decision`` takes: every field of the form, so that a value cleared is cleared."""
        data = dict(self.cleaned_data)
        fields = {k: data[k] for k in self.fields if k not in ("body", "revisits")}
        for name in ("rationale", "alternatives_considered", "delegation_scope"):
            fields[name] = fields.get(name) or ""
        fields["delegation_kinds"] = list(fields.get("delegation_kinds") or [])
        return fields

    @classmethod
    def initial_from(cls, decision: Decision) -> dict:
        """The form's values for editing ``decision``."""
        initial = {name: getattr(decision, name) for name in cls.MAIN if name != "body"}
        initial["meeting"] = decision.meeting_id
        initial["tags"] = ", ".join(decision.tags or [])
        for name in (*APPOINTMENT_FIELDS, *DELEGATION_FIELDS):
            value = getattr(decision, name)
            initial[name] = value.pk if hasattr(value, "pk") else value
        return initial

    def service_fields(self) -> dict:
        """What ``draft_decision`` takes: empty optional fields are left to its defaults."""
        data = dict(self.cleaned_data)
        fields = {k: data[k] for k in ("body", "meeting", "title", "proposal", "kind", "visibility", "tags")}
        for name in ("rationale", "alternatives_considered", "value", "closes_at", "review_on", "revisits"):
            if data.get(name) not in (None, "", []):
                fields[name] = list(data[name]) if name == "revisits" else data[name]
        for name in self.APPOINTMENT + self.DELEGATION:
            if data.get(name) not in (None, "", []):
                fields[name] = data[name]
        return fields


class EditDecisionForm(DraftDecisionForm):
    """The draft form, for a decision already drafted: its body stays, and the links it revisits are kept."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["body"], self.fields["revisits"]


class ConfirmForm(forms.Form):
    """A step that needs no input, only the secretary's confirmation."""


class DeferForm(ReasonForm):
    review_on = _date("Look at it again on")


class SeatChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Seat) -> str:
        ended = f" (until {day(obj.ends_on)})" if obj.ends_on else ""
        return f"{obj.holder_name}{ended}"


def _person_seats(body: GoverningBody):
    return Seat.objects.filter(body=body, membership__isnull=True).select_related("person").order_by("person__name")


def _seated_memberships(alliance: Alliance, body: GoverningBody | None):
    """The members a vote or recusal may be for: every member, or on a body with seats of its own, those
    that held one of its seats."""
    memberships = _memberships(alliance)
    if body is not None and body.own_seats:
        memberships = memberships.filter(seats__body=body).distinct()
    return memberships


class CloseForm(forms.Form):
    """The close, with the confirmation a decision that would lapse for missing positions needs (rule 3)."""

    confirm_missing = forms.BooleanField(
        label=CONFIRM_MISSING_LABEL,
        required=False,
        help_text="Record the decision as lapsed: positions missing. It is not a refusal; the matter may be "
        "brought back as a new decision.",
    )

    def __init__(self, *args, missing: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not missing:
            del self.fields["confirm_missing"]


class ExtendDeadlineForm(forms.Form):
    # The label the service's messages quote (decisions/services/decisions.py CLOSES_AT_LABEL).
    closes_at = _moment(
        "Closes at",
        required=True,
        help_text="The new moment votes close, UK time: after now and after the current deadline.",
        error_messages={"required": "Give the new moment votes close."},
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, help_text="Why members are given longer."
    )


class VoteForm(forms.Form):
    membership = MembershipChoiceField(queryset=Membership.objects.none(), label="Member", required=False)
    seat = SeatChoiceField(
        queryset=Seat.objects.none(),
        required=False,
        label="Or a person's seat",
        help_text="A person sitting on the body in their own right: choose their seat instead of a member.",
    )
    position = forms.ChoiceField(choices=Vote.Position.choices)
    statement = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, help_text="Required for an objection: why."
    )
    capacity = forms.ChoiceField(
        choices=[("", "Its only capacity"), *Membership.Capacity.choices],
        required=False,
        label="Acting as",
        help_text="For a member holding several capacities (the commissioner as funder or as partner): the one it "
        "votes in.",
    )
    cast_by = GroupedModelChoiceField(
        queryset=Person.objects.none(),
        label="Cast by",
        help_text="The member's representative or deputy who gave the vote (the chosen member's are listed "
        "first); you are recorded as the person who entered it.",
        rest_label="Others: no member's representative or deputy today",
    )

    def __init__(
        self,
        *args,
        alliance: Alliance,
        body: GoverningBody | None = None,
        representative: Person | None = None,
        represents=(),
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        memberships = _seated_memberships(alliance, body)
        self.fields["membership"].queryset = memberships
        seats = _person_seats(body) if body is not None and body.own_seats else Seat.objects.none()
        if representative is not None:
            # A representative casts their own organisation's vote, and a person sitting in their own right
            # their own, as themselves (rule 2).
            self.fields["membership"].queryset = memberships.filter(organisation_id__in=represents)
            seats = seats.filter(person=representative)
            del self.fields["cast_by"]
        self._offer_capacity()
        if representative is not None:
            self.representative = representative
        if seats.exists():
            self.fields["seat"].queryset = seats
        else:
            del self.fields["seat"]
            self.fields["membership"].required = True
        if representative is not None:
            return
        # Rule 2: the secretary records the vote of a member's representative or deputy, never anyone's.
        # A vote entered on the web is cast now, so they are those of today.
        caster = self.fields["cast_by"]
        caster.queryset = _people(alliance)
        held = representation_on(alliance=alliance, on=timezone.localdate())
        caster.groups = [
            (
                f"{membership.organisation.name}: representative and deputies",
                [person_id for person_id, org_id, *_ in held if org_id == membership.organisation_id],
            )
            for membership in _members_first(list(memberships), _chosen(self, "membership"))
        ]
        if "seat" in self.fields:
            caster.groups.append(
                ("Sitting in their own right", [seat.person_id for seat in self.fields["seat"].queryset])
            )
            alliance_people = _people(alliance).values("pk")
            caster.queryset = Person.objects.filter(Q(pk__in=alliance_people) | Q(seats__body=body)).distinct()
            caster.queryset = caster.queryset.order_by("name", "pk")

    def _offer_capacity(self) -> None:
        """Ask "Acting as" only where a member on the form holds several capacities."""
        held = self.fields["membership"].queryset.values_list("capacities", flat=True)
        if not any(len(capacities or ()) > 1 for capacities in held):
            del self.fields["capacity"]

    def clean(self):
        data = super().clean()
        if hasattr(self, "representative"):
            data.update(cast_by=self.representative)
        return data


class AdviceForm(forms.Form):
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), required=False, help_text="The advisory member giving the advice."
    )
    person = forms.ModelChoiceField(
        queryset=Person.objects.none(), required=False, help_text="Or the advisor giving it in person."
    )
    advice = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, alliance: Alliance, representative: Person | None = None, represents=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(memberships__alliance=alliance).distinct()
        self.fields["person"].queryset = _people(alliance)
        if representative is not None:
            # Not the body's secretary: advice of the organisations one represents, or one's own.
            self.fields["organisation"].queryset = self.fields["organisation"].queryset.filter(pk__in=represents)
            self.fields["person"].queryset = Person.objects.filter(pk=representative.pk)


class ResponseForm(forms.Form):
    response = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), help_text="What changed because of the advice, or why not."
    )


class AskAdviceForm(forms.Form):
    membership = MembershipChoiceField(
        queryset=Membership.objects.none(),
        label="Advisory member",
        help_text="Its representatives read the decision whatever its visibility, and may give advice.",
    )

    def __init__(self, *args, alliance: Alliance, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["membership"].queryset = _memberships(alliance).filter(status=Membership.Status.ADVISORY)


class NoAdviceForm(AskAdviceForm):
    reason = _reason(help_text="Why the decision goes ahead without this member's advice.")


class RecusalForm(forms.Form):
    membership = MembershipChoiceField(queryset=Membership.objects.none(), label="Member", required=False)
    seat = SeatChoiceField(
        queryset=Seat.objects.none(),
        required=False,
        label="Or a person's seat",
        help_text="A person sitting on the body in their own right: choose their seat instead of a member.",
    )
    source = forms.ChoiceField(choices=Recusal.Source.choices)
    interest = InterestChoiceField(
        queryset=InterestDeclaration.objects.none(),
        required=False,
        help_text="Required for a declared interest: the member's declaration (for it, or by its people) open "
        "while the decision is decided. Only those are listed, by member, the chosen member's first.",
    )
    reason = _reason()

    def __init__(self, *args, alliance: Alliance, decision: Decision, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["membership"].queryset = _seated_memberships(alliance, decision.body)
        seats = _person_seats(decision.body) if decision.body.own_seats else Seat.objects.none()
        if seats.exists():
            self.fields["seat"].queryset = seats
        else:
            del self.fields["seat"]
            self.fields["membership"].required = True
        interest = self.fields["interest"]
        interest.queryset = InterestDeclaration.objects.filter(alliance=alliance).select_related("person")
        # Rule 5: only the declarations a recusal may rest on are offered; the service refuses any other.
        offered = recusal_interests(decision, today=timezone.localdate())
        interest.groups = [
            (f"Interests of {member.organisation.name}", [d.pk for d in offered.get(member.organisation_id, ())])
            for member in _members_first(list(_memberships(alliance)), _chosen(self, "membership"))
        ]


class ActionItemForm(forms.Form):
    title = forms.CharField(max_length=300)
    due_on = _date("Due on", required=True)
    owner_person = forms.ModelChoiceField(queryset=Person.objects.none(), required=False, label="Owner (person)")
    owner_role = forms.ModelChoiceField(queryset=Role.objects.none(), required=False, label="Owner (role)")
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, alliance: Alliance, **kwargs):
        super().__init__(*args, **kwargs)
        # The service's own rule: a person who holds or held a role in the alliance.
        self.fields["owner_person"].queryset = owners(alliance.pk).order_by("name", "pk")
        self.fields["owner_role"].queryset = Role.objects.filter(alliance=alliance).order_by("title")


class CompleteForm(forms.Form):
    completed_on = _date("Done on", required=True)


# A body's seats and rules ------------------------------------------------------------------


class AddSeatForm(forms.Form):
    membership = MembershipChoiceField(
        queryset=Membership.objects.none(),
        label="Member organisation",
        required=False,
        help_text="The member that sits, through its representative or deputy.",
    )
    person = forms.ModelChoiceField(
        queryset=Person.objects.none(),
        label="Or a person in their own right",
        required=False,
        help_text="On a management or oversight body, a person may sit in their own right.",
    )
    kind = forms.ChoiceField(choices=Seat.Kind.choices, label="Kind of seat", initial=Seat.Kind.VOTING)
    starts_on = _date("First day on the seat", required=True)
    ends_on = _date("Last day on the seat", help_text="Leave empty while the seat is held.")
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, alliance: Alliance, body: GoverningBody, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["membership"].queryset = _memberships(alliance)
        if body.kind == GoverningBody.Kind.LEADERSHIP:
            del self.fields["person"]
        else:
            self.fields["person"].queryset = _people(alliance)


class EndSeatForm(forms.Form):
    ends_on = _date("Last day on the seat", required=True)
    reason = _reason()


class OwnSeatsForm(forms.Form):
    reason = _reason()


class AdviceRuleForm(forms.Form):
    reason = _reason()


class KindRuleForm(forms.Form):
    kind = forms.ChoiceField(choices=DecisionKind.choices, label="Kind of matter")
    decision_rule = forms.ChoiceField(choices=GoverningBody.DecisionRule.choices, label="Decided by")
    quorum_count = forms.IntegerField(
        label="Quorum (number of voting seats present)",
        required=False,
        min_value=0,
        help_text="Give a number or a fraction; leave both empty to keep the body's own quorum.",
    )
    quorum_fraction = forms.DecimalField(
        label="Or quorum (fraction of the voting seats)",
        required=False,
        max_digits=4,
        decimal_places=3,
        help_text="For example 0.5 for half, or 1 for all.",
    )
    abstention_blocks = forms.BooleanField(label="An abstention blocks (unanimous rule only)", required=False)


# The authority map: an outside body's answer to a decision agreed subject to its approval


class ApprovalForm(forms.Form):
    outcome = forms.ChoiceField(
        choices=DecisionApproval.Outcome.choices,
        widget=forms.RadioSelect,
        label="Approved or refused",
        error_messages={"required": "Say whether the approval was given or refused."},
    )
    given_on = forms.DateField(
        label="Date given",
        widget=DATE,
        error_messages={"required": "Give the date the outside body gave (or refused) its approval."},
    )
    reference = forms.CharField(
        required=False, max_length=200, label="Reference", help_text="The outside body's minute or paper."
    )
    approving_decision = forms.ModelChoiceField(
        queryset=Decision.objects.none(),
        required=False,
        label="Decision of the outside body",
        help_text="Where its decision is in this log; otherwise give the reference.",
    )
    approver = forms.CharField(
        required=False,
        max_length=200,
        label="Who gave it",
        help_text="Where not the whole body, e.g. its chief officer.",
    )
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}), label="Note")

    def __init__(self, *args, decision: Decision, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["approving_decision"].queryset = Decision.objects.filter(body_id=decision.approval_from_id).exclude(
            reference=""
        )


# Releases ------------------------------------------------------------------------------------


class ReleaseForm(forms.Form):
    """Publish a closed decision wider than it was sealed with, now or at a moment to come (an embargo)."""

    to_visibility = forms.ChoiceField(
        label="Release to",
        choices=[(Decision.Visibility.PUBLIC, "Public"), (Decision.Visibility.MEMBERS, "Members")],
        error_messages={"required": "Choose who may read the decision once it is released."},
    )
    takes_effect_at = _moment(
        "Release at",
        help_text="Leave empty to release now; a moment to come (UK time) keeps the decision as it is until then.",
    )
    reason = _reason(
        help_text="Why the decision is released now (for example: announced at the annual meeting).",
    )


class RecusalPublicityForm(forms.Form):
    """Show or stop showing a recusal's reasons and personal details to the public."""

    public = forms.TypedChoiceField(
        label="Details shown to the public",
        choices=[("yes", "Shown"), ("no", "Not shown")],
        coerce=lambda value: value == "yes",
        widget=forms.HiddenInput,
    )
    reason = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Optional: why (for example: the member agreed to publish its interest).",
    )


# The agenda --------------------------------------------------------------------------------

CHANGE_NOTE_HELP = "Once the agenda is published: say what changed; members were already sent the agenda."


def _change_note() -> forms.CharField:
    return forms.CharField(label="What changed", max_length=300, required=False, help_text=CHANGE_NOTE_HELP)


class AgendaItemForm(forms.Form):
    """An item's title, purpose, presenter, time and what it brings; the choices are of the meeting's body
    (decisions) and alliance (award processes, people), restricted to what the user may read by the view."""

    title = forms.CharField(max_length=300)
    purpose = forms.ChoiceField(choices=AgendaItem.Purpose.choices, initial=AgendaItem.Purpose.DISCUSSION)
    presenter = forms.ModelChoiceField(queryset=Person.objects.none(), required=False, empty_label="Nobody named")
    duration_minutes = forms.IntegerField(label="Time (minutes)", required=False, min_value=1, max_value=600)
    decision = forms.ModelChoiceField(
        label="Decision it brings", queryset=Decision.objects.none(), required=False, empty_label="None"
    )
    award_process = forms.ModelChoiceField(
        label="Award process it brings",
        queryset=AgendaItem._meta.get_field("award_process").related_model.objects.none(),
        required=False,
        empty_label="None",
    )
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    change_note = _change_note()

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        alliance = meeting.body.alliance
        self.fields["presenter"].queryset = _people(alliance)
        self.fields["decision"].queryset = Decision.objects.filter(body=meeting.body).order_by("-pk")
        processes = AgendaItem._meta.get_field("award_process").related_model.objects
        self.fields["award_process"].queryset = processes.filter(alliance=alliance).order_by("-pk")
        if meeting.agenda_published_at is None:
            del self.fields["change_note"]


class AddAgendaItemForm(AgendaItemForm):
    position = forms.IntegerField(
        label="Place on the agenda", required=False, min_value=1, help_text="Leave empty to add it at the end."
    )


class WithdrawAgendaItemForm(forms.Form):
    change_note = _change_note()


class MoveAgendaItemForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", "Up one place"), ("down", "Down one place")], required=False)
    to_position = forms.IntegerField(label="Or to place", required=False, min_value=1)
    change_note = _change_note()


# The governing documents register ----------------------------------------------------------


def _routes_field() -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label="Award routes that depend on it",
        choices=AwardRoute.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="An award by one of these routes is warned while the document is not agreed.",
    )


class GoverningDocumentForm(forms.Form):
    """A document added to the register; decisions.services.governing decides the rules."""

    title = forms.CharField(max_length=300, required=False)
    kind = forms.ChoiceField(choices=GoverningDocument.Kind.choices)
    version_label = forms.CharField(label="Version", max_length=50, required=False, help_text="e.g. v0.3 draft.")
    summary = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    owner_role = forms.ModelChoiceField(
        queryset=Role.objects.none(), required=False, label="Owner (role)", help_text="The role that keeps it."
    )
    owner_body = forms.ModelChoiceField(queryset=GoverningBody.objects.none(), required=False, label="Owning body")
    target_date = _date("Target date", help_text="When it is to be agreed.")
    required_by_agreement = forms.BooleanField(label="Required by the agreement", required=False)
    agreement_clause = forms.CharField(
        label="Clause",
        max_length=100,
        required=False,
        help_text="Where the agreement requires it, e.g. Schedule part 10.",
    )
    award_routes = _routes_field()
    visibility = forms.ChoiceField(choices=GoverningDocument.Visibility.choices, initial="MEMBERS")

    def __init__(self, *args, alliance: Alliance, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_role"].queryset = Role.objects.filter(alliance=alliance).order_by("title")
        self.fields["owner_body"].queryset = GoverningBody.objects.filter(alliance=alliance).order_by("name")


class GoverningStatusForm(forms.Form):
    status = forms.ChoiceField(
        label="New status",
        choices=[(value, label) for value, label in GoverningDocument.Status.choices if value != "superseded"],
    )
    adopted_by = forms.ModelChoiceField(
        queryset=Decision.objects.none(),
        required=False,
        label="Adopted by",
        help_text="The agreed decision that adopted it: needed to mark it agreed or in operation.",
    )
    on = _date("On", help_text="Leave empty for today.")
    reason = forms.CharField(required=False, max_length=300, label="Why", help_text="Kept with the history.")

    def __init__(self, *args, alliance: Alliance, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["adopted_by"].queryset = (
            Decision.objects.filter(alliance=alliance, status=Decision.Status.AGREED)
            .exclude(reference="")
            .order_by("-decided_on", "-pk")
        )


class GoverningVersionForm(forms.Form):
    version_label = forms.CharField(label="New version", max_length=50, required=False, help_text="e.g. v2.0 draft.")
    title = forms.CharField(max_length=300, required=False, help_text="Leave empty to keep the title.")
    summary = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, help_text="What changes.")
    target_date = _date("Target date", help_text="When the new version is to be agreed.")
    reason = forms.CharField(required=False, max_length=300, label="Why", help_text="Kept with the history.")


class GoverningReviewForm(forms.Form):
    reviewed_on = _date("Reviewed on", required=True)
    next_review_on = _date("Next review")
    note = forms.CharField(required=False, max_length=300, label="Outcome", help_text="Kept with the history.")


# Registers on one screen (decisions/views_registers.py) ------------------------------------------------------


class _RegisterForm(forms.Form):
    """A register: a head form (its own fields) holding one small form per row, each with its own prefix.

    The rows are shapes only: the register's service checks each row by the one-row rules, and the view puts
    each refusal beside its row (``refuse_row``)."""

    def row_forms(self) -> list[forms.Form]:
        raise NotImplementedError

    def is_valid(self) -> bool:
        # Every row is checked (no short cut), so each shows its own errors.
        results = [super().is_valid(), *(row.is_valid() for row in self.row_forms())]
        return all(results)

    def refuse_row(self, row: forms.Form, field: str | None, message: str) -> None:
        row.add_error(field if field in row.fields else None, message)

    def rows_needing_attention(self) -> list[forms.Form]:
        return [row for row in self.row_forms() if row.errors]

    def describe_errors(self) -> None:
        """Link each refused row's inputs to the row's error sentence (aria-describedby) and focus the first
        input at fault: the page opens on the first row that needs attention, with or without JavaScript."""
        focused = False
        for row in self.rows_needing_attention():
            visible = [name for name, field in row.fields.items() if not isinstance(field.widget, forms.HiddenInput)]
            for name in visible:
                row.fields[name].widget.attrs.update(
                    {"aria-describedby": f"{row.prefix}-error", "aria-invalid": "true"}
                )
            if visible and not focused:
                at_fault = next((name for name in visible if name in row.errors), visible[0])
                row.fields[at_fault].widget.attrs["autofocus"] = True
                focused = True


class AttendanceRowForm(forms.Form):
    """One person's row: an expected attendee (``line``) names the person and organisation; an "other" row
    chooses them."""

    person = forms.ModelChoiceField(queryset=Person.objects.none(), required=False)
    capacity = forms.ChoiceField(choices=Attendance.Capacity.choices)
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), required=False, help_text="For a representative, deputy or advisor."
    )
    presence = forms.ChoiceField(label="Attendance", widget=forms.RadioSelect, choices=())

    def __init__(self, *args, alliance: Alliance, line=None, legend: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.line = line
        self.legend = str(line.person) if line is not None else legend
        self.fields["presence"].choices = Presence.choices
        if line is not None:
            del self.fields["person"]
            del self.fields["organisation"]
        else:
            self.fields["person"].queryset = _people(alliance)
            self.fields["organisation"].queryset = Organisation.objects.filter(
                memberships__alliance=alliance
            ).distinct()
            self.fields["capacity"].initial = Attendance.Capacity.OBSERVER

    @property
    def in_use(self) -> bool:
        """A row the register writes: an expected attendee's, or an "other" row naming someone (an "other" row
        left without a person is a spare one, whatever else it says)."""
        return self.line is not None or self.cleaned_data.get("person") is not None


class AttendanceRegisterForm(_RegisterForm):
    reason = forms.CharField(
        label="Why recorded rows change",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Only when you change or remove someone already recorded; kept in the record's history.",
    )

    def __init__(self, *args, alliance: Alliance, lines, access, others: int = 3, **kwargs):
        super().__init__(*args, **kwargs)
        data = args[0] if args else kwargs.get("data")
        self.rows = [
            AttendanceRowForm(
                data,
                prefix=f"p{line.person.pk}",
                alliance=alliance,
                line=line,
                initial={"capacity": line.capacity, "presence": line.presence},
            )
            for line in lines
        ]
        self.others = [
            AttendanceRowForm(
                data,
                prefix=f"other{n}",
                alliance=alliance,
                legend=f"Other attendee {n + 1}",
                initial={"presence": "present"},
            )
            for n in range(others)
        ]
        for row in self.others:
            restrict_choices(row, access)

    def row_forms(self) -> list[forms.Form]:
        return [*self.rows, *self.others]


class PositionRowForm(forms.Form):
    """One voting seat's position; "cast by" offers the seat's representative and deputy (or the person holding
    it), then the secretary entering it."""

    position = forms.ChoiceField(label="Position", widget=forms.RadioSelect, choices=(), required=False)
    statement = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), help_text="Required for an objection: why."
    )
    cast_by = forms.TypedChoiceField(label="Cast by", coerce=int, choices=(), required=False)
    capacity = forms.ChoiceField(label="Acting as", required=False, choices=())

    def __init__(self, *args, line, recorder: Person | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.line = line
        self.legend = line.voter.name
        choices = list(Vote.Position.choices)
        if line.vote is None:
            choices.append(("", "Not yet"))
        self.fields["position"].choices = choices
        name = line.voter.name
        groups = [(f"{name}: representative and deputy" if line.voter.membership else name, line.casters)]
        if recorder is not None and recorder not in line.casters:
            groups.append(("Recorded by you", [recorder]))
        self.people = {person.pk: person for _, people in groups for person in people}
        self.fields["cast_by"].choices = [("", "---------")] + [
            (label, [(person.pk, person.name) for person in people]) for label, people in groups if people
        ]
        if line.capacities:
            self.fields["capacity"].choices = [("", "Choose the capacity"), *line.capacities]
        else:
            del self.fields["capacity"]


class PositionsRegisterForm(_RegisterForm):
    cast_at = _moment(
        "Positions given at",
        help_text="UK time; leave empty for now. Positions taken at the meeting are given at its start.",
    )

    def __init__(self, *args, lines, recorder: Person | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        data = args[0] if args else kwargs.get("data")
        self.lines = lines
        self.rows = []
        for line in lines:
            if not line.votable:
                continue
            vote = line.vote
            initial = {
                "position": vote.position if vote else "",
                "statement": vote.statement if vote else "",
                "cast_by": vote.cast_by_id if vote else (line.casters[0].pk if line.casters else None),
                "capacity": vote.capacity if vote else "",
            }
            self.rows.append(PositionRowForm(data, prefix=line.key, line=line, recorder=recorder, initial=initial))

    def row_forms(self) -> list[forms.Form]:
        return self.rows

    def chosen(self) -> dict[str, str]:
        """The positions chosen on the form, by line key (for the tally of a form shown again)."""
        if not self.is_bound:
            return {}
        return {row.prefix: row.data.get(f"{row.prefix}-position", "") for row in self.rows}
