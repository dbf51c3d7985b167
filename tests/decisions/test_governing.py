"""The governing documents register: its services' rules, its reads, and what a document's papers may do."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from decisions import services
from decisions.governing_models import GoverningDocument
from decisions.models import Decision
from decisions.queries_governing import outstanding, route_warnings
from roles.standing import SYSTEM
from tests.factories import (
    DecisionFactory,
    GoverningBodyFactory,
    GoverningDocumentFactory,
    RoleFactory,
)
from tests.helpers import actor_for, refused_watching, viewer_of

pytestmark = pytest.mark.django_db

refused = refused_watching(GoverningDocument)
Status = GoverningDocument.Status


def adopting(scene, **fields) -> Decision:
    values = {"body": scene.body, "status": Decision.Status.AGREED, "reference": "ALT-2021-007"}
    return DecisionFactory(**{**values, "decided_on": date(2021, 3, 4), **fields})


def procurement(scene, **fields) -> GoverningDocument:
    values = {
        "alliance": scene.alliance,
        "title": "Procurement procedure",
        "kind": "procurement_procedure",
        "required_by_agreement": True,
        "agreement_clause": "Schedule part 10",
        "award_routes": ["MINI_COMPETITION", "EXTERNAL_PROCUREMENT"],
        "target_date": date(2021, 3, 31),
    }
    return GoverningDocumentFactory(**{**values, **fields})


# Adding --------------------------------------------------------------------------------------


def test_secretary_adds_a_document_being_drafted(scene):
    role = RoleFactory(alliance=scene.alliance, title="Alliance manager")
    document = services.add_governing_document(
        actor=actor_for(scene.secretary),
        alliance=scene.alliance,
        title=" Financial procedures ",
        kind="financial_procedure",
        owner_role=role,
        owner_body=scene.body,
        required_by_agreement=True,
        agreement_clause="Clause 14",
        award_routes=["EXTERNAL_PROCUREMENT"],
        target_date=date(2021, 3, 31),
    )
    assert (document.title, document.status, document.owner_role) == ("Financial procedures", Status.DRAFTING, role)
    assert document.award_routes == ["EXTERNAL_PROCUREMENT"]
    assert document.history.first().history_change_reason == "Added to the register"


def test_a_member_may_not_add_a_document(scene):
    error = refused(
        "not_permitted",
        services.add_governing_document,
        actor=actor_for(scene.reps[0]),
        alliance=scene.alliance,
        title="Financial procedures",
        kind="financial_procedure",
    )
    assert "secretary" in error.message


@pytest.mark.parametrize(
    "fields, code, field",
    [
        ({"title": "  "}, "governing_title_required", "title"),
        ({"required_by_agreement": True}, "governing_clause_required", "agreement_clause"),
        ({"award_routes": ["SPOT_PURCHASE"]}, "governing_route_unknown", "award_routes"),
    ],
)
def test_refused_details_write_nothing(scene, fields, code, field):
    values = {"title": "Financial procedures", "kind": "financial_procedure", **fields}
    error = refused(code, services.add_governing_document, actor=SYSTEM, alliance=scene.alliance, **values)
    assert error.field == field


def test_owner_of_another_alliance_is_refused_without_naming_it(scene):
    elsewhere = RoleFactory(title="CANARY role elsewhere")
    error = refused(
        "governing_owner_role_elsewhere",
        services.add_governing_document,
        actor=SYSTEM,
        alliance=scene.alliance,
        title="Manual",
        kind="manual_section",
        owner_role=elsewhere,
    )
    assert "CANARY" not in error.message
    refused(
        "governing_owner_body_elsewhere",
        services.add_governing_document,
        actor=SYSTEM,
        alliance=scene.alliance,
        title="Manual",
        kind="manual_section",
        owner_body=GoverningBodyFactory(),
    )


# Status ----------------------------------------------------------------------------------------


def test_agreed_with_the_adopting_decision(scene):
    document, decision = procurement(scene), adopting(scene)
    services.change_governing_document_status(
        actor=actor_for(scene.secretary),
        document=document,
        status=Status.AGREED,
        adopted_by=decision,
        on=date(2021, 3, 4),
    )
    document.refresh_from_db()
    assert (document.status, document.adopted_by) == (Status.AGREED, decision)
    # In operation later: the adopting decision is already recorded.
    services.change_governing_document_status(actor=SYSTEM, document=document, status=Status.IN_OPERATION)
    document.refresh_from_db()
    assert document.status == Status.IN_OPERATION


def test_agreed_without_a_decision_is_refused(scene):
    error = refused(
        "governing_adoption_required",
        services.change_governing_document_status,
        actor=SYSTEM,
        document=procurement(scene),
        status=Status.AGREED,
    )
    assert error.field == "adopted_by"


@pytest.mark.parametrize(
    "decision_fields, code",
    [
        ({"status": Decision.Status.OPEN, "decided_on": None}, "governing_adoption_not_agreed"),
        ({"status": Decision.Status.NOT_AGREED}, "governing_adoption_not_agreed"),
        ({"decided_on": date(2021, 5, 1)}, "governing_adoption_later"),
    ],
)
def test_adopting_decision_must_be_agreed_before(scene, decision_fields, code):
    refused(
        code,
        services.change_governing_document_status,
        actor=SYSTEM,
        document=procurement(scene),
        status=Status.IN_OPERATION,
        adopted_by=adopting(scene, **decision_fields),
        on=date(2021, 4, 1),
    )


def test_adopting_decision_of_another_alliance_is_refused(scene):
    other = DecisionFactory(status=Decision.Status.AGREED, reference="XX-2021-001", decided_on=date(2021, 1, 1))
    error = refused(
        "governing_adoption_elsewhere",
        services.change_governing_document_status,
        actor=SYSTEM,
        document=procurement(scene),
        status=Status.AGREED,
        adopted_by=other,
    )
    assert "XX-2021-001" not in error.message


def test_superseded_cannot_be_set_nor_changed(scene):
    document = procurement(scene)
    refused(
        "governing_supersede_by_version",
        services.change_governing_document_status,
        actor=SYSTEM,
        document=document,
        status=Status.SUPERSEDED,
    )
    old = procurement(scene, title="Old manual", status=Status.SUPERSEDED)
    refused(
        "governing_superseded",
        services.change_governing_document_status,
        actor=SYSTEM,
        document=old,
        status=Status.UNDER_REVIEW,
    )


def test_a_member_may_not_change_the_status(scene):
    refused(
        "not_permitted",
        services.change_governing_document_status,
        actor=actor_for(scene.reps[0]),
        document=procurement(scene),
        status=Status.UNDER_REVIEW,
    )


# New versions and reviews -------------------------------------------------------------------


def test_new_version_keeps_the_old_one_superseded(scene):
    old = procurement(scene, status=Status.AGREED, adopted_by=adopting(scene), version_label="v1")
    new = services.new_governing_document_version(
        actor=actor_for(scene.secretary), document=old, version_label="v2", target_date=date(2022, 3, 31)
    )
    old.refresh_from_db()
    assert old.status == Status.SUPERSEDED and new.supersedes == old
    assert (new.status, new.version_label, new.title, new.award_routes) == (
        Status.DRAFTING,
        "v2",
        "Procurement procedure",
        ["MINI_COMPETITION", "EXTERNAL_PROCUREMENT"],
    )
    assert old.documents_refused("replaced") and new.documents_refused("replaced") is None


@pytest.mark.parametrize("label, code", [("", "governing_version_required"), ("v1", "governing_version_same")])
def test_new_version_needs_a_new_label(scene, label, code):
    refused(
        code,
        services.new_governing_document_version,
        actor=SYSTEM,
        document=procurement(scene, version_label="v1"),
        version_label=label,
    )


def test_a_superseded_version_has_no_new_version(scene):
    refused(
        "governing_superseded",
        services.new_governing_document_version,
        actor=SYSTEM,
        document=procurement(scene, status=Status.SUPERSEDED),
        version_label="v9",
    )


def test_review_recorded(scene):
    document = services.review_governing_document(
        actor=SYSTEM, document=procurement(scene), reviewed_on=date(2021, 6, 1), next_review_on=date(2022, 6, 1)
    )
    assert (document.last_reviewed_on, document.next_review_on) == (date(2021, 6, 1), date(2022, 6, 1))


def test_review_refusals(scene):
    document = procurement(scene)
    refused(
        "governing_review_future",
        services.review_governing_document,
        actor=SYSTEM,
        document=document,
        reviewed_on=timezone.localdate() + timedelta(days=2),
    )
    refused(
        "governing_next_review_early",
        services.review_governing_document,
        actor=SYSTEM,
        document=document,
        reviewed_on=date(2021, 6, 1),
        next_review_on=date(2021, 6, 1),
    )


# Reads ---------------------------------------------------------------------------------------


def test_outstanding_lists_required_documents_not_agreed_overdue_first(scene):
    later = procurement(scene, title="Data-sharing protocol", target_date=date(2021, 9, 30), award_routes=[])
    late = procurement(scene)
    procurement(scene, title="Agreed schedule", status=Status.AGREED, adopted_by=adopting(scene))
    procurement(scene, title="Not required", required_by_agreement=False)
    procurement(scene, title="Old version", status=Status.SUPERSEDED)
    rows = outstanding(scene.alliance, SYSTEM, date(2021, 6, 1))
    assert rows == [late, later]
    assert [r.overdue for r in rows] == [True, False]


def test_route_warning_names_the_document_and_its_target(scene):
    procurement(scene, version_label="")
    warnings = route_warnings(scene.alliance.pk, SYSTEM)
    assert warnings["MINI_COMPETITION"] == [
        "Mini-competition among members depends on Procurement procedure, which is still being drafted "
        "(target 31/03/2021)."
    ]
    assert "DIRECT_AWARD" not in warnings


def test_no_route_warning_once_agreed(scene):
    procurement(scene, status=Status.IN_OPERATION, adopted_by=adopting(scene))
    assert route_warnings(scene.alliance.pk, SYSTEM) == {}


def test_confidential_document_of_another_alliance_is_not_read(scene):
    other = procurement(scene, alliance=DecisionFactory().alliance, title="CANARY governing", visibility="CONFIDENTIAL")
    viewer = actor_for(viewer_of(scene.alliance))
    assert not GoverningDocument.objects.restrict(viewer).filter(pk=other.pk).exists()
    assert not viewer.can_read(other)
    assert route_warnings(other.alliance_id, viewer) == {}


def test_confidential_document_is_read_by_the_secretary_not_a_viewer(scene):
    secret = procurement(scene, visibility="CONFIDENTIAL")
    assert actor_for(scene.secretary).can_read(secret)
    assert not actor_for(viewer_of(scene.alliance)).can_read(secret)


def test_papers_are_filed_by_the_record_keeper(scene):
    document = procurement(scene)
    assert document.may_file_documents(actor_for(scene.secretary))
    assert not document.may_file_documents(actor_for(scene.reps[0]))
