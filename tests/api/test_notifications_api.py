from datetime import UTC, datetime

import pytest

from alliance import notifications
from alliance.models import Notification, NotificationKind, NotificationPreference
from alliance.notifications import Planned
from tests.factories import AllianceFactory
from tests.helpers import rows, viewer_of

pytestmark = pytest.mark.django_db

NOW = datetime(2023, 9, 20, 7, 0, tzinfo=UTC)


def deliver(alliance, email, count=1, prefix="a"):
    items = [
        Planned(
            alliance=alliance,
            kind=NotificationKind.ACTION_DUE,
            event_key=f"{prefix}:{n}",
            recipient_email=email,
            recipient_name="Reader",
            subject=f"Due soon: action {n}",
            body="Please complete it.",
            url="http://127.0.0.1:8000/",
            due_at=NOW,
        )
        for n in range(count)
    ]
    notifications.collect(NOW, producers=[lambda now: items])


@pytest.fixture
def alliance():
    return AllianceFactory(slug="dunmarrow")


@pytest.fixture
def viewer(alliance):
    return viewer_of(alliance)


def test_list_shows_only_my_notifications(viewer_api, viewer, alliance):
    deliver(alliance, viewer.email, 2)
    deliver(alliance, "someone-else@example.org", 1, prefix="b")
    response = viewer_api.get("/api/v1/notifications/")
    assert response.status_code == 200
    found = response.json()["results"]
    assert {n["subject"] for n in found} == {"Due soon: action 0", "Due soon: action 1"}
    assert found[0]["alliance"] == "dunmarrow"
    assert found[0]["is_read"] is False


def test_list_filters_unread(viewer_api, viewer, alliance):
    deliver(alliance, viewer.email, 2)
    Notification.objects.filter(event_key="a:0").update(read_at=NOW)
    found = viewer_api.get("/api/v1/notifications/?unread=true").json()["results"]
    assert [n["subject"] for n in found] == ["Due soon: action 1"]


def test_list_needs_a_login(anon_api):
    assert anon_api.get("/api/v1/notifications/").status_code == 401


def test_list_queries_do_not_grow_with_rows(viewer_api, viewer, alliance, django_assert_max_num_queries):
    deliver(alliance, viewer.email, 60)
    with django_assert_max_num_queries(6):
        response = viewer_api.get("/api/v1/notifications/?page_size=100")
    assert len(response.json()["results"]) == 60


def test_reader_marks_a_notification_read(viewer_api, viewer, alliance):
    deliver(alliance, viewer.email)
    notification = Notification.objects.get()
    response = viewer_api.post(f"/api/v1/notifications/{notification.pk}/read/")
    assert response.status_code == 200, response.content
    assert response.json()["is_read"] is True
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_marking_someone_elses_notification_is_404_and_writes_nothing(viewer_api, alliance):
    deliver(alliance, "someone-else@example.org")
    notification = Notification.objects.get()
    response = viewer_api.post(f"/api/v1/notifications/{notification.pk}/read/")
    assert response.status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_preferences_list_every_kind_with_defaults(viewer_api):
    response = viewer_api.get("/api/v1/notification-preferences/")
    assert response.status_code == 200
    assert [p["kind"] for p in response.json()] == list(NotificationKind.values)
    assert all(p["enabled"] and p["mode"] == "immediate" for p in response.json())


def test_put_preferences_saves_my_choices(viewer_api, viewer):
    response = viewer_api.put(
        "/api/v1/notification-preferences/",
        [
            {"kind": "action_due", "enabled": False, "mode": "immediate"},
            {"kind": "decision_opened", "enabled": True, "mode": "daily"},
        ],
        format="json",
    )
    assert response.status_code == 200, response.content
    chosen = {p["kind"]: (p["enabled"], p["mode"]) for p in response.json()}
    assert chosen["action_due"] == (False, "immediate")
    assert chosen["decision_opened"] == (True, "daily")
    assert NotificationPreference.objects.filter(user=viewer).count() == 2


def test_put_preferences_with_an_unknown_mode_is_400_and_writes_nothing(viewer_api):
    before = rows(NotificationPreference)
    response = viewer_api.put(
        "/api/v1/notification-preferences/", [{"kind": "action_due", "enabled": True, "mode": "weekly"}], format="json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert rows(NotificationPreference) == before


def test_put_preferences_that_are_not_a_list_is_400_saying_so(viewer_api):
    before = rows(NotificationPreference)
    response = viewer_api.put("/api/v1/notification-preferences/", {"kind": "action_due"}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "body_not_a_list"
    assert response.json()["detail"].startswith("The request body must be a JSON list")
    assert rows(NotificationPreference) == before


def test_marking_read_takes_no_fields(viewer_api, viewer, alliance):
    deliver(alliance, viewer.email)
    notification = Notification.objects.get()
    response = viewer_api.post(f"/api/v1/notifications/{notification.pk}/read/", {"read": True}, format="json")
    assert response.status_code == 400
    assert response.json()["detail"] == "read: Unknown field 'read'; this request takes no fields."
    notification.refresh_from_db()
    assert notification.read_at is None
