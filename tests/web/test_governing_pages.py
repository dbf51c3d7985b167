"""The governing documents register's pages: the register, a document, the secretary's forms (and
their refusals on the form), and the warnings on the overview, the dashboard and the award pages."""

from datetime import date

import pytest

from decisions.governing_models import GoverningDocument
from decisions.models import Decision
from tests.factories import AllianceFactory, DecisionFactory, GoverningDocumentFactory, StaffFactory
from tests.helpers import rows, viewer_of

pytestmark = pytest.mark.django_db

Status = GoverningDocument.Status
REGISTER = "/alliances/dunmarrow/governing-documents/"


def procurement(alliance, **fields):
    values = {
        "alliance": alliance,
        "title": "Procurement procedure",
        "kind": "procurement_procedure",
        "required_by_agreement": True,
        "agreement_clause": "Schedule part 10",
        "award_routes": ["MINI_COMPETITION", "EXTERNAL_PROCUREMENT"],
        "target_date": date(2021, 3, 31),
    }
    return GoverningDocumentFactory(**{**values, **fields})


@pytest.fixture
def reader(client, scene):
    client.force_login(viewer_of(scene.alliance))
    return client


def test_register_lists_and_filters(reader, scene):
    procurement(scene.alliance)
    GoverningDocumentFactory(alliance=scene.alliance, title="ALT terms of reference", kind="terms_of_reference")
    page = reader.get(REGISTER).content.decode()
    assert "Procurement procedure" in page and "ALT terms of reference" in page
    assert "Past its target date" in page and 'class="table-scroll"' in page
    assert "Add a governing document" not in page  # a viewer keeps no register
    filtered = reader.get(REGISTER, {"kind": "terms_of_reference"}).content.decode()
    assert "ALT terms of reference" in filtered and "Schedule part 10</span>" not in filtered


def test_register_query_count_is_fixed(reader, scene, django_assert_max_num_queries):
    role = scene.secretary.assignments.first().role
    decision = DecisionFactory(body=scene.body, status="AGREED", reference="ALT-2021-001", decided_on=date(2021, 1, 5))
    for i in range(40):
        GoverningDocumentFactory(
            alliance=scene.alliance, title=f"Section {i}", owner_role=role, owner_body=scene.body, adopted_by=decision,
            status=Status.AGREED, required_by_agreement=True, agreement_clause="Schedule",
        )  # fmt: skip
    with django_assert_max_num_queries(16):
        response = reader.get(REGISTER)
    assert response.content.decode().count("Section ") >= 40


def test_detail_shows_versions_and_history(reader, scene):
    old = procurement(scene.alliance, version_label="v1", status=Status.SUPERSEDED)
    new = procurement(scene.alliance, version_label="v2", supersedes=old)
    page = reader.get(new.get_absolute_url()).content.decode()
    assert "v1" in page and "History" in page
    assert "superseded by" in reader.get(old.get_absolute_url()).content.decode()


def test_confidential_document_of_another_alliance_answers_404(reader, scene):
    other = AllianceFactory(slug="elsewhere")
    secret = procurement(other, title="CANARY governing doc", visibility="CONFIDENTIAL")
    assert reader.get(f"/alliances/dunmarrow/governing-documents/{secret.pk}/").status_code == 404
    assert "CANARY" not in reader.get(REGISTER).content.decode()


def test_secretary_adds_a_document(secretary, scene):
    response = secretary.post(
        f"{REGISTER}new/",
        {
            "title": "Financial procedures",
            "kind": "financial_procedure",
            "required_by_agreement": "on",
            "agreement_clause": "Clause 14",
            "award_routes": ["EXTERNAL_PROCUREMENT"],
            "visibility": "MEMBERS",
        },
    )
    assert response.status_code == 302
    document = GoverningDocument.objects.get(title="Financial procedures")
    assert document.award_routes == ["EXTERNAL_PROCUREMENT"] and document.status == Status.DRAFTING


def test_add_refusal_is_a_form_error_and_writes_nothing(secretary, scene):
    before = rows(GoverningDocument)
    response = secretary.post(
        f"{REGISTER}new/",
        {"title": "Financial procedures", "kind": "financial_procedure", "required_by_agreement": "on",
         "visibility": "MEMBERS"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "Say where the agreement requires this document" in response.content.decode()
    assert rows(GoverningDocument) == before


def test_viewer_is_refused_the_form(reader, scene):
    response = reader.get(f"{REGISTER}new/")
    assert response.status_code == 403
    assert "secretary" in response.content.decode()


def test_status_agreed_needs_a_decision_on_the_form(secretary, scene):
    document = procurement(scene.alliance)
    before = rows(GoverningDocument)
    response = secretary.post(f"{REGISTER}{document.pk}/status/", {"status": "agreed"})
    assert response.status_code == 200
    assert "choose the agreed decision that adopted it" in response.content.decode()
    assert rows(GoverningDocument) == before


def test_status_agreed_before_the_decision_is_refused_on_the_form(secretary, scene):
    document = procurement(scene.alliance)
    decision = DecisionFactory(body=scene.body, status="AGREED", reference="ALT-2021-009", decided_on=date(2021, 5, 1))
    before = rows(GoverningDocument)
    response = secretary.post(
        f"{REGISTER}{document.pk}/status/", {"status": "agreed", "adopted_by": decision.pk, "on": "2021-04-01"}
    )
    assert response.status_code == 200
    assert "cannot be agreed before the decision that adopts it" in response.content.decode()
    assert rows(GoverningDocument) == before


def test_status_agreed_with_its_decision(secretary, scene):
    document = procurement(scene.alliance)
    decision = DecisionFactory(body=scene.body, status="AGREED", reference="ALT-2021-009", decided_on=date(2021, 3, 1))
    response = secretary.post(f"{REGISTER}{document.pk}/status/", {"status": "agreed", "adopted_by": decision.pk})
    assert response.status_code == 302
    document.refresh_from_db()
    assert (document.status, document.adopted_by) == (Status.AGREED, decision)


def test_new_version_and_review_forms(secretary, scene):
    document = procurement(scene.alliance, version_label="v1")
    response = secretary.post(f"{REGISTER}{document.pk}/version/", {"version_label": "v2"})
    new = GoverningDocument.objects.get(version_label="v2")
    assert response.status_code == 302 and response["Location"] == new.get_absolute_url()
    before = rows(GoverningDocument)
    refused = secretary.post(f"{REGISTER}{new.pk}/version/", {"version_label": "v2"})
    assert "already v2" in refused.content.decode() and rows(GoverningDocument) == before
    # The superseded version takes no form at all.
    assert secretary.get(f"{REGISTER}{document.pk}/version/").status_code == 403
    response = secretary.post(
        f"{REGISTER}{new.pk}/review/", {"reviewed_on": "2021-06-01", "next_review_on": "2021-05-01"}
    )
    assert "must fall after this one" in response.content.decode()
    assert secretary.post(f"{REGISTER}{new.pk}/review/", {"reviewed_on": "2021-06-01"}).status_code == 302


def test_overview_and_dashboard_list_what_the_agreement_requires(client, scene):
    procurement(scene.alliance)
    client.force_login(StaffFactory(username="staff"))
    overview = client.get("/alliances/dunmarrow/").content.decode()
    assert "Required by the agreement, not yet agreed" in overview and "Procurement procedure" in overview
    dashboard = client.get("/alliances/dunmarrow/oversight/").content.decode()
    assert "Procurement procedure" in dashboard and "Past its target date" in dashboard


def test_award_pages_warn_of_a_route_depending_on_an_unagreed_document(client, award):
    procurement(award.alliance)
    process = award.process()
    client.force_login(StaffFactory(username="staff"))
    warning = "Mini-competition among members depends on Procurement procedure"
    assert warning in client.get(process.get_absolute_url()).content.decode()
    assert warning in client.get("/alliances/dunmarrow/awards/new/").content.decode()
    direct = award.process(route="DIRECT_AWARD")
    assert "depends on Procurement procedure" not in client.get(direct.get_absolute_url()).content.decode()


def test_no_warning_once_agreed(client, award):
    decision = DecisionFactory(
        body=award.scene.body, status=Decision.Status.AGREED, reference="ALT-2021-002", decided_on=date(2021, 1, 5)
    )
    procurement(award.alliance, status=Status.AGREED, adopted_by=decision)
    client.force_login(StaffFactory(username="staff"))
    assert "depends on" not in client.get(award.process().get_absolute_url()).content.decode()


# Its file, as a paper (alliance.documents) --------------------------------------------------


def test_secretary_files_the_document_and_sees_it_on_its_page(secretary, scene):
    from alliance import documents
    from roles.standing import SYSTEM
    from tests.factories import upload

    document = procurement(scene.alliance)
    page = secretary.get(document.get_absolute_url()).content.decode()
    assert f"/papers/new/governingdocument/{document.pk}/" in page
    documents.file_document(actor=SYSTEM, owner=document, title="Procurement procedure v0.3", kind="governing",
                            upload=upload("procedure.pdf"))  # fmt: skip
    assert "procedure.pdf" in secretary.get(document.get_absolute_url()).content.decode()


def test_a_superseded_version_takes_no_new_file(secretary, scene):
    from alliance import documents
    from alliance.document_models import Document
    from alliance.errors import RuleViolation
    from roles.standing import SYSTEM
    from tests.factories import upload

    old = procurement(scene.alliance, status=Status.SUPERSEDED)
    assert f"/papers/new/governingdocument/{old.pk}/" not in secretary.get(old.get_absolute_url()).content.decode()
    before = rows(Document)
    with pytest.raises(RuleViolation) as refusal:
        documents.file_document(actor=SYSTEM, owner=old, title="Old", kind="governing", upload=upload())
    assert refusal.value.code == "documents_sealed" and "superseded" in refusal.value.message
    assert rows(Document) == before
