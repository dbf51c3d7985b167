"""Filing papers with records (alliance/documents.py): the checks of an upload, versions, withdrawal,
the owners' own refusals, and the files kept through the storage API."""

import hashlib

import pytest
from django.core.files.storage import default_storage

from alliance import documents
from alliance.access import restrict
from alliance.document_models import Document, DocumentVersion
from alliance.models import AuditLink
from contracts.models import AwardProcess
from decisions.models import AgendaItem, Decision
from roles.standing import SYSTEM
from tests.factories import (
    AllianceFactory,
    AwardProcessFactory,
    DecisionFactory,
    DocumentFactory,
    GoverningBodyFactory,
    MeetingFactory,
    pdf_bytes,
    upload,
)
from tests.helpers import actor_for, refused_watching, viewer_of

pytestmark = pytest.mark.django_db

refused = refused_watching(Document, DocumentVersion)


def read(version) -> bytes:
    with documents.open_version(version) as handle:
        return handle.read()


def file_pdf(owner, actor=SYSTEM, **kwargs):
    return documents.file_document(
        actor=actor,
        owner=owner,
        title=kwargs.pop("title", "Options appraisal"),
        kind="paper",
        upload=kwargs.pop("upload", upload()),
        **kwargs,
    )


# Filing and reading back ---------------------------------------------------------------------------


def test_a_filed_paper_keeps_its_bytes_size_type_and_checksum(scene):
    decision = DecisionFactory(body=scene.body)
    content = pdf_bytes("Options appraisal")
    document = file_pdf(decision, upload=upload("Options appraisal.pdf", content, "application/octet-stream"))
    version = document.versions.get()
    assert (version.number, version.size, version.content_type) == (1, len(content), "application/pdf")
    assert version.sha256 == hashlib.sha256(content).hexdigest()
    assert version.original_name == "Options appraisal.pdf"
    assert read(version) == content
    assert document.alliance == scene.alliance and document.owner == decision
    assert document.history.count() == 1 and version.history.count() == 1
    chained = AuditLink.objects.filter(object_id__in=[str(document.pk), str(version.pk)])
    assert set(chained.values_list("history_model", flat=True)) >= {
        "alliance.historicaldocument",
        "alliance.historicaldocumentversion",
    }


def test_a_new_version_keeps_the_old_file(scene):
    decision = DecisionFactory(body=scene.body)
    document = file_pdf(decision, upload=upload("a.pdf", pdf_bytes("first")))
    second = documents.add_version(
        actor=SYSTEM, document=document, upload=upload("a.pdf", pdf_bytes("second")), note="Figures"
    )
    first = document.versions.get(number=1)
    assert second.number == 2 and second.note == "Figures"
    assert first.file.name != second.file.name
    assert read(first) == pdf_bytes("first") and read(second) == pdf_bytes("second")
    assert default_storage.exists(first.file.name)


def test_the_secretary_files_with_their_bodys_decision(scene):
    decision = DecisionFactory(body=scene.body)
    document = file_pdf(decision, actor=actor_for(scene.secretary))
    assert document.created_by == scene.secretary.user
    assert document.versions.get().uploaded_by == scene.secretary.user


def test_withdrawing_keeps_the_versions(scene):
    document = file_pdf(DecisionFactory(body=scene.body))
    documents.withdraw_document(actor=SYSTEM, document=document, reason="Superseded by the revised options.")
    document.refresh_from_db()
    assert document.withdrawn_at is not None and document.withdrawn_reason == "Superseded by the revised options."
    assert document.versions.count() == 1


def test_a_generated_paper_skips_the_upload_limits(scene, settings):
    settings.DOCUMENT_MAX_BYTES = 10
    document = documents.store_generated(
        actor=SYSTEM,
        owner=DecisionFactory(body=scene.body),
        title="Board pack",
        kind="board_pack",
        content=pdf_bytes("Pack"),
        name="pack.pdf",
        content_type="application/pdf",
    )
    assert document.versions.get().size == len(pdf_bytes("Pack"))


def test_papers_of_many_owners_in_a_fixed_number_of_queries(scene, django_assert_max_num_queries):
    decisions = [DecisionFactory(body=scene.body) for _ in range(6)]
    for decision in decisions:
        document = file_pdf(decision)
        documents.add_version(actor=SYSTEM, document=document, upload=upload())
    with django_assert_max_num_queries(4):
        papers = documents.papers_of(SYSTEM, decisions)
        assert all(papers[documents.owner_key(d)][0].current.number == 2 for d in decisions)


# Refusals --------------------------------------------------------------------------------------------


def test_a_file_over_the_limit_is_refused_with_its_size(scene, settings):
    settings.DOCUMENT_MAX_BYTES = 1024
    error = refused(
        "document_too_big",
        file_pdf,
        owner=DecisionFactory(body=scene.body),
        upload=upload(content=b"%PDF-" + b"x" * 2000),
    )
    assert "2 KB" in error.message and "at most 1 KB" in error.message
    assert error.field == "upload"


def test_a_type_not_allowed_is_refused_with_the_types_allowed(scene):
    error = refused(
        "document_type_refused",
        file_pdf,
        owner=DecisionFactory(body=scene.body),
        upload=upload("run.exe", b"MZ\x90\x00"),
    )
    assert "a .exe file" in error.message and ".pdf" in error.message and "Word" in error.message


def test_the_allowed_types_are_a_setting(scene, settings):
    settings.DOCUMENT_ALLOWED_TYPES = ["pdf"]
    error = refused(
        "document_type_refused", file_pdf, owner=DecisionFactory(body=scene.body), upload=upload("notes.txt", b"notes")
    )
    assert "PDF (.pdf)" in error.message


def test_a_disguised_file_is_refused(scene):
    error = refused(
        "document_content_mismatch",
        file_pdf,
        owner=DecisionFactory(body=scene.body),
        upload=upload("minutes.pdf", b"MZ\x90\x00 not a pdf", "application/pdf"),
    )
    assert "named as a PDF file" in error.message


def test_a_binary_file_named_as_text_is_refused(scene):
    refused(
        "document_content_mismatch",
        file_pdf,
        owner=DecisionFactory(body=scene.body),
        upload=upload("notes.txt", pdf_bytes()),
    )


def test_an_empty_file_is_refused(scene):
    refused("document_empty", file_pdf, owner=DecisionFactory(body=scene.body), upload=upload(content=b""))


def test_a_paper_cannot_be_added_to_a_sealed_decision(scene):
    decision = DecisionFactory(body=scene.body, status=Decision.Status.AGREED, reference="ALT-2021-001")
    error = refused("documents_sealed", file_pdf, owner=decision)
    assert "sealed" in error.message and error.conflict


def test_a_paper_on_a_sealed_decision_cannot_be_replaced_nor_withdrawn(scene):
    decision = DecisionFactory(body=scene.body)
    document = file_pdf(decision)
    Decision.objects.filter(pk=decision.pk).update(status=Decision.Status.AGREED, reference="ALT-2021-001")
    document = Document.objects.get(pk=document.pk)
    error = refused("documents_sealed", documents.add_version, actor=SYSTEM, document=document, upload=upload())
    assert "a paper on a sealed decision cannot be replaced" in error.message
    refused("documents_sealed", documents.withdraw_document, actor=SYSTEM, document=document, reason="Wrong file")


def test_only_the_bodys_secretary_files_papers(scene):
    decision = DecisionFactory(body=scene.body)
    error = refused("not_permitted", file_pdf, owner=decision, actor=actor_for(scene.reps[0]))
    assert decision.reference not in error.message or not decision.reference


def test_a_withdrawn_paper_takes_no_new_version(scene):
    document = file_pdf(DecisionFactory(body=scene.body))
    documents.withdraw_document(actor=SYSTEM, document=document, reason="Filed in error.")
    refused("document_withdrawn", documents.add_version, actor=SYSTEM, document=document, upload=upload())


def test_a_withdrawal_needs_a_reason(scene):
    document = file_pdf(DecisionFactory(body=scene.body))
    refused("document_reason_missing", documents.withdraw_document, actor=SYSTEM, document=document, reason=" ")


@pytest.mark.parametrize(("kind", "says"), [("minutes", "Signed-off minutes"), ("board_pack", "The board pack")])
def test_what_the_tracker_makes_itself_is_not_uploaded(scene, kind, says):
    error = refused(
        "document_kind_generated",
        documents.file_document,
        actor=SYSTEM,
        owner=DecisionFactory(body=scene.body),
        title="Minutes",
        kind=kind,
        upload=upload(),
    )
    assert says in error.message and error.field == "kind"


def test_a_paper_needs_a_title(scene):
    refused("document_title_missing", file_pdf, owner=DecisionFactory(body=scene.body), title="")


@pytest.mark.parametrize("stage", ["CONTRACTED", "CANCELLED", "REJECTED"])
def test_a_closed_award_process_takes_no_papers(award, stage):
    process = AwardProcessFactory(policy=award.policy, stage=stage)
    error = refused("documents_sealed", file_pdf, owner=process)
    assert "closed" in error.message


def test_an_open_award_process_takes_bids_from_the_alliances_secretary(award):
    process = AwardProcessFactory(policy=award.policy, stage=AwardProcess.Stage.SUBMISSIONS)
    document = documents.file_document(
        actor=actor_for(award.scene.secretary), owner=process, title="Bid", kind="bid", upload=upload()
    )
    assert document.alliance == award.alliance


def test_papers_of_shows_only_what_the_reader_may_read(scene):
    shown = DecisionFactory(body=scene.body)
    secret = DecisionFactory(body=scene.body, visibility=Decision.Visibility.CONFIDENTIAL)
    elsewhere = DecisionFactory(
        body=GoverningBodyFactory(alliance=AllianceFactory(slug="elsewhere")),
        visibility=Decision.Visibility.CONFIDENTIAL,
    )
    for owner in (shown, secret, elsewhere):
        file_pdf(owner)
    viewer = actor_for(viewer_of(scene.alliance))
    papers = documents.papers_of(viewer, [shown, secret, elsewhere])
    assert list(papers) == [documents.owner_key(shown)]
    assert documents.papers_of(SYSTEM, [shown, secret, elsewhere]).keys() == {
        documents.owner_key(o) for o in (shown, secret, elsewhere)
    }
    assert Document.objects.restrict(viewer).count() == 1
    assert DocumentVersion.objects.restrict(viewer).count() == 1
    assert Document.history.model.objects.count() == 3
    assert restrict(Document.history.all(), viewer).count() == 1


def test_an_agenda_items_papers_are_filed_by_its_bodys_secretary(scene):
    item = AgendaItem.objects.create(meeting=MeetingFactory(body=scene.body), position=1, title="Winter shelter")
    document = documents.file_document(
        actor=actor_for(scene.secretary), owner=item, title="Shelter options", kind="paper", upload=upload()
    )
    assert document.alliance == scene.alliance and document.owner == item
    refused("not_permitted", file_pdf, owner=item, actor=actor_for(scene.reps[0]))


def test_a_withdrawn_paper_is_left_out_of_papers_of_unless_asked(scene):
    decision = DecisionFactory(body=scene.body)
    document = file_pdf(decision)
    documents.withdraw_document(actor=SYSTEM, document=document, reason="Superseded.")
    assert documents.papers_of(SYSTEM, [decision]) == {}
    assert documents.papers_of(SYSTEM, [decision], include_withdrawn=True)[documents.owner_key(decision)] == [document]


def test_a_paper_without_a_file_has_no_current_version(scene):
    document = DocumentFactory(owner=DecisionFactory(body=scene.body))
    papers = documents.papers_of(SYSTEM, [document.owner])
    assert papers[documents.owner_key(document.owner)][0].current is None
    assert document.alliance == scene.alliance
