from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from alliance.choices import DecisionKind
from roles.models import DelegatedAuthority, RoleAssignment
from tests.factories import (
    DelegatedAuthorityFactory,
    InterestDeclarationFactory,
    RepresentativeRoleFactory,
    RoleAssignmentFactory,
    RoleFactory,
)

pytestmark = pytest.mark.django_db


def test_assignment_is_held_on_both_end_days():
    assignment = RoleAssignmentFactory(starts_on=date(2021, 1, 1), ends_on=date(2021, 12, 31), end_reason="resigned")
    assert assignment.is_held_on(date(2021, 1, 1))
    assert assignment.is_held_on(date(2021, 12, 31))
    assert not assignment.is_held_on(date(2022, 1, 1))
    assert list(RoleAssignment.objects.held_on(date(2021, 12, 31))) == [assignment]
    assert not RoleAssignment.objects.held_on(date(2020, 12, 31)).exists()


def test_database_refuses_assignment_ending_before_it_starts():
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleAssignmentFactory(starts_on=date(2021, 5, 1), ends_on=date(2021, 4, 30), end_reason="resigned")


def test_database_refuses_end_reason_without_end():
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleAssignmentFactory(end_reason="resigned")


def test_database_refuses_representative_role_without_organisation():
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleFactory(kind="member_representative", organisation=None)


def test_representative_role_knows_it_is_one():
    assert RepresentativeRoleFactory().is_representative
    assert not RoleFactory(kind="chair").is_representative


def test_delegation_is_valid_until_its_revocation_day():
    delegation = DelegatedAuthorityFactory(valid_from=date(2021, 1, 1), revoked_on=date(2022, 3, 1))
    assert delegation.is_valid_on(date(2022, 2, 28))
    assert not delegation.is_valid_on(date(2022, 3, 1))
    assert list(DelegatedAuthority.objects.valid_on(date(2022, 2, 28))) == [delegation]
    assert not DelegatedAuthority.objects.valid_on(date(2022, 3, 1)).exists()


def test_covering_matches_whole_kinds_only():
    operational = DelegatedAuthorityFactory(decision_kinds=[DecisionKind.OPERATIONAL])
    DelegatedAuthorityFactory(decision_kinds=[DecisionKind.AWARD])
    assert list(DelegatedAuthority.objects.covering(DecisionKind.OPERATIONAL)) == [operational]
    assert not DelegatedAuthority.objects.covering("OPERATION").exists()


def test_database_refuses_negative_limit():
    with pytest.raises(IntegrityError), transaction.atomic():
        DelegatedAuthorityFactory(financial_limit=Decimal("-1.00"))


def test_every_model_keeps_history():
    interest = InterestDeclarationFactory()
    interest.interest = "Changed"
    interest.save()
    assert interest.history.count() == 2
