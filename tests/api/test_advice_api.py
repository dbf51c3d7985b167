"""Advisors heard through the API: asking, excluding, going ahead without advice, the close refused
while advice is missing, responses appended after close, and the decisions with advice waiting."""

from datetime import date

import pytest

from decisions import services
from decisions.models import AdviceRequest, AdvisoryInput, AdvisoryResponse, Decision
from roles.models import Role
from roles.standing import SYSTEM
from tests.factories import PersonFactory, RoleAssignmentFactory, RoleFactory, UserFactory
from tests.helpers import rows, token_client
from tests.scenes import CLOSED, VOTED

URL = "/api/v1/decisions/"
WATCHED = (AdviceRequest, AdvisoryInput, AdvisoryResponse, Decision)


@pytest.fixture
def secretary_api(scene):
    scene.secretary.user = UserFactory(username="secretary")
    scene.secretary.save()
    return token_client(scene.secretary.user)


@pytest.fixture
def network_api(scene):
    person = PersonFactory(name="Network rep", user=UserFactory(username="network"))
    role = RoleFactory(
        alliance=scene.alliance, kind=Role.Kind.MEMBER_REPRESENTATIVE, organisation=scene.advisory.organisation
    )
    RoleAssignmentFactory(role=role, person=person, starts_on=date(2021, 1, 1))
    return token_client(person.user)


def advise(scene, decision):
    return services.record_advice(
        actor=SYSTEM,
        decision=decision,
        organisation=scene.advisory.organisation,
        advice="Keep drop-ins",
        given_at=VOTED,
    )


def close(scene, decision):
    for i in range(len(scene.members)):
        scene.vote(decision, i)
    return services.close_decision(actor=SYSTEM, decision=decision, closed_at=CLOSED)


def test_advisory_representative_reads_what_it_advises_on_and_not_what_it_is_excluded_from(scene, network_api):
    asked = scene.open(visibility="CONFIDENTIAL", title="Winter shelter plan")
    other = scene.open(visibility="CONFIDENTIAL", title="Excluded matter")
    services.exclude_adviser(actor=SYSTEM, request=AdviceRequest.objects.get(decision=other), reason="Staff named.")
    response = network_api.get(URL, {"alliance": "dunmarrow"})
    assert [d["title"] for d in response.json()["results"]] == ["Winter shelter plan"]
    assert network_api.get(f"{URL}{asked.pk}/").status_code == 200
    assert network_api.get(f"{URL}{other.pk}/").status_code == 404


def test_secretary_asks_and_excludes_and_the_detail_shows_it(scene, secretary_api):
    decision = scene.open(kind="OPERATIONAL")
    response = secretary_api.post(f"{URL}{decision.pk}/advice-requests/", {"membership": scene.advisory.pk})
    assert response.status_code == 201, response.content
    request_id = response.json()["id"]
    response = secretary_api.post(
        f"{URL}{decision.pk}/advice-requests/{request_id}/exclude/", {"reason": "Staff named."}
    )
    assert response.status_code == 200 and response.json()["exclusion_reason"] == "Staff named."
    detail = secretary_api.get(f"{URL}{decision.pk}/").json()
    assert detail["advice_requests"][0]["excluded_by"]["name"] == "Morag Secretary"


def test_refusals_write_nothing(scene, secretary_api, network_api):
    decision = scene.open()
    asked = AdviceRequest.objects.get(decision=decision)
    before = rows(*WATCHED)
    response = secretary_api.post(f"{URL}{decision.pk}/advice-requests/", {"membership": scene.members[0].pk})
    assert response.status_code == 400 and response.json()["code"] == "not_an_advisory_member"
    response = secretary_api.post(f"{URL}{decision.pk}/advice-requests/", {"membership": scene.advisory.pk})
    assert response.status_code == 409 and response.json()["code"] == "already_asked_to_advise"
    response = secretary_api.post(f"{URL}{decision.pk}/advice-requests/{asked.pk}/exclude/", {"reason": " "})
    assert response.status_code == 400
    response = network_api.post(f"{URL}{decision.pk}/advice-requests/{asked.pk}/exclude/", {"reason": "No"})
    assert response.status_code == 403
    response = network_api.post(f"{URL}{decision.pk}/no-advice/", {"membership": scene.advisory.pk, "reason": "X"})
    assert response.status_code == 403
    assert rows(*WATCHED) == before


def test_close_is_refused_while_advice_is_missing_and_goes_ahead_with_a_reason(scene, secretary_api):
    scene.body.advice_required_for_key = True
    scene.body.save()
    decision = scene.open()
    for i in range(len(scene.members)):
        scene.vote(decision, i)
    before = rows(*WATCHED)
    response = secretary_api.post(f"{URL}{decision.pk}/close/", {})
    assert response.status_code == 409 and response.json()["code"] == "advice_missing"
    assert "Dunmarrow Homelessness Network" in response.json()["detail"]
    assert rows(*WATCHED) == before
    response = secretary_api.post(
        f"{URL}{decision.pk}/no-advice/", {"membership": scene.advisory.pk, "reason": "The network declined."}
    )
    assert response.status_code == 200 and response.json()["no_advice_reason"] == "The network declined."
    assert secretary_api.post(f"{URL}{decision.pk}/close/", {}).status_code == 200


def test_response_after_close_is_appended(scene, secretary_api):
    decision = scene.open()
    advice = advise(scene, decision)
    close(scene, decision)
    url = f"{URL}{decision.pk}/advice/{advice.pk}/response/"
    assert secretary_api.post(url, {"response": "Kept in two areas."}).status_code == 200
    response = secretary_api.post(url, {"response": "And a third."})
    assert [r["response"] for r in response.json()["responses"]] == ["Kept in two areas.", "And a third."]
    assert response.json()["response"] == ""  # the sealed advice row is as it was at close
    before = rows(*WATCHED)
    response = secretary_api.post(url, {"response": ""})
    assert response.status_code == 400
    assert rows(*WATCHED) == before


def test_decisions_with_advice_waiting(scene, secretary_api, django_assert_max_num_queries):
    for n in range(6):
        advise(scene, scene.open(title=f"Winter shelter plan {n}"))
    scene.open(title="Office move", kind="OPERATIONAL")
    with django_assert_max_num_queries(15):
        response = secretary_api.get(URL, {"alliance": "dunmarrow", "advice": "unanswered"})
    assert response.json()["count"] == 6
    response = secretary_api.get(URL, {"alliance": "dunmarrow", "advice": "awaited"})
    assert response.json()["count"] == 0
    assert secretary_api.get(URL, {"advice": "sometime"}).status_code == 400
