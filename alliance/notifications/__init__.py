"""Notifications: who is told what, stored once per event and person, emailed by a scheduled command.

This package knows nothing of decisions or awards. Higher apps register *producers* in the registry
(``@register("notification_producers")`` of alliance.registry, in their ``notifications`` module):
each is ``(now) -> Iterable[Planned]`` and says what should be sent as of ``now``.
:func:`collect` (``planning``) stores what is new (``event_key`` with the address is the
idempotency key, so a producer may repeat itself freely); :func:`send_due` (``delivery``) emails
what is due through Django's email framework, honouring each person's preferences
(``preferences``: off, at once, or in one daily digest). ``manage.py send_notifications`` runs
both; never a web request. ``inbox`` holds what the inbox pages and the API read and mark; the
pages themselves are in ``views``.
"""

from alliance.notifications.delivery import Run, Sent, run, send_due
from alliance.notifications.inbox import inbox_for, mark_all_read, mark_read, unread_count
from alliance.notifications.planning import Collected, Planned, Producer, absolute_url, collect
from alliance.notifications.preferences import preferences_for, save_preferences

__all__ = [
    "Planned",
    "Producer",
    "Collected",
    "Sent",
    "Run",
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
