"""Notifications: who is told what, stored once per event and person, emailed by a scheduled command.

This module knows nothing of decisions or awards. Higher apps append *producers* to
:data:`PRODUCERS` from their ``AppConfig.ready()``: each is ``(now) -> Iterable[Planned]`` and says
what should be sent as of ``now``. :func:`collect` stores what is new (``event_key`` with the
address is the idempotency key, so a producer may repeat itself freely); :func:`send_due` emails
what is due through Django's email framework, honouring each person's preferences (off, at once,
or in one daily digest). ``manage.py send_notifications`` runs both; never a web request.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Q, QuerySet
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

from alliance.errors import RuleViolation
from alliance.models import Alliance, Notification, NotificationKind, NotificationPreference, Sending

__all__ = [
    "PRODUCERS",
    "Planned",
    "register",
    "absolute_url",
    "collect",
    "send_due",
    "run",
    "inbox_for",
    "unread_count",
    "mark_read",
    "mark_all_read",
    "preferences_for",
    "save_preferences",
]


@dataclass(frozen=True, kw_only=True)
class Planned:
    """A message a producer wants sent; nothing is stored until :func:`collect` sees it is new."""

    alliance: Alliance
    kind: str
    event_key: str
    recipient_email: str
    recipient_name: str
    subject: str
    body: str
    url: str
    due_at: datetime
    recipient_user: object | None = None


Producer = Callable[[datetime], Iterable[Planned]]
PRODUCERS: list[Producer] = []


def register(producer: Producer) -> None:
    """Add a producer once (ready() may run more than once in tests)."""
    if producer not in PRODUCERS:
        PRODUCERS.append(producer)


def absolute_url(path: str) -> str:
    """The link an email carries: SITE_URL and the page's path."""
    return settings.SITE_URL.rstrip("/") + path


# Preferences -------------------------------------------------------------------------------


Choice = tuple[bool, str]  # (enabled, mode)
DEFAULT_CHOICE: Choice = (True, NotificationPreference.Mode.IMMEDIATE)


class Preferences:
    """The choices of a set of recipients, loaded in one query; a login's choice beats an address's."""

    def __init__(self, recipients: Iterable[tuple[int | None, str]]):
        recipients = list(recipients)
        emails = {e.lower() for u, e in recipients if e and not u}
        self.user_by_email = _users_by_email(emails)
        user_ids = {u for u, _ in recipients if u} | set(self.user_by_email.values())
        self.by_user: dict[tuple[int, str], Choice] = {}
        self.by_email: dict[tuple[str, str], Choice] = {}
        rows = NotificationPreference.objects.annotate(address=Lower("email"))
        addresses = {e.lower() for _, e in recipients if e}
        for p in rows.filter(Q(user_id__in=user_ids) | Q(address__in=addresses)):
            if p.user_id:
                self.by_user[(p.user_id, p.kind)] = (p.enabled, p.mode)
            else:
                self.by_email[(p.address, p.kind)] = (p.enabled, p.mode)

    def choice(self, user_id: int | None, email: str, kind: str) -> Choice:
        # Whoever sees the message in their inbox (see _addressed_to) decides how it is emailed.
        user_id = user_id or self.user_by_email.get(email.lower())
        if user_id and (user_id, kind) in self.by_user:
            return self.by_user[(user_id, kind)]
        return self.by_email.get((email.lower(), kind), DEFAULT_CHOICE)


def _users_by_email(emails: set[str]) -> dict[str, int]:
    """The login each address belongs to, as the inbox matches it: its person's email, else its own.

    One query; where two logins share an address the oldest wins, so the choice is stable.
    """
    if not emails:
        return {}
    users = (
        get_user_model()
        .objects.annotate(own=Lower("email"), of_person=Lower("person__email"))
        .filter(Q(own__in=emails) | Q(of_person__in=emails))
        .order_by("-pk")
        .values_list("pk", "own", "of_person")
    )
    by_own, by_person = {}, {}
    for pk, own, of_person in users:
        if own in emails:
            by_own[own] = pk
        if of_person in emails:
            by_person[of_person] = pk
    return by_own | by_person


def preferences_for(user) -> list[dict]:
    """Every kind of notification with the user's choice: enabled and mode (at once by default)."""
    prefs = Preferences([(user.pk, "")])
    rows = []
    for kind, label in NotificationKind.choices:
        enabled, mode = prefs.choice(user.pk, "", kind)
        rows.append({"kind": kind, "label": label, "enabled": enabled, "mode": mode})
    return rows


@transaction.atomic
def save_preferences(*, user, choices: Iterable[dict]) -> list[dict]:
    """Record which kinds ``user`` wants by email, and whether at once or in a daily digest."""
    kinds, modes = dict(NotificationKind.choices), dict(NotificationPreference.Mode.choices)
    choices = list(choices)
    for choice in choices:
        if choice.get("kind") not in kinds:
            raise RuleViolation(
                "notification_kind_unknown",
                f"'{choice.get('kind')}' is not a kind of notification; use one of {', '.join(kinds)}.",
                field="kind",
            )
        if choice.get("mode", NotificationPreference.Mode.IMMEDIATE) not in modes:
            raise RuleViolation(
                "notification_mode_unknown",
                f"'{choice.get('mode')}' is not a way of sending; use 'immediate' or 'daily'.",
                field="mode",
            )
    existing = {p.kind: p for p in NotificationPreference.objects.select_for_update().filter(user=user)}
    for choice in choices:
        pref = existing.get(choice["kind"]) or NotificationPreference(user=user, kind=choice["kind"])
        enabled = bool(choice.get("enabled", True))
        mode = choice.get("mode") or NotificationPreference.Mode.IMMEDIATE
        if pref.pk and (pref.enabled, pref.mode) == (enabled, mode):
            continue
        pref.enabled, pref.mode = enabled, mode
        pref._change_reason = "Preferences changed by their owner"
        pref.save()
    return preferences_for(user)


# Collecting --------------------------------------------------------------------------------


@dataclass
class Collected:
    created: int = 0
    known: int = 0
    skipped: list[str] = field(default_factory=list)


def _recipient_user_id(planned: Planned) -> int | None:
    user = planned.recipient_user
    return getattr(user, "pk", user)


@transaction.atomic
def collect(now: datetime, *, producers: Iterable[Producer] | None = None) -> Collected:
    """Run every producer as of ``now`` and store the notifications not stored before (idempotent)."""
    result = Collected()
    planned: dict[tuple[str, str], Planned] = {}
    for producer in PRODUCERS if producers is None else producers:
        for item in producer(now):
            email = (item.recipient_email or "").strip().lower()
            if not email:
                result.skipped.append(
                    f"{item.recipient_name or 'Someone'} has no email address, so was not told of "
                    f"'{item.subject}' ({item.event_key}); add one on their person record."
                )
                continue
            planned.setdefault((item.event_key, email), item)
    if not planned:
        return result
    stored = set(
        Notification.objects.filter(event_key__in={key for key, _ in planned}).values_list(
            "event_key", "recipient_email"
        )
    )
    new = {k: p for k, p in planned.items() if k not in stored}
    result.known = len(planned) - len(new)
    prefs = Preferences((_recipient_user_id(p), email) for (_, email), p in new.items())
    rows = []
    for (event_key, email), p in new.items():
        user_id = _recipient_user_id(p)
        _, mode = prefs.choice(user_id, email, p.kind)
        rows.append(
            Notification(
                alliance=p.alliance,
                kind=p.kind,
                recipient_email=email,
                recipient_name=p.recipient_name,
                recipient_user_id=user_id,
                subject=p.subject[:300],
                body=p.body,
                url=p.url,
                event_key=event_key,
                created_at=now,
                due_at=p.due_at,
                digest=mode == NotificationPreference.Mode.DAILY,
            )
        )
    # A second run racing this one may store the same rows first; the constraint keeps one of each.
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    result.created = len(rows)
    return result


# Sending -----------------------------------------------------------------------------------


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


# The inbox ---------------------------------------------------------------------------------


def _addressed_to(user) -> Q:
    """A user's notifications: addressed to the login, to its email, or to its person's email.

    The person's email is read through the reverse name ``person`` that roles gives the user, as a
    lookup, not an import, so this app stays below roles.
    """
    own = Q(recipient_user=user)
    if user.email:
        own |= Q(recipient_email=user.email.lower())
    person_email = (
        get_user_model()
        .objects.filter(pk=user.pk, person__email__gt="")
        .annotate(address=Lower("person__email"))
        .values("address")
    )
    return own | Q(recipient_email__in=person_email)


def inbox_for(user) -> QuerySet[Notification]:
    """The user's notifications, newest first, with their alliance."""
    return Notification.objects.filter(_addressed_to(user)).select_related("alliance").order_by("-created_at", "-pk")


def unread_count(user) -> int:
    """Unread notifications of the user, in one query (shown in the site navigation)."""
    return Notification.objects.filter(_addressed_to(user), read_at__isnull=True).count()


@transaction.atomic
def mark_read(*, notification: Notification, user, now: datetime) -> Notification:
    """Mark one of the user's notifications as read (only their own: it is looked up in their inbox)."""
    try:
        notification = Notification.objects.filter(_addressed_to(user)).select_for_update().get(pk=notification.pk)
    except Notification.DoesNotExist:
        raise RuleViolation("notification_not_yours", "This notification is addressed to someone else.")
    if notification.read_at is None:
        notification.read_at = now
        notification.save(update_fields=["read_at"])
    return notification


@transaction.atomic
def mark_all_read(*, user, now: datetime) -> int:
    """Mark every unread notification of the user as read; returns how many were unread."""
    return Notification.objects.filter(_addressed_to(user), read_at__isnull=True).update(read_at=now)
