"""Accounts' history: a login updates ``last_login`` alone, which is not an identity change and is
not kept (the account's history holds who it is, not when it was used)."""

from __future__ import annotations


def skip_login_stamp(sender, instance, update_fields=None, **kwargs) -> None:
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        instance.skip_history_when_saving = True


def after_save(sender, instance, **kwargs) -> None:
    if hasattr(instance, "skip_history_when_saving"):
        del instance.skip_history_when_saving
