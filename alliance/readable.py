"""How the audit trail reads for people: values as the pages show them, records described in words,
and where a record can be opened.

The audit trail (``alliance.history``) keeps the machine values beside these: an export has both,
so a spreadsheet can still sort and match on the stored value. Nothing here reads the database:
``alliance.history`` loads the records a page needs in a few queries per kind of record, and
judges which the reader may open by the one read rule, before it asks for words or a link.
"""

from __future__ import annotations

import json
import logging
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache

from django.db import models
from django.db.models import prefetch_related_objects
from django.urls import NoReverseMatch, reverse

from alliance.access import Through, rule_of
from alliance.choices import DecisionKind
from alliance.formatting import day, day_time, money

logger = logging.getLogger(__name__)

CANNOT_OPEN = "a record you cannot open"

# Lists whose items are choices: their labels, by (record, field).
LIST_CHOICES = {
    ("alliance.membership", "capacities"): "alliance.Membership.Capacity",
    ("roles.delegatedauthority", "decision_kinds"): DecisionKind,
    ("roles.delegatedauthority", "reserved_kinds"): DecisionKind,
    ("decisions.decision", "delegation_kinds"): DecisionKind,
}

# Records whose name already reads as words ("Advice from X on Y", "X recused from Y").
NAMED_IN_WORDS = {
    "decisions.recusal",
    "decisions.advisoryinput",
    "decisions.advicerequest",
    "decisions.advisoryresponse",
    "decisions.release",
}

# Where a record's trail follows another record's page (a vote is read on its decision's page).
LINKS_ON_PAGE_OF = {"alliance.documentversion": "document"}

# Pages of records that have no get_absolute_url: (address name, path to the record's alliance).
# A register's address (no "-detail") shows the record among others of its alliance.
PAGES = {
    "alliance.membership": ("membership-detail", "alliance"),
    "roles.delegatedauthority": ("delegation-detail", "body__alliance"),
    "roles.interestdeclaration": ("interest-register", "alliance"),
    "contracts.contract": ("contract-register", "alliance"),
}


# Records whose name (``__str__``) and page address read only these relations: loaded with them
# alone, rather than with every relation two levels deep (``alliance.history``), which costs more
# than the rest of an audit page. A record not listed here is loaded with all of them;
# tests/api/test_lean_audit_feed.py holds that naming a record listed here reads nothing more.
NAME_READS = {
    "alliance.alliance": (),
    "alliance.organisation": (),
    "alliance.governingbody": ("alliance",),
    "alliance.membership": ("organisation", "alliance"),
    "roles.person": (),
    "roles.role": ("alliance",),
    "decisions.decision": ("alliance",),
    "contracts.awardprocess": ("alliance",),
}


def _attr(obj, path: str):
    for part in path.split("__"):
        obj = getattr(obj, part)
    return obj


# The relations a record's page address is built from: the first of these a record has (its
# alliance, for the address's slug), loaded for a page of records at once.
URL_PATHS = ("alliance", "body__alliance", "role__alliance", "meeting__body__alliance", "document__alliance")
# Records whose words or address need more than that.
NEEDS = {
    "decisions.vote": ("membership__organisation", "seat__person", "decision__alliance"),
    "decisions.recusal": ("membership__organisation", "seat__person", "decision__alliance"),
    "decisions.actionitem": ("decision__alliance", "meeting__body__alliance"),
    "decisions.advicerequest": ("membership__organisation", "decision"),
    "decisions.advisoryinput": ("organisation", "person", "decision"),
    "decisions.advisoryresponse": (
        "advisory_input__organisation",
        "advisory_input__person",
        "advisory_input__decision",
    ),
}


def _list_labels(label: str, field: models.Field) -> dict:
    choices = LIST_CHOICES.get((label, field.name))
    if isinstance(choices, str):
        from django.apps import apps

        app, model, inner = choices.split(".")
        choices = getattr(apps.get_model(app, model), inner)
    return dict(choices.choices) if choices is not None else {}


def is_money(field: models.Field) -> bool:
    """A sum of money: the project keeps amounts in pounds with two places (quorum fractions have three)."""
    return isinstance(field, models.DecimalField) and field.decimal_places == 2


def raw(value) -> str:
    """The stored value as text, for an export's machine column: ids, stored choices, ISO 8601."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


def _item(value, labels: dict) -> str:
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_item(v, {})}" for k, v in value.items())
    if isinstance(value, str):
        return str(labels.get(value, value.replace("_", " ")))
    return raw(value)


@lru_cache(maxsize=1024)
def choice_labels(field: models.Field) -> dict:
    """A field's choices as {stored value: label}, worked out once per field (not once per value)."""
    return dict(field.flatchoices)


def value_text(field: models.Field, value, label: str = "") -> str | None:
    """A value of a field that is not a relation, as the pages show it: a choice's label, local time,
    £ with separators, yes or no, a list as text. None when there is no value."""
    if value is None or value == "":
        return None
    if field.choices:
        return str(choice_labels(field).get(value, value))
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return day_time(value)
    if isinstance(value, date):
        return day(value)
    if isinstance(value, (Decimal, float)) and is_money(field):
        return money(value)
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    if isinstance(value, list):
        labels = _list_labels(label, field)
        return ", ".join(_item(v, labels) for v in value) if value else None
    if isinstance(value, dict):
        return _item(value, {}) or None
    return str(value)


def describe(obj, name: str) -> str:
    """A record in words: "vote of Second Step Trust on ALT-2020-001: …", "membership Harbour Light
    Housing in Dunmarrow"; ``name`` is how it is named (``str(obj)``, or as it stood when deleted)."""
    label = obj._meta.label_lower
    try:
        if label == "decisions.vote":
            return f"vote of {obj.voter_name} on {obj.decision}"
    except Exception:  # a relation gone: the name will do
        logger.debug("Could not describe %s #%s", label, obj.pk, exc_info=True)
    if label in NAMED_IN_WORDS:
        return name
    return f"{obj._meta.verbose_name} {name}"


def url_of(obj, depth: int = 0) -> str | None:
    """The page where ``obj`` is read, or that of the record it is read through (a vote on its
    decision's page). The caller has checked that the reader may read ``obj``: a record read
    through another (``Through``) is readable only when that one is."""
    if obj is None or depth > 3:
        return None
    label = obj._meta.label_lower
    try:
        if label in LINKS_ON_PAGE_OF:
            return url_of(getattr(obj, LINKS_ON_PAGE_OF[label]), depth + 1)
        if label in PAGES:
            name, alliance = PAGES[label]
            kwargs = {"slug": _attr(obj, alliance).slug}
            if name.endswith("-detail"):
                kwargs["pk"] = obj.pk
            return reverse(name, kwargs=kwargs)
        if label == "roles.roleassignment":
            return url_of(obj.role, depth + 1)
        if hasattr(obj, "get_absolute_url"):
            return obj.get_absolute_url()
        rule = rule_of(type(obj))
        if isinstance(rule, Through):
            return url_of(getattr(obj, rule.field_name), depth + 1)
    except (NoReverseMatch, AttributeError, models.ObjectDoesNotExist):
        logger.debug("No page for %s #%s", label, obj.pk, exc_info=True)
    return None


def _valid_path(model, path: str) -> bool:
    for part in path.split("__"):
        try:
            field = model._meta.get_field(part)
        except Exception:
            return False
        if not (field.is_relation and field.many_to_one):
            return False
        model = field.related_model
    return True


def _first_path(model, prefix: str = "") -> list[str]:
    inner = model
    if prefix:
        inner = model._meta.get_field(prefix.removesuffix("__")).related_model
    return next(([f"{prefix}{p}"] for p in URL_PATHS if _valid_path(inner, p)), [])


def load_for_urls(objects) -> None:
    """Load, for a page of records, the relations their words and page addresses read: a few
    queries per kind of record, never one per record (a relation already loaded is not read again)."""
    by_model = {}
    for obj in objects:
        by_model.setdefault(type(obj), []).append(obj)
    for model, group in by_model.items():
        label = model._meta.label_lower
        paths = [p for p in NEEDS.get(label, ()) if _valid_path(model, p)] + _first_path(model)
        # A record read through another (a score through its bid through its award) is linked to the
        # page at the end of that chain: load the chain and that record's alliance.
        inner, prefix = model, ""
        for _ in range(3):
            rule = rule_of(inner)
            if not isinstance(rule, Through) or hasattr(inner, "get_absolute_url"):
                break
            prefix = f"{prefix}{rule.field_name}__"
            inner = inner._meta.get_field(rule.field_name).related_model
            paths += [prefix.removesuffix("__")] + [f"{prefix}{p}" for p in _first_path(inner)]
        if label in LINKS_ON_PAGE_OF:
            paths += _first_path(model, f"{LINKS_ON_PAGE_OF[label]}__")
        try:
            prefetch_related_objects(group, *dict.fromkeys(paths))
        except Exception:  # a relation gone: each record then falls back on its own
            logger.exception("Could not load the relations of %d %s records", len(group), label)
