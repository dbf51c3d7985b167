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
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import OuterRef, Subquery

from alliance.access import Access, can_read, restrict
from alliance.models import AuditLink

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


def changed_fields(record, previous, fields) -> list[tuple[models.Field, object, object]]:
    """The one history diff: each of ``fields`` whose value differs between ``previous`` and
    ``record`` (two history rows of one record), as (field, old, new) in the model's field order;
    a relation's values are ids. Against no previous version, every field that holds a value.

    Built on django-simple-history's ``diff_against``, limited to ``fields`` so that it reads
    nothing more (many-to-many history has its own rows, ``_m2m_entries``)."""
    if record.history_type == "-":
        return []
    if previous is None:
        return [
            (f, None, getattr(record, f.attname))
            for f in fields
            if getattr(record, f.attname) not in (None, "", [], {})
        ]
    # diff_against reads editable fields (model_to_dict); a field that is not is compared here.
    delta = record.diff_against(previous, included_fields=[f.name for f in fields if f.editable])
    changed = {change.field: (change.old, change.new) for change in delta.changes}
    for f in fields:
        if not f.editable and getattr(previous, f.attname) != getattr(record, f.attname):
            changed[f.name] = (getattr(previous, f.attname), getattr(record, f.attname))
    return [(f, *changed[f.name]) for f in fields if f.name in changed]


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
    return {str(o.pk): _name(o) for o in objects}


def _name(obj) -> str:
    """``str(obj)``, or its kind and id when its ``__str__`` cannot read it (a relation gone)."""
    try:
        return str(obj)
    except Exception:
        logger.exception("Could not name %s #%s in the audit trail", obj._meta.label_lower, obj.pk)
        return f"{obj._meta.verbose_name} #{obj.pk}"


def _entries(history_model, records, previous, links: dict, access: Access | None = None) -> list[dict]:
    fields = _tracked(history_model)
    domain = history_model.instance_type
    pk_name = domain._meta.pk.attname
    current = _current_names(domain, [getattr(r, pk_name) for r in records])
    raw = [(r, changed_fields(r, previous.get(r._previous_id), fields)) for r in records]
    names = _related_names([(f, v) for _, ch in raw for f, old, new in ch for v in (old, new)], access)
    users = _users(r.history_user_id for r in records)
    label = history_model.instance_type._meta.label_lower
    out = []
    for record, changes in raw:
        link = links.get((history_model._meta.label_lower, record.history_id))
        reason = record.history_change_reason or ""
        try:
            shown = [
                {
                    "field": f.name,
                    "label": str(f.verbose_name),
                    "old": _display(f, a, names),
                    "new": _display(f, b, names),
                }
                for f, a, b in changes
            ]
        except Exception:  # one odd value must not take the page down: the row is shown without its diff
            logger.exception("Could not show the changes of %s row %s", history_model._meta.label_lower, record.pk)
            shown, reason = [], f"{reason} ({UNREADABLE_ROW})" if reason else UNREADABLE_ROW
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
                "reason": reason,
                "changes": shown,
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


def is_m2m_history(history_model) -> bool:
    """A many-to-many history row (Decision.revisits): one linked record, as kept with a version of
    its parent record; it has no date, user or type of its own."""
    try:
        parent = history_model._meta.get_field("history")
    except FieldDoesNotExist:
        return False
    return parent.is_relation and not any(f.name == "history_date" for f in history_model._meta.concrete_fields)


def _m2m_entries(history_model, links: list[AuditLink]) -> dict:
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
    names = _current_names(domain, {r[2] for r in rows if r[2] is not None})
    targets = _current_names(target_fk.related_model, {r[3] for r in rows if r[3] is not None})
    users = _users(p[2] for p in parents.values())
    index = {link.history_id: link for link in links}
    label = history_model._meta.label_lower
    out = {}
    for pk, parent_id, source_id, target_id in rows:
        link = index[pk]
        parent = parents.get(parent_id)
        object_id = str(source_id if source_id is not None else parent[5] if parent else link.object_id)
        target = None if target_id is None else targets.get(str(target_id))
        if target_id is not None and target is None:
            target = f"{target_fk.related_model._meta.verbose_name} #{target_id} (deleted)"
        out[(label, pk)] = {
            "history_id": pk,
            "model": domain._meta.label_lower,
            "object_id": object_id,
            "object": names.get(object_id) or f"{domain._meta.verbose_name} #{object_id} (deleted)",
            "change_type": CHANGE_TYPES.get(parent[3], "changed") if parent else "changed",
            "when": parent[1] if parent else link.history_date,
            "user": users.get(parent[2]) if parent else None,
            "source": link.source,
            "reason": (parent[4] or "") if parent else "",
            "changes": [{"field": field.name, "label": str(field.verbose_name), "old": None, "new": target}],
        }
    return out


def _model_entries(label: str, links: list[AuditLink]) -> dict:
    history_model = apps.get_model(label)
    if is_m2m_history(history_model):
        return _m2m_entries(history_model, links)
    index = {(label, link.history_id): link for link in links}
    records, previous = _with_previous(history_model, [link.history_id for link in links])
    return {(label, entry["history_id"]): entry for entry in _entries(history_model, records, previous, index)}


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
    return {
        "history_id": link.history_id,
        "model": link.object_model,
        "object_id": link.object_id,
        "object": f"{name} #{link.object_id}",
        "change_type": CHANGE_TYPES.get(link.change_type, "changed"),
        "when": link.history_date,
        "user": users.get(link.user_id),
        "source": link.source,
        "reason": reason,
        "changes": [],
    }


def feed_entries(links: list[AuditLink]) -> list[dict]:
    """The feed's rows for a page of links, in the links' order, in a few queries per model: one
    entry for every link, so a page, the API and the CSV show the same rows."""
    by_model = defaultdict(list)
    for link in links:
        by_model[link.history_model].append(link)
    entries, unreadable = {}, set()
    for label, group in by_model.items():
        if not _known(label):  # a history table no model has: its rows cannot be found
            continue
        try:
            entries.update(_model_entries(label, group))
        except Exception:
            logger.exception("Could not describe %d %s rows in the audit feed", len(group), label)
            unreadable.add(label)
    lost = [link for link in links if (link.history_model, link.history_id) not in entries]
    users = _users(link.user_id for link in lost)
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
