"""Advisors heard on the web: asking, excluding, going ahead without advice, the close refused while
advice is missing, responses after close, and the lists of advice waiting."""

from datetime import date

import pytest

from decisions import services
from decisions.models import AdviceRequest, AdvisoryInput, AdvisoryResponse, Decision
from roles.models import Role
from roles.standing import SYSTEM
from tests.factories import PersonFactory, RoleAssignmentFactory, RoleFactory, UserFactory
from tests.helpers import rows
from tests.scenes import CLOSED, VOTED

BASE = "/alliances/dunmarrow/decisions"
WATCHED = (AdviceRequest, AdvisoryInput, AdvisoryResponse, Decision)


def network_rep(client, scene):
    person = PersonFactory(name="Network rep", user=UserFactory(username="network"))
    role = RoleFactory(
        alliance=scene.alliance, kind=Role.Kind.MEMBER_REPRESENTATIVE, organisation=scene.advisory.organisation
    )
    RoleAssignmentFactory(role=role, person=person, starts_on=date(2021, 1, 1))
    client.force_login(person.user)
    return client


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


def test_advisory_representative_reads_the_confidential_decision_it_advises_on(client, scene):
    decision = scene.open(visibility="CONFIDENTIAL", title="Winter shelter plan")
    page = network_rep(client, scene).get(f"{BASE}/{decision.pk}/")
    assert page.status_code == 200 and "Winter shelter plan" in page.content.decode()
    assert "Give your organisation's advice" in page.content.decode()


def test_excluded_advisory_representative_is_told_why(client, scene):
    decision = scene.open(visibility="CONFIDENTIAL", title="Winter shelter plan")
    services.exclude_adviser(
        actor=SYSTEM, request=AdviceRequest.objects.get(decision=decision), reason="It names a network employee."
    )
    page = network_rep(client, scene).get(f"{BASE}/{decision.pk}/")
    content = page.content.decode()
    assert page.status_code == 403
    assert "You are not shown this decision: It names a network employee." in content
    assert "Winter shelter plan" not in content


def test_secretary_asks_excludes_and_the_page_shows_it(secretary, scene):
    decision = scene.open(kind="OPERATIONAL", title="Move the office")
    assert secretary.post(f"{BASE}/{decision.pk}/advice/ask/", {"membership": scene.advisory.pk}).status_code == 302
    asked = AdviceRequest.objects.get(decision=decision)
    response = secretary.post(f"{BASE}/{decision.pk}/advice/requests/{asked.pk}/exclude/", {"reason": "Staff named."})
    assert response.status_code == 302
    content = secretary.get(f"{BASE}/{decision.pk}/").content.decode()
    assert "Not shown this decision: Staff named." in content and "Morag Secretary" in content


def test_asking_a_voting_member_is_refused_on_the_form(secretary, scene):
    decision = scene.open(kind="OPERATIONAL")
    before = rows(*WATCHED)
    response = secretary.post(f"{BASE}/{decision.pk}/advice/ask/", {"membership": scene.members[0].pk})
    # The form offers advisory members only: a voting one is not a valid choice.
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert rows(*WATCHED) == before


def test_exclusion_without_a_reason_is_refused_on_the_form(secretary, scene):
    decision = scene.open()
    asked = AdviceRequest.objects.get(decision=decision)
    before = rows(*WATCHED)
    response = secretary.post(f"{BASE}/{decision.pk}/advice/requests/{asked.pk}/exclude/", {"reason": ""})
    assert response.status_code == 200 and "Say why" in response.content.decode()
    assert rows(*WATCHED) == before


def test_a_member_cannot_ask_or_exclude(client, scene):
    decision = scene.open()
    client = network_rep(client, scene)
    assert client.get(f"{BASE}/{decision.pk}/advice/ask/").status_code == 403
    assert client.get(f"{BASE}/{decision.pk}/advice/without/").status_code == 403


@pytest.fixture
def requiring(scene):
    scene.body.advice_required_for_key = True
    scene.body.save()
    return scene


def test_close_form_refuses_while_advice_is_missing_then_goes_ahead_with_a_reason(secretary, requiring):
    scene = requiring
    decision = scene.open()
    for i in range(len(scene.members)):
        scene.vote(decision, i)
    assert "not yet advised: Dunmarrow Homelessness Network" in secretary.get(f"{BASE}/{decision.pk}/").content.decode()
    before = rows(*WATCHED)
    response = secretary.post(f"{BASE}/{decision.pk}/close/", {})
    assert response.status_code == 200
    assert "Dunmarrow Homelessness Network has not advised" in response.content.decode()
    assert rows(*WATCHED) == before
    response = secretary.post(
        f"{BASE}/{decision.pk}/advice/without/",
        {"membership": scene.advisory.pk, "reason": "The network chose not to advise."},
    )
    assert response.status_code == 302
    assert secretary.post(f"{BASE}/{decision.pk}/close/", {}).status_code == 302
    assert Decision.objects.get(pk=decision.pk).status == "AGREED"


def test_no_advice_reason_needs_words_on_the_form(secretary, requiring):
    decision = requiring.open()
    before = rows(*WATCHED)
    response = secretary.post(f"{BASE}/{decision.pk}/advice/without/", {"membership": requiring.advisory.pk})
    assert response.status_code == 200 and "Say why" in response.content.decode()
    assert rows(*WATCHED) == before


def test_response_after_close_on_the_form_and_the_thread_shown(secretary, scene):
    decision = scene.open()
    advice = advise(scene, decision)
    close(scene, decision)
    content = secretary.get(f"{BASE}/{decision.pk}/").content.decode()
    assert "No response yet." in content and f"advice/{advice.pk}/respond/" in content
    url = f"{BASE}/{decision.pk}/advice/{advice.pk}/respond/"
    assert secretary.post(url, {"response": "Drop-ins kept in two areas."}).status_code == 302
    assert secretary.post(url, {"response": "And a third from April."}).status_code == 302
    content = secretary.get(f"{BASE}/{decision.pk}/").content.decode()
    assert "Drop-ins kept in two areas." in content and "And a third from April." in content
    assert "after the decision closed" in content


def test_empty_response_is_refused_on_the_form(secretary, scene):
    decision = scene.open()
    advice = advise(scene, decision)
    before = rows(*WATCHED)
    response = secretary.post(f"{BASE}/{decision.pk}/advice/{advice.pk}/respond/", {"response": ""})
    assert response.status_code == 200
    assert rows(*WATCHED) == before


def test_unanswered_advice_is_listed_for_the_secretary_and_filtered_in_the_log(secretary, scene):
    decision = scene.open(title="Winter shelter plan")
    quiet = scene.open(title="Office move", kind="OPERATIONAL")
    advise(scene, decision)
    content = secretary.get(f"{BASE}/").content.decode()
    assert "Advice waiting for your response" in content
    filtered = secretary.get(f"{BASE}/?advice=unanswered").content.decode()
    assert "Winter shelter plan" in filtered and quiet.title not in filtered.split("unanswered-heading")[-1]


def test_dashboard_counts_advice_waiting(secretary, scene):
    decision = scene.open()
    advise(scene, decision)
    content = secretary.get("/alliances/dunmarrow/oversight/").content.decode()
    assert "advice waiting for a response" in content and "?advice=unanswered" in content
