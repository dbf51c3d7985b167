"""The delivery plan's rules: who keeps it, adoption and every change by an agreed decision of the
alliance, milestones' targets, red / amber / green with reasons, achieved, dependent contracts, and
the end of a workstream; each refusal writes nothing."""

from datetime import UTC, date, datetime

import pytest

from contracts import services
from contracts.delivery_models import Milestone, Workstream, WorkstreamContract
from decisions.models import Decision
from roles.models import Role
from roles.standing import SYSTEM
from tests.factories import (
    AllianceFactory,
    ContractFactory,
    DecisionFactory,
    GoverningBodyFactory,
    MilestoneFactory,
    RoleAssignmentFactory,
    RoleFactory,
    WorkstreamContractFactory,
    WorkstreamFactory,
)
from tests.helpers import actor_for, refused_watching, viewer_of

pytestmark = pytest.mark.django_db

refused = refused_watching(Workstream, Milestone, WorkstreamContract)
Status = Workstream.Status


def agreed(scene, reference="ALT-2021-010", **fields) -> Decision:
    values = {"body": scene.body, "status": Decision.Status.AGREED, "reference": reference}
    return DecisionFactory(**{**values, "decided_on": date(2021, 6, 1), **fields})


def proposed(scene, **fields) -> Workstream:
    values = {"alliance": scene.alliance, "title": "Outreach redesign", "status": Status.PROPOSED, "adopted_by": None}
    return WorkstreamFactory(**{**values, **fields})


def active(scene, **fields) -> Workstream:
    return WorkstreamFactory(**{"alliance": scene.alliance, "title": "Outreach redesign", **fields})


@pytest.fixture
def secretary(scene):
    return actor_for(scene.secretary)


@pytest.fixture
def oversight(scene):
    role = RoleFactory(alliance=scene.alliance, title="Oversight member", kind=Role.Kind.OVERSIGHT_MEMBER)
    person = RoleAssignmentFactory(role=role).person
    return actor_for(person)


# Who keeps the plan ------------------------------------------------------------------------


def test_secretary_proposes_a_workstream(scene, secretary):
    owner = RoleFactory(alliance=scene.alliance, title="Alliance director")
    workstream = services.create_workstream(
        actor=secretary,
        alliance=scene.alliance,
        title=" Outreach redesign ",
        objective="One outreach service across the city.",
        alliance_objective="Fewer people sleeping rough",
        success_definition="The redesigned service commissioned before the contracts end.",
        owner_role=owner,
        body=scene.body,
    )
    assert (workstream.title, workstream.status, workstream.owner_role) == ("Outreach redesign", "proposed", owner)
    assert workstream.adopted_by is None
    assert workstream.history.first().history_change_reason == "Workstream proposed"


@pytest.mark.parametrize("who", ["oversight", "representative", "viewer"])
def test_only_the_secretary_or_staff_writes_the_plan(scene, oversight, who):
    actor = {
        "oversight": oversight,
        "representative": actor_for(scene.reps[0]),
        "viewer": actor_for(viewer_of(scene.alliance)),
    }[who]
    error = refused(
        "not_permitted",
        services.create_workstream,
        actor=actor,
        alliance=scene.alliance,
        title="Outreach redesign",
        objective="One service.",
    )
    assert "secretary" in error.message
    workstream = active(scene)
    milestone = MilestoneFactory(workstream=workstream)
    refused("not_permitted", services.set_milestone_rag, actor=actor, milestone=milestone, rag="red", reason="Late")
    refused("not_permitted", services.adopt_workstream, actor=actor, workstream=workstream, decision=agreed(scene))


def test_staff_keeps_any_alliances_plan(scene):
    workstream = services.create_workstream(
        actor=SYSTEM, alliance=scene.alliance, title="Outreach redesign", objective="One service."
    )
    assert workstream.pk


def test_secretary_of_another_alliance_may_not_write(scene, secretary):
    other = AllianceFactory()
    refused(
        "not_permitted",
        services.create_workstream,
        actor=secretary,
        alliance=other,
        title="Outreach redesign",
        objective="One service.",
    )


@pytest.mark.parametrize(
    "fields, code, field",
    [
        ({"title": " "}, "workstream_title_required", "title"),
        ({"objective": ""}, "workstream_objective_required", "objective"),
        ({"owner_role": "elsewhere"}, "workstream_owner_elsewhere", "owner_role"),
        ({"body": "elsewhere"}, "workstream_body_elsewhere", "body"),
    ],
)
def test_a_workstream_needs_its_details(scene, secretary, fields, code, field):
    other = AllianceFactory()
    if fields.get("owner_role") == "elsewhere":
        fields["owner_role"] = RoleFactory(alliance=other)
    if fields.get("body") == "elsewhere":
        fields["body"] = GoverningBodyFactory(alliance=other)
    values = {"actor": secretary, "alliance": scene.alliance, "title": "Redesign", "objective": "One service."}
    error = refused(code, services.create_workstream, **{**values, **fields})
    assert error.field == field


# Adoption ----------------------------------------------------------------------------------


def test_an_agreed_decision_of_the_alliance_adopts_a_workstream(scene, secretary):
    workstream, decision = proposed(scene), agreed(scene)
    services.adopt_workstream(actor=secretary, workstream=workstream, decision=decision)
    workstream.refresh_from_db()
    assert (workstream.status, workstream.adopted_by) == (Status.ACTIVE, decision)
    assert workstream.history.first().history_change_reason == "Adopted by ALT-2021-010"


def test_a_decision_not_agreed_does_not_adopt(scene, secretary):
    workstream = proposed(scene)
    draft = DecisionFactory(body=scene.body, status=Decision.Status.OPEN, reference="ALT-2021-011")
    error = refused(
        "delivery_decision_not_agreed", services.adopt_workstream, actor=secretary, workstream=workstream,
        decision=draft,
    )  # fmt: skip
    assert "ALT-2021-011" in error.message and "not agreed" in error.message and error.field == "decision"


def test_a_decision_of_another_alliance_does_not_adopt(scene, secretary):
    workstream = proposed(scene)
    elsewhere = DecisionFactory(status=Decision.Status.AGREED, reference="XYZ-2021-001", title="CANARY decision")
    error = refused(
        "delivery_decision_elsewhere", services.adopt_workstream, actor=secretary, workstream=workstream,
        decision=elsewhere,
    )  # fmt: skip
    assert "not found in" in error.message and "CANARY" not in error.message


def test_adoption_needs_a_decision(scene, secretary):
    refused(
        "delivery_decision_required", services.adopt_workstream, actor=secretary, workstream=proposed(scene),
        decision=None,
    )  # fmt: skip


def test_an_adopted_workstream_is_not_adopted_again(scene, secretary):
    error = refused(
        "workstream_not_proposed", services.adopt_workstream, actor=secretary, workstream=active(scene),
        decision=agreed(scene),
    )  # fmt: skip
    assert error.conflict


# Changes -----------------------------------------------------------------------------------


def test_a_change_to_an_adopted_workstream_keeps_its_decision(scene, secretary):
    workstream, decision = active(scene), agreed(scene, "ALT-2022-003")
    owner = RoleFactory(alliance=scene.alliance, title="Alliance manager")
    services.change_workstream(
        actor=secretary, workstream=workstream, decision=decision, objective="A new objective.", owner_role=owner
    )
    workstream.refresh_from_db()
    assert (workstream.objective, workstream.owner_role, workstream.changed_by) == ("A new objective.", owner, decision)
    assert workstream.history.first().history_change_reason == "Changed (objective, owner) by ALT-2022-003"


def test_a_change_to_an_adopted_workstream_needs_an_agreed_decision(scene, secretary):
    workstream = active(scene)
    refused(
        "delivery_decision_required", services.change_workstream, actor=secretary, workstream=workstream,
        success_definition="Something else.",
    )  # fmt: skip
    refused(
        "delivery_decision_not_agreed", services.change_workstream, actor=secretary, workstream=workstream,
        success_definition="Something else.", decision=DecisionFactory(body=scene.body, status="OPEN"),
    )  # fmt: skip
    refused(
        "delivery_decision_elsewhere", services.change_workstream, actor=secretary, workstream=workstream,
        success_definition="Something else.", decision=DecisionFactory(status="AGREED"),
    )  # fmt: skip


def test_a_proposal_changes_without_a_decision(scene, secretary):
    workstream = proposed(scene)
    services.change_workstream(actor=secretary, workstream=workstream, success_definition="Commissioned by 2023.")
    workstream.refresh_from_db()
    assert workstream.success_definition == "Commissioned by 2023." and workstream.changed_by is None


def test_a_change_that_changes_nothing_is_refused(scene, secretary):
    workstream = active(scene)
    refused(
        "workstream_unchanged", services.change_workstream, actor=secretary, workstream=workstream,
        objective=workstream.objective, decision=agreed(scene),
    )  # fmt: skip


def test_a_finished_workstream_does_not_change(scene, secretary):
    workstream = active(scene, status=Status.COMPLETED)
    error = refused(
        "workstream_finished", services.change_workstream, actor=secretary, workstream=workstream,
        objective="New.", decision=agreed(scene),
    )  # fmt: skip
    assert error.conflict


# Milestones --------------------------------------------------------------------------------


def test_secretary_adds_milestones_in_order(scene, secretary):
    workstream = active(scene)
    first = services.add_milestone(
        actor=secretary, workstream=workstream, title="Options appraisal", baseline_target_on=date(2021, 12, 31)
    )
    second = services.add_milestone(
        actor=secretary, workstream=workstream, title="Service specification", baseline_target_on=date(2022, 3, 31)
    )
    assert (first.order, second.order) == (0, 1)
    assert (first.target_on, first.rag, first.target_changed_by) == (date(2021, 12, 31), "green", None)


def test_a_target_other_than_the_baseline_needs_a_decision(scene, secretary):
    workstream = active(scene)
    values = {"actor": secretary, "workstream": workstream, "title": "Go live", "baseline_target_on": date(2022, 3, 31)}
    refused("delivery_decision_required", services.add_milestone, **values, target_on=date(2022, 6, 30))
    decision = agreed(scene)
    milestone = services.add_milestone(**values, target_on=date(2022, 6, 30), decision=decision)
    assert (milestone.target_on, milestone.target_changed_by) == (date(2022, 6, 30), decision)


def test_a_milestone_needs_a_title_and_baseline(scene, secretary):
    workstream = active(scene)
    refused(
        "milestone_title_required", services.add_milestone, actor=secretary, workstream=workstream, title="",
        baseline_target_on=date(2022, 3, 31),
    )  # fmt: skip
    refused(
        "milestone_baseline_required", services.add_milestone, actor=secretary, workstream=workstream,
        title="Go live", baseline_target_on=None,
    )  # fmt: skip


def test_an_agreed_decision_moves_a_target_and_the_baseline_stays(scene, secretary):
    milestone = MilestoneFactory(workstream=active(scene), baseline_target_on=date(2022, 3, 31))
    decision = agreed(scene, "ALT-2022-005")
    services.move_milestone_target(
        actor=secretary, milestone=milestone, target_on=date(2022, 9, 30), decision=decision, reason="Consultation"
    )
    milestone.refresh_from_db()
    assert (milestone.baseline_target_on, milestone.target_on) == (date(2022, 3, 31), date(2022, 9, 30))
    assert milestone.target_changed_by == decision
    assert milestone.slippage_days(date(2022, 10, 1)) == 184
    assert "by ALT-2022-005: Consultation" in milestone.history.first().history_change_reason


def test_a_target_moves_only_by_an_agreed_decision_of_the_alliance(scene, secretary):
    milestone = MilestoneFactory(workstream=active(scene))
    values = {"actor": secretary, "milestone": milestone, "target_on": date(2022, 9, 30)}
    refused("delivery_decision_required", services.move_milestone_target, **values, decision=None)
    refused(
        "delivery_decision_not_agreed", services.move_milestone_target, **values,
        decision=DecisionFactory(body=scene.body, status="NOT_AGREED", reference="ALT-2022-009"),
    )  # fmt: skip
    refused(
        "delivery_decision_elsewhere", services.move_milestone_target, **values,
        decision=DecisionFactory(status="AGREED"),
    )  # fmt: skip


def test_a_target_does_not_move_to_itself_or_once_achieved(scene, secretary):
    milestone = MilestoneFactory(workstream=active(scene), baseline_target_on=date(2022, 3, 31))
    refused(
        "milestone_target_unchanged", services.move_milestone_target, actor=secretary, milestone=milestone,
        target_on=date(2022, 3, 31), decision=agreed(scene),
    )  # fmt: skip
    done = MilestoneFactory(workstream=milestone.workstream, actual_on=date(2022, 3, 1), rag="complete")
    refused(
        "milestone_achieved", services.move_milestone_target, actor=secretary, milestone=done,
        target_on=date(2022, 6, 30), decision=agreed(scene, "ALT-2022-001"),
    )  # fmt: skip


def test_amber_and_red_are_set_with_a_reason_and_who_set_them(scene, secretary):
    milestone = MilestoneFactory(workstream=active(scene))
    moment = datetime(2022, 2, 1, 10, 0, tzinfo=UTC)
    services.set_milestone_rag(
        actor=secretary, milestone=milestone, rag="amber", reason=" Consultation late ", now=moment
    )
    milestone.refresh_from_db()
    assert (milestone.rag, milestone.rag_reason) == ("amber", "Consultation late")
    assert (milestone.rag_set_by, milestone.rag_set_at) == (secretary.user, moment)
    services.set_milestone_rag(actor=secretary, milestone=milestone, rag="green")
    milestone.refresh_from_db()
    assert (milestone.rag, milestone.rag_reason) == ("green", "")


@pytest.mark.parametrize("rag", ["amber", "red"])
def test_amber_and_red_need_a_reason(scene, secretary, rag):
    milestone = MilestoneFactory(workstream=active(scene))
    error = refused(
        "milestone_rag_reason_required", services.set_milestone_rag, actor=secretary, milestone=milestone, rag=rag,
        reason="  ",
    )  # fmt: skip
    assert error.field == "reason" and "reason for the status" in error.message


def test_complete_comes_only_from_achieving(scene, secretary):
    milestone = MilestoneFactory(workstream=active(scene))
    refused("milestone_complete_by_achieving", services.set_milestone_rag, actor=secretary, milestone=milestone,
            rag="complete")  # fmt: skip
    refused("milestone_rag_unknown", services.set_milestone_rag, actor=secretary, milestone=milestone, rag="blue")


def test_achieved_milestone_keeps_complete(scene, secretary):
    done = MilestoneFactory(workstream=active(scene), actual_on=date(2022, 3, 1), rag="complete")
    refused("milestone_achieved", services.set_milestone_rag, actor=secretary, milestone=done, rag="red", reason="x")


def test_recording_achieved_sets_the_date_and_complete(scene, secretary):
    milestone = MilestoneFactory(workstream=active(scene), rag="red", rag_reason="Late")
    services.record_milestone_achieved(actor=secretary, milestone=milestone, actual_on=date(2022, 5, 2))
    milestone.refresh_from_db()
    assert (milestone.actual_on, milestone.rag, milestone.rag_set_by) == (date(2022, 5, 2), "complete", secretary.user)
    assert milestone.slippage_days(date(2030, 1, 1)) == 32


def test_achieved_is_refused_twice_in_the_future_or_without_a_date(scene, secretary):
    milestone = MilestoneFactory(workstream=active(scene))
    refused(
        "milestone_actual_future", services.record_milestone_achieved, actor=secretary, milestone=milestone,
        actual_on=date(2099, 1, 1),
    )  # fmt: skip
    refused(
        "milestone_actual_required", services.record_milestone_achieved, actor=secretary, milestone=milestone,
        actual_on=None,
    )  # fmt: skip
    done = MilestoneFactory(workstream=milestone.workstream, actual_on=date(2022, 3, 1), rag="complete")
    refused(
        "milestone_achieved", services.record_milestone_achieved, actor=secretary, milestone=done,
        actual_on=date(2022, 3, 2),
    )  # fmt: skip


def test_a_proposed_workstreams_milestone_is_not_achieved(scene, secretary):
    milestone = MilestoneFactory(workstream=proposed(scene))
    refused(
        "workstream_not_adopted", services.record_milestone_achieved, actor=secretary, milestone=milestone,
        actual_on=date(2022, 3, 2),
    )  # fmt: skip


def test_a_finished_workstreams_milestones_stay(scene, secretary):
    workstream = active(scene, status=Status.CLOSED)
    milestone = MilestoneFactory(workstream=workstream)
    refused("workstream_finished", services.set_milestone_rag, actor=secretary, milestone=milestone, rag="green")
    refused(
        "workstream_finished", services.add_milestone, actor=secretary, workstream=workstream, title="More",
        baseline_target_on=date(2022, 1, 1),
    )  # fmt: skip


# Dependent contracts -----------------------------------------------------------------------


def test_link_and_unlink_a_dependent_contract(scene, secretary):
    workstream = active(scene)
    contract = ContractFactory(alliance=scene.alliance, title="Street outreach")
    link = services.link_workstream_contract(
        actor=secretary, workstream=workstream, contract=contract, note="Extended until the redesign is done"
    )
    assert list(workstream.dependent_contracts.all()) == [link]
    services.unlink_workstream_contract(actor=secretary, link=link)
    assert not WorkstreamContract.objects.exists()
    assert WorkstreamContract.history.filter(history_type="-").count() == 1


def test_a_contract_is_linked_once_and_only_of_the_alliance(scene, secretary):
    workstream = active(scene)
    contract = ContractFactory(alliance=scene.alliance)
    services.link_workstream_contract(actor=secretary, workstream=workstream, contract=contract)
    refused(
        "workstream_contract_linked", services.link_workstream_contract, actor=secretary, workstream=workstream,
        contract=contract,
    )  # fmt: skip
    refused(
        "workstream_contract_elsewhere", services.link_workstream_contract, actor=secretary, workstream=workstream,
        contract=ContractFactory(),
    )  # fmt: skip
    refused(
        "workstream_contract_required", services.link_workstream_contract, actor=secretary, workstream=workstream,
        contract=None,
    )  # fmt: skip


def test_unlink_is_refused_to_oversight(scene, oversight):
    link = WorkstreamContractFactory(workstream=active(scene))
    refused("not_permitted", services.unlink_workstream_contract, actor=oversight, link=link)


# The end of a workstream -------------------------------------------------------------------


def test_a_workstream_completes_once_every_milestone_is_achieved(scene, secretary):
    workstream = active(scene)
    open_one = MilestoneFactory(workstream=workstream, title="Go live")
    error = refused("workstream_milestones_open", services.complete_workstream, actor=secretary, workstream=workstream)
    assert "Go live" in error.message
    services.record_milestone_achieved(actor=secretary, milestone=open_one, actual_on=date(2022, 5, 2))
    services.complete_workstream(actor=secretary, workstream=workstream)
    workstream.refresh_from_db()
    assert workstream.status == Status.COMPLETED


def test_only_a_workstream_being_delivered_completes(scene, secretary):
    refused("workstream_not_active", services.complete_workstream, actor=secretary, workstream=proposed(scene))


def test_closing_without_completing_needs_a_decision_and_a_reason(scene, secretary):
    workstream = active(scene)
    refused(
        "workstream_close_reason", services.close_workstream, actor=secretary, workstream=workstream,
        decision=agreed(scene), reason="",
    )  # fmt: skip
    refused(
        "delivery_decision_required", services.close_workstream, actor=secretary, workstream=workstream,
        decision=None, reason="Merged",
    )  # fmt: skip
    decision = agreed(scene, "ALT-2023-002")
    services.close_workstream(actor=secretary, workstream=workstream, decision=decision, reason="Merged")
    workstream.refresh_from_db()
    assert (workstream.status, workstream.changed_by) == (Status.CLOSED, decision)
    refused(
        "workstream_finished", services.close_workstream, actor=secretary, workstream=workstream,
        decision=decision, reason="Again",
    )  # fmt: skip


def test_a_proposal_is_not_closed(scene, secretary):
    refused(
        "workstream_not_adopted", services.close_workstream, actor=secretary, workstream=proposed(scene),
        decision=agreed(scene), reason="Dropped",
    )  # fmt: skip
