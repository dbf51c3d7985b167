"""The oversight query pages: the list (filters, CSV, XLSX), a query's page, and the forms to raise,
answer and withdraw; refusals are shown in the form's words and write nothing."""

from datetime import timedelta
from io import BytesIO

import pytest
from django.utils import timezone

from contracts import services
from contracts.query_models import OversightQuery
from tests.contracts.query_scene import make_query_scene
from tests.factories import OversightQueryFactory
from tests.helpers import actor_for, rows

pytestmark = pytest.mark.django_db

LIST = "/alliances/dunmarrow/oversight/queries/"


@pytest.fixture
def qs(scene):
    return make_query_scene(scene)


def raise_query(qs, **overrides):
    values = {
        "actor": actor_for(qs.auditor),
        "alliance": qs.alliance,
        "to_body": qs.alt,
        "subject": "Performance information behind the extensions",
        "text": "What performance information supported the extensions?",
        "due_on": timezone.localdate() + timedelta(days=7),
    }
    values.update(overrides)
    return services.raise_oversight_query(**values)


def form_data(qs, **overrides):
    data = {
        "kind": "query",
        "to_body": qs.alt.pk,
        "subject": "Scope of services",
        "text": "Which services are in scope, and why are the others retained?",
        "due_on": (timezone.localdate() + timedelta(days=21)).isoformat(),
        "visibility": "MEMBERS",
    }
    data.update(overrides)
    return data


def test_oversight_raises_a_query_through_the_form(client, qs):
    client.force_login(qs.auditor)
    assert "Raise a query or recommendation" in client.get(LIST).content.decode()
    response = client.post(f"{LIST}new/", form_data(qs))
    query = OversightQuery.objects.get()
    assert response.status_code == 302 and response["Location"] == query.get_absolute_url()
    page = client.get(query.get_absolute_url()).content.decode()
    assert query.reference in page and "has not answered yet" in page and "History" in page


def test_a_past_due_date_is_refused_in_the_forms_words(client, qs):
    client.force_login(qs.auditor)
    before = rows(OversightQuery)
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    response = client.post(f"{LIST}new/", form_data(qs, due_on=yesterday))
    assert response.status_code == 400
    assert "choose a due date on or after it" in response.content.decode()
    assert rows(OversightQuery) == before


def test_raising_to_the_oversight_group_is_refused_in_the_form(client, qs):
    client.force_login(qs.auditor)
    response = client.post(f"{LIST}new/", form_data(qs, to_body=qs.og.pk))
    assert response.status_code == 400 and "not to itself" in response.content.decode()
    assert OversightQuery.objects.count() == 0


def test_a_secretary_gets_no_raise_form(client, qs):
    client.force_login(qs.secretary)
    assert "Raise a query" not in client.get(LIST).content.decode()
    assert client.get(f"{LIST}new/").status_code == 403
    assert client.post(f"{LIST}new/", form_data(qs)).status_code == 403
    assert OversightQuery.objects.count() == 0


def test_the_secretary_answers_a_recommendation(client, qs):
    query = raise_query(qs, kind="recommendation")
    client.force_login(qs.secretary)
    assert "Record the answer" in client.get(query.get_absolute_url()).content.decode()
    url = f"{query.get_absolute_url()}answer/"
    refused = client.post(url, {"response": "", "answer": "We agree."})
    assert refused.status_code == 400
    assert "Say whether the body accepted, partly accepted or rejected" in refused.content.decode()
    assert OversightQuery.objects.get().status == "open"
    response = client.post(url, {"response": "partly_accepted", "answer": "For awards over £100,000."})
    assert response.status_code == 302
    page = client.get(query.get_absolute_url()).content.decode()
    assert "Partly accepted" in page and "For awards over £100,000." in page and "Record the answer" not in page
    assert client.get(url).status_code == 403 or "closed" in client.post(url, {"answer": "x"}).content.decode()


def test_oversight_cannot_open_the_answer_form(client, qs):
    query = raise_query(qs)
    client.force_login(qs.auditor)
    assert client.get(f"{query.get_absolute_url()}answer/").status_code == 403


def test_oversight_withdraws_a_query_saying_why(client, qs):
    query = raise_query(qs)
    client.force_login(qs.auditor)
    url = f"{query.get_absolute_url()}withdraw/"
    assert client.post(url, {"reason": ""}).status_code == 400
    assert client.post(url, {"reason": "Answered at the March meeting."}).status_code == 302
    page = client.get(query.get_absolute_url()).content.decode()
    assert "Withdrawn by the oversight group" in page and "Answered at the March meeting." in page
    closed = client.post(url, {"reason": "Again"})
    assert closed.status_code == 400 and "is withdrawn and closed" in closed.content.decode()


def test_a_viewer_reads_the_list_but_cannot_withdraw(client, qs):
    query = raise_query(qs)
    client.force_login(qs.viewer)
    assert query.reference in client.get(LIST).content.decode()
    assert client.get(f"{query.get_absolute_url()}withdraw/").status_code == 403


def test_the_list_filters_overdue_and_body(client, qs):
    today = timezone.localdate()
    overdue = OversightQueryFactory(
        alliance=qs.alliance,
        raised_by_body=qs.og,
        to_body=qs.alt,
        subject="Overdue one",
        raised_on=today - timedelta(days=30),
        due_on=today - timedelta(days=2),
    )
    raise_query(qs, subject="Current one")
    client.force_login(qs.viewer)
    page = client.get(LIST, {"overdue": "true"}).content.decode()
    assert "Overdue one" in page and "Current one" not in page
    page = client.get(LIST, {"to_body": qs.alt.pk, "kind": "query", "status": "open"}).content.decode()
    assert "Overdue one" in page and "Current one" in page
    assert overdue.reference in page
    assert client.get(LIST, {"to_body": "999999"}).status_code == 400


def test_csv_and_xlsx_downloads(client, qs):
    raise_query(qs)
    client.force_login(qs.viewer)
    csv = client.get("/alliances/dunmarrow/oversight/queries.csv")
    assert csv.status_code == 200 and "Performance information behind the extensions" in csv.content.decode()
    assert csv.content.decode().startswith("\ufeffReference,Kind,Subject")  # Excel reads it as UTF-8
    xlsx = client.get("/alliances/dunmarrow/oversight/queries.xlsx", {"status": "open"})
    from openpyxl import load_workbook

    sheet = load_workbook(BytesIO(xlsx.content)).active
    assert [c.value for c in next(sheet.iter_rows(max_row=1))][:3] == ["Reference", "Kind", "Subject"]
    assert sheet.max_row == 2


def test_the_list_page_reads_in_a_fixed_number_of_queries(client, qs, django_assert_max_num_queries):
    for n in range(12):
        OversightQueryFactory(alliance=qs.alliance, raised_by_body=qs.og, to_body=qs.alt, reference=f"OQ-2022-{n:03d}")
    client.force_login(qs.auditor)
    with django_assert_max_num_queries(25):
        response = client.get(LIST)
    assert response.status_code == 200
