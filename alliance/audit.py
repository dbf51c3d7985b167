"""The tamper-evident audit chain (rule 9 of DESIGN.md).

Every history row that django-simple-history writes, in any app, enters an append-only chain:
a link holding SHA-256 over the previous link's hash and a canonical serialisation of the row.
There is one chain per alliance and one ("none") for records that belong to no alliance
(organisations, people), so writes in different alliances never wait on one lock.

``verify_chain`` re-computes every link and also compares each domain row with its latest
history row, so an edit made with raw SQL to a history row, a domain row, or the chain itself
is found and named.

The source of a change (web page, API, admin, or the management command that made it) is kept
on the link beside the user that simple-history records: a script without a user is still
named.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
from collections import deque
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import partial

import orjson
from django.apps import apps
from django.db import IntegrityError, connections, models, transaction
from django.utils.dateparse import parse_date, parse_datetime
from simple_history.models import HistoricalChanges

from alliance.errors import RuleViolation

GENESIS = "0" * 64
NO_ALLIANCE = "none"

_source: ContextVar[str] = ContextVar("audit_source", default="script")


def current_source() -> str:
    return _source.get()


@contextmanager
def audit_source(source: str):
    """Name the source of every change made inside the block ("command:load_demo", "api"...)."""
    token = _source.set(source)
    try:
        yield
    finally:
        _source.reset(token)


class AuditSourceMiddleware:
    """Marks changes made during a request as coming from the API, the admin or the web pages."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        source = "api" if path.startswith("/api/") else "admin" if path.startswith("/admin/") else "web"
        with audit_source(source):
            return self.get_response(request)


# Canonical serialisation -------------------------------------------------------------------


def _normalise(field: models.Field, value):
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


def _row_fields(model) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields if not f.primary_key]


def _normaliser(field: models.Field):
    """``_normalise`` for one field, with a shortcut for the value types the database returns.

    verify_audit normalises every field of every history row; skipping ``to_python`` where it would
    return the value unchanged makes it several times quicker, and any other value takes the
    general path, so the bytes hashed are the same (docs/performance.md).
    """
    slow = partial(_normalise, field)
    if isinstance(field, models.JSONField):
        return lambda value: value
    if isinstance(field, models.DateTimeField):
        return lambda v: v.astimezone(UTC).isoformat() if type(v) is datetime and v.tzinfo else slow(v)
    if isinstance(field, models.DateField):
        return lambda v: v.isoformat() if type(v) is date else slow(v)
    if isinstance(field, models.DecimalField) and field.decimal_places is not None:
        places = Decimal(1).scaleb(-field.decimal_places)
        return lambda v: str(v.quantize(places)) if type(v) is Decimal else slow(v)
    target = field.target_field if isinstance(field, models.ForeignKey) else field
    if isinstance(target, models.BooleanField):
        kind = bool
    elif isinstance(target, models.IntegerField):
        kind = int
    elif isinstance(target, (models.CharField, models.TextField)) and not isinstance(field, models.ForeignKey):
        kind = str
    else:
        return slow
    return lambda v: v if type(v) is kind else slow(v)


def _sqlite_normaliser(field: models.Field):
    """``_normaliser`` for a value as SQLite's driver returns it, before Django's converters run.

    Django stores an aware datetime in SQLite as its UTC wall time, which the driver's converters
    (registered by Django's backend) return as a naive datetime; a boolean comes back as a bool and
    JSON as text. Turning those straight into the canonical form, without the ORM's converters per
    value, is what makes ``verify_audit`` quicker on SQLite (docs/performance.md). A value in any other shape
    takes the general path. Returns None for a field of another type: the model then takes the
    ORM path.
    """
    slow = partial(_normalise, field)
    if isinstance(field, models.JSONField):
        return lambda v: None if v is None else _loads(v)
    if isinstance(field, models.DateTimeField):
        return lambda v: f"{v.isoformat()}+00:00" if type(v) is datetime and v.tzinfo is None else slow(v)
    if isinstance(field, models.DateField):
        return lambda v: v.isoformat() if type(v) is date else slow(v)
    if isinstance(field, models.DecimalField):
        return slow
    target = field.target_field if isinstance(field, models.ForeignKey) else field
    if isinstance(target, models.BooleanField):
        return lambda v: v if type(v) is bool else slow(v)
    if isinstance(target, models.IntegerField):
        return lambda v: v if type(v) is int else slow(v)
    if isinstance(target, (models.CharField, models.TextField)) and not isinstance(field, models.ForeignKey):
        return lambda v: v if type(v) is str else slow(v)
    return None


def _loads(text):
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


_plans: dict = {}


def _plan(model) -> list[tuple[str, object]]:
    """Each non-key field's attname and normaliser, worked out once per model."""
    if model not in _plans:
        _plans[model] = [(f.attname, _normaliser(f)) for f in _row_fields(model)]
    return _plans[model]


def canonical(row) -> bytes:
    """The row's stored values as canonical JSON: the same bytes before and after a round trip."""
    data = {name: normalise(getattr(row, name)) for name, normalise in _plan(type(row))}
    return _dump(data, type(row), row.pk)


def _dumps(data) -> bytes:
    """Compact JSON with sorted keys. orjson where it can (ten times quicker, docs/performance.md); the standard
    library for what orjson refuses (integers above 64 bits, lone surrogates), so a value is always
    serialised the same way on writing and on verifying."""
    try:
        return orjson.dumps(data, option=orjson.OPT_SORT_KEYS, default=str)
    except TypeError:
        return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str).encode(
            "utf-8", "surrogatepass"
        )


def _dump(data: dict, model, pk) -> bytes:
    data["__model__"] = model._meta.label_lower
    data["__pk__"] = str(pk)
    return _dumps(data)


# What a link says of its row, beside the row itself: hashed too, so that a link's attribution
# (who, from where, when, which record) cannot be edited behind the application's back.
LINK_FIELDS = (
    "chain", "seq", "history_model", "history_id", "object_model", "object_id", "history_date", "change_type",
    "user_id", "source",
)  # fmt: skip


def link_meta(values: tuple) -> bytes:
    """The link's own fields (in ``LINK_FIELDS`` order) as canonical JSON."""
    chain, seq, history_model, history_id, object_model, object_id, history_date, change_type, user_id, source = values
    moment = history_date.astimezone(UTC).isoformat() if history_date is not None else None
    return _dumps(
        [chain, seq, history_model, history_id, object_model, str(object_id), moment, change_type, user_id, source]
    )


def link_hash(prev_hash: str, payload: bytes, meta: bytes) -> str:
    """SHA-256 over the previous link's hash, the history row and the link's own fields."""
    return hashlib.sha256(b"%s\n%s\n%s" % (prev_hash.encode(), payload, meta)).hexdigest()


# Which chain a row belongs to --------------------------------------------------------------

_paths: dict[str, list[models.ForeignKey] | None] = {}


def _alliance_model():
    return apps.get_model("alliance", "Alliance")


def _path_to_alliance(model) -> list[models.ForeignKey] | None:
    """The shortest chain of foreign keys from ``model`` to Alliance, found once and cached."""
    key = model._meta.label_lower
    if key in _paths:
        return _paths[key]
    target = _alliance_model()
    queue = deque([(model, [])])
    seen = {model}
    found = None
    while queue and found is None:
        current, path = queue.popleft()
        if len(path) > 4:
            break
        for field in current._meta.concrete_fields:
            if not isinstance(field, models.ForeignKey):
                continue
            related = field.related_model
            if related is target:
                found = [*path, field]
                break
            if related not in seen and not related._meta.label_lower.startswith(("auth.", "contenttypes.")):
                seen.add(related)
                queue.append((related, [*path, field]))
    _paths[key] = found
    return found


def chain_of(domain_model, row) -> str:
    """The chain key of a history (or domain) row: "alliance:<id>" or "none"."""
    if domain_model is _alliance_model():
        return f"alliance:{row.id if hasattr(row, 'id') else row.pk}"
    path = _path_to_alliance(domain_model)
    if not path:
        return NO_ALLIANCE
    value = getattr(row, path[0].attname, None)
    for field in path[1:]:
        if value is None:
            break
        value = field.model._default_manager.filter(pk=value).values_list(field.attname, flat=True).first()
    return f"alliance:{value}" if value is not None else NO_ALLIANCE


# Writing links -----------------------------------------------------------------------------


def _chain_words(chain: str) -> str:
    if chain == NO_ALLIANCE:
        return "records that belong to no alliance"
    alliance = _alliance_model().objects.filter(pk=chain.partition(":")[2]).values_list("name", flat=True).first()
    return f"{alliance}'s records" if alliance else f"the records of chain {chain}"


def chain_broken(chain: str, what: str) -> RuleViolation:
    """The refusal of a change that cannot be sealed onto its chain: continuing the chain from a
    head that was lost or moved would forge continuity over what was removed (rule 9)."""
    return RuleViolation(
        "audit_chain_broken",
        f"Changes to {_chain_words(chain)} are refused: {what}, so the change could not be sealed into the "
        "audit trail. This is a sign of tampering; ask an administrator to run manage.py verify_audit and "
        "restore the audit chain from a backup.",
        conflict=True,
    )


def _append(*, chain: str, row, object_model, object_id, user_id, history_date=None, change_type=None) -> None:
    try:
        _append_link(chain, row, object_model, object_id, user_id, history_date, change_type)
    except _HeadBehind as behind:
        # Named here, once the savepoint the failed insert spoilt has been rolled back.
        raise chain_broken(chain, f"the audit chain's head says #{behind.args[0]}, behind its last link") from behind


class _HeadBehind(Exception):
    """The number after the chain's head is taken: the head was moved back."""


def _append_link(chain, row, object_model, object_id, user_id, history_date, change_type) -> None:
    from alliance.models import AuditChainHead, AuditLink

    with transaction.atomic():
        head = AuditChainHead.objects.select_for_update().filter(chain=chain).first()
        if head is None and AuditLink.objects.filter(chain=chain).exists():
            # Links but no head: the head was deleted. Look once more under the lock, in case a racing
            # writer made the chain's first link (and its head) since the first look.
            head = AuditChainHead.objects.select_for_update().filter(chain=chain).first()
            if head is None:
                raise chain_broken(chain, "the record of the audit chain's last link (its head) is missing")
        if head is None:
            # The chain's first link: create its head (a racing writer's insert makes this one wait,
            # then get_or_create finds the row), then lock it.
            AuditChainHead.objects.get_or_create(chain=chain)
            head = AuditChainHead.objects.select_for_update().get(chain=chain)
        link = new_link(
            chain=chain,
            seq=head.last_seq + 1,
            prev_hash=head.last_hash,
            row=row,
            object_model=object_model,
            object_id=object_id,
            user_id=user_id,
            history_date=history_date,
            change_type=change_type,
            source=current_source(),
        )
        try:
            link.save(force_insert=True)
        except IntegrityError as error:
            raise _HeadBehind(head.last_seq) from error
        AuditChainHead.objects.filter(pk=head.pk).update(last_seq=link.seq, last_hash=link.hash)


def new_link(
    *, chain, seq, prev_hash, row, object_model, object_id, user_id, source, history_date=None, change_type=None
):
    """The chain's one link writer: the (unsaved) link that follows ``prev_hash`` at ``seq`` for the
    history ``row``, hashed over the row's canonical form and the link's own fields. The product
    saves it under the chain head's lock (``_append_link``); the benchmark's bulk build appends the
    same links in memory (benchmarks/dataset.py), so both write the chain one way."""
    from alliance.models import AuditLink

    fields = {
        "chain": chain,
        "seq": seq,
        "history_model": type(row)._meta.label_lower,
        "history_id": row.pk,
        "object_model": object_model._meta.label_lower,
        "object_id": str(object_id),
        "history_date": history_date or getattr(row, "history_date", None),
        "change_type": change_type or getattr(row, "history_type", "~"),
        "user_id": user_id,
        "source": source,
    }
    digest = link_hash(prev_hash, canonical(row), link_meta(tuple(fields[f] for f in LINK_FIELDS)))
    return AuditLink(**fields, prev_hash=prev_hash, hash=digest)


def on_history_row(sender, history_instance, **kwargs) -> None:
    domain_model = sender.instance_type  # the sender is the history model
    _append(
        chain=chain_of(domain_model, history_instance),
        row=history_instance,
        object_model=domain_model,
        object_id=getattr(history_instance, domain_model._meta.pk.attname),
        user_id=getattr(history_instance, "history_user_id", None),
    )


def on_history_m2m_rows(sender, created_rows, history_instance, **kwargs) -> None:
    domain_model = history_instance.instance_type
    chain = chain_of(domain_model, history_instance)
    for row in created_rows:
        # A many-to-many row has no date or type of its own: it is kept with this version of its record.
        _append(
            chain=chain,
            row=row,
            object_model=domain_model,
            object_id=history_instance.id,
            user_id=getattr(history_instance, "history_user_id", None),
            history_date=history_instance.history_date,
            change_type=history_instance.history_type,
        )


# Verifying ---------------------------------------------------------------------------------


@dataclass
class Problem:
    chain: str
    kind: str
    message: str


def history_models() -> list:
    """Every history model simple-history made, main and many-to-many, in a stable order."""
    found = []
    for model in apps.get_models():
        if issubclass(model, HistoricalChanges) or (
            model._meta.label_lower.split(".")[1].startswith("historical") and model not in found
        ):
            found.append(model)
    return sorted(found, key=lambda m: m._meta.label_lower)


@dataclass(frozen=True, slots=True)
class _Link:
    """A link read as plain values: verify_audit reads every one (docs/performance.md)."""

    chain: str
    seq: int
    history_model: str
    history_id: int
    object_model: str
    object_id: str
    history_date: datetime | None
    change_type: str
    user_id: int | None
    source: str
    prev_hash: str
    hash: str


_LINK_COLUMNS = (*LINK_FIELDS, "prev_hash", "hash")


def _describe(link) -> str:
    when = link.history_date.strftime("%d/%m/%Y %H:%M:%S") if link.history_date else "unknown time"
    who = link.user_id and f"user #{link.user_id}" or link.source
    return f"link {link.chain}#{link.seq} ({link.object_model} {link.object_id}, {when}, by {who})"


def verify_chain(chain: str, *, progress=None, batch: int = 2000, jobs: int = 1) -> list[Problem]:
    """Re-compute one chain; return what is wrong, first problem first."""
    return verify_chains([chain], progress=progress, batch=batch, jobs=jobs)


def verify_chains(chains: list[str] | None = None, *, progress=None, batch: int = 2000, jobs: int = 1) -> list[Problem]:
    """Re-compute the links of ``chains`` (None: every chain); return what is wrong, in chain order."""
    return _verify(chains, progress=progress, batch=batch, jobs=jobs, rows=False)


def verify(*, alliance_id: int | None = None, progress=None, batch: int = 2000, jobs: int = 1) -> list[Problem]:
    """Everything ``verify_audit`` checks, for one alliance or all: the chains, then history rows no
    link vouches for, then domain rows that drifted from their history. Chain problems come first, in
    chain order; within a chain, first link first."""
    chains = None if alliance_id is None else [f"alliance:{alliance_id}"]
    return _verify(chains, progress=progress, batch=batch, jobs=jobs, rows=True, alliance_id=alliance_id)


def _verify(chains, *, progress, batch: int, jobs: int, rows: bool, alliance_id: int | None = None) -> list[Problem]:
    """A link holds the hash of the link before it, so each link can be checked on its own: its hash
    against its history row, its own fields and the previous hash it stores, and that stored previous
    hash against the hash of the link before it. The second check is one SQL query for every chain,
    returning only the breaks; the first reads each history table joined to its links, as plain
    values, in tasks that may run in several processes (docs/performance.md)."""
    from alliance.models import AuditChainHead, AuditLink

    listed = sorted(set(chains)) if chains is not None else all_chains()
    scope = None if chains is None else listed
    problems: list[tuple[tuple, Problem]] = _continuity(scope)
    heads = {h.chain: h for h in AuditChainHead.objects.filter(chain__in=listed)}
    ends = dict(
        AuditLink.objects.filter(chain__in=listed)
        .values_list("chain")
        .annotate(last=models.Max("seq"))
        .values_list("chain", "last")
    )
    latest = AuditLink.objects.filter(chain=models.OuterRef("chain")).order_by("-seq").values("seq")[:1]
    last_hash = dict(
        AuditLink.objects.filter(chain__in=listed, seq=models.Subquery(latest)).values_list("chain", "hash")
    )
    for chain in listed:
        message = _head_problem(chain, heads.get(chain), ends.get(chain, 0), last_hash.get(chain, GENESIS))
        if message:
            problems.append(((chain, float("inf")), Problem(chain, "head", message)))
    tasks = _payload_tasks(scope)
    if rows:
        tasks.append(("unlinked", alliance_id, 0))
        tasks += [("drift", (model._meta.label_lower, alliance_id), 0) for model in tracked_models()]
    results = _run(tasks, scope, batch=batch, jobs=jobs, progress=progress)
    for task, found in zip(tasks, results, strict=True):
        if task[0] == "links":
            problems += found
    problems += _orphan_links(scope, progress)
    problems.sort(key=lambda item: item[0])  # stable: a link's own problems keep their order
    ordered = [problem for _, problem in problems]
    for task, found in zip(tasks, results, strict=True):
        if task[0] in ("unlinked", "drift"):
            ordered += found
    return ordered


def _head_problem(chain: str, head, last: int, last_hash: str) -> str | None:
    """What is wrong with a chain's head (the record of its last link), if anything."""
    if head is None:
        if not last:
            return None
        return (
            f"Chain {chain} has links up to #{last} but no head: its head was deleted outside the application, "
            "and every change in the chain is refused until it is restored."
        )
    if head.last_seq > last:
        removed = (
            f"link #{last + 1} was" if head.last_seq == last + 1 else f"links #{last + 1} to #{head.last_seq} were"
        )
        return f"Chain {chain} ends at #{last} but its head says #{head.last_seq}: {removed} removed."
    if head.last_seq < last:
        return (
            f"Chain {chain} ends at #{last} but its head says #{head.last_seq}: the head was moved back "
            "outside the application."
        )
    if head.last_hash != last_hash:
        return (
            f"Chain {chain}'s head does not match its last link #{last}: the head was altered outside the application."
        )
    return None


def all_chains() -> list[str]:
    from alliance.models import AuditChainHead, AuditLink

    return sorted(
        set(AuditChainHead.objects.values_list("chain", flat=True))
        | set(AuditLink.objects.values_list("chain", flat=True).distinct())
    )


def _continuity(chains: list[str] | None) -> list[tuple[tuple, Problem]]:
    """The links that do not follow the link before them: a gap in the numbers, or a stored previous
    hash that is not the hash of the link before (or the genesis, for the first).

    The database finds them, each link joined to the one numbered before it through the chain's
    unique index, and returns only the breaks; each is then described against the link before it
    that does exist (docs/performance.md: seven times quicker than reading every link's hashes into Python).
    """
    from alliance.models import AuditLink

    connection = connections[AuditLink.objects.db]
    q = connection.ops.quote_name
    table, chain, seq, prev_hash = (q(AuditLink._meta.db_table), q("chain"), q("seq"), q("prev_hash"))
    scope, params = "", [GENESIS]
    if chains is not None:
        scope = f" AND a.{chain} IN ({', '.join(['%s'] * len(chains))})"
        params += chains
    sql = (
        f"SELECT a.{q('id')} FROM {table} a LEFT JOIN {table} b ON b.{chain} = a.{chain} AND b.{seq} = a.{seq} - 1 "
        f"WHERE ((a.{seq} = 1 AND a.{prev_hash} <> %s) OR (a.{seq} <> 1 AND (b.{q('id')} IS NULL "
        f"OR b.{q('hash')} <> a.{prev_hash}))){scope}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        broken = [row[0] for row in cursor.fetchall()]
    found = []
    for values in AuditLink.objects.filter(pk__in=broken).order_by("chain", "seq").values_list(*_LINK_COLUMNS):
        link = _Link(*values)
        before = (
            AuditLink.objects.filter(chain=link.chain, seq__lt=link.seq).order_by("-seq").values_list("seq", "hash")
        ).first() or (0, GENESIS)
        if link.seq != before[0] + 1:
            message = f"Chain {link.chain} jumps from #{before[0]} to #{link.seq}: links removed."
            found.append(((link.chain, link.seq), Problem(link.chain, "gap", message)))
        if link.prev_hash != before[1]:
            message = f"{_describe(link)} does not follow the link before it."
            found.append(((link.chain, link.seq), Problem(link.chain, "chain", message)))
    return found


def _link_values(connection, values: tuple) -> tuple:
    """A link's columns read with a plain cursor, with its time as the ORM would give it (aware, UTC)."""
    moment = values[6]
    if connection.vendor == "sqlite" and moment is not None:
        moment = parse_datetime(moment) if isinstance(moment, str) else moment
        moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment
    return (*values[:6], moment, *values[7:])


_readers: dict = {}


def _reader(model, vendor: str):
    """How ``verify_audit`` reads one history table with a plain cursor: the columns to select, and a
    function from those values to the row's canonical bytes, equal to ``canonical(row)``.

    The function is generated once per table (as ``dataclasses`` and ``namedtuple`` generate theirs),
    with each field's normalisation written inline: a text or number column the database returns as
    it is stored costs one type check, not a call. On SQLite, dates and times are selected as their
    stored text (Django stores UTC wall time as ``YYYY-MM-DD HH:MM:SS[.ffffff]``), which is turned
    into ISO 8601 by slicing instead of being parsed into a datetime and formatted back. Any value
    in another shape takes ``_normalise``'s general path, so the bytes hashed never change; this is
    what lets verify_audit read ~100,000 links a second (docs/performance.md).
    """
    key = (model, vendor)
    if key in _readers:
        return _readers[key]
    sqlite = vendor == "sqlite"
    columns, parts, env = [], [], {"_dumps": _dumps, "_loads": _loads, "label": model._meta.label_lower}
    for i, field in enumerate(_row_fields(model)):
        cast, name = False, repr(field.attname)
        n = f"n{i}"
        target = field.target_field if isinstance(field, models.ForeignKey) else field
        if isinstance(field, models.JSONField):  # both backends read JSON as text
            expr = f"(None if (x := v[{i}]) is None else _loads(x) if type(x) is str else x)"
        elif sqlite and isinstance(field, models.DateTimeField):
            cast = True
            env[n] = partial(lambda norm, x: norm(parse_datetime(x)), _sqlite_normaliser(field))
            expr = (
                f"(x if (x := v[{i}]) is None else x[:10] + 'T' + x[11:] + '+00:00' "
                f"if len(x) in (19, 26) and x[10] == ' ' else {n}(x))"
            )
        elif sqlite and isinstance(field, models.DateField):
            cast = True
            env[n] = partial(lambda norm, x: norm(parse_date(x)), _sqlite_normaliser(field))
            expr = f"(x if (x := v[{i}]) is None or (len(x) == 10 and x[4] == '-' and x[7] == '-') else {n}(x))"
        else:
            env[n] = (_sqlite_normaliser(field) if sqlite else None) or _normaliser(field)
            kind = (
                "bool" if isinstance(target, models.BooleanField)
                else "int" if isinstance(target, models.IntegerField)
                else "str" if isinstance(target, (models.CharField, models.TextField))
                and not isinstance(field, models.ForeignKey) else None
            )  # fmt: skip
            expr = f"(x if (x := v[{i}]) is None or type(x) is {kind} else {n}(x))" if kind else f"{n}(v[{i}])"
        columns.append((field.column, cast))
        parts.append(f"{name}: {expr}")
    source = (
        "def build(v, pk):\n"
        f"    return _dumps({{{', '.join(parts)}{', ' if parts else ''}'__model__': label, '__pk__': str(pk)}})\n"
    )
    exec(compile(source, f"<audit reader for {model._meta.label_lower}>", "exec"), env)  # noqa: S102
    _readers[key] = (columns, env["build"])
    return _readers[key]


# Links per task when the payloads are checked in several processes: small enough to share the
# largest table (votes) between workers, large enough that a task's query costs little beside it.
TASK_LINKS = 20_000
# Below this many links a second process costs more (forking, connecting) than it saves.
PARALLEL_FROM = 20_000


def _payload_tasks(chains: list[str] | None) -> list[tuple]:
    """The links cut into tasks: a history table, or a range of its rows of about ``TASK_LINKS``
    links, each checked by one query (``_payload_task``)."""
    from alliance.models import AuditLink

    links = AuditLink.objects.all() if chains is None else AuditLink.objects.filter(chain__in=chains)
    spread = (
        links.filter(history_model__in=[m._meta.label_lower for m in history_models()])
        .values("history_model")
        .annotate(n=models.Count("id"), lo=models.Min("history_id"), hi=models.Max("history_id"))
        .order_by("history_model")
    )
    tasks = []
    for row in spread:
        pieces = -(-row["n"] // TASK_LINKS)
        step = -(-(row["hi"] - row["lo"] + 1) // pieces)
        tasks += [
            ("links", (row["history_model"], row["lo"] + k * step, row["lo"] + (k + 1) * step), row["n"] // pieces)
            for k in range(pieces)
        ]
    return tasks


def _run(tasks: list[tuple], chains, *, batch: int, jobs: int, progress) -> list[list]:
    """Each task's problems, in the order of ``tasks``. With ``jobs`` above 1, on a database another
    process can reach and outside a transaction, the tasks run in that many processes: chains do not
    depend on one another, and each link carries the previous hash it must follow, so links can be
    checked in any order."""
    from alliance.models import AuditLink

    connection = connections[AuditLink.objects.db]
    links = sum(task[2] for task in tasks)
    parallel = (
        jobs > 1
        and links >= PARALLEL_FROM
        and not connection.in_atomic_block
        and not (connection.vendor == "sqlite" and connection.is_in_memory_db())
    )
    if not parallel:
        return [_task(task, chains, batch, progress) for task in tasks]
    results: list = [None] * len(tasks)
    connections.close_all()  # each worker opens its own connection; none may share this one's socket
    largest_first = sorted(range(len(tasks)), key=lambda i: -tasks[i][2])
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        futures = {pool.submit(_task, tasks[i], chains, batch): i for i in largest_first}
        for future in as_completed(futures):
            i = futures[future]
            results[i] = future.result()
            if progress and tasks[i][2]:
                progress(tasks[i][2])
    return results


def _task(task: tuple, chains, batch: int, progress=None) -> list:
    kind, args, _ = task
    if kind == "links":
        return _payload_task(chains, args, batch, progress=progress)
    if kind == "unlinked":
        return unlinked_history_rows(alliance_id=args)
    label, alliance_id = args
    return domain_drift(apps.get_model(label), alliance_id=alliance_id)


def _orphan_links(chains, progress) -> list[tuple[tuple, Problem]]:
    """Links that name a history table no model has: their rows cannot be found."""
    from alliance.models import AuditLink

    links = AuditLink.objects.all() if chains is None else AuditLink.objects.filter(chain__in=chains)
    found = []
    labels = [m._meta.label_lower for m in history_models()]
    for values in links.exclude(history_model__in=labels).values_list(*_LINK_COLUMNS).iterator():
        link = _Link(*values)
        message = f"{_describe(link)}: its history row was deleted."
        found.append(((link.chain, link.seq), Problem(link.chain, "deleted", message)))
        if progress:
            progress(1)
    return found


def _payload_task(chains: list[str] | None, task: tuple, batch: int, progress=None) -> list[tuple[tuple, Problem]]:
    """Check the links of one history table whose rows fall in [lo, hi): one query, read in batches."""
    from alliance.models import AuditLink

    label, lo, hi = task
    model = apps.get_model(label)
    connection = connections[AuditLink.objects.db]
    q = connection.ops.quote_name
    sqlite = connection.vendor == "sqlite"
    columns, build = _reader(model, connection.vendor)
    link_columns = ", ".join(
        f"CAST(l.{q(name)} AS TEXT)" if sqlite and name == "history_date" else f"l.{q(name)}" for name in _LINK_COLUMNS
    )
    selected = "".join(f", CAST(h.{q(c)} AS TEXT)" if cast else f", h.{q(c)}" for c, cast in columns)
    pk, history_id = q(model._meta.pk.column), q("history_id")
    params = [label, lo, hi]
    scope = ""
    if chains is not None:
        scope = f" AND l.{q('chain')} IN ({', '.join(['%s'] * len(chains))})"
        params += chains
    sql = (
        f"SELECT {link_columns}, h.{pk}{selected} FROM {q(AuditLink._meta.db_table)} l "
        f"LEFT JOIN {q(model._meta.db_table)} h ON h.{pk} = l.{history_id} "
        f"WHERE l.{q('history_model')} = %s AND l.{history_id} >= %s AND l.{history_id} < %s{scope}"
    )
    found = []
    sha256 = hashlib.sha256
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(batch):
            for values in rows:
                if values[12] is None:
                    link = _Link(*_link_values(connection, values[:12]))
                    message = f"{_describe(link)}: its history row was deleted."
                    found.append(((link.chain, link.seq), Problem(link.chain, "deleted", message)))
                    continue
                payload = build(values[13:], values[12])
                moment = values[6]
                if moment is None:
                    stamp = None
                elif sqlite and len(moment) in (19, 26) and moment[10] == " ":
                    stamp = f"{moment[:10]}T{moment[11:]}+00:00"
                else:
                    stamp = _link_values(connection, values[:12])[6].astimezone(UTC).isoformat()
                meta = _dumps([*values[:5], str(values[5]), stamp, *values[7:10]])
                if sha256(b"%s\n%s\n%s" % (values[10].encode(), payload, meta)).hexdigest() != values[11]:
                    link = _Link(*_link_values(connection, values[:12]))
                    message = f"{_describe(link)}: its history row or the link itself was altered."
                    found.append(((link.chain, link.seq), Problem(link.chain, "altered", message)))
            if progress:
                progress(len(rows))
    return found


def _chunks(iterator: Iterator, size: int) -> Iterator[list]:
    chunk = []
    for item in iterator:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def in_alliance(model, rows: models.QuerySet, alliance_id: int) -> models.QuerySet | None:
    """``rows`` of a domain or history model narrowed to one alliance's records; None for a model
    whose records belong to no alliance (organisations, people)."""
    domain = getattr(model, "instance_type", None) or model  # a history model keeps its domain model's fields
    if domain is _alliance_model():
        return rows.filter(**{domain._meta.pk.attname: alliance_id})
    path = _path_to_alliance(domain)
    if not path:
        return None
    return rows.filter(**{"__".join(f.name for f in path): alliance_id})


def unlinked_history_rows(*, alliance_id: int | None = None) -> list[Problem]:
    """History rows no link vouches for. The application links every row it writes, so the row was
    either inserted outside it or its link was removed. A row recorded after its chain's last link
    is what cutting links off the end of the chain (and moving its head back to match) leaves
    behind: it is reported as links removed, the rest as rows inserted."""
    from alliance.models import AuditLink

    problems = []
    ends: dict[str, tuple | None] = {}
    for model in history_models():
        label = model._meta.label_lower
        rows = model._default_manager.all()
        if alliance_id is not None and (rows := in_alliance(model, rows, alliance_id)) is None:
            continue
        linked = AuditLink.objects.filter(history_model=label).values_list("history_id", flat=True)
        for row in rows.exclude(pk__in=linked).order_by("pk")[:5]:
            chain = chain_of(getattr(model, "instance_type", None) or model, row)
            if chain not in ends:
                ends[chain] = (
                    AuditLink.objects.filter(chain=chain)
                    .exclude(history_date=None)
                    .order_by("-seq")
                    .values_list("seq", "history_date")
                    .first()
                )
            end, when = ends[chain], _recorded_at(row)
            if end is None:
                problems.append(
                    Problem(
                        chain,
                        "removed",
                        f"{label} row {row.pk} has no link, and chain {chain} has none left: its links were "
                        "removed outside the application.",
                    )
                )
            elif when is not None and when >= end[1]:
                problems.append(
                    Problem(
                        chain,
                        "removed",
                        f"{label} row {row.pk} has no link, and was recorded on {when:%d/%m/%Y %H:%M:%S}, after "
                        f"chain {chain}'s last link #{end[0]}: links were removed from the end of the chain "
                        "(or the row was inserted outside the application).",
                    )
                )
            else:
                problems.append(
                    Problem(
                        chain,
                        "inserted",
                        f"{label} row {row.pk} is in no chain: it was inserted outside the application.",
                    )
                )
    return problems


def _recorded_at(row) -> datetime | None:
    """When a history row was recorded; a many-to-many row, when the version it was kept with was."""
    when = getattr(row, "history_date", None)
    if when is None and any(f.name == "history" for f in row._meta.concrete_fields):
        parent = row._meta.get_field("history").related_model
        when = parent._default_manager.filter(pk=row.history_id).values_list("history_date", flat=True).first()
    return when


def _drift_candidates(model, history, fields: list, rows: models.QuerySet, *, scoped: bool) -> list:
    """Primary keys of domain rows that have no history or differ, as stored, from their latest version."""
    connection = connections[rows.db]
    q = connection.ops.quote_name
    same = "IS" if connection.vendor == "sqlite" else "IS NOT DISTINCT FROM"
    domain, hist, pk = q(model._meta.db_table), q(history._meta.db_table), q(model._meta.pk.column)
    equal = " AND ".join(f"d.{q(f.column)} {same} h.{q(f.column)}" for f in fields) or "1 = 1"
    params: tuple = ()
    scope = ""
    if scoped:
        scope_sql, params = rows.values("pk").query.sql_with_params()
        scope = f"d.{pk} IN ({scope_sql}) AND "
    sql = (
        f"SELECT d.{pk} FROM {domain} d LEFT JOIN {hist} h ON h.history_id = ("
        f"SELECT h2.history_id FROM {hist} h2 WHERE h2.{pk} = d.{pk} "
        f"ORDER BY h2.history_date DESC, h2.history_id DESC LIMIT 1) "
        f"WHERE {scope}(h.history_id IS NULL OR NOT ({equal})) ORDER BY d.{pk} LIMIT 1000"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


def domain_drift(model, *, alliance_id: int | None = None) -> list[Problem]:
    """Domain rows that differ from their latest history row: changed, added or removed by raw SQL."""
    history = model.history.model
    compared = [(f.attname, f, _normaliser(f)) for f in _row_fields(model) if hasattr(history, f.attname)]
    pk_name = model._meta.pk.attname
    latest = history.objects.filter(**{pk_name: models.OuterRef("pk")}).order_by("-history_date", "-history_id")
    rows = model._default_manager.all()
    if alliance_id is not None and (rows := in_alliance(model, rows, alliance_id)) is None:
        return []
    # The database finds the rows whose stored values differ from their latest history row (or that
    # have none); Python then confirms each with the canonical comparison and names the field. Rows
    # stored identically are identical canonically, so nothing is missed (docs/performance.md: verify_audit no
    # longer reads every domain row into Python).
    candidates = _drift_candidates(model, history, [f for _, f, _ in compared], rows, scoped=alliance_id is not None)
    rows = rows.filter(pk__in=candidates).annotate(_last_history=models.Subquery(latest.values("history_id")[:1]))
    names = [name for name, _, _ in compared]
    problems = []
    label = model._meta.label_lower
    values = rows.order_by("pk").values_list("pk", "_last_history", *names)
    for chunk in _chunks(values.iterator(chunk_size=2000), 2000):
        ids = [r[1] for r in chunk if r[1] is not None]
        last = {
            h[0]: h
            for h in history.objects.filter(history_id__in=ids).values_list("history_id", "history_date", *names)
        }
        for row in chunk:
            record = last.get(row[1])
            if record is None:
                problems.append(
                    Problem(
                        NO_ALLIANCE, "unrecorded", f"{label} {row[0]} has no history: added outside the application."
                    )
                )
                continue
            for (_, field, normalise), current, recorded in zip(compared, row[2:], record[2:], strict=True):
                if normalise(current) != normalise(recorded):
                    problems.append(
                        Problem(
                            NO_ALLIANCE,
                            "drift",
                            f"{label} {row[0]}: '{field.name}' differs from its last recorded version "
                            f"of {record[1]:%d/%m/%Y %H:%M:%S}: changed outside the application.",
                        )
                    )
                    break
    # Objects whose history goes on after the domain row is gone, with no deletion recorded.
    recorded = history.objects.all()
    if alliance_id is not None:
        recorded = in_alliance(history, recorded, alliance_id)
    deleted = history.objects.filter(history_type="-").values(pk_name)
    vanished = (
        recorded.exclude(**{f"{pk_name}__in": model._default_manager.values("pk")})
        .exclude(**{f"{pk_name}__in": deleted})
        .values_list(pk_name, flat=True)
        .distinct()
        .order_by(pk_name)[:5]
    )
    for pk in vanished:
        problems.append(
            Problem(
                NO_ALLIANCE,
                "removed",
                f"{label} {pk} was deleted without a history row: removed outside the application.",
            )
        )
    return problems


def tracked_models() -> list:
    return sorted(
        (m for m in apps.get_models() if hasattr(m, "history") and hasattr(m.history, "model")),
        key=lambda m: m._meta.label_lower,
    )
