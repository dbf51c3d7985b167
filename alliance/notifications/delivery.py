"""Sending notifications: email what is due, at once or in one daily digest, never twice."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, time

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from alliance.models import Notification, NotificationPreference, Sending
from alliance.notifications.planning import Collected, absolute_url, collect
from alliance.notifications.preferences import Preferences


@dataclass
class Sent:
    messages: int = 0
    notifications: int = 0
    turned_off: int = 0
    waiting_for_digest: int = 0


def _footer() -> str:
    return (
        "\n\n--\nYou receive this from the alliance governance tracker. Choose what you are sent, and whether "
        f"at once or in a daily digest: {absolute_url(reverse('notification-preferences'))}"
    )


def _message(notification: Notification) -> str:
    link = f"\n\nOpen it: {notification.url}" if notification.url else ""
    return f"Dear {notification.recipient_name or notification.recipient_email},\n\n{notification.body}{link}"


def _digest(email: str, items: list[Notification]) -> EmailMessage:
    name = items[0].recipient_name or email
    parts = [f"Dear {name},\n\nYour daily summary from the alliance governance tracker:"]
    for n, item in enumerate(items, 1):
        link = f"\n   Open it: {item.url}" if item.url else ""
        parts.append(f"{n}. {item.subject}\n   {item.body}{link}")
    subject = f"Your daily summary: {len(items)} notification{'s' if len(items) != 1 else ''}"
    return EmailMessage(subject, "\n\n".join(parts) + _footer(), settings.DEFAULT_FROM_EMAIL, [email])


def _start_of_day(now: datetime) -> datetime:
    local = timezone.localtime(now)
    return timezone.make_aware(datetime.combine(local.date(), time.min), local.tzinfo)


@transaction.atomic
def send_due(now: datetime, *, sending: Sending | None = None, connection=None) -> Sent:
    """Email every notification due by ``now``: at once, or one digest a day per person; never twice."""
    due = list(
        Notification.objects.due(now)
        .select_for_update(skip_locked=True)
        .order_by("recipient_email", "created_at", "pk")
    )
    result = Sent()
    if not due:
        return result
    prefs = Preferences({(n.recipient_user_id, n.recipient_email) for n in due})
    digests_sent_today = set(
        Notification.objects.filter(
            recipient_email__in={n.recipient_email for n in due}, digest=True, sent_at__gte=_start_of_day(now)
        ).values_list("recipient_email", flat=True)
    )
    messages, sent, turned_off = [], [], []
    waiting: dict[str, list[Notification]] = defaultdict(list)
    for n in due:
        enabled, mode = prefs.choice(n.recipient_user_id, n.recipient_email, n.kind)
        n.digest = mode == NotificationPreference.Mode.DAILY
        if not enabled:
            n.skipped_reason = "Turned off in the recipient's preferences."
            turned_off.append(n)
        elif n.digest:
            waiting[n.recipient_email].append(n)
        else:
            messages.append(
                EmailMessage(n.subject, _message(n) + _footer(), settings.DEFAULT_FROM_EMAIL, [n.recipient_email])
            )
            sent.append(n)
    for email, items in waiting.items():
        if email in digests_sent_today:
            result.waiting_for_digest += len(items)
            continue
        messages.append(_digest(email, items))
        sent.extend(items)
    if messages:
        (connection or get_connection()).send_messages(messages)
    for n in sent:
        n.sent_at, n.sending = now, sending
    Notification.objects.bulk_update(sent, ["sent_at", "sending", "digest"])
    Notification.objects.bulk_update(turned_off, ["skipped_reason", "digest"])
    result.messages, result.notifications, result.turned_off = len(messages), len(sent), len(turned_off)
    return result


@dataclass
class Run:
    collected: Collected
    sent: Sent
    sending: Sending | None


@transaction.atomic
def run(now: datetime, *, connection=None, record: bool = True) -> Run:
    """Collect, then send what is due, and record the sending (the send_notifications command)."""
    collected = collect(now)
    sending = Sending.objects.create(started_at=now, finished_at=now) if record else None
    sent = send_due(now, sending=sending, connection=connection)
    if sending is not None:
        sending.finished_at = timezone.now()
        sending.collected_count = collected.created
        sending.messages_count = sent.messages
        sending.notifications_count = sent.notifications
        sending.skipped_count = len(collected.skipped)
        sending.report = "\n".join(collected.skipped)
        sending.save()
    return Run(collected, sent, sending)
