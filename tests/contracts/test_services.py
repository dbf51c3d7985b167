from datetime import date
from decimal import Decimal
from functools import partial

import pytest

from alliance.errors import RuleViolation
from contracts import services
from contracts.models import (
    AwardInterest,
    AwardPolicy,
    AwardProcess,
    Contract,
    EvaluationScore,
    RouteRule,
    StageTransition,
    Submission,
)
from decisions import services as decision_services
from decisions.models import Decision, Recusal, Vote
from roles.services import declare_interest
from roles.standing import SYSTEM
from tests.factories import (
    ContractFactory,
    DecisionFactory,
    InterestDeclarationFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
)
from tests.helpers import refused_watching, rows
from tests.scenes import APPROVAL_CLOSED as CLOSED
from tests.scenes import APPROVAL_OPENED as OPENED
from tests.scenes import APPROVAL_VOTED as VOTED
from tests.scenes import SCORED, STARTED, SUBMITTED, adopt, make_award_scene, make_scene

pytestmark = pytest.mark.django_db

AWARD_MODELS = (AwardProcess, StageTransition, Submission, EvaluationScore, Contract, AwardInterest)

refused = refused_watching(*AWARD_MODELS)


# Adopting a policy (rules 6 and 8)


def refused_policy(code, scene, adopted_by, *, in_force_from=date(2020, 9, 1), rules=()):
    """Adopting a policy in the scene's alliance is refused with ``code``; no policy or rule is written."""
    return refused(
        code,
        services.adopt_policy,
        AwardPolicy,
        RouteRule,
        alliance=scene.alliance,
        adopted_by=adopted_by,
        in_force_from=in_force_from,
        approving_body=scene.body,
        rules=list(rules),
    )


def test_policy_adopted_by_agreed_policy_decision_with_every_route():
    scene = make_scene()
    policy = adopt(scene)
    assert policy.version == 1
    rules = {r.route: r for r in policy.rules.all()}
    assert set(rules) == {"DIRECT_AWARD", "MINI_COMPETITION", "EXTERNAL_PROCUREMENT"}
    assert rules["DIRECT_AWARD"].max_value == Decimal("500000.00")
    assert rules["MINI_COMPETITION"].criterion_names == ["Quality", "Price"]
    assert policy.history.first().history_change_reason == "Adopted by ALT-2020-009"


def test_route_left_out_of_a_policy_is_not_allowed():
    scene = make_scene()
    policy = adopt(scene, rules=[{"route": "EXTERNAL_PROCUREMENT"}])
    assert policy.rules.get(route="DIRECT_AWARD").allowed is False


@pytest.mark.parametrize(
    "status,kind,code",
    [
        (Decision.Status.OPEN, "POLICY", "policy_decision_not_agreed"),
        (Decision.Status.NOT_AGREED, "POLICY", "policy_decision_not_agreed"),
        (Decision.Status.AGREED, "KEY", "policy_decision_not_policy"),
    ],
)
def test_policy_refused_unless_adopted_by_an_agreed_policy_decision(status, kind, code):
    scene = make_scene()
    decision = DecisionFactory(body=scene.body, kind=kind, status=status, reference="ALT-2020-001")
    refused_policy(code, scene, decision)


def test_policy_refused_when_the_decision_already_adopted_a_version():
    scene = make_scene()
    policy = adopt(scene)
    refused_policy("policy_decision_used", scene, policy.adopted_by, in_force_from=date(2021, 9, 1))


def test_policy_refused_for_a_decision_of_another_alliance():
    scene = make_scene()
    other = DecisionFactory(kind="POLICY", status=Decision.Status.AGREED, reference="X-2020-001")
    refused_policy("policy_decision_other_alliance", scene, other)


def test_new_version_must_come_into_force_after_the_last():
    scene = make_scene()
    adopt(scene)
    decision = DecisionFactory(body=scene.body, kind="POLICY", status="AGREED", reference="ALT-2021-004")
    error = refused_policy("policy_in_force_order", scene, decision)
    assert "01/09/2020" in error.message


@pytest.mark.parametrize(
    "rule,code",
    [
        ({"route": "TENDER"}, "policy_route_unknown"),
        ({"route": "MINI_COMPETITION", "criteria": []}, "policy_criteria_required"),
        ({"route": "DIRECT_AWARD", "min_value": "10", "max_value": "5"}, "policy_limits_order"),
        ({"route": "DIRECT_AWARD", "min_submissions": 2}, "policy_direct_award_submissions"),
        ({"route": "MINI_COMPETITION", "criteria": [{"name": "Quality", "weight": 0}]}, "policy_criterion_invalid"),
    ],
)
def test_policy_rules_of_a_bad_shape_are_refused(rule, code):
    scene = make_scene()
    decision = DecisionFactory(body=scene.body, kind="POLICY", status="AGREED", reference="ALT-2020-002")
    refused_policy(code, scene, decision, rules=[rule])


# Creating a process (rule 6)


def test_process_gets_reference_and_the_policy_in_force_on_its_start_date():
    s = make_award_scene()
    process = s.process()
    assert process.reference == "AW-2021-001"
    assert process.policy == s.policy
    assert process.stage == "DRAFT"
    assert s.process().reference == "AW-2021-002"
    assert process.transitions.get().to_stage == "DRAFT"


def test_process_refused_without_a_policy_in_force():
    s = make_award_scene()
    refused("award_no_policy", s.process, started_on=date(2020, 8, 1))


def test_value_above_the_route_limit_is_refused_with_the_limit_named():
    s = make_award_scene()
    error = refused("award_value_above_limit", s.process, route="DIRECT_AWARD", estimated_total_value="1200000")
    assert error.message.startswith(
        "The estimated total value of £1,200,000.00 is above the direct award to a member limit of £500,000.00 in "
        "award policy v1"
    )


def test_value_below_the_route_minimum_is_refused():
    s = make_award_scene()
    refused(
        "award_value_below_limit",
        s.process,
        route="EXTERNAL_PROCUREMENT",
        estimated_total_value="50000",
        estimated_annual_value="50000",
    )


def test_route_not_allowed_by_the_policy_is_refused():
    scene = make_scene()
    adopt(scene, rules=[{"route": "EXTERNAL_PROCUREMENT"}])
    refused(
        "award_route_not_allowed",
        partial(services.create_process, actor=SYSTEM),
        alliance=scene.alliance,
        title="Outreach",
        service_category="street_outreach",
        route="DIRECT_AWARD",
        estimated_annual_value="1",
        estimated_total_value="1",
        started_on=STARTED,
        route_justification={},
        direct_award_to=scene.members[0].organisation,
    )


def test_direct_award_justification_must_cover_value_for_money_and_why_this_member():
    s = make_award_scene()
    error = refused(
        "award_justification_incomplete",
        s.process,
        route="DIRECT_AWARD",
        route_justification={"value for money": "Benchmarked."},
    )
    assert "'why this member' is not covered" in error.message


def test_direct_award_names_a_member_open_on_the_start_date():
    s = make_award_scene()
    refused("award_direct_to_required", s.process, route="DIRECT_AWARD", direct_award_to=None)
    refused("award_direct_to_not_member", s.process, route="DIRECT_AWARD", direct_award_to=OrganisationFactory())
    process = s.process(route="DIRECT_AWARD")
    assert process.direct_award_to == s.members[0].organisation


def test_advisory_member_without_provider_capacity_cannot_take_a_direct_award():
    s = make_award_scene()
    refused(
        "award_direct_to_not_member", s.process, route="DIRECT_AWARD", direct_award_to=s.scene.advisory.organisation
    )


def test_advisory_member_with_provider_capacity_can_take_a_direct_award():
    s = make_award_scene()
    advisory = MembershipFactory(alliance=s.alliance, status="ADVISORY", capacities=["provider"])
    process = s.process(route="DIRECT_AWARD", direct_award_to=advisory.organisation)
    assert process.direct_award_to == advisory.organisation


def test_only_a_direct_award_names_who_it_goes_to():
    s = make_award_scene()
    refused("award_direct_to_wrong_route", s.process, direct_award_to=s.members[0].organisation)


def test_total_value_cannot_be_below_the_annual_value():
    s = make_award_scene()
    refused("award_total_below_annual", s.process, estimated_total_value="100", estimated_annual_value="200")


def test_correction_keeps_the_old_value_in_history_with_the_reason():
    s = make_award_scene()
    process = s.process()
    process = services.correct_process(
        actor=SYSTEM, process=process, reason="Typo in the estimate", estimated_total_value="1300000"
    )
    assert process.estimated_total_value == Decimal("1300000.00")
    latest, earlier = process.history.all()[:2]
    assert latest.history_change_reason == "Corrected: Typo in the estimate"
    assert earlier.estimated_total_value == Decimal("1200000.00")


def test_correction_refused_without_reason_beyond_limits_or_for_route():
    s = make_award_scene()
    process = s.process()
    refused(
        "award_correction_reason_required",
        partial(services.correct_process, actor=SYSTEM),
        process=process,
        reason="",
        title="X",
    )
    refused(
        "award_field_not_correctable",
        partial(services.correct_process, actor=SYSTEM),
        process=process,
        reason="r",
        route="DIRECT_AWARD",
    )
    refused(
        "award_value_above_limit",
        partial(services.correct_process, actor=SYSTEM),
        process=process,
        reason="New estimate",
        estimated_total_value="3000000",
    )


# Stages and submissions (rule 6)


def test_stages_run_in_order():
    s = make_award_scene()
    process = s.process()
    error = refused("award_stage_order", services.start_evaluation, process=process)
    assert error.conflict
    refused("award_stage_order", partial(services.transition, actor=SYSTEM), process=process, to_stage="RECOMMENDED")


def test_unknown_stage_is_refused():
    s = make_award_scene()
    refused("award_stage_unknown", partial(services.transition, actor=SYSTEM), process=s.process(), to_stage="DONE")


def test_external_procurement_records_its_notice_before_submissions():
    s = make_award_scene()
    process = s.process(route="EXTERNAL_PROCUREMENT", estimated_total_value="900000")
    refused("award_external_notice_required", services.open_submissions, process=process)
    services.correct_process(
        actor=SYSTEM, process=process, reason="Notice published", external_notice_reference="PCS-2021-0417"
    )
    process = services.open_submissions(process=process)
    assert process.stage == "SUBMISSIONS"


def test_external_procurement_accepts_non_members():
    s = make_award_scene()
    process = s.process(route="EXTERNAL_PROCUREMENT", external_notice_reference="PCS-2021-0417")
    services.open_submissions(process=process)
    outsider = OrganisationFactory(name="Glen Care Homes Ltd", kind="external_provider")
    submission = services.record_submission(
        actor=SYSTEM, process=process, bidder=outsider, submitted_on=SUBMITTED, price="800000"
    )
    assert submission.bidder == outsider


def test_mini_competition_invites_only_members():
    s = make_award_scene()
    process = s.process()
    services.open_submissions(process=process)
    refused(
        "submission_not_a_member",
        partial(services.record_submission, actor=SYSTEM),
        process=process,
        bidder=OrganisationFactory(),
        submitted_on=SUBMITTED,
        price="1",
    )


def test_direct_award_takes_only_the_named_members_submission():
    s = make_award_scene()
    process = s.process(route="DIRECT_AWARD")
    services.open_submissions(process=process)
    refused(
        "submission_not_the_direct_award",
        partial(services.record_submission, actor=SYSTEM),
        process=process,
        bidder=s.members[1].organisation,
        submitted_on=SUBMITTED,
        price="1",
    )


def test_submissions_only_while_open_once_per_bidder_and_not_before_start():
    s = make_award_scene()
    process = s.process()
    bidder = s.members[0].organisation
    kwargs = {"process": process, "bidder": bidder, "submitted_on": SUBMITTED, "price": "1"}
    refused("award_not_taking_submissions", partial(services.record_submission, actor=SYSTEM), **kwargs)
    services.open_submissions(process=process)
    refused(
        "submission_before_start",
        partial(services.record_submission, actor=SYSTEM),
        **{**kwargs, "submitted_on": date(2021, 3, 1)},
    )
    services.record_submission(actor=SYSTEM, **kwargs)
    refused("submission_already_made", partial(services.record_submission, actor=SYSTEM), **kwargs)


def test_evaluation_needs_the_policys_minimum_of_submissions():
    s = make_award_scene()
    process = s.process()
    s.bids(process, 1)
    error = refused("award_too_few_submissions", services.start_evaluation, process=process)
    assert "needs at least 2" in error.message


# Scores (rule 6)


def test_scores_recorded_during_evaluation_on_the_policys_criteria():
    s = make_award_scene()
    process = s.process()
    submissions = s.bids(process)
    services.start_evaluation(process=process)
    score = services.record_score(
        actor=SYSTEM, submission=submissions[0], criterion="quality", evaluator=s.evaluator, score=8, scored_on=SCORED
    )
    assert score.criterion == "Quality"


def test_score_refused_outside_evaluation_unknown_criterion_or_out_of_range():
    s = make_award_scene()
    process = s.process()
    submission = s.bids(process)[0]
    kwargs = {
        "submission": submission,
        "criterion": "Quality",
        "evaluator": s.evaluator,
        "score": 8,
        "scored_on": SCORED,
    }
    refused("award_not_in_evaluation", partial(services.record_score, actor=SYSTEM), **kwargs)
    services.start_evaluation(process=process)
    refused("score_criterion_unknown", partial(services.record_score, actor=SYSTEM), **{**kwargs, "criterion": "Charm"})
    refused("score_out_of_range", partial(services.record_score, actor=SYSTEM), **{**kwargs, "score": 11})


def test_evaluator_cannot_score_a_bid_from_their_own_organisation():
    s = make_award_scene()
    process = s.process()
    submission = s.bids(process)[0]
    services.start_evaluation(process=process)
    insider = PersonFactory(employer=submission.bidder)
    error = refused(
        "evaluator_conflict",
        partial(services.record_score, actor=SYSTEM),
        submission=submission,
        criterion="Quality",
        evaluator=insider,
        score=9,
        scored_on=SCORED,
    )
    assert "works for" in error.message


def test_representative_of_the_bidder_cannot_score_its_bid():
    s = make_award_scene()
    process = s.process()
    submission = s.bids(process)[0]
    services.start_evaluation(process=process)
    refused(
        "evaluator_conflict",
        partial(services.record_score, actor=SYSTEM),
        submission=submission,
        criterion="Quality",
        evaluator=s.scene.reps[0],
        score=9,
        scored_on=SCORED,
    )


def test_evaluator_with_a_declared_interest_in_the_bidder_cannot_score_it():
    s = make_award_scene()
    process = s.process()
    submission = s.bids(process)[0]
    services.start_evaluation(process=process)
    declare_interest(
        actor=SYSTEM,
        alliance=s.alliance,
        person=s.evaluator,
        interest="Trustee of the bidder.",
        declared_on=date(2021, 1, 1),
        concerns_organisation=submission.bidder,
    )
    refused(
        "evaluator_conflict",
        partial(services.record_score, actor=SYSTEM),
        submission=submission,
        criterion="Quality",
        evaluator=s.evaluator,
        score=9,
        scored_on=SCORED,
    )


def test_changed_score_is_a_correction_with_a_reason():
    s = make_award_scene()
    process = s.process()
    submission = s.bids(process)[0]
    services.start_evaluation(process=process)
    kwargs = {"submission": submission, "criterion": "Quality", "evaluator": s.evaluator, "scored_on": SCORED}
    services.record_score(actor=SYSTEM, score=6, **kwargs)
    refused("score_correction_reason_required", partial(services.record_score, actor=SYSTEM), score=8, **kwargs)
    score = services.record_score(actor=SYSTEM, score=8, reason="Misread the scoring sheet", **kwargs)
    assert score.score == 8
    assert [h.score for h in score.history.all()] == [8, 6]
    assert score.history.first().history_change_reason == "Corrected: Misread the scoring sheet"


# Recommendation (rule 6)


def test_recommendation_needs_every_evaluator_to_score_every_submission_on_every_criterion():
    s = make_award_scene()
    process = s.process()
    submissions = s.bids(process)
    services.start_evaluation(process=process)
    kwargs = {"process": process, "submission": submissions[0], "reason": "Best"}
    refused("award_scores_missing", services.recommend, **kwargs)
    s.score_all(submissions)
    second = PersonFactory(name="Second Evaluator")
    services.record_score(
        actor=SYSTEM, submission=submissions[0], criterion="Quality", evaluator=second, score=5, scored_on=SCORED
    )
    error = refused("award_scores_missing", services.recommend, **kwargs)
    assert "Second Evaluator has not scored Harbour Light Housing on Price" in error.message


def test_recommendation_names_a_submission_with_a_reason_and_a_price_within_limits():
    s = make_award_scene()
    process = s.process()
    submissions = s.bids(process)
    services.start_evaluation(process=process)
    s.score_all(submissions)
    refused("recommendation_submission_required", services.recommend, process=process, reason="Best")
    refused("recommendation_reason_required", services.recommend, process=process, submission=submissions[0])
    process = services.recommend(process=process, submission=submissions[1], reason="Best value")
    assert process.stage == "RECOMMENDED"
    assert process.recommended_submission == submissions[1]


def test_recommended_price_above_the_route_limit_is_refused():
    s = make_award_scene()
    process = s.process()
    submissions = s.bids(process)
    Submission.objects.filter(pk=submissions[0].pk).update(price=Decimal("2500000"))
    submissions[0].refresh_from_db()
    services.start_evaluation(process=process)
    s.score_all(submissions)
    error = refused(
        "award_value_above_limit", services.recommend, process=process, submission=submissions[0], reason="Best"
    )
    assert error.field == "recommended_submission"
    assert "£2,000,000.00" in error.message


def test_evaluator_with_a_declared_interest_in_the_process_cannot_score():
    s = make_award_scene()
    process = s.process()
    submission = s.bids(process)[0]
    declaration = declare_interest(
        actor=SYSTEM,
        alliance=s.alliance,
        person=s.evaluator,
        interest="Advised on the specification.",
        declared_on=date(2021, 5, 1),
    )
    services.note_interest(actor=SYSTEM, process=process, declaration=declaration, noted_on=date(2021, 5, 2))
    services.start_evaluation(process=process)
    error = refused(
        "evaluator_conflict",
        partial(services.record_score, actor=SYSTEM),
        submission=submission,
        criterion="Quality",
        evaluator=s.evaluator,
        score=9,
        scored_on=SCORED,
    )
    assert process.reference in error.message


# Approval (rule 5) and its outcome (rule 6)


def test_approval_recuses_every_bidder_and_member_with_a_declared_interest():
    s = make_award_scene()
    process, submissions = s.recommended()
    interested = declare_interest(
        actor=SYSTEM,
        alliance=s.alliance,
        person=s.scene.reps[2],
        represents=s.members[2].organisation,
        interest="Our chief executive chairs the outreach forum.",
        declared_on=date(2021, 5, 1),
    )
    services.note_interest(actor=SYSTEM, process=process, declaration=interested, noted_on=date(2021, 5, 2))
    decision = services.open_approval(actor=SYSTEM, process=process, opened_at=OPENED)
    assert decision.kind == "AWARD" and decision.status == "OPEN" and decision.body == s.scene.body
    assert decision.award_process == process
    sources = {r.membership_id: r.source for r in decision.recusals.all()}
    assert sources == {
        s.members[0].pk: Recusal.Source.SUBMISSION,
        s.members[1].pk: Recusal.Source.SUBMISSION,
        s.members[2].pk: Recusal.Source.DECLARED_INTEREST,
    }
    # A recusal for a declared interest names the declaration it rests on.
    assert {r.membership_id: r.interest for r in decision.recusals.all()}[s.members[2].pk] == interested


def test_a_noted_interest_that_ended_before_the_approval_recuses_nobody():
    s = make_award_scene()
    process, _ = s.recommended()
    ended = declare_interest(
        actor=SYSTEM,
        alliance=s.alliance,
        person=s.scene.reps[2],
        represents=s.members[2].organisation,
        interest="Chaired the outreach forum until May.",
        declared_on=date(2021, 5, 1),
        ends_on=date(2021, 5, 31),
    )
    services.note_interest(actor=SYSTEM, process=process, declaration=ended, noted_on=date(2021, 5, 2))
    decision = services.open_approval(actor=SYSTEM, process=process, opened_at=OPENED)
    assert not decision.recusals.filter(membership=s.members[2]).exists()


def test_interest_in_a_bidder_recuses_the_declarers_member():
    s = make_award_scene()
    process, _ = s.recommended()
    declare_interest(
        actor=SYSTEM,
        alliance=s.alliance,
        person=s.scene.reps[3],
        interest="Spouse works for Harbour Light Housing.",
        declared_on=date(2021, 1, 1),
        concerns_organisation=s.members[0].organisation,
    )
    decision = services.open_approval(actor=SYSTEM, process=process, opened_at=OPENED)
    assert decision.recusals.filter(membership=s.members[3], source="declared_interest").exists()


def test_recused_bidder_cannot_vote_on_the_approval():
    s = make_award_scene()
    process, _ = s.recommended()
    decision = services.open_approval(actor=SYSTEM, process=process, opened_at=OPENED)
    before = rows(Vote)
    with pytest.raises(RuleViolation) as error:
        decision_services.cast_vote(
            actor=SYSTEM,
            decision=decision,
            membership=s.members[0],
            position="AGREE",
            cast_by=s.scene.reps[0],
            cast_at=VOTED,
            now=VOTED,
        )
    assert error.value.code == "recused_member_cannot_vote"
    assert rows(Vote) == before


def test_unanimity_counts_the_members_not_recused_and_the_process_is_approved():
    s = make_award_scene()
    process, _ = s.recommended()
    decision = s.approve(process)
    assert decision.status == "AGREED"
    assert (decision.eligible_count, decision.recused_count) == (2, 2)
    process = services.transition(actor=SYSTEM, process=process, to_stage="APPROVED")
    assert process.stage == "APPROVED"
    assert process.transitions.get(to_stage="APPROVED").at == CLOSED


def test_not_agreed_approval_rejects_the_process():
    s = make_award_scene()
    process, _ = s.recommended()
    s.approve(process, position="OBJECT")
    refused("award_outcome_mismatch", partial(services.transition, actor=SYSTEM), process=process, to_stage="APPROVED")
    process = services.transition(actor=SYSTEM, process=process, to_stage="REJECTED")
    assert process.stage == "REJECTED"


def test_approval_refused_before_a_recommendation_or_twice():
    s = make_award_scene()
    process = s.process()
    models = (*AWARD_MODELS, Decision, Recusal)
    refused("award_not_recommended", services.open_approval, *models, actor=SYSTEM, process=process, opened_at=OPENED)
    process, _ = s.recommended()
    services.open_approval(actor=SYSTEM, process=process, opened_at=OPENED)
    refused("award_approval_exists", services.open_approval, *models, actor=SYSTEM, process=process, opened_at=OPENED)


def test_process_not_approved_while_its_decision_is_open_or_missing():
    s = make_award_scene()
    process, _ = s.recommended()
    refused("award_approval_missing", services.record_approval_outcome, process=process)
    services.open_approval(actor=SYSTEM, process=process, opened_at=OPENED)
    refused("award_approval_not_decided", services.record_approval_outcome, process=process)


def test_approval_by_a_body_the_policy_does_not_name_is_refused():
    s = make_award_scene()
    process, _ = s.recommended()
    other_body_decision = DecisionFactory(
        body__alliance=s.alliance, kind="AWARD", status="AGREED", reference="AMT-2021-001"
    )
    AwardProcess.objects.filter(pk=process.pk).update(approval_decision=other_body_decision)
    refused("award_approval_wrong_body", services.record_approval_outcome, process=process)


# Contract (CONTRACTED)


def test_contracted_creates_the_contract_with_term_and_scope():
    s = make_award_scene()
    process, submissions = s.recommended()
    s.approve(process)
    services.transition(actor=SYSTEM, process=process, to_stage="APPROVED")
    process = services.transition(
        actor=SYSTEM,
        process=process,
        to_stage="CONTRACTED",
        starts_on=date(2021, 7, 1),
        ends_on=date(2024, 6, 30),
        extension_until=date(2026, 6, 30),
        in_scope=False,
        annual_value="380000",
    )
    contract = process.resulting_contract
    assert contract.provider == submissions[0].bidder
    assert (contract.annual_value, contract.in_scope, contract.awarded_through) == (
        Decimal("380000.00"),
        False,
        process,
    )
    assert contract.extension_until == date(2026, 6, 30)


def test_contracted_extends_the_providers_existing_contract():
    s = make_award_scene()
    process, submissions = s.recommended()
    s.approve(process)
    services.transition(actor=SYSTEM, process=process, to_stage="APPROVED")
    existing = ContractFactory(alliance=s.alliance, provider=submissions[0].bidder, ends_on=date(2022, 3, 31))
    kwargs = {"process": process, "to_stage": "CONTRACTED", "extends": existing}
    refused(
        "contract_extension_not_later", partial(services.transition, actor=SYSTEM), ends_on=date(2022, 3, 1), **kwargs
    )
    refused(
        "contract_extension_beyond_option",
        partial(services.transition, actor=SYSTEM),
        ends_on=date(2027, 3, 31),
        **kwargs,
    )
    process = services.transition(actor=SYSTEM, ends_on=date(2025, 3, 31), **kwargs)
    existing.refresh_from_db()
    assert existing.ends_on == date(2025, 3, 31)
    assert process.resulting_contract == existing
    assert existing.history.first().history_change_reason == f"Extended by {process.reference} to 31/03/2025"


def test_contract_refused_before_approval_or_without_a_term():
    s = make_award_scene()
    process, submissions = s.recommended()
    kwargs = {"process": process, "to_stage": "CONTRACTED", "starts_on": date(2021, 7, 1), "ends_on": date(2024, 6, 30)}
    refused("award_not_approved", partial(services.transition, actor=SYSTEM), **kwargs)
    s.approve(process)
    services.transition(actor=SYSTEM, process=process, to_stage="APPROVED")
    refused("contract_end_required", partial(services.transition, actor=SYSTEM), **{**kwargs, "ends_on": None})
    refused(
        "contract_term_order", partial(services.transition, actor=SYSTEM), **{**kwargs, "ends_on": date(2021, 1, 1)}
    )
    other = ContractFactory(alliance=s.alliance, provider=submissions[1].bidder)
    refused("contract_extension_mismatch", partial(services.transition, actor=SYSTEM), **{**kwargs, "extends": other})


# Cancelling


def test_cancel_from_an_open_stage_with_a_reason_withdraws_an_open_approval():
    s = make_award_scene()
    process, _ = s.recommended()
    decision = services.open_approval(actor=SYSTEM, process=process, opened_at=OPENED)
    refused("award_cancel_reason_required", services.cancel_process, process=process, reason=" ")
    process = services.transition(actor=SYSTEM, process=process, to_stage="CANCELLED", reason="Funding withdrawn")
    assert (process.stage, process.cancellation_reason) == ("CANCELLED", "Funding withdrawn")
    decision.refresh_from_db()
    assert decision.status == "WITHDRAWN"


def test_closed_process_cannot_be_cancelled_or_corrected():
    s = make_award_scene()
    process = services.cancel_process(process=s.process(), reason="Not needed")
    refused("award_closed", services.cancel_process, process=process, reason="Again")
    refused(
        "award_closed", partial(services.correct_process, actor=SYSTEM), process=process, reason="Late", title="New"
    )


def test_interest_noted_only_while_current_and_once():
    s = make_award_scene()
    process = s.process()
    declaration = declare_interest(
        actor=SYSTEM,
        alliance=s.alliance,
        person=s.scene.reps[2],
        interest="Bidding partner.",
        declared_on=date(2021, 5, 1),
    )
    refused(
        "interest_not_current",
        partial(services.note_interest, actor=SYSTEM),
        process=process,
        declaration=declaration,
        noted_on=date(2021, 4, 1),
    )
    services.note_interest(actor=SYSTEM, process=process, declaration=declaration, noted_on=date(2021, 5, 1))
    refused(
        "interest_already_noted",
        partial(services.note_interest, actor=SYSTEM),
        process=process,
        declaration=declaration,
        noted_on=date(2021, 5, 1),
    )


def test_member_that_left_cannot_bid_in_a_mini_competition():
    s = make_award_scene()
    process = s.process()
    services.open_submissions(process=process)
    gone = MembershipFactory(alliance=s.alliance, left_on=date(2021, 1, 31))
    refused(
        "submission_not_a_member",
        partial(services.record_submission, actor=SYSTEM),
        process=process,
        bidder=gone.organisation,
        submitted_on=SUBMITTED,
        price="1",
    )


# Interests and bids that arrive while the approval is open (rule 5)


def vote(s, decision, i):
    return decision_services.cast_vote(
        actor=SYSTEM,
        decision=decision,
        membership=s.members[i],
        position="AGREE",
        cast_by=s.scene.reps[i],
        cast_at=VOTED,
        now=VOTED,
    )


def test_interest_noted_while_the_approval_is_open_recuses_and_strikes_the_vote():
    s = make_award_scene()
    process, _ = s.recommended()
    decision = services.open_approval(actor=SYSTEM, process=process, opened_at=OPENED)
    cast = vote(s, decision, 2)
    declaration = declare_interest(
        actor=SYSTEM,
        alliance=s.alliance,
        person=s.scene.reps[2],
        represents=s.members[2].organisation,
        interest="Subcontractor in the recommended bid.",
        declared_on=date(2021, 6, 12),
    )
    services.note_interest(actor=SYSTEM, process=process, declaration=declaration, noted_on=date(2021, 6, 12))
    recusal = decision.recusals.get(membership=s.members[2])
    assert (recusal.source, recusal.interest) == (Recusal.Source.DECLARED_INTEREST, declaration)
    cast.refresh_from_db()
    assert cast.struck_by == recusal
    assert cast.history.first().history_change_reason.startswith("Vote struck: member recused")
    with pytest.raises(RuleViolation) as error:
        vote(s, decision, 2)
    assert error.value.code == "recused_member_cannot_vote"


def test_interest_in_a_bidder_declared_while_the_approval_is_open_recuses_the_member():
    s = make_award_scene()
    process, _ = s.recommended()
    decision = services.open_approval(actor=SYSTEM, process=process, opened_at=OPENED)
    cast = vote(s, decision, 3)
    declare_interest(
        actor=SYSTEM,
        alliance=s.alliance,
        person=s.scene.reps[3],
        interest="Spouse now works for Harbour Light Housing.",
        declared_on=date(2021, 6, 12),
        concerns_organisation=s.members[0].organisation,
    )
    recusal = decision.recusals.get(membership=s.members[3], source="declared_interest")
    assert recusal.interest.interest == "Spouse now works for Harbour Light Housing."
    assert Vote.objects.get(pk=cast.pk).struck_by == recusal


def test_interest_declared_in_the_admin_while_the_approval_is_open_recuses_the_member(admin_client):
    s = make_award_scene()
    process, _ = s.recommended()
    decision = services.open_approval(actor=SYSTEM, process=process, opened_at=OPENED)
    response = admin_client.post(
        "/admin/roles/interestdeclaration/add/",
        {
            "alliance": s.alliance.pk,
            "person": s.scene.reps[3].pk,
            "interest": "Spouse now works for Harbour Light Housing.",
            "concerns_organisation": s.members[0].organisation.pk,
            "declared_on": "2021-06-12",
        },
    )
    assert response.status_code == 302
    assert decision.recusals.filter(membership=s.members[3], source="declared_interest").exists()


def test_an_interest_saved_without_the_service_recuses_nothing():
    # Rule 5 is driven by the service's interest_declared signal, not by saving the model.
    s = make_award_scene()
    process, _ = s.recommended()
    services.open_approval(actor=SYSTEM, process=process, opened_at=OPENED)
    before = rows(Recusal)
    InterestDeclarationFactory(
        alliance=s.alliance,
        person=s.scene.reps[3],
        concerns_organisation=s.members[0].organisation,
        declared_on=date(2021, 6, 12),
    )
    assert rows(Recusal) == before


def test_interest_noted_before_the_approval_recuses_nothing_until_it_opens():
    s = make_award_scene()
    process = s.process()
    declaration = declare_interest(
        actor=SYSTEM,
        alliance=s.alliance,
        person=s.scene.reps[2],
        interest="Bidding partner.",
        declared_on=date(2021, 5, 1),
    )
    before = rows(Recusal)
    services.note_interest(actor=SYSTEM, process=process, declaration=declaration, noted_on=date(2021, 5, 1))
    assert rows(Recusal) == before


def test_submission_refused_while_the_approval_is_open():
    s = make_award_scene()
    process, _ = s.recommended()
    services.open_approval(actor=SYSTEM, process=process, opened_at=OPENED)
    refused(
        "award_not_taking_submissions",
        partial(services.record_submission, actor=SYSTEM),
        *AWARD_MODELS,
        Recusal,
        process=process,
        bidder=s.members[3].organisation,
        submitted_on=SUBMITTED,
        price="1000000",
    )


def test_outcome_cannot_be_dated_before_its_decision_closed():
    s = make_award_scene()
    process, _ = s.recommended()
    s.approve(process)
    early = CLOSED.replace(hour=9)
    error = refused(
        "award_outcome_before_decision",
        partial(services.transition, actor=SYSTEM),
        process=process,
        to_stage="APPROVED",
        at=early,
    )
    assert error.field == "at"
    process = services.transition(actor=SYSTEM, process=process, to_stage="APPROVED", at=CLOSED)
    assert process.stage == "APPROVED"


def test_award_cannot_be_cancelled_once_its_approval_is_agreed():
    s = make_award_scene()
    process, _ = s.recommended()
    s.approve(process)
    refused(
        "award_approval_agreed", services.cancel_process, *AWARD_MODELS, Decision, process=process, reason="Changed"
    )
