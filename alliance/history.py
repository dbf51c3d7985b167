"""Reading the audit trail: versions of a record with field-level diffs, and the feed of all changes.

Diffs name related objects ("body: Alliance Management Team → Alliance Leadership Team"), not
bare ids. Both readers load a page in a bounded number of queries: a few per kind of record on
the page, never one per row.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import OuterRef, Subquery

from alliance.access import Access, can_read, restrict
from alliance.models import AuditLink

CHANGE_TYPES = {"+": "created", "~": "changed", "-": "deleted"}
# SQLite joins at most 64 tables in one query; a record with many relations (a decision) reads
# its name from its direct relations only.
MAX_JOINS = 24


def _tracked(history_model) -> list[models.Field]:
    domain = history_model.instance_type
    names = {f.attname for f in history_model._meta.concrete_fields}
    return [f for f in domain._meta.concrete_fields if f.attname in names and not f.primary_key]


def _display(field: models.Field, value, names: dict) -> str | None:
    if value is None or value == "":
        return None if value is None else ""
    if field.is_relation:
        return names.get((field.related_model, value), f"#{value} (deleted)")
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, (list, dict, bool, int)):
        return value
    return str(value)


def _with_previous(history_model, ids: list[int]) -> tuple[list, dict]:
    """Load history rows by id with the id of each one's previous version, then those too."""
    pk = history_model.instance_type._meta.pk.attname
    earlier = history_model.objects.filter(**{pk: OuterRef(pk)}).filter(
        models.Q(history_date__lt=OuterRef("history_date"))
        | models.Q(history_date=OuterRef("history_date"), history_id__lt=OuterRef("history_id"))
    )
    rows = list(
        history_model.objects.filter(history_id__in=ids).annotate(
            _previous_id=Subquery(earlier.order_by("-history_date", "-history_id").values("history_id")[:1])
        )
    )
    wanted = [r._previous_id for r in rows if r._previous_id]
    previous = {r.history_id: r for r in history_model.objects.filter(history_id__in=wanted)}
    return rows, previous


def _related_names(pairs: list[tuple[models.Field, object]], access: Access | None = None) -> dict:
    wanted = defaultdict(set)
    for field, value in pairs:
        if field.is_relation and value is not None:
            wanted[field.related_model].add(value)
    names = {}
    for model, ids in wanted.items():
        for pk, name in _current_names(model, ids, access).items():
            names[(model, model._meta.pk.to_python(pk))] = name
    return names


def _changes(record, previous, fields) -> list[tuple[models.Field, object, object]]:
    out = []
    for field in fields:
        new = getattr(record, field.attname)
        old = getattr(previous, field.attname) if previous is not None else None
        if record.history_type == "-" or (previous is not None and old == new):
            continue
        if previous is None and new in (None, "", [], {}):
            continue
        out.append((field, old, new))
    return out


def _users(ids) -> dict:
    ids = {i for i in ids if i}
    return dict(get_user_model().objects.filter(pk__in=ids).values_list("pk", "username")) if ids else {}


def _current_names(domain_model, object_ids, access: Access | None = None) -> dict:
    """How each record reads now, in one query: its __str__ with its relations joined; with ``access``,
    only those records the reader may read (another is shown by its id alone)."""
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
    objects = domain_model._default_manager.select_related(*related[:MAX_JOINS]).filter(pk__in=set(object_ids))
    if access is not None:
        objects = restrict(objects, access)
    return {str(o.pk): str(o) for o in objects}


def _entries(history_model, records, previous, links: dict, access: Access | None = None) -> list[dict]:
    fields = _tracked(history_model)
    domain = history_model.instance_type
    pk_name = domain._meta.pk.attname
    current = _current_names(domain, [getattr(r, pk_name) for r in records])
    raw = [(r, _changes(r, previous.get(r._previous_id), fields)) for r in records]
    names = _related_names([(f, v) for _, ch in raw for f, old, new in ch for v in (old, new)], access)
    users = _users(r.history_user_id for r in records)
    label = history_model.instance_type._meta.label_lower
    out = []
    for record, changes in raw:
        link = links.get((history_model._meta.label_lower, record.history_id))
        out.append(
            {
                "history_id": record.history_id,
                "model": label,
                "object_id": str(getattr(record, pk_name)),
                "object": current.get(str(getattr(record, pk_name)))
                or f"{domain._meta.verbose_name} #{getattr(record, pk_name)} (deleted)",
                "change_type": CHANGE_TYPES.get(record.history_type, record.history_type),
                "when": record.history_date,
                "user": users.get(record.history_user_id),
                "source": link.source if link else None,
                "reason": record.history_change_reason or "",
                "changes": [
                    {
                        "field": f.name,
                        "label": str(f.verbose_name),
                        "old": _display(f, old, names),
                        "new": _display(f, new, names),
                    }
                    for f, old, new in changes
                ],
            }
        )
    return out


def versions(obj, access: Access) -> list[dict]:
    """Every version of ``obj`` the reader may read, newest first, with who, when, why and what changed.

    Each version is judged by the read rule on its own values: one from when the record was more
    restricted stays hidden, and the next readable version is then shown against nothing rather than
    against it, so its old values never show either. Related records are named only when readable.
    """
    history_model = obj.history.model
    ids = list(restrict(obj.history.all(), access).values_list("history_id", flat=True))
    records, previous = _with_previous(history_model, ids)
    readable = set(ids)
    previous = {pk: row for pk, row in previous.items() if pk in readable}
    label = history_model._meta.label_lower
    links = {
        (label, link.history_id): link
        for link in AuditLink.objects.filter(history_model=label, history_id__in=ids).only(
            "history_model", "history_id", "source"
        )
    }
    entries = _entries(history_model, records, previous, links, access)
    return sorted(entries, key=lambda e: (e["when"], e["history_id"]), reverse=True)


def feed_entries(links: list[AuditLink]) -> list[dict]:
    """The feed's rows for a page of links, in the links' order, in a few queries per model."""
    by_model = defaultdict(list)
    for link in links:
        by_model[link.history_model].append(link.history_id)
    index = {(link.history_model, link.history_id): link for link in links}
    entries = {}
    for label, ids in by_model.items():
        history_model = apps.get_model(label)
        if not hasattr(history_model, "instance_type"):
            # A many-to-many history row (Decision.revisits): shown with its parent's change.
            for link in links:
                if link.history_model == label:
                    entries[(label, link.history_id)] = {
                        "history_id": link.history_id,
                        "model": link.object_model,
                        "object_id": link.object_id,
                        "object": f"{link.object_model} {link.object_id}",
                        "change_type": "changed",
                        "when": link.history_date,
                        "user": None,
                        "source": link.source,
                        "reason": "links between records",
                        "changes": [],
                    }
            continue
        records, previous = _with_previous(history_model, ids)
        for entry in _entries(history_model, records, previous, index):
            entries[(label, entry["history_id"])] = entry
    out = []
    for link in links:
        entry = entries.get((link.history_model, link.history_id))
        if entry is None:
            continue
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
