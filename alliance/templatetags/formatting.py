"""The product's formats as template filters, built into every template (settings TEMPLATES
``builtins``): ``{{ d|day }}`` 21/09/2023, ``{{ t|day_time }}`` 21/09/2023 16:00,
``{{ amount|money }}`` £240,000.00 (``money:"pounds"`` without pence). Nothing for no value."""

from datetime import date
from decimal import Decimal, InvalidOperation

from django import template

from alliance import formatting

register = template.Library()


# As Django's own filters: a value that is not a date (or an amount) shows nothing, never an error.


@register.filter
def day(value):
    return formatting.day(value, missing="") if isinstance(value, date) else ""


@register.filter
def day_time(value):
    return formatting.day_time(value, missing="") if isinstance(value, date) else ""


@register.filter
def money(value, precision: str = ""):
    try:
        amount = None if value in (None, "") else Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return ""
    return formatting.money(amount, missing="", pence=precision != "pounds")
