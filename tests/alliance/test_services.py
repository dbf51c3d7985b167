from datetime import date
from decimal import Decimal

import pytest

from alliance import services
from alliance.errors import RuleViolation
from alliance.models import (
    Agreement,
    AgreementBudget,
    Alliance,
    GoverningBody,
    Membership,
    MembershipStatusChange,
    Organisation,
)
from alliance.queries import members_on, voting_members_on
from tests.factories import AllianceFactory, GoverningBodyFactory, MembershipFactory, OrganisationFactory
from tests.helpers import refused, rows

pytestmark = pytest.mark.django_db

D = date


@pytest.fixture
def alliance():
    return AllianceFactory()


@pytest.fixture
def org():
    return OrganisationFactory(name="Harbour Light Housing")


MEMBERSHIP_ROWS = (Membership, MembershipStatusChange)


def membership_tables():
    return rows(*MEMBERSHIP_ROWS)


# Memberships -------------------------------------------------------------------------------


def test_create_membership_records_initial_status_change(alliance, org):
    m = services.create_membership(
        alliance=alliance, organisation=org, status="VOTING", joined_on=D(2020, 7, 1), capacities=["provider"]
    )
    assert m.status_changes.get().effective_on == D(2020, 7, 1)
    assert m.history.count() == 1


def test_second_open_membership_of_same_organisation_refused(alliance, org):
    services.create_membership(alliance=alliance, organisation=org, status="VOTING", joined_on=D(2020, 7, 1))
    before = membership_tables()
    with pytest.raises(RuleViolation) as exc:
        services.create_membership(alliance=alliance, organisation=org, status="ADVISORY", joined_on=D(2022, 1, 1))
    assert exc.value.code == "membership_overlap"
    assert "Harbour Light Housing already has a membership" in exc.value.message
    assert membership_tables() == before


def test_overlapping_closed_membership_refused(alliance, org):
    services.create_membership(
        alliance=alliance, organisation=org, status="VOTING", joined_on=D(2020, 7, 1), left_on=D(2021, 6, 30)
    )
    before = membership_tables()
    with pytest.raises(RuleViolation) as exc:
        services.create_membership(alliance=alliance, organisation=org, status="VOTING", joined_on=D(2021, 6, 30))
    assert exc.value.code == "membership_overlap"
    assert membership_tables() == before


def test_membership_after_previous_ended_allowed(alliance, org):
    services.create_membership(
        alliance=alliance, organisation=org, status="VOTING", joined_on=D(2020, 7, 1), left_on=D(2021, 6, 30)
    )
    second = services.create_membership(alliance=alliance, organisation=org, status="VOTING", joined_on=D(2021, 7, 1))
    assert second.pk
    assert Membership.objects.filter(organisation=org).count() == 2


def test_membership_that_would_swallow_a_later_one_refused(alliance, org):
    services.create_membership(alliance=alliance, organisation=org, status="VOTING", joined_on=D(2022, 1, 1))
    refused(
        "membership_overlap",
        lambda: services.create_membership(
            alliance=alliance, organisation=org, status="VOTING", joined_on=D(2020, 1, 1), left_on=D(2022, 1, 1)
        ),
        *MEMBERSHIP_ROWS,
    )


def test_same_organisation_may_belong_to_two_alliances(org):
    services.create_membership(alliance=AllianceFactory(), organisation=org, status="VOTING", joined_on=D(2020, 1, 1))
    services.create_membership(alliance=AllianceFactory(), organisation=org, status="VOTING", joined_on=D(2020, 1, 1))
    assert Membership.objects.filter(organisation=org).count() == 2


def test_left_before_joined_refused(alliance, org):
    before = membership_tables()
    with pytest.raises(RuleViolation) as exc:
        services.create_membership(
            alliance=alliance, organisation=org, status="VOTING", joined_on=D(2021, 1, 1), left_on=D(2020, 12, 31)
        )
    assert exc.value.code == "membership_left_before_joined"
    assert exc.value.field == "left_on"
    assert membership_tables() == before


def test_left_on_joining_day_allowed(alliance, org):
    m = services.create_membership(
        alliance=alliance, organisation=org, status="VOTING", joined_on=D(2021, 1, 1), left_on=D(2021, 1, 1)
    )
    assert m.is_open_on(D(2021, 1, 1))
    assert not m.is_open_on(D(2021, 1, 2))


def test_unknown_capacity_refused(alliance, org):
    before = membership_tables()
    with pytest.raises(RuleViolation) as exc:
        services.create_membership(
            alliance=alliance, organisation=org, status="VOTING", joined_on=D(2021, 1, 1), capacities=["landlord"]
        )
    assert exc.value.code == "membership_capacity_unknown"
    assert "landlord" in exc.value.message
    assert membership_tables() == before


def test_unknown_status_refused(alliance, org):
    refused(
        "membership_status_unknown",
        lambda: services.create_membership(
            alliance=alliance, organisation=org, status="OBSERVER", joined_on=D(2021, 1, 1)
        ),
        *MEMBERSHIP_ROWS,
    )


def test_end_membership_sets_last_day_with_reason(alliance, org):
    m = services.create_membership(alliance=alliance, organisation=org, status="VOTING", joined_on=D(2020, 7, 1))
    services.end_membership(membership=m, left_on=D(2023, 9, 30), reason="Alliance concluded")
    m.refresh_from_db()
    assert m.left_on == D(2023, 9, 30)
    assert m.history.first().history_change_reason == "Alliance concluded"


def test_end_membership_before_joining_refused(alliance, org):
    m = services.create_membership(alliance=alliance, organisation=org, status="VOTING", joined_on=D(2020, 7, 1))
    before = membership_tables()
    with pytest.raises(RuleViolation) as exc:
        services.end_membership(membership=m, left_on=D(2020, 6, 30), reason="Mistake")
    assert exc.value.code == "membership_left_before_joined"
    assert membership_tables() == before


def test_end_membership_needs_reason(alliance, org):
    m = services.create_membership(alliance=alliance, organisation=org, status="VOTING", joined_on=D(2020, 7, 1))
    refused(
        "membership_end_reason_required",
        lambda: services.end_membership(membership=m, left_on=D(2021, 6, 30), reason=" "),
        *MEMBERSHIP_ROWS,
    )


def test_end_membership_twice_is_a_conflict(alliance, org):
    m = services.create_membership(alliance=alliance, organisation=org, status="VOTING", joined_on=D(2020, 7, 1))
    services.end_membership(membership=m, left_on=D(2021, 6, 30), reason="Left")
    error = refused(
        "membership_already_ended",
        lambda: services.end_membership(membership=m, left_on=D(2021, 7, 30), reason="Left again"),
        *MEMBERSHIP_ROWS,
    )
    assert error.conflict


def test_moving_joining_date_moves_initial_status(alliance, org):
    m = services.create_membership(alliance=alliance, organisation=org, status="VOTING", joined_on=D(2020, 7, 1))
    services.update_membership(membership=m, joined_on=D(2020, 8, 1), reason="Corrected from the signed agreement")
    assert m.status_changes.get().effective_on == D(2020, 8, 1)


def test_moving_joining_date_past_a_status_change_refused(alliance, org):
    m = services.create_membership(alliance=alliance, organisation=org, status="VOTING", joined_on=D(2020, 7, 1))
    services.change_membership_status(membership=m, status="ADVISORY", effective_on=D(2021, 1, 1), reason="Asked")
    before = membership_tables()
    with pytest.raises(RuleViolation) as exc:
        services.update_membership(membership=m, joined_on=D(2021, 2, 1))
    assert exc.value.code == "membership_term_excludes_status_change"
    assert membership_tables() == before


def test_update_capacities_and_signatory(alliance, org):
    m = services.create_membership(alliance=alliance, organisation=org, status="VOTING", joined_on=D(2020, 7, 1))
    services.update_membership(membership=m, capacities=["provider", "funder"], is_signatory=True)
    m.refresh_from_db()
    assert m.capacities == ["provider", "funder"]
    assert m.is_signatory


# Dated status --------------------------------------------------------------------------------


def test_status_change_is_dated_and_past_dates_keep_their_status(alliance, org):
    m = services.create_membership(alliance=alliance, organisation=org, status="VOTING", joined_on=D(2020, 7, 1))
    services.change_membership_status(
        membership=m, status="ADVISORY", effective_on=D(2022, 4, 1), reason="Stepped back from voting"
    )
    m.refresh_from_db()
    assert m.status == "ADVISORY"
    assert m.status_as_of(D(2022, 3, 31)) == "VOTING"
    assert m.status_as_of(D(2022, 4, 1)) == "ADVISORY"
    assert list(voting_members_on(alliance, D(2022, 3, 31))) == [m]
    assert list(voting_members_on(alliance, D(2022, 4, 1))) == []
    assert members_on(alliance, D(2022, 4, 1)).get().status_on == "ADVISORY"


def test_backdated_status_change_does_not_change_current_status(alliance, org):
    m = services.create_membership(alliance=alliance, organisation=org, status="VOTING", joined_on=D(2020, 7, 1))
    services.change_membership_status(membership=m, status="ADVISORY", effective_on=D(2022, 1, 1), reason="a")
    services.change_membership_status(membership=m, status="VOTING", effective_on=D(2023, 1, 1), reason="b")
    m.refresh_from_db()
    assert m.status == "VOTING"
    assert m.status_as_of(D(2022, 6, 1)) == "ADVISORY"


def test_status_change_outside_membership_refused(alliance, org):
    m = services.create_membership(
        alliance=alliance, organisation=org, status="VOTING", joined_on=D(2020, 7, 1), left_on=D(2021, 6, 30)
    )
    before = membership_tables()
    with pytest.raises(RuleViolation) as exc:
        services.change_membership_status(membership=m, status="ADVISORY", effective_on=D(2021, 7, 1), reason="x")
    assert exc.value.code == "status_change_outside_membership"
    assert "was not a member on 01/07/2021" in exc.value.message
    assert membership_tables() == before


def test_status_change_to_same_status_refused(alliance, org):
    m = services.create_membership(alliance=alliance, organisation=org, status="VOTING", joined_on=D(2020, 7, 1))
    before = membership_tables()
    with pytest.raises(RuleViolation) as exc:
        services.change_membership_status(membership=m, status="VOTING", effective_on=D(2021, 1, 1), reason="x")
    assert exc.value.code == "status_unchanged"
    assert membership_tables() == before


def test_status_change_needs_reason(alliance, org):
    m = services.create_membership(alliance=alliance, organisation=org, status="VOTING", joined_on=D(2020, 7, 1))
    refused(
        "status_change_reason_required",
        lambda: services.change_membership_status(
            membership=m, status="ADVISORY", effective_on=D(2021, 1, 1), reason=""
        ),
        *MEMBERSHIP_ROWS,
    )


def test_second_status_change_on_the_same_day_refused(alliance, org):
    m = services.create_membership(alliance=alliance, organisation=org, status="VOTING", joined_on=D(2020, 7, 1))
    services.change_membership_status(membership=m, status="ADVISORY", effective_on=D(2021, 1, 1), reason="Asked")
    m.refresh_from_db()
    # Back to voting on a later date, then a second change on that same later date.
    services.change_membership_status(membership=m, status="VOTING", effective_on=D(2022, 1, 1), reason="Rejoined")
    services.change_membership_status(membership=m, status="ADVISORY", effective_on=D(2023, 1, 1), reason="Again")
    error = refused(
        "status_change_same_day",
        lambda: services.change_membership_status(
            membership=m, status="VOTING", effective_on=D(2023, 1, 1), reason="Same day"
        ),
        *MEMBERSHIP_ROWS,
    )
    assert "already recorded on 01/01/2023" in error.message


def test_members_on_excludes_those_not_yet_joined_or_left(alliance):
    early = MembershipFactory(alliance=alliance, joined_on=D(2020, 7, 1), left_on=D(2021, 3, 31))
    late = MembershipFactory(alliance=alliance, joined_on=D(2022, 1, 1))
    assert list(members_on(alliance, D(2021, 3, 31))) == [early]
    assert list(members_on(alliance, D(2021, 4, 1))) == []
    assert list(members_on(alliance, D(2022, 1, 1))) == [late]


def test_advisory_member_is_not_a_voting_member(alliance):
    MembershipFactory(alliance=alliance, status="ADVISORY")
    voting = MembershipFactory(alliance=alliance)
    assert list(voting_members_on(alliance, D(2021, 1, 1))) == [voting]


# Governing bodies ----------------------------------------------------------------------------


@pytest.mark.parametrize(("count", "fraction"), [(3, None), (None, Decimal("0.5")), (None, Decimal("1")), (1, None)])
def test_body_quorum_allowed(alliance, count, fraction):
    body = services.save_body(
        alliance=alliance,
        name="ALT",
        code="ALT",
        kind="leadership",
        decision_rule="UNANIMOUS",
        quorum_count=count,
        quorum_fraction=fraction,
    )
    assert body.pk
    assert body.abstention_blocks  # default for a unanimous body


@pytest.mark.parametrize(
    ("count", "fraction", "code"),
    [
        (0, None, "body_quorum_count_invalid"),
        (None, Decimal("0"), "body_quorum_fraction_invalid"),
        (None, Decimal("1.5"), "body_quorum_fraction_invalid"),
        (None, Decimal("-0.2"), "body_quorum_fraction_invalid"),
        (None, None, "body_quorum_required"),
        (2, Decimal("0.5"), "body_quorum_required"),
    ],
)
def test_body_quorum_refused(alliance, count, fraction, code):
    before = rows(GoverningBody)
    with pytest.raises(RuleViolation) as exc:
        services.save_body(
            alliance=alliance,
            name="ALT",
            code="ALT",
            kind="leadership",
            decision_rule="UNANIMOUS",
            quorum_count=count,
            quorum_fraction=fraction,
        )
    assert exc.value.code == code
    assert rows(GoverningBody) == before


def test_consensus_body_defaults_abstention_not_blocking(alliance):
    body = services.save_body(
        alliance=alliance, name="AMT", code="AMT", kind="management", decision_rule="CONSENSUS", quorum_count=3
    )
    assert not body.abstention_blocks


def test_body_code_unique_per_alliance(alliance):
    GoverningBodyFactory(alliance=alliance, code="ALT")
    refused(
        "body_code_taken",
        lambda: services.save_body(
            alliance=alliance, name="Another", code="alt", kind="leadership", decision_rule="UNANIMOUS", quorum_count=2
        ),
        GoverningBody,
    )


def test_body_rule_unknown_refused(alliance):
    error = refused(
        "body_rule_unknown",
        lambda: services.save_body(
            alliance=alliance, name="ALT", code="ALT", kind="leadership", decision_rule="LOTTERY", quorum_count=2
        ),
        GoverningBody,
    )
    assert error.field == "decision_rule"
    assert "'LOTTERY'" in error.message


def test_body_reports_to_other_alliance_refused(alliance):
    other = GoverningBodyFactory()
    refused(
        "body_reports_elsewhere",
        lambda: services.save_body(
            alliance=alliance,
            name="AMT",
            code="AMT",
            kind="management",
            decision_rule="CONSENSUS",
            quorum_count=2,
            reports_to=other,
        ),
        GoverningBody,
    )


def test_body_reporting_to_a_body_of_its_alliance_allowed(alliance):
    alt = GoverningBodyFactory(alliance=alliance, code="ALT")
    amt = services.save_body(
        alliance=alliance, name="AMT", code="AMT", kind="management", decision_rule="CONSENSUS", quorum_count=2
    )
    services.save_body(body=amt, reports_to=alt)
    amt.refresh_from_db()
    assert amt.reports_to == alt


def test_body_reporting_to_itself_refused(alliance):
    body = GoverningBodyFactory(alliance=alliance, name="Alliance Leadership Team", code="ALT")
    error = refused("body_reports_to_itself", lambda: services.save_body(body=body, reports_to=body), GoverningBody)
    assert error.field == "reports_to"
    assert error.message.startswith("Alliance Leadership Team cannot report to itself")
    body.refresh_from_db()
    assert body.reports_to is None


def test_body_reporting_in_a_cycle_refused(alliance):
    alt = GoverningBodyFactory(alliance=alliance, name="ALT", code="ALT")
    amt = GoverningBodyFactory(alliance=alliance, name="AMT", code="AMT", reports_to=alt)
    og = GoverningBodyFactory(alliance=alliance, name="OG", code="OG", reports_to=amt)
    error = refused("body_reports_to_itself", lambda: services.save_body(body=alt, reports_to=og), GoverningBody)
    assert "OG already reports to it" in error.message


def test_quorum_needed_rounds_up():
    body = GoverningBody(quorum_fraction=Decimal("0.75"))
    assert body.quorum_needed(8) == 6
    assert body.quorum_needed(9) == 7
    assert GoverningBody(quorum_count=4).quorum_needed(9) == 4


# Agreement -----------------------------------------------------------------------------------


def test_agreement_versions_and_budgets(alliance):
    first = services.create_agreement(
        alliance=alliance,
        title="Agreement",
        signed_on=D(2020, 7, 15),
        starts_on=D(2020, 7, 1),
        ends_on=D(2027, 6, 30),
        extension_until=D(2030, 6, 30),
        principles=["No fault, no blame", " "],
        budgets={2021: Decimal("24600000")},
    )
    second = services.create_agreement(
        alliance=alliance,
        title="Agreement (varied)",
        signed_on=D(2022, 1, 1),
        starts_on=D(2020, 7, 1),
        ends_on=D(2027, 6, 30),
    )
    assert (first.version, second.version) == (1, 2)
    assert first.principles == ["No fault, no blame"]
    assert first.budgets.get().label == "2021/22"


def test_agreement_ending_before_start_refused(alliance):
    before = rows(Agreement, AgreementBudget)
    with pytest.raises(RuleViolation) as exc:
        services.create_agreement(
            alliance=alliance,
            title="A",
            signed_on=D(2020, 7, 1),
            starts_on=D(2020, 7, 1),
            ends_on=D(2020, 6, 1),
            budgets={2021: Decimal("1")},
        )
    assert exc.value.code == "agreement_term_order"
    assert rows(Agreement, AgreementBudget) == before


def test_negative_budget_refused_and_agreement_not_half_written(alliance):
    before = rows(Agreement, AgreementBudget)
    with pytest.raises(RuleViolation) as exc:
        services.create_agreement(
            alliance=alliance,
            title="A",
            signed_on=D(2020, 7, 1),
            starts_on=D(2020, 7, 1),
            ends_on=D(2027, 6, 30),
            budgets={2021: Decimal("10"), 2022: Decimal("-5")},
        )
    assert exc.value.code == "budget_amount_negative"
    assert rows(Agreement, AgreementBudget) == before


def test_organisation_name_unique_case_insensitively(org):
    refused(
        "organisation_name_taken",
        lambda: services.save_organisation(name="harbour light housing", kind="provider"),
        Organisation,
    )


def test_alliance_slug_taken_refused(alliance):
    error = refused(
        "alliance_slug_taken",
        lambda: services.save_alliance(name="Another alliance", slug=alliance.slug, commissioner=alliance.commissioner),
        Alliance,
    )
    assert error.field == "slug"


def test_update_membership_into_an_overlap_refused(alliance, org):
    first = services.create_membership(
        alliance=alliance, organisation=org, status="VOTING", joined_on=D(2020, 7, 1), left_on=D(2021, 6, 30)
    )
    services.create_membership(alliance=alliance, organisation=org, status="VOTING", joined_on=D(2022, 1, 1))
    refused(
        "membership_overlap",
        lambda: services.update_membership(membership=first, left_on=D(2022, 3, 31)),
        *MEMBERSHIP_ROWS,
    )
    first.refresh_from_db()
    assert first.left_on == D(2021, 6, 30)
