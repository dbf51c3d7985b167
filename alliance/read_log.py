"""The read log: the one place that writes who read confidential records (issue 20, part 5).

Views call it with what they served; it keeps only what is confidential and writes one entry per call
(a list or an export names how many confidential records it served, not one entry a row), in one
INSERT inside the request's own transaction (``ATOMIC_REQUESTS``): a read whose answer fails leaves
no entry, and a served read always has one. What is confidential is read off each model's read rule
(alliance/access.py), so no list of models is kept here:

- a record with a visibility (``ByVisibility``: decisions, award processes, governing documents) whose
  own visibility is CONFIDENTIAL (a decision released later is still logged: it was confidential);
- oversight's own records (``OversightOnly``: its notes);
- a record readable through a confidential one (``Through``: a contract awarded through a
  confidential award), and a paper filed with a confidential record (its owner).

The audit trail holds confidential records too: every read of it is logged, as is every read of the
log itself. Who is the request's login with its username and person's name as they are now; from
where is the client's address as the lock-out (django-axes) determines it, behind the same proxies.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.apps import apps
from django.db import models
from django.db.models import Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from alliance.access import CONFIDENTIAL, AllOf, AnyOf, ByVisibility, OversightOnly, Through, rule_of
from alliance.document_models import FollowsOwner
from alliance.models import ReadLogEntry

Kind = ReadLogEntry.Kind
USER_AGENT_LENGTH = 300


# What is confidential ---------------------------------------------------------------------------


def is_confidential(obj) -> bool:
    """Whether ``obj``, a row already loaded, is a confidential record (the module's docstring)."""
    if obj is None:
        return False
    return _confidential(rule_of(type(obj)), obj)


def _confidential(rule, obj) -> bool:
    if rule is None:
        return False
    if isinstance(rule, OversightOnly):
        return True
    if isinstance(rule, ByVisibility):
        return _value(obj, rule.visibility) == CONFIDENTIAL
    if isinstance(rule, Through):
        return is_confidential(getattr(obj, rule.field_name, None))
    if isinstance(rule, AllOf | AnyOf):
        return any(_confidential(part, obj) for part in rule.rules)
    if isinstance(rule, FollowsOwner):  # a paper, or one version of it: as confidential as its record
        document = _value(obj, rule.to_document.rstrip("_")) if rule.to_document else obj
        return document is not None and is_confidential(document.owner)
    return False


def _value(obj, path: str):
    for part in path.split("__"):
        obj = getattr(obj, part, None)
    return obj


def alliance_id_of(obj) -> int | None:
    """The alliance a record belongs to: its own, its body's, or that of the record it hangs off."""
    for path in ("alliance_id", "body__alliance_id", "document__alliance_id"):
        value = _value(obj, path)
        if value is not None:
            return value
    rule = rule_of(type(obj))
    if isinstance(rule, Through):
        linked = getattr(obj, rule.field_name, None)
        return None if linked is None else alliance_id_of(linked)
    return None


def describe(obj) -> str:
    """The record as a person names it now, kept in the entry as it was."""
    return str(obj)[:300]


# Who, from where --------------------------------------------------------------------------------


def _http(request):
    return getattr(request, "_request", request)  # a DRF Request wraps the HttpRequest


def client_address(request) -> str:
    """The client's address as django-axes (the lock-out) determines it: the same proxy count."""
    from axes.helpers import get_client_ip_address

    try:
        return (get_client_ip_address(_http(request)) or "")[:64]
    except Exception:  # noqa: BLE001 - a malformed header must not refuse the read; keep the socket's
        return (_http(request).META.get("REMOTE_ADDR") or "")[:64]


def _who(request) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"user": None, "username": "", "person_name": ""}
    # The person's name (roles.Person, one-to-one with the login; the alliance app reads it by name)
    # is read by the INSERT itself, not by a query of its own; a login with no person keeps its full name.
    person = apps.get_model("roles", "Person")
    name = Coalesce(
        Subquery(person._default_manager.filter(user_id=user.pk).values("name")[:1]),
        Value(user.get_full_name()[:200]),
        output_field=models.CharField(),
    )
    return {"user": user, "username": user.get_username(), "person_name": name}


def _where(request) -> dict[str, str]:
    http = _http(request)
    return {
        "path": http.get_full_path()[:500],
        "ip_address": client_address(request),
        "user_agent": http.META.get("HTTP_USER_AGENT", "")[:USER_AGENT_LENGTH],
    }


def _write(request, entries: list[dict[str, Any]]) -> list[ReadLogEntry]:
    """Write the entries of one call as one INSERT, stamped with who, when and from where."""
    if not entries:
        return []
    stamp = {**_who(request), **_where(request), "at": timezone.now()}
    return ReadLogEntry.objects.bulk_create([ReadLogEntry(**stamp, **entry) for entry in entries])


# What views call ---------------------------------------------------------------------------------


def log_read(request, obj, *, kind: str = Kind.PAGE, alliance_id: int | None = None) -> ReadLogEntry | None:
    """One record served (a page, an API detail, a download): logged when it is confidential."""
    if not is_confidential(obj):
        return None
    entry = {
        "alliance_id": alliance_id if alliance_id is not None else alliance_id_of(obj),
        "kind": kind,
        "object_model": obj._meta.label_lower,
        "object_id": str(obj.pk),
        "description": describe(obj),
    }
    return _write(request, [entry])[0]


def log_list(
    request, objects: Iterable, *, kind: str = Kind.PAGE, alliance_id: int | None = None, what: str = ""
) -> ReadLogEntry | None:
    """A list served (a page of it, an API page): one entry naming how many confidential records it
    showed, when it showed any."""
    served = [obj for obj in objects if is_confidential(obj)]
    if not served:
        return None
    model = type(served[0])
    if len(served) == 1:
        return log_read(request, served[0], kind=kind, alliance_id=alliance_id)
    alliances = {alliance_id_of(obj) for obj in served}
    if alliance_id is None and len(alliances) == 1:
        alliance_id = alliances.pop()
    return log_rows(request, model, len(served), kind=kind, alliance_id=alliance_id, what=what)


def log_rows(
    request,
    model: type[models.Model],
    rows: int,
    *,
    kind: str = Kind.EXPORT,
    alliance_id: int | None = None,
    what: str = "",
) -> ReadLogEntry | None:
    """Many records of ``model`` served at once (an export, a feed): ``rows`` of them confidential."""
    if rows <= 0:
        return None
    label = model._meta.verbose_name if rows == 1 else model._meta.verbose_name_plural
    where = f" in {what}" if what else ""
    entry = {
        "alliance_id": alliance_id,
        "kind": kind,
        "object_model": model._meta.label_lower,
        "object_id": "",
        "description": f"{rows} confidential {label}{where}"[:300],
        "rows": rows,
    }
    return _write(request, [entry])[0]


def log_audit_trail(
    request, *, alliance_id: int | None, rows: int, kind: str = Kind.PAGE, what: str = "the audit trail"
) -> ReadLogEntry:
    """A read of the audit trail, which shows confidential records too: always logged."""
    from alliance.models import AuditLink

    entry = {
        "alliance_id": alliance_id,
        "kind": kind,
        "object_model": AuditLink._meta.label_lower,
        "object_id": "",
        "description": f"{what} ({rows} {'change' if rows == 1 else 'changes'})"[:300],
        "rows": rows,
    }
    return _write(request, [entry])[0]


def log_read_log(request, *, alliance_ids: Iterable[int | None], rows: int) -> list[ReadLogEntry]:
    """A read of the read log itself (page or API): always logged, once in each alliance's log it
    read (None: the entries of no alliance, or every alliance, which staff read)."""
    what = f"the read log ({rows} {'entry' if rows == 1 else 'entries'})"
    entries = [
        {
            "alliance_id": alliance_id,
            "kind": Kind.READ_LOG,
            "object_model": ReadLogEntry._meta.label_lower,
            "object_id": "",
            "description": what,
            "rows": rows,
        }
        for alliance_id in alliance_ids
    ]
    return _write(request, entries)
