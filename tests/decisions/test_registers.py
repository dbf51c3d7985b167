"""Registers on one screen (issue 19, part 4): a meeting's attendance and a decision's positions in one
submission, every row through the one-row service, and nothing written when any row is refused."""

from datetime import UTC, date, datetime

import pytest

from alliance.errors import RuleViolation
from decisions import services
from decisions.models import Attendance, Decision, Meeting, Recusal, Vote
from decisions.queries_registers import attendance_register, positions_moment, positions_register, tally
from decisions.services import AttendanceRow, PositionRow, RegisterRefused
from roles.models import Role
from tests.factories import AttendanceFactory, MeetingFactory, PersonFactory, RoleAssignmentFactory, RoleFactory
from tests.helpers import actor_for, rows
from tests.scenes import VOTED
from tests.scenes import make_oversight as oversight

pytestmark = pytest.mark.django_db

MEETING_AT = datetime(2021, 3, 4, 10, 0, tzinfo=UTC)
ATTENDANCE_ROWS = (Attendance, Meeting)
POSITION_ROWS = (Vote, Decision, Recusal)


@pytest.fixture
def meeting(scene):
    return MeetingFactory(body=scene.body, starts_at=MEETING_AT)


@pytest.fixture
def keeper(scene):
    return actor_for(scene.secretary)


def _register_refused(call, *models) -> RegisterRefused:
    before = rows(*models)
    with pytest.raises(RegisterRefused) as info:
        call()
    assert rows(*models) == before
    return info.value


def _present(person, organisation=None, capacity=Attendance.Capacity.VOTING_REPRESENTATIVE, presence="present"):
    return AttendanceRow(person=person, capacity=capacity, organisation=organisation, presence=presence)


# What the attendance register offers ----------------------------------------------------------------------


def test_attendance_register_lists_each_seats_representative_and_the_secretary(scene, meeting):
    deputy = scene.deputy(0, "Dana Deputy")
    lines = attendance_register(meeting)
    assert [(line.person.name, line.capacity, str(line.organisation or "")) for line in lines] == [
        ("Rep of Harbour Light Housing", "voting_representative", "Harbour Light Housing"),
        (deputy.name, "deputy", "Harbour Light Housing"),
        ("Rep of Northgate Housing Association", "voting_representative", "Northgate Housing Association"),
        ("Rep of Second Step Trust", "voting_representative", "Second Step Trust"),
        ("Morag Secretary", "secretariat", ""),
    ]
    assert {line.presence for line in lines} == {"absent"}


def test_attendance_register_of_a_body_with_seats_lists_person_and_advisory_seats(scene):
    body, seats = oversight(scene)
    network_rep = PersonFactory(name="Nina Network")
    RoleAssignmentFactory(
        role=RoleFactory(
            alliance=scene.alliance, kind=Role.Kind.MEMBER_REPRESENTATIVE, organisation=scene.advisory.organisation
        ),
        person=network_rep,
    )
    adviser = PersonFactory(name="Alex Adviser")
    RoleAssignmentFactory(role=RoleFactory(alliance=scene.alliance, kind=Role.Kind.ADVISOR), person=adviser)
    lines = attendance_register(MeetingFactory(body=body, starts_at=MEETING_AT))
    assert [(line.person.name, line.capacity, str(line.organisation or "")) for line in lines] == [
        ("Euan Officer", "seat_holder", ""),
        ("Rep of Harbour Light Housing", "voting_representative", "Harbour Light Housing"),
        ("Iona Chair", "seat_holder", ""),
        ("Nina Network", "advisor", "Dunmarrow Homelessness Network"),
        ("Alex Adviser", "advisor", ""),
        ("Morag Secretary", "secretariat", ""),
    ]


def test_recorded_attendance_prefills_the_register_and_others_recorded_are_added(scene, meeting):
    AttendanceFactory(meeting=meeting, person=scene.reps[1], capacity="voting_representative", present=False,
                      organisation=scene.members[1].organisation)  # fmt: skip
    guest = AttendanceFactory(meeting=meeting, person=PersonFactory(name="Gill Guest"), capacity="observer")
    lines = {line.person.name: line for line in attendance_register(meeting)}
    assert lines["Rep of Second Step Trust"].presence == "apologies"
    assert lines["Gill Guest"].attendance == guest
    assert lines["Gill Guest"].capacity == "observer"


def test_attendance_register_reads_in_a_fixed_number_of_queries(scene, django_assert_max_num_queries):
    for n in range(30):
        scene.deputy(n % 3, f"Deputy {n}")
    meeting = MeetingFactory(body=scene.body, starts_at=MEETING_AT)
    for person in scene.reps:
        AttendanceFactory(meeting=meeting, person=person)
    with django_assert_max_num_queries(6):
        assert len(attendance_register(meeting)) == 34


# Taking attendance ------------------------------------------------------------------------------------------


def test_a_whole_meeting_is_recorded_in_one_submission(scene, meeting, keeper):
    written = services.take_attendance(
        actor=keeper,
        meeting=meeting,
        rows=[
            _present(scene.reps[0], scene.members[0].organisation),
            _present(scene.reps[1], scene.members[1].organisation, presence="apologies"),
            _present(scene.reps[2], scene.members[2].organisation, presence="absent"),
            _present(scene.secretary, capacity="secretariat"),
        ],
    )
    assert len(written) == 3
    recorded = {a.person.name: a.present for a in meeting.attendances.all()}
    assert recorded == {
        "Rep of Harbour Light Housing": True,
        "Rep of Second Step Trust": False,
        "Morag Secretary": True,
    }


def test_a_refused_row_writes_nothing_and_every_refused_row_is_named(scene, meeting, keeper):
    stranger = PersonFactory(name="Sam Stranger")
    refusal = _register_refused(
        lambda: services.take_attendance(
            actor=keeper,
            meeting=meeting,
            rows=[
                _present(scene.reps[0], scene.members[0].organisation),
                _present(stranger, scene.members[1].organisation),
                _present(scene.reps[2], None),
            ],
        ),
        *ATTENDANCE_ROWS,
    )
    assert refusal.message == "2 rows need attention; nothing was saved yet."
    assert [(r.index, r.code, r.field) for r in refusal.rows] == [
        (1, "attendance_role_not_held", "person"),
        (2, "attendance_organisation_required", "organisation"),
    ]
    assert "Sam Stranger did not hold a representative or deputy role" in refusal.rows[0].detail
    assert refusal.as_dict()["rows"][0]["index"] == 1


def test_a_person_on_two_rows_is_refused(scene, meeting, keeper):
    refusal = _register_refused(
        lambda: services.take_attendance(
            actor=keeper,
            meeting=meeting,
            rows=[_present(scene.reps[0], scene.members[0].organisation), _present(scene.reps[0], capacity="observer")],
        ),
        *ATTENDANCE_ROWS,
    )
    assert [(r.index, r.code) for r in refusal.rows] == [(1, "register_row_repeated")]
    assert "already on row 1" in refusal.rows[0].detail


def test_presence_before_the_meeting_starts_is_refused_per_row(scene, keeper):
    meeting = MeetingFactory(body=scene.body, starts_at=datetime(2099, 3, 4, 10, 0, tzinfo=UTC))
    refusal = _register_refused(
        lambda: services.take_attendance(
            actor=keeper,
            meeting=meeting,
            rows=[
                _present(scene.reps[0], scene.members[0].organisation, presence="apologies"),
                _present(scene.reps[1], scene.members[1].organisation),
            ],
        ),
        *ATTENDANCE_ROWS,
    )
    assert [(r.index, r.code) for r in refusal.rows] == [(1, "attendance_present_before_meeting")]


def test_unchanged_rows_write_no_history(scene, meeting, keeper):
    row = _present(scene.reps[0], scene.members[0].organisation)
    services.take_attendance(actor=keeper, meeting=meeting, rows=[row])
    before = rows(Attendance)
    services.take_attendance(actor=keeper, meeting=meeting, rows=[row])
    assert rows(Attendance) == before


def test_a_changed_row_is_corrected_with_the_reason_given(scene, meeting, keeper):
    services.take_attendance(
        actor=keeper, meeting=meeting, rows=[_present(scene.reps[0], scene.members[0].organisation)]
    )
    services.take_attendance(
        actor=keeper,
        meeting=meeting,
        rows=[_present(scene.reps[0], scene.members[0].organisation, presence="apologies")],
        reason="She sent apologies by email",
    )
    attendance = meeting.attendances.get()
    assert not attendance.present
    assert attendance.history.first().history_change_reason == "Attendance corrected: She sent apologies by email"


def test_removing_a_recorded_row_needs_a_reason(scene, meeting, keeper):
    services.take_attendance(
        actor=keeper, meeting=meeting, rows=[_present(scene.reps[0], scene.members[0].organisation)]
    )
    absent = _present(scene.reps[0], scene.members[0].organisation, presence="absent")
    refusal = _register_refused(
        lambda: services.take_attendance(actor=keeper, meeting=meeting, rows=[absent]), *ATTENDANCE_ROWS
    )
    assert [(r.code, r.field) for r in refusal.rows] == [("attendance_reason_required", "reason")]
    services.take_attendance(actor=keeper, meeting=meeting, rows=[absent], reason="Recorded in error")
    assert not meeting.attendances.exists()


def test_only_the_secretary_takes_attendance(scene, meeting):
    before = rows(*ATTENDANCE_ROWS)
    with pytest.raises(RuleViolation) as info:
        services.take_attendance(
            actor=actor_for(scene.reps[0]),
            meeting=meeting,
            rows=[_present(scene.reps[0], scene.members[0].organisation)],
        )
    assert info.value.forbidden
    assert rows(*ATTENDANCE_ROWS) == before


def test_a_cancelled_meeting_takes_no_attendance(scene, keeper):
    meeting = MeetingFactory(body=scene.body, starts_at=MEETING_AT, status=Meeting.Status.CANCELLED)
    with pytest.raises(RuleViolation) as info:
        services.take_attendance(
            actor=keeper, meeting=meeting, rows=[_present(scene.reps[0], scene.members[0].organisation)]
        )
    assert info.value.code == "meeting_cancelled"


def test_a_person_seat_attends_in_their_own_right(scene):
    body, seats = oversight(scene)
    keeper = actor_for(scene.secretary)
    meeting = MeetingFactory(body=body, starts_at=MEETING_AT)
    refusal = _register_refused(
        lambda: services.take_attendance(
            actor=keeper,
            meeting=meeting,
            rows=[
                _present(seats["chair"].person, capacity="seat_holder"),
                _present(scene.reps[1], scene.members[1].organisation),
            ],
        ),
        *ATTENDANCE_ROWS,
    )
    assert [(r.index, r.code) for r in refusal.rows] == [(1, "attendance_no_voting_seat")]
    services.take_attendance(
        actor=keeper, meeting=meeting, rows=[_present(seats["chair"].person, capacity="seat_holder")]
    )
    assert meeting.attendances.get().capacity == "seat_holder"


# Positions -------------------------------------------------------------------------------------------------


def _position(scene, index, position="AGREE", **fields):
    values = {"membership": scene.members[index], "position": position, "cast_by": scene.reps[index]}
    if position == "OBJECT":
        values["statement"] = "It leaves people without support."
    return PositionRow(**{**values, **fields})


def test_a_whole_decision_is_recorded_in_one_submission(scene, keeper):
    decision = scene.open()
    written = services.record_positions(
        actor=keeper,
        decision=decision,
        rows=[_position(scene, 0), _position(scene, 1, "OBJECT"), _position(scene, 2, "")],
        cast_at=VOTED,
    )
    assert [v.position for v in written] == ["AGREE", "OBJECT"]
    assert {v.recorded_by for v in written} == {scene.secretary}
    assert decision.votes.count() == 2


def test_refused_positions_write_nothing_and_each_is_named(scene, keeper):
    decision = scene.open()
    refusal = _register_refused(
        lambda: services.record_positions(
            actor=keeper,
            decision=decision,
            rows=[
                _position(scene, 0),
                _position(scene, 1, "OBJECT", statement=""),
                _position(scene, 2, cast_by=scene.reps[0]),
            ],
            cast_at=VOTED,
        ),
        *POSITION_ROWS,
    )
    assert [(r.index, r.code, r.field) for r in refusal.rows] == [
        (1, "objection_needs_statement", "statement"),
        (2, "vote_caster_not_representative", "cast_by"),
    ]


def test_a_position_needs_who_gave_it(scene, keeper):
    decision = scene.open()
    refusal = _register_refused(
        lambda: services.record_positions(
            actor=keeper, decision=decision, rows=[_position(scene, 0, cast_by=None)], cast_at=VOTED
        ),
        *POSITION_ROWS,
    )
    assert refusal.rows[0].code == "position_cast_by_required"


def test_a_recused_member_is_refused_on_its_row(scene, keeper):
    decision = scene.open()
    services.record_recusal(actor=keeper, decision=decision, membership=scene.members[2], reason="Bidder")
    refusal = _register_refused(
        lambda: services.record_positions(
            actor=keeper, decision=decision, rows=[_position(scene, 0), _position(scene, 2)], cast_at=VOTED
        ),
        *POSITION_ROWS,
    )
    assert [(r.index, r.code) for r in refusal.rows] == [(1, "recused_member_cannot_vote")]


def test_a_recorded_position_is_changed_not_taken_back(scene, keeper):
    decision = scene.open()
    services.record_positions(actor=keeper, decision=decision, rows=[_position(scene, 0)], cast_at=VOTED)
    refusal = _register_refused(
        lambda: services.record_positions(
            actor=keeper, decision=decision, rows=[_position(scene, 0, "")], cast_at=VOTED
        ),
        *POSITION_ROWS,
    )
    assert refusal.rows[0].code == "position_not_taken_back"
    before = rows(Vote)
    services.record_positions(actor=keeper, decision=decision, rows=[_position(scene, 0)], cast_at=VOTED)
    assert rows(Vote) == before  # unchanged: nothing written
    services.record_positions(actor=keeper, decision=decision, rows=[_position(scene, 0, "ABSTAIN")], cast_at=VOTED)
    assert decision.votes.get().position == "ABSTAIN"


def test_the_same_seat_twice_is_refused(scene, keeper):
    decision = scene.open()
    refusal = _register_refused(
        lambda: services.record_positions(
            actor=keeper, decision=decision, rows=[_position(scene, 0), _position(scene, 0)], cast_at=VOTED
        ),
        *POSITION_ROWS,
    )
    assert refusal.rows[0].code == "register_row_repeated"


def test_positions_on_a_decision_not_open_are_refused_at_once(scene, keeper):
    decision = scene.draft()
    with pytest.raises(RuleViolation) as info:
        services.record_positions(actor=keeper, decision=decision, rows=[_position(scene, 0)], cast_at=VOTED)
    assert info.value.code == "decision_not_open"
    assert info.value.conflict


def test_only_the_secretary_records_a_whole_decision(scene):
    decision = scene.open()
    with pytest.raises(RuleViolation) as info:
        services.record_positions(
            actor=actor_for(scene.reps[0]), decision=decision, rows=[_position(scene, 0)], cast_at=VOTED
        )
    assert info.value.forbidden
    assert not decision.votes.exists()


def test_person_seats_vote_as_themselves_and_advisory_seats_not_at_all(scene):
    body, seats = oversight(scene)
    keeper = actor_for(scene.secretary)
    decision = scene.open(body=body, title="Adopt the oversight programme", kind="OPERATIONAL")
    lines = {line.voter.name: line for line in positions_register(decision, date(2021, 3, 2))}
    assert lines["Iona Chair"].casters == [seats["chair"].person]
    assert lines["Harbour Light Housing"].casters == [scene.reps[0]]
    assert not lines["Dunmarrow Homelessness Network"].votable
    assert "Advisory" in lines["Dunmarrow Homelessness Network"].reason
    services.record_positions(
        actor=keeper,
        decision=decision,
        rows=[PositionRow(seat=seats["chair"], position="AGREE", cast_by=seats["chair"].person)],
        cast_at=VOTED,
    )
    assert decision.votes.get().seat == seats["chair"]


def test_the_register_shows_recused_seats_with_the_reason_and_tallies(scene, keeper):
    decision = scene.open()
    services.record_recusal(actor=keeper, decision=decision, membership=scene.members[2], reason="Bidder")
    scene.vote(decision, 0, actor=keeper)
    lines = positions_register(decision, date(2021, 3, 2))
    recused = next(line for line in lines if line.voter.name == "Northgate Housing Association")
    assert not recused.votable and recused.reason == "Recused: Bidder"
    assert str(tally(lines)) == "1 of 2 positions"
    chosen = {line.key: "OBJECT" for line in lines if line.voter.name == "Second Step Trust"}
    counted = tally(lines, chosen)
    assert (counted.recorded, counted.of, counted.agree, counted.object) == (2, 2, 1, 1)


def test_positions_are_taken_as_given_at_the_meeting(scene):
    meeting = MeetingFactory(body=scene.body, starts_at=datetime(2021, 3, 4, 10, 0, tzinfo=UTC))
    decision = scene.open(meeting=meeting)
    assert positions_moment(decision) == meeting.starts_at
    assert positions_moment(scene.open()) is None


def test_positions_register_reads_in_a_fixed_number_of_queries(scene, keeper, django_assert_max_num_queries):
    for n in range(30):
        scene.deputy(n % 3, f"Deputy {n}")
    decision = scene.open()
    scene.vote(decision, 0, actor=keeper)
    with django_assert_max_num_queries(6):
        lines = positions_register(decision, date(2021, 3, 2))
        assert len(lines[0].casters) == 11
