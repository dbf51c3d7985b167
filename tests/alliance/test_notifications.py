from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import CommandError, call_command

from alliance import notifications
from alliance.errors import RuleViolation
from alliance.models import Notification, NotificationKind, NotificationPreference, Sending
from alliance.notifications import Planned
from alliance.registry import register
from tests.factories import AllianceFactory, PersonFactory, UserFactory
from tests.helpers import registry_store, rows

pytestmark = pytest.mark.django_db

NOW = datetime(2023, 9, 20, 7, 0, tzinfo=UTC)


@pytest.fixture
def alliance():
    return AllianceFactory(slug="dunmarrow", name="Dunmarrow Homelessness Alliance")


def planned(alliance, key="decision-opened:1", email="rep@example.org", kind=NotificationKind.DECISION_OPENED, **kw):
    values = {
        "alliance": alliance,
        "kind": kind,
        "event_key": key,
        "recipient_email": email,
        "recipient_name": "Morag Rep",
        "subject": f"Subject of {key}",
        "body": "ALT-2023-001 is open for your vote.",
        "url": "http://127.0.0.1:8000/alliances/dunmarrow/decisions/1/",
        "due_at": NOW,
    }
    values.update(kw)
    return Planned(**values)


@pytest.fixture
def producing(alliance):
    """Replace the registered producers by one that yields whatever the test puts in ``items``."""
    items: list[Planned] = []
    with registry_store("notification_producers") as store:
        store.clear()
        register("notification_producers")(lambda now: list(items))
        yield items


# Collecting


def test_collect_stores_each_event_once_per_person(alliance):
    producer = lambda now: [planned(alliance), planned(alliance, email="Deputy@Example.org")]  # noqa: E731
    first = notifications.collect(NOW, producers=[producer])
    second = notifications.collect(NOW, producers=[producer])
    assert (first.created, first.known) == (2, 0)
    assert (second.created, second.known) == (0, 2)
    assert sorted(Notification.objects.values_list("recipient_email", flat=True)) == [
        "deputy@example.org",
        "rep@example.org",
    ]


def test_collect_skips_people_without_email_and_says_why(alliance):
    result = notifications.collect(NOW, producers=[lambda now: [planned(alliance, email="", recipient_name="Ann")]])
    assert result.created == 0
    assert result.skipped == [
        "Ann has no email address, so was not told of 'Subject of decision-opened:1' (decision-opened:1); "
        "add one on their person record."
    ]
    assert Notification.objects.count() == 0


def test_collect_marks_daily_digest_from_the_preference(alliance):
    user = UserFactory(email="rep@example.org")
    NotificationPreference.objects.create(user=user, kind=NotificationKind.DECISION_OPENED, mode="daily")
    notifications.collect(NOW, producers=[lambda now: [planned(alliance, recipient_user=user)]])
    assert Notification.objects.get().digest is True


# Sending


def test_send_due_sends_at_once_and_never_twice(alliance, mailoutbox):
    notifications.collect(NOW, producers=[lambda now: [planned(alliance)]])
    first = notifications.send_due(NOW)
    second = notifications.send_due(NOW + timedelta(hours=1))
    assert (first.messages, second.messages) == (1, 0)
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["rep@example.org"]
    assert message.subject == "Subject of decision-opened:1"
    assert "Open it: http://127.0.0.1:8000/alliances/dunmarrow/decisions/1/" in message.body
    assert "http://127.0.0.1:8000/notifications/preferences/" in message.body
    assert Notification.objects.get().sent_at == NOW


def test_notification_not_yet_due_waits(alliance, mailoutbox):
    later = NOW + timedelta(days=1)
    notifications.collect(NOW, producers=[lambda now: [planned(alliance, due_at=later)]])
    assert notifications.send_due(NOW).messages == 0
    assert notifications.send_due(later).messages == 1


def test_kind_turned_off_is_not_sent(alliance, mailoutbox):
    user = UserFactory(email="rep@example.org")
    NotificationPreference.objects.create(user=user, kind=NotificationKind.DECISION_OPENED, enabled=False)
    notifications.collect(NOW, producers=[lambda now: [planned(alliance, recipient_user=user)]])
    result = notifications.send_due(NOW)
    assert (result.messages, result.turned_off) == (0, 1)
    assert mailoutbox == []
    assert Notification.objects.get().skipped_reason == "Turned off in the recipient's preferences."
    assert notifications.send_due(NOW + timedelta(days=1)).turned_off == 0


def test_preference_by_address_applies_to_people_without_a_login(alliance, mailoutbox):
    NotificationPreference.objects.create(email="Rep@example.org", kind=NotificationKind.DECISION_OPENED, enabled=False)
    notifications.collect(NOW, producers=[lambda now: [planned(alliance)]])
    assert notifications.send_due(NOW).turned_off == 1


def test_preference_of_the_login_with_that_address_applies_without_a_person_link(alliance, mailoutbox):
    # The person record has no login, but the login's email is the person's: the inbox shows it,
    # so the login's choices decide the email too.
    user = UserFactory(email="Rep@Example.org")
    PersonFactory(email="rep@example.org", user=None)
    notifications.save_preferences(user=user, choices=[{"kind": NotificationKind.DECISION_OPENED, "enabled": False}])
    notifications.collect(NOW, producers=[lambda now: [planned(alliance)]])
    assert [n.pk for n in notifications.inbox_for(user)] == [Notification.objects.get().pk]
    result = notifications.send_due(NOW)
    assert (result.messages, result.turned_off) == (0, 1)
    assert mailoutbox == []


def test_preference_of_the_login_of_the_addressed_person_applies(alliance, mailoutbox):
    user = UserFactory(email="rachel@home.example.org")
    PersonFactory(email="R.Ogilvie@example.org", user=user)
    notifications.save_preferences(user=user, choices=[{"kind": NotificationKind.DECISION_OPENED, "mode": "daily"}])
    notifications.collect(NOW, producers=[lambda now: [planned(alliance, email="r.ogilvie@example.org")]])
    assert Notification.objects.get().digest is True
    notifications.send_due(NOW)
    assert [m.subject for m in mailoutbox] == ["Your daily summary: 1 notification"]


def test_preference_of_another_login_does_not_apply(alliance, mailoutbox):
    user = UserFactory(email="someone@example.org")
    notifications.save_preferences(user=user, choices=[{"kind": NotificationKind.DECISION_OPENED, "enabled": False}])
    notifications.collect(NOW, producers=[lambda now: [planned(alliance)]])
    assert notifications.send_due(NOW).messages == 1


def test_daily_digest_batches_a_day_in_one_email(alliance, mailoutbox):
    NotificationPreference.objects.create(email="rep@example.org", kind=NotificationKind.DECISION_OPENED, mode="daily")
    NotificationPreference.objects.create(email="rep@example.org", kind=NotificationKind.ACTION_DUE, mode="daily")
    notifications.collect(
        NOW,
        producers=[
            lambda now: [
                planned(alliance, key="decision-opened:1"),
                planned(alliance, key="action-due:7", kind=NotificationKind.ACTION_DUE),
            ]
        ],
    )
    assert notifications.send_due(NOW).messages == 1
    assert len(mailoutbox) == 1
    assert mailoutbox[0].subject == "Your daily summary: 2 notifications"
    assert "1. Subject of decision-opened:1" in mailoutbox[0].body
    assert "2. Subject of action-due:7" in mailoutbox[0].body

    # Later the same day a new one waits for tomorrow's digest.
    notifications.collect(NOW, producers=[lambda now: [planned(alliance, key="decision-opened:2")]])
    same_day = notifications.send_due(NOW + timedelta(hours=3))
    assert (same_day.messages, same_day.waiting_for_digest) == (0, 1)
    assert notifications.send_due(NOW + timedelta(days=1)).messages == 1
    assert len(mailoutbox) == 2


# The command


def test_command_sends_once_and_records_each_sending(producing, alliance, mailoutbox):
    producing.append(planned(alliance))
    out = []
    for _ in range(2):
        call_command("send_notifications", "--now", "2023-09-20T08:00", stdout=_Out(out))
    assert len(mailoutbox) == 1
    assert out[0].startswith("Sent 1 email(s) carrying 1 notification(s) as of 20/09/2023 08:00; 1 new")
    assert out[1].startswith("Sent 0 email(s) carrying 0 notification(s)")
    assert list(Sending.objects.order_by("pk").values_list("messages_count", "collected_count")) == [(1, 1), (0, 0)]
    assert Notification.objects.get().sending == Sending.objects.order_by("pk").first()


def test_command_reports_people_skipped_for_want_of_email(producing, alliance, mailoutbox):
    producing.append(planned(alliance, email="", recipient_name="Ann"))
    out = []
    call_command("send_notifications", "--now", "2023-09-20T08:00", stdout=_Out(out))
    assert "Skipped 1 recipient(s):" in out
    assert any(line.strip().startswith("Ann has no email address") for line in out)
    assert Sending.objects.get().skipped_count == 1


def test_dry_run_writes_and_sends_nothing(producing, alliance, mailoutbox):
    producing.append(planned(alliance))
    out = []
    before = rows(Notification, Sending)
    call_command("send_notifications", "--dry-run", "--now", "2023-09-20T08:00", stdout=_Out(out))
    assert out[0].startswith("Would send 1 email(s) carrying 1 notification(s)")
    assert mailoutbox == []
    assert rows(Notification, Sending) == before


def test_command_refuses_a_bad_now():
    with pytest.raises(CommandError, match="is not a date and time; use the form 2023-09-20T08:00"):
        call_command("send_notifications", "--now", "yesterday")


class _Out:
    def __init__(self, lines):
        self.lines = lines

    def write(self, text):
        self.lines.append(text.rstrip("\n"))

    def flush(self):
        pass


# The inbox and preferences


def test_inbox_holds_notifications_to_the_login_its_email_and_its_person(alliance):
    user = UserFactory(username="rachel", email="rachel@example.org")
    PersonFactory(name="Rachel Ogilvie", email="R.Ogilvie@example.org", user=user)
    producer = lambda now: [  # noqa: E731
        planned(alliance, key="a:1", email="someone@example.org", recipient_user=user),
        planned(alliance, key="a:2", email="rachel@example.org"),
        planned(alliance, key="a:3", email="r.ogilvie@example.org"),
        planned(alliance, key="a:4", email="other@example.org"),
    ]
    notifications.collect(NOW, producers=[producer])
    assert sorted(n.event_key for n in notifications.inbox_for(user)) == ["a:1", "a:2", "a:3"]
    assert notifications.unread_count(user) == 3


def test_mark_read_and_mark_all_read(alliance):
    user = UserFactory(email="rep@example.org")
    notifications.collect(NOW, producers=[lambda now: [planned(alliance, key="a:1"), planned(alliance, key="a:2")]])
    first = Notification.objects.get(event_key="a:1")
    notifications.mark_read(notification=first, user=user, now=NOW)
    assert notifications.unread_count(user) == 1
    assert notifications.mark_all_read(user=user, now=NOW) == 1
    assert notifications.unread_count(user) == 0


def test_mark_read_of_someone_elses_notification_is_refused(alliance):
    notifications.collect(NOW, producers=[lambda now: [planned(alliance)]])
    stranger = UserFactory(email="stranger@example.org")
    with pytest.raises(RuleViolation) as info:
        notifications.mark_read(notification=Notification.objects.get(), user=stranger, now=NOW)
    assert info.value.code == "notification_not_yours"
    assert Notification.objects.get().read_at is None


def test_save_preferences_keeps_history_and_reads_back():
    user = UserFactory()
    rows_after = notifications.save_preferences(
        user=user, choices=[{"kind": "action_due", "enabled": False, "mode": "immediate"}]
    )
    choice = next(r for r in rows_after if r["kind"] == "action_due")
    assert (choice["enabled"], choice["mode"]) == (False, "immediate")
    assert len(rows_after) == len(NotificationKind.choices)
    assert NotificationPreference.history.get().history_change_reason == "Preferences changed by their owner"


@pytest.mark.parametrize(
    ("choice", "code"),
    [
        ({"kind": "gossip", "enabled": True}, "notification_kind_unknown"),
        ({"kind": "action_due", "enabled": True, "mode": "weekly"}, "notification_mode_unknown"),
    ],
)
def test_save_preferences_refuses_unknown_kinds_and_modes(choice, code):
    user = UserFactory()
    before = rows(NotificationPreference)
    with pytest.raises(RuleViolation) as info:
        notifications.save_preferences(user=user, choices=[{"kind": "action_due", "enabled": False}, choice])
    assert info.value.code == code
    assert rows(NotificationPreference) == before
