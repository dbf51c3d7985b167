"""The audit chains (rule 9): which chain a row belongs to, how a link is hashed, and the one link
writer, run by simple-history's signals for every history row any app writes.

A link holds SHA-256 over the previous link's hash, the canonical serialisation of its history row
(``canonical``) and the link's own fields. There is one chain per alliance and one ("none") for
records that belong to no alliance (organisations, people), so writes in different alliances never
wait on one lock.
"""

from __future__ import annotations

import hashlib
from collections import deque
from datetime import UTC

from django.apps import apps
from django.db import IntegrityError, models, transaction
from simple_history.models import HistoricalChanges

from alliance.audit.canonical import canonical, dumps
from alliance.audit.source import current_source
from alliance.errors import RuleViolation

GENESIS = "0" * 64
NO_ALLIANCE = "none"

# What a link says of its row, beside the row itself: hashed too, so that a link's attribution
# (who, from where, when, which record) cannot be edited behind the application's back.
LINK_FIELDS = (
    "chain", "seq", "history_model", "history_id", "object_model", "object_id", "history_date", "change_type",
    "user_id", "source", "username", "person_name",
)  # fmt: skip


def link_meta(values: tuple) -> bytes:
    """The link's own fields (in ``LINK_FIELDS`` order) as canonical JSON. Who the user was (username,
    person's name) is hashed on links that record it; links made before it was kept hash as they did."""
    (
        chain, seq, history_model, history_id, object_model, object_id, history_date, change_type, user_id, source,
        username, person_name,
    ) = values  # fmt: skip
    moment = history_date.astimezone(UTC).isoformat() if history_date is not None else None
    return meta_bytes(
        [chain, seq, history_model, history_id, object_model, str(object_id), moment, change_type, user_id, source],
        username,
        person_name,
    )


def meta_bytes(plain: list, username: str | None, person_name: str | None) -> bytes:
    """The canonical JSON of a link's fields: the ten plain ones, and who the user was when recorded."""
    if username is None and person_name is None:
        return dumps(plain)
    return dumps([*plain, {"username": username, "person": person_name}])


def identity_of(user_id: int | None) -> tuple[str | None, str | None]:
    """The username and the person's name of a user as they are now, for a link made now."""
    if user_id is None:
        return None, None
    from django.contrib.auth import get_user_model

    found = get_user_model()._default_manager.filter(pk=user_id).values_list("username", "person__name").first()
    if found is None:
        return None, None
    return found[0], found[1]


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


def history_models() -> list:
    """Every history model simple-history made, main and many-to-many, in a stable order."""
    found = []
    for model in apps.get_models():
        if issubclass(model, HistoricalChanges) or (
            model._meta.label_lower.split(".")[1].startswith("historical") and model not in found
        ):
            found.append(model)
    return sorted(found, key=lambda m: m._meta.label_lower)


def tracked_models() -> list:
    return sorted(
        (m for m in apps.get_models() if hasattr(m, "history") and hasattr(m.history, "model")),
        key=lambda m: m._meta.label_lower,
    )


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
    fields["username"], fields["person_name"] = identity_of(user_id)
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
