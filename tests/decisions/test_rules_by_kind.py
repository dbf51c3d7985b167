"""Rule 3 by kind of matter: a body's rule may differ by kind (unanimity for KEY, a majority for
PROCEDURAL), and the rule that applied is stored with the outcome, in words."""

from decimal import Decimal

import pytest

from alliance.models import BodyRule, GoverningBody
from decisions import services
from decisions.models import Decision
from roles import services as roles_services
from roles.standing import SYSTEM
from tests.helpers import actor_for, refused_watching
from tests.scenes import CLOSED

pytestmark = pytest.mark.django_db

refused = refused_watching(BodyRule, Decision)


def procedural_by_majority(scene, **fields):
    values = {"actor": SYSTEM, "body": scene.body, "kind": "PROCEDURAL", "decision_rule": "MAJORITY"}
    return roles_services.set_kind_rule(**{**values, **fields})


def close(decision):
    return services.close_decision(actor=SYSTEM, decision=decision, closed_at=CLOSED)


def test_a_procedural_matter_passes_by_majority_where_a_key_one_needs_unanimity(scene):
    procedural_by_majority(scene)
    minutes = scene.open(title="Approve the minutes of February", kind="PROCEDURAL")
    key = scene.open(title="Adopt the outreach redesign", kind="KEY")
    for decision in (minutes, key):
        scene.vote(decision, 0, "AGREE")
        scene.vote(decision, 1, "AGREE")
        scene.vote(decision, 2, "OBJECT")
    minutes, key = close(minutes), close(key)
    assert minutes.status == Decision.Status.AGREED
    assert minutes.outcome_explanation == "Agreed by majority: 2 agreed, 1 objected, 0 abstained."
    assert minutes.rule_applied == "Majority: quorum and more agree than object; quorum 50% of voting members"
    assert key.status == Decision.Status.NOT_AGREED
    assert key.rule_applied == (
        "Unanimous: every eligible voting member agrees; quorum 50% of voting members; an abstention blocks"
    )


def test_a_kind_rule_has_its_own_quorum(scene):
    procedural_by_majority(scene, quorum_count=1)
    minutes = scene.open(title="Approve the minutes of February", kind="PROCEDURAL")
    scene.vote(minutes, 0, "AGREE")
    closed = close(minutes)
    assert (closed.status, closed.quorum_needed, closed.quorum_present) == (Decision.Status.AGREED, 1, 1)
    assert closed.rule_applied == "Majority: quorum and more agree than object; quorum 1 voting members"


def test_a_unanimous_kind_rule_may_let_an_abstention_pass(scene):
    roles_services.set_kind_rule(
        actor=SYSTEM, body=scene.body, kind="OPERATIONAL", decision_rule="UNANIMOUS", abstention_blocks=False
    )
    decision = scene.open(kind="OPERATIONAL")
    scene.vote(decision, 0, "AGREE")
    scene.vote(decision, 1, "AGREE")
    scene.vote(decision, 2, "ABSTAIN")
    closed = close(decision)
    assert closed.status == Decision.Status.AGREED
    assert closed.rule_applied.endswith("; an abstention does not block")


def test_changing_a_kind_rule_keeps_history_and_removing_it_restores_the_bodys_rule(scene):
    rule = procedural_by_majority(scene)
    rule = procedural_by_majority(scene, decision_rule="CONSENSUS", quorum_fraction=Decimal("0.75"))
    assert BodyRule.objects.count() == 1
    assert [h.decision_rule for h in rule.history.order_by("history_id")] == ["MAJORITY", "CONSENSUS"]
    pk = rule.pk
    roles_services.remove_kind_rule(actor=SYSTEM, rule=rule, reason="Minutes by unanimity again.")
    assert scene.body.rule_for("PROCEDURAL") == scene.body
    assert BodyRule.history.filter(id=pk).order_by("-history_id").first().history_type == "-"


def test_only_the_bodys_secretary_sets_its_rules(scene):
    error = refused("not_permitted", lambda: procedural_by_majority(scene, actor=actor_for(scene.reps[0])))
    assert "secretary" in error.message
    procedural_by_majority(scene, actor=actor_for(scene.secretary))


@pytest.mark.parametrize(
    "fields, code",
    [
        ({"kind": "MINUTES"}, "decision_kind_unknown"),
        ({"decision_rule": "PLURALITY"}, "body_rule_unknown"),
        ({"quorum_count": 2, "quorum_fraction": Decimal("0.5")}, "body_quorum_required"),
        ({"quorum_count": 0}, "body_quorum_count_invalid"),
        ({"quorum_fraction": Decimal("1.5")}, "body_quorum_fraction_invalid"),
    ],
)
def test_a_kind_rule_is_refused_when(scene, fields, code):
    refused(code, lambda: procedural_by_majority(scene, **fields))


def test_a_kind_rule_does_not_change_under_an_open_decision_of_that_kind(scene):
    decision = scene.open(title="Approve the minutes of February", kind="PROCEDURAL")
    error = refused("kind_rule_with_open_decisions", lambda: procedural_by_majority(scene))
    assert error.message.startswith(f"{decision.reference} (procedural (minutes, scheduling)) is open for votes")
    procedural_by_majority(scene, kind="OPERATIONAL")  # another kind may change


# Advice required before a KEY decision closes (part 5), set by the body's secretary


def test_the_secretary_requires_advice_before_key_decisions_close(scene):
    body = roles_services.set_advice_required(
        actor=actor_for(scene.secretary), body=scene.body, required=True, reason="The agreement asks for it."
    )
    assert body.advice_required_for_key is True
    assert body.history.first().history_change_reason == "The agreement asks for it."


def test_requiring_advice_is_refused_when(scene):
    watched = refused_watching(GoverningBody)
    error = watched(
        "not_permitted",
        lambda: roles_services.set_advice_required(
            actor=actor_for(scene.reps[0]), body=scene.body, required=True, reason="x"
        ),
    )
    assert "secretary" in error.message
    watched(
        "advice_rule_reason_required",
        lambda: roles_services.set_advice_required(actor=SYSTEM, body=scene.body, required=True, reason=" "),
    )
    watched(
        "advice_rule_unchanged",
        lambda: roles_services.set_advice_required(actor=SYSTEM, body=scene.body, required=False, reason="x"),
    )
    decision = scene.open(kind="KEY")
    error = watched(
        "advice_rule_with_open_decisions",
        lambda: roles_services.set_advice_required(actor=SYSTEM, body=scene.body, required=True, reason="x"),
    )
    assert error.message.startswith(f"{decision.reference} (key) is open for votes at ALT")
