"""Oversight's delivery view (issue 21's "Done when"): the page and the API answer, for an oversight member,
what was to be delivered by when and what slipped, how each service performs against its measures, what
is in and out of scope and the savings target against what was delivered, and which contracts end within
the notice period without a decision; each through the one read rule, in a fixed number of queries."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from alliance.models import ReadLogEntry
from decisions.models import Decision
from tests.contracts.query_scene import oversight_user
from tests.factories import (
    AllianceFactory,
    BudgetEnvelopeFactory,
    ContractFactory,
    MeasureFactory,
    MeasureReturnFactory,
    MilestoneFactory,
    OversightQueryFactory,
    SavingsRecordFactory,
    ServiceLineFactory,
    WorkstreamFactory,
)
from tests.helpers import token_client, viewer_of

pytestmark = pytest.mark.django_db

PAGE = "/alliances/{slug}/oversight/delivery/"
API = "/api/v1/delivery-overview/"
ON = date(2023, 9, 20)


def delivery_scene(alliance, *, tag=""):
    """One alliance's delivery records as of ``ON``: a slipped milestone, a measure off target, a line in scope
    and one retained, an envelope with a saving, a contract in its notice period, an overdue query."""
    workstream = WorkstreamFactory(alliance=alliance, title=f"Outreach redesign{tag}")
    MilestoneFactory(
        workstream=workstream,
        title=f"Redesigned specification agreed{tag}",
        baseline_target_on=date(2022, 3, 31),
        target_on=date(2023, 3, 31),
        rag="red",
        rag_reason="Consultation with people using services took longer",
    )
    MilestoneFactory(
        workstream=workstream,
        title=f"Engagement plan{tag}",
        baseline_target_on=date(2021, 12, 31),
        target_on=date(2021, 12, 31),
        actual_on=date(2021, 12, 15),
        rag="complete",
    )
    measure = MeasureFactory(
        alliance=alliance, name=f"People moved on from the hub{tag}", target=Decimal("100"), frequency="annual"
    )
    MeasureReturnFactory(
        measure=measure,
        period_start=date(2021, 4, 1),
        period_end=date(2022, 3, 31),
        due_on=date(2022, 4, 20),
        value=Decimal("64"),
        submitted_on=date(2022, 4, 18),
    )
    line = ServiceLineFactory(alliance=alliance, name=f"Street outreach{tag}", annual_value=Decimal("900000"))
    ServiceLineFactory(
        alliance=alliance,
        name=f"Bed-and-breakfast budget{tag}",
        in_scope=False,
        retention_reason="Kept by the partnership as its statutory duty",
    )
    BudgetEnvelopeFactory(alliance=alliance, baseline_year=2021)
    SavingsRecordFactory(service_line=line, financial_year=2022, amount=Decimal("120000"))
    ContractFactory(
        alliance=alliance,
        title=f"Night shelter{tag}",
        service_line=line,
        starts_on=date(2021, 4, 1),
        ends_on=date(2024, 3, 31),
        extension_until=None,
    )
    OversightQueryFactory(
        alliance=alliance,
        subject=f"Performance behind the extension{tag}",
        raised_on=date(2023, 7, 1),
        due_on=date(2023, 8, 1),
    )
    return workstream


@pytest.fixture
def alliances():
    mine = AllianceFactory(slug="dunmarrow", name="Dunmarrow Homelessness Alliance")
    other = AllianceFactory(slug="elsewhere", name="Elsewhere Alliance")
    delivery_scene(mine)
    delivery_scene(other, tag=" CANARY-OTHER")
    return mine, other


def _page(client, alliance, on=ON):
    return client.get(PAGE.format(slug=alliance.slug), {"on": on.isoformat()})


def test_oversight_reads_the_four_answers_on_one_page(client, alliances):
    mine, _ = alliances
    client.force_login(oversight_user(mine))
    response = _page(client, mine)
    page = response.content.decode()
    assert response.status_code == 200
    # What was to be delivered by when and what slipped: 538 days from baseline to today (open), red, why.
    assert "Redesigned specification agreed" in page and "Consultation with people using services" in page
    assert ">538<" in page
    # How each service performs against its measures.
    assert "People moved on from the hub" in page and "off target" in page
    # In scope and retained, and the savings target against what was delivered.
    assert "Street outreach" in page and "Bed-and-breakfast budget" in page and "statutory duty" in page
    assert "Savings required against delivered" in page
    # Contracts ending within the notice period without a decision.
    assert "Night shelter" in page
    # Oversight's queries.
    assert "Performance behind the extension" in page and "days overdue" in page
    assert "CANARY-OTHER" not in page


def test_a_confidential_workstream_is_shown_to_oversight_and_logged_never_to_a_viewer(client, alliances):
    mine, _ = alliances
    secret = WorkstreamFactory(alliance=mine, title="Secret retendering", visibility=Decision.Visibility.CONFIDENTIAL)
    MilestoneFactory(workstream=secret, title="Secret milestone")
    client.force_login(viewer_of(mine))
    assert "Secret retendering" not in _page(client, mine).content.decode()
    assert not ReadLogEntry.objects.exists()
    client.force_login(oversight_user(mine))
    assert "Secret retendering" in _page(client, mine).content.decode()
    entry = ReadLogEntry.objects.get()
    assert entry.rows == 1 and "delivery oversight" in entry.description


def test_another_alliances_delivery_view_is_not_found(client, alliances):
    mine, other = alliances
    client.force_login(oversight_user(mine))
    assert client.get(PAGE.format(slug=other.slug)).status_code == 404


def test_a_bad_date_says_how_to_write_one(client, alliances):
    mine, _ = alliances
    client.force_login(oversight_user(mine))
    response = client.get(PAGE.format(slug=mine.slug), {"on": "last tuesday"})
    assert response.status_code == 200 and "is not a date; use the form YYYY-MM-DD" in response.content.decode()


def test_the_page_reads_in_a_fixed_number_of_queries(client, alliances, django_assert_max_num_queries):
    mine, _ = alliances
    client.force_login(oversight_user(mine))
    _page(client, mine)
    with django_assert_max_num_queries(40) as small:
        _page(client, mine)
    for n in range(4):
        delivery_scene(mine, tag=f" {n}")
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert _page(client, mine).status_code == 200


class TestApi:
    def test_the_api_answers_as_the_page_does(self, alliances):
        mine, _ = alliances
        api = token_client(oversight_user(mine))
        body = api.get(API, {"alliance": mine.slug, "on": ON.isoformat()}).json()
        assert body["on"] == "2023-09-20"
        milestones = {m["title"]: m for w in body["delivery"]["workstreams"] for m in w["milestones"]}
        slipped = milestones["Redesigned specification agreed"]
        assert (slipped["slippage_days"], slipped["rag"], slipped["baseline_target_on"]) == (538, "red", "2022-03-31")
        assert body["delivery"]["totals"]["slipped"] == 1
        measures = [m for s in body["performance"] for m in s["measures"]]
        assert [(m["name"], m["latest_value"], m["target"]) for m in measures] == [
            ("People moved on from the hub", "64.00", "100.00")
        ]
        assert [line["name"] for line in body["scope"]["retained"]] == ["Bed-and-breakfast budget"]
        assert body["scope"]["envelope"]["annual_reduction_percent"] == "5.00"
        assert [c["title"] for c in body["contracts_in_notice"]] == ["Night shelter"]
        assert body["queries"]["counts"] == {"overdue": 1, "open": 0}
        assert "CANARY-OTHER" not in str(body)

    def test_without_an_alliance_it_says_how_to_name_one(self, alliances):
        response = token_client(oversight_user(alliances[0])).get(API)
        assert response.status_code == 400 and "?alliance=<slug>" in str(response.json())

    def test_a_bad_date_is_refused_with_its_format(self, alliances):
        mine, _ = alliances
        response = token_client(oversight_user(mine)).get(API, {"alliance": mine.slug, "on": "2023-13-01"})
        assert response.status_code == 400
        assert response.json()["field"] == "on" and "YYYY-MM-DD" in response.json()["detail"]

    def test_another_alliance_answers_not_found(self, alliances):
        mine, other = alliances
        assert token_client(oversight_user(mine)).get(API, {"alliance": other.slug}).status_code == 404

    def test_today_by_default(self, alliances):
        mine, _ = alliances
        body = token_client(viewer_of(mine)).get(API, {"alliance": mine.slug}).json()
        assert body["on"] == timezone.localdate().isoformat()
        assert date.fromisoformat(body["on"]) - timedelta(days=1) < timezone.localdate()
