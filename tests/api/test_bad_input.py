"""Bad input answers 4xx with a message, never 5xx."""

import pytest

from contracts.models import AwardProcess, StageTransition
from decisions.models import Decision, Vote
from tests.conftest import token_client
from tests.factories import SubmissionFactory, UserFactory
from tests.helpers import rows
from tests.scenes import make_award_scene, make_scene

pytestmark = pytest.mark.django_db

HUGE = "9" * 30


@pytest.fixture
def decision():
    return make_scene(voting=2).open(visibility="PUBLIC")


def endpoints(decision):
    return ["/api/v1/decisions/", f"/api/v1/decisions/{decision.pk}/votes/", "/api/v1/memberships/", "/api/v1/awards/"]


def test_malformed_json_is_refused_with_a_message(staff_api, decision):
    for url in endpoints(decision):
        response = staff_api.post(url, data="{not json", content_type="application/json")
        assert response.status_code == 400, url
        assert "JSON parse error" in response.json()["detail"]


@pytest.mark.parametrize("body", ["[]", '"x"', "null", "1", "true", '[{"position": "AGREE"}]'])
def test_a_body_that_is_not_an_object_is_refused_saying_what_it_must_be(staff_api, decision, body):
    # Every write route, for every standing, is walked in test_non_object_bodies.py; this is the sentence.
    before = rows(Decision, Vote)
    for url in endpoints(decision):
        response = staff_api.post(url, data=body, content_type="application/json")
        assert response.status_code == 400, url
        answer = response.json()
        assert answer["code"] == "body_not_an_object"
        assert answer["detail"].startswith("The request body must be a JSON object of the fields this request takes")
    assert rows(Decision, Vote) == before


def test_a_list_body_from_a_representative_is_a_400_not_a_500():
    # The access rule reads the vote's member from the body before the view runs: it once met a list.
    scene = make_scene(voting=2)
    decision = scene.open(visibility="PUBLIC")
    scene.reps[0].user = UserFactory(username="representative")
    scene.reps[0].save()
    before = rows(Vote)
    response = token_client(scene.reps[0].user).post(
        f"/api/v1/decisions/{decision.pk}/votes/", data="[]", content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "body_not_an_object"
    assert rows(Vote) == before


def test_wrong_types_and_unknown_ids_are_refused_with_a_message(staff_api, decision):
    payload = {"body": HUGE, "membership": "first", "organisation": [1], "alliance": {"slug": 1}, "title": 7}
    for url in endpoints(decision):
        response = staff_api.post(url, data=payload, format="json")
        assert 400 <= response.status_code < 500, url
        assert response.json(), url


@pytest.mark.parametrize(
    "query",
    [f"member={HUGE}", f"organisation={HUGE}", f"body={HUGE}", "body=%C2%B2", "member=-1", "decided_after=2021-02-30"],
)
def test_out_of_range_filters_answer_400(staff_api, query):
    response = staff_api.get(f"/api/v1/decisions/?{query}")
    assert response.status_code in (200, 400)
    if response.status_code == 400:
        assert response.json()


def test_over_long_search_is_a_400_naming_the_limit(staff_api, decision):
    response = staff_api.get("/api/v1/decisions/", {"q": "beds " * 40 + "beds!"})  # 205 characters
    assert response.status_code == 400
    body = response.json()
    assert body["field"] == "q"
    assert body["detail"] == (
        "q: The search is 205 characters long; shorten it to at most 200 characters, "
        "such as a few words of a title or a reference."
    )


def test_search_of_the_longest_length_is_taken(staff_api, decision):
    response = staff_api.get("/api/v1/decisions/", {"q": decision.title[:200].ljust(200)})
    assert response.status_code == 200
    assert [d["id"] for d in response.json()["results"]] == [decision.pk]


def test_out_of_range_ids_in_filters_say_so(staff_api):
    response = staff_api.get(f"/api/v1/decisions/?member={HUGE}")
    assert response.status_code == 400
    assert response.json()["field"] == "member"


def test_unknown_id_in_the_path_is_not_found(staff_api):
    assert staff_api.get(f"/api/v1/decisions/{HUGE}/").status_code == 404


@pytest.mark.parametrize(
    "move,field",
    [
        ({"to_stage": "SUBMISSIONS", "starts_on": "2021-07-01"}, "starts_on"),
        ({"to_stage": "CANCELLED", "reason": "No longer needed", "in_scope": True}, "in_scope"),
        ({"to_stage": "EVALUATION", "annual_value": "1000"}, "annual_value"),
        ({"to_stage": "SUBMISSIONS", "recommended_submission": "SUBMISSION"}, "recommended_submission"),
        ({"to_stage": "RECOMMENDED", "ends_on": "2024-03-31"}, "ends_on"),
    ],
)
def test_transition_detail_for_another_stage_is_a_400_naming_it(staff_api, move, field):
    award = make_award_scene()
    process = award.process()
    if move.get("recommended_submission") == "SUBMISSION":
        move["recommended_submission"] = SubmissionFactory(process=process, bidder=award.members[0].organisation).pk
    before = rows(AwardProcess, StageTransition)
    response = staff_api.post(f"/api/v1/awards/{process.pk}/transition/", move, format="json")
    assert response.status_code == 400, response.content
    body = response.json()
    assert (body["code"], body["field"]) == ("award_detail_not_for_stage", field)
    assert field in body["detail"]
    assert rows(AwardProcess, StageTransition) == before
