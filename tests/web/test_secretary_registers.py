"""The secretary's work on the web and the API (issue 18, part 7): award processes, the forward plan and
interests, each through the one service, with its refusals on the form and nothing written when refused."""

from datetime import date

import pytest

from alliance.models import ForwardPlanEntry
from contracts.models import AwardProcess, StageTransition
from roles.models import InterestDeclaration
from tests.factories import AllianceFactory, PersonFactory, RoleAssignmentFactory, RoleFactory, UserFactory
from tests.helpers import rows, token_client, viewer_of

pytestmark = pytest.mark.django_db

AWARD_ROWS = (AwardProcess, StageTransition)


def _login(client, person):
    person.user = person.user or UserFactory(username=f"user-{person.pk}")
    person.save()
    client.force_login(person.user)
    return client


@pytest.fixture
def keeper(client, award):
    return _login(client, award.scene.secretary)


def _start_data(**extra):
    data = {
        "title": "Street outreach",
        "service_category": "flexible_community_outreach",
        "route": "MINI_COMPETITION",
        "estimated_annual_value": "400000",
        "estimated_total_value": "1200000",
        "started_on": "2021-04-01",
        "route_justification": "value for money: Tested by competition among members.",
        "visibility": "MEMBERS",
    }
    return {**data, **extra}


# Award processes ---------------------------------------------------------------------------


def test_secretary_starts_an_award_process_on_the_web(keeper, award):
    response = keeper.post("/alliances/dunmarrow/awards/new/", _start_data())
    process = AwardProcess.objects.get()
    assert response.status_code == 302 and response["Location"] == process.get_absolute_url()
    assert process.stage == "DRAFT" and process.route_justification == {
        "value for money": "Tested by competition among members."
    }


def test_a_direct_award_without_its_member_is_refused_on_the_form_and_writes_nothing(keeper, award):
    before = rows(*AWARD_ROWS)
    response = keeper.post("/alliances/dunmarrow/awards/new/", _start_data(route="DIRECT_AWARD"))
    assert response.status_code == 200
    assert response.context["form"].errors
    assert rows(*AWARD_ROWS) == before


def test_secretary_moves_a_process_and_a_wrong_move_is_refused_in_words(keeper, award):
    process = award.process()
    refused = keeper.post(f"/alliances/dunmarrow/awards/{process.pk}/move/evaluation/", {})
    assert refused.status_code == 200 and "is at the stage" in refused.content.decode()
    assert AwardProcess.objects.get().stage == "DRAFT"
    moved = keeper.post(f"/alliances/dunmarrow/awards/{process.pk}/move/submissions/", {"reason": "Invitations sent"})
    assert moved.status_code == 302 and AwardProcess.objects.get().stage == "SUBMISSIONS"
    page = keeper.get(process.get_absolute_url()).content.decode()
    assert "Record a submission" in page and "Start evaluation" in page


def test_a_member_without_a_secretary_standing_is_refused_the_award_pages(client, award):
    process = award.process()
    _login(client, award.scene.reps[0])
    for url in ("/alliances/dunmarrow/awards/new/", f"/alliances/dunmarrow/awards/{process.pk}/move/submissions/"):
        assert client.get(url).status_code == 403
    before = rows(*AWARD_ROWS)
    assert client.post(f"/alliances/dunmarrow/awards/{process.pk}/move/submissions/", {}).status_code == 403
    assert rows(*AWARD_ROWS) == before


def test_the_api_lets_the_secretary_move_a_process_and_refuses_a_viewer(award):
    process = award.process()
    viewer = token_client(viewer_of(award.alliance))
    before = rows(*AWARD_ROWS)
    refused = viewer.post(f"/api/v1/awards/{process.pk}/transition/", {"to_stage": "SUBMISSIONS"}, format="json")
    assert refused.status_code == 403 and refused.json()["code"] == "not_permitted"
    assert rows(*AWARD_ROWS) == before
    secretary = award.scene.secretary
    secretary.user = UserFactory(username="sec")
    secretary.save()
    moved = token_client(secretary.user).post(
        f"/api/v1/awards/{process.pk}/transition/", {"to_stage": "SUBMISSIONS"}, format="json"
    )
    assert moved.status_code == 200 and moved.json()["stage"] == "SUBMISSIONS"


# The forward plan ---------------------------------------------------------------------------


PLAN = {"title": "Recommission day services", "kind": "KEY", "expected_on": "2027-03-01"}


def test_secretary_adds_reschedules_and_withdraws_an_entry(secretary, scene):
    assert secretary.post("/alliances/dunmarrow/forward-plan/new/", PLAN).status_code == 302
    entry = ForwardPlanEntry.objects.get()
    edit = {**PLAN, "expected_on": "2027-05-01", "status": "planned", "reason": "Moved to the May meeting"}
    assert secretary.post(f"/alliances/dunmarrow/forward-plan/{entry.pk}/edit/", edit).status_code == 302
    entry.refresh_from_db()
    assert entry.expected_on == date(2027, 5, 1)
    assert entry.history.first().history_change_reason == "Moved to the May meeting"
    gone = secretary.post(f"/alliances/dunmarrow/forward-plan/{entry.pk}/withdraw/", {"reason": "Not needed"})
    assert gone.status_code == 302
    entry.refresh_from_db()
    assert entry.status == "withdrawn" and ForwardPlanEntry.history.count() == 3
    assert "Recommission day services" in secretary.get("/alliances/dunmarrow/forward-plan/").content.decode()


def test_an_entry_without_a_date_is_refused_on_the_form_and_writes_nothing(secretary, scene):
    before = rows(ForwardPlanEntry)
    response = secretary.post("/alliances/dunmarrow/forward-plan/new/", {**PLAN, "expected_on": ""})
    assert response.status_code == 200
    assert "Give the date the decision is expected" in response.content.decode()
    assert rows(ForwardPlanEntry) == before


def test_a_viewer_cannot_keep_the_plan_on_the_web_nor_the_api(client, scene):
    viewer = viewer_of(scene.alliance)
    client.force_login(viewer)
    assert client.get("/alliances/dunmarrow/forward-plan/new/").status_code == 403
    assert client.post("/alliances/dunmarrow/forward-plan/new/", PLAN).status_code == 403
    api = token_client(viewer)
    response = api.post("/api/v1/forward-plan/", {**PLAN, "alliance": "dunmarrow"}, format="json")
    assert response.status_code == 403 and rows(ForwardPlanEntry)["ForwardPlanEntry"] == 0


def test_the_api_adds_and_withdraws_an_entry_for_the_secretary(scene):
    scene.secretary.user = UserFactory(username="sec")
    scene.secretary.save()
    api = token_client(scene.secretary.user)
    created = api.post("/api/v1/forward-plan/", {**PLAN, "alliance": "dunmarrow"}, format="json")
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    refused = api.post(f"/api/v1/forward-plan/{pk}/withdraw/", {"reason": ""}, format="json")
    assert refused.status_code == 400 and refused.json()["code"] == "forward_plan_reason_required"
    withdrawn = api.post(f"/api/v1/forward-plan/{pk}/withdraw/", {"reason": "Not needed"}, format="json")
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"


# Interests ------------------------------------------------------------------------------------


INTEREST = {"interest": "Trustee of Second Step Trust", "declared_on": "2023-02-01"}


def test_secretary_records_an_interest_for_a_person_of_the_alliance(secretary, scene):
    response = secretary.post("/alliances/dunmarrow/interests/new/", {**INTEREST, "person": scene.reps[1].pk})
    assert response.status_code == 302
    assert InterestDeclaration.objects.get().person == scene.reps[1]


def test_a_member_declares_their_own_interest_sees_it_and_ends_it(client, scene):
    rep = scene.reps[0]
    _login(client, rep)
    assert client.post("/alliances/dunmarrow/interests/new/", {**INTEREST, "person": rep.pk}).status_code == 302
    declaration = InterestDeclaration.objects.get()
    page = client.get("/alliances/dunmarrow/my-interests/").content.decode()
    assert "Trustee of Second Step Trust" in page
    ended = client.post(f"/alliances/dunmarrow/interests/{declaration.pk}/end/", {"ends_on": "2023-06-30"})
    assert ended.status_code == 302
    declaration.refresh_from_db()
    assert declaration.ends_on == date(2023, 6, 30) and InterestDeclaration.objects.count() == 1


def test_a_member_cannot_declare_for_someone_else_on_the_web_nor_the_api(client, scene):
    rep = scene.reps[0]
    _login(client, rep)
    before = rows(InterestDeclaration)
    response = client.post("/alliances/dunmarrow/interests/new/", {**INTEREST, "person": scene.reps[1].pk})
    assert response.status_code == 200 and response.context["form"].errors["person"]
    api = token_client(rep.user)
    data = {**INTEREST, "person": scene.reps[1].pk, "alliance": "dunmarrow"}
    refused = api.post("/api/v1/interests/", data, format="json")
    assert refused.status_code == 403 and refused.json()["field"] == "person"
    assert rows(InterestDeclaration) == before


def test_nobody_declares_for_a_person_of_another_alliance(secretary, scene):
    elsewhere = PersonFactory(name="Other Alliance Rep")
    RoleAssignmentFactory(role=RoleFactory(alliance=AllianceFactory(slug="other")), person=elsewhere)
    scene.secretary.user.is_staff = False
    before = rows(InterestDeclaration)
    api = token_client(scene.secretary.user)
    data = {**INTEREST, "person": elsewhere.pk, "alliance": "dunmarrow"}
    refused = api.post("/api/v1/interests/", data, format="json")
    assert refused.status_code in (400, 403)
    assert rows(InterestDeclaration) == before


def test_a_viewer_without_a_person_is_refused_the_declare_page(client, scene):
    client.force_login(viewer_of(scene.alliance))
    assert client.get("/alliances/dunmarrow/interests/new/").status_code == 403
