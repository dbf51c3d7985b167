"""Dates outside the alliance agreement's term (with its extension) are refused at input (issue "trust").

The agreement of these tests runs from 01/07/2020 to 30/06/2027, with an option to extend to
30/06/2030 (tests/factories.py). Each record's dates are refused by its service, so the API and the
web forms refuse them alike (tests/api/test_dates_in_term_api.py, tests/web/test_dates_in_term_pages.py).
"""

from datetime import UTC, date, datetime

import pytest

from alliance.term import term_of
from contracts import services as award_services
from contracts.models import AwardProcess
from decisions import services
from decisions.models import ActionItem, Decision, Meeting
from roles import services as role_services
from roles.models import RoleAssignment
from roles.standing import SYSTEM
from tests.factories import AgreementFactory, RoleFactory
from tests.helpers import refused_watching
from tests.scenes import CLOSED, DECISION_ROWS, adopt, make_scene

pytestmark = pytest.mark.django_db

refused = refused_watching(*DECISION_ROWS)

AFTER = (
    "is after the alliance agreement ends (30/06/2027, or 30/06/2030 with its extension); "
    "enter a date within the agreement's term (01/07/2020 to 30/06/2030)."
)
BEFORE = "is before the alliance agreement starts (01/07/2020); enter a date within the agreement's term"


@pytest.fixture
def scene():
    scene = make_scene()
    AgreementFactory(alliance=scene.alliance)
    return scene


@pytest.fixture
def agreed(scene):
    decision = scene.open()
    for i in range(3):
        scene.vote(decision, i)
    return services.close_decision(actor=SYSTEM, decision=decision, closed_at=CLOSED)


def at(year, month=1, day=1):
    return datetime(year, month, day, 10, 0, tzinfo=UTC)


# The term


def test_the_term_runs_from_the_first_start_to_the_latest_extension(scene):
    AgreementFactory(alliance=scene.alliance, version=2, starts_on=date(2023, 4, 1), extension_until=date(2031, 3, 31))
    term = term_of(scene.alliance.pk)
    assert (term.first, term.last) == (date(2020, 7, 1), date(2031, 3, 31))


def test_an_agreement_without_extension_ends_with_its_term(scene):
    scene.alliance.agreements.update(extension_until=None)
    term = term_of(scene.alliance.pk)
    assert term.last == date(2027, 6, 30) and "with its extension" not in term.ends


def test_an_alliance_without_an_agreement_keeps_the_registers_bounds():
    alliance = make_scene().alliance
    error = refused(
        "date_outside_term",
        lambda: services.schedule_meeting(actor=SYSTEM, body=alliance.bodies.get(), starts_at=at(9999), online=True),
        Meeting,
    )
    assert error.message == (
        "The meeting date 01/01/9999 is after 31/12/2099, the latest date this register takes; enter a date "
        "from 01/01/2000 to 31/12/2099, or record the alliance agreement first."
    )


# Meetings


def test_a_meeting_on_the_last_day_of_the_extension_is_scheduled(scene):
    meeting = services.schedule_meeting(actor=SYSTEM, body=scene.body, starts_at=at(2030, 6, 30), online=True)
    assert meeting.pk is not None


def test_a_meeting_in_year_9999_is_refused_naming_the_term(scene):
    error = refused(
        "date_outside_term",
        lambda: services.schedule_meeting(actor=SYSTEM, body=scene.body, starts_at=at(9999), online=True),
        Meeting,
    )
    assert error.message == f"The meeting date 01/01/9999 {AFTER}"
    assert error.field == "starts_at"


def test_a_meeting_before_the_agreement_starts_is_refused(scene):
    error = refused(
        "date_outside_term",
        lambda: services.schedule_meeting(actor=SYSTEM, body=scene.body, starts_at=at(2020, 6, 30), online=True),
        Meeting,
    )
    assert error.message.startswith(f"The meeting date 30/06/2020 {BEFORE}")


# Decisions


def test_a_review_date_within_the_term_is_kept(scene):
    assert scene.draft(review_on=date(2030, 6, 30)).review_on == date(2030, 6, 30)


def test_a_review_date_after_the_term_is_refused(scene):
    error = refused("date_outside_term", lambda: scene.draft(review_on=date(9999, 12, 31)), Decision)
    assert error.message == f"The review date 31/12/9999 {AFTER}"
    assert error.field == "review_on"


def test_a_closing_moment_after_the_term_is_refused(scene):
    error = refused("date_outside_term", lambda: scene.draft(closes_at=at(2030, 7, 1)), Decision)
    assert error.message == f"The closing date of the votes 01/07/2030 {AFTER}"
    assert error.field == "closes_at"


def test_an_edit_to_a_date_after_the_term_is_refused(scene):
    decision = scene.draft()
    refused(
        "date_outside_term",
        lambda: services.update_decision(actor=SYSTEM, decision=decision, review_on=date(2031, 1, 1)),
    )
    assert Decision.objects.get(pk=decision.pk).review_on is None


def test_deferring_to_a_review_after_the_term_is_refused(scene):
    decision = scene.open()
    refused(
        "date_outside_term",
        lambda: services.defer_decision(actor=SYSTEM, decision=decision, reason="Wait", review_on=date(2031, 1, 1)),
    )
    assert Decision.objects.get(pk=decision.pk).status == Decision.Status.OPEN


def test_opening_before_the_agreement_starts_is_refused(scene):
    decision = scene.draft(closes_at=at(2020, 7, 10), now=at(2020, 6, 1))
    refused(
        "date_outside_term", lambda: services.open_decision(actor=SYSTEM, decision=decision, opened_at=at(2020, 6, 1))
    )
    assert Decision.objects.get(pk=decision.pk).reference == ""


# Action items


def test_an_action_due_within_the_term_is_recorded(scene, agreed):
    item = services.create_action_item(
        actor=SYSTEM, decision=agreed, title="Write the brief", due_on=date(2030, 6, 30), owner_person=scene.reps[0]
    )
    assert item.due_on == date(2030, 6, 30)


def test_an_action_due_after_the_term_is_refused(scene, agreed):
    error = refused(
        "date_outside_term",
        lambda: services.create_action_item(
            actor=SYSTEM, decision=agreed, title="Write the brief", due_on=date(9999, 1, 1), owner_person=scene.reps[0]
        ),
        ActionItem,
    )
    assert error.message == f"The due date 01/01/9999 {AFTER}"
    assert error.field == "due_on"


def test_reassigning_to_a_due_date_after_the_term_is_refused(scene, agreed):
    item = services.create_action_item(
        actor=SYSTEM, decision=agreed, title="Write the brief", due_on=date(2021, 6, 30), owner_person=scene.reps[0]
    )
    refused(
        "date_outside_term",
        lambda: services.reassign_action_item(
            actor=SYSTEM, item=item, owner_person=scene.reps[1], due_on=date(2040, 1, 1)
        ),
        ActionItem,
    )


def test_completing_after_the_term_is_refused(scene, agreed):
    item = services.create_action_item(
        actor=SYSTEM, decision=agreed, title="Write the brief", due_on=date(2021, 6, 30), owner_person=scene.reps[0]
    )
    refused(
        "date_outside_term",
        lambda: services.complete_action_item(actor=SYSTEM, item=item, completed_on=date(9999, 1, 1)),
        ActionItem,
    )


# Role assignments and award processes


def test_a_role_assignment_starting_after_the_term_is_refused(scene):
    role = RoleFactory(alliance=scene.alliance, title="Alliance director")
    error = refused(
        "date_outside_term",
        lambda: role_services.assign_role(role=role, person=scene.secretary, starts_on=date(9999, 1, 1)),
        RoleAssignment,
    )
    assert error.field == "starts_on"


def test_ending_a_role_assignment_after_the_term_is_refused(scene):
    assignment = scene.reps[0].assignments.get()
    refused(
        "date_outside_term",
        lambda: role_services.end_assignment(assignment=assignment, ends_on=date(9999, 1, 1), end_reason="resigned"),
        RoleAssignment,
    )


def test_an_award_process_starting_after_the_term_is_refused(scene):
    adopt(scene)
    error = refused(
        "date_outside_term",
        lambda: award_services.create_process(
            actor=SYSTEM,
            alliance=scene.alliance,
            title="Outreach",
            service_category="flexible_community_outreach",
            route="MINI_COMPETITION",
            estimated_annual_value="400000",
            estimated_total_value="1200000",
            started_on=date(9999, 4, 1),
            route_justification={"value for money": "Tested by competition."},
        ),  # fmt: skip
        AwardProcess,
    )
    assert error.field == "started_on"
