"""Detail pages show their record's history as a list of changes with who, when, why and what."""

import pytest

from decisions import services
from tests.decisions.scene import make_scene

pytestmark = pytest.mark.django_db


def test_decision_page_lists_changes_with_the_field_diff(client, staff):
    scene = make_scene(voting=2)
    decision = scene.open()
    services.update_decision(decision=decision, rationale="Because the winter plan needs it.")
    client.force_login(staff)
    content = client.get(f"/alliances/dunmarrow/decisions/{decision.pk}/").content.decode()
    assert 'id="history-heading"' in content
    assert "<ins>Because the winter plan needs it.</ins>" in content
    assert "<strong>Created</strong>" in content


def test_role_page_lists_its_history(client, staff):
    scene = make_scene(voting=1)
    role = scene.alliance.roles.get(title="ALT secretary")
    client.force_login(staff)
    content = client.get(f"/alliances/dunmarrow/roles/{role.pk}/").content.decode()
    assert 'id="history-heading"' in content
    assert "<strong>Created</strong>" in content


def test_a_change_made_on_a_page_records_the_user_and_the_web_as_its_source(client, staff):
    from alliance.models import AuditLink
    from decisions.models import Meeting

    scene = make_scene(voting=1)
    client.force_login(staff)
    response = client.post(
        "/alliances/dunmarrow/meetings/new/",
        {"body": scene.body.pk, "starts_at": "2031-05-01T10:00", "title": "Spring ALT", "location": "Town hall"},
    )
    assert response.status_code == 302, response.content.decode()[:500]
    meeting = Meeting.objects.get(title="Spring ALT")
    assert meeting.history.get().history_user == staff
    link = AuditLink.objects.get(object_model="decisions.meeting", object_id=str(meeting.pk))
    assert (link.source, link.user_id) == ("web", staff.pk)
