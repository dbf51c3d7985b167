"""/api/v1/oversight-queries/: the list (filterable, read rule), detail, history, and the raise, answer
and withdraw actions through the services; refusals answer JSON with a message and write nothing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from alliance.models import ReferenceCounter
from contracts import services
from contracts.query_models import OversightQuery
from tests.contracts.query_scene import make_query_scene, oversight_user
from tests.factories import AllianceFactory, GoverningBodyFactory, OversightQueryFactory
from tests.helpers import actor_for, rows, token_client

pytestmark = pytest.mark.django_db

URL = "/api/v1/oversight-queries/"


@pytest.fixture
def qs(scene):
    return make_query_scene(scene)


def body(qs, **overrides):
    today = timezone.localdate()
    data = {
        "alliance": "dunmarrow",
        "to_body": qs.alt.pk,
        "subject": "Audit trail of award decisions",
        "text": "Keep one audit trail of every award decision.",
        "kind": "recommendation",
        "due_on": (today + timedelta(days=14)).isoformat(),
    }
    data.update(overrides)
    return data


def raise_query(qs, **overrides):
    today = timezone.localdate()
    values = {
        "actor": actor_for(qs.auditor),
        "alliance": qs.alliance,
        "to_body": qs.alt,
        "subject": "Scope of services",
        "text": "Which services are in scope?",
        "due_on": today + timedelta(days=7),
    }
    values.update(overrides)
    return services.raise_oversight_query(**values)


def test_oversight_raises_a_recommendation(qs):
    response = token_client(qs.auditor).post(URL, body(qs), format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["reference"] == f"OQ-{timezone.localdate().year}-001"
    assert (data["kind"], data["status"], data["to_body"]["code"], data["raised_by"]) == (
        "recommendation",
        "open",
        "ALT",
        "auditor",
    )


def test_a_due_date_in_the_past_is_refused_with_a_message(qs):
    before = rows(OversightQuery, ReferenceCounter)
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    response = token_client(qs.auditor).post(URL, body(qs, due_on=yesterday), format="json")
    assert response.status_code == 400
    assert response.json()["field"] == "due_on" and "due date on or after" in response.json()["detail"]
    assert rows(OversightQuery, ReferenceCounter) == before


def test_raising_to_the_oversight_group_is_refused(qs):
    before = rows(OversightQuery)
    response = token_client(qs.auditor).post(URL, body(qs, to_body=qs.og.pk), format="json")
    assert response.status_code == 400 and response.json()["code"] == "query_to_oversight"
    assert rows(OversightQuery) == before


def test_raising_to_another_alliances_body_is_refused_without_naming_it(qs):
    elsewhere = GoverningBodyFactory(alliance=AllianceFactory(name="Elsewhere Alliance"))
    response = token_client(qs.auditor).post(URL, body(qs, to_body=elsewhere.pk), format="json")
    assert response.status_code == 400 and "Elsewhere" not in response.json()["detail"]
    assert OversightQuery.objects.count() == 0


@pytest.mark.parametrize("who", ["secretary", "viewer"])
def test_only_oversight_raises(qs, who):
    response = token_client(getattr(qs, who)).post(URL, body(qs), format="json")
    assert response.status_code == 403 and response.json()["code"] == "not_permitted"
    assert OversightQuery.objects.count() == 0


def test_the_secretary_answers_and_the_query_closes(qs):
    query = raise_query(qs, kind="recommendation")
    client = token_client(qs.secretary)
    response = client.post(f"{URL}{query.pk}/answer/", {"response": "rejected", "answer": "Not now."}, format="json")
    assert response.status_code == 200, response.json()
    assert (response.json()["status"], response.json()["response"], response.json()["answered_by"]) == (
        "answered",
        "rejected",
        "secretary",
    )
    again = client.post(f"{URL}{query.pk}/answer/", {"response": "accepted", "answer": "Yes."}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "query_closed"
    history = client.get(f"{URL}{query.pk}/history/").json()
    assert len(history) == 2


def test_a_recommendation_answered_without_a_response_is_refused(qs):
    query = raise_query(qs, kind="recommendation")
    before = rows(OversightQuery)
    response = token_client(qs.chair).post(f"{URL}{query.pk}/answer/", {"answer": "Fine."}, format="json")
    assert response.status_code == 400 and response.json()["field"] == "response"
    assert "accepted, partly accepted or rejected" in response.json()["detail"]
    assert rows(OversightQuery) == before


def test_oversight_cannot_answer(qs):
    query = raise_query(qs)
    response = token_client(qs.auditor).post(f"{URL}{query.pk}/answer/", {"answer": "Mine."}, format="json")
    assert response.status_code == 403
    assert OversightQuery.objects.get().status == "open"


def test_oversight_withdraws_with_a_reason(qs):
    query = raise_query(qs)
    client = token_client(qs.auditor)
    refused = client.post(f"{URL}{query.pk}/withdraw/", {"reason": "  "}, format="json")
    assert refused.status_code == 400 and refused.json()["field"] == "reason"
    response = client.post(f"{URL}{query.pk}/withdraw/", {"reason": "Answered in the minutes."}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "withdrawn"


def test_the_secretary_cannot_withdraw(qs):
    query = raise_query(qs)
    response = token_client(qs.secretary).post(f"{URL}{query.pk}/withdraw/", {"reason": "No."}, format="json")
    assert response.status_code == 403
    assert OversightQuery.objects.get().status == "open"


def test_the_list_filters_overdue_body_kind_and_status(qs):
    today = timezone.localdate()
    overdue = OversightQueryFactory(
        alliance=qs.alliance, raised_by_body=qs.og, to_body=qs.alt, raised_on=today - timedelta(days=30), due_on=today
    )
    overdue.due_on = today - timedelta(days=1)
    overdue.save()
    current = raise_query(qs, kind="recommendation")
    client = token_client(qs.viewer)
    ids = lambda **params: {r["id"] for r in client.get(URL, params).json()["results"]}  # noqa: E731
    assert ids() == {overdue.pk, current.pk}
    assert ids(overdue="true") == {overdue.pk}
    assert ids(overdue="false") == {current.pk}
    assert ids(kind="recommendation") == {current.pk}
    assert ids(to_body=qs.alt.pk, status="open") == {overdue.pk, current.pk}
    assert client.get(URL, {"overdue": "maybe"}).status_code == 400
    detail = client.get(f"{URL}{overdue.pk}/").json()
    assert detail["overdue"] is True


def test_the_read_rule_hides_confidential_queries_and_other_alliances(qs):
    raise_query(qs, visibility="CONFIDENTIAL", subject="Confidential")
    other = AllianceFactory()
    OversightQueryFactory(alliance=other)
    assert token_client(qs.viewer).get(URL).json()["count"] == 0
    assert token_client(oversight_user(other, "elsewhere")).get(URL).json()["count"] == 1


def test_anonymous_reads_nothing(anon_api, qs):
    raise_query(qs)
    assert anon_api.get(URL).status_code in (401, 403)


def test_the_list_reads_in_a_fixed_number_of_queries(qs, django_assert_max_num_queries):
    for n in range(12):
        OversightQueryFactory(alliance=qs.alliance, raised_by_body=qs.og, to_body=qs.alt, reference=f"OQ-2022-{n:03d}")
    client = token_client(qs.auditor)
    with django_assert_max_num_queries(14):
        response = client.get(URL)
    assert response.json()["count"] == 12
