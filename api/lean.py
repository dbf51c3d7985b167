"""Lean read paths (issue 23): a hot GET answered from plain rows, shaped into dicts and dumped with orjson.

The DRF serializers stay the definition of every response (the OpenAPI schema is built from them and the
writes use them). A lean path reads the same rows through the same read rule (the viewset's
``get_queryset`` and filters: ``access`` is applied in the queryset) but as ``values()``, and shapes each
row itself, skipping model instances and DRF's per-field machinery. Each lean path has a test that its
output equals the serializer's for the same rows (``tests/api/test_lean_*.py``, property tests).

The converters here write values exactly as DRF's fields do (a datetime in the site's time zone, ``Z`` for
UTC; a decimal quantized to its field's places, as a string), so the two outputs are equal value for value.

A lean path answers only a JSON request (the browsable API and ``?as_of=`` keep the serializer path), and
only while ``settings.API_LEAN_READS`` is true: the benchmark turns it off to measure the serializer path
in the same run ("before" beside "after"), and so can an operator who suspects a lean path.
"""

from __future__ import annotations

import decimal
from collections.abc import Callable, Iterable
from datetime import date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

import orjson
from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone

from alliance import read_log

JSON = "application/json"


def _default(value):
    if isinstance(value, decimal.Decimal):
        return f"{value:f}"
    if isinstance(value, frozenset | set | tuple):
        return list(value)
    raise TypeError(f"lean: cannot write {type(value).__name__} as JSON")


def dumps(data) -> bytes:
    return orjson.dumps(data, default=_default, option=orjson.OPT_NON_STR_KEYS)


def json_response(data, status: int = 200) -> HttpResponse:
    """The answer of a lean path: the bytes DRF's JSONRenderer would write, parsed equal."""
    return HttpResponse(dumps(data), status=status, content_type=JSON)


def applies(request, *, params_refused: Iterable[str] = ("as_of",)) -> bool:
    """Whether a lean path may answer this (DRF) request: JSON was negotiated, lean reads are on, and no
    query parameter asks for something only the serializer path does (``?as_of=`` reads history)."""
    if not getattr(settings, "API_LEAN_READS", True):
        return False
    renderer = getattr(request, "accepted_renderer", None)
    if renderer is None or getattr(renderer, "format", None) != "json":
        return False
    query = request.query_params if hasattr(request, "query_params") else request.GET
    return not any(name in query for name in params_refused)


def paged(view, rows, shape: Callable[[list], list]) -> HttpResponse:
    """A page of ``rows`` (a values() queryset, already filtered and ordered) through the view's paginator,
    answered as DRF's page: ``{"count", "next", "previous", "results"}``."""
    page = view.paginate_queryset(rows)
    if page is None:
        return json_response(shape(list(rows)))
    paginator = view.paginator
    return json_response(
        {
            "count": paginator.page.paginator.count,
            "next": paginator.get_next_link(),
            "previous": paginator.get_previous_link(),
            "results": shape(list(page)),
        }
    )


def log_served(request, model, confidential_ids: list, *, kind=read_log.Kind.API, what="a list of the API") -> None:
    """The read log of a lean page: the confidential records among the rows served, logged as the serializer
    path logs them (``read_log.log_list``). Only those records are loaded, and only when there are any."""
    if not confidential_ids:
        return
    served = list(model._default_manager.filter(pk__in=confidential_ids).order_by("pk"))
    if len(served) == 1:
        read_log.log_read(request, served[0], kind=kind)
    else:
        read_log.log_list(request, served, kind=kind, what=what)


# Values as DRF's fields write them ------------------------------------------------------------------


@lru_cache(maxsize=8)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def current_zone():
    return timezone.get_current_timezone()


def dt(value: datetime | None, zone=None) -> str | None:
    """``serializers.DateTimeField().to_representation``: the moment in the site's (current) time zone,
    ISO 8601, ``Z`` for UTC; ``None`` for no value."""
    if not value:
        return None
    if isinstance(value, str):
        return value
    if timezone.is_aware(value):
        value = value.astimezone(zone or current_zone())
    else:
        value = timezone.make_aware(value, zone or current_zone())
    out = value.isoformat()
    if out.endswith("+00:00"):
        out = out[:-6] + "Z"
    return out


def day(value: date | None) -> str | None:
    """``serializers.DateField().to_representation``."""
    if not value:
        return None
    if isinstance(value, str):
        return value
    return value.isoformat()


@lru_cache(maxsize=32)
def _quantum(places: int) -> decimal.Decimal:
    return decimal.Decimal(".1") ** places


def money(value, *, max_digits: int | None, decimal_places: int | None) -> str | None:
    """``serializers.DecimalField(max_digits, decimal_places).to_representation`` with DRF's default
    ``COERCE_DECIMAL_TO_STRING`` (and ``None`` for no value: a model field that may be empty is
    ``allow_null``, whose ``None`` DRF writes as ``None`` before the field is asked)."""
    if value is None:
        return None
    if not isinstance(value, decimal.Decimal):
        value = decimal.Decimal(str(value).strip())
    if decimal_places is not None:
        context = decimal.getcontext().copy()
        if max_digits is not None:
            context.prec = max_digits
        value = value.quantize(_quantum(decimal_places), context=context)  # DRF's default: the context's rounding
    return f"{value:f}"


def model_money(model, field: str):
    """A ``money`` converter with the places of ``model.field``, as a ModelSerializer would build it."""
    f = model._meta.get_field(field)
    return lambda value: money(value, max_digits=f.max_digits, decimal_places=f.decimal_places)


class CountedBy:
    """values() ``rows`` to page through ``paged`` whose count is taken from ``plain``, the same rows without
    the joins the values() need: a page's count then costs what the serializer path's does (the joins of
    the columns read kept SQLite from counting from an index alone)."""

    def __init__(self, rows, plain):
        self.rows, self.plain = rows, plain
        self.ordered = rows.ordered

    def count(self) -> int:
        return self.plain.count()

    def __getitem__(self, key):
        return self.rows[key]

    def __iter__(self):
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)


class Prepared:
    """A values() query built and compiled once (per database and per length of its id lists), then run
    again with other ids: building a queryset and compiling it costs Django more than SQLite takes to
    answer it, for the small keyed reads of a record's nested rows (a decision's votes...).

    ``build(*ids)`` returns the values() queryset for ids that are an int or a list of ints each; it is
    called once with markers in their place, and the compiled SQL is run with the real ids in the
    markers' positions. Only for a query whose other parameters never change: one that does not pass
    the read rule itself (whose parameters are the caller's), but hangs off rows that did.
    """

    MARKER = 1_987_000_000

    def __init__(self, model, build: Callable):
        self.model, self.build = model, build
        self._compiled: dict = {}

    def rows(self, *ids) -> list[dict]:
        from django.db import connections, router

        shape = tuple(len(value) if isinstance(value, list | tuple) else None for value in ids)
        if 0 in shape:
            return []  # an empty IN matches nothing (Django would not even ask)
        alias = router.db_for_read(self.model) or "default"
        connection = connections[alias]
        key = (alias, connection.vendor, shape)
        compiled = self._compiled.get(key)
        if compiled is None:
            compiled = self._compiled[key] = self._compile(shape, alias)
        sql, params, slots, converters, names = compiled
        flat = [one for value in ids for one in (value if isinstance(value, list | tuple) else [value])]
        params = list(params)
        for index, which in slots:
            params[index] = flat[which]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        if converters:
            rows = [list(row) for row in rows]
            for row in rows:
                for position, (functions, expression) in converters:
                    value = row[position]
                    for function in functions:
                        value = function(value, expression, connection)
                    row[position] = value
        return [dict(zip(names, row, strict=True)) for row in rows]

    def _compile(self, shape, alias):
        markers, count = [], 0
        for size in shape:
            if size is None:
                markers.append(self.MARKER + count)
                count += 1
            else:
                markers.append([self.MARKER + count + i for i in range(size)])
                count += size
        queryset = self.build(*markers).using(alias)
        query = queryset.query
        compiler = query.get_compiler(alias)
        sql, params = compiler.as_sql()
        slots = [
            (index, value - self.MARKER)
            for index, value in enumerate(params)
            if isinstance(value, int) and self.MARKER <= value < self.MARKER + count
        ]
        if sorted(which for _, which in slots) != list(range(count)):
            raise RuntimeError(f"lean.Prepared: the ids of {self.model.__name__} did not each land in one parameter")
        fields = [column[0] for column in compiler.select[0 : compiler.col_count]]
        converters = list(compiler.get_converters(fields).items())
        names = [*query.extra_select, *query.values_select, *query.annotation_select]
        return sql, tuple(params), slots, converters, names


def log_served_rows(
    request, model, confidential: list[tuple[int, int | None]], *, kind=read_log.Kind.API, what="a list of the API"
) -> None:
    """``log_served`` for a page whose rows carry their alliance: ``confidential`` is ``(id, alliance_id)`` of
    each confidential row served. Several are logged as ``read_log.log_list`` logs them (one entry counting
    them, in their alliance when they share one) without loading them; one is loaded, to be named."""
    if len(confidential) <= 1:
        log_served(request, model, [pk for pk, _ in confidential], kind=kind, what=what)
        return
    alliances = {alliance_id for _, alliance_id in confidential}
    alliance_id = alliances.pop() if len(alliances) == 1 else None
    read_log.log_rows(request, model, len(confidential), kind=kind, alliance_id=alliance_id, what=what)
