"""Papers in the API: filing one (multipart), a new version, withdrawal and download through the same
service as the pages; refusals as JSON with nothing written; lists and details as readable as the
records the papers are filed with; a list in a fixed number of queries."""

import hashlib

import pytest
from django.urls import reverse

from alliance import documents
from alliance.document_models import Document, DocumentVersion
from decisions.models import Decision
from roles.standing import SYSTEM
from tests.factories import (
    AllianceFactory,
    AwardProcessFactory,
    DecisionFactory,
    GoverningBodyFactory,
    UserFactory,
    pdf_bytes,
    upload,
)
from tests.helpers import rows, token_client, viewer_of

pytestmark = pytest.mark.django_db

LIST = "/api/v1/documents/"
WATCHED = (Document, DocumentVersion)


@pytest.fixture
def secretary_api(scene):
    scene.secretary.user = UserFactory(username="secretary")
    scene.secretary.save()
    return token_client(scene.secretary.user)


@pytest.fixture
def viewer(scene):
    return viewer_of(scene.alliance)


def filed(owner, title="Options appraisal", content=None):
    return documents.file_document(
        actor=SYSTEM, owner=owner, title=title, kind="paper", upload=upload("options.pdf", content or pdf_bytes())
    )


def post_paper(api, owner, file, **data):
    values = {"owner_kind": type(owner)._meta.model_name, "owner_id": owner.pk, "title": "Options appraisal"}
    return api.post(LIST, {**values, "upload": file, **data}, format="multipart")


def test_the_secretary_files_a_paper_and_downloads_the_same_bytes(secretary_api, scene):
    decision = DecisionFactory(body=scene.body)
    content = pdf_bytes("Round trip")
    response = post_paper(secretary_api, decision, upload("Round trip.pdf", content), kind="report")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["owner_kind"], body["owner_id"], body["kind"]) == ("decision", decision.pk, "report")
    version = body["versions"][0]
    assert version["sha256"] == hashlib.sha256(content).hexdigest() and version["size"] == len(content)
    assert version["uploaded_by"] == "secretary" and version["content_type"] == "application/pdf"
    download = secretary_api.get(version["download"])
    assert download.status_code == 200 and b"".join(download.streaming_content) == content
    assert download["X-Content-Type-Options"] == "nosniff" and download["Content-Type"] == "application/pdf"


def test_a_new_version_through_the_api_keeps_the_old_one(secretary_api, scene):
    document = filed(DecisionFactory(body=scene.body), content=pdf_bytes("one"))
    response = secretary_api.post(
        f"{LIST}{document.pk}/versions/",
        {"upload": upload("v2.pdf", pdf_bytes("two")), "note": "Costs"},
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    assert [v["number"] for v in response.json()["versions"]] == [2, 1]
    old = secretary_api.get(reverse("api-document-download", kwargs={"pk": document.pk, "number": 1}))
    assert b"".join(old.streaming_content) == pdf_bytes("one")


def test_withdrawing_through_the_api(secretary_api, scene):
    document = filed(DecisionFactory(body=scene.body))
    response = secretary_api.post(f"{LIST}{document.pk}/withdraw/", {"reason": "Filed in error."})
    assert response.status_code == 200 and response.json()["withdrawn_reason"] == "Filed in error."


@pytest.mark.parametrize(
    ("file", "code"),
    [
        (upload("run.exe", b"MZ\x90\x00"), "document_type_refused"),
        (upload("minutes.pdf", b"MZ\x90\x00 not a pdf"), "document_content_mismatch"),
        (upload("big.pdf", b"%PDF-" + b"x" * 3000), "document_too_big"),
    ],
)
def test_a_refused_file_answers_400_and_writes_nothing(secretary_api, scene, settings, file, code):
    settings.DOCUMENT_MAX_BYTES = 2048
    before = rows(*WATCHED)
    response = post_paper(secretary_api, DecisionFactory(body=scene.body), file)
    assert response.status_code == 400 and response.json()["code"] == code
    assert response.json()["field"] == "upload"
    assert rows(*WATCHED) == before


def test_a_sealed_decision_answers_409_and_writes_nothing(secretary_api, scene):
    decision = DecisionFactory(body=scene.body, status=Decision.Status.AGREED, reference="ALT-2021-009")
    before = rows(*WATCHED)
    response = post_paper(secretary_api, decision, upload())
    assert response.status_code == 409 and response.json()["code"] == "documents_sealed"
    assert rows(*WATCHED) == before


def test_a_paper_on_a_sealed_decision_is_not_replaced_409_and_nothing_is_written(secretary_api, scene):
    decision = DecisionFactory(body=scene.body)
    document = filed(decision)
    Decision.objects.filter(pk=decision.pk).update(status=Decision.Status.AGREED, reference="ALT-2021-009")
    before = rows(*WATCHED)
    response = secretary_api.post(f"{LIST}{document.pk}/versions/", {"upload": upload()}, format="multipart")
    assert response.status_code == 409 and response.json()["code"] == "documents_sealed"
    assert "a paper on a sealed decision cannot be replaced" in response.json()["detail"]
    assert rows(*WATCHED) == before


def test_signed_off_minutes_are_not_uploaded_400_and_nothing_is_written(secretary_api, scene):
    before = rows(*WATCHED)
    response = post_paper(secretary_api, DecisionFactory(body=scene.body), upload(), kind="minutes")
    assert response.status_code == 400 and response.json()["code"] == "document_kind_generated"
    assert response.json()["field"] == "kind" and "Signed-off minutes" in response.json()["detail"]
    assert rows(*WATCHED) == before


def test_a_reader_who_is_not_the_secretary_is_refused_403(viewer_api, scene):
    decision = DecisionFactory(body=scene.body)
    document = filed(decision)
    before = rows(*WATCHED)
    assert post_paper(viewer_api, decision, upload()).status_code == 403
    response = viewer_api.post(f"{LIST}{document.pk}/versions/", {"upload": upload()}, format="multipart")
    assert response.status_code == 403 and response.json()["code"] == "not_permitted"
    assert viewer_api.post(f"{LIST}{document.pk}/withdraw/", {"reason": "No"}).status_code == 403
    assert rows(*WATCHED) == before


def test_filing_with_a_record_one_cannot_read_is_refused_like_a_missing_one(secretary_api, scene):
    other = DecisionFactory(
        body=GoverningBodyFactory(alliance=AllianceFactory(slug="elsewhere")),
        visibility=Decision.Visibility.CONFIDENTIAL,
    )
    before = rows(*WATCHED)
    response = post_paper(secretary_api, other, upload())
    assert response.status_code in (400, 403)
    assert "CANARY" not in response.text and rows(*WATCHED) == before


def test_a_missing_file_is_refused_with_a_sentence(secretary_api, scene):
    decision = DecisionFactory(body=scene.body)
    before = rows(*WATCHED)
    response = secretary_api.post(
        LIST, {"owner_kind": "decision", "owner_id": decision.pk, "title": "No file"}, format="multipart"
    )
    assert response.status_code == 400 and "multipart/form-data" in response.text
    assert rows(*WATCHED) == before


def test_the_list_filters_by_the_record_and_kind(viewer_api, scene):
    decision, other = DecisionFactory(body=scene.body), DecisionFactory(body=scene.body)
    mine = filed(decision, title="Mine")
    filed(other, title="Other")
    body = viewer_api.get(LIST, {"owner_kind": "decision", "owner_id": decision.pk}).json()
    assert [d["id"] for d in body["results"]] == [mine.pk]
    assert viewer_api.get(LIST, {"kind": "bid"}).json()["count"] == 0
    assert viewer_api.get(LIST, {"alliance": scene.alliance.slug}).json()["count"] == 2
    assert viewer_api.get(LIST, {"owner_kind": "nonsense"}).status_code == 400


def test_a_confidential_paper_never_shows_to_a_reader_without_its_standing(viewer_api, scene, viewer):
    confidential = filed(DecisionFactory(body=scene.body, visibility=Decision.Visibility.CONFIDENTIAL), "CANARY")
    other_alliance = filed(
        DecisionFactory(body=GoverningBodyFactory(alliance=AllianceFactory(slug="elsewhere"))), "CANARY elsewhere"
    )
    shown = filed(DecisionFactory(body=scene.body), "Shown")
    listed = viewer_api.get(LIST).json()
    assert [d["id"] for d in listed["results"]] == [shown.pk] and "CANARY" not in str(listed)
    for document in (confidential, other_alliance):
        for url in (
            f"{LIST}{document.pk}/",
            f"{LIST}{document.pk}/history/",
            reverse("api-document-download", kwargs={"pk": document.pk, "number": 1}),
        ):
            response = viewer_api.get(url)
            assert response.status_code == 404, url
            assert b"CANARY" not in response.content
    form = viewer_api.get(LIST, HTTP_ACCEPT="text/html")
    assert b"CANARY" not in form.content


def test_the_list_takes_a_fixed_number_of_queries(viewer_api, scene, django_assert_max_num_queries):
    for n in range(12):
        document = filed(DecisionFactory(body=scene.body), title=f"Paper {n}")
        documents.add_version(actor=SYSTEM, document=document, upload=upload())
    with django_assert_max_num_queries(14):
        body = viewer_api.get(LIST).json()
    assert body["count"] == 12 and all(len(d["versions"]) == 2 for d in body["results"])


def test_papers_of_an_award_process_are_listed_with_it(staff_api, award):
    process = AwardProcessFactory(policy=award.policy, stage="SUBMISSIONS")
    documents.file_document(actor=SYSTEM, owner=process, title="Bid", kind="bid", upload=upload())
    body = staff_api.get(LIST, {"owner_kind": "awardprocess", "owner_id": process.pk}).json()
    assert [(d["title"], d["owner"]) for d in body["results"]] == [("Bid", str(process))]
