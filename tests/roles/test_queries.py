from datetime import date
from decimal import Decimal

import pytest

from alliance.access import Access
from alliance.choices import DecisionKind
from alliance.registry import register
from roles import queries
from tests.factories import (
    AgreementFactory,
    DelegatedAuthorityFactory,
    PersonFactory,
    RepresentativeRoleFactory,
    RoleAssignmentFactory,
    RoleFactory,
)
from tests.helpers import registry_store

pytestmark = pytest.mark.django_db
STAFF = Access(authenticated=True, staff=True)

ON = date(2021, 6, 1)


def director_with_delegation(**delegation):
    holder = RoleAssignmentFactory(starts_on=date(2021, 1, 1), ends_on=date(2021, 12, 31), end_reason="resigned")
    values = {"valid_from": date(2021, 1, 1), "financial_limit": Decimal("50000.00"), **delegation}
    return holder, DelegatedAuthorityFactory(role=holder.role, **values)


def test_holder_of_a_role_on_a_date():
    first = RoleAssignmentFactory(starts_on=date(2020, 7, 1), ends_on=date(2021, 2, 28), end_reason="resigned")
    second = RoleAssignmentFactory(role=first.role, starts_on=date(2021, 3, 1))
    assert [a.person for a in queries.holders_on(first.role, date(2021, 2, 28))] == [first.person]
    assert [a.person for a in queries.holders_on(first.role, date(2021, 3, 1))] == [second.person]
    assert not queries.holders_on(first.role, date(2020, 6, 30)).exists()


def test_roles_of_a_person_on_a_date():
    person = PersonFactory()
    chair = RoleAssignmentFactory(person=person, starts_on=date(2021, 1, 1))
    RoleAssignmentFactory(person=person, starts_on=date(2020, 1, 1), ends_on=date(2020, 12, 31), end_reason="removed")
    assert list(queries.roles_of(person, ON)) == [chair]


def test_directory_lists_holders_and_vacant_roles():
    held = RoleAssignmentFactory(starts_on=date(2021, 1, 1))
    vacant = RoleFactory(alliance=held.role.alliance, title="Secretary")
    rows = {row["role"]: row for row in queries.directory(held.role.alliance, ON)}
    assert [a.person for a in rows[held.role]["holders"]] == [held.person]
    assert rows[vacant]["vacant"] and not rows[held.role]["vacant"]


def test_directory_takes_two_queries_however_many_roles(django_assert_max_num_queries):
    first = RoleAssignmentFactory(starts_on=date(2021, 1, 1))
    for _ in range(15):
        RoleAssignmentFactory(role__alliance=first.role.alliance, starts_on=date(2021, 1, 1))
    with django_assert_max_num_queries(2):
        rows = queries.directory(first.role.alliance, ON)
        names = [a.person.name for row in rows for a in row["holders"]]
    assert len(names) == 16


def test_timeline_lists_holders_in_order():
    later = RoleAssignmentFactory(starts_on=date(2022, 1, 1))
    earlier = RoleAssignmentFactory(
        role=later.role, starts_on=date(2021, 1, 1), ends_on=date(2021, 12, 31), end_reason="term_ended"
    )
    assert list(queries.timeline(later.role)) == [earlier, later]


def test_turnover_counts_ended_assignments_per_year_by_reason():
    role = RoleFactory(single_holder=False)
    for ends_on, reason in [
        (date(2021, 3, 1), "resigned"),
        (date(2021, 9, 1), "resigned"),
        (date(2021, 10, 1), "replaced"),
        (date(2022, 5, 1), "term_ended"),
    ]:
        RoleAssignmentFactory(role=role, starts_on=date(2020, 7, 1), ends_on=ends_on, end_reason=reason)
    RoleAssignmentFactory(role=role, starts_on=date(2020, 7, 1))
    assert queries.turnover(role.alliance) == [
        {"year": 2021, "total": 3, "reasons": {"Resigned": 2, "Replaced": 1}},
        {"year": 2022, "total": 1, "reasons": {"Term ended": 1}},
    ]


def test_representatives_on_finds_member_and_deputy_holders():
    rep = RepresentativeRoleFactory()
    deputy = RoleFactory(alliance=rep.alliance, organisation=rep.organisation, kind="deputy_representative")
    a = RoleAssignmentFactory(role=rep, starts_on=date(2021, 1, 1))
    b = RoleAssignmentFactory(role=deputy, starts_on=date(2021, 1, 1))
    RoleAssignmentFactory(role=rep, starts_on=date(2020, 7, 1), ends_on=date(2020, 12, 31), end_reason="replaced")
    found = queries.representatives_on(alliance=rep.alliance, organisation=rep.organisation, on=ON)
    assert set(found) == {a.person, b.person}
    membership = rep.organisation.memberships.get()
    assert set(queries.representatives_on(membership=membership, on=ON)) == {a.person, b.person}


# authority_for


def test_authority_allows_within_the_limit():
    holder, delegation = director_with_delegation()
    answer = queries.authority_for(role=holder.role, kind=DecisionKind.OPERATIONAL, value=Decimal("50000"), on=ON)
    assert answer.allowed and answer.delegation == delegation


def test_authority_refuses_a_kind_no_delegation_covers():
    holder, _ = director_with_delegation()
    answer = queries.authority_for(role=holder.role, kind=DecisionKind.AWARD, value=Decimal("10"), on=ON)
    assert not answer.allowed and answer.delegation is None
    assert answer.reason == f"No delegation to {holder.role} covers decisions on the award of a service."


def test_authority_names_a_key_decision_kind_once():
    holder, _ = director_with_delegation()
    answer = queries.authority_for(role=holder.role, kind=DecisionKind.KEY, value=None, on=ON)
    assert answer.reason == f"No delegation to {holder.role} covers key decisions."


def test_authority_for_a_person_names_the_kind_once():
    person = RoleAssignmentFactory(starts_on=date(2021, 1, 1)).person
    answer = queries.authority_for(person=person, kind=DecisionKind.KEY, value=None, on=ON)
    assert answer.reason == f"No delegation covers key decisions for any role {person} has held."


def test_authority_allowed_gives_the_exact_reason():
    holder, delegation = director_with_delegation()
    answer = queries.authority_for(role=holder.role, kind=DecisionKind.OPERATIONAL, value=Decimal("10"), on=ON)
    assert answer.reason == (
        f"Delegated to {holder.role} by {delegation.body.name} for operational decisions up to £50,000.00, "
        "valid from 01/01/2021."
    )


def test_authority_by_role_on_a_vacant_day_is_allowed_and_says_the_post_was_vacant():
    holder, delegation = director_with_delegation()
    vacant_day = date(2022, 2, 1)
    answer = queries.authority_for(role=holder.role, kind=DecisionKind.OPERATIONAL, value=Decimal("10"), on=vacant_day)
    assert answer.allowed and answer.delegation == delegation
    assert answer.reason.endswith(
        f"Nobody held {holder.role} on 01/02/2022: the post was vacant, so no one could use it that day."
    )


def test_authority_says_by_how_much_a_value_is_above_the_limit():
    holder, delegation = director_with_delegation()
    answer = queries.authority_for(role=holder.role, kind=DecisionKind.OPERATIONAL, value=Decimal("62345"), on=ON)
    assert not answer.allowed and answer.delegation == delegation
    assert "above the limit of £50,000.00" in answer.reason and "by £12,345.00" in answer.reason


def test_authority_without_a_limit_allows_any_value():
    holder, _ = director_with_delegation(financial_limit=None)
    answer = queries.authority_for(role=holder.role, kind=DecisionKind.OPERATIONAL, value=Decimal("9999999"), on=ON)
    assert answer.allowed


def test_authority_says_when_a_delegation_expired():
    holder, _ = director_with_delegation(valid_to=date(2021, 5, 31))
    answer = queries.authority_for(role=holder.role, kind=DecisionKind.OPERATIONAL, value=Decimal("1"), on=ON)
    assert not answer.allowed and "expired on 31/05/2021" in answer.reason


def test_authority_says_when_a_delegation_is_not_yet_valid():
    holder, _ = director_with_delegation(valid_from=date(2021, 7, 1))
    answer = queries.authority_for(role=holder.role, kind=DecisionKind.OPERATIONAL, value=Decimal("1"), on=ON)
    assert not answer.allowed
    assert answer.reason == f"The delegation to {holder.role} is valid only from 01/07/2021."


def test_authority_says_when_a_delegation_was_revoked():
    holder, _ = director_with_delegation(revoked_on=date(2021, 6, 1), revocation_reason="Scheme replaced")
    answer = queries.authority_for(role=holder.role, kind=DecisionKind.OPERATIONAL, value=Decimal("1"), on=ON)
    assert not answer.allowed and "revoked from 01/06/2021 (Scheme replaced)" in answer.reason


def test_authority_for_a_person_uses_the_roles_they_held():
    holder, delegation = director_with_delegation()
    answer = queries.authority_for(person=holder.person, kind=DecisionKind.OPERATIONAL, value=Decimal("10"), on=ON)
    assert answer.allowed and answer.delegation == delegation


def test_authority_for_a_person_who_no_longer_held_the_role():
    holder, _ = director_with_delegation()
    on = date(2022, 1, 1)
    answer = queries.authority_for(person=holder.person, kind=DecisionKind.OPERATIONAL, value=Decimal("10"), on=on)
    assert not answer.allowed
    assert answer.reason == f"{holder.person} did not hold the role {holder.role} on 01/01/2022."


def test_authority_for_a_person_and_role_checks_the_holding():
    holder, _ = director_with_delegation()
    stranger = PersonFactory()
    answer = queries.authority_for(
        role=holder.role, person=stranger, kind=DecisionKind.OPERATIONAL, value=Decimal("10"), on=ON
    )
    assert not answer.allowed and "did not hold the role" in answer.reason


def test_authority_for_a_person_without_any_delegated_role():
    person = RoleAssignmentFactory(starts_on=date(2021, 1, 1)).person
    answer = queries.authority_for(person=person, kind=DecisionKind.OPERATIONAL, value=None, on=ON)
    assert not answer.allowed and answer.reason.startswith("No delegation covers operational decisions")


# Handover pack


def test_handover_pack_has_the_roles_sections():
    holder, _ = director_with_delegation()
    AgreementFactory(alliance=holder.role.alliance, principles=["No fault, no blame"])
    successor = RoleAssignmentFactory(role=holder.role, starts_on=date(2022, 1, 1))
    pack = queries.handover_pack(holder.role, date(2022, 1, 1), STAFF)
    sections = {s["title"]: s for s in pack["sections"]}
    assert [a.person for a in pack["holders"]] == [successor.person]
    assert "£50,000.00" in sections["Delegated authority"]["items"][0]["text"]
    assert sections["The alliance principles"]["items"][0]["text"] == "No fault, no blame"
    previous = sections["Previous holders"]["items"][0]["text"]
    assert previous.startswith(str(holder.person)) and "(resigned)" in previous


def test_handover_pack_renders_sections_registered_by_other_apps():
    role = RoleFactory()
    extra = lambda r, on, access: {"title": "Open action items", "items": [], "empty": "None open."}  # noqa: E731
    with registry_store("handover_sections"):
        register("handover_sections")(extra)
        pack = queries.handover_pack(role, ON, STAFF)
    assert pack["sections"][-1]["title"] == "Open action items"
