"""Scope and money's pages: the register, a line, the envelope and savings with its chart's table, the
downloads, the budget page's warning, and the secretaries' forms (refusals shown in the form's words)."""

from datetime import date
from io import BytesIO

import pytest
from openpyxl import load_workbook

from contracts.scope_models import BudgetEnvelope, SavingsRecord, ServiceLine
from contracts.services import scope as services
from decisions.models import Decision
from roles.standing import SYSTEM
from tests.factories import AllianceFactory, DecisionFactory, ServiceLineFactory
from tests.helpers import rows, viewer_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def agreed(scene):
    return DecisionFactory(
        body=scene.body, status=Decision.Status.AGREED, reference="ALT-2021-001", decided_on=date(2021, 2, 8)
    )


@pytest.fixture
def money(scene, agreed):
    inside = services.record_service_line(
        actor=SYSTEM, alliance=scene.alliance, name="Day services", annual_value="1650000", changed_by=agreed
    )
    services.record_service_line(
        actor=SYSTEM, alliance=scene.alliance, name="Bed-and-breakfast budget", annual_value="2100000",
        in_scope=False, retention_reason="Demand-led budget.", changed_by=agreed,
    )  # fmt: skip
    services.set_budget_envelope(
        actor=SYSTEM, alliance=scene.alliance, set_by=scene.alliance.commissioner, set_by_decision=agreed,
        baseline_year=2021, baseline_amount="24600000", years=6,
    )  # fmt: skip
    services.record_savings(
        actor=SYSTEM, service_line=inside, financial_year=2022, amount="950000", member=scene.members[0].organisation
    )
    return inside


@pytest.fixture
def reader(client, scene):
    client.force_login(viewer_of(scene.alliance))
    return client


def url(scene, tail=""):
    return f"/alliances/{scene.alliance.slug}/{tail}"


def test_register_shows_in_scope_against_retained_with_totals(reader, scene, money):
    page = reader.get(url(scene, "scope/")).content.decode()
    assert "Day services" in page and "Bed-and-breakfast budget" in page and "Demand-led budget." in page
    assert "£1,650,000" in page and "£2,100,000" in page and "£3,750,000" in page
    assert "none recorded" in page
    assert "Add a service line" not in page  # a viewer keeps nothing


def test_register_query_count_is_fixed(reader, scene, agreed, django_assert_max_num_queries):
    for n in range(30):
        services.record_service_line(
            actor=SYSTEM, alliance=scene.alliance, name=f"Line {n}", annual_value="1", changed_by=agreed
        )
    with django_assert_max_num_queries(25):
        assert reader.get(url(scene, "scope/")).status_code == 200


def test_line_page_shows_contracts_and_history(reader, scene, money, agreed):
    services.record_purchased_contract(
        actor=SYSTEM, service_line=money, title="Day centre", provider=scene.members[0].organisation,
        annual_value="1200000", starts_on=date(2021, 4, 1), ends_on=date(2025, 3, 31),
    )  # fmt: skip
    services.change_service_line(actor=SYSTEM, service_line=money, changed_by=agreed, annual_value="1500000")
    page = reader.get(money.get_absolute_url()).content.decode()
    assert "Day centre" in page and "recorded purchase" in page
    assert "History" in page and "Changed by ALT-2021-001" in page


def test_envelope_page_has_the_chart_and_its_table(reader, scene, money):
    page = reader.get(url(scene, "scope/envelope/")).content.decode()
    assert 'data-chart="envelope"' in page and 'data-chart="savings"' in page and 'id="chart-data"' in page
    assert "against the baseline" in page
    assert "£1,230,000.00" in page and "£950,000.00" in page and "£280,000.00" in page  # required, delivered, short
    assert scene.members[0].organisation.name in page


def test_downloads(reader, scene, money):
    text = b"".join(reader.get(url(scene, "scope/register.csv")).streaming_content).decode()
    assert "Bed-and-breakfast budget,retained,Demand-led budget." in text
    text = b"".join(reader.get(url(scene, "scope/envelope/savings.csv")).streaming_content).decode()
    assert "2022/23,23370000.00" in text and ",280000.00" in text
    book = load_workbook(BytesIO(reader.get(url(scene, "scope/envelope/savings.xlsx")).content))
    assert book.sheetnames == ["Envelope and savings", "Savings delivered", "Filters"]
    book = load_workbook(BytesIO(reader.get(url(scene, "scope/register.xlsx")).content))
    assert [c.value for c in book["Service lines"][1]][:3] == ["id", "name", "scope"]


def test_budget_page_warns_of_in_scope_lines_without_a_contract(reader, scene, money):
    page = reader.get(url(scene, "budget/")).content.decode()
    assert "unrecorded-lines" in page and "Day services" in page
    assert "Bed-and-breakfast budget" not in page  # retained: not the alliance's to contract
    services.record_purchased_contract(
        actor=SYSTEM, service_line=money, title="Day centre", provider=scene.members[0].organisation,
        annual_value="1200000", starts_on=date(2021, 4, 1), ends_on=date(2025, 3, 31),
    )  # fmt: skip
    assert "unrecorded-lines" not in reader.get(url(scene, "budget/")).content.decode()


def test_another_alliances_line_is_not_found(reader, scene):
    other = ServiceLineFactory(alliance=AllianceFactory(), name="CANARY line")
    assert reader.get(url(scene, f"scope/lines/{other.pk}/")).status_code == 404
    assert "CANARY" not in reader.get(url(scene, "scope/")).content.decode()


def test_viewer_is_refused_the_forms(reader, scene):
    assert reader.get(url(scene, "scope/lines/new/")).status_code == 403


def test_secretary_adds_a_line(secretary, scene, agreed):
    response = secretary.post(
        url(scene, "scope/lines/new/"),
        {"name": "Street outreach", "in_scope": "True", "annual_value": "1200000", "changed_by": agreed.pk},
    )
    line = ServiceLine.objects.get(name="Street outreach")
    assert response.status_code == 302 and response["Location"] == line.get_absolute_url()


def test_a_retained_line_without_a_reason_is_a_form_error_and_writes_nothing(secretary, scene, agreed):
    before = rows(ServiceLine)
    response = secretary.post(
        url(scene, "scope/lines/new/"),
        {"name": "Out-of-hours", "in_scope": "False", "annual_value": "620000", "changed_by": agreed.pk},
    )
    assert response.status_code == 200 and "Give the reason for retention" in response.content.decode()
    assert rows(ServiceLine) == before


def test_a_change_with_a_decision_not_agreed_is_a_form_error(secretary, scene, money):
    draft = DecisionFactory(body=scene.body, status="DRAFT", title="Draft scope change")
    before = rows(ServiceLine)
    response = secretary.post(
        url(scene, f"scope/lines/{money.pk}/change/"),
        {"name": "Day services", "in_scope": "True", "active": "True", "annual_value": "1", "changed_by": draft.pk},
    )
    assert response.status_code == 200 and "not agreed" in response.content.decode()
    assert rows(ServiceLine) == before


def test_the_envelope_form_refuses_someone_other_than_the_commissioner(secretary, scene, agreed):
    # The commissioner is a member of its alliance (as in the demo), so the form offers it.
    scene.alliance.commissioner = scene.members[1].organisation
    scene.alliance.save()
    before = rows(BudgetEnvelope)
    response = secretary.post(
        url(scene, "scope/envelope/new/"),
        {"set_by": scene.members[0].organisation.pk, "set_by_decision": agreed.pk, "baseline_year": "2021",
         "baseline_amount": "24600000"},
    )  # fmt: skip
    assert response.status_code == 200 and "the alliance&#x27;s commissioner" in response.content.decode()
    assert rows(BudgetEnvelope) == before
    response = secretary.post(
        url(scene, "scope/envelope/new/"),
        {"set_by": scene.alliance.commissioner.pk, "set_by_decision": agreed.pk, "baseline_year": "2021",
         "baseline_amount": "24600000"},
    )  # fmt: skip
    assert response.status_code == 302 and BudgetEnvelope.objects.get().years == 5


def test_the_savings_form_refuses_a_year_outside_the_envelope(secretary, scene, money):
    before = rows(SavingsRecord)
    response = secretary.post(
        url(scene, "scope/savings/new/"), {"service_line": money.pk, "financial_year": "2019", "amount": "10"}
    )
    assert response.status_code == 200 and "record savings in one of its years" in response.content.decode()
    assert rows(SavingsRecord) == before


def test_the_contract_form_records_a_purchased_service(secretary, scene, money):
    response = secretary.post(
        url(scene, f"scope/lines/{money.pk}/contracts/new/"),
        {"title": "Day centre", "provider": scene.members[0].organisation.pk, "annual_value": "1200000",
         "starts_on": "2021-04-01", "ends_on": "2020-03-31"},
    )  # fmt: skip
    assert response.status_code == 200 and "cannot end" in response.content.decode()
    assert not money.contracts.exists()
