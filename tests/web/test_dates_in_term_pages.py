"""The secretary's forms refuse dates outside the alliance agreement's term, on the field, keeping what was
typed (issue "trust")."""

import pytest

from decisions import services
from decisions.models import ActionItem, Decision, Meeting
from roles.standing import SYSTEM
from tests.factories import AgreementFactory
from tests.helpers import rows
from tests.scenes import CLOSED, make_scene

pytestmark = pytest.mark.django_db

AFTER_THE_TERM = (
    "is after the alliance agreement ends (30/06/2027, or 30/06/2030 with its extension); "
    "enter a date within the agreement&#x27;s term (01/07/2020 to 30/06/2030)."
)


@pytest.fixture
def scene():
    scene = make_scene()
    AgreementFactory(alliance=scene.alliance)
    return scene


def test_a_meeting_in_year_9999_is_refused_on_the_form_keeping_the_input(secretary, scene):
    before = rows(Meeting)
    response = secretary.post(
        "/alliances/dunmarrow/meetings/new/",
        {"body": scene.body.pk, "starts_at": "9999-01-01T10:00", "title": "Far future", "location": "Town hall"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["starts_at"] == [
        "The meeting date 01/01/9999 is after the alliance agreement ends (30/06/2027, or 30/06/2030 with its "
        "extension); enter a date within the agreement's term (01/07/2020 to 30/06/2030)."
    ]
    content = response.content.decode()
    assert f"The meeting date 01/01/9999 {AFTER_THE_TERM}" in content
    assert 'value="Far future"' in content and 'value="9999-01-01T10:00"' in content
    assert rows(Meeting) == before


def test_a_meeting_within_the_term_is_scheduled_from_the_form(secretary, scene):
    response = secretary.post(
        "/alliances/dunmarrow/meetings/new/",
        {"body": scene.body.pk, "starts_at": "2030-06-30T10:00", "location": "Town hall"},
    )
    assert response.status_code == 302
    assert Meeting.objects.count() == 1


def test_an_action_due_after_the_term_is_refused_on_the_form(secretary, scene):
    decision = scene.open()
    for i in range(3):
        scene.vote(decision, i)
    decision = services.close_decision(actor=SYSTEM, decision=decision, closed_at=CLOSED)
    before = rows(ActionItem)
    response = secretary.post(
        f"/alliances/dunmarrow/decisions/{decision.pk}/actions/",
        {"title": "Write the brief", "due_on": "9999-01-01", "owner_person": scene.reps[0].pk},
    )
    assert response.status_code == 200
    assert "The due date 01/01/9999 is after" in " ".join(response.context["form"].errors["due_on"])
    assert 'value="Write the brief"' in response.content.decode()
    assert rows(ActionItem) == before


def test_a_draft_reviewed_after_the_term_is_refused_on_the_form(secretary, scene):
    before = rows(Decision)
    data = {
        "body": scene.body.pk, "title": "Buy beds", "proposal": "Buy winter beds.", "kind": "KEY",
        "visibility": "MEMBERS", "review_on": "2031-01-01", "checked": "1", "save": "1",
    }  # fmt: skip
    response = secretary.post("/alliances/dunmarrow/decisions/new/", data)
    assert response.status_code == 200
    assert "The review date 01/01/2031 is after" in " ".join(response.context["form"].errors["review_on"])
    assert rows(Decision) == before
