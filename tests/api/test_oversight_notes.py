"""Oversight's own notes: written and read by oversight (and staff) only; an author
edits their own note; a refused write leaves no row and no history row."""

from datetime import date

import pytest

from alliance.errors import RuleViolation
from contracts import services
from contracts.models import OversightNote
from roles.models import AccessGrant
from tests.factories import AllianceFactory, UserFactory
from tests.helpers import actor_for, refused, rows, token_client, viewer_of

pytestmark = pytest.mark.django_db

URL = "/api/v1/oversight-notes/"


def oversight_user(alliance, username="auditor"):
    user = UserFactory(username=username)
    AccessGrant.objects.create(user=user, alliance=alliance, standing="oversight", starts_on=date(2000, 1, 1))
    return user


@pytest.fixture
def auditor(scene):
    return oversight_user(scene.alliance)


def test_oversight_writes_a_note_on_a_decision(auditor, scene):
    decision = scene.open()
    response = token_client(auditor).post(
        URL, {"alliance": "dunmarrow", "decision": decision.pk, "text": "Check the recusals."}, format="json"
    )
    assert response.status_code == 201
    note = OversightNote.objects.get()
    assert (note.decision, note.author, note.text) == (decision, auditor, "Check the recusals.")
    assert note.history.count() == 1


def test_oversight_lists_and_edits_its_own_note(auditor, scene):
    note = services.write_oversight_note(actor=actor_for(auditor), alliance=scene.alliance, text="First")
    client = token_client(auditor)
    assert [n["id"] for n in client.get(URL, {"alliance": "dunmarrow"}).json()["results"]] == [note.pk]
    response = client.patch(f"{URL}{note.pk}/", {"text": "Second"}, format="json")
    assert response.status_code == 200 and response.json()["text"] == "Second"
    assert note.history.count() == 2


def test_viewer_cannot_write_or_read_notes(auditor, scene):
    viewer_api = token_client(viewer_of(scene.alliance))
    note = services.write_oversight_note(actor=actor_for(auditor), alliance=scene.alliance, text="Private")
    before = rows(OversightNote)
    assert viewer_api.post(URL, {"alliance": "dunmarrow", "text": "Mine"}, format="json").status_code == 403
    assert viewer_api.get(URL).json()["count"] == 0
    assert viewer_api.get(f"{URL}{note.pk}/").status_code == 404
    assert rows(OversightNote) == before


def test_anonymous_cannot_read_notes(anon_api, auditor, scene):
    services.write_oversight_note(actor=actor_for(auditor), alliance=scene.alliance, text="Private")
    assert anon_api.get(URL).status_code in (401, 403)


def test_oversight_cannot_edit_another_members_note(auditor, scene):
    note = services.write_oversight_note(actor=actor_for(auditor), alliance=scene.alliance, text="Mine")
    other = oversight_user(scene.alliance, "second-auditor")
    before = rows(OversightNote)
    response = token_client(other).patch(f"{URL}{note.pk}/", {"text": "Changed"}, format="json")
    assert response.status_code == 403
    assert rows(OversightNote) == before


def test_oversight_of_another_alliance_cannot_write_here(scene):
    outsider = oversight_user(AllianceFactory(), "outsider")
    before = rows(OversightNote)
    # An alliance the caller may not read is refused as one that does not exist: the message names nothing.
    response = token_client(outsider).post(URL, {"alliance": "dunmarrow", "text": "Hello"}, format="json")
    assert response.status_code == 400 and response.json()["field"] == "alliance"
    assert response.json()["errors"]["alliance"] == [
        "No alliance you may read has the slug 'dunmarrow'; check it (the list of that record gives it), "
        "or ask the alliance's secretary for access."
    ]
    # One whose register is public is readable: then the service refuses the standing (roles/standing.py).
    scene.alliance.publish_register = True
    scene.alliance.save()
    response = token_client(outsider).post(URL, {"alliance": "dunmarrow", "text": "Hello"}, format="json")
    assert response.status_code == 403 and response.json()["code"] == "not_permitted"
    assert "oversight group" in response.json()["detail"]
    assert rows(OversightNote) == before


def test_notes_cannot_be_deleted(auditor, scene):
    note = services.write_oversight_note(actor=actor_for(auditor), alliance=scene.alliance, text="Kept")
    assert token_client(auditor).delete(f"{URL}{note.pk}/").status_code == 405


def test_staff_reads_every_note(staff_api, auditor, scene):
    services.write_oversight_note(actor=actor_for(auditor), alliance=scene.alliance, text="Seen")
    assert staff_api.get(URL).json()["count"] == 1


def test_note_on_a_decision_of_another_alliance_is_refused_and_writes_nothing(auditor, scene):
    other = make_scene_decision_elsewhere()
    before = rows(OversightNote)
    with pytest.raises(RuleViolation) as info:
        services.write_oversight_note(actor=actor_for(auditor), alliance=scene.alliance, text="x", decision=other)
    assert info.value.code == "note_other_alliance"
    assert str(other.alliance) not in info.value.message and other.title not in info.value.message
    assert rows(OversightNote) == before


def test_empty_note_is_refused(auditor, scene):
    with pytest.raises(RuleViolation) as info:
        services.write_oversight_note(actor=actor_for(auditor), alliance=scene.alliance, text="   ")
    assert info.value.field == "text"
    assert rows(OversightNote) == {"OversightNote": 0, "OversightNote.history": 0}


def make_scene_decision_elsewhere():
    from tests.factories import DecisionFactory

    return DecisionFactory(body__alliance=AllianceFactory())


# The standing is the service's: the same refusal whoever calls it


def test_the_service_refuses_a_note_from_someone_without_oversight(scene):
    viewer = viewer_of(scene.alliance, username="viewer")
    refused(
        "not_permitted",
        lambda: services.write_oversight_note(actor=actor_for(viewer), alliance=scene.alliance, text="Mine"),
        OversightNote,
    )


def test_the_service_lets_an_author_edit_only_their_own_note(auditor, scene):
    note = services.write_oversight_note(actor=actor_for(auditor), alliance=scene.alliance, text="Mine")
    services.edit_oversight_note(actor=actor_for(auditor), note=note, text="Mine, corrected")
    other = oversight_user(scene.alliance, "second-auditor")
    refused(
        "not_permitted",
        lambda: services.edit_oversight_note(actor=actor_for(other), note=note, text="Changed"),
        OversightNote,
    )
    note.refresh_from_db()
    assert (note.text, note.author) == ("Mine, corrected", auditor)


def test_the_notes_page_refuses_a_note_from_a_viewer(client, scene):
    client.force_login(viewer_of(scene.alliance, username="viewer"))
    before = rows(OversightNote)
    assert client.post("/alliances/dunmarrow/oversight/notes/", {"text": "Mine"}).status_code == 403
    assert rows(OversightNote) == before


def test_the_notes_page_writes_oversights_note_through_the_service(client, auditor, scene):
    client.force_login(auditor)
    response = client.post("/alliances/dunmarrow/oversight/notes/", {"text": "Ask about the scores."})
    assert response.status_code == 302
    assert OversightNote.objects.get().author == auditor
