"""The delivery warnings where people meet them: the warnings page, the secretary's form recording the decision
on a contract's future (refusals in the form's words), the API, the home page and the oversight dashboard."""

from datetime import timedelta

import pytest
from django.utils import timezone

from alliance.models import ForwardPlanEntry
from contracts import services
from contracts.models import Contract
from decisions.models import Decision
from roles.standing import SYSTEM
from tests.contracts.warning_scene import make_warning_scene
from tests.factories import DecisionFactory
from tests.helpers import rows, token_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene():
    return make_warning_scene()


def page(client, who, path):
    client.force_login(who.user)
    return client.get(path)


def test_the_warnings_page_lists_each_warning_with_its_anchor(client, scene):
    content = page(client, scene.overseer, "/alliances/harbour/warnings/").content.decode()
    assert f'id="contract-{scene.contract.pk}"' in content and "Street outreach" in content
    assert f'id="milestone-{scene.milestone.pk}"' in content and "Agree the new outreach model" in content
    period = scene.measure.periods_due_by(scene.today)[0]
    assert f'id="return-{scene.measure.pk}-{period.start:%Y%m%d}"' in content
    assert "CANARY" not in content
    assert "Record the decision on its future" not in content  # oversight does not record it


def test_the_secretary_is_offered_the_form(client, scene):
    content = page(client, scene.secretary, "/alliances/harbour/warnings/").content.decode()
    assert f"/alliances/harbour/contracts/{scene.contract.pk}/future/" in content


def test_the_warnings_page_as_of_another_date(client, scene):
    later = scene.contract.ends_on + timedelta(days=1)
    content = page(client, scene.overseer, f"/alliances/harbour/warnings/?on={later:%Y-%m-%d}").content.decode()
    assert f'id="contract-{scene.contract.pk}"' not in content


def test_the_warnings_page_takes_a_fixed_number_of_queries(client, scene, django_assert_max_num_queries):
    client.force_login(scene.overseer.user)
    client.get("/alliances/harbour/warnings/")
    for n in range(4):
        make_warning_scene(prefix=f"Y{n}")
    with django_assert_max_num_queries(20):
        assert client.get("/alliances/harbour/warnings/").status_code == 200


def test_another_alliances_people_do_not_see_it(client, scene):
    assert page(client, scene.other_overseer, "/alliances/harbour/warnings/").status_code == 404


# The form ----------------------------------------------------------------------------------------------


def test_the_secretary_records_the_decision_through_the_form(client, scene):
    services.announce_future_decision(actor=SYSTEM, contract=scene.contract, on=scene.today)
    client.force_login(scene.secretary.user)
    path = f"/alliances/harbour/contracts/{scene.contract.pk}/future/"
    assert "Decision on its future" in client.get(path).content.decode()
    response = client.post(path, {"decision": scene.agreed.pk})
    assert response.status_code == 302 and response.url == "/alliances/harbour/warnings/"
    scene.contract.refresh_from_db()
    assert scene.contract.future_decision == scene.agreed
    assert scene.contract.forward_plan_entry.status == ForwardPlanEntry.Status.TAKEN


def test_the_form_refuses_a_decision_not_agreed_in_its_words(client, scene):
    draft = DecisionFactory(body=scene.body, status=Decision.Status.OPEN, reference="ALT-2023-009")
    client.force_login(scene.secretary.user)
    before = rows(Contract, ForwardPlanEntry)
    response = client.post(f"/alliances/harbour/contracts/{scene.contract.pk}/future/", {"decision": draft.pk})
    assert response.status_code == 200
    assert "only an agreed decision settles a contract&#x27;s future" in response.content.decode()
    assert rows(Contract, ForwardPlanEntry) == before


def test_the_form_is_refused_to_a_representative(client, scene):
    response = page(client, scene.rep, f"/alliances/harbour/contracts/{scene.contract.pk}/future/")
    assert response.status_code == 403
    assert "Only a secretary of the alliance" in response.content.decode()


def test_the_form_of_another_alliances_contract_is_not_found(client, scene):
    response = page(client, scene.secretary, f"/alliances/harbour/contracts/{scene.other_contract.pk}/future/")
    assert response.status_code == 404


# The API -----------------------------------------------------------------------------------------------


def test_the_api_records_the_decision(scene):
    api = token_client(scene.secretary.user)
    response = api.post(f"/api/v1/contracts/{scene.contract.pk}/future-decision/", {"decision": scene.agreed.pk})
    assert response.status_code == 200, response.json()
    assert response.json()["future_decision"] == scene.agreed.pk


def test_the_api_refuses_a_decision_not_agreed_with_a_message(scene):
    draft = DecisionFactory(body=scene.body, status=Decision.Status.DRAFT)
    before = rows(Contract, ForwardPlanEntry)
    response = token_client(scene.secretary.user).post(
        f"/api/v1/contracts/{scene.contract.pk}/future-decision/", {"decision": draft.pk}
    )
    assert response.status_code == 400
    assert response.json()["code"] == "future_decision_not_agreed" and response.json()["field"] == "decision"
    assert rows(Contract, ForwardPlanEntry) == before


def test_the_api_refuses_a_representative(scene):
    response = token_client(scene.rep.user).post(
        f"/api/v1/contracts/{scene.contract.pk}/future-decision/", {"decision": scene.agreed.pk}
    )
    assert response.status_code == 403


def test_the_api_lists_contracts_in_notice_without_decision(scene):
    api = token_client(scene.overseer.user)
    found = api.get("/api/v1/contracts/?alliance=harbour&in_notice_without_decision=true").json()["results"]
    assert [c["id"] for c in found] == [scene.contract.pk]
    assert found[0]["decision_due_on"] and found[0]["notice_starts_on"]
    later = scene.contract.ends_on + timedelta(days=1)
    found = api.get(f"/api/v1/contracts/?in_notice_without_decision=true&on={later:%Y-%m-%d}").json()["results"]
    assert found == []


def test_the_api_refuses_a_filter_that_is_not_true_or_false(scene):
    response = token_client(scene.overseer.user).get("/api/v1/contracts/?in_notice_without_decision=maybe")
    assert response.status_code == 400


def test_the_contract_list_takes_a_fixed_number_of_queries(scene, django_assert_max_num_queries):
    api = token_client(scene.overseer.user)
    api.get("/api/v1/contracts/?in_notice_without_decision=true")
    for n in range(4):
        make_warning_scene(prefix=f"Z{n}")
    with django_assert_max_num_queries(12):
        assert api.get("/api/v1/contracts/?in_notice_without_decision=true").status_code == 200


# The home page and the oversight dashboard --------------------------------------------------------------


def test_oversight_sees_every_warning_on_the_home(client, scene):
    content = page(client, scene.overseer, "/").content.decode()
    assert "Delivery warnings" in content
    assert "No decision yet on the future of Street outreach" in content
    assert "Milestone past due: Agree the new outreach model" in content
    assert "Return missing: People supported off the street" in content
    assert "CANARY" not in content


def test_a_representative_sees_their_organisations_warnings_on_the_home(client, scene):
    content = page(client, scene.rep, "/").content.decode()
    assert "No decision yet on the future of Street outreach" in content
    assert "Return missing: People supported off the street" in content
    assert "Milestone past due" not in content  # the director's role owns the workstream


def test_the_workstream_owner_sees_the_milestone_on_the_home(client, scene):
    content = page(client, scene.director, "/").content.decode()
    assert "Milestone past due: Agree the new outreach model" in content
    assert "No decision yet on the future" not in content


def test_the_home_section_takes_a_fixed_number_of_queries(client, scene, django_assert_max_num_queries):
    from alliance.home import HomeContext
    from contracts.home import delivery_warnings_section
    from tests.helpers import actor_for

    for n in range(4):
        make_warning_scene(prefix=f"H{n}")
    ctx = HomeContext(access=actor_for(scene.overseer), now=timezone.now())
    with django_assert_max_num_queries(7):
        section = delivery_warnings_section(ctx)
    assert len(section.items) == 3


def test_the_oversight_dashboard_shows_the_warnings(client, scene):
    content = page(client, scene.overseer, "/alliances/harbour/oversight/").content.decode()
    assert "Delivery warnings" in content
    assert "contracts in their notice period without a decision" in content
    assert "No decision yet on the future of Street outreach" in content


def test_the_public_forward_plan_shows_the_decision_due(client, scene):
    scene.alliance.publish_register = True
    scene.alliance.save()
    services.announce_future_decision(actor=SYSTEM, contract=scene.contract, on=scene.today)
    content = client.get("/public/harbour/forward-plan/").content.decode()
    assert "Decision on the future of Street outreach" in content
