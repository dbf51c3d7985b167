from datetime import UTC, datetime

import pytest

from alliance import notifications
from alliance.models import Notification, NotificationKind, NotificationPreference
from alliance.notifications import Planned
from tests.factories import AllianceFactory
from tests.helpers import viewer_of

pytestmark = pytest.mark.django_db

NOW = datetime(2023, 9, 20, 7, 0, tzinfo=UTC)


def deliver(alliance, email, count=1):
    items = [
        Planned(
            alliance=alliance,
            kind=NotificationKind.DECISION_OPENED,
            event_key=f"decision-opened:{n}",
            recipient_email=email,
            recipient_name="Reader",
            subject=f"Your vote is asked: ALT-2023-{n:03d}",
            body="Please read the proposal and vote.",
            url=f"http://127.0.0.1:8000/alliances/dunmarrow/decisions/{n}/",
            due_at=NOW,
        )
        for n in range(count)
    ]
    notifications.collect(NOW, producers=[lambda now: items])


@pytest.fixture
def reader(client, viewer):
    client.force_login(viewer)
    return client


@pytest.fixture
def alliance():
    return AllianceFactory(slug="dunmarrow", name="Dunmarrow Homelessness Alliance")


@pytest.fixture
def viewer(alliance):
    return viewer_of(alliance)


def test_inbox_needs_a_login(client):
    assert client.get("/inbox/").status_code == 302


def test_inbox_lists_my_notifications_and_the_unread_count(reader, viewer, alliance):
    deliver(alliance, viewer.email, 2)
    content = reader.get("/inbox/").content.decode()
    assert "Your vote is asked: ALT-2023-000" in content
    assert "Your vote is asked: ALT-2023-001" in content
    assert 'class="badge badge-count">2<' in content


def test_empty_inbox_says_so(reader):
    assert "No notifications yet." in reader.get("/inbox/").content.decode()


def test_mark_as_read_and_the_unread_filter(reader, viewer, alliance):
    deliver(alliance, viewer.email, 2)
    first = Notification.objects.get(event_key="decision-opened:0")
    response = reader.post(f"/inbox/{first.pk}/read/")
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.read_at is not None
    content = reader.get("/inbox/?unread=1").content.decode()
    assert "ALT-2023-001" in content
    assert "ALT-2023-000" not in content


def test_mark_all_read(reader, viewer, alliance):
    deliver(alliance, viewer.email, 3)
    response = reader.post("/inbox/read-all/", follow=True)
    assert "Marked 3 notifications as read." in response.content.decode()
    assert not Notification.objects.unread().exists()
    assert "badge-count" not in response.content.decode()


def test_marking_someone_elses_notification_is_404(reader, alliance):
    deliver(alliance, "someone-else@example.org")
    notification = Notification.objects.get()
    assert reader.post(f"/inbox/{notification.pk}/read/").status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_inbox_page_queries_do_not_grow_with_rows(reader, viewer, alliance, django_assert_max_num_queries):
    deliver(alliance, viewer.email, 25)
    with django_assert_max_num_queries(8):
        response = reader.get("/inbox/")
    assert response.content.decode().count('class="inbox-item unread"') == 25


def test_preferences_page_saves_choices(reader, viewer):
    content = reader.get("/notifications/preferences/").content.decode()
    assert "Decision opened for your vote" in content
    data = {f"enabled_{kind}": "on" for kind in NotificationKind.values if kind != "action_due"}
    data["mode_decision_opened"] = "daily"
    response = reader.post("/notifications/preferences/", data, follow=True)
    assert "Your notification preferences are saved." in response.content.decode()
    action = NotificationPreference.objects.get(user=viewer, kind="action_due")
    opened = NotificationPreference.objects.get(user=viewer, kind="decision_opened")
    assert (action.enabled, opened.mode) == (False, "daily")


def test_preferences_page_refuses_an_unknown_mode(reader, viewer):
    response = reader.post("/notifications/preferences/", {"mode_action_due": "weekly"}, follow=True)
    assert "&#x27;weekly&#x27; is not a way of sending" in response.content.decode()
    assert not NotificationPreference.objects.exists()
