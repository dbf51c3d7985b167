"""Rule 9: the audit chain hashes one canonical form of a history row, ``normalise``; every fast path
(the ORM converters behind ``canonical``, the raw-cursor readers behind verify_audit) must give its
bytes exactly, or a chain written one way would not verify the other way."""

import json
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, models
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alliance.audit.canonical import (
    _driver_converter,
    _sqlite_converter,
    canonical,
    converter,
    dumps,
    loads,
    normalise,
    reader,
    row_fields,
)
from alliance.audit.chain import history_models

ZONES = [UTC, ZoneInfo("Europe/London"), ZoneInfo("Pacific/Chatham"), timezone(timedelta(hours=-3, minutes=-30))]
EARLIEST, LATEST = datetime(1900, 1, 1), datetime(2200, 12, 31)
AWARE = st.datetimes(EARLIEST, LATEST, timezones=st.sampled_from(ZONES), allow_imaginary=False)
NAIVE = st.datetimes(EARLIEST, LATEST)
# What a database can store as text: no NUL (PostgreSQL refuses it), no lone surrogate (not UTF-8).
STORABLE = st.characters(exclude_categories=("Cs",), exclude_characters="\x00")
ODD_TEXT = st.text() | st.text(st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF) | STORABLE, max_size=8)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**100), 2**100) | st.text(STORABLE, max_size=10),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(STORABLE, max_size=6), inner, max_size=4),
    max_leaves=12,
)
QUICK = settings(max_examples=150, deadline=None)


def _kinds() -> dict:
    """One field of each kind the history models have (a decimal per number of places)."""
    found = {}
    for model in history_models():
        for field in row_fields(model):
            target = field.target_field if isinstance(field, models.ForeignKey) else field
            key = (type(field).__name__, type(target).__name__, getattr(field, "decimal_places", None))
            found.setdefault(key, field)
    return found


KINDS = _kinds()


def values_of(field: models.Field, *, storable: bool = False) -> st.SearchStrategy:
    """Values of ``field`` as the ORM returns them (``storable``: that the database can hold)."""
    if isinstance(field, models.ForeignKey):
        base = st.integers(1, 2**31 - 1) if not field.db_constraint else st.nothing()
    elif isinstance(field, models.DateTimeField):
        base = AWARE if storable else AWARE | NAIVE
    elif isinstance(field, models.DateField):
        base = st.dates(EARLIEST.date(), LATEST.date())
    elif isinstance(field, models.DecimalField):
        bound = Decimal(10) ** (field.max_digits - field.decimal_places) - 1
        base = st.decimals(-bound, bound, places=field.decimal_places, allow_nan=False, allow_infinity=False)
    elif isinstance(field, models.BooleanField):
        base = st.booleans()
    elif isinstance(field, models.PositiveSmallIntegerField):
        base = st.integers(0, 32767)
    elif isinstance(field, models.PositiveIntegerField):
        base = st.integers(0, 2**31 - 1)
    elif isinstance(field, models.BigIntegerField):
        base = st.integers(-(2**63), 2**63 - 1)
    elif isinstance(field, models.IntegerField):
        base = st.integers(-(2**31), 2**31 - 1)
    elif isinstance(field, models.JSONField):
        top = st.lists(JSON, max_size=4) | st.dictionaries(st.text(STORABLE, max_size=6), JSON, max_size=4)
        base = top if storable else JSON
    elif isinstance(field, (models.CharField, models.TextField)):
        size = min(field.max_length or 200, 200)
        base = st.text(STORABLE, max_size=size) if storable else st.text(max_size=size) | ODD_TEXT
    else:
        raise AssertionError(f"no strategy for {field!r}: add one, so its fast path is proved too")
    return st.none() | base if field.null or not storable else base


def outcome(fn, value):
    """What is hashed for ``value``: its bytes, or the error that stops the row being hashed."""
    try:
        return dumps([fn(value)])
    except Exception as error:  # both paths must fail alike
        return type(error)


def as_sqlite_returns(field: models.Field, value):
    """``value`` as SQLite's driver returns it, dates and times selected as their stored text."""
    if value is None:
        return None
    if isinstance(field, models.DateTimeField):
        return str(value.astimezone(UTC).replace(tzinfo=None))  # Django stores UTC wall time
    if isinstance(field, models.DateField):
        return value.isoformat()
    if isinstance(field, models.DecimalField):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(field, models.JSONField):
        return json.dumps(value)
    return value


@pytest.mark.parametrize("field", KINDS.values(), ids=[" ".join(map(str, k)) for k in KINDS])
@QUICK
@given(data=st.data())
def test_orm_converter_is_normalise(field, data):
    value = data.draw(values_of(field) | st.integers() | st.text() | st.booleans() | st.floats(), label="value")
    assert outcome(converter(field), value) == outcome(lambda v: normalise(field, v), value)


@pytest.mark.parametrize("field", KINDS.values(), ids=[" ".join(map(str, k)) for k in KINDS])
@QUICK
@given(data=st.data())
def test_driver_converter_is_normalise(field, data):
    """A driver returns what the ORM does, but JSON as its text (PostgreSQL's jsonb)."""
    value = data.draw(values_of(field), label="value")
    raw = json.dumps(value) if isinstance(field, models.JSONField) and value is not None else value
    assert outcome(_driver_converter(field), raw) == outcome(lambda v: normalise(field, v), value)


@pytest.mark.parametrize("field", KINDS.values(), ids=[" ".join(map(str, k)) for k in KINDS])
@QUICK
@given(data=st.data())
def test_sqlite_converter_is_normalise(field, data):
    """As stored: ``YYYY-MM-DD HH:MM:SS[.ffffff]`` for a moment, ISO for a date, a number for a decimal."""
    value = data.draw(values_of(field, storable=True), label="value")
    raw = as_sqlite_returns(field, value)
    assert outcome(_sqlite_converter(field), raw) == outcome(lambda v: normalise(field, v), value)


@QUICK
@given(moment=AWARE, shape=st.sampled_from([str, datetime.isoformat, lambda m: m.isoformat(" ", "microseconds")]))
def test_sqlite_moment_in_another_shape_takes_the_general_path(moment, shape):
    field = KINDS[("DateTimeField", "DateTimeField", None)]
    assert _sqlite_converter(field)(shape(moment)) == normalise(field, moment)


@pytest.mark.parametrize("text", ["2024-03-05 10:11:12", "2024-03-05 10:11:12.000123"])
def test_sqlite_stored_moment_is_sliced_into_utc_iso(text):
    field = KINDS[("DateTimeField", "DateTimeField", None)]
    moment = datetime.fromisoformat(text).replace(tzinfo=UTC)
    assert _sqlite_converter(field)(text) == normalise(field, moment) == f"{text.replace(' ', 'T')}+00:00"


def _raw_bytes(model, pk) -> bytes:
    """The row's canonical bytes as verify_audit reads them: a plain cursor, through ``reader``."""
    q = connection.ops.quote_name
    columns, build = reader(model, connection.vendor)
    selected = ", ".join(f"CAST({q(c)} AS TEXT)" if cast else q(c) for c, cast in columns)
    pk_column = q(model._meta.pk.column)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {pk_column}, {selected} FROM {q(model._meta.db_table)} WHERE {pk_column} = %s", [pk])
        values = cursor.fetchone()
    return build(values[1:], values[0])


def _history_model(label: str):
    return next(m for m in history_models() if m._meta.label_lower == label)


# The decision's history has every kind of field but a boolean; the recusal's has one.
@pytest.mark.django_db
@pytest.mark.parametrize("label", ["decisions.historicaldecision", "decisions.historicalrecusal"])
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_raw_reader_reads_the_bytes_canonical_reads_through_the_orm(label, data):
    model = _history_model(label)
    fields = row_fields(model)
    values = data.draw(st.fixed_dictionaries({f.attname: values_of(f, storable=True) for f in fields}))
    row = model.objects.create(**values)
    stored = model.objects.get(pk=row.pk)
    assert _raw_bytes(model, row.pk) == canonical(stored)


def test_a_moment_is_hashed_in_utc_whatever_its_zone():
    field = KINDS[("DateTimeField", "DateTimeField", None)]
    london = datetime(2024, 7, 1, 12, tzinfo=ZoneInfo("Europe/London"))
    assert converter(field)(london) == "2024-07-01T11:00:00+00:00" == normalise(field, london)
    assert converter(KINDS[("DateField", "DateField", None)])(date(2024, 7, 1)) == "2024-07-01"


@pytest.mark.parametrize("text", ["[-9223372036854775809]", '{"n": 18446744073709551616}', "[0.1234567890123456789]"])
def test_json_beyond_64_bits_is_read_as_the_orm_reads_it(text):
    """orjson reads these integers as floats: verify_audit reported such a row as altered."""
    assert dumps(loads(text)) == dumps(json.loads(text))
