"""Reading the audit trail: versions of a record with field-level diffs, and the feed of all changes.

Diffs name related objects ("body: Alliance Management Team → Alliance Leadership Team"), not
bare ids. Both readers load a page in a bounded number of queries: a few per kind of record on
the page, never one per row.

No single odd row can make the feed fail: a link whose history row is gone, whose history table
no model has, or whose row the describing code cannot read is shown from the link alone, saying
so, and the error is logged.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import datetime

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import F, Q, Window, prefetch_related_objects
from django.db.models.functions import Lag, Lead

from alliance.access import Access, can_read, restrict, rule_of
from alliance.formatting import day_time
from alliance.models import AuditLink
from alliance.readable import (
    CANNOT_OPEN,
    NAME_READS,
    choice_labels,
    describe,
    load_for_urls,
    raw,
    url_of,
    value_text,
)

logger = logging.getLogger(__name__)

CHANGE_TYPES = {"+": "created", "~": "changed", "-": "deleted"}
MISSING_ROW = "Its history row is missing: run manage.py verify_audit."
UNREADABLE_ROW = "This change could not be shown in full; its record is kept in the audit chain."
# SQLite joins at most 64 tables in one query; a record with many relations (a decision) reads
# its name from its direct relations only.
MAX_JOINS = 24


def _tracked(history_model) -> list[models.Field]:
    domain = history_model.instance_type
    names = {f.attname for f in history_model._meta.concrete_fields}
    return [f for f in domain._meta.concrete_fields if f.attname in names and not f.primary_key]


# Kinds of record named whatever the reader's standing: the kind of a record (a paper's owner type),
# and a login (as the "By" of every change shows it).
ALWAYS_NAMED = {"contenttypes.contenttype", settings.AUTH_USER_MODEL.lower()}


def _display(field: models.Field, value, names: dict) -> str | None:
    """The value in the API's ``old``/``new``: a related record's name (only where the reader may read
    it), a choice's label, ISO 8601 for a moment, a list as a list."""
    if value is None or value == "":
        return None if value is None else ""
    if field.is_relation:
        found = names.get((field.related_model, value))
        if found is None:
            return f"#{value} (deleted)"
        return found[0] if found[0] is not None else CANNOT_OPEN
    if field.choices:
        return str(choice_labels(field).get(value, value))
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, (list, dict, bool, int)):
        return value
    return str(value)


HISTORY_COLUMNS = ("history_id", "history_date", "history_type", "history_user_id", "history_change_reason")


def _history_columns(history_model) -> list[str]:
    pk = history_model.instance_type._meta.pk.attname
    tracked = [f.attname for f in history_model.tracked_fields]
    return list(dict.fromkeys([*HISTORY_COLUMNS, pk, *tracked]))


def _with_previous(history_model, ids: list[int], record_ids=None) -> tuple[list[dict], dict]:
    """Load history rows by id as values (dicts), newest first, each with the id of its previous
    version (``_previous_id``), and those previous versions too (by history id), in one query.

    The versions are numbered by a window over the versions of the page's records only (``record_ids``,
    the ids of the records the rows are versions of, when the caller knows them), read through the
    index on the record's id, so the cost follows the page, not the table; the rows kept are the
    page's and the ones just before them. A row not among those records' versions (a link naming
    the wrong record) is found by its own id, in a second query."""
    if not ids:
        return [], {}
    domain_pk = history_model.instance_type._meta.pk
    manager = history_model._default_manager
    records = manager.filter(history_id__in=ids).order_by().values(domain_pk.attname)
    if record_ids is not None:
        records = _keys(domain_pk, record_ids)
    order = [F("history_date").asc(), F("history_id").asc()]
    loaded = {
        row["history_id"]: row
        for row in manager.filter(**{f"{domain_pk.attname}__in": records})
        .annotate(
            _previous_id=Window(Lag("history_id"), partition_by=[F(domain_pk.attname)], order_by=order),
            _next_id=Window(Lead("history_id"), partition_by=[F(domain_pk.attname)], order_by=order),
        )
        .filter(Q(history_id__in=ids) | Q(_next_id__in=ids))
        .order_by()
        .values("_previous_id", *_history_columns(history_model))
    }
    wanted = set(ids)
    if record_ids is not None and not wanted <= loaded.keys():
        return _with_previous(history_model, ids)
    rows = sorted(
        (row for i, row in loaded.items() if i in wanted),
        key=lambda r: (r["history_date"], r["history_id"]),
        reverse=True,
    )
    previous = {row["_previous_id"]: loaded[row["_previous_id"]] for row in rows if row["_previous_id"] in loaded}
    return rows, previous


def _keys(pk: models.Field, values) -> list:
    """Record ids as the database keeps them; one that is not a valid id is left out."""
    keys = []
    for value in values:
        try:
            keys.append(pk.to_python(value))
        except Exception:  # a link naming no valid id: its row is then found by its own id
            continue
    return keys


def _text(field: models.Field, value, names: dict, label: str) -> str | None:
    """The value as the pages show it (``old_text``/``new_text``); None when there is none."""
    if value is None or value == "":
        return None
    if field.is_relation:
        found = names.get((field.related_model, value))
        if found is None:
            return f"{field.related_model._meta.verbose_name} #{value}, since deleted"
        return found[0] if found[0] is not None else CANNOT_OPEN
    return value_text(field, value, label)


def _link(field: models.Field, value, names: dict) -> str | None:
    found = names.get((field.related_model, value)) if field.is_relation and value is not None else None
    return found[1] if found else None


def _change(field: models.Field, old, new, names: dict, label: str) -> dict:
    return {
        "field": field.name,
        "label": str(field.verbose_name),
        "old": _display(field, old, names),
        "new": _display(field, new, names),
        "old_text": _text(field, old, names, label),
        "new_text": _text(field, new, names, label),
        "old_url": _link(field, old, names),
        "new_url": _link(field, new, names),
        "old_raw": raw(old),
        "new_raw": raw(new),
    }


def _readable_keys(model, keys, access: Access | None) -> set[str]:
    """Which of these records (by id as text) the reader may read, by the one read rule, in one query."""
    keys = set(keys)
    if access is None or not keys or model._meta.label_lower in ALWAYS_NAMED:
        return keys
    rule = rule_of(model)
    if rule is None and not access.staff:
        return set()
    if rule is None or rule.q(access) is None:  # the reader may read every one (staff): no query
        return keys
    pks = {model._meta.pk.to_python(k) for k in keys}
    return {str(pk) for pk in restrict(model._default_manager.filter(pk__in=pks), access).values_list("pk", flat=True)}


def _related_names(pairs: list[tuple[models.Field, object]], access: Access | None = None) -> dict:
    """(model, id) -> (name, address) of each related record that exists; (None, None) for one the
    reader may not read, so it is neither named nor linked. A few queries per kind of record."""
    wanted = defaultdict(set)
    for field, value in pairs:
        if field.is_relation and value is not None:
            wanted[field.related_model].add(value)
    names = {}
    for model, ids in wanted.items():
        objects = _current_objects(model, ids)
        readable = _readable_keys(model, objects, access)
        load_for_urls([o for key, o in objects.items() if key in readable])
        for key, obj in objects.items():
            pk = model._meta.pk.to_python(key)
            names[(model, pk)] = (_name(obj), _url(obj)) if key in readable else (None, None)
    return names


def _url(obj) -> str | None:
    try:
        return url_of(obj)
    except Exception:  # an address must never take the page down
        logger.exception("Could not link %s #%s in the audit trail", obj._meta.label_lower, obj.pk)
        return None


def _value_of(row):
    """Read a history row's values by attribute name, whether it is a row of values or a model instance."""
    return row.__getitem__ if isinstance(row, dict) else row.__getattribute__


def changed_fields(record, previous, fields) -> list[tuple[models.Field, object, object]]:
    """The one history diff: each of ``fields`` whose value differs between ``previous`` and
    ``record`` (two history rows of one record: model instances, or rows of values by attribute
    name), as (field, old, new) in the model's field order; a relation's values are ids. Against no
    previous version, every field that holds a value.

    It compares what django-simple-history's ``diff_against`` compares (each field's stored value),
    field by field, so a page of rows read as values needs no model instances; many-to-many history
    has its own rows (``_m2m_entries``)."""
    new = _value_of(record)
    if new("history_type") == "-":
        return []
    if previous is None:
        return [(f, None, new(f.attname)) for f in fields if new(f.attname) not in (None, "", [], {})]
    old = _value_of(previous)
    return [(f, old(f.attname), new(f.attname)) for f in fields if old(f.attname) != new(f.attname)]


def _users(ids, access: Access | None = None) -> dict:
    """Each user's username and how a person reads them: "Jo Bloggs (jbloggs)", the person's name
    only where the reader may read that person (the username otherwise), in two queries."""
    ids = {i for i in ids if i}
    if not ids:
        return {}
    user_model = get_user_model()
    rows = list(user_model.objects.filter(pk__in=ids).values_list("pk", "username", "person__pk", "person__name"))
    person_model = user_model._meta.get_field("person").related_model
    named = _readable_keys(person_model, {str(person) for _, _, person, _ in rows if person is not None}, access)
    return {
        pk: (username, f"{name} ({username})" if name and str(person) in named else username)
        for pk, username, person, name in rows
    }


def _as_recorded(entry: dict, link) -> dict:
    """Who made the change as its link recorded them at the time: renaming the account (or its
    person) later does not change who the trail says it was; the name it has now follows. Links made
    before identities were recorded keep the account's current name."""
    if link is None or link.username is None:
        return entry
    current, shown = entry.get("user"), entry.get("by")
    named = bool(shown) and shown != current  # the reader may read the person (_users)
    by = f"{link.person_name} ({link.username})" if named and link.person_name else link.username
    if current and current != link.username:
        by = f"{by}, now {current}"
    return {**entry, "user": link.username, "by": by}


def _username(users: dict, user_id) -> str | None:
    return users[user_id][0] if user_id in users else None


def _by(users: dict, user_id) -> str | None:
    return users[user_id][1] if user_id in users else None


def _name_paths(domain_model) -> list[str]:
    if domain_model._meta.label_lower in NAME_READS:
        return list(NAME_READS[domain_model._meta.label_lower])
    related, second = [], []
    for field in domain_model._meta.concrete_fields:
        if field.is_relation:
            related.append(field.name)
            # Two levels: a status change reads as "<membership> from <date>", a membership as
            # "<organisation> in <alliance>".
            second.extend(
                f"{field.name}__{inner.name}"
                for inner in field.related_model._meta.concrete_fields
                if inner.is_relation and inner.related_model is not field.related_model
            )
    if len(related) + len(second) <= MAX_JOINS:
        related += second
    return related[:MAX_JOINS]


def _current_objects(domain_model, object_ids) -> dict:
    """The records as they are now, by id as text, in one query with the relations their names read."""
    # No order: the records are found by id, and ordering by a relation (Meta.ordering) would join
    # and sort for nothing (half the time of the query).
    objects = domain_model._default_manager.select_related(*_name_paths(domain_model)).order_by()
    return {str(o.pk): o for o in objects.filter(pk__in=set(object_ids))}


def _name(obj) -> str:
    """``str(obj)``, or its kind and id when its ``__str__`` cannot read it (a relation gone)."""
    try:
        if obj._meta.label_lower == "contenttypes.contenttype":
            return str(obj.name)
        return str(obj)
    except Exception:
        logger.exception("Could not name %s #%s in the audit trail", obj._meta.label_lower, obj.pk)
        return f"{obj._meta.verbose_name} #{obj.pk}"


def _gone(history_model, records, current: dict) -> dict:
    """Records no longer there, as their last row on the page left them (a deletion's row holds the
    values it was deleted with), with the relations their names read loaded for all at once."""
    domain = history_model.instance_type
    pk_name = domain._meta.pk.attname
    gone = {}
    attnames = [f.attname for f in history_model.tracked_fields]
    for record in sorted(records, key=lambda r: (r["history_date"], r["history_id"])):
        key = str(record[pk_name])
        if key not in current:
            # As django-simple-history builds a row's ``instance``: the record with the row's values.
            gone[key] = domain(**{name: record[name] for name in attnames})
    if gone:
        try:
            prefetch_related_objects(list(gone.values()), *_name_paths(domain))
            load_for_urls(gone.values())
        except Exception:  # a relation gone too: each name falls back on its own
            logger.exception("Could not load the relations of deleted %s records", domain._meta.label_lower)
    return gone


def _subject(domain, key: str, current: dict, gone: dict, readable: set) -> dict:
    """The entry's record: its name (the API's ``object``), in words, and its page where readable."""
    if key in current:
        obj = current[key]
        name = _name(obj)
        return {"object": name, "record": describe(obj, name), "url": _url(obj) if key in readable else None}
    if key in gone:
        name = _name(gone[key])
        return {"object": f"{name} (deleted)", "record": describe(gone[key], name), "url": None}
    kind = domain._meta.verbose_name
    return {"object": f"{kind} #{key} (deleted)", "record": f"a {kind} since deleted", "url": None}


def _readable_fields(entry: dict) -> dict:
    """What every entry adds for people: local time, who by name, and a sentence."""
    change = entry["change_type"]
    return {
        "when_local": day_time(entry["when"], seconds=True),
        "summary": f"{change.capitalize()} {entry.get('record') or entry['object']}",
    }


def _entries(history_model, records, previous, links: dict, access: Access | None = None) -> list[dict]:
    fields = _tracked(history_model)
    domain = history_model.instance_type
    pk_name = domain._meta.pk.attname
    current = _current_objects(domain, [r[pk_name] for r in records])
    readable = _readable_keys(domain, current, access)
    load_for_urls(current.values())
    gone = _gone(history_model, records, current)
    raw_changes = [(r, changed_fields(r, previous.get(r["_previous_id"]), fields)) for r in records]
    names = _related_names([(f, v) for _, ch in raw_changes for f, old, new in ch for v in (old, new)], access)
    users = _users((r["history_user_id"] for r in records), access)
    label = history_model.instance_type._meta.label_lower
    out = []
    for record, changes in raw_changes:
        link = links.get((history_model._meta.label_lower, record["history_id"]))
        reason = record["history_change_reason"] or ""
        try:
            shown = [_change(f, a, b, names, label) for f, a, b in changes]
        except Exception:  # one odd value must not take the page down: the row is shown without its diff
            logger.exception("Could not show the changes of %s row %s", label, record["history_id"])
            shown, reason = [], f"{reason} ({UNREADABLE_ROW})" if reason else UNREADABLE_ROW
        key = str(record[pk_name])
        entry = {
            "history_id": record["history_id"],
            "model": label,
            "object_id": key,
            **_subject(domain, key, current, gone, readable),
            "change_type": CHANGE_TYPES.get(record["history_type"], record["history_type"]),
            "when": record["history_date"],
            "user": _username(users, record["history_user_id"]),
            "by": _by(users, record["history_user_id"]),
            "source": link.source if link else None,
            "reason": reason,
            "changes": shown,
        }
        entry = _as_recorded(entry, link)
        out.append({**entry, **_readable_fields(entry)})
    return out


def versions(obj, access: Access) -> list[dict]:
    """Every version of ``obj`` the reader may read, newest first, with who, when, why and what changed.

    Each version is judged by the read rule on its own values: one from when the record was more
    restricted stays hidden, and the next readable version is then shown against nothing rather than
    against it, so its old values never show either. Related records are named only when readable.
    """
    history_model = obj.history.model
    ids = list(restrict(obj.history.all(), access).values_list("history_id", flat=True))
    records, previous = _with_previous(history_model, ids, record_ids=[obj.pk])
    readable = set(ids)
    previous = {pk: row for pk, row in previous.items() if pk in readable}
    label = history_model._meta.label_lower
    links = {
        (label, link.history_id): link
        for link in AuditLink.objects.filter(history_model=label, history_id__in=ids).only(
            "history_model", "history_id", "source", "username", "person_name"
        )
    }
    entries = _entries(history_model, records, previous, links, access)
    return sorted(entries, key=lambda e: (e["when"], e["history_id"]), reverse=True)


def is_m2m_history(history_model) -> bool:
    """A many-to-many history row (Decision.revisits): one linked record, as kept with a version of
    its parent record; it has no date, user or type of its own."""
    try:
        parent = history_model._meta.get_field("history")
    except FieldDoesNotExist:
        return False
    return parent.is_relation and not any(f.name == "history_date" for f in history_model._meta.concrete_fields)


def _m2m_entries(history_model, links: list[AuditLink], access: Access | None = None) -> dict:
    """Feed entries for many-to-many history rows: "<record> revisits <other record>", dated and
    attributed by the version of the record they were kept with."""
    parent_model = history_model._meta.get_field("history").related_model
    domain = parent_model.instance_type
    through = history_model.instance_type
    field = next(f for f in domain._meta.many_to_many if f.remote_field.through is through)
    source_attr = through._meta.get_field(field.m2m_field_name()).attname
    target_fk = through._meta.get_field(field.m2m_reverse_field_name())
    pk_name = history_model._meta.pk.attname
    rows = list(
        history_model.objects.filter(pk__in=[link.history_id for link in links]).values_list(
            pk_name, "history_id", source_attr, target_fk.attname
        )
    )
    domain_pk = domain._meta.pk.attname
    parents = {
        p[0]: p
        for p in parent_model.objects.filter(history_id__in={r[1] for r in rows}).values_list(
            "history_id", "history_date", "history_user_id", "history_type", "history_change_reason", domain_pk
        )
    }
    current = _current_objects(domain, {r[2] for r in rows if r[2] is not None})
    readable = _readable_keys(domain, current, access)
    load_for_urls(current.values())
    targets = _related_names([(target_fk, r[3]) for r in rows], access)
    users = _users((p[2] for p in parents.values()), access)
    index = {link.history_id: link for link in links}
    label = history_model._meta.label_lower
    out = {}
    for pk, parent_id, source_id, target_id in rows:
        link = index[pk]
        parent = parents.get(parent_id)
        object_id = str(source_id if source_id is not None else parent[5] if parent else link.object_id)
        change = _change(target_fk, None, target_id, targets, domain._meta.label_lower)
        if change["new"] is not None and change["new"].endswith(" (deleted)"):
            change["new"] = f"{target_fk.related_model._meta.verbose_name} {change['new']}"
        change.update(field=field.name, label=str(field.verbose_name))
        entry = {
            "history_id": pk,
            "model": domain._meta.label_lower,
            "object_id": object_id,
            **_subject(domain, object_id, current, {}, readable),
            "change_type": CHANGE_TYPES.get(parent[3], "changed") if parent else "changed",
            "when": parent[1] if parent else link.history_date,
            "user": _username(users, parent[2]) if parent else None,
            "by": _by(users, parent[2]) if parent else None,
            "source": link.source,
            "reason": (parent[4] or "") if parent else "",
            "changes": [change],
        }
        out[(label, pk)] = {**entry, **_readable_fields(entry)}
    return out


def _model_entries(label: str, links: list[AuditLink], access: Access | None = None) -> dict:
    history_model = apps.get_model(label)
    if is_m2m_history(history_model):
        return _m2m_entries(history_model, links, access)
    index = {(label, link.history_id): link for link in links}
    records, previous = _with_previous(
        history_model, [link.history_id for link in links], record_ids={link.object_id for link in links}
    )
    entries = _entries(history_model, records, previous, index, access)
    return {(label, entry["history_id"]): entry for entry in entries}


def _known(label: str) -> bool:
    try:
        apps.get_model(label)
    except (LookupError, ValueError):
        return False
    return True


def _fallback(link: AuditLink, users: dict, reason: str) -> dict:
    """A feed entry from the link alone, for a history row that is gone or cannot be read."""
    try:
        name = apps.get_model(link.object_model)._meta.verbose_name
    except (LookupError, ValueError):
        name = link.object_model
    entry = {
        "history_id": link.history_id,
        "model": link.object_model,
        "object_id": link.object_id,
        "object": f"{name} #{link.object_id}",
        "record": f"{name} #{link.object_id}",
        "url": None,
        "change_type": CHANGE_TYPES.get(link.change_type, "changed"),
        "when": link.history_date,
        "user": _username(users, link.user_id),
        "by": _by(users, link.user_id),
        "source": link.source,
        "reason": reason,
        "changes": [],
    }
    entry = _as_recorded(entry, link)
    return {**entry, **_readable_fields(entry)}


def feed_entries(links: list[AuditLink], access: Access | None = None) -> list[dict]:
    """The feed's rows for a page of links, in the links' order, in a few queries per model: one
    entry for every link, so a page, the API and the CSV show the same rows.

    With ``access`` (a reader's), a related record is named and linked only where the reader may read
    it, and an entry links to its record only then; without (an administrator's export), all are."""
    by_model = defaultdict(list)
    for link in links:
        by_model[link.history_model].append(link)
    entries, unreadable = {}, set()
    for label, group in by_model.items():
        if not _known(label):  # a history table no model has: its rows cannot be found
            continue
        try:
            entries.update(_model_entries(label, group, access))
        except Exception:
            logger.exception("Could not describe %d %s rows in the audit feed", len(group), label)
            unreadable.add(label)
    lost = [link for link in links if (link.history_model, link.history_id) not in entries]
    users = _users((link.user_id for link in lost), access)
    out = []
    for link in links:
        entry = entries.get((link.history_model, link.history_id))
        if entry is None:
            entry = _fallback(link, users, UNREADABLE_ROW if link.history_model in unreadable else MISSING_ROW)
        out.append({"id": link.pk, "chain": link.chain, **entry})
    return out


def as_of(model, pk, when: datetime, access: Access):
    """The record as it stood at ``when``, or None if it did not exist yet (or had been deleted), or if
    the reader may not read it as it stood then (the read rule on that version's own values)."""
    record = (
        model.history.filter(**{model._meta.pk.attname: pk}, history_date__lte=when)
        .order_by("-history_date", "-history_id")
        .first()
    )
    if record is None or record.history_type == "-" or not can_read(access, record):
        return None
    return record.instance
