"""The lean answer of an award's audit trail (api/lean_trail.py) equals the serializer's, for the same award.

Through the real endpoint ``/api/v1/awards/<pk>/audit/``, read by both paths (``API_LEAN_READS`` off gives the
serializer's) by every standing, over generated awards taken to every stage: started, bids in, scored and
recommended, approval opened (votes, one struck by a late interest), approved, contracted; members' or
confidential or public; unicode titles, corrections, moments in summer (BST) and winter (GMT). Both paths
write the same read-log entries; the trail page shows the same events as the API; the query count is one
bound for a bare award and for a crowded one.
"""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from alliance.access import Access
from contracts import services
from contracts.models import AwardProcess
from contracts.trail import award_audit_trail
from decisions import services as decision_services
from roles.services import declare_interest
from roles.standing import SYSTEM
from tests.api.lean_support import GENERATED, assert_same, callers
from tests.scenes import make_award_scene

pytestmark = pytest.mark.django_db

text = st.text(st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), min_size=1, max_size=30)
SUMMER = datetime(2021, 6, 10, 9, 0, tzinfo=UTC)  # BST in London
WINTER = datetime(2021, 12, 1, 23, 30, tzinfo=UTC)  # GMT, the last half hour of the day
BOUND = 20  # was 29 before the lean trail (tests/api/test_contracts_api.py)
STAGES = ["started", "bids", "recommended", "voting", "approved", "contracted"]


@pytest.fixture
def world():
    award = make_award_scene()
    return award, callers(award.scene)


def _award(award, stage, visibility, title, correction, bidders, opened_at, strike):
    s = award
    process = s.process(title=title.strip() or "Ōutreach ✓", visibility=visibility)
    if correction:
        process = services.correct_process(
            actor=SYSTEM, process=process, reason=correction, title=f"{title} (corrected)"[:200]
        )
    if stage == "started":
        return process
    submissions = s.bids(process, bidders)
    if stage == "bids":
        return process
    services.start_evaluation(process=process)
    s.score_all(submissions)
    process = services.recommend(process=process, submission=submissions[0], reason=f"Best: {title}")
    if stage == "recommended":
        return process
    decision = services.open_approval(actor=SYSTEM, process=process, opened_at=opened_at)
    recused = set(decision.recusals.values_list("membership_id", flat=True))
    voters = [(i, m) for i, m in enumerate(s.members) if m.pk not in recused]
    for i, membership in voters:
        decision_services.cast_vote(
            actor=SYSTEM,
            decision=decision,
            membership=membership,
            position="AGREE",
            cast_by=s.scene.reps[i],
            statement=title,
            cast_at=opened_at,
            now=opened_at,
        )
    if strike and voters:
        i, membership = voters[-1]
        declaration = declare_interest(
            actor=SYSTEM,
            alliance=s.alliance,
            person=s.scene.reps[i],
            represents=membership.organisation,
            interest=f"Subcontractor: {title}",
            declared_on=opened_at.date(),
        )
        services.note_interest(actor=SYSTEM, process=process, declaration=declaration, noted_on=opened_at.date())
    if stage == "voting":
        return AwardProcess.objects.get(pk=process.pk)
    closed = opened_at.replace(day=opened_at.day + 2)
    decision_services.close_decision(actor=SYSTEM, decision=decision, closed_at=closed, confirm_missing=True)
    process = AwardProcess.objects.get(pk=process.pk)
    decision.refresh_from_db()
    if decision.status != "AGREED":
        return process  # a struck vote can leave the approval short of agreement: the award stops there
    if process.stage != "APPROVED":
        services.transition(actor=SYSTEM, process=process, to_stage="APPROVED")
    if stage == "approved":
        return AwardProcess.objects.get(pk=process.pk)
    return services.transition(
        actor=SYSTEM, process=process, to_stage="CONTRACTED", starts_on=date(2021, 7, 1), ends_on=date(2024, 6, 30)
    )


@GENERATED
@given(
    stage=st.sampled_from(STAGES),
    visibility=st.sampled_from([value for value, _ in AwardProcess.Visibility.choices]),
    title=text,
    correction=st.one_of(st.just(""), text.filter(str.strip)),
    bidders=st.integers(2, 3),
    opened_at=st.sampled_from([SUMMER, WINTER]),
    strike=st.booleans(),
)
def test_lean_trail_equals_the_serializers_for_every_caller(
    world, stage, visibility, title, correction, bidders, opened_at, strike
):
    award, clients = world
    process = _award(award, stage, visibility, title, correction, bidders, opened_at, strike)
    kinds = set()
    for client in clients.values():
        body = assert_same(client, f"/api/v1/awards/{process.pk}/audit/")
        if isinstance(body, list):
            kinds |= {e["kind"] for e in body}
    assert "process" in kinds


def test_the_lean_trail_logs_a_confidential_award_as_the_serializer_does(world):
    award, clients = world
    process = _award(award, "contracted", "CONFIDENTIAL", "Ćare homes", "Typo", 2, WINTER, True)
    for client in clients.values():
        assert_same(client, f"/api/v1/awards/{process.pk}/audit/")
    from alliance.models import ReadLogEntry

    assert ReadLogEntry.objects.filter(object_id=str(process.pk), object_model="contracts.awardprocess").exists()


def test_the_page_shows_the_events_of_the_api(world, client):
    award, clients = world
    process = _award(award, "contracted", "MEMBERS", "Outreach ✓", "Typo", 2, SUMMER, False)
    staff = Access(authenticated=True, staff=True)
    events = award_audit_trail(process, staff)
    api = clients["staff"].get(f"/api/v1/awards/{process.pk}/audit/").json()
    assert [e["title"] for e in api] == [e["title"] for e in events]
    assert {"policy", "process", "submission", "score", "approval", "vote", "outcome", "contract"} <= {
        e["kind"] for e in events
    }


@pytest.mark.parametrize("crowded", [False, True])
def test_the_trail_reads_a_fixed_number_of_queries(world, crowded, django_assert_max_num_queries):
    award, clients = world
    stage = "contracted" if crowded else "started"
    process = _award(award, stage, "CONFIDENTIAL", "Outreach", "Typo" if crowded else "", 3, SUMMER, False)
    if crowded:
        for n in range(5):
            process = AwardProcess.objects.get(pk=process.pk)
            contract = process.resulting_contract
            contract.annual_value = Decimal("100000") + n
            contract._change_reason = f"Correction {n}"
            contract.save()
    with django_assert_max_num_queries(BOUND):
        response = clients["staff"].get(f"/api/v1/awards/{process.pk}/audit/")
    assert response.status_code == 200
    assert len(response.json()) >= (25 if crowded else 2), len(response.json())
