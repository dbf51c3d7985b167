"""The pages of papers: filing one with a decision or an award process, its page with its versions,
a new version, withdrawal and the download, each refusal shown on the form with nothing written,
and every page of a paper as readable as its record (404 for what the reader may not read)."""

import hashlib

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
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
from tests.helpers import rows, viewer_of

pytestmark = pytest.mark.django_db

WATCHED = (Document, DocumentVersion)


def upload_url(scene, owner):
    kind = type(owner)._meta.model_name
    return reverse("document-upload", kwargs={"slug": scene.alliance.slug, "owner_kind": kind, "pk": owner.pk})


def filed(owner, content=None, title="Options appraisal"):
    return documents.file_document(
        actor=SYSTEM, owner=owner, title=title, kind="paper", upload=upload("options.pdf", content or pdf_bytes())
    )


def post_paper(client, scene, owner, file, **data):
    return client.post(
        upload_url(scene, owner), {"title": "Options appraisal", "kind": "paper", "upload": file, **data}
    )


def test_the_secretary_files_a_paper_with_a_decision_and_it_shows_on_the_decision(secretary, scene):
    decision = DecisionFactory(body=scene.body)
    content = pdf_bytes("Options appraisal for the winter shelter")
    response = post_paper(secretary, scene, decision, upload("Options.pdf", content))
    assert response.status_code == 302 and response["Location"].endswith(decision.get_absolute_url())
    document = Document.objects.get()
    assert document.owner == decision and document.created_by == scene.secretary.user
    page = secretary.get(decision.get_absolute_url())
    sha = hashlib.sha256(content).hexdigest()
    assert "Options appraisal" in page.text and sha[:12] in page.text
    assert document.versions.get().get_absolute_url() in page.text


def test_the_download_is_the_file_as_uploaded(secretary, scene):
    content = pdf_bytes("The bytes that were sent")
    document = filed(DecisionFactory(body=scene.body), content)
    response = secretary.get(document.versions.get().get_absolute_url())
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert body == content and hashlib.sha256(body).hexdigest() == document.versions.get().sha256
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert (
        response["Content-Disposition"].startswith("attachment;") and "options.pdf" in response["Content-Disposition"]
    )


def test_the_paper_page_lists_every_version_with_its_checksum(secretary, scene):
    document = filed(DecisionFactory(body=scene.body), pdf_bytes("one"))
    documents.add_version(actor=SYSTEM, document=document, upload=upload("options.pdf", pdf_bytes("two")), note="Costs")
    page = secretary.get(document.get_absolute_url())
    assert page.status_code == 200
    for version in document.versions.all():
        assert version.sha256 in page.text
    assert "Costs" in page.text and "Upload the new version" in page.text


def test_a_new_version_through_the_page_keeps_the_old_one(secretary, scene):
    document = filed(DecisionFactory(body=scene.body), pdf_bytes("one"))
    url = reverse("document-add-version", kwargs={"slug": scene.alliance.slug, "pk": document.pk})
    response = secretary.post(url, {"upload": upload("options v2.pdf", pdf_bytes("two")), "note": "Revised costs"})
    assert response.status_code == 302
    assert list(document.versions.values_list("number", "note")) == [(2, "Revised costs"), (1, "")]


def test_a_paper_on_a_sealed_decision_is_not_replaced_through_the_page(secretary, scene):
    decision = DecisionFactory(body=scene.body)
    document = filed(decision, pdf_bytes("one"))
    Decision.objects.filter(pk=decision.pk).update(status=Decision.Status.AGREED, reference="ALT-2021-004")
    page = secretary.get(document.get_absolute_url()).text
    assert "a paper on a sealed decision cannot be replaced" in page
    url = reverse("document-add-version", kwargs={"slug": scene.alliance.slug, "pk": document.pk})
    assert url not in page  # the page offers no new version
    before = rows(*WATCHED)
    response = secretary.post(url, {"upload": upload("options v2.pdf", pdf_bytes("two")), "note": "Revised"})
    assert response.status_code == 200 and "a paper on a sealed decision cannot be replaced" in response.text
    assert rows(*WATCHED) == before


def test_withdrawing_through_the_page(secretary, scene):
    document = filed(DecisionFactory(body=scene.body))
    url = reverse("document-withdraw", kwargs={"slug": scene.alliance.slug, "pk": document.pk})
    assert secretary.post(url, {"reason": "Filed with the wrong decision."}).status_code == 302
    document.refresh_from_db()
    assert document.withdrawn_reason == "Filed with the wrong decision."


def test_a_withdrawal_without_a_reason_is_refused_on_the_form(secretary, scene):
    document = filed(DecisionFactory(body=scene.body))
    before = rows(*WATCHED)
    url = reverse("document-withdraw", kwargs={"slug": scene.alliance.slug, "pk": document.pk})
    response = secretary.post(url, {"reason": ""})
    assert response.status_code == 200 and "Say why the paper is withdrawn" in response.text
    assert rows(*WATCHED) == before


@pytest.mark.parametrize(
    ("file", "says"),
    [
        (upload("run.exe", b"MZ\x90\x00"), "which papers may not be"),
        (upload("minutes.pdf", b"MZ\x90\x00 not a pdf"), "its content is not PDF"),
        (upload("big.pdf", b"%PDF-" + b"x" * 3000), "a paper may be at most 2 KB"),
    ],
)
def test_a_refused_file_is_shown_on_the_form_and_nothing_is_written(secretary, scene, settings, file, says):
    settings.DOCUMENT_MAX_BYTES = 2048
    decision = DecisionFactory(body=scene.body)
    before = rows(*WATCHED)
    response = post_paper(secretary, scene, decision, file)
    assert response.status_code == 200 and says in response.text
    assert rows(*WATCHED) == before


def test_a_sealed_decision_takes_no_paper_through_the_form(secretary, scene):
    decision = DecisionFactory(body=scene.body, status=Decision.Status.AGREED, reference="ALT-2021-004")
    before = rows(*WATCHED)
    response = post_paper(secretary, scene, decision, upload())
    assert response.status_code == 200 and "sealed" in response.text
    assert rows(*WATCHED) == before


def test_the_form_offers_no_kind_the_tracker_makes_itself(secretary, scene):
    decision = DecisionFactory(body=scene.body)
    page = secretary.get(upload_url(scene, decision)).text
    assert 'value="paper"' in page and 'value="minutes"' not in page and 'value="board_pack"' not in page
    before = rows(*WATCHED)
    response = post_paper(secretary, scene, decision, upload(), kind="minutes")
    assert response.status_code == 200 and "Select a valid choice" in response.text
    assert rows(*WATCHED) == before


def test_a_member_who_is_not_the_secretary_is_refused_the_upload(client, scene):
    decision = DecisionFactory(body=scene.body)
    client.force_login(viewer_of(scene.alliance))
    assert client.get(upload_url(scene, decision)).status_code == 403
    before = rows(*WATCHED)
    assert post_paper(client, scene, decision, upload()).status_code == 403
    assert rows(*WATCHED) == before


def test_a_reader_of_the_decision_downloads_but_sees_no_upload_link(client, scene):
    document = filed(DecisionFactory(body=scene.body))
    client.force_login(viewer_of(scene.alliance))
    page = client.get(document.owner.get_absolute_url())
    assert "Options appraisal" in page.text and "File a paper" not in page.text
    assert client.get(document.versions.get().get_absolute_url()).status_code == 200
    assert "Upload the new version" not in client.get(document.get_absolute_url()).text


def test_the_award_process_page_shows_its_papers(client, award):
    process = AwardProcessFactory(policy=award.policy, stage="SUBMISSIONS")
    documents.file_document(actor=SYSTEM, owner=process, title="Bid from Harbour Light", kind="bid", upload=upload())
    award.scene.secretary.user = UserFactory(username="secretary")
    award.scene.secretary.save()
    client.force_login(award.scene.secretary.user)
    page = client.get(process.get_absolute_url())
    assert "Bid from Harbour Light" in page.text and "File a paper" in page.text


# A confidential paper of another alliance ----------------------------------------------------------


@pytest.fixture
def elsewhere():
    other = AllianceFactory(slug="elsewhere", name="Elsewhere Alliance")
    body = GoverningBodyFactory(alliance=other, code="ALT")
    decision = DecisionFactory(body=body, visibility=Decision.Visibility.CONFIDENTIAL, title="CANARY decision")
    return filed(decision, title="CANARY paper")


def test_a_confidential_paper_of_another_alliance_is_never_shown(secretary, scene, elsewhere):
    version = elsewhere.versions.get()
    slugs = ["elsewhere", scene.alliance.slug]
    for slug in slugs:
        for name, kwargs in [
            ("document-detail", {"pk": elsewhere.pk}),
            ("document-download", {"pk": elsewhere.pk, "number": version.number}),
            ("document-add-version", {"pk": elsewhere.pk}),
            ("document-withdraw", {"pk": elsewhere.pk}),
            ("document-upload", {"owner_kind": "decision", "pk": elsewhere.owner_id}),
        ]:
            response = secretary.get(reverse(name, kwargs={"slug": slug, **kwargs}))
            assert response.status_code == 404, (name, slug)
            assert b"CANARY" not in response.content
    before = rows(*WATCHED)
    url = reverse("document-add-version", kwargs={"slug": scene.alliance.slug, "pk": elsewhere.pk})
    assert secretary.post(url, {"upload": upload()}).status_code == 404
    assert rows(*WATCHED) == before


def test_a_confidential_decisions_paper_is_hidden_from_a_viewer_of_its_own_alliance(client, scene):
    decision = DecisionFactory(body=scene.body, visibility=Decision.Visibility.CONFIDENTIAL)
    document = filed(decision, title="CANARY confidential paper")
    client.force_login(viewer_of(scene.alliance))
    assert client.get(document.get_absolute_url()).status_code == 404
    assert client.get(document.versions.get().get_absolute_url()).status_code == 404


def test_the_decision_page_reads_its_papers_in_a_fixed_number_of_queries(secretary, scene):
    decision = DecisionFactory(body=scene.body)
    filed(decision)
    with CaptureQueriesContext(connection) as few:
        assert secretary.get(decision.get_absolute_url()).status_code == 200
    for n in range(8):
        document = filed(decision, title=f"Paper {n}")
        documents.add_version(actor=SYSTEM, document=document, upload=upload())
    with CaptureQueriesContext(connection) as many:
        page = secretary.get(decision.get_absolute_url())
    assert "Paper 7" in page.text
    assert len(many) <= len(few)
