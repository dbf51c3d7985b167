"""The award audit trail: it reads every history row, whoever wrote it and however."""

from datetime import date

import pytest

from alliance.access import Access
from contracts import services
from contracts.models import Contract
from contracts.trail import award_audit_trail
from decisions import services as decision_services
from decisions.models import Decision
from roles.services import declare_interest
from roles.standing import SYSTEM
from tests.scenes import APPROVAL_OPENED as OPENED
from tests.scenes import APPROVAL_VOTED as VOTED
from tests.scenes import make_award_scene

pytestmark = pytest.mark.django_db
STAFF = Access(authenticated=True, staff=True)


@pytest.fixture
def contracted():
    s = make_award_scene()
    process, _ = s.recommended()
    s.approve(process)
    services.transition(actor=SYSTEM, process=process, to_stage="APPROVED")
    return services.transition(
        actor=SYSTEM, process=process, to_stage="CONTRACTED", starts_on=date(2021, 7, 1), ends_on=date(2024, 6, 30)
    )


def test_trail_reads_a_contract_saved_without_a_reason(contracted):
    contract = Contract.objects.get(pk=contracted.resulting_contract_id)
    contract.title = "Renamed in the admin"
    contract.save()  # no _change_reason, as the admin or a shell leaves it
    assert contract.history.first().history_change_reason is None
    trail = award_audit_trail(contracted, STAFF)
    assert any(e["title"] == "Contract changed: Renamed in the admin" and e["kind"] == "correction" for e in trail)
    assert all(e["reason"] is not None for e in trail)


def test_trail_reads_an_open_approval_saved_without_a_reason():
    s = make_award_scene()
    process, _ = s.recommended()
    decision = Decision.objects.get(pk=services.open_approval(actor=SYSTEM, process=process, opened_at=OPENED).pk)
    decision.rationale = "Typo fixed in the admin"
    decision.save()
    assert decision.history.first().history_change_reason is None
    assert [e["kind"] for e in award_audit_trail(process, STAFF)].count("approval") == 1


def test_every_event_names_who_even_without_a_logged_in_user(contracted):
    trail = award_audit_trail(contracted, STAFF)
    assert {"policy", "process", "submission", "approval", "recusal", "outcome", "contract"} <= {
        e["kind"] for e in trail
    }
    assert all(e["who"] for e in trail), [e["title"] for e in trail if not e["who"]]
    policy = next(e for e in trail if e["kind"] == "policy")
    assert policy["who"] == str(contracted.policy.adopted_by.body)
    submission = next(e for e in trail if e["kind"] == "submission")
    assert submission["who"] == submission["title"].removeprefix("Submission from ")
    process = next(e for e in trail if e["kind"] == "process")
    assert process["who"] == "script"  # no user: the audit link's source says where it came from


def test_staff_user_is_named_on_the_events_they_caused(staff_api, staff):
    s = make_award_scene()
    response = staff_api.post(
        "/api/v1/awards/",
        {
            "alliance": s.alliance.slug,
            "title": "Outreach",
            "service_category": "flexible_community_outreach",
            "route": "MINI_COMPETITION",
            "estimated_annual_value": "400000",
            "estimated_total_value": "1200000",
            "started_on": "2021-04-01",
            "route_justification": {"value for money": "Competition."},
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    trail = staff_api.get(f"/api/v1/awards/{response.json()['id']}/audit/").json()
    assert next(e for e in trail if e["kind"] == "process")["who"] == staff.get_username()


def test_a_confidential_approval_and_policy_decision_stay_out_of_a_viewers_trail(contracted):
    from django.db import connection

    approval = Decision.objects.get(pk=contracted.approval_decision_id)
    policy_decision = contracted.policy.adopted_by
    # Both are sealed; the test changes their visibility behind the application's back.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE decisions_decision SET visibility = 'CONFIDENTIAL' WHERE id IN (%s, %s)",
            [approval.pk, policy_decision.pk],
        )
    viewer = Access(authenticated=True, members_of=frozenset({contracted.alliance_id}))
    trail = award_audit_trail(contracted, viewer)
    assert {"approval", "recusal", "outcome", "vote"}.isdisjoint({e["kind"] for e in trail})
    assert approval.title not in str(trail) and policy_decision.title not in str(trail)
    assert "Adopted by a decision you may not read" in str(trail)
    oversight = Access(authenticated=True, members_of=viewer.members_of, oversight_of=viewer.members_of)
    assert "approval" in {e["kind"] for e in award_audit_trail(contracted, oversight)}


def test_a_vote_struck_by_a_late_interest_shows_in_the_trail_as_struck():
    s = make_award_scene()
    process, _ = s.recommended()
    decision = services.open_approval(actor=SYSTEM, process=process, opened_at=OPENED)
    decision_services.cast_vote(
        actor=SYSTEM,
        decision=decision,
        membership=s.members[2],
        position="AGREE",
        cast_by=s.scene.reps[2],
        cast_at=VOTED,
        now=VOTED,
    )
    declaration = declare_interest(
        actor=SYSTEM,
        alliance=s.alliance,
        person=s.scene.reps[2],
        represents=s.members[2].organisation,
        interest="Subcontractor in the recommended bid.",
        declared_on=date(2021, 6, 12),
    )
    services.note_interest(actor=SYSTEM, process=process, declaration=declaration, noted_on=date(2021, 6, 12))
    votes = [e["title"] for e in award_audit_trail(process, STAFF) if e["kind"] == "vote"]
    organisation = s.members[2].organisation
    assert votes == [f"{organisation} voted agree", f"Vote of {organisation} struck"]
