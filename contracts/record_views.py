"""The secretary's award pages: start an award process, move it through its stages, record its bids
and scores, and open its approval. Each form calls the one service the API calls (contracts.services),
with the caller's standing as ``actor``; a refusal comes back on the form in the form's words."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse

from contracts import forms, services
from contracts.models import AwardProcess
from decisions.queries_governing import route_warnings
from decisions.views import SecretaryFormView
from roles import standing

Stage = AwardProcess.Stage

# The moves offered on the award's page, each with its form, in the words the page uses.
MOVES = {
    "submissions": (Stage.SUBMISSIONS, forms.MoveForm, "Open for submissions"),
    "evaluation": (Stage.EVALUATION, forms.MoveForm, "Start evaluation"),
    "recommended": (Stage.RECOMMENDED, forms.RecommendForm, "Recommend a submission"),
    "approved": (Stage.APPROVED, forms.MoveForm, "Record the approval"),
    "rejected": (Stage.REJECTED, forms.MoveForm, "Record the rejection"),
    "contracted": (Stage.CONTRACTED, forms.ContractForm, "Award the contract"),
    "cancelled": (Stage.CANCELLED, forms.CancelForm, "Cancel the process"),
}
# What each stage leads to on the page (the service still judges each move: rule 6).
NEXT = {
    Stage.DRAFT: ["submissions"],
    Stage.SUBMISSIONS: ["evaluation"],
    Stage.EVALUATION: ["recommended"],
    Stage.RECOMMENDED: ["approved", "rejected"],
    Stage.APPROVED: ["contracted"],
}
OPEN_STAGES = (Stage.DRAFT, Stage.SUBMISSIONS, Stage.EVALUATION, Stage.RECOMMENDED)


def moves_from(process: AwardProcess) -> list[tuple[str, str]]:
    """The moves the award's page offers from the process's stage: (slug, label)."""
    slugs = NEXT.get(process.stage, []) + (["cancelled"] if process.stage in OPEN_STAGES else [])
    return [(slug, MOVES[slug][2]) for slug in slugs]


class AwardFormView(SecretaryFormView):
    """A form of the alliance's award processes: its secretaries (roles/standing.py) use it."""

    doing = "run the alliance's award processes"
    needs_process = True

    def check_standing(self, body) -> None:
        standing.require_alliance_keeper(self.access, self.alliance.pk, self.doing)

    def get_target(self):
        if not self.needs_process:
            return None
        return get_object_or_404(
            AwardProcess.objects.filter(alliance=self.alliance)
            .restrict(self.access)
            .select_related("alliance", "policy"),
            pk=self.kwargs["pk"],
        )

    def get_body(self):
        return None

    def back_url(self) -> str:
        if self.target is not None:
            return self.target.get_absolute_url()
        return reverse("award-register", kwargs={"slug": self.alliance.slug})

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if self.needs_process:
            kwargs["process"] = self.target
        return kwargs


class StartAwardView(AwardFormView):
    form_class = forms.AwardProcessForm
    needs_process = False
    needs_alliance = True
    title = "Start an award process"
    intro = (
        "The award policy in force on the start date governs the process: which routes it allows, their value "
        "limits and what the justification must cover. The process starts as a draft."
    )
    submit = "Start the process"
    success_message = "Award process started."
    doing = "start an award process"

    def get_context_data(self, **kwargs):
        # Each route that depends on a governing document not yet agreed is warned before it is chosen.
        warnings = route_warnings(self.alliance.pk, self.access)
        return {**super().get_context_data(**kwargs), "route_warnings": [s for ss in warnings.values() for s in ss]}

    def perform(self, form):
        return services.create_process(
            actor=self.access, alliance=self.alliance, created_by=self.request.user, **form.cleaned_data
        )


class MoveAwardView(AwardFormView):
    """One move of the process (``<stage>`` in the URL), through the one door for moves (transitions.py)."""

    success_message = "The process has moved on."
    doing = "move an award process to another stage"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        if kwargs["stage"] not in MOVES:
            raise Http404("No such move.")
        self.to_stage, self.form_class, self.title = MOVES[kwargs["stage"]]
        self.submit = self.title

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["intro"] = f"{self.target.reference} is at the stage '{self.target.get_stage_display()}'."
        return context

    def perform(self, form):
        details = {name: value for name, value in form.cleaned_data.items() if value not in (None, "")}
        if "recommended_submission" in details:
            details["submission"] = details.pop("recommended_submission")
        if self.to_stage == Stage.CONTRACTED:
            details["in_scope"] = form.cleaned_data["in_scope"]
        elif "in_scope" in details:
            details.pop("in_scope")
        return services.transition(
            actor=self.access, process=self.target, to_stage=self.to_stage, by=self.request.user, **details
        )


class RecordSubmissionView(AwardFormView):
    form_class = forms.SubmissionForm
    title = "Record a submission"
    intro = "Bids are recorded while the process is open for submissions, from the bidders its route admits."
    submit = "Record the submission"
    success_message = "Submission recorded."
    doing = "record the bids of an award process"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.pop("process")
        return kwargs

    def perform(self, form):
        return services.record_submission(actor=self.access, process=self.target, **form.cleaned_data)


class RecordScoreView(AwardFormView):
    form_class = forms.ScoreForm
    title = "Record a score"
    intro = (
        "Scores are recorded during evaluation, one criterion of one submission by one evaluator; no evaluator "
        "scores a bid from their own organisation or one they declared an interest in."
    )
    submit = "Record the score"
    success_message = "Score recorded."
    doing = "record the scores of an award process"

    def perform(self, form):
        return services.record_score(actor=self.access, **form.cleaned_data)

    def form_valid(self, form):
        if form.cleaned_data["submission"].process_id != self.target.pk:
            form.add_error("submission", "Choose a submission of this process.")
            return self.form_invalid(form)
        return super().form_valid(form)


class OpenApprovalView(AwardFormView):
    form_class = forms.ApprovalForm
    title = "Open the approval"
    intro = (
        "Opens the award decision of the body the award policy names; members with a submission or a declared "
        "interest in the process are recused from it (rule 5)."
    )
    submit = "Open the approval"
    success_message = "The approval decision is open."
    doing = "open the approval of an award"

    def check_standing(self, body) -> None:
        standing.require_record_keeper(self.access, self.target.policy.approving_body, self.doing)

    def perform(self, form):
        return services.open_approval(actor=self.access, process=self.target, **form.cleaned_data)

    def done_url(self, result) -> str:
        return result.get_absolute_url()
