"""Who wants which kind of notification by email, at once or in a daily digest."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Lower

from alliance.errors import RuleViolation
from alliance.models import NotificationKind, NotificationPreference

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
