"""The award web pages that list rows read them in a fixed number of queries, however many rows."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contracts import services
from contracts.models import ContractTerm
from tests.factories import AgreementBudgetFactory, AgreementFactory, ContractFactory, DecisionFactory
from tests.helpers import viewer_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def viewer(award):
    return viewer_of(award.alliance)


@pytest.fixture
def logged_in(client, viewer):
    client.force_login(viewer)
    return client


def add_contracts(award, count):
    for i in range(count):
        contract = ContractFactory(alliance=award.alliance, annual_value=Decimal(100000 + i), in_scope=i % 3 != 0)
        ContractTerm.objects.create(
            contract=contract,
            starts_on=contract.starts_on,
            ends_on=contract.ends_on,
            annual_value=contract.annual_value,
        )


def add_policies(award, count):
    start = award.alliance.award_policies.count()
    for i in range(start, start + count):
        decision = DecisionFactory(body=award.scene.body, kind="POLICY", status="AGREED", reference=f"ALT-2022-{i:03d}")
        services.adopt_policy(
            alliance=award.alliance,
            adopted_by=decision,
            in_force_from=date(2022, 4, 1) + timedelta(days=i),
            approving_body=award.scene.body,
            rules=[{"route": "DIRECT_AWARD", "max_value": str(500000 + i * 1000)}],
        )


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    ("url", "add"),
    [
        ("/alliances/dunmarrow/contracts/?on=2022-01-01", add_contracts),
        ("/alliances/dunmarrow/budget/", add_contracts),
        ("/alliances/dunmarrow/award-policy/?on=2022-05-01", add_policies),
    ],
)
def test_award_page_query_count_does_not_grow_with_rows(award, logged_in, url, add, django_assert_max_num_queries):
    agreement = AgreementFactory(alliance=award.alliance)
    for year in range(2021, 2025):
        AgreementBudgetFactory(agreement=agreement, financial_year=year, amount="24600000.00")
    add(award, 2)
    few = queries_for(logged_in, url)
    add(award, 25)
    with django_assert_max_num_queries(few):
        assert logged_in.get(url).status_code == 200
