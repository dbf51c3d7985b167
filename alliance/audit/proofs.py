"""Checkpoints served to witnesses outside the database, and the proofs an outsider checks against them
(issue 20, part 2).

Whoever may read a chain's checkpoints (``AuditCheckpoint``'s read rule: anyone when the alliance
publishes its register, else its oversight and confidential readers) may fetch them, and keep a copy:
the emails oversight is sent, a downloaded file. Two proofs let an outsider holding only a checkpoint
and the verifier key check the chain without reading it:

- an inclusion proof (RFC 6962 PATH) that one link, the record's change it stands for, is among the
  checkpoint's first ``size`` links; read under the audit trail's own rule, so a link the reader may
  not read is not found;
- a consistency proof (RFC 6962 PROOF) that a later kept checkpoint extends an earlier one: nothing
  at or below the earlier size was changed or removed in between.

:func:`check_inclusion` is the outsider's check, which needs no database: a proof, a checkpoint file
and the verifier key.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Value

from alliance.audit import checkpoint, merkle
from alliance.errors import RuleViolation
from alliance.models import Alliance, AuditCheckpoint, AuditLink


class NotFound(LookupError):
    """What was asked for does not exist, or the caller may not read it (answered as if it did not exist)."""


def chain_of(alliance: Alliance) -> str:
    return f"alliance:{alliance.pk}"


def may_read_checkpoints(access, alliance: Alliance) -> bool:
    """Whether ``access`` reads this alliance's checkpoints: the model's read rule, judged on the chain
    (so the answer is the same before the first checkpoint is taken)."""
    q = AuditCheckpoint.read_rule.q(access)
    return q is None or q.check({"chain": Value(chain_of(alliance))})


def checkpoints(access, alliance: Alliance):
    """The alliance's kept checkpoints the caller may read, newest first."""
    return AuditCheckpoint.objects.restrict(access).filter(chain=chain_of(alliance)).order_by("-size", "-id")


def latest(access, alliance: Alliance) -> AuditCheckpoint | None:
    return checkpoints(access, alliance).first()


def _demo_key_id() -> str | None:
    demo = getattr(settings, "DEMO_AUDIT_SIGNING_KEY", "")
    return checkpoint.parse_signer(demo).id.hex() if demo else None


def demo_key_in_use() -> bool:
    """Whether this server signs with the demo's published key: its checkpoints then prove nothing."""
    return checkpoint.has_signer() and checkpoint.signer().id.hex() == _demo_key_id()


def signed_with_demo_key(kept: AuditCheckpoint) -> bool:
    return kept.key_id == _demo_key_id()


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def _kept(access, alliance: Alliance, size: int | None, what: str) -> AuditCheckpoint:
    kept = checkpoints(access, alliance)
    if size is None:
        found = kept.first()
        if found is None:
            raise NotFound(f"No checkpoint of {alliance.name}'s audit trail has been taken yet.")
        return found
    found = kept.filter(size=size).first()
    if found is None:
        raise RuleViolation(
            "checkpoint_unknown",
            f"No kept checkpoint of {alliance.name}'s audit trail covers exactly {size} links; give the size "
            "of one listed in the checkpoints (or leave it out for the latest).",
            field=what,
        )
    return found


def _leaves(kept: AuditCheckpoint) -> list[bytes]:
    """The leaves of the chain's first ``kept.size`` links as they stand now; refused if they no longer
    hash to the checkpoint (the chain was changed after it was taken: no proof of it can hold)."""
    hashes = list(
        AuditLink.objects.filter(chain=kept.chain, seq__lte=kept.size).order_by("seq").values_list("hash", flat=True)
    )
    leaves = [merkle.link_leaf(h) for h in hashes]
    if len(leaves) != kept.size or merkle.root_of_leaves(leaves).hex() != kept.root_hash:
        raise RuleViolation(
            "audit_chain_broken",
            f"The audit trail no longer matches its checkpoint of {kept.size} links, so no proof against it "
            "can be given: run manage.py verify_audit to see what was changed.",
            conflict=True,
        )
    return leaves


@dataclass(frozen=True)
class InclusionProof:
    link: AuditLink
    checkpoint: AuditCheckpoint
    proof: list[bytes]

    @property
    def leaf_index(self) -> int:
        return self.link.seq - 1


def inclusion(access, alliance: Alliance, seq: int, size: int | None = None) -> InclusionProof:
    """The proof that link #``seq`` of the alliance's chain is in the checkpoint of ``size`` links (the
    latest by default). A link the caller may not read is not found, as on the audit trail."""
    link = AuditLink.objects.restrict(access).filter(chain=chain_of(alliance), seq=seq).first()
    if link is None:
        raise NotFound(f"{alliance.name}'s audit trail has no change #{seq} that you may read.")
    kept = _kept(access, alliance, size, "size")
    if seq > kept.size:
        raise RuleViolation(
            "link_after_checkpoint",
            f"Change #{seq} was made after the checkpoint of {kept.size} links: ask again after the next "
            "checkpoint is taken, or give the size of a later one.",
            field="seq",
        )
    leaves = _leaves(kept)
    return InclusionProof(link, kept, merkle.inclusion_proof(seq - 1, leaves))


@dataclass(frozen=True)
class ConsistencyProof:
    old: AuditCheckpoint
    new: AuditCheckpoint
    proof: list[bytes]


def consistency(access, alliance: Alliance, old_size: int, new_size: int) -> ConsistencyProof:
    """The proof that the kept checkpoint of ``new_size`` links extends the one of ``old_size``."""
    if old_size > new_size:
        raise RuleViolation(
            "checkpoint_order",
            f"The earlier checkpoint ({old_size} links) must not be larger than the later one ({new_size}).",
            field="from",
        )
    if old_size < 1:
        raise RuleViolation(
            "checkpoint_empty", "An empty checkpoint is extended by every later one: nothing to prove.", field="from"
        )
    old = _kept(access, alliance, old_size, "from")
    new = _kept(access, alliance, new_size, "to")
    leaves = _leaves(new)
    proof = merkle.consistency_proof(old_size, leaves) if old_size < new_size else []
    return ConsistencyProof(old, new, proof)


# The outsider's check: no database --------------------------------------------------------------


class ProofError(ValueError):
    """A proof that does not hold, or cannot be read: the sentence says which."""


def _decode(value, what: str) -> bytes:
    try:
        return base64.b64decode(str(value), validate=True)
    except (binascii.Error, ValueError) as error:
        raise ProofError(f"The proof's {what} is not base64.") from error


def check_inclusion(proof: dict, note: str, keys: list[checkpoint.Verifier]) -> checkpoint.Checkpoint:
    """Check a downloaded inclusion proof (the JSON of ``/api/v1/audit/proof/``) against a kept
    checkpoint ``note``, with the verifier ``keys`` alone. Returns the checkpoint; raises ProofError
    (or checkpoint.CheckpointError for a bad signature) saying what does not hold."""
    kept = checkpoint.read_checkpoint(note, keys)
    try:
        index, size = int(proof["leaf_index"]), int(proof["tree_size"])
        link_hash = str(proof["link_hash"])
        path = [_decode(h, "hashes") for h in proof["proof"]]
    except (KeyError, TypeError, ValueError) as error:
        raise ProofError(
            "This is not an inclusion proof: it needs leaf_index, tree_size, link_hash and proof."
        ) from error
    if size != kept.size:
        raise ProofError(
            f"The proof is against a checkpoint of {size} links, but the kept checkpoint covers {kept.size}: "
            f"ask for the proof with size={kept.size}."
        )
    origin = (proof.get("checkpoint") or {}).get("origin")
    if origin and origin != kept.origin:
        raise ProofError(f"The proof is for {origin}, but the kept checkpoint is of {kept.origin}.")
    try:
        leaf = merkle.link_leaf(link_hash)
    except ValueError as error:
        raise ProofError("The proof's link hash is not hexadecimal.") from error
    if not merkle.verify_inclusion(index, size, leaf, path, kept.root):
        raise ProofError(
            f"The proof does not hold: change #{index + 1} with this hash is not in the checkpoint of {kept.size} "
            "links. The record or the proof was changed, or the chain was rewritten."
        )
    return kept
