"""Scope and money's rules (contracts.services.scope): each allowed case, each refusal, and that a refusal
writes nothing; and the queries the pages and the oversight view read."""

from datetime import date
from decimal import Decimal

import pytest

from contracts.models import Contract, ContractTerm
from contracts.queries import budget_by_year
from contracts.queries_scope import savings_by_year, scope_and_savings, unrecorded_in_scope_lines
from contracts.scope_models import BudgetEnvelope, SavingsRecord, ServiceLine
from contracts.services import scope as services
from decisions.models import Decision
from roles.access import access_for
from roles.standing import SYSTEM
from tests.factories import (
    AllianceFactory,
    BudgetEnvelopeFactory,
    DecisionFactory,
    OrganisationFactory,
    ServiceLineFactory,
    UserFactory,
)
from tests.helpers import refused, viewer_of

pytestmark = pytest.mark.django_db
ON = date(2023, 9, 20)


@pytest.fixture
def keeper(scene):
    scene.secretary.user = UserFactory(username="secretary")
    scene.secretary.save()
    return access_for(scene.secretary.user)


@pytest.fixture
def agreed(scene):
    return DecisionFactory(
        body=scene.body, status=Decision.Status.AGREED, reference="ALT-2021-001", decided_on=date(2021, 2, 8)
    )


def line_fields(scene, agreed, **fields):
    return {
        "alliance": scene.alliance,
        "name": "Day services",
        "annual_value": "1650000",
        "changed_by": agreed,
        **fields,
    }


# Service lines ---------------------------------------------------------------------------------


def test_secretary_records_a_line_in_scope_by_an_agreed_decision(keeper, scene, agreed):
    line = services.record_service_line(actor=keeper, **line_fields(scene, agreed))
    assert line.in_scope and line.changed_by == agreed and line.annual_value == Decimal("1650000.00")
    assert line.history.first().history_change_reason == "Recorded by ALT-2021-001"


def test_a_retained_line_needs_the_reason_for_retention(keeper, scene, agreed):
    error = refused(
        "service_line_retention_reason_required",
        services.record_service_line,
        ServiceLine,
        actor=keeper,
        **line_fields(scene, agreed, in_scope=False),
    )
    assert "reason for retention" in error.message
    line = services.record_service_line(
        actor=keeper, **line_fields(scene, agreed, in_scope=False, retention_reason="Statutory duty.")
    )
    assert not line.in_scope and line.retention_reason == "Statutory duty."


def test_a_line_needs_a_decision(keeper, scene):
    refused(
        "scope_decision_required", services.record_service_line, ServiceLine, actor=keeper, **line_fields(scene, None)
    )


@pytest.mark.parametrize("status", ["DRAFT", "OPEN", "NOT_AGREED", "WITHDRAWN"])
def test_a_decision_not_agreed_is_refused(keeper, scene, status):
    decision = DecisionFactory(body=scene.body, status=status)
    error = refused(
        "scope_decision_not_agreed",
        services.record_service_line,
        ServiceLine,
        actor=keeper,
        **line_fields(scene, decision),
    )
    assert "not agreed" in error.message


def test_a_decision_of_another_alliance_is_refused(keeper, scene):
    other = DecisionFactory(status=Decision.Status.AGREED, reference="ALT-2021-009", decided_on=date(2021, 1, 1))
    error = refused(
        "scope_decision_other_alliance",
        services.record_service_line,
        ServiceLine,
        actor=keeper,
        **line_fields(scene, other),
    )
    assert "ALT-2021-009" not in error.message


def test_a_viewer_may_not_record_a_line(scene, agreed):
    reader = access_for(viewer_of(scene.alliance))
    refused("not_permitted", services.record_service_line, ServiceLine, actor=reader, **line_fields(scene, agreed))


def test_a_name_is_needed_and_unique(keeper, scene, agreed):
    refused(
        "service_line_name_required",
        services.record_service_line,
        ServiceLine,
        actor=keeper,
        **line_fields(scene, agreed, name=" "),
    )
    services.record_service_line(actor=keeper, **line_fields(scene, agreed))
    refused(
        "service_line_name_taken",
        services.record_service_line,
        ServiceLine,
        actor=keeper,
        **line_fields(scene, agreed, name="day SERVICES"),
    )


def test_a_negative_value_is_refused(keeper, scene, agreed):
    refused(
        "money_negative",
        services.record_service_line,
        ServiceLine,
        actor=keeper,
        **line_fields(scene, agreed, annual_value="-1"),
    )


def test_a_change_by_a_decision_keeps_each_version(keeper, scene, agreed):
    line = services.record_service_line(actor=keeper, **line_fields(scene, agreed))
    later = DecisionFactory(body=scene.body, status="AGREED", reference="ALT-2022-007", decided_on=date(2022, 11, 14))
    services.change_service_line(actor=keeper, service_line=line, changed_by=later, annual_value="1500000")
    line.refresh_from_db()
    assert line.annual_value == Decimal("1500000.00") and line.changed_by == later
    assert [h.annual_value for h in line.history.order_by("history_id")] == [
        Decimal("1650000.00"),
        Decimal("1500000.00"),
    ]


def test_a_change_without_an_agreed_decision_is_refused(keeper, scene, agreed):
    line = services.record_service_line(actor=keeper, **line_fields(scene, agreed))
    draft = DecisionFactory(body=scene.body, status="DRAFT")
    for decision, code in ((None, "scope_decision_required"), (draft, "scope_decision_not_agreed")):
        refused(
            code,
            services.change_service_line,
            ServiceLine,
            actor=keeper,
            service_line=line,
            changed_by=decision,
            annual_value="1",
        )


def test_a_change_that_changes_nothing_is_refused(keeper, scene, agreed):
    line = services.record_service_line(actor=keeper, **line_fields(scene, agreed))
    refused(
        "service_line_unchanged",
        services.change_service_line,
        ServiceLine,
        actor=keeper,
        service_line=line,
        changed_by=agreed,
        annual_value="1650000",
    )


def test_retaining_a_line_moves_its_contracts_out_of_the_budget(keeper, scene, agreed):
    line = services.record_service_line(actor=keeper, **line_fields(scene, agreed))
    contract = services.record_purchased_contract(
        actor=keeper,
        service_line=line,
        title="Day centre",
        provider=scene.members[0].organisation,
        annual_value="1200000",
        starts_on=date(2021, 4, 1),
        ends_on=date(2022, 3, 31),
    )
    refused(
        "service_line_retention_reason_required",
        services.change_service_line,
        ServiceLine,
        Contract,
        actor=keeper,
        service_line=line,
        changed_by=agreed,
        in_scope=False,
    )
    services.change_service_line(
        actor=keeper, service_line=line, changed_by=agreed, in_scope=False, retention_reason="Kept."
    )
    contract.refresh_from_db()
    assert not contract.in_scope
    year = next(y for y in budget_by_year(scene.alliance) if y["financial_year"] == 2021)
    assert year["committed"] == 0 and year["retained"] == Decimal("1200000.00")


# Contracts of a line ----------------------------------------------------------------------------


def test_a_purchased_contract_counts_in_the_budget_and_clears_the_warning(keeper, scene, agreed):
    line = services.record_service_line(actor=keeper, **line_fields(scene, agreed))
    assert unrecorded_in_scope_lines(scene.alliance, SYSTEM) == [line]
    services.record_purchased_contract(
        actor=keeper,
        service_line=line,
        title="Day centre",
        provider=scene.members[0].organisation,
        annual_value="1200000",
        starts_on=date(2021, 4, 1),
        ends_on=date(2025, 3, 31),
    )
    assert unrecorded_in_scope_lines(scene.alliance, SYSTEM) == []
    year = next(y for y in budget_by_year(scene.alliance) if y["financial_year"] == 2022)
    assert year["committed"] == Decimal("1200000.00")
    assert ContractTerm.objects.get().annual_value == Decimal("1200000.00")


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"title": ""}, "contract_title_required"),
        ({"provider": None}, "contract_provider_required"),
        ({"starts_on": None}, "contract_start_required"),
        ({"ends_on": None}, "contract_end_required"),
        ({"ends_on": date(2020, 1, 1)}, "contract_term_order"),
        ({"extension_until": date(2021, 5, 1)}, "contract_extension_order"),
        ({"annual_value": "x"}, "money_invalid"),
    ],
)
def test_a_purchased_contract_refuses_bad_input(keeper, scene, agreed, fields, code):
    line = services.record_service_line(actor=keeper, **line_fields(scene, agreed))
    values = {
        "title": "Day centre",
        "provider": scene.members[0].organisation,
        "annual_value": "1",
        "starts_on": date(2021, 4, 1),
        "ends_on": date(2022, 3, 31),
        **fields,
    }
    refused(code, services.record_purchased_contract, Contract, ContractTerm, actor=keeper, service_line=line, **values)


def test_linking_a_contract_on_the_other_side_of_the_scope_is_refused(keeper, scene, agreed):
    line = services.record_service_line(
        actor=keeper, **line_fields(scene, agreed, in_scope=False, retention_reason="Kept.")
    )
    inside = services.record_service_line(actor=keeper, **line_fields(scene, agreed, name="Outreach"))
    contract = services.record_purchased_contract(
        actor=keeper,
        service_line=inside,
        title="Outreach",
        provider=scene.members[0].organisation,
        annual_value="1",
        starts_on=date(2021, 4, 1),
        ends_on=date(2022, 3, 31),
    )
    refused(
        "contract_scope_mismatch",
        services.link_contract_to_service_line,
        Contract,
        actor=keeper,
        contract=contract,
        service_line=line,
    )
    refused(
        "contract_line_unchanged",
        services.link_contract_to_service_line,
        Contract,
        actor=keeper,
        contract=contract,
        service_line=inside,
    )
    other = ServiceLineFactory()
    refused(
        "service_line_other_alliance",
        services.link_contract_to_service_line,
        Contract,
        actor=keeper,
        contract=contract,
        service_line=other,
    )


# The envelope ------------------------------------------------------------------------------------


def envelope_fields(scene, agreed, **fields):
    return {
        "alliance": scene.alliance,
        "set_by": scene.alliance.commissioner,
        "set_by_decision": agreed,
        "baseline_year": 2021,
        "baseline_amount": "24600000",
        "years": 6,
        **fields,
    }


def test_the_commissioner_sets_the_envelope_by_an_agreed_decision(keeper, scene, agreed):
    envelope = services.set_budget_envelope(actor=keeper, **envelope_fields(scene, agreed))
    assert envelope.set_on == agreed.decided_on and envelope.annual_reduction_percent == Decimal("5.00")
    assert [envelope.amount_for(n) for n in (1, 2, 3)] == [
        Decimal("24600000.00"),
        Decimal("23370000.00"),
        Decimal("22201500.00"),
    ]


def test_the_envelope_is_set_only_by_the_commissioner(keeper, scene, agreed):
    error = refused(
        "envelope_not_commissioner",
        services.set_budget_envelope,
        BudgetEnvelope,
        actor=keeper,
        **envelope_fields(scene, agreed, set_by=OrganisationFactory()),
    )
    assert str(scene.alliance.commissioner) in error.message


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"set_by_decision": None}, "scope_decision_required"),
        ({"baseline_year": 1999}, "envelope_number_range"),
        ({"years": "many"}, "envelope_number_invalid"),
        ({"reduction_from_year": 7}, "envelope_reduction_after_end"),
        ({"annual_reduction_percent": "101"}, "envelope_percent_range"),
        ({"annual_reduction_percent": "five"}, "envelope_percent_invalid"),
        ({"set_on": date(2021, 1, 1)}, "envelope_before_decision"),
        ({"baseline_amount": "-5"}, "money_negative"),
    ],
)
def test_the_envelope_refuses_bad_input(keeper, scene, agreed, fields, code):
    refused(
        code, services.set_budget_envelope, BudgetEnvelope, actor=keeper, **envelope_fields(scene, agreed, **fields)
    )


def test_the_envelope_refuses_a_decision_not_agreed(keeper, scene):
    decision = DecisionFactory(body=scene.body, status="NOT_AGREED")
    refused(
        "scope_decision_not_agreed",
        services.set_budget_envelope,
        BudgetEnvelope,
        actor=keeper,
        **envelope_fields(scene, decision),
    )


# Savings -----------------------------------------------------------------------------------------


@pytest.fixture
def line(keeper, scene, agreed):
    services.set_budget_envelope(actor=keeper, **envelope_fields(scene, agreed))
    return services.record_service_line(actor=keeper, **line_fields(scene, agreed))


def test_savings_are_recorded_per_year_line_and_member(keeper, scene, line):
    member = scene.members[0].organisation
    record = services.record_savings(
        actor=keeper, service_line=line, financial_year=2022, amount="950000", member=member
    )
    assert record.recorded_by == keeper.user and record.member == member


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"financial_year": 2020}, "savings_year_outside_envelope"),
        ({"financial_year": 2027}, "savings_year_outside_envelope"),
        ({"amount": "0"}, "savings_zero"),
        ({"amount": "-3"}, "money_negative"),
    ],
)
def test_savings_refuse_bad_input(keeper, line, fields, code):
    values = {"financial_year": 2022, "amount": "1000", **fields}
    refused(code, services.record_savings, SavingsRecord, actor=keeper, service_line=line, **values)


def test_savings_by_someone_not_a_member_are_refused(keeper, line):
    refused(
        "savings_member_not_member",
        services.record_savings,
        SavingsRecord,
        actor=keeper,
        service_line=line,
        financial_year=2022,
        amount="1",
        member=OrganisationFactory(),
    )


def test_savings_need_an_envelope(keeper, scene, agreed):
    line = services.record_service_line(actor=keeper, **line_fields(scene, agreed))
    refused(
        "savings_without_envelope",
        services.record_savings,
        SavingsRecord,
        actor=keeper,
        service_line=line,
        financial_year=2022,
        amount="1",
    )


def test_savings_with_a_decision_not_agreed_are_refused(keeper, scene, line):
    draft = DecisionFactory(body=scene.body, status="DRAFT")
    refused(
        "scope_decision_not_agreed",
        services.record_savings,
        SavingsRecord,
        actor=keeper,
        service_line=line,
        financial_year=2022,
        amount="1",
        decision=draft,
    )


def test_a_viewer_may_not_record_savings(scene, line):
    reader = access_for(viewer_of(scene.alliance))
    refused(
        "not_permitted",
        services.record_savings,
        SavingsRecord,
        actor=reader,
        service_line=line,
        financial_year=2022,
        amount="1",
    )


# Queries -----------------------------------------------------------------------------------------


def test_savings_required_against_the_baseline_against_delivered_with_a_shortfall(keeper, scene, line):
    services.record_savings(actor=keeper, service_line=line, financial_year=2022, amount="950000")
    rows = {r["financial_year"]: r for r in savings_by_year(scene.alliance, SYSTEM, ON)}
    assert rows[2021]["required"] == 0 and rows[2021]["shortfall"] == 0
    assert rows[2022]["required"] == Decimal("1230000.00") and rows[2022]["new_this_year"] == Decimal("1230000.00")
    assert rows[2022]["delivered"] == Decimal("950000.00") and rows[2022]["shortfall"] == Decimal("280000.00")
    assert rows[2023]["required"] == Decimal("2398500.00") and rows[2023]["new_this_year"] == Decimal("1168500.00")
    assert rows[2024]["to_come"] and rows[2024]["shortfall"] is None


def test_scope_and_savings_answers_the_oversight_question(keeper, scene, agreed, line):
    services.record_service_line(
        actor=keeper, **line_fields(scene, agreed, name="B&B", in_scope=False, retention_reason="Demand-led.")
    )
    services.record_savings(actor=keeper, service_line=line, financial_year=2022, amount="950000")
    answer = scope_and_savings(scene.alliance, SYSTEM, ON)
    assert [x["name"] for x in answer["in_scope"]] == ["Day services"]
    assert [(x["name"], x["retention_reason"]) for x in answer["retained"]] == [("B&B", "Demand-led.")]
    assert answer["unrecorded"] == ["Day services"]
    assert answer["envelope"]["annual_reduction_percent"] == Decimal("5.00")
    assert answer["required_total"] == Decimal("3628500.00") and answer["delivered_total"] == Decimal("950000.00")
    assert answer["shortfall_total"] == Decimal("2678500.00")


def test_queries_read_through_the_read_rule(scene):
    other = AllianceFactory()
    ServiceLineFactory(alliance=other, name="CANARY line")
    BudgetEnvelopeFactory(alliance=other)
    reader = access_for(viewer_of(scene.alliance))
    assert scope_and_savings(other, reader, ON)["in_scope"] == []
    assert savings_by_year(other, reader, ON) == []
