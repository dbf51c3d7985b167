"""Publishing an agenda, and changing it after, tell the body's seats through send_notifications."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command

from alliance.models import Notification, NotificationKind
from decisions import services
from roles.standing import SYSTEM
from tests.factories import MeetingFactory

pytestmark = pytest.mark.django_db

MEETING_AT = datetime(2021, 3, 18, 10, 0, tzinfo=UTC)
PUBLISHED = MEETING_AT - timedelta(days=10)


def send(now) -> None:
    class Out:
        def write(self, text):
            pass

        def flush(self):
            pass

    call_command("send_notifications", "--now", now.isoformat(), stdout=Out())


@pytest.fixture
def meeting(scene):
    meeting = MeetingFactory(body=scene.body, starts_at=MEETING_AT, title="ALT March meeting")
    services.add_agenda_item(actor=SYSTEM, meeting=meeting, title="Apologies", purpose="information")
    services.add_agenda_item(actor=SYSTEM, meeting=meeting, title="Outreach redesign", purpose="decision")
    return meeting


def test_nothing_is_sent_before_publishing(meeting):
    send(PUBLISHED)
    assert not Notification.objects.filter(kind=NotificationKind.AGENDA_PUBLISHED).exists()


def test_publishing_sends_the_agenda_to_each_representative_once(scene, meeting, mailoutbox):
    services.publish_agenda(actor=SYSTEM, meeting=meeting, now=PUBLISHED)
    assert not mailoutbox  # planned, never sent inside the request
    send(PUBLISHED + timedelta(minutes=5))
    send(PUBLISHED + timedelta(minutes=10))
    sent = Notification.objects.filter(kind=NotificationKind.AGENDA_PUBLISHED)
    assert sorted(sent.values_list("recipient_email", flat=True)) == sorted(r.email.lower() for r in scene.reps)
    body = sent.first().body
    assert "1. Apologies (for information)" in body and "2. Outreach redesign (for decision)" in body
    assert "18/03/2021" in body
    assert sent.first().url.endswith(f"/alliances/dunmarrow/meetings/{meeting.pk}/agenda/")
    assert len(mailoutbox) == len(scene.reps)


def test_a_deputy_hears_too(scene, meeting):
    deputy = scene.deputy(0, "Dee Deputy")
    services.publish_agenda(actor=SYSTEM, meeting=meeting, now=PUBLISHED)
    send(PUBLISHED + timedelta(minutes=5))
    assert Notification.objects.filter(
        kind=NotificationKind.AGENDA_PUBLISHED, recipient_email=deputy.email.lower()
    ).exists()


def test_a_change_after_publishing_tells_the_seats_again(scene, meeting):
    services.publish_agenda(actor=SYSTEM, meeting=meeting, now=PUBLISHED)
    send(PUBLISHED + timedelta(minutes=5))
    item = meeting.agenda_items.get(position=2)
    changed_at = PUBLISHED + timedelta(days=1)
    services.update_agenda_item(
        actor=SYSTEM, item=item, title="Outreach redesign: final proposal", change_note="Retitled.", now=changed_at
    )
    send(changed_at + timedelta(minutes=5))
    changed = Notification.objects.filter(kind=NotificationKind.AGENDA_CHANGED)
    assert changed.count() == len(scene.reps)
    assert "Retitled." in changed.first().body and changed.first().subject.startswith("Agenda changed")
