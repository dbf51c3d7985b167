"""The one-screen registers through the API (issue 19, part 4): a list of rows, 200 with the records, or 400 with
each refused row and nothing written."""

from datetime import UTC, datetime

import pytest

from decisions.models import Attendance, Vote
from tests.factories import MeetingFactory, PersonFactory, UserFactory
from tests.helpers import rows, token_client

pytestmark = pytest.mark.django_db

MEETING_AT = datetime(2021, 3, 4, 10, 0, tzinfo=UTC)


@pytest.fixture
def meeting(scene):
    return MeetingFactory(body=scene.body, starts_at=MEETING_AT, title="ALT March meeting")


@pytest.fixture
def keeper_api(scene):
    scene.secretary.user = UserFactory(username="secretary")
    scene.secretary.save()
    return token_client(scene.secretary.user)


def url(meeting):
    return f"/api/v1/meetings/{meeting.pk}/attendance-register/"


def rep_row(scene, index, **fields):
    values = {
        "person": scene.reps[index].pk,
        "capacity": "voting_representative",
        "organisation": scene.members[index].organisation.pk,
    }
    return {**values, **fields}


def test_a_whole_meetings_attendance_in_one_request(keeper_api, scene, meeting):
    body = {
        "rows": [
            rep_row(scene, 0),
            rep_row(scene, 1, presence="apologies"),
            {"person": scene.secretary.pk, "capacity": "secretariat"},
        ]
    }
    response = keeper_api.post(url(meeting), body, format="json")
    assert response.status_code == 200, response.content
    recorded = {a["person"]["name"]: a["present"] for a in response.json()["attendances"]}
    assert recorded == {
        "Rep of Harbour Light Housing": True,
        "Rep of Second Step Trust": False,
        "Morag Secretary": True,
    }


def test_refused_rows_answer_400_with_each_row_and_nothing_written(keeper_api, scene, meeting):
    stranger = PersonFactory(name="Sam Stranger")
    body = {
        "rows": [
            rep_row(scene, 0),
            {"person": scene.reps[1].pk, "capacity": "voting_representative"},
            rep_row(scene, 2, person=scene.reps[0].pk),
        ]
    }
    before = rows(Attendance)
    response = keeper_api.post(url(meeting), body, format="json")
    assert response.status_code == 400, response.content
    answer = response.json()
    assert answer["code"] == "register_rows_refused"
    assert answer["detail"] == "2 rows need attention; nothing was saved yet."
    assert [(r["index"], r["code"], r["field"]) for r in answer["rows"]] == [
        (1, "attendance_organisation_required", "organisation"),
        (2, "register_row_repeated", "person"),
    ]
    assert rows(Attendance) == before
    assert stranger.name not in response.content.decode()


def test_a_row_of_the_wrong_shape_answers_as_a_refused_row(keeper_api, scene, meeting):
    body = {"rows": [rep_row(scene, 0), {"person": scene.reps[1].pk, "capacity": "chair"}]}
    before = rows(Attendance)
    response = keeper_api.post(url(meeting), body, format="json")
    assert response.status_code == 400
    assert [(r["index"], r["code"], r["field"]) for r in response.json()["rows"]] == [(1, "invalid", "capacity")]
    assert rows(Attendance) == before


def test_an_empty_register_is_refused(keeper_api, meeting):
    response = keeper_api.post(url(meeting), {"rows": []}, format="json")
    assert response.status_code == 400
    assert response.json()["field"] == "rows"


def test_only_the_secretary_takes_attendance_through_the_api(scene, meeting):
    scene.reps[0].user = UserFactory(username="rep")
    scene.reps[0].save()
    response = token_client(scene.reps[0].user).post(url(meeting), {"rows": [rep_row(scene, 0)]}, format="json")
    assert response.status_code == 403
    assert not meeting.attendances.exists()


# Positions -------------------------------------------------------------------------------------------------


def positions(decision):
    return f"/api/v1/decisions/{decision.pk}/positions/"


def position_row(scene, index, position="AGREE", **fields):
    values = {"membership": scene.members[index].pk, "position": position, "cast_by": scene.reps[index].pk}
    return {**values, **fields}


def test_a_whole_decisions_positions_in_one_request(keeper_api, scene):
    decision = scene.open()
    objection = position_row(scene, 1, "OBJECT", statement="Too soon.")
    body = {"rows": [position_row(scene, 0), objection, position_row(scene, 2, "")], "cast_at": "2021-03-02T10:00:00Z"}
    response = keeper_api.post(positions(decision), body, format="json")
    assert response.status_code == 200, response.content
    assert [(v["position"], v["recorded_by"]["name"]) for v in response.json()] == [
        ("AGREE", "Morag Secretary"),
        ("OBJECT", "Morag Secretary"),
    ]


def test_refused_positions_answer_400_per_row_and_write_nothing(keeper_api, scene):
    decision = scene.open()
    body = {
        "rows": [position_row(scene, 0), position_row(scene, 1, "OBJECT"), position_row(scene, 2, cast_by=None)],
        "cast_at": "2021-03-02T10:00:00Z",
    }
    before = rows(Vote)
    response = keeper_api.post(positions(decision), body, format="json")
    assert response.status_code == 400, response.content
    assert [(r["index"], r["code"]) for r in response.json()["rows"]] == [
        (1, "objection_needs_statement"),
        (2, "position_cast_by_required"),
    ]
    assert rows(Vote) == before


def test_positions_on_a_draft_answer_409(keeper_api, scene):
    decision = scene.draft()
    response = keeper_api.post(positions(decision), {"rows": [position_row(scene, 0)]}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "decision_not_open"


def test_only_the_secretary_records_positions_through_the_api(scene):
    decision = scene.open()
    scene.reps[0].user = UserFactory(username="rep")
    scene.reps[0].save()
    response = token_client(scene.reps[0].user).post(
        positions(decision), {"rows": [position_row(scene, 0)]}, format="json"
    )
    assert response.status_code == 403
    assert not decision.votes.exists()
