"""The oversight notes page: oversight (and staff) read and write their notes; no one else does."""

from datetime import date

import pytest

from contracts.models import OversightNote
from roles.models import AccessGrant
from tests.factories import UserFactory
from tests.helpers import rows

pytestmark = pytest.mark.django_db

PAGE = "/alliances/dunmarrow/oversight/notes/"


def test_oversight_writes_and_reads_a_note(client, scene):
    auditor = UserFactory(username="auditor")
    AccessGrant.objects.create(user=auditor, alliance=scene.alliance, standing="oversight", starts_on=date(2000, 1, 1))
    client.force_login(auditor)
    response = client.post(PAGE, {"text": "Ask for the scoring sheets."})
    assert response.status_code == 302
    assert OversightNote.objects.get().author == auditor
    assert "Ask for the scoring sheets." in client.get(PAGE).content.decode()


def test_a_secretary_cannot_read_or_write_notes(client, scene):
    scene.secretary.user = UserFactory(username="secretary")
    scene.secretary.save()
    client.force_login(scene.secretary.user)
    before = rows(OversightNote)
    assert client.get(PAGE).status_code == 403
    assert client.post(PAGE, {"text": "Sneaky"}).status_code == 403
    assert rows(OversightNote) == before


def test_a_note_is_refused_with_a_message_when_the_audit_chain_has_lost_its_head(client, scene):
    from tests.alliance.test_audit import _delete_head

    auditor = UserFactory(username="auditor")
    AccessGrant.objects.create(user=auditor, alliance=scene.alliance, standing="oversight", starts_on=date(2000, 1, 1))
    client.force_login(auditor)
    _delete_head(f"alliance:{scene.alliance.pk}")
    before = rows(OversightNote)
    response = client.post(PAGE, {"text": "Ask for the scoring sheets."})
    assert response.status_code == 400
    assert (
        "are refused: the record of the audit chain&#x27;s last link (its head) is missing" in response.content.decode()
    )
    assert rows(OversightNote) == before
