"""The delivery plan's pages: the plan (milestones, slippage, red / amber / green, the timeline chart and
its table), a workstream's page, the downloads, and the secretaries' forms with their refusals shown in
the form's words; oversight reads, and is refused the forms."""

from datetime import date
from io import BytesIO

import pytest

from contracts.delivery_models import Milestone, Workstream, WorkstreamContract
from decisions.models import Decision
from roles.models import Role
from tests.factories import (
    ContractFactory,
    DecisionFactory,
    MilestoneFactory,
    RoleAssignmentFactory,
    RoleFactory,
    UserFactory,
    WorkstreamContractFactory,
    WorkstreamFactory,
)
from tests.helpers import rows, viewer_of

pytestmark = pytest.mark.django_db

PLAN = "/alliances/dunmarrow/delivery/"
WATCHED = (Workstream, Milestone, WorkstreamContract)


@pytest.fixture
def reader(client, scene):
    client.force_login(viewer_of(scene.alliance))
    return client


@pytest.fixture
def oversight(client, scene):
    role = RoleFactory(alliance=scene.alliance, title="Oversight member", kind=Role.Kind.OVERSIGHT_MEMBER)
    person = RoleAssignmentFactory(role=role, person__user=UserFactory(username="og")).person
    client.force_login(person.user)
    return client


@pytest.fixture
def workstream(scene):
    workstream = WorkstreamFactory(alliance=scene.alliance, title="Outreach redesign")
    MilestoneFactory(workstream=workstream, title="Options appraisal", baseline_target_on=date(2021, 12, 31),
                     actual_on=date(2022, 2, 14), rag="complete")  # fmt: skip
    late = "Consultation with providers ran late"
    MilestoneFactory(workstream=workstream, title="Service specification", baseline_target_on=date(2022, 3, 31),
                     target_on=date(2022, 9, 30), rag="red", rag_reason=late)  # fmt: skip
    contract = ContractFactory(
        alliance=scene.alliance, title="Street outreach service", extension_until=date(2024, 3, 31)
    )
    WorkstreamContractFactory(workstream=workstream, contract=contract, note="Extended until the redesign")
    return workstream


def test_the_plan_shows_milestones_slippage_rag_and_chart(reader, workstream):
    page = reader.get(PLAN).content.decode()
    assert "Outreach redesign" in page and "Service specification" in page
    assert "badge-rag-red" in page and "Consultation with providers ran late" in page
    assert '<svg class="timeline-chart"' in page and "Milestones: baseline, current target and actual dates" in page
    assert "Street outreach service" in page
    assert "45" in page  # the options appraisal slipped 45 days
    assert "Propose a workstream" not in page  # a viewer keeps no plan


def test_the_workstream_page_shows_contracts_and_history(reader, workstream):
    page = reader.get(workstream.get_absolute_url()).content.decode()
    assert "Street outreach service" in page and "31/03/2024" in page
    assert 'id="history-heading"' in page and "Change the workstream" not in page


def test_downloads_of_the_milestones(reader, workstream):
    response = reader.get(f"{PLAN}milestones.csv")
    text = response.content.decode("utf-8-sig")
    assert response["Content-Type"].startswith("text/csv")
    assert text.startswith("workstream,") and "Service specification" in text and "Red: off track" in text
    from openpyxl import load_workbook

    response = reader.get(f"{PLAN}milestones.xlsx")
    sheet = load_workbook(BytesIO(response.content)).active
    assert [c.value for c in sheet[1]][:3] == ["workstream", "workstream_status", "milestone"]
    assert sheet.max_row == 3


def test_plan_query_count_is_fixed(reader, scene, django_assert_max_num_queries):
    decision = DecisionFactory(body=scene.body, status="AGREED", reference="ALT-2022-001")
    role = scene.secretary.assignments.first().role
    for i in range(12):
        workstream = WorkstreamFactory(alliance=scene.alliance, title=f"Stream {i}", owner_role=role,
                                       changed_by=decision)  # fmt: skip
        MilestoneFactory(workstream=workstream, target_changed_by=decision, rag="amber", rag_reason="Late",
                         rag_set_by=UserFactory())  # fmt: skip
        WorkstreamContractFactory(workstream=workstream)
    with django_assert_max_num_queries(20):
        response = reader.get(PLAN)
    assert response.content.decode().count("Stream ") >= 12


def test_secretary_proposes_a_workstream_through_the_form(secretary, scene):
    response = secretary.post(f"{PLAN}new/", {"title": "Outreach redesign", "objective": "One service.",
                                              "visibility": "MEMBERS"})  # fmt: skip
    workstream = Workstream.objects.get()
    assert response.status_code == 302 and response["Location"] == workstream.get_absolute_url()
    assert workstream.status == "proposed"


def test_adoption_by_a_decision_not_agreed_is_refused_on_the_form(secretary, scene):
    workstream = WorkstreamFactory(alliance=scene.alliance, status="proposed", adopted_by=None)
    draft = DecisionFactory(body=scene.body, status=Decision.Status.OPEN, reference="ALT-2022-008")
    before = rows(*WATCHED)
    response = secretary.post(f"{PLAN}workstreams/{workstream.pk}/adopt/", {"decision": draft.pk})
    assert response.status_code == 200
    assert (
        "ALT-2022-008 is open for votes, not agreed; only an agreed decision can adopt the workstream"
        in response.content.decode()
    )
    assert rows(*WATCHED) == before


def test_amber_without_a_reason_is_refused_on_the_form(secretary, workstream):
    milestone = workstream.milestones.get(title="Service specification")
    before = rows(*WATCHED)
    response = secretary.post(f"{PLAN}milestones/{milestone.pk}/rag/", {"rag": "amber", "reason": ""})
    assert response.status_code == 200 and "give the reason for the status" in response.content.decode()
    assert rows(*WATCHED) == before
    response = secretary.post(f"{PLAN}milestones/{milestone.pk}/rag/", {"rag": "amber", "reason": "Recovering"})
    assert response.status_code == 302
    milestone.refresh_from_db()
    assert (milestone.rag, milestone.rag_set_by.username) == ("amber", "secretary")


def test_moving_a_target_without_a_decision_is_refused_on_the_form(secretary, workstream):
    milestone = workstream.milestones.get(title="Service specification")
    before = rows(*WATCHED)
    response = secretary.post(f"{PLAN}milestones/{milestone.pk}/target/", {"target_on": "2023-03-31"})
    assert "Choose the agreed decision" in response.content.decode() and rows(*WATCHED) == before


def test_secretary_adds_links_and_unlinks_through_the_forms(secretary, scene, workstream):
    response = secretary.post(f"{PLAN}workstreams/{workstream.pk}/milestones/new/",
                              {"title": "Go live", "baseline_target_on": "2023-04-01"})  # fmt: skip
    assert response.status_code == 302 and workstream.milestones.filter(title="Go live").exists()
    contract = ContractFactory(alliance=scene.alliance)
    response = secretary.post(f"{PLAN}workstreams/{workstream.pk}/contracts/link/", {"contract": contract.pk})
    assert response.status_code == 302
    link = WorkstreamContract.objects.get(contract=contract)
    response = secretary.post(f"{PLAN}workstreams/{workstream.pk}/unlink/{link.pk}/", {})
    assert response.status_code == 302 and not WorkstreamContract.objects.filter(pk=link.pk).exists()


def test_completing_with_open_milestones_is_refused_on_the_form(secretary, workstream):
    before = rows(*WATCHED)
    response = secretary.post(f"{PLAN}workstreams/{workstream.pk}/complete/", {})
    assert "not yet achieved (Service specification)" in response.content.decode() and rows(*WATCHED) == before


def test_oversight_reads_the_plan_but_is_refused_the_forms(oversight, workstream):
    assert oversight.get(PLAN).status_code == 200
    milestone = workstream.milestones.first()
    before = rows(*WATCHED)
    response = oversight.post(f"{PLAN}milestones/{milestone.pk}/rag/", {"rag": "red", "reason": "x"})
    assert response.status_code == 403 and "secretary" in response.content.decode()
    assert oversight.get(f"{PLAN}new/").status_code == 403
    assert rows(*WATCHED) == before
