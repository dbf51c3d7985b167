"""The canonical serialisation of a history row: the bytes the audit chain hashes (rule 9).

``normalise(field, value)`` is the definition: one field's value, as the ORM returns it, in the
one form that is hashed. The rest of this module is derived from it and gives the same bytes:

- ``converter(field)``: ``normalise`` with a shortcut for the types the ORM returns, used for every
  field of every row written (``canonical``) and compared (the drift check);
- ``reader(model, vendor)``: how verify_audit reads a history table with a plain cursor, for values
  as the database driver returns them (on SQLite, dates and times as their stored text).

Each shortcut covers only the shapes the database gives back and hands any other value to
``normalise``, so the bytes hashed never depend on the path taken; tests/alliance/
test_audit_canonical.py holds every fast path equal to the definition, value by value and through
a database round trip.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import partial
from operator import attrgetter

import orjson
from django.db import models
from django.utils.dateparse import parse_date, parse_datetime


def normalise(field: models.Field, value):
    """The canonical form of ``value`` (as the ORM returns it) for ``field``: JSON-ready, and equal
    for equal stored values whatever type the value arrives in."""
    if value is None:
        return None
    if isinstance(field, models.JSONField):
        return value
    try:
        value = field.to_python(value)
    except Exception:  # a value the field cannot read is hashed as text, and so still compared
        return str(value)
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat() if value.tzinfo else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        places = getattr(field, "decimal_places", None)
        return str(value.quantize(Decimal(1).scaleb(-places)) if places is not None else value)
    if isinstance(value, (bool, int, str, float)):
        return value
    return str(value)


def dumps(data) -> bytes:
    """Compact JSON with sorted keys. orjson where it can (ten times quicker, docs/performance.md); the
    standard library for what orjson refuses (integers above 64 bits, lone surrogates), so a value is
    always serialised the same way on writing and on verifying."""
    try:
        return orjson.dumps(data, option=orjson.OPT_SORT_KEYS, default=str)
    except TypeError:
        return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str).encode(
            "utf-8", "surrogatepass"
        )


# A run of digits as long as the largest 64-bit integers': orjson reads an integer beyond 64 bits
# as a float, where the ORM's json.loads reads an int.
_LONG_NUMBER = re.compile(r"\d{19}")


def loads(text: str):
    """JSON text as the ORM's JSONField decodes it (``json.loads``): orjson where the two agree."""
    if _LONG_NUMBER.search(text) is None:
        try:
            return orjson.loads(text)
        except orjson.JSONDecodeError:
            pass
    return json.loads(text)


def row_fields(model) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields if not f.primary_key]


# The fast paths ----------------------------------------------------------------------------


def _unchanged(field: models.Field) -> frozenset[type]:
    """The types whose values ``normalise`` returns unchanged for ``field`` (always None's): such a
    value is taken as it is, with one set lookup and no call (docs/performance.md)."""
    is_key = isinstance(field, models.ForeignKey)
    target = field.target_field if is_key else field
    if isinstance(target, models.BooleanField):
        return frozenset((type(None), bool))
    if isinstance(target, models.IntegerField):
        return frozenset((type(None), int))
    if isinstance(target, (models.CharField, models.TextField)) and not is_key:
        return frozenset((type(None), str))
    return frozenset((type(None),))


def _same(value):
    return value


def converter(field: models.Field) -> Callable:
    """``normalise`` for one field, with a shortcut for the value types the ORM returns: skipping
    ``to_python`` where it would return the value unchanged makes verify_audit several times quicker,
    and any other value takes the general path (docs/performance.md)."""
    slow = partial(normalise, field)
    if isinstance(field, models.JSONField):
        return _same
    if isinstance(field, models.DateTimeField):
        return lambda v: v.astimezone(UTC).isoformat() if type(v) is datetime and v.tzinfo else slow(v)
    if isinstance(field, models.DateField):
        return lambda v: v.isoformat() if type(v) is date else slow(v)
    if isinstance(field, models.DecimalField) and field.decimal_places is not None:
        places = Decimal(1).scaleb(-field.decimal_places)
        return lambda v: str(v.quantize(places)) if type(v) is Decimal else slow(v)
    kinds = _unchanged(field)
    if len(kinds) == 1:
        return slow
    return lambda v: v if type(v) in kinds else slow(v)


def _driver_converter(field: models.Field) -> Callable:
    """``converter`` for a value as a database driver returns it: JSON may still be text."""
    if isinstance(field, models.JSONField):
        return lambda v: loads(v) if type(v) is str else v
    return converter(field)


def _sqlite_converter(field: models.Field) -> Callable:
    """``converter`` for a value as SQLite's driver returns it, dates and times selected as text.

    Django stores an aware datetime in SQLite as its UTC wall time, ``YYYY-MM-DD HH:MM:SS[.ffffff]``,
    which is turned into ISO 8601 by slicing instead of being parsed into a datetime and formatted
    back; a date is stored as its ISO form already. Text in any other shape is read as the ORM reads
    it (naive means UTC) and takes the general path.
    """
    slow = partial(normalise, field)
    if isinstance(field, models.DateTimeField):

        def from_text(text):
            if len(text) in (19, 26) and text[10] == " ":
                return f"{text[:10]}T{text[11:]}+00:00"
            value = parse_datetime(text)
            return f"{value.isoformat()}+00:00" if type(value) is datetime and value.tzinfo is None else slow(value)

        return from_text
    if isinstance(field, models.DateField):

        def from_date_text(text):
            if len(text) == 10 and text[4] == "-" and text[7] == "-":
                return text
            value = parse_date(text)
            return value.isoformat() if type(value) is date else slow(value)

        return from_date_text
    if isinstance(field, models.DecimalField):
        return slow  # SQLite returns a number, which only the field can round as the ORM does
    return _driver_converter(field)


Plan = tuple[tuple[str, frozenset, Callable], ...]  # per field: its name, types kept as they are, converter


def _encoder(plan: Plan, label: str) -> Callable[[Sequence, object], bytes]:
    """The one serialiser every path shares: the canonical bytes of a row's ``values`` (in ``plan``'s
    order) and key, each value of a type its field keeps as it is taken so, any other converted.
    The type test is a set lookup inline in the comprehension, so a number or a text costs no call;
    of the derivations measured this is the quickest (docs/performance.md)."""
    names, kepts, converts = (tuple(column) for column in zip(*plan, strict=True)) if plan else ((), (), ())

    def encode(values: Sequence, pk) -> bytes:
        data = {
            name: value if type(value) in kept else convert(value)
            for name, kept, convert, value in zip(names, kepts, converts, values, strict=False)  # all as long
        }
        data["__model__"] = label
        data["__pk__"] = str(pk)
        return dumps(data)

    return encode


def _getter(names: list[str]) -> Callable:
    """The values of ``names`` on a row, as a tuple (``attrgetter`` returns a bare value for one name)."""
    if len(names) == 1:
        return lambda row: (getattr(row, names[0]),)
    return attrgetter(*names) if names else lambda row: ()


_plans: dict = {}


def canonical(row) -> bytes:
    """The row's stored values as canonical JSON: the same bytes before and after a round trip."""
    model = type(row)
    if model not in _plans:
        fields = row_fields(model)
        plan = tuple((f.attname, _unchanged(f), converter(f)) for f in fields)
        _plans[model] = (_encoder(plan, model._meta.label_lower), _getter([f.attname for f in fields]))
    encode, values = _plans[model]
    return encode(values(row), row.pk)


_readers: dict = {}


def reader(model, vendor: str) -> tuple[list[tuple[str, bool]], Callable[[Sequence, object], bytes]]:
    """How verify_audit reads one history table with a plain cursor: the columns to select (and
    whether to select each as text), and a function from those values and the row's key to its
    canonical bytes, equal to ``canonical(row)``. Built once per table from each field's converter
    for that database, which is what lets verify_audit read ~100,000 links a second
    (docs/performance.md)."""
    key = (model, vendor)
    if key not in _readers:
        sqlite = vendor == "sqlite"
        fields = row_fields(model)
        make = _sqlite_converter if sqlite else _driver_converter
        plan = tuple((f.attname, _unchanged(f), make(f)) for f in fields)
        columns = [(f.column, sqlite and isinstance(f, models.DateField)) for f in fields]
        _readers[key] = (columns, _encoder(plan, model._meta.label_lower))
    return _readers[key]
