"""Seats and rules by kind of matter through the API: the secretary keeps them, refusals are 400/403/409
with the message and nothing written, and votes at a body with seats of its own follow its seats."""

import pytest

from alliance.models import BodyRule, GoverningBody
from decisions.models import Vote
from roles.models import Seat
from roles.services import add_seat
from roles.standing import SYSTEM
from tests.factories import MeetingFactory, PersonFactory, UserFactory
from tests.helpers import rows, token_client, viewer_of
from tests.scenes import OPENED, SEATED, make_oversight

pytestmark = pytest.mark.django_db


@pytest.fixture
def oversight(scene):
    return make_oversight(scene)


@pytest.fixture
def secretary_api(scene):
    scene.secretary.user = UserFactory(username="og-secretary")
    scene.secretary.save()
    return token_client(scene.secretary.user)


@pytest.fixture
def viewer(scene):
    return viewer_of(scene.alliance)


def test_seats_are_listed_by_body_with_who_holds_them(viewer_api, scene, oversight, django_assert_max_num_queries):
    body, seats = oversight
    for index in (1, 2):  # more seats, the same queries
        add_seat(actor=SYSTEM, body=body, membership=scene.members[index], starts_on=SEATED)
    with django_assert_max_num_queries(9):
        response = viewer_api.get("/api/v1/seats/", {"body": body.pk})
    assert response.status_code == 200
    held = {(row["holder"], row["kind"]) for row in response.json()["results"]}
    assert held == {
        ("Harbour Light Housing", "VOTING"),
        ("Second Step Trust", "VOTING"),
        ("Northgate Housing Association", "VOTING"),
        ("Iona Chair", "VOTING"),
        ("Euan Officer", "VOTING"),
        ("Dunmarrow Homelessness Network", "ADVISORY"),
    }


def test_another_alliances_seats_are_not_listed(stranger_api, oversight):
    assert stranger_api.get("/api/v1/seats/").json()["results"] == []


def test_the_secretary_adds_and_ends_a_seat(secretary_api, scene, oversight):
    body, _ = oversight
    person = scene.reps[1]  # a person the secretary may read: she holds a role in the alliance
    response = secretary_api.post(
        "/api/v1/seats/", {"body": body.pk, "person": person.pk, "starts_on": "2021-04-01"}, format="json"
    )
    assert response.status_code == 201, response.json()
    seat = response.json()
    assert (seat["holder"], seat["kind"], seat["ends_on"]) == ("Rep of Second Step Trust", "VOTING", None)
    response = secretary_api.post(
        f"/api/v1/seats/{seat['id']}/end/", {"ends_on": "2021-09-30", "reason": "Term ended."}, format="json"
    )
    assert response.status_code == 200
    assert (response.json()["ends_on"], response.json()["end_reason"]) == ("2021-09-30", "Term ended.")


def test_a_seat_refused_is_400_with_the_message_and_nothing_written(secretary_api, scene, oversight):
    before = rows(Seat)
    response = secretary_api.post(
        "/api/v1/seats/",
        {"body": scene.body.pk, "membership": scene.members[1].pk, "starts_on": "2021-04-01"},
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["code"] == "body_seats_follow_membership"
    assert rows(Seat) == before


def test_a_viewer_cannot_add_a_seat(viewer_api, oversight):
    body, _ = oversight
    before = rows(Seat)
    response = viewer_api.post(
        "/api/v1/seats/", {"body": body.pk, "person": PersonFactory().pk, "starts_on": "2021-04-01"}, format="json"
    )
    assert response.status_code == 403
    assert rows(Seat) == before


def test_a_body_shows_its_seating_and_rules_and_the_secretary_sets_a_rule(secretary_api, scene):
    response = secretary_api.post(
        f"/api/v1/bodies/{scene.body.pk}/rules/",
        {"kind": "PROCEDURAL", "decision_rule": "MAJORITY"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["own_seats"] is False
    assert body["kind_rules"] == [
        {
            "id": BodyRule.objects.get().pk,
            "kind": "PROCEDURAL",
            "decision_rule": "MAJORITY",
            "quorum_count": None,
            "quorum_fraction": "0.500",
            "abstention_blocks": False,
            "in_words": "Majority: quorum and more agree than object; quorum 50% of voting members",
        }
    ]
    response = secretary_api.post(
        f"/api/v1/bodies/{scene.body.pk}/rules/remove/",
        {"kind": "PROCEDURAL", "reason": "Back to unanimity."},
        format="json",
    )
    assert response.status_code == 200 and response.json()["kind_rules"] == []


def test_a_rule_refused_is_400_and_nothing_written(secretary_api, scene):
    before = rows(BodyRule)
    response = secretary_api.post(
        f"/api/v1/bodies/{scene.body.pk}/rules/",
        {"kind": "PROCEDURAL", "decision_rule": "MAJORITY", "quorum_count": 2, "quorum_fraction": "0.5"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "body_quorum_required"
    assert rows(BodyRule) == before
    response = secretary_api.post(
        f"/api/v1/bodies/{scene.body.pk}/rules/remove/", {"kind": "KEY", "reason": "No such rule."}, format="json"
    )
    assert response.status_code == 400 and response.json()["code"] == "kind_rule_unknown"


def test_seating_changes_through_its_action_not_the_bodys_fields(secretary_api, staff_api, scene):
    response = staff_api.patch(f"/api/v1/bodies/{scene.body.pk}/", {"own_seats": True}, format="json")
    assert response.status_code == 400
    response = secretary_api.post(
        f"/api/v1/bodies/{scene.body.pk}/seating/",
        {"own_seats": True, "reason": "The ALT seats its own."},
        format="json",
    )
    assert response.status_code == 200 and response.json()["own_seats"] is True
    assert GoverningBody.objects.get(pk=scene.body.pk).history.first().history_change_reason == "The ALT seats its own."


def test_a_person_in_their_own_seat_votes_through_the_api(scene, oversight):
    body, seats = oversight
    meeting = MeetingFactory(body=body, starts_at=OPENED)
    decision = scene.open(body=body, meeting=meeting, kind="OPERATIONAL", closes_at=None)
    chair = seats["chair"].person
    chair.user = UserFactory(username="chair")
    chair.save()
    api = token_client(chair.user)
    response = api.post(
        f"/api/v1/decisions/{decision.pk}/votes/",
        {"seat": seats["chair"].pk, "position": "AGREE", "cast_by": chair.pk},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert (response.json()["voter"], response.json()["organisation"]) == ("Iona Chair", None)
    before = rows(Vote)
    response = api.post(
        f"/api/v1/decisions/{decision.pk}/votes/",
        {"membership": scene.members[1].pk, "position": "AGREE", "cast_by": chair.pk},
        format="json",
    )
    assert response.status_code == 403
    assert rows(Vote) == before


def test_a_member_without_a_seat_is_refused_through_the_api(staff_api, scene, oversight):
    body, _ = oversight
    decision = scene.open(body=body, kind="OPERATIONAL")
    before = rows(Vote)
    response = staff_api.post(
        f"/api/v1/decisions/{decision.pk}/votes/",
        {"membership": scene.members[1].pk, "position": "AGREE", "cast_by": scene.reps[1].pk},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "no_seat_on_body"
    assert "did not hold a seat on Oversight Group" in response.json()["detail"]
    assert rows(Vote) == before


def test_the_secretary_requires_advice_through_the_api(secretary_api, scene):
    before = rows(GoverningBody)
    response = secretary_api.post(f"/api/v1/bodies/{scene.body.pk}/advice-rule/", {"required": True}, format="json")
    assert response.status_code == 400 and rows(GoverningBody) == before
    response = secretary_api.post(
        f"/api/v1/bodies/{scene.body.pk}/advice-rule/", {"required": True, "reason": "Agreed."}, format="json"
    )
    assert response.status_code == 200 and response.json()["advice_required_for_key"] is True
