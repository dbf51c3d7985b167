"""Forms of the secretary's award pages: shapes only; contracts.services decides every rule."""

from __future__ import annotations

from django import forms

from alliance.models import Organisation
from contracts.models import AwardProcess, Contract, Route, ServiceCategory, Submission
from decisions.forms import _date, _moment, _reason
from decisions.models import Decision, Meeting
from roles.models import Person

MONEY = {"max_digits": 14, "decimal_places": 2, "min_value": 0}


class JustificationField(forms.CharField):
    """The route justification, one point a line as 'point: what it says' (the policy names the points)."""

    widget = forms.Textarea(attrs={"rows": 4})

    def to_python(self, value) -> dict:
        points = {}
        for line in (value or "").splitlines():
            if not line.strip():
                continue
            point, colon, text = line.partition(":")
            if not colon or not point.strip():
                raise forms.ValidationError(
                    f"Write each point of the justification as 'point: what it says' (for example "
                    f"'value for money: benchmarked against two councils'); '{line.strip()[:60]}' names no point."
                )
            points[point.strip()] = text.strip()
        return points


class AwardProcessForm(forms.Form):
    title = forms.CharField(max_length=300)
    service_category = forms.ChoiceField(label="Service", choices=ServiceCategory.choices)
    route = forms.ChoiceField(choices=Route.choices)
    direct_award_to = forms.ModelChoiceField(
        label="Direct award to",
        queryset=Organisation.objects.none(),
        required=False,
        help_text="For a direct award: the one member it goes to.",
    )
    estimated_annual_value = forms.DecimalField(label="Estimated annual value (£)", **MONEY)
    estimated_total_value = forms.DecimalField(label="Estimated total value (£)", **MONEY)
    started_on = _date("Start date", required=True, help_text="The award policy in force on this day governs it.")
    route_justification = JustificationField(
        label="Route justification",
        required=False,
        help_text="One point a line, as 'point: what it says'; the award policy says which points the route needs.",
    )
    external_notice_reference = forms.CharField(
        label="External notice reference", required=False, help_text="For an external procurement."
    )
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    visibility = forms.ChoiceField(choices=Decision.Visibility.choices, initial=Decision.Visibility.MEMBERS)

    def __init__(self, *args, alliance, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["direct_award_to"].queryset = (
            Organisation.objects.filter(memberships__alliance=alliance).distinct().order_by("name")
        )


class MoveForm(forms.Form):
    """A move that needs nothing but an optional reason (open for submissions, start evaluation,
    record the approval's outcome)."""

    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False, label="Note (optional)")

    def __init__(self, *args, process: AwardProcess, **kwargs):
        super().__init__(*args, **kwargs)


class RecommendForm(MoveForm):
    recommended_submission = forms.ModelChoiceField(
        label="Recommended submission", queryset=Submission.objects.none(), required=False
    )
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, label="Why this submission")

    def __init__(self, *args, process: AwardProcess, **kwargs):
        super().__init__(*args, process=process, **kwargs)
        field = self.fields["recommended_submission"]
        field.queryset = Submission.objects.filter(process=process).select_related("bidder").order_by("bidder__name")
        field.label_from_instance = lambda s: f"{s.bidder.name} ({s.price:,.2f})"
        field.help_text = "For a direct award, the member's own submission is recommended when left empty."


class ContractForm(MoveForm):
    starts_on = _date("Contract starts on")
    ends_on = _date("Contract ends on")
    extension_until = _date("Extension option until")
    in_scope = forms.BooleanField(label="In scope of the alliance", required=False, initial=True)
    annual_value = forms.DecimalField(label="Annual value (£)", required=False, **MONEY)
    extends = forms.ModelChoiceField(
        label="Extends the contract",
        queryset=Contract.objects.none(),
        required=False,
        help_text="Only when the award extends a contract already in place.",
    )

    def __init__(self, *args, process: AwardProcess, **kwargs):
        super().__init__(*args, process=process, **kwargs)
        self.fields["extends"].queryset = Contract.objects.filter(alliance=process.alliance_id).order_by("title")


class CancelForm(MoveForm):
    reason = _reason(label="Why the process is cancelled")


class SubmissionForm(forms.Form):
    bidder = forms.ModelChoiceField(queryset=Organisation.objects.order_by("name"))
    submitted_on = _date("Submitted on", required=True)
    price = forms.DecimalField(label="Price (£)", **MONEY)
    summary = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)


class ScoreForm(forms.Form):
    submission = forms.ModelChoiceField(queryset=Submission.objects.none())
    criterion = forms.ChoiceField(choices=())
    evaluator = forms.ModelChoiceField(queryset=Person.objects.order_by("name"))
    score = forms.IntegerField(min_value=0, max_value=10, help_text="From 0 to 10.")
    scored_on = _date("Scored on", required=True)
    comment = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    reason = forms.CharField(
        label="Reason for a changed score",
        required=False,
        help_text="Only when correcting a score already recorded: the history keeps the earlier one and why.",
    )

    def __init__(self, *args, process: AwardProcess, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["submission"]
        field.queryset = Submission.objects.filter(process=process).select_related("bidder").order_by("bidder__name")
        field.label_from_instance = lambda s: s.bidder.name
        rule = next((r for r in process.policy.rules.all() if r.route == process.route), None)
        criteria = [c["name"] for c in (rule.criteria if rule else [])]
        self.fields["criterion"].choices = [(c, c) for c in criteria]


class ApprovalForm(forms.Form):
    meeting = forms.ModelChoiceField(
        queryset=Meeting.objects.none(),
        required=False,
        help_text="The meeting of the approving body that decides it; leave empty for a written procedure.",
    )
    closes_at = _moment("Votes close at", help_text="For a written procedure: 14 days from now when left empty.")

    def __init__(self, *args, process: AwardProcess, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = Meeting.objects.filter(
            body=process.policy.approving_body, status=Meeting.Status.SCHEDULED
        ).order_by("starts_at")


class FutureDecisionForm(forms.Form):
    """The agreed decision on a contract's future (contracts.services.record_future_decision)."""

    decision = forms.ModelChoiceField(
        label="Decision on its future",
        queryset=Decision.objects.none(),
        help_text="The alliance's agreed decision to extend the contract, award it again or let it end.",
    )

    def __init__(self, *args, contract: Contract, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].queryset = Decision.objects.filter(alliance_id=contract.alliance_id).order_by(
            "-decided_on", "-pk"
        )
