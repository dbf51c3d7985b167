"""Rule 1 with seats: a body with seats of its own is voted by them, not by every voting member.

The scene's ALT is sat on by the alliance's members; here an Oversight Group with seats of its own
(one member organisation and two people sitting in their own right) decides by majority, and the
members being overseen have no vote on it.
"""

from datetime import date

import pytest

from alliance.models import GoverningBody
from decisions import services
from decisions.models import Attendance, Decision, Recusal, Vote
from decisions.queries import electorate, votes_grid
from roles import services as roles_services
from roles.models import Seat
from roles.standing import SYSTEM
from tests.factories import (
    AllianceFactory,
    AttendanceFactory,
    GoverningBodyFactory,
    MeetingFactory,
    MembershipFactory,
    PersonFactory,
    RoleAssignmentFactory,
    RoleFactory,
)
from tests.helpers import actor_for, refused_watching
from tests.scenes import CLOSED, OPENED, SEATED, VOTED
from tests.scenes import make_oversight as oversight

pytestmark = pytest.mark.django_db

refused = refused_watching(Seat, Vote, Recusal, Decision, GoverningBody)


def og_decision(scene, body, **fields):
    return scene.open(body=body, title="Adopt the oversight programme", kind="OPERATIONAL", **fields)


def person_vote(decision, seat, position="AGREE", **kwargs):
    return services.cast_vote(
        actor=kwargs.pop("actor", SYSTEM),
        decision=decision,
        seat=seat,
        position=position,
        cast_by=kwargs.pop("cast_by", seat.person),
        statement=kwargs.pop("statement", "It audits the wrong things." if position == "OBJECT" else ""),
        cast_at=VOTED,
        now=VOTED,
    )


# The electorate ------------------------------------------------------------------------------


def test_a_body_with_seats_is_voted_by_its_voting_seats_only(scene):
    body, seats = oversight(scene)
    decision = og_decision(scene, body)
    voters = electorate(decision, date(2021, 3, 1))
    assert [v.name for v in voters.eligible] == ["Euan Officer", "Harbour Light Housing", "Iona Chair"]
    grid = {row["name"]: row["state"] for row in votes_grid(decision)}
    assert grid == {
        "Dunmarrow Homelessness Network": "advisory",
        "Euan Officer": "not_voted",
        "Harbour Light Housing": "not_voted",
        "Iona Chair": "not_voted",
    }


def test_a_body_without_seats_of_its_own_is_voted_by_the_alliances_voting_members(scene):
    decision = scene.open()
    assert [v.name for v in electorate(decision, date(2021, 3, 1)).eligible] == [
        "Harbour Light Housing",
        "Northgate Housing Association",
        "Second Step Trust",
    ]


def test_a_majority_of_the_seats_decides_and_the_overseen_members_do_not_vote(scene):
    body, seats = oversight(scene)
    decision = og_decision(scene, body)
    scene.vote(decision, 0, "AGREE")
    person_vote(decision, seats["chair"], "AGREE")
    person_vote(decision, seats["officer"], "OBJECT")
    closed = services.close_decision(actor=SYSTEM, decision=decision, closed_at=CLOSED)
    assert closed.status == Decision.Status.AGREED
    assert (closed.agree_count, closed.object_count, closed.eligible_count) == (2, 1, 3)
    assert closed.outcome_explanation == "Agreed by majority: 2 agreed, 1 objected, 0 abstained."
    assert closed.rule_applied == "Majority: quorum and more agree than object; quorum 50% of voting members"


def test_a_member_without_a_seat_cannot_vote_at_a_body_with_seats(scene):
    body, _ = oversight(scene)
    decision = og_decision(scene, body)
    error = refused("no_seat_on_body", lambda: scene.vote(decision, 1))
    assert error.message == (
        "Second Step Trust did not hold a seat on Oversight Group on 02/03/2021, so has no vote on its decisions; "
        "the secretary records the body's seats on its page."
    )
    assert error.field == "membership"


def test_an_advisory_seat_cannot_vote(scene):
    body, seats = oversight(scene)
    decision = og_decision(scene, body)
    rep = PersonFactory(name="Network rep")
    RoleAssignmentFactory(
        role=RoleFactory(
            alliance=scene.alliance, kind="member_representative", organisation=scene.advisory.organisation
        ),
        person=rep,
    )
    error = refused(
        "advisory_member_cannot_vote",
        services.cast_vote,
        actor=SYSTEM,
        decision=decision,
        membership=scene.advisory,
        position="AGREE",
        cast_by=rep,
        cast_at=VOTED,
        now=VOTED,
    )
    assert "holds an advisory seat on Oversight Group and cannot vote" in error.message


def test_a_seat_ended_before_the_vote_has_no_vote(scene):
    body, seats = oversight(scene)
    roles_services.end_seat(actor=SYSTEM, seat=seats["chair"], ends_on=date(2021, 2, 28), reason="Stood down.")
    decision = og_decision(scene, body)
    error = refused("no_seat_on_body", lambda: person_vote(decision, Seat.objects.get(pk=seats["chair"].pk)))
    assert error.message.startswith("Iona Chair did not hold a seat on Oversight Group on 02/03/2021")


def test_a_person_in_their_own_seat_casts_only_their_own_vote(scene):
    body, seats = oversight(scene)
    decision = og_decision(scene, body)
    error = refused(
        "vote_caster_not_seat_holder", lambda: person_vote(decision, seats["chair"], cast_by=seats["officer"].person)
    )
    assert error.message == (
        "Iona Chair sits on Oversight Group in their own right, so only Iona Chair can cast that vote; "
        "under 'Cast by', choose Iona Chair."
    )


def test_a_person_in_their_own_seat_votes_as_themselves_and_not_for_another(scene):
    body, seats = oversight(scene)
    decision = og_decision(scene, body)
    chair = seats["chair"].person
    vote = person_vote(decision, seats["chair"], actor=actor_for(chair))
    assert (vote.seat, vote.membership, vote.cast_by, vote.recorded_by) == (seats["chair"], None, chair, None)
    error = refused("not_permitted", lambda: person_vote(decision, seats["officer"], actor=actor_for(chair)))
    assert error.message.startswith("You may cast only your own vote")


def test_a_person_seat_of_another_body_is_refused(scene):
    body, seats = oversight(scene)
    decision = scene.open()  # at the ALT
    error = refused("seat_other_body", lambda: person_vote(decision, seats["chair"]))
    assert (error.message, error.field) == (f"That seat is not on {scene.body.name}; choose one of its seats.", "seat")


def test_a_person_seat_is_recused_and_its_vote_struck(scene):
    body, seats = oversight(scene)
    decision = og_decision(scene, body)
    vote = person_vote(decision, seats["officer"], "OBJECT")
    recusal = services.record_recusal(actor=SYSTEM, decision=decision, seat=seats["officer"], reason="Conflicted.")
    vote.refresh_from_db()
    assert vote.struck_by == recusal and recusal.voter_name == "Euan Officer"
    assert [v.name for v in electorate(decision, date(2021, 3, 1)).eligible] == ["Harbour Light Housing", "Iona Chair"]


def test_quorum_at_a_meeting_counts_the_seats_present(scene):
    body, seats = oversight(scene)
    meeting = MeetingFactory(body=body, starts_at=OPENED)
    AttendanceFactory(meeting=meeting, person=seats["chair"].person, capacity="seat_holder", organisation=None)
    decision = scene.open(body=body, meeting=meeting, kind="OPERATIONAL", closes_at=None)
    person_vote(decision, seats["chair"], "AGREE")
    closed = services.close_decision(actor=SYSTEM, decision=decision, closed_at=CLOSED)
    assert (closed.quorum_present, closed.quorum_needed) == (1, 2)
    assert closed.status == Decision.Status.NOT_AGREED
    assert "quorum not met (1 of 2 needed)" in closed.outcome_explanation


# Keeping the seats ---------------------------------------------------------------------------


def test_seats_are_kept_by_the_bodys_secretary_with_history(scene):
    body, seats = oversight(scene)
    seat = roles_services.add_seat(
        actor=actor_for(scene.secretary), body=body, person=PersonFactory(name="New Member"), starts_on=date(2021, 4, 1)
    )
    assert seat.history.first().history_change_reason == "Seated (voting)"
    ended = roles_services.end_seat(
        actor=actor_for(scene.secretary), seat=seat, ends_on=date(2021, 9, 30), reason="Term ended."
    )
    assert (ended.ends_on, ended.end_reason) == (date(2021, 9, 30), "Term ended.")


def test_only_the_secretary_keeps_the_seats(scene):
    body, _ = oversight(scene)
    error = refused(
        "not_permitted",
        roles_services.add_seat,
        actor=actor_for(scene.reps[0]),
        body=body,
        person=PersonFactory(),
        starts_on=SEATED,
    )
    assert "secretary" in error.message


def test_a_body_sat_on_by_the_members_takes_no_seats(scene):
    error = refused(
        "body_seats_follow_membership",
        roles_services.add_seat,
        actor=SYSTEM,
        body=scene.body,
        membership=scene.members[0],
        starts_on=SEATED,
    )
    assert "choose 'Give it seats of its own' on the body's page first" in error.message


@pytest.mark.parametrize(
    "fields, code",
    [
        ({}, "seat_member_or_person"),
        ({"member": 0, "person": True}, "seat_member_or_person"),
        ({"person": True, "kind": "CHAIR"}, "seat_kind_unknown"),
        ({"person": True, "ends_on": date(2020, 12, 31)}, "seat_ends_before_start"),
        ({"member": 0}, "seat_overlaps"),
    ],
)
def test_a_seat_is_refused_when(scene, fields, code):
    body, _ = oversight(scene)
    kwargs = {"actor": SYSTEM, "body": body, "starts_on": SEATED}
    if "member" in fields:
        kwargs["membership"] = scene.members[fields["member"]]
    if fields.get("person"):
        kwargs["person"] = PersonFactory()
    kwargs.update({k: v for k, v in fields.items() if k in ("kind", "ends_on")})
    refused(code, roles_services.add_seat, **kwargs)


def test_a_leadership_teams_seats_are_member_organisations(scene):
    roles_services.set_own_seats(actor=SYSTEM, body=scene.body, own_seats=True, reason="Seats from April.")
    error = refused(
        "leadership_seats_are_members",
        roles_services.add_seat,
        actor=SYSTEM,
        body=scene.body,
        person=PersonFactory(),
        starts_on=SEATED,
    )
    assert "its seats are member organisations" in error.message


def test_a_member_of_another_alliance_takes_no_seat(scene):
    body, _ = oversight(scene)
    stranger = MembershipFactory(alliance=AllianceFactory(slug="elsewhere"))
    error = refused(
        "membership_other_alliance",
        roles_services.add_seat,
        actor=SYSTEM,
        body=body,
        membership=stranger,
        starts_on=SEATED,
    )
    assert stranger.organisation.name not in error.message


def test_ending_a_seat_is_refused_when_ended_or_unexplained(scene):
    body, seats = oversight(scene)
    refused(
        "seat_end_reason_required",
        roles_services.end_seat,
        actor=SYSTEM,
        seat=seats["chair"],
        ends_on=date(2021, 6, 1),
        reason=" ",
    )
    refused(
        "seat_ends_before_start",
        roles_services.end_seat,
        actor=SYSTEM,
        seat=seats["chair"],
        ends_on=date(2020, 6, 1),
        reason="Stood down.",
    )
    roles_services.end_seat(actor=SYSTEM, seat=seats["chair"], ends_on=date(2021, 6, 1), reason="Stood down.")
    refused(
        "seat_already_ended",
        roles_services.end_seat,
        actor=SYSTEM,
        seat=seats["chair"],
        ends_on=date(2021, 7, 1),
        reason="Again.",
    )


def test_who_sits_does_not_change_while_a_decision_is_open(scene):
    body, _ = oversight(scene)
    decision = og_decision(scene, body)
    error = refused(
        "own_seats_with_open_decisions",
        roles_services.set_own_seats,
        actor=SYSTEM,
        body=body,
        own_seats=False,
        reason="Back to the members.",
    )
    assert f"({decision.reference})" in error.message
    refused("own_seats_unchanged", roles_services.set_own_seats, actor=SYSTEM, body=body, own_seats=True, reason="x")


def test_a_leaving_member_leaves_its_seats(scene):
    from alliance import services as alliance_services

    body, seats = oversight(scene)
    alliance_services.end_membership(membership=scene.members[0], left_on=date(2021, 5, 31), reason="Left.")
    seat = Seat.objects.get(pk=seats["member"].pk)
    assert (seat.ends_on, seat.end_reason) == (date(2021, 5, 31), "The organisation left the alliance.")


def test_an_outside_body_takes_no_seats(scene):
    outside = GoverningBodyFactory(alliance=scene.alliance, code="IJB", kind=GoverningBody.Kind.OUTSIDE)
    error = refused(
        "outside_body_no_seats",
        roles_services.set_own_seats,
        actor=SYSTEM,
        body=outside,
        own_seats=True,
        reason="Seat it.",
    )
    assert "is outside the alliance: alliance members do not sit or vote there" in error.message


def test_only_a_seat_holder_attends_in_their_own_right_and_only_a_voting_seat_is_represented(scene):
    body, seats = oversight(scene)
    meeting = MeetingFactory(body=body, starts_at=OPENED)
    watched = refused_watching(Attendance)
    error = watched(
        "attendance_no_own_seat",
        lambda: services.record_attendance(actor=SYSTEM, meeting=meeting, person=scene.reps[1], capacity="seat_holder"),
    )
    assert error.message.startswith(f"{scene.reps[1]} did not hold a seat on Oversight Group in their own right")
    error = watched(
        "attendance_no_voting_seat",
        lambda: services.record_attendance(
            actor=SYSTEM,
            meeting=meeting,
            person=scene.reps[1],
            capacity="voting_representative",
            organisation=scene.members[1].organisation,
        ),
    )
    assert "did not hold a voting seat on Oversight Group" in error.message
    attended = services.record_attendance(
        actor=SYSTEM, meeting=meeting, person=seats["chair"].person, capacity="seat_holder"
    )
    assert attended.present
