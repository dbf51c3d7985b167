"""The API's close preview, the confirmation a lapse needs, extending a deadline and a vote's capacity
(rule 3, issue 18 part 3)."""

from datetime import UTC, datetime

import pytest

from decisions.models import Decision, Vote
from tests.helpers import rows, token_client, viewer_of
from tests.scenes import DECISION_ROWS

pytestmark = pytest.mark.django_db

URL = "/api/v1/decisions/"
LATER = datetime(2099, 3, 10, 17, 0, tzinfo=UTC)


@pytest.fixture
def viewer(scene):
    return viewer_of(scene.alliance)


@pytest.fixture
def secretary_api(scene):
    from tests.factories import UserFactory

    scene.secretary.user = UserFactory(username="secretary")
    scene.secretary.save()
    return token_client(scene.secretary.user)


@pytest.fixture
def decision(scene):
    decision = scene.open()
    scene.vote(decision, 0)
    scene.vote(decision, 1)
    return decision


def test_close_preview_names_who_has_not_given_a_position(staff_api, decision):
    response = staff_api.get(f"{URL}{decision.pk}/close-preview/")
    assert response.status_code == 200
    body = response.json()
    assert body["outcome"] == "LAPSED" and body["needs_confirmation"]
    assert body["missing"] == ["Northgate Housing Association"]
    assert body["choices"] == ["extend_deadline", "defer", "close_as_lapsed"]
    assert body["eligible"] == 3 and body["not_voted"] == 1


def test_a_reader_sees_the_preview_and_a_stranger_does_not(viewer_api, stranger_api, anon_api, decision):
    assert viewer_api.get(f"{URL}{decision.pk}/close-preview/").status_code == 200
    assert stranger_api.get(f"{URL}{decision.pk}/close-preview/").status_code == 404
    assert anon_api.get(f"{URL}{decision.pk}/close-preview/").status_code in (401, 403)


def test_preview_of_a_draft_is_409(staff_api, scene):
    response = staff_api.get(f"{URL}{scene.draft().pk}/close-preview/")
    assert response.status_code == 409 and response.json()["code"] == "decision_not_open"


def test_close_without_confirmation_is_400_and_writes_nothing(staff_api, decision):
    before = rows(*DECISION_ROWS)
    response = staff_api.post(f"{URL}{decision.pk}/close/", {"closed_at": "2021-03-10T12:00:00Z"})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "positions_missing" and body["field"] == "confirm_missing"
    assert "Northgate Housing Association has not given a position" in body["detail"]
    assert rows(*DECISION_ROWS) == before


def test_close_with_confirmation_lapses(staff_api, decision):
    response = staff_api.post(
        f"{URL}{decision.pk}/close/", {"closed_at": "2021-03-10T12:00:00Z", "confirm_missing": True}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["status"] == "LAPSED"
    assert response.json()["status_text"] == "Lapsed: positions missing"
    listed = staff_api.get(URL, {"status": "LAPSED"}).json()
    assert [d["id"] for d in listed["results"]] == [decision.pk]


def test_extend_gives_a_later_deadline(secretary_api, scene):
    decision = scene.open(closes_at=LATER)
    response = secretary_api.post(
        f"{URL}{decision.pk}/extend/", {"closes_at": "2099-03-20T17:00:00Z", "reason": "Board meets later."}
    )
    assert response.status_code == 200, response.json()
    assert response.json()["closes_at"].startswith("2099-03-20")


def test_extend_to_the_past_is_400_and_writes_nothing(secretary_api, decision):
    before = rows(*DECISION_ROWS)
    response = secretary_api.post(f"{URL}{decision.pk}/extend/", {"closes_at": "2021-03-20T17:00:00Z"})
    assert response.status_code == 400 and response.json()["code"] == "closes_at_in_past"
    assert rows(*DECISION_ROWS) == before


def test_extend_before_the_current_deadline_is_400(secretary_api, scene):
    decision = scene.open(closes_at=LATER)
    response = secretary_api.post(f"{URL}{decision.pk}/extend/", {"closes_at": "2099-03-09T17:00:00Z"})
    assert response.status_code == 400 and response.json()["code"] == "closes_at_not_later"


def test_extend_by_a_reader_is_403_and_by_a_stranger_404(viewer_api, stranger_api, decision):
    body = {"closes_at": "2099-03-20T17:00:00Z"}
    before = rows(*DECISION_ROWS)
    assert viewer_api.post(f"{URL}{decision.pk}/extend/", body).status_code == 403
    assert stranger_api.post(f"{URL}{decision.pk}/extend/", body).status_code == 404
    assert rows(*DECISION_ROWS) == before
    decision.refresh_from_db()
    assert decision.status == Decision.Status.OPEN


def vote_body(scene, **extra):
    return {
        "membership": scene.members[0].pk,
        "position": "AGREE",
        "cast_by": scene.reps[0].pk,
        "cast_at": "2021-03-02T10:00:00Z",
        **extra,
    }


@pytest.fixture
def commissioner(scene):
    member = scene.members[0]
    member.capacities = ["commissioner", "funder", "partner"]
    member.save()
    return member


def test_vote_without_capacity_of_a_member_holding_several_is_400(staff_api, scene, commissioner):
    decision = scene.open()
    before = rows(Vote)
    response = staff_api.post(f"{URL}{decision.pk}/votes/", vote_body(scene))
    assert response.status_code == 400 and response.json()["code"] == "vote_capacity_required"
    assert rows(Vote) == before


def test_vote_in_a_capacity_not_held_is_400(staff_api, scene, commissioner):
    decision = scene.open()
    response = staff_api.post(f"{URL}{decision.pk}/votes/", vote_body(scene, capacity="provider"))
    assert response.status_code == 400 and response.json()["code"] == "vote_capacity_not_held"


def test_vote_records_and_shows_its_capacity(staff_api, scene, commissioner):
    decision = scene.open(closes_at=LATER)
    response = staff_api.post(f"{URL}{decision.pk}/votes/", vote_body(scene, capacity="partner"))
    assert response.status_code == 201 and response.json()["capacity"] == "partner"
    listed = staff_api.get("/api/v1/votes/", {"decision": decision.pk}).json()
    assert listed["results"][0]["capacity"] == "partner"
