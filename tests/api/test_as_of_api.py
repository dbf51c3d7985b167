"""``?as_of=`` answers match history: each resource changed once, asked between its versions (rule 9)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from alliance import services as alliance_services
from contracts import services as contract_services
from decisions import services as decision_services
from roles import services as role_services
from roles.standing import SYSTEM
from tests.factories import DelegatedAuthorityFactory, MembershipFactory, RoleAssignmentFactory
from tests.scenes import make_award_scene, make_scene

pytestmark = pytest.mark.django_db


def between_versions(record, change):
    """Make ``change``; return the moment between the record's first version and the new one."""
    moment = record.history.latest().history_date + timedelta(microseconds=1)
    change()
    assert record.history.count() >= 2
    return moment


def as_of(staff_api, path, moment):
    response = staff_api.get(path, {"as_of": moment.isoformat()})
    assert response.status_code == 200, response.content
    return response.json()


def assert_404_before_creation(staff_api, path):
    response = staff_api.get(path, {"as_of": "2001-01-01"})
    assert response.status_code == 404
    assert "did not exist at 01/01/2001" in response.json()["detail"]


def test_decision_as_of_matches_its_history(staff_api):
    decision = make_scene(voting=1).open()
    moment = between_versions(
        decision, lambda: decision_services.update_decision(actor=SYSTEM, decision=decision, rationale="Changed later.")
    )
    path = f"/api/v1/decisions/{decision.pk}/"
    assert as_of(staff_api, path, moment)["rationale"] == decision.history.as_of(moment).rationale == ""
    assert staff_api.get(path).json()["rationale"] == "Changed later."
    assert_404_before_creation(staff_api, path)


def test_membership_as_of_matches_its_history(staff_api):
    membership = MembershipFactory(joined_on=date(2020, 7, 1))
    moment = between_versions(
        membership,
        lambda: alliance_services.end_membership(membership=membership, left_on=date(2023, 9, 30), reason="Left"),
    )
    path = f"/api/v1/memberships/{membership.pk}/"
    assert as_of(staff_api, path, moment)["left_on"] is membership.history.as_of(moment).left_on is None
    assert staff_api.get(path).json()["left_on"] == "2023-09-30"
    assert_404_before_creation(staff_api, path)


def test_role_assignment_as_of_matches_its_history(staff_api):
    assignment = RoleAssignmentFactory(starts_on=date(2021, 1, 1))
    moment = between_versions(
        assignment,
        lambda: role_services.end_assignment(assignment=assignment, ends_on=date(2022, 6, 30), end_reason="resigned"),
    )
    path = f"/api/v1/role-assignments/{assignment.pk}/"
    then = as_of(staff_api, path, moment)
    version = assignment.history.as_of(moment)
    assert (then["ends_on"], then["end_reason"]) == (version.ends_on, version.end_reason) == (None, "")
    assert staff_api.get(path).json()["ends_on"] == "2022-06-30"
    assert_404_before_creation(staff_api, path)


def test_delegation_as_of_matches_its_history(staff_api):
    delegation = DelegatedAuthorityFactory(valid_from=date(2021, 1, 1))
    moment = between_versions(
        delegation,
        lambda: role_services.revoke_delegation(
            delegation=delegation, revoked_on=date(2022, 4, 1), reason="Budget moved"
        ),
    )
    path = f"/api/v1/delegations/{delegation.pk}/"
    assert as_of(staff_api, path, moment)["revoked_on"] is delegation.history.as_of(moment).revoked_on is None
    assert staff_api.get(path).json()["revoked_on"] == "2022-04-01"
    assert_404_before_creation(staff_api, path)


def test_award_as_of_matches_its_history(staff_api):
    process = make_award_scene().process()
    moment = between_versions(
        process,
        lambda: contract_services.correct_process(
            actor=SYSTEM, process=process, reason="New estimate", estimated_total_value="1300000"
        ),
    )
    path = f"/api/v1/awards/{process.pk}/"
    then = Decimal(as_of(staff_api, path, moment)["estimated_total_value"])
    assert then == process.history.as_of(moment).estimated_total_value != Decimal("1300000")
    assert Decimal(staff_api.get(path).json()["estimated_total_value"]) == Decimal("1300000")
    assert_404_before_creation(staff_api, path)
