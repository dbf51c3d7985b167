from datetime import UTC, date, datetime

import pytest

from alliance.choices import DecisionKind
from decisions.models import ActionItem, Attendance, Decision, Meeting
from tests.factories import (
    ActionItemFactory,
    AllianceFactory,
    AttendanceFactory,
    DecisionFactory,
    GoverningBodyFactory,
    MeetingFactory,
    MembershipFactory,
    PersonFactory,
    RoleAssignmentFactory,
    RoleFactory,
)
from tests.helpers import rows, viewer_of

pytestmark = pytest.mark.django_db


def results(response):
    assert response.status_code == 200, response.content
    return response.json()["results"]


@pytest.fixture
def body():
    alliance = AllianceFactory(slug="dunmarrow")
    return GoverningBodyFactory(alliance=alliance, code="ALT", quorum_count=1, quorum_fraction=None)


@pytest.fixture
def viewer(body):
    return viewer_of(body.alliance)


@pytest.fixture
def meeting(body):
    return MeetingFactory(body=body, starts_at=datetime(2021, 3, 4, 10, tzinfo=UTC))


# Meetings


def test_list_filters_by_alliance_status_and_dates(viewer_api, body, meeting):
    MeetingFactory(body=body, starts_at=datetime(2022, 5, 1, 10, tzinfo=UTC), status=Meeting.Status.HELD)
    MeetingFactory()  # another alliance
    found = results(viewer_api.get("/api/v1/meetings/?alliance=dunmarrow&status=scheduled"))
    assert [m["id"] for m in found] == [meeting.pk]
    found = results(
        viewer_api.get("/api/v1/meetings/?alliance=dunmarrow&starts_after=2022-01-01&starts_before=2022-12-31")
    )
    assert [m["starts_at"][:10] for m in found] == ["2022-05-01"]


def test_list_with_a_bad_date_is_400(viewer_api, meeting):
    response = viewer_api.get("/api/v1/meetings/?starts_after=31-02-2021")
    assert response.status_code == 400
    assert response.json()["field"] == "starts_after"


def test_detail_has_attendance_and_quorum(viewer_api, meeting):
    member = MembershipFactory(alliance=meeting.body.alliance)
    role = RoleFactory(alliance=meeting.body.alliance, kind="member_representative", organisation=member.organisation)
    holder = RoleAssignmentFactory(role=role, person__name="Ewan Ross").person
    AttendanceFactory(
        meeting=meeting, capacity="voting_representative", organisation=member.organisation, person=holder
    )
    body = viewer_api.get(f"/api/v1/meetings/{meeting.pk}/").json()
    assert body["attendances"][0]["person"]["name"] == "Ewan Ross"
    assert body["quorum"] == {"voting_members": 1, "present": 1, "needed": 1, "met": True}


def test_staff_schedules_a_meeting(staff_api, body):
    response = staff_api.post(
        "/api/v1/meetings/", {"body": body.pk, "starts_at": "2021-05-06T10:00:00Z", "location": "Town Hall"}
    )
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "scheduled"


def test_reader_cannot_schedule(viewer_api, body):
    response = viewer_api.post(
        "/api/v1/meetings/", {"body": body.pk, "starts_at": "2021-05-06T10:00:00Z", "online": True}
    )
    assert response.status_code == 403


def test_schedule_without_a_place_is_400_and_writes_nothing(staff_api, body):
    before = rows(Meeting)
    response = staff_api.post("/api/v1/meetings/", {"body": body.pk, "starts_at": "2021-05-06T10:00:00Z"})
    assert response.status_code == 400
    assert response.json()["code"] == "meeting_place_required"
    assert rows(Meeting) == before


def test_schedule_with_a_bad_moment_is_400(staff_api, body):
    response = staff_api.post("/api/v1/meetings/", {"body": body.pk, "starts_at": "next tuesday", "online": True})
    assert response.status_code == 400
    assert response.json()["field"] == "starts_at"


def test_record_attendance_of_an_advisor_with_a_role_warning(staff_api, meeting):
    person = PersonFactory(name="Morag Duthie")
    response = staff_api.post(
        f"/api/v1/meetings/{meeting.pk}/attendance/", {"person": person.pk, "capacity": "advisor"}
    )
    assert response.status_code == 200, response.content
    [row] = response.json()["attendances"]
    assert "Morag Duthie did not hold an advisor role" in row["role_warning"]


def test_attendance_refused_is_400_with_the_field(staff_api, meeting):
    before = rows(Attendance)
    response = staff_api.post(
        f"/api/v1/meetings/{meeting.pk}/attendance/", {"person": PersonFactory().pk, "capacity": "deputy"}
    )
    assert response.status_code == 400
    assert response.json()["field"] == "organisation"
    assert rows(Attendance) == before


def test_held_minutes_and_approval(staff_api, meeting):
    assert staff_api.post(f"/api/v1/meetings/{meeting.pk}/held/", {}).json()["status"] == "held"
    response = staff_api.post(f"/api/v1/meetings/{meeting.pk}/minutes/", {"minutes": "Agreed the manual."})
    assert response.json()["minutes"] == "Agreed the manual."
    approving = DecisionFactory(
        body=meeting.body,
        status=Decision.Status.AGREED,
        reference="ALT-2021-009",
        decided_on=date(2021, 4, 1),
        kind=DecisionKind.PROCEDURAL,
    )
    response = staff_api.post(f"/api/v1/meetings/{meeting.pk}/approve-minutes/", {"decision": approving.pk})
    assert response.status_code == 200, response.content
    assert response.json()["minutes_approved_by"]["reference"] == "ALT-2021-009"
    again = staff_api.post(f"/api/v1/meetings/{meeting.pk}/minutes/", {"minutes": "Changed"})
    assert again.status_code == 409
    assert again.json()["code"] == "minutes_already_approved"


def test_cancel_needs_a_reason(staff_api, meeting):
    response = staff_api.post(f"/api/v1/meetings/{meeting.pk}/cancel/", {})
    assert response.status_code == 400
    assert response.json()["field"] == "reason"


def test_cancel_a_held_meeting_is_409(staff_api, meeting):
    staff_api.post(f"/api/v1/meetings/{meeting.pk}/held/", {})
    response = staff_api.post(f"/api/v1/meetings/{meeting.pk}/cancel/", {"reason": "Storm"})
    assert response.status_code == 409


def test_cancel_keeps_a_long_reason_whole(staff_api, meeting):
    # history_change_reason was varchar(100): PostgreSQL refused this with a 500.
    reason = "The venue flooded overnight; " + "x" * 471
    assert len(reason) == 500
    response = staff_api.post(f"/api/v1/meetings/{meeting.pk}/cancel/", {"reason": reason})
    assert response.status_code in (200, 201), response.content
    assert meeting.history.latest().history_change_reason == f"Cancelled: {reason}"


def test_approve_minutes_with_unknown_decision_is_400(staff_api, meeting):
    response = staff_api.post(f"/api/v1/meetings/{meeting.pk}/approve-minutes/", {"decision": 999999})
    assert response.status_code == 400
    assert response.json()["field"] == "decision"


def test_meeting_list_query_count_is_fixed(viewer_api, body, django_assert_max_num_queries):
    for n in range(30):
        meeting = MeetingFactory(body=body, starts_at=datetime(2021, 1, 1 + n % 28, 10, tzinfo=UTC))
        AttendanceFactory.create_batch(2, meeting=meeting)
    with django_assert_max_num_queries(10):
        assert len(results(viewer_api.get("/api/v1/meetings/?alliance=dunmarrow"))) == 30


# Action items


@pytest.fixture
def decision(body):
    return DecisionFactory(
        body=body, status=Decision.Status.AGREED, reference="ALT-2021-001", decided_on=date(2021, 3, 4)
    )


def test_action_items_overdue_on_a_date(viewer_api, decision):
    overdue = ActionItemFactory(decision=decision, due_on=date(2021, 5, 1))
    ActionItemFactory(decision=decision, due_on=date(2021, 7, 1))
    ActionItemFactory(decision=decision, due_on=date(2021, 4, 1), status=ActionItem.Status.DONE)
    found = results(viewer_api.get("/api/v1/action-items/?alliance=dunmarrow&overdue=true&on=2021-06-01"))
    assert [i["id"] for i in found] == [overdue.pk]
    assert len(results(viewer_api.get("/api/v1/action-items/?alliance=dunmarrow&overdue=false&on=2021-06-01"))) == 2


def test_action_items_overdue_that_is_not_a_boolean_is_a_400(viewer_api, decision):
    response = viewer_api.get("/api/v1/action-items/?alliance=dunmarrow&overdue=maybe")
    assert response.status_code == 400 and response.json()["field"] == "overdue"


def test_action_items_filter_by_owner_role(viewer_api, decision):
    role = RoleFactory(alliance=decision.alliance)
    mine = ActionItemFactory(decision=decision, owner_role=role)
    ActionItemFactory(decision=decision)
    assert [i["id"] for i in results(viewer_api.get(f"/api/v1/action-items/?owner_role={role.pk}"))] == [mine.pk]


def test_action_items_bad_overdue_date_is_400(viewer_api, decision):
    response = viewer_api.get("/api/v1/action-items/?overdue=true&on=soon")
    assert response.status_code == 400
    assert response.json()["field"] == "on"


def test_create_complete_and_cancel_action_items(staff_api, decision):
    person = PersonFactory()  # an owner holds (or held) a role in the alliance
    RoleAssignmentFactory(role=RoleFactory(alliance=decision.alliance), person=person)
    response = staff_api.post(
        "/api/v1/action-items/",
        {"decision": decision.pk, "title": "Publish the manual", "due_on": "2021-04-01", "owner_person": person.pk},
    )
    assert response.status_code == 201, response.content
    item_id = response.json()["id"]
    done = staff_api.post(f"/api/v1/action-items/{item_id}/complete/", {"completed_on": "2021-03-30"})
    assert done.json()["status"] == "done"
    again = staff_api.post(f"/api/v1/action-items/{item_id}/cancel/", {"reason": "No longer needed"})
    assert again.status_code == 409
    assert again.json()["code"] == "action_not_open"


def test_create_action_item_without_owner_is_400_and_writes_nothing(staff_api, decision):
    before = rows(ActionItem)
    response = staff_api.post(
        "/api/v1/action-items/", {"decision": decision.pk, "title": "Report", "due_on": "2021-04-01"}
    )
    assert response.status_code == 400
    assert response.json()["code"] == "action_owner_required"
    assert rows(ActionItem) == before


def test_reassign_action_item_to_a_role(staff_api, decision):
    role = RoleFactory(alliance=decision.alliance, title="Alliance Director")
    item = ActionItemFactory(decision=decision)
    response = staff_api.post(f"/api/v1/action-items/{item.pk}/reassign/", {"owner_role": role.pk})
    assert response.json()["owner_role"]["title"] == "Alliance Director"


def test_action_item_list_query_count_is_fixed(viewer_api, decision, django_assert_max_num_queries):
    role = RoleFactory(alliance=decision.alliance)
    for _ in range(30):
        ActionItemFactory(decision=DecisionFactory(body=decision.body), owner_role=role)
    with django_assert_max_num_queries(10):
        assert len(results(viewer_api.get("/api/v1/action-items/?alliance=dunmarrow"))) == 30
