"""How the product writes dates, moments and money for people: one place for messages, pages,
notifications and exports, so "21/09/2023" and "£240,000.00" read the same everywhere.

Templates use the same functions as filters (``alliance/templatetags/formatting.py``, built in):
``{{ d|day }}``, ``{{ t|day_time }}``, ``{{ amount|money }}``.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.utils import timezone

__all__ = ["day", "day_at_time", "day_time", "money", "period", "time_on_day"]


def day(value: date | datetime | None, missing: str = "open-ended") -> str:
    """A date as 21/09/2023; a moment is taken on its local day. ``missing`` when there is none
    (an end date that is not set means "open-ended")."""
    if value is None or value == "":
        return missing
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    return value.strftime("%d/%m/%Y")


def day_time(value: datetime | None, missing: str = "", *, seconds: bool = False) -> str:
    """A moment as 21/09/2023 16:00 (16:00:05 with ``seconds``, where the audit trail tells changes
    apart), in the site's time zone."""
    if value is None or value == "":
        return missing
    if not isinstance(value, datetime):
        return day(value)
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.strftime("%d/%m/%Y %H:%M:%S" if seconds else "%d/%m/%Y %H:%M")


def time_on_day(value: datetime) -> str:
    """A moment as people say it in a sentence: 16:00 on 21/09/2023."""
    return f"{timezone.localtime(value):%H:%M on %d/%m/%Y}"


def day_at_time(value: datetime) -> str:
    """A deadline as people say it in a sentence: 21/09/2023 at 16:00."""
    return f"{timezone.localtime(value):%d/%m/%Y at %H:%M}"


def money(amount: Decimal | int | float | None, missing: str = "no financial limit", *, pence: bool = True) -> str:
    """An amount in pounds as £240,000.00 (or £240,000 without ``pence``)."""
    if amount is None or amount == "":
        return missing
    return f"£{Decimal(amount):,.2f}" if pence else f"£{Decimal(amount):,.0f}"


def period(starts: date, ends: date | None) -> str:
    """From one day to another, or from a day on when it has no end."""
    return f"{day(starts)} to {day(ends)}" if ends else f"from {day(starts)}"
