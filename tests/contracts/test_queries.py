from datetime import date
from decimal import Decimal

import pytest

from contracts import queries, services
from roles.standing import SYSTEM
from tests.factories import AgreementBudgetFactory, AgreementFactory, ContractFactory, DecisionFactory
from tests.scenes import adopt, make_award_scene, make_scene

pytestmark = pytest.mark.django_db


def test_policy_in_force_is_the_latest_version_from_that_date():
    scene = make_scene()
    v1 = adopt(scene)
    decision = DecisionFactory(body=scene.body, kind="POLICY", status="AGREED", reference="ALT-2022-001")

    v2 = services.adopt_policy(
        alliance=scene.alliance,
        adopted_by=decision,
        in_force_from=date(2022, 4, 1),
        approving_body=scene.body,
        rules=[],
    )
    assert queries.policy_in_force(scene.alliance, date(2020, 8, 31)) is None
    assert queries.policy_in_force(scene.alliance, date(2022, 3, 31)) == v1
    assert queries.policy_in_force(scene.alliance, date(2022, 4, 1)) == v2


def test_comparison_marks_each_changed_rule():
    scene = make_scene()
    adopt(scene)
    decision = DecisionFactory(body=scene.body, kind="POLICY", status="AGREED", reference="ALT-2022-001")

    services.adopt_policy(
        alliance=scene.alliance,
        adopted_by=decision,
        in_force_from=date(2022, 4, 1),
        approving_body=scene.body,
        rules=[{"route": "DIRECT_AWARD", "max_value": "750000", "justification_must_cover": ["value for money"]}],
    )
    versions = queries.policy_versions(scene.alliance)
    assert versions[0]["previous"] is None
    direct = next(g for g in versions[1]["comparison"] if g["route"] == "DIRECT_AWARD")
    changed = {r["label"]: (r["old"], r["new"]) for r in direct["rows"] if r["changed"]}
    assert changed["Highest total value"] == ("£500,000.00", "£750,000.00")
    assert changed["Justification must cover"] == ("value for money, why this member", "value for money")
    mini = next(g for g in versions[1]["comparison"] if g["route"] == "MINI_COMPETITION")
    assert {r["label"]: r["new"] for r in mini["rows"]}["Allowed"] == "no"


def test_financial_year_runs_april_to_march():
    assert queries.financial_year(date(2022, 3, 31)) == 2021
    assert queries.financial_year(date(2022, 4, 1)) == 2022


def test_budget_counts_in_scope_contracts_for_the_share_of_the_year_they_run():
    scene = make_scene()
    agreement = AgreementFactory(alliance=scene.alliance)
    AgreementBudgetFactory(agreement=agreement, financial_year=2021, amount=Decimal("1000000.00"))
    ContractFactory(
        alliance=scene.alliance, annual_value=Decimal("365000"), starts_on=date(2021, 4, 1), ends_on=date(2022, 3, 31)
    )
    ContractFactory(
        alliance=scene.alliance, annual_value=Decimal("365000"), starts_on=date(2021, 10, 1), ends_on=date(2022, 3, 31)
    )
    ContractFactory(
        alliance=scene.alliance,
        annual_value=Decimal("100000"),
        in_scope=False,
        starts_on=date(2021, 4, 1),
        ends_on=date(2022, 3, 31),
    )
    year = {y["financial_year"]: y for y in queries.budget_by_year(scene.alliance)}[2021]
    assert year["committed"] == Decimal("365000.00") + Decimal("182000.00")
    assert year["retained"] == Decimal("100000.00")
    assert year["headroom"] == Decimal("1000000.00") - year["committed"]
    assert year["contracts"] == 3


def test_extension_keeps_the_value_committed_for_earlier_years():
    s = make_award_scene()
    contract = ContractFactory(
        alliance=s.alliance,
        provider=s.members[0].organisation,
        annual_value=Decimal("100000"),
        starts_on=date(2019, 4, 1),
        ends_on=date(2021, 3, 31),
        extension_until=date(2023, 3, 31),
    )
    before = {y["financial_year"]: y["committed"] for y in queries.budget_by_year(s.alliance)}
    process, _ = s.recommended()
    s.approve(process)
    services.transition(actor=SYSTEM, process=process, to_stage="APPROVED")
    services.transition(
        actor=SYSTEM,
        process=process,
        to_stage="CONTRACTED",
        extends=contract,
        ends_on=date(2023, 3, 31),
        annual_value="150000",
    )
    after = {y["financial_year"]: y["committed"] for y in queries.budget_by_year(s.alliance)}
    assert after[2019] == before[2019] == Decimal("100000.00")
    assert after[2020] == before[2020] == Decimal("100000.00")
    assert (after[2021], after[2022]) == (Decimal("150000.00"), Decimal("150000.00"))
    terms = [(t.starts_on, t.annual_value, t.awarded_through) for t in contract.terms.order_by("starts_on")]
    assert terms == [(date(2019, 4, 1), Decimal("100000.00"), None), (date(2021, 4, 1), Decimal("150000.00"), process)]


def test_terminated_contract_counts_in_the_years_it_ran():
    scene = make_scene()
    ContractFactory(
        alliance=scene.alliance,
        annual_value=Decimal("200000"),
        starts_on=date(2019, 4, 1),
        ends_on=date(2020, 3, 31),
        status="TERMINATED",
    )
    years = {y["financial_year"]: y for y in queries.budget_by_year(scene.alliance)}
    assert years[2019]["committed"] == Decimal("200000.00")
    assert years[2019]["contracts"] == 1
    assert 2020 not in years
