"""Bad input answers 4xx with a message, never 5xx (issue 7 §5)."""

import pytest

from tests.decisions.scene import make_scene

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


def test_out_of_range_ids_in_filters_say_so(staff_api):
    response = staff_api.get(f"/api/v1/decisions/?member={HUGE}")
    assert response.status_code == 400
    assert response.json()["field"] == "member"


def test_unknown_id_in_the_path_is_not_found(staff_api):
    assert staff_api.get(f"/api/v1/decisions/{HUGE}/").status_code == 404
