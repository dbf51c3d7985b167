"""The authority map on the web: the decision page names the approval needed; the secretary records it."""

from decimal import Decimal

import pytest

from decisions import services
from decisions.models import Decision, DecisionApproval
from roles.models import DelegatedAuthority
from roles.standing import SYSTEM
from tests.helpers import rows, viewer_of
from tests.scenes import CLOSED, outside_body_with_authority

pytestmark = pytest.mark.django_db


def agreed(scene, value="24600000", **fields):
    decision = scene.open(value=Decimal(value), **fields)
    for index in range(len(scene.members)):
        scene.vote(decision, index)
    return services.close_decision(actor=SYSTEM, decision=decision, closed_at=CLOSED)


@pytest.fixture
def awaiting(scene):
    outside_body_with_authority(scene)
    return agreed(scene)


def url(decision, tail=""):
    return f"/alliances/dunmarrow/decisions/{decision.pk}/{tail}"


FORM = {"outcome": "approved", "given_on": "2021-03-24", "reference": "IJB minute 21/14", "approver": "", "note": ""}


def test_the_decision_page_names_the_approval_needed(secretary, awaiting):
    page = secretary.get(url(awaiting)).content.decode()
    assert "Agreed subject to the approval of Dunmarrow Integration Joint Board" in page
    assert "£24.6m is over the £2m IJB delegated to ALT." in page
    assert url(awaiting, "approval/") in page


def test_the_secretary_records_the_approval_on_the_form(secretary, awaiting):
    response = secretary.post(url(awaiting, "approval/"), FORM)
    assert response.status_code == 302
    awaiting.refresh_from_db()
    assert awaiting.status == Decision.Status.AGREED
    page = secretary.get(url(awaiting)).content.decode()
    assert "Approved by" in page and "IJB minute 21/14" in page


def test_the_form_refuses_an_approval_without_a_reference_and_writes_nothing(secretary, awaiting):
    before = rows(Decision, DecisionApproval)
    response = secretary.post(url(awaiting, "approval/"), {**FORM, "reference": ""})
    assert response.status_code == 200
    assert "minute or paper" in response.content.decode()
    assert rows(Decision, DecisionApproval) == before


def test_the_form_refuses_a_date_before_the_decision(secretary, awaiting):
    response = secretary.post(url(awaiting, "approval/"), {**FORM, "given_on": "2021-03-01"})
    assert "before" in response.context["form"].errors["given_on"][0]
    assert not DecisionApproval.objects.exists()


def test_a_viewer_is_not_offered_the_form(client, scene, awaiting):
    client.force_login(viewer_of(scene.alliance))
    assert client.get(url(awaiting, "approval/")).status_code == 403
    assert url(awaiting, "approval/") not in client.get(url(awaiting)).content.decode()


def test_drafting_at_an_outside_body_on_the_form_is_refused(client, staff, scene):
    board = outside_body_with_authority(scene)
    client.force_login(staff)
    before = rows(Decision)
    response = client.post(
        "/alliances/dunmarrow/decisions/new/",
        {
            "body": board.pk,
            "title": "Budget",
            "proposal": "That the budget is approved.",
            "kind": "KEY",
            "visibility": "MEMBERS",
            "closes_at": "2099-01-01T12:00",
        },
    )
    assert "alliance members do not vote there" in response.content.decode()
    assert rows(Decision) == before


def test_the_register_flags_a_delegation_no_decision_granted(secretary, scene):
    outside_body_with_authority(scene, granted_reference="")
    page = secretary.get("/alliances/dunmarrow/delegations/").content.decode()
    assert "No granting decision" in page and "Alliance Leadership Team (collectively)" in page
    authority = DelegatedAuthority.objects.get(grantee_body=scene.body)
    detail = secretary.get(f"/alliances/dunmarrow/delegations/{authority.pk}/").content.decode()
    assert "No granting decision" in detail and "Reserved matters" in detail


def test_the_register_shows_where_a_grant_outside_the_log_is_recorded(secretary, scene):
    outside_body_with_authority(scene)
    page = secretary.get("/alliances/dunmarrow/delegations/").content.decode()
    assert "No granting decision" not in page and "paper 20/31" in page


def test_the_public_record_shows_approval_needed_then_approved_by(client, scene):
    from alliance.models import Alliance

    Alliance.objects.filter(pk=scene.alliance.pk).update(publish_register=True)
    outside_body_with_authority(scene)
    decision = agreed(scene, visibility="PUBLIC")
    page = client.get(f"/public/dunmarrow/decisions/{decision.pk}/").content.decode()
    assert "Agreed subject to the approval of Dunmarrow Integration Joint Board" in page
    assert "Waiting for the approval" in page and "Record the approval" not in page
    services.record_approval(
        actor=SYSTEM,
        decision=decision,
        outcome="approved",
        given_on=CLOSED.date(),
        reference="IJB minute 21/14",
        note="Private working note",
    )
    page = client.get(f"/public/dunmarrow/decisions/{decision.pk}/").content.decode()
    assert "Approved by" in page and "IJB minute 21/14" in page and "Private working note" not in page
