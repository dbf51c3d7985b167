"""The in-app inbox: a user's notifications, unread counts, marking read."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q, QuerySet
from django.db.models.functions import Lower

from alliance.errors import RuleViolation
from alliance.models import Notification


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
