"""The web forms ask roles/access.py who keeps a body's record, as the API does: a
secretary of the AMT cannot record anything on an ALT decision or meeting through the pages."""

import pytest

from decisions.models import Decision, Meeting, Recusal
from tests.factories import (
    GoverningBodyFactory,
    MeetingFactory,
    PersonFactory,
    RoleAssignmentFactory,
    RoleFactory,
    UserFactory,
)
from tests.helpers import rows

pytestmark = pytest.mark.django_db

BASE = "/alliances/dunmarrow"


@pytest.fixture
def amt_secretary(client, scene):
    amt = GoverningBodyFactory(alliance=scene.alliance, code="AMT", name="Alliance Management Team")
    user = UserFactory(username="amt-secretary")
    RoleAssignmentFactory(
        role=RoleFactory(alliance=scene.alliance, kind="secretary", body=amt, title="AMT secretary"),
        person=PersonFactory(name="Amt Clerk", user=user),
    )
    client.force_login(user)
    return amt


@pytest.fixture
def alt_secretary(client, scene):
    scene.secretary.user = UserFactory(username="alt-secretary")
    scene.secretary.save()
    client.force_login(scene.secretary.user)
    return client


@pytest.mark.parametrize("step", ["open", "close", "withdraw", "recusals", "actions"])
def test_amt_secretary_cannot_use_the_forms_of_an_alt_decision(client, scene, amt_secretary, step):
    decision = scene.open() if step != "open" else scene.draft()
    before = rows(Decision, Recusal)
    assert client.get(f"{BASE}/decisions/{decision.pk}/{step}/").status_code == 403
    post = {"reason": "Because", "membership": scene.members[0].pk}
    assert client.post(f"{BASE}/decisions/{decision.pk}/{step}/", post).status_code == 403
    assert rows(Decision, Recusal) == before
    assert Decision.objects.get(pk=decision.pk).status == decision.status


@pytest.mark.parametrize("step", ["held", "cancel", "minutes"])
def test_amt_secretary_cannot_use_the_forms_of_an_alt_meeting(client, scene, amt_secretary, step):
    meeting = MeetingFactory(body=scene.body)
    before = rows(Meeting)
    assert client.post(f"{BASE}/meetings/{meeting.pk}/{step}/", {"reason": "No", "minutes": "x"}).status_code == 403
    assert rows(Meeting) == before


def test_amt_secretary_cannot_draft_for_the_alt(client, scene, amt_secretary):
    before = rows(Decision)
    form = client.get(f"{BASE}/decisions/new/").context["form"]
    assert [body.code for body in form.fields["body"].queryset] == ["AMT"]
    response = client.post(
        f"{BASE}/decisions/new/",
        {
            "body": scene.body.pk,
            "title": "Take over",
            "proposal": "That the AMT decides.",
            "kind": "KEY",
            "checked": "1",
        },
    )
    assert response.status_code == 200 and "body" in response.context["form"].errors
    assert rows(Decision) == before


def test_alt_secretary_may_use_the_forms_of_an_alt_decision(alt_secretary, scene):
    decision = scene.open()
    assert alt_secretary.get(f"{BASE}/decisions/{decision.pk}/close/").status_code == 200
    response = alt_secretary.post(f"{BASE}/decisions/{decision.pk}/withdraw/", {"reason": "Overtaken"})
    assert response.status_code == 302
    assert Decision.objects.get(pk=decision.pk).status == Decision.Status.WITHDRAWN


def test_decision_page_offers_no_recording_to_the_amt_secretary(client, scene, amt_secretary):
    decision = scene.open()
    assert client.get(f"{BASE}/decisions/{decision.pk}/").context["can_record"] is False
