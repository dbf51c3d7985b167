"""/api/v1/imports/: the dry run, the all-or-nothing import, refusals by row, and who may import."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from alliance.import_models import ImportRun
from alliance.models import AuditLink
from decisions.imports import run_import
from decisions.models import Decision
from roles.standing import SYSTEM
from tests.factories import StaffFactory
from tests.helpers import actor_for, rows, token_client
from tests.imports.files import csv_file, xlsx_file
from tests.imports.test_decision_log_import import HEADER, decision_row

URL = "/api/v1/imports/"
WATCHED = (Decision, ImportRun, AuditLink)


def post(client, scene, content, *, dry_run=True, name="log.csv", kind="decisions"):
    data = {"alliance": scene.alliance.slug, "kind": kind, "file": SimpleUploadedFile(name, content)}
    if not dry_run:
        data["dry_run"] = "false"
    return client.post(URL, data, format="multipart")


@pytest.fixture
def secretary_api(scene):
    actor_for(scene.secretary)  # gives the secretary a login
    return token_client(scene.secretary.user)


def test_dry_run_answers_the_preview_and_writes_nothing(secretary_api, scene):
    before = rows(*WATCHED)
    response = post(secretary_api, scene, csv_file(HEADER, decision_row(1)))
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["rows"] == [
        {"row": 2, "created": ["Decision: ALT-2021-001: Past decision 1"], "refusal": "", "column": ""}
    ]
    assert (body["records"], body["refused"]) == (1, 0)
    assert rows(*WATCHED) == before


def test_import_answers_the_record_of_the_import(secretary_api, scene):
    content = xlsx_file(HEADER, decision_row(1), decision_row(2))
    response = post(secretary_api, scene, content, dry_run=False, name="log.xlsx")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["alliance"], body["kind"], body["file_name"], body["rows"], body["records_created"]) == (
        "dunmarrow",
        "decisions",
        "log.xlsx",
        2,
        2,
    )
    assert body["imported_by"] == scene.secretary.user.username
    assert [c["label"] for c in body["created"]] == [
        "Decision: ALT-2021-001: Past decision 1",
        "Decision: ALT-2021-002: Past decision 2",
    ]
    assert secretary_api.get(f"{URL}{body['id']}/").json()["sha256"] == body["sha256"]


def test_a_refused_row_answers_400_naming_it_and_nothing_is_written(secretary_api, scene):
    before = rows(*WATCHED)
    content = csv_file(HEADER, decision_row(1), decision_row(2, **{"Decided on": "someday"}))
    response = post(secretary_api, scene, content, dry_run=False)
    assert response.status_code == 400
    body = response.json()
    assert (body["code"], body["detail"]) == ("import_rows_refused", "1 row needs attention; nothing was imported.")
    assert body["rows"] == [
        {"row": 3, "column": "Decided on", "detail": "'someday' is not a date; write it as 2021-03-31 or 31/03/2021."}
    ]
    assert rows(*WATCHED) == before


def test_a_member_representative_is_refused(scene):
    actor_for(scene.reps[0])
    before = rows(*WATCHED)
    response = post(token_client(scene.reps[0].user), scene, csv_file(HEADER, decision_row(1)), dry_run=False)
    assert response.status_code == 403
    assert response.json()["code"] == "not_permitted"
    assert rows(*WATCHED) == before


def test_another_alliance_is_not_found(secretary_api, scene):
    response = secretary_api.post(
        URL, {"alliance": "nowhere", "kind": "decisions", "file": SimpleUploadedFile("a.csv", b"x")}, format="multipart"
    )
    assert response.status_code == 400 and response.json()["field"] == "alliance"


def test_imports_are_listed_with_a_fixed_number_of_queries(scene, django_assert_max_num_queries):
    for n in range(5):
        run_import(
            actor=SYSTEM,
            alliance=scene.alliance,
            kind="decisions",
            file_name=f"log{n}.csv",
            content=csv_file(HEADER, decision_row(n + 1)),
            confirm=True,
        )
    client = token_client(StaffFactory())
    with django_assert_max_num_queries(8):
        response = client.get(URL, {"alliance": "dunmarrow"})
    assert response.json()["count"] == 5


def test_a_representative_reads_no_import(scene):
    run_import(
        actor=SYSTEM,
        alliance=scene.alliance,
        kind="decisions",
        file_name="log.csv",
        content=csv_file(HEADER, decision_row(1)),
        confirm=True,
    )
    actor_for(scene.reps[0])
    assert token_client(scene.reps[0].user).get(URL).json()["count"] == 0
