"""The one-screen registers on the web (issue 19, part 4): a meeting's attendance and a decision's positions on
one form each; a refused row shows its sentence beside it, keeps every row's input, and nothing is written."""

from datetime import UTC, datetime

import pytest

from decisions import services
from decisions.models import Attendance, Vote
from roles.models import Role
from roles.standing import SYSTEM
from tests.factories import MeetingFactory, PersonFactory, RoleAssignmentFactory, RoleFactory, UserFactory
from tests.helpers import rows

pytestmark = pytest.mark.django_db

MEETING_AT = datetime(2021, 3, 4, 10, 0, tzinfo=UTC)
GIVEN_AT = "2021-03-02T10:00"


@pytest.fixture
def meeting(scene):
    return MeetingFactory(body=scene.body, starts_at=MEETING_AT, title="ALT March meeting")


def register_url(meeting):
    return f"/alliances/dunmarrow/meetings/{meeting.pk}/attendance/register/"


def positions_url(decision):
    return f"/alliances/dunmarrow/decisions/{decision.pk}/positions/"


def attendance_data(scene, **rows_given):
    """Every expected row absent, unless given ({person: presence}); "other" rows empty."""
    data = {f"p{person.pk}-capacity": "voting_representative" for person in scene.reps}
    data.update({f"p{person.pk}-presence": "absent" for person in scene.reps})
    data.update({f"p{scene.secretary.pk}-capacity": "secretariat", f"p{scene.secretary.pk}-presence": "absent"})
    for n in range(3):
        data.update({f"other{n}-presence": "absent", f"other{n}-capacity": "observer"})
    data.update(rows_given)
    return data


# Attendance ------------------------------------------------------------------------------------------------


def test_the_meeting_page_offers_take_attendance_to_the_secretary(secretary, meeting):
    page = secretary.get(f"/alliances/dunmarrow/meetings/{meeting.pk}/").content.decode()
    assert register_url(meeting) in page
    assert "Take attendance" in page
    assert "Record attendance" in page  # the single-row form stays


def test_the_register_lists_the_expected_attendees_with_their_capacity(secretary, scene, meeting):
    response = secretary.get(register_url(meeting))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Rep of Harbour Light Housing" in page and "Harbour Light Housing: representative" in page
    assert "Morag Secretary" in page
    assert f'<fieldset id="p{scene.reps[0].pk}"' in page
    assert "Other attendee 1" in page


def test_a_whole_meeting_is_saved_from_one_form(secretary, scene, meeting):
    guest = PersonFactory(name="Gill Guest")
    RoleAssignmentFactory(role=RoleFactory(alliance=scene.alliance, kind=Role.Kind.OTHER), person=guest)
    data = attendance_data(
        scene,
        **{
            f"p{scene.reps[0].pk}-presence": "present",
            f"p{scene.reps[1].pk}-presence": "apologies",
            f"p{scene.secretary.pk}-presence": "present",
            "other0-person": guest.pk,
            "other0-presence": "present",
        },
    )
    response = secretary.post(register_url(meeting), data)
    assert response.status_code == 302, [(r.prefix, r.errors) for r in response.context["form"].row_forms()]
    recorded = {a.person.name: (a.capacity, a.present) for a in meeting.attendances.all()}
    assert recorded == {
        "Rep of Harbour Light Housing": ("voting_representative", True),
        "Rep of Second Step Trust": ("voting_representative", False),
        "Morag Secretary": ("secretariat", True),
        "Gill Guest": ("observer", True),
    }


def test_refused_rows_are_shown_beside_them_and_nothing_is_saved(secretary, scene, meeting):
    data = attendance_data(
        scene,
        **{
            f"p{scene.reps[0].pk}-presence": "present",
            f"p{scene.reps[1].pk}-presence": "apologies",
            f"p{scene.reps[2].pk}-capacity": "seat_holder",
            f"p{scene.reps[2].pk}-presence": "present",
        },
    )
    before = rows(Attendance)
    response = secretary.post(register_url(meeting), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert rows(Attendance) == before
    assert "1 row needs attention; nothing was saved yet." in page
    row = f"p{scene.reps[2].pk}"
    assert f'id="{row}-error"' in page and "A seat holder in their own right attends for nobody else" in page
    assert f'aria-describedby="{row}-error"' in page
    assert "autofocus" in page
    # Every row keeps what was chosen.
    kept = scene.reps[1].pk
    assert f'name="p{kept}-presence" value="apologies" required id="id_p{kept}-presence_1" checked' in page


def test_spare_other_rows_are_left_alone(secretary, scene, meeting):
    data = attendance_data(scene, **{"other1-presence": "present", f"p{scene.reps[0].pk}-presence": "present"})
    response = secretary.post(register_url(meeting), data)
    assert response.status_code == 302
    assert [a.person for a in meeting.attendances.all()] == [scene.reps[0]]


def test_only_the_secretary_takes_attendance_on_the_web(client, scene, meeting):
    scene.reps[0].user = UserFactory(username="rep")
    scene.reps[0].save()
    client.force_login(scene.reps[0].user)
    assert client.get(register_url(meeting)).status_code == 403
    assert client.post(register_url(meeting), attendance_data(scene)).status_code == 403
    assert not meeting.attendances.exists()


def test_the_register_page_reads_in_a_fixed_number_of_queries(secretary, scene, meeting, django_assert_max_num_queries):
    secretary.get(register_url(meeting))  # warm the session
    for n in range(30):
        scene.deputy(n % 3, f"Deputy {n}")
    with django_assert_max_num_queries(40):
        response = secretary.get(register_url(meeting))
    assert response.content.decode().count('class="register-row') == 34 + 3


# Positions ------------------------------------------------------------------------------------------------


def position_data(scene, decision, **given):
    data = {"cast_at": GIVEN_AT}
    for index, membership in enumerate(scene.members):
        key = f"member-{membership.pk}"
        data.update({f"{key}-position": "", f"{key}-cast_by": scene.reps[index].pk, f"{key}-statement": ""})
    data.update(given)
    return data


def test_the_decision_page_offers_record_positions_to_the_secretary(secretary, scene):
    decision = scene.open()
    page = secretary.get(f"/alliances/dunmarrow/decisions/{decision.pk}/").content.decode()
    assert positions_url(decision) in page and "Record positions" in page


def test_the_positions_register_offers_each_seats_representative_first_and_tallies(secretary, scene):
    decision = scene.open()
    deputy = scene.deputy(0, "Dana Deputy")
    scene.vote(decision, 1)
    page = secretary.get(positions_url(decision)).content.decode()
    assert "1 of 3 positions" in page.replace('<strong data-tally="recorded">', "").replace("</strong>", "").replace(
        "<span>", ""
    ).replace("</span>", "")
    row = page[page.index(f'id="member-{scene.members[0].pk}"') :]
    row = row[: row.index("</fieldset>")]
    assert "Harbour Light Housing: representative and deputy" in row
    assert deputy.name in row and "Recorded by you" in row
    assert "Rep of Second Step Trust" not in row  # nobody else's people


def test_positions_for_the_whole_decision_are_saved_from_one_form(secretary, scene):
    decision = scene.open()
    m = [f"member-{membership.pk}" for membership in scene.members]
    data = position_data(
        scene,
        decision,
        **{f"{m[0]}-position": "AGREE", f"{m[1]}-position": "OBJECT", f"{m[1]}-statement": "Too soon."},
    )
    response = secretary.post(positions_url(decision), data)
    assert response.status_code == 302, response.context["form"].errors
    votes = {v.membership.organisation.name: (v.position, v.recorded_by) for v in decision.votes.all()}
    assert votes == {
        "Harbour Light Housing": ("AGREE", scene.secretary),
        "Second Step Trust": ("OBJECT", scene.secretary),
    }


def test_refused_positions_are_shown_per_row_with_the_tally_of_what_was_chosen(secretary, scene, meeting):
    decision = scene.open(meeting=meeting)
    m = [f"member-{membership.pk}" for membership in scene.members]
    data = position_data(
        scene,
        decision,
        **{
            f"{m[0]}-position": "AGREE",
            f"{m[1]}-position": "OBJECT",
            f"{m[2]}-position": "ABSTAIN",
            f"{m[2]}-cast_by": scene.secretary.pk,
            "cast_at": "2021-03-04T10:30",
        },
    )
    before = rows(Vote)
    response = secretary.post(positions_url(decision), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert rows(Vote) == before
    assert "2 rows need attention; nothing was saved yet." in page
    assert "An objection says why" in page
    assert "Morag Secretary did not hold the representative or deputy role" in page
    tally = response.context["tally"]
    assert (str(tally), tally.agree, tally.object, tally.abstain) == ("3 of 3 positions", 1, 1, 1)
    assert f'aria-describedby="{m[1]}-error"' in page


def test_recused_seats_are_shown_but_not_votable(secretary, scene):
    decision = scene.open()
    services.record_recusal(actor=SYSTEM, decision=decision, membership=scene.members[2], reason="Bidder")
    page = secretary.get(positions_url(decision)).content.decode()
    assert "Northgate Housing Association: Recused: Bidder" in page
    assert f'id="member-{scene.members[2].pk}"' not in page


def test_positions_on_a_draft_are_refused_as_a_whole(secretary, scene):
    decision = scene.draft()
    data = position_data(scene, decision, **{f"member-{scene.members[0].pk}-position": "AGREE"})
    response = secretary.post(positions_url(decision), data)
    assert response.status_code == 200
    assert "not open for votes" in response.content.decode()
    assert not decision.votes.exists()


def test_a_positions_register_with_no_position_chosen_says_so(secretary, scene):
    decision = scene.open()
    response = secretary.post(positions_url(decision), position_data(scene, decision))
    assert response.status_code == 200
    assert "Choose a position for at least one seat; nothing was saved." in response.content.decode()


def test_only_the_secretary_records_positions_on_the_web(client, scene):
    decision = scene.open()
    scene.reps[0].user = UserFactory(username="rep")
    scene.reps[0].save()
    client.force_login(scene.reps[0].user)
    assert client.get(positions_url(decision)).status_code == 403


def test_the_positions_page_reads_in_a_fixed_number_of_queries(secretary, scene, django_assert_max_num_queries):
    decision = scene.open()
    secretary.get(positions_url(decision))
    for n in range(30):
        scene.deputy(n % 3, f"Deputy {n}")
    with django_assert_max_num_queries(40):
        assert secretary.get(positions_url(decision)).status_code == 200
