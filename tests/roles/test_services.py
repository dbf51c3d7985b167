import threading
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection

from alliance import services as alliance_services
from alliance.choices import DecisionKind
from alliance.errors import RuleViolation
from alliance.models import Membership
from roles import services
from roles.models import DelegatedAuthority, InterestDeclaration, Person, Role, RoleAssignment
from roles.signals import interest_declared
from roles.standing import SYSTEM
from tests.factories import (
    DelegatedAuthorityFactory,
    GoverningBodyFactory,
    InterestDeclarationFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    RepresentativeRoleFactory,
    RoleAssignmentFactory,
    RoleFactory,
    UserFactory,
)
from tests.helpers import refused

pytestmark = pytest.mark.django_db

ASSIGNMENT_ROWS = (RoleAssignment,)


# People and roles


def test_save_person_links_a_login():
    user = UserFactory()
    person = services.save_person(name="Ailsa Brodie", email="ailsa@example.org", user=user)
    assert user.person == person


def test_a_login_belongs_to_one_person():
    user = UserFactory()
    PersonFactory(user=user)
    refused("person_user_taken", lambda: services.save_person(name="Other", user=user), Person)


def test_save_role_creates_a_representative_role_for_a_member():
    membership = MembershipFactory()
    role = services.save_role(
        alliance=membership.alliance,
        title="Representative: Harbour Light",
        kind=Role.Kind.MEMBER_REPRESENTATIVE,
        organisation=membership.organisation,
    )
    assert role.is_representative


def test_representative_role_needs_an_organisation():
    membership = MembershipFactory()
    refused(
        "role_organisation_required",
        lambda: services.save_role(alliance=membership.alliance, title="Rep", kind=Role.Kind.MEMBER_REPRESENTATIVE),
        Role,
    )


def test_role_body_must_be_of_the_same_alliance():
    role_alliance = MembershipFactory().alliance
    body = GoverningBodyFactory()
    refused(
        "role_body_elsewhere",
        lambda: services.save_role(alliance=role_alliance, title="Chair", kind=Role.Kind.CHAIR, body=body),
        Role,
    )


def test_role_titles_are_unique_per_alliance():
    role = RoleFactory(title="Alliance Director")
    refused(
        "role_title_taken",
        lambda: services.save_role(alliance=role.alliance, title="alliance director", kind=Role.Kind.DIRECTOR),
        Role,
    )


def test_role_kind_must_be_known():
    alliance = RoleFactory().alliance
    refused("role_kind_unknown", lambda: services.save_role(alliance=alliance, title="X", kind="king"), Role)


# Assignments


def test_assign_role_records_the_appointment():
    role = RoleFactory()
    person = PersonFactory()
    assignment = services.assign_role(role=role, person=person, starts_on=date(2021, 1, 1))
    assert assignment.history.first().history_change_reason == "Appointed"
    assert list(RoleAssignment.objects.held_on(date(2021, 1, 1))) == [assignment]


def test_single_holder_role_refuses_overlapping_assignment():
    existing = RoleAssignmentFactory(starts_on=date(2021, 1, 1), ends_on=date(2021, 12, 31), end_reason="resigned")
    error = refused(
        "assignment_overlap",
        lambda: services.assign_role(role=existing.role, person=PersonFactory(), starts_on=date(2021, 12, 31)),
        *ASSIGNMENT_ROWS,
    )
    assert "31/12/2021" in error.message and error.conflict


def test_single_holder_role_refuses_open_assignment_before_an_existing_one():
    existing = RoleAssignmentFactory(starts_on=date(2022, 1, 1))
    refused(
        "assignment_overlap",
        lambda: services.assign_role(role=existing.role, person=PersonFactory(), starts_on=date(2021, 6, 1)),
        *ASSIGNMENT_ROWS,
    )


def test_single_holder_role_accepts_the_next_holder_the_day_after():
    existing = RoleAssignmentFactory(starts_on=date(2021, 1, 1), ends_on=date(2021, 12, 31), end_reason="resigned")
    successor = services.assign_role(role=existing.role, person=PersonFactory(), starts_on=date(2022, 1, 1))
    assert successor.pk


def test_shared_role_accepts_overlapping_holders():
    existing = RoleAssignmentFactory(role__single_holder=False, role__kind=Role.Kind.OVERSIGHT_MEMBER)
    other = services.assign_role(role=existing.role, person=PersonFactory(), starts_on=existing.starts_on)
    assert RoleAssignment.objects.filter(role=existing.role).held_on(existing.starts_on).count() == 2
    assert other.pk


def test_assignment_cannot_end_before_it_starts():
    role = RoleFactory()
    refused(
        "assignment_ends_before_starts",
        lambda: services.assign_role(
            role=role,
            person=PersonFactory(),
            starts_on=date(2021, 5, 1),
            ends_on=date(2021, 4, 30),
            end_reason="resigned",
        ),
        *ASSIGNMENT_ROWS,
    )


def test_an_ended_assignment_needs_an_end_reason():
    role = RoleFactory()
    refused(
        "assignment_end_reason_required",
        lambda: services.assign_role(
            role=role, person=PersonFactory(), starts_on=date(2021, 1, 1), ends_on=date(2021, 6, 30)
        ),
        *ASSIGNMENT_ROWS,
    )


def test_end_reason_must_be_known():
    role = RoleFactory()
    refused(
        "assignment_end_reason_unknown",
        lambda: services.assign_role(
            role=role, person=PersonFactory(), starts_on=date(2021, 1, 1), ends_on=date(2021, 6, 30), end_reason="bored"
        ),
        *ASSIGNMENT_ROWS,
    )


def test_representative_assignment_within_membership_is_allowed():
    role = RepresentativeRoleFactory()
    assignment = services.assign_role(role=role, person=PersonFactory(), starts_on=date(2020, 7, 1))
    assert assignment.pk


def test_representative_assignment_before_membership_is_refused():
    role = RepresentativeRoleFactory()  # membership from 1 July 2020
    refused(
        "assignment_organisation_not_member",
        lambda: services.assign_role(role=role, person=PersonFactory(), starts_on=date(2020, 6, 30)),
        *ASSIGNMENT_ROWS,
    )


def test_representative_assignment_outlasting_membership_is_refused():
    membership = MembershipFactory(left_on=date(2022, 3, 31))
    role = RepresentativeRoleFactory(alliance=membership.alliance, organisation=membership.organisation)
    error = refused(
        "assignment_outlasts_membership",
        lambda: services.assign_role(role=role, person=PersonFactory(), starts_on=date(2021, 1, 1)),
        *ASSIGNMENT_ROWS,
    )
    assert "31/03/2022" in error.message


def test_end_assignment_records_the_reason_in_history():
    assignment = RoleAssignmentFactory(starts_on=date(2021, 1, 1))
    services.end_assignment(assignment=assignment, ends_on=date(2022, 6, 30), end_reason="resigned", note="Moved on")
    assignment.refresh_from_db()
    assert (assignment.ends_on, assignment.end_reason) == (date(2022, 6, 30), "resigned")
    assert assignment.history.first().history_change_reason == "Resigned: Moved on"


def test_ending_needs_a_reason():
    assignment = RoleAssignmentFactory()
    refused(
        "assignment_end_reason_required",
        lambda: services.end_assignment(assignment=assignment, ends_on=date(2022, 1, 1), end_reason=""),
        *ASSIGNMENT_ROWS,
    )


def test_ending_before_the_start_is_refused():
    assignment = RoleAssignmentFactory(starts_on=date(2021, 1, 1))
    refused(
        "assignment_ends_before_starts",
        lambda: services.end_assignment(assignment=assignment, ends_on=date(2020, 12, 31), end_reason="resigned"),
        *ASSIGNMENT_ROWS,
    )


def test_ending_twice_is_a_conflict():
    assignment = RoleAssignmentFactory(ends_on=date(2021, 6, 30), end_reason="resigned")
    error = refused(
        "assignment_already_ended",
        lambda: services.end_assignment(assignment=assignment, ends_on=date(2021, 7, 30), end_reason="removed"),
        *ASSIGNMENT_ROWS,
    )
    assert error.conflict


# Delegations


def test_grant_delegation_stores_kinds_and_limit():
    role = RoleFactory()
    body = GoverningBodyFactory(alliance=role.alliance)
    delegation = services.grant_delegation(
        role=role,
        body=body,
        scope="Operational spending",
        decision_kinds=[DecisionKind.OPERATIONAL, DecisionKind.OPERATIONAL],
        financial_limit="50000",
        valid_from=date(2021, 1, 1),
    )
    assert delegation.decision_kinds == ["OPERATIONAL"]
    assert delegation.financial_limit == Decimal("50000.00")


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"decision_kinds": ["SPENDING"]}, "delegation_kind_unknown"),
        ({"decision_kinds": []}, "delegation_kinds_required"),
        ({"financial_limit": "-5"}, "money_negative"),
        ({"financial_limit": "lots"}, "money_invalid"),
        ({"scope": "  "}, "delegation_scope_required"),
        ({"valid_to": date(2020, 12, 31)}, "delegation_window_order"),
    ],
)
def test_grant_delegation_refuses_bad_input(overrides, code):
    role = RoleFactory()
    values = {
        "role": role,
        "body": GoverningBodyFactory(alliance=role.alliance),
        "scope": "Operational spending",
        "decision_kinds": [DecisionKind.OPERATIONAL],
        "valid_from": date(2021, 1, 1),
        **overrides,
    }
    refused(code, lambda: services.grant_delegation(**values), DelegatedAuthority)


def test_delegation_body_must_be_of_the_roles_alliance():
    role = RoleFactory()
    refused(
        "delegation_body_elsewhere",
        lambda: services.grant_delegation(
            role=role,
            body=GoverningBodyFactory(),
            scope="Anything",
            decision_kinds=[DecisionKind.OPERATIONAL],
            valid_from=date(2021, 1, 1),
        ),
        DelegatedAuthority,
    )


def test_revoke_delegation_records_date_and_reason():
    delegation = DelegatedAuthorityFactory(valid_from=date(2021, 1, 1))
    services.revoke_delegation(delegation=delegation, revoked_on=date(2022, 4, 1), reason="New scheme of delegation")
    delegation.refresh_from_db()
    assert delegation.revoked_on == date(2022, 4, 1)
    assert delegation.history.first().history_change_reason == "New scheme of delegation"


def test_revoke_needs_a_reason():
    delegation = DelegatedAuthorityFactory()
    refused(
        "delegation_revoke_reason_required",
        lambda: services.revoke_delegation(delegation=delegation, revoked_on=date(2022, 4, 1), reason=" "),
        DelegatedAuthority,
    )


def test_revoke_before_valid_from_is_refused():
    delegation = DelegatedAuthorityFactory(valid_from=date(2021, 1, 1))
    refused(
        "delegation_revoked_before_valid",
        lambda: services.revoke_delegation(delegation=delegation, revoked_on=date(2020, 1, 1), reason="Oops"),
        DelegatedAuthority,
    )


def test_revoke_twice_is_a_conflict():
    delegation = DelegatedAuthorityFactory(revoked_on=date(2022, 1, 1))
    error = refused(
        "delegation_already_revoked",
        lambda: services.revoke_delegation(delegation=delegation, revoked_on=date(2022, 4, 1), reason="Again"),
        DelegatedAuthority,
    )
    assert error.conflict


# Interests


def test_declare_interest_names_whom_it_concerns():
    role = RepresentativeRoleFactory()
    person = PersonFactory()
    declaration = services.declare_interest(
        actor=SYSTEM,
        alliance=role.alliance,
        person=person,
        represents=role.organisation,
        concerns_organisation=role.organisation,
        interest="Spouse is a trustee",
        declared_on=date(2021, 2, 1),
    )
    assert declaration.history.first().history_change_reason == "Declared"


def test_declaring_an_interest_sends_interest_declared_with_the_declaration():
    role = RepresentativeRoleFactory()
    heard = []

    def receiver(*, sender, declaration, **_):
        heard.append((sender, declaration.pk, connection.in_atomic_block))

    interest_declared.connect(receiver, dispatch_uid="test-heard")
    try:
        declaration = services.declare_interest(
            actor=SYSTEM,
            alliance=role.alliance,
            person=PersonFactory(),
            interest="Trustee",
            declared_on=date(2021, 2, 1),
        )
    finally:
        interest_declared.disconnect(dispatch_uid="test-heard")
    assert heard == [(InterestDeclaration, declaration.pk, True)]


def test_a_receiver_refusing_the_declaration_leaves_nothing_written():
    role = RepresentativeRoleFactory()
    person = PersonFactory()

    def refuse(**_):
        raise RuleViolation("test_refused", "Refused by a receiver.")

    interest_declared.connect(refuse, dispatch_uid="test-refuse")
    try:
        refused(
            "test_refused",
            lambda: services.declare_interest(
                actor=SYSTEM, alliance=role.alliance, person=person, interest="Trustee", declared_on=date(2021, 2, 1)
            ),
            InterestDeclaration,
        )
    finally:
        interest_declared.disconnect(dispatch_uid="test-refuse")


def test_interest_needs_text():
    person = PersonFactory()
    alliance = RoleFactory().alliance
    refused(
        "interest_text_required",
        lambda: services.declare_interest(
            actor=SYSTEM, alliance=alliance, person=person, interest="", declared_on=date(2021, 1, 1)
        ),
        InterestDeclaration,
    )


def test_interest_cannot_end_before_declared():
    person = PersonFactory()
    alliance = RoleFactory().alliance
    refused(
        "interest_ends_before_declared",
        lambda: services.declare_interest(
            actor=SYSTEM,
            alliance=alliance,
            person=person,
            interest="Trustee",
            declared_on=date(2021, 1, 1),
            ends_on=date(2020, 1, 1),
        ),
        InterestDeclaration,
    )


def test_end_interest_sets_the_last_day():
    declaration = InterestDeclarationFactory(declared_on=date(2021, 1, 1))
    services.end_interest(
        actor=SYSTEM, declaration=declaration, ends_on=date(2022, 1, 1), reason="Stepped down as trustee"
    )
    declaration.refresh_from_db()
    assert declaration.ends_on == date(2022, 1, 1)


def test_end_interest_before_declared_is_refused():
    declaration = InterestDeclarationFactory(declared_on=date(2021, 1, 1))
    refused(
        "interest_ends_before_declared",
        lambda: services.end_interest(actor=SYSTEM, declaration=declaration, ends_on=date(2020, 1, 1)),
        InterestDeclaration,
    )


def test_end_interest_twice_is_a_conflict():
    declaration = InterestDeclarationFactory(ends_on=date(2021, 6, 1))
    refused(
        "interest_already_ended",
        lambda: services.end_interest(actor=SYSTEM, declaration=declaration, ends_on=date(2022, 1, 1)),
        InterestDeclaration,
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_appointments_to_a_single_holder_role_give_one_holder():
    role = RoleFactory()
    people = [PersonFactory(), PersonFactory()]
    barrier = threading.Barrier(2)
    outcomes = []

    def appoint(person):
        try:
            barrier.wait(timeout=10)
            services.assign_role(role=role, person=person, starts_on=date(2022, 1, 1))
            outcomes.append("appointed")
        except RuleViolation as error:
            outcomes.append(error.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=appoint, args=(p,)) for p in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["appointed", "assignment_overlap"]
    assert RoleAssignment.objects.filter(role=role).count() == 1


# Roles changed after the fact, and members leaving


def test_save_role_repoints_a_held_representative_role_to_another_member():
    role = RepresentativeRoleFactory()  # membership from 1 July 2020, open
    RoleAssignmentFactory(role=role, starts_on=date(2021, 1, 1))
    other = MembershipFactory(alliance=role.alliance, joined_on=date(2020, 1, 1))
    services.save_role(role=role, organisation=other.organisation)
    role.refresh_from_db()
    assert role.organisation == other.organisation


def test_save_role_refuses_to_repoint_a_held_representative_role_to_a_non_member():
    role = RepresentativeRoleFactory()
    RoleAssignmentFactory(role=role, starts_on=date(2021, 1, 1))
    outsider = OrganisationFactory(name="Outside Trust")
    error = refused(
        "role_organisation_not_member_for_holders",
        lambda: services.save_role(role=role, organisation=outsider),
        Role,
        RoleAssignment,
    )
    assert error.field == "organisation" and "Outside Trust was not a member" in error.message
    role.refresh_from_db()
    assert role.organisation != outsider


def test_save_role_makes_a_role_single_holder_when_its_holders_follow_each_other():
    role = RoleFactory(single_holder=False)
    RoleAssignmentFactory(role=role, starts_on=date(2020, 1, 1), ends_on=date(2020, 12, 31), end_reason="resigned")
    RoleAssignmentFactory(role=role, starts_on=date(2021, 1, 1))
    services.save_role(role=role, single_holder=True)
    role.refresh_from_db()
    assert role.single_holder


def test_save_role_refuses_single_holder_on_a_role_held_by_several_at_once():
    role = RoleFactory(single_holder=False, title="Oversight member")
    for _ in range(3):
        RoleAssignmentFactory(role=role, starts_on=date(2023, 1, 1))
    error = refused(
        "role_single_holder_overlap",
        lambda: services.save_role(role=role, single_holder=True),
        Role,
        RoleAssignment,
    )
    assert error.field == "single_holder" and "at the same time" in error.message
    role.refresh_from_db()
    assert not role.single_holder


def test_ending_a_membership_ends_its_representatives_on_the_last_day():
    role = RepresentativeRoleFactory()
    membership = role.organisation.memberships.get()
    holder = RoleAssignmentFactory(role=role, starts_on=date(2021, 1, 1))
    deputy_role = RepresentativeRoleFactory(
        alliance=role.alliance, organisation=role.organisation, kind=Role.Kind.DEPUTY_REPRESENTATIVE
    )
    deputy = RoleAssignmentFactory(role=deputy_role, starts_on=date(2021, 1, 1))
    director = RoleAssignmentFactory(role__alliance=role.alliance, starts_on=date(2021, 1, 1))
    alliance_services.end_membership(membership=membership, left_on=date(2023, 3, 31), reason="Merged")
    for assignment in (holder, deputy):
        assignment.refresh_from_db()
        assert (assignment.ends_on, assignment.end_reason) == (date(2023, 3, 31), "organisation_left")
        assert assignment.history.first().history_change_reason == "Organisation left the alliance: Merged"
    director.refresh_from_db()
    assert director.ends_on is None


def test_ending_a_membership_shortens_a_representative_assignment_that_outlasts_it():
    role = RepresentativeRoleFactory()
    membership = role.organisation.memberships.get()
    holder = RoleAssignmentFactory(
        role=role, starts_on=date(2021, 1, 1), ends_on=date(2024, 6, 30), end_reason="term_ended"
    )
    alliance_services.end_membership(membership=membership, left_on=date(2023, 3, 31), reason="Merged")
    holder.refresh_from_db()
    assert (holder.ends_on, holder.end_reason) == (date(2023, 3, 31), "organisation_left")


def test_ending_a_membership_before_a_representative_starts_is_refused_and_writes_nothing():
    role = RepresentativeRoleFactory()
    membership = role.organisation.memberships.get()
    RoleAssignmentFactory(role=role, starts_on=date(2021, 1, 1), ends_on=date(2022, 12, 31), end_reason="replaced")
    RoleAssignmentFactory(role=role, starts_on=date(2023, 1, 1))
    refused(
        "assignment_organisation_not_member",
        lambda: alliance_services.end_membership(membership=membership, left_on=date(2022, 6, 30), reason="Merged"),
        Membership,
        RoleAssignment,
    )
    membership.refresh_from_db()
    assert membership.left_on is None
