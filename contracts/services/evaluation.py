"""Interests in an award, submissions, evaluation scores and the recommendation (rules 5 and 6).

An evaluator may not score a bid from their own organisation (their employer, or the member they
represent on the day) nor one they declared an interest in: in the bidder, or in the process.
"""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction
from django.db.models import Q

from alliance.errors import RuleViolation
from alliance.formatting import day
from alliance.models import Organisation
from alliance.services import save_checked
from contracts import queries
from contracts.models import AwardInterest, AwardProcess, EvaluationScore, Route, Submission
from contracts.services.approval import recuse_late_interests
from contracts.services.policies import parse_money
from contracts.services.stages import check_value, eligible_member, lock_process, record_transition, refuse_stage
from roles import standing
from roles.access import Access
from roles.models import InterestDeclaration, Person, RoleAssignment

__all__ = ["note_interest", "record_submission", "record_score", "recommend"]

Stage = AwardProcess.Stage


@transaction.atomic
def note_interest(
    *, actor: Access, process: AwardProcess, declaration: InterestDeclaration, noted_on: date
) -> AwardInterest:
    """Record that a declared interest concerns this award; its member is recused from approval (rule 5).

    When the approval is already open, the member is recused now and a vote it cast is struck.
    """
    standing.require_alliance_keeper(actor, process.alliance_id, "note an interest in an award process")
    process = lock_process(process)
    if declaration.alliance_id != process.alliance_id:
        raise RuleViolation(
            "interest_other_alliance",
            f"The interest was declared to another alliance than {process.alliance}.",
            field="declaration",
        )
    if not process.is_open:
        raise RuleViolation(
            "award_closed",
            f"{process.reference} is {process.get_stage_display().lower()}; interests are noted while it is open.",
            conflict=True,
        )
    if not declaration.is_current_on(noted_on):
        raise RuleViolation(
            "interest_not_current",
            f"{declaration.person}'s interest was not current on {day(noted_on)} (declared "
            f"{day(declaration.declared_on)}, ended {day(declaration.ends_on)}).",
            field="noted_on",
        )
    if AwardInterest.objects.filter(process=process, declaration=declaration).exists():
        raise RuleViolation(
            "interest_already_noted",
            f"{declaration.person}'s interest is already noted on {process.reference}.",
            field="declaration",
            conflict=True,
        )
    item = AwardInterest(process=process, declaration=declaration, noted_on=noted_on)
    save_checked(item, "Interest declared in the award")
    recuse_late_interests(process=process, on=noted_on)
    return item


def _check_bidder(process: AwardProcess, bidder: Organisation, submitted_on: date) -> None:
    if process.route == Route.DIRECT_AWARD and bidder.pk != process.direct_award_to_id:
        raise RuleViolation(
            "submission_not_the_direct_award",
            f"{process.reference} is a direct award to {process.direct_award_to}; only it makes a submission.",
            field="bidder",
        )
    if process.route == Route.MINI_COMPETITION and eligible_member(process.alliance, bidder, submitted_on) is None:
        raise RuleViolation(
            "submission_not_a_member",
            f"{bidder} was not a voting or provider member of {process.alliance} on {day(submitted_on)}; a "
            "mini-competition is among members only.",
            field="bidder",
        )


@transaction.atomic
def record_submission(
    *, actor: Access, process: AwardProcess, bidder: Organisation, submitted_on: date, price, summary: str = ""
) -> Submission:
    """Record a bid while the process is open for submissions, from a bidder its route admits (rule 6)."""
    standing.require_alliance_keeper(actor, process.alliance_id, "record the bids of an award process")
    process = lock_process(process)
    refuse_stage(
        process,
        Stage.SUBMISSIONS,
        "submissions are recorded only while it is open for submissions.",
        code="award_not_taking_submissions",
        field=None,
    )
    if submitted_on < process.started_on:
        raise RuleViolation(
            "submission_before_start",
            f"{process.reference} started on {day(process.started_on)}; a submission cannot be dated earlier.",
            field="submitted_on",
        )
    _check_bidder(process, bidder, submitted_on)
    if Submission.objects.filter(process=process, bidder=bidder).exists():
        raise RuleViolation(
            "submission_already_made",
            f"{bidder} already made a submission for {process.reference}; one per bidder.",
            field="bidder",
            conflict=True,
        )
    submission = Submission(
        process=process,
        bidder=bidder,
        submitted_on=submitted_on,
        price=parse_money(price, "price", required=True),
        summary=(summary or "").strip(),
    )
    save_checked(submission, "Submitted")
    return submission


def _evaluator_conflict(evaluator: Person, submission: Submission, on: date) -> str:
    """Why ``evaluator`` may not score ``submission``, or "" when they may (rule 6)."""
    bidder = submission.bidder
    if evaluator.employer_id == bidder.pk:
        return f"{evaluator} works for {bidder}, the bidder"
    represents = RoleAssignment.objects.held_on(on).filter(
        person=evaluator, role__organisation=bidder, role__alliance_id=submission.process.alliance_id
    )
    if represents.exists():
        return f"{evaluator} holds a role for {bidder}, the bidder, on {day(on)}"
    interests = InterestDeclaration.objects.current_on(on).filter(
        person=evaluator, alliance_id=submission.process.alliance_id
    )
    in_process = AwardInterest.objects.filter(process=submission.process, declaration__person=evaluator)
    if interests.filter(Q(concerns_organisation=bidder) | Q(represents=bidder)).exists() or in_process.exists():
        return f"{evaluator} declared an interest in {bidder} or in {submission.process.reference}"
    return ""


@transaction.atomic
def record_score(
    *,
    actor: Access,
    submission: Submission,
    criterion: str,
    evaluator: Person,
    score: int,
    scored_on: date,
    comment: str = "",
    reason: str = "",
) -> EvaluationScore:
    """Score one submission on one criterion; a changed score is a correction with a reason (rule 6)."""
    standing.require_alliance_keeper(actor, submission.process.alliance_id, "record the scores of an award process")
    process = lock_process(submission.process)
    submission = Submission.objects.select_related("bidder", "process").get(pk=submission.pk)
    refuse_stage(
        process,
        Stage.EVALUATION,
        "scores are recorded only during evaluation.",
        code="award_not_in_evaluation",
        field=None,
    )
    rule = process.policy.rules.get(route=process.route)
    names = {c.lower(): c for c in rule.criterion_names}
    if (criterion or "").strip().lower() not in names:
        raise RuleViolation(
            "score_criterion_unknown",
            f"'{criterion}' is not a criterion of the {rule.get_route_display().lower()} route in award policy "
            f"v{process.policy.version}"
            + (f"; score on {', '.join(rule.criterion_names)}." if names else ", which sets no scored criteria."),
            field="criterion",
        )
    criterion = names[criterion.strip().lower()]
    if not isinstance(score, int) or isinstance(score, bool) or not 0 <= score <= EvaluationScore.MAX_SCORE:
        raise RuleViolation(
            "score_out_of_range", f"A score is a whole number from 0 to 10, not {score}.", field="score"
        )
    conflict = _evaluator_conflict(evaluator, submission, scored_on)
    if conflict:
        raise RuleViolation(
            "evaluator_conflict",
            f"{conflict}, so cannot score this submission; another evaluator must score it.",
            field="evaluator",
        )
    existing = EvaluationScore.objects.filter(submission=submission, criterion=criterion, evaluator=evaluator).first()
    if existing is not None and not (reason or "").strip():
        raise RuleViolation(
            "score_correction_reason_required",
            f"{evaluator} already scored {submission.bidder} on {criterion} ({existing.score}); say why the score "
            "is corrected.",
            field="reason",
            conflict=True,
        )
    item = existing or EvaluationScore(submission=submission, criterion=criterion, evaluator=evaluator)
    item.score, item.comment, item.scored_on = score, (comment or "").strip(), scored_on
    save_checked(item, f"Corrected: {reason.strip()}" if existing else "Scored")
    return item


def _check_scores(process: AwardProcess, criteria: list[str]) -> None:
    """Every evaluator has scored every submission on every criterion (rule 6)."""
    submissions = list(process.submissions.select_related("bidder"))
    grid = queries.score_grid(process)
    if not grid["evaluators"]:
        raise RuleViolation(
            "award_scores_missing",
            f"Award policy v{process.policy.version} requires scored evaluation for this route; no score is "
            "recorded yet.",
            conflict=True,
        )
    for evaluator in grid["evaluators"]:
        for submission in submissions:
            for criterion in criteria:
                if (submission.pk, criterion, evaluator.pk) not in grid["scores"]:
                    raise RuleViolation(
                        "award_scores_missing",
                        f"{evaluator} has not scored {submission.bidder} on {criterion}; every evaluator scores "
                        "every submission on every criterion before a recommendation.",
                        conflict=True,
                    )


@transaction.atomic
def recommend(
    *,
    process: AwardProcess,
    submission: Submission | None = None,
    reason: str = "",
    by=None,
    at: datetime | None = None,
) -> AwardProcess:
    """Recommend one submission once evaluation is complete (rule 6)."""
    process = lock_process(process)
    refuse_stage(process, Stage.EVALUATION, "a recommendation follows evaluation.")
    if submission is None or submission.process_id != process.pk:
        raise RuleViolation(
            "recommendation_submission_required",
            f"Name the submission to {process.reference} that is recommended.",
            field="recommended_submission",
        )
    if not (reason or "").strip():
        raise RuleViolation("recommendation_reason_required", "Say why this submission is recommended.", field="reason")
    rule = process.policy.rules.get(route=process.route)
    if process.route == Route.MINI_COMPETITION or rule.scored_evaluation_required:
        _check_scores(process, rule.criterion_names)
    check_value(rule, process.policy, submission.price, "recommended_submission", "The recommended price")
    process.recommended_submission = submission
    record_transition(process=process, to_stage=Stage.RECOMMENDED, by=by, reason=reason.strip(), at=at)
    return process
