from datetime import date, timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest

from contracts import services
from contracts.models import AwardInterest, AwardProcess, Submission
from decisions.models import Recusal, Vote
from roles.services import declare_interest
from roles.standing import SYSTEM
from tests.factories import (
    AwardProcessFactory,
    ContractFactory,
    DecisionFactory,
    EvaluationScoreFactory,
    OrganisationFactory,
    SubmissionFactory,
)
from tests.helpers import built_once, rows, viewer_of
from tests.scenes import APPROVAL_OPENED as OPENED
from tests.scenes import make_award_scene

pytestmark = pytest.mark.django_db


@pytest.fixture
def viewer(award):
    return viewer_of(award.alliance)


def results(response):
    assert response.status_code == 200, response.content
    return response.json()["results"]


def new_process(award, **fields):
    payload = {
        "alliance": "dunmarrow",
        "title": "Flexible community outreach",
        "service_category": "flexible_community_outreach",
        "route": "MINI_COMPETITION",
        "estimated_annual_value": "400000",
        "estimated_total_value": "1200000",
        "started_on": "2021-04-01",
        "route_justification": {"value for money": "Tested by competition."},
        "visibility": "PUBLIC",
    }
    payload.update(fields)
    return payload


def test_staff_creates_a_process_through_the_api(staff_api, award):
    response = staff_api.post("/api/v1/awards/", new_process(award), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["reference"], body["stage"], body["policy_version"]) == ("AW-2021-001", "DRAFT", 1)


def test_reader_cannot_create_a_process(viewer_api, award):
    before = rows(AwardProcess)
    assert viewer_api.post("/api/v1/awards/", new_process(award), format="json").status_code == 403
    assert rows(AwardProcess) == before


def test_anonymous_reads_no_award_of_an_alliance_that_does_not_publish(anon_api, award):
    award.alliance.publish_register = False
    award.alliance.save()
    response = anon_api.get("/api/v1/awards/")
    assert response.status_code == 200
    assert response.json()["count"] == 0
    assert anon_api.get("/api/v1/awards/ocds/", {"alliance": "dunmarrow"}).status_code == 400
    assert anon_api.get("/api/v1/contracts/").status_code == 401


def test_value_above_the_limit_is_a_400_with_the_limit_named(staff_api, award):
    payload = new_process(
        award,
        route="DIRECT_AWARD",
        estimated_total_value="1200000",
        direct_award_to=award.members[0].organisation.pk,
        route_justification={"value for money": "x", "why this member": "y"},
    )
    before = rows(AwardProcess)
    response = staff_api.post("/api/v1/awards/", payload, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "award_value_above_limit"
    assert "£500,000.00 in award policy v1" in body["detail"]
    assert body["field"] == "estimated_total_value"
    assert rows(AwardProcess) == before


def test_a_stage_out_of_order_is_a_409(staff_api, award):
    process = award.process()
    response = staff_api.post(f"/api/v1/awards/{process.pk}/transition/", {"to_stage": "EVALUATION"}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "award_stage_order"


def test_the_whole_journey_through_the_api(staff_api, staff, award):
    process = award.process()
    url = f"/api/v1/awards/{process.pk}"
    assert staff_api.post(f"{url}/transition/", {"to_stage": "SUBMISSIONS"}, format="json").status_code == 200
    ids = []
    for i in range(2):
        bid = {"bidder": award.members[i].organisation.pk, "submitted_on": "2021-05-03", "price": "1000000"}
        response = staff_api.post(f"{url}/submissions/", bid, format="json")
        assert response.status_code == 201, response.content
        ids.append(response.json()["id"])
    assert len(results(staff_api.get(f"{url}/submissions/"))) == 2
    assert staff_api.post(f"{url}/transition/", {"to_stage": "EVALUATION"}, format="json").status_code == 200
    for sid in ids:
        for criterion in ("Quality", "Price"):
            score = {
                "submission": sid,
                "criterion": criterion,
                "evaluator": award.evaluator.pk,
                "score": 7,
                "scored_on": "2021-06-01",
            }
            assert staff_api.post(f"{url}/scores/", score, format="json").status_code == 201
    assert len(results(staff_api.get(f"{url}/scores/"))) == 4
    move = {"to_stage": "RECOMMENDED", "recommended_submission": ids[0], "reason": "Highest quality"}
    response = staff_api.post(f"{url}/transition/", move, format="json")
    assert response.json()["stage"] == "RECOMMENDED"
    response = staff_api.post(f"{url}/approval/", {}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "OPEN"
    trail = staff_api.get(f"{url}/audit/").json()
    kinds = [e["kind"] for e in trail]
    assert kinds[0] == "policy"
    assert {"process", "submission", "score", "recommendation", "approval", "recusal"} <= set(kinds)
    stage_moves = [e for e in trail if e["kind"] in ("stage", "recommendation")]
    assert all(e["who"] == "admin-staff" for e in stage_moves)


def test_score_for_a_submission_of_another_process_is_refused(staff_api, award):
    process = award.process()
    award.bids(process)
    services.start_evaluation(process=process)
    other = SubmissionFactory(process=AwardProcessFactory(policy=award.policy, reference="AW-2020-900"))
    score = {"submission": other.pk, "criterion": "Quality", "evaluator": award.evaluator.pk, "score": 5}
    response = staff_api.post(f"/api/v1/awards/{process.pk}/scores/", {**score, "scored_on": "2021-06-01"})
    assert response.status_code == 400
    assert response.json()["code"] == "score_other_process"


def test_ocds_release_of_one_award(viewer_api, award):
    process = award.process()
    body = viewer_api.get(f"/api/v1/awards/{process.pk}/ocds/").json()
    assert body["version"] == "1.1"
    assert [r["tender"]["procurementMethod"] for r in body["releases"]] == ["limited"]


def test_ocds_package_of_an_alliance_holds_only_public_awards(viewer_api, award):
    public = award.process(visibility="PUBLIC")
    award.process(visibility="MEMBERS")
    body = viewer_api.get("/api/v1/awards/ocds/?alliance=dunmarrow").json()
    assert [r["tender"]["id"] for r in body["releases"]] == [public.reference]
    assert body["publisher"]["name"] == award.alliance.name


def test_ocds_package_needs_a_known_alliance(viewer_api, award):
    assert viewer_api.get("/api/v1/awards/ocds/").status_code == 400
    response = viewer_api.get("/api/v1/awards/ocds/?alliance=nowhere")
    assert response.status_code == 400
    assert response.json()["detail"] == "No alliance has the slug 'nowhere'."


def test_awards_filter_by_route_stage_value_date_and_organisation(viewer_api, award):
    mini = award.process()
    direct = award.process(route="DIRECT_AWARD")
    assert [a["id"] for a in results(viewer_api.get("/api/v1/awards/?route=DIRECT_AWARD"))] == [direct.pk]
    assert len(results(viewer_api.get("/api/v1/awards/?stage=DRAFT&alliance=dunmarrow"))) == 2
    assert [a["id"] for a in results(viewer_api.get("/api/v1/awards/?min_value=1000000"))] == [mini.pk]
    assert [a["id"] for a in results(viewer_api.get("/api/v1/awards/?max_value=500000"))] == [direct.pk]
    org = award.members[0].organisation.pk
    assert [a["id"] for a in results(viewer_api.get(f"/api/v1/awards/?organisation={org}"))] == [direct.pk]
    assert results(viewer_api.get("/api/v1/awards/?started_after=2021-05-01")) == []
    assert len(results(viewer_api.get("/api/v1/awards/?service_category=flexible_community_outreach"))) == 2


def test_awards_search_matches_every_word_of_the_reference_or_title(viewer_api, award):
    north = award.process(title="Street outreach north")
    award.process(title="Day services")
    assert [a["id"] for a in results(viewer_api.get("/api/v1/awards/", {"q": "north outreach"}))] == [north.pk]
    assert [a["id"] for a in results(viewer_api.get("/api/v1/awards/", {"q": north.reference}))] == [north.pk]


def test_bad_filter_value_is_a_400_not_a_500(viewer_api, award):
    response = viewer_api.get("/api/v1/awards/?min_value=lots")
    assert response.status_code == 400


def test_award_history_and_as_of(viewer_api, award):
    process = award.process()
    services.correct_process(actor=SYSTEM, process=process, reason="New estimate", estimated_total_value="1300000")
    history = viewer_api.get(f"/api/v1/awards/{process.pk}/history/").json()
    assert history[0]["reason"] == "Corrected: New estimate"
    assert viewer_api.get(f"/api/v1/awards/{process.pk}/?as_of=2000-01-01").status_code == 404


def test_award_policies_list_with_rules_and_create(staff_api, award):
    body = results(staff_api.get("/api/v1/award-policies/?alliance=dunmarrow"))
    assert body[0]["version"] == 1
    assert {r["route"] for r in body[0]["rules"]} == {"DIRECT_AWARD", "MINI_COMPETITION", "EXTERNAL_PROCUREMENT"}
    decision = DecisionFactory(body=award.scene.body, kind="POLICY", status="AGREED", reference="ALT-2022-003")
    payload = {
        "alliance": "dunmarrow",
        "adopted_by": decision.pk,
        "in_force_from": "2022-04-01",
        "approving_body": award.scene.body.pk,
        "rules": [{"route": "DIRECT_AWARD", "max_value": "750000", "justification_must_cover": ["value for money"]}],
    }
    response = staff_api.post("/api/v1/award-policies/", payload, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["version"] == 2
    in_force = results(staff_api.get("/api/v1/award-policies/?alliance=dunmarrow&in_force_on=2021-06-01"))
    assert [p["version"] for p in in_force] == [1]


def test_policy_adopted_by_an_open_decision_is_refused(staff_api, award):
    decision = DecisionFactory(body=award.scene.body, kind="POLICY", status="OPEN", reference="ALT-2022-004")
    payload = {
        "alliance": "dunmarrow",
        "adopted_by": decision.pk,
        "in_force_from": "2022-04-01",
        "approving_body": award.scene.body.pk,
        "rules": [],
    }
    response = staff_api.post("/api/v1/award-policies/", payload, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "policy_decision_not_agreed"


def test_contracts_filter_by_scope_and_running_date(viewer_api, award):
    kept = ContractFactory(alliance=award.alliance, in_scope=False, starts_on=date(2022, 4, 1))
    ContractFactory(alliance=award.alliance, ends_on=date(2022, 3, 31))
    assert [c["id"] for c in results(viewer_api.get("/api/v1/contracts/?in_scope=false"))] == [kept.pk]
    found = results(viewer_api.get("/api/v1/contracts/?alliance=dunmarrow&running_on=2022-06-01"))
    assert [c["id"] for c in found] == [kept.pk]
    assert found[0]["annual_value"] == "1000000.00"


# Query counts: fixed whatever the number of rows


def fill_with_many(award):
    for i in range(30):
        process = AwardProcessFactory(policy=award.policy, route="DIRECT_AWARD", direct_award_to=OrganisationFactory())
        submission = SubmissionFactory(process=process, price=Decimal(1000 + i))
        AwardProcess.objects.filter(pk=process.pk).update(recommended_submission=submission)
        ContractFactory(alliance=award.alliance, awarded_through=process, provider=submission.bidder)
    process = AwardProcess.objects.first()
    for _ in range(30):
        EvaluationScoreFactory(submission=SubmissionFactory(process=process))
    for i in range(20):
        services.adopt_policy(
            alliance=award.alliance,
            adopted_by=DecisionFactory(
                body=award.scene.body, kind="POLICY", status="AGREED", reference=f"ALT-2022-{i:03d}"
            ),
            in_force_from=date(2022, 4, 1) + timedelta(days=i),
            approving_body=award.scene.body,
            rules=[{"route": "DIRECT_AWARD", "max_value": str(500000 + i)}],
        )
    return process


def crowded_award():
    award = make_award_scene()
    return SimpleNamespace(process=fill_with_many(award), viewer=viewer_of(award.alliance))


class TestQueryCountsAreFixed:
    """Reads only: the award scene with thirty awards, contracts and scores is built once for the class."""

    crowded = built_once(crowded_award)

    @pytest.fixture
    def viewer(self, crowded):
        return crowded.viewer

    @pytest.fixture
    def many(self, crowded):
        return crowded.process

    @pytest.mark.parametrize("path", ["awards", "contracts", "award-policies"])
    def test_list_query_count_is_fixed(self, viewer_api, many, path, django_assert_max_num_queries):
        with django_assert_max_num_queries(10):
            response = viewer_api.get(f"/api/v1/{path}/?alliance=dunmarrow")
        assert len(results(response)) >= 20

    @pytest.mark.parametrize("path", ["submissions", "scores"])
    def test_nested_list_query_count_is_fixed(self, viewer_api, many, path, django_assert_max_num_queries):
        with django_assert_max_num_queries(12):
            response = viewer_api.get(f"/api/v1/awards/{many.pk}/{path}/")
        assert len(results(response)) >= 30

    def test_audit_and_ocds_query_counts_are_fixed(self, viewer_api, many, django_assert_max_num_queries):
        with django_assert_max_num_queries(20):  # 29 before the trail's reads were cut (contracts/trail.py)
            assert viewer_api.get(f"/api/v1/awards/{many.pk}/audit/").status_code == 200
        with django_assert_max_num_queries(14):
            body = viewer_api.get("/api/v1/awards/ocds/?alliance=dunmarrow").json()
        assert len(body["releases"]) == 30
        assert Submission.objects.count() >= 60


def test_approval_opened_through_the_api_recuses_bidders(staff_api, award):
    process, _ = award.recommended()
    response = staff_api.post(f"/api/v1/awards/{process.pk}/approval/", {"closes_at": "2099-07-01T12:00:00Z"})
    assert response.status_code == 201
    process.refresh_from_db()
    assert process.approval_decision.recusals.count() == 2
    again = staff_api.post(f"/api/v1/awards/{process.pk}/approval/", {})
    assert again.status_code == 409


# Interests and corrections through the API (thin calls of note_interest and correct_process)

INTEREST_MODELS = (AwardInterest, Recusal, Vote)


def interest_in(award, declared_on=date(2021, 5, 1)):
    return declare_interest(
        actor=SYSTEM,
        alliance=award.alliance,
        person=award.scene.reps[2],
        represents=award.members[2].organisation,
        interest="Bidding partner of a member.",
        declared_on=declared_on,
    )


def test_staff_notes_an_interest_in_an_award(staff_api, award):
    process, declaration = award.process(), interest_in(award)
    url = f"/api/v1/awards/{process.pk}/interests/"
    response = staff_api.post(url, {"declaration": declaration.pk, "noted_on": "2021-05-02"}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["declaration"] == declaration.pk
    assert [i["id"] for i in results(staff_api.get(url))] == [response.json()["id"]]


def test_interest_refusals_answer_400_403_409_and_write_nothing(staff_api, viewer_api, award):
    process, declaration = award.process(), interest_in(award)
    url = f"/api/v1/awards/{process.pk}/interests/"
    before = rows(*INTEREST_MODELS)
    early = staff_api.post(url, {"declaration": declaration.pk, "noted_on": "2021-04-01"}, format="json")
    assert (early.status_code, early.json()["code"]) == (400, "interest_not_current")
    assert (
        viewer_api.post(url, {"declaration": declaration.pk, "noted_on": "2021-05-02"}, format="json").status_code
        == 403
    )
    assert rows(*INTEREST_MODELS) == before
    noted = staff_api.post(url, {"declaration": declaration.pk, "noted_on": "2021-05-02"}, format="json")
    assert noted.status_code == 201
    before = rows(*INTEREST_MODELS)
    again = staff_api.post(url, {"declaration": declaration.pk, "noted_on": "2021-05-02"}, format="json")
    assert (again.status_code, again.json()["code"]) == (409, "interest_already_noted")
    assert rows(*INTEREST_MODELS) == before


def test_interest_noted_through_the_api_while_approval_is_open_recuses(staff_api, award):
    process, _ = award.recommended()
    decision = services.open_approval(actor=SYSTEM, process=process, opened_at=OPENED)
    declaration = interest_in(award, declared_on=date(2021, 6, 12))
    url = f"/api/v1/awards/{process.pk}/interests/"
    response = staff_api.post(url, {"declaration": declaration.pk, "noted_on": "2021-06-12"}, format="json")
    assert response.status_code == 201, response.content
    assert decision.recusals.filter(membership=award.members[2]).exists()


def test_staff_corrects_a_process_with_a_reason(staff_api, award):
    process = award.process()
    url = f"/api/v1/awards/{process.pk}/correct/"
    response = staff_api.post(url, {"title": "Outreach, citywide", "reason": "Title mistyped"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["title"] == "Outreach, citywide"
    assert process.history.first().history_change_reason == "Corrected: Title mistyped"


def test_correction_refusals_answer_400_403_409_and_write_nothing(staff_api, viewer_api, award):
    process = award.process()
    url = f"/api/v1/awards/{process.pk}/correct/"
    before = rows(AwardProcess)
    no_reason = staff_api.post(url, {"title": "New"}, format="json")
    assert (no_reason.status_code, no_reason.json()["field"]) == (400, "reason")
    too_high = staff_api.post(url, {"estimated_total_value": "9000000", "reason": "Re-estimated"}, format="json")
    assert (too_high.status_code, too_high.json()["code"]) == (400, "award_value_above_limit")
    assert viewer_api.post(url, {"title": "New", "reason": "Typo"}, format="json").status_code == 403
    assert rows(AwardProcess) == before
    services.cancel_process(process=process, reason="Not needed")
    before = rows(AwardProcess)
    closed = staff_api.post(url, {"title": "New", "reason": "Typo"}, format="json")
    assert (closed.status_code, closed.json()["code"]) == (409, "award_closed")
    assert rows(AwardProcess) == before
