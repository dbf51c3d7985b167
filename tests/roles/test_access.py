"""A user's standing per alliance, from the roles their person holds and from access grants."""

from datetime import date

import pytest

from roles.access import CONFIDENTIAL, MEMBERS, PUBLIC, access_for
from roles.models import AccessGrant, Role
from tests.factories import (
    AllianceFactory,
    GoverningBodyFactory,
    MembershipFactory,
    PersonFactory,
    RoleAssignmentFactory,
    RoleFactory,
    StaffFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
ON = date(2022, 6, 1)


@pytest.fixture
def alliance():
    return AllianceFactory(publish_register=True)


def holder(role, **kwargs):
    user = UserFactory()
    RoleAssignmentFactory(role=role, person=PersonFactory(user=user), **kwargs)
    return user


def test_anonymous_reads_only_public_records_of_publishing_alliances(alliance):
    closed = AllianceFactory(publish_register=False)
    access = access_for(None)
    assert access.may_read(alliance.pk, PUBLIC)
    assert not access.may_read(alliance.pk, MEMBERS)
    assert not access.may_read(closed.pk, PUBLIC)


def test_role_holder_reads_members_records_but_not_confidential(alliance):
    user = holder(RoleFactory(alliance=alliance, kind=Role.Kind.DIRECTOR))
    access = access_for(user, ON)
    assert access.may_read(alliance.pk, MEMBERS)
    assert not access.may_read(alliance.pk, CONFIDENTIAL)
    assert not access.may_read(AllianceFactory().pk, MEMBERS)


def test_role_ended_before_the_date_gives_no_standing(alliance):
    user = holder(RoleFactory(alliance=alliance), starts_on=date(2020, 1, 1), ends_on=date(2021, 1, 1),
                  end_reason="resigned")  # fmt: skip
    assert not access_for(user, ON).has_standing(alliance.pk)


def test_secretary_of_a_body_records_for_that_body_only(alliance):
    alt = GoverningBodyFactory(alliance=alliance, code="ALT")
    amt = GoverningBodyFactory(alliance=alliance, code="AMT")
    user = holder(RoleFactory(alliance=alliance, kind=Role.Kind.SECRETARY, body=alt))
    access = access_for(user, ON)
    assert access.is_secretary_of(alt)
    assert not access.is_secretary_of(amt)
    assert access.may_read(alliance.pk, CONFIDENTIAL)


def test_alliance_wide_secretary_records_for_every_body(alliance):
    user = holder(RoleFactory(alliance=alliance, kind=Role.Kind.SECRETARY, body=None))
    assert access_for(user, ON).is_secretary_of(GoverningBodyFactory(alliance=alliance))


def test_voting_members_representative_reads_confidential(alliance):
    membership = MembershipFactory(alliance=alliance, status="VOTING")
    role = RoleFactory(alliance=alliance, kind=Role.Kind.MEMBER_REPRESENTATIVE, organisation=membership.organisation)
    access = access_for(holder(role), ON)
    assert access.represents_member(membership)
    assert access.may_read(alliance.pk, CONFIDENTIAL)


def test_advisory_members_representative_does_not_read_confidential(alliance):
    membership = MembershipFactory(alliance=alliance, status="ADVISORY")
    role = RoleFactory(alliance=alliance, kind=Role.Kind.MEMBER_REPRESENTATIVE, organisation=membership.organisation)
    access = access_for(holder(role), ON)
    assert access.represents_member(membership)
    assert access.may_read(alliance.pk, MEMBERS)
    assert not access.may_read(alliance.pk, CONFIDENTIAL)


def test_oversight_member_reads_confidential_and_is_oversight(alliance):
    user = holder(RoleFactory(alliance=alliance, kind=Role.Kind.OVERSIGHT_MEMBER))
    access = access_for(user, ON)
    assert access.is_oversight_of(alliance.pk)
    assert access.may_read(alliance.pk, CONFIDENTIAL)


def test_grants_give_viewer_and_oversight_standing_within_their_dates(alliance):
    viewer, auditor = UserFactory(), UserFactory()
    AccessGrant.objects.create(user=viewer, alliance=alliance, standing="viewer", starts_on=date(2022, 1, 1))
    AccessGrant.objects.create(
        user=auditor, alliance=alliance, standing="oversight", starts_on=date(2022, 1, 1), ends_on=date(2022, 12, 31)
    )
    assert access_for(viewer, ON).may_read(alliance.pk, MEMBERS)
    assert not access_for(viewer, ON).may_read(alliance.pk, CONFIDENTIAL)
    assert access_for(auditor, ON).may_read(alliance.pk, CONFIDENTIAL)
    assert not access_for(auditor, date(2023, 1, 1)).has_standing(alliance.pk)


def test_staff_read_and_write_everything(alliance):
    access = access_for(StaffFactory(), ON)
    assert access.may_read(AllianceFactory().pk, CONFIDENTIAL)
    assert access.is_secretary_of(GoverningBodyFactory())


def test_user_of_another_alliance_has_no_standing_here(alliance):
    other = AllianceFactory()
    user = holder(RoleFactory(alliance=other, kind=Role.Kind.OVERSIGHT_MEMBER))
    access = access_for(user, ON)
    assert not access.has_standing(alliance.pk)
    assert access.may_read(alliance.pk, PUBLIC)  # what the alliance publishes, like anyone
    assert not access.may_read(alliance.pk, MEMBERS)


def test_access_is_computed_in_few_queries(alliance, django_assert_max_num_queries):
    """The person, their roles, their seats in their own right, their grants, and the memberships they represent."""
    membership = MembershipFactory(alliance=alliance)
    role = RoleFactory(alliance=alliance, kind=Role.Kind.MEMBER_REPRESENTATIVE, organisation=membership.organisation)
    user = holder(role)
    with django_assert_max_num_queries(6):
        access_for(user, ON)
