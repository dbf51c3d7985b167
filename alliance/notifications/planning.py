"""Planning notifications: what producers say should be sent, stored once per event and person."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db import transaction

from alliance.models import Alliance, Notification, NotificationPreference
from alliance.notifications.preferences import Preferences
from alliance.registry import registered


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


def absolute_url(path: str) -> str:
    """The link an email carries: SITE_URL and the page's path."""
    return settings.SITE_URL.rstrip("/") + path


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
    for producer in registered("notification_producers") if producers is None else producers:
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
