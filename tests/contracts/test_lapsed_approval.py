"""An award's approval that lapsed for missing positions neither approves nor rejects the award: the approval is
opened again, the new decision revisiting the lapsed one (rules 3 and 6, issue 18 part 3)."""

from datetime import timedelta

import pytest

from contracts import services
from contracts.models import AwardProcess, StageTransition
from decisions import services as decision_services
from decisions.models import Decision
from roles.standing import SYSTEM
from tests.helpers import refused
from tests.scenes import APPROVAL_CLOSED, APPROVAL_OPENED, APPROVAL_VOTED, make_award_scene

pytestmark = pytest.mark.django_db


def lapsed_approval(s):
    process, _ = s.recommended()
    decision = services.open_approval(actor=SYSTEM, process=process, opened_at=APPROVAL_OPENED)
    recused = set(decision.recusals.values_list("membership_id", flat=True))
    first = next(i for i, m in enumerate(s.members) if m.pk not in recused)
    decision_services.cast_vote(
        actor=SYSTEM,
        decision=decision,
        membership=s.members[first],
        position="AGREE",
        cast_by=s.scene.reps[first],
        cast_at=APPROVAL_VOTED,
        now=APPROVAL_VOTED,
    )
    decision = decision_services.close_decision(
        actor=SYSTEM, decision=decision, closed_at=APPROVAL_CLOSED, confirm_missing=True
    )
    return process, decision


def test_a_lapsed_approval_neither_approves_nor_rejects_the_award():
    s = make_award_scene()
    process, decision = lapsed_approval(s)
    assert decision.status == Decision.Status.LAPSED
    for stage in ("APPROVED", "REJECTED"):
        refusal = refused(
            "award_approval_lapsed",
            services.transition,
            AwardProcess,
            StageTransition,
            actor=SYSTEM,
            process=process,
            to_stage=stage,
        )
        assert "open its approval again" in refusal.message
    process.refresh_from_db()
    assert process.stage == "RECOMMENDED"


def test_the_approval_is_opened_again_revisiting_the_lapsed_one():
    s = make_award_scene()
    process, lapsed = lapsed_approval(s)
    again = services.open_approval(actor=SYSTEM, process=process, opened_at=APPROVAL_CLOSED + timedelta(days=1))
    process.refresh_from_db()
    assert process.approval_decision == again and again.status == Decision.Status.OPEN
    assert list(again.revisits.all()) == [lapsed]
