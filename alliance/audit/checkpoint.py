"""Signed checkpoints of the audit chains: C2SP signed notes (https://c2sp.org/signed-note) whose body
is a C2SP transparency-log checkpoint (https://c2sp.org/tlog-checkpoint), signed with Ed25519.

    tracker.example.org/audit/alliance-3        <- origin: the deployment and the chain
    1234                                        <- size: links #1 to #1234
    CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I= <- Merkle root over those links (alliance/audit/merkle.py)
    time 2026-12-06T00:00:00Z                   <- extension line: when it was taken
                                                <- blank line, then one signature line per key
    — tracker.example.org <base64(key id || signature)>

The signing key lives outside the database (``AUDIT_SIGNING_KEY`` or ``AUDIT_SIGNING_KEY_FILE``):
someone who can write SQL but does not hold it cannot make a checkpoint for a chain they rewrote.
Keys are written as Go's ``golang.org/x/mod/sumdb/note`` writes them, so other tools read them:
a signer key ``PRIVATE+KEY+<name>+<key id>+<base64(0x01 || seed)>`` and a verifier key
``<name>+<key id>+<base64(0x01 || public key)>``. Older verifier keys stay in
``AUDIT_VERIFIER_KEYS``, so checkpoints signed before a key rotation still verify.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.conf import settings
from django.dispatch import Signal

from alliance.audit import merkle
from alliance.audit.chain import NO_ALLIANCE
from alliance.errors import RuleViolation

ED25519 = b"\x01"
DASH = "\u2014"  # the em dash that starts a signature line

HOW_TO_MAKE_A_KEY = (
    "Make one with `python manage.py make_audit_key` and give it to the server through the AUDIT_SIGNING_KEY_FILE "
    "setting (a file only the server can read) or the AUDIT_SIGNING_KEY environment setting; keep a copy "
    "outside the database's backups."
)


# Sent once a checkpoint is kept and its transaction committed (``checkpoint``: the AuditCheckpoint):
# witnesses outside the database (the oversight group's email) listen.
checkpoint_taken = Signal()


class CheckpointError(ValueError):
    """A checkpoint that cannot be read, or whose signature does not verify: the sentence says which."""


def key_id(name: str, public: bytes) -> bytes:
    """The signed-note key id: the first four bytes of SHA-256(name || "\\n" || 0x01 || public key)."""
    return hashlib.sha256(name.encode() + b"\n" + ED25519 + public).digest()[:4]


def _check_name(name: str) -> str:
    if not name or any(c.isspace() for c in name) or "+" in name:
        raise CheckpointError(f"A key's name may not be empty or hold spaces or '+': '{name}'.")
    return name


@dataclass(frozen=True)
class Signer:
    name: str
    private: Ed25519PrivateKey

    @property
    def public(self) -> bytes:
        return self.private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)

    @property
    def id(self) -> bytes:
        return key_id(self.name, self.public)

    def verifier(self) -> Verifier:
        return Verifier(self.name, self.public)

    def encoded(self) -> str:
        seed = self.private.private_bytes_raw()
        return f"PRIVATE+KEY+{self.name}+{self.id.hex()}+{base64.b64encode(ED25519 + seed).decode()}"

    def sign(self, text: str) -> str:
        """``text`` as a signed note: the text, a blank line, and this key's signature line."""
        signature = self.private.sign(text.encode())
        return f"{text}\n{DASH} {self.name} {base64.b64encode(self.id + signature).decode()}\n"


@dataclass(frozen=True)
class Verifier:
    name: str
    public: bytes

    @property
    def id(self) -> bytes:
        return key_id(self.name, self.public)

    def encoded(self) -> str:
        return f"{self.name}+{self.id.hex()}+{base64.b64encode(ED25519 + self.public).decode()}"

    def verifies(self, text: str, signature: bytes) -> bool:
        try:
            Ed25519PublicKey.from_public_bytes(self.public).verify(signature, text.encode())
        except InvalidSignature:
            return False
        return True


def new_signer(name: str) -> Signer:
    return Signer(_check_name(name), Ed25519PrivateKey.generate())


def parse_signer(encoded: str) -> Signer:
    parts = encoded.strip().split("+", 4)  # base64 may hold '+': the key is all after the fourth
    if len(parts) != 5 or parts[:2] != ["PRIVATE", "KEY"]:
        raise CheckpointError(
            "The audit signing key is not a signer key (PRIVATE+KEY+<name>+<id>+<key>). " + HOW_TO_MAKE_A_KEY
        )
    name, hex_id, material = parts[2:]
    try:
        raw = base64.b64decode(material, validate=True)
    except binascii.Error as error:
        raise CheckpointError("The audit signing key's last part is not base64. " + HOW_TO_MAKE_A_KEY) from error
    if len(raw) != 33 or raw[:1] != ED25519:
        raise CheckpointError("The audit signing key is not an Ed25519 key. " + HOW_TO_MAKE_A_KEY)
    signer = Signer(_check_name(name), Ed25519PrivateKey.from_private_bytes(raw[1:]))
    if signer.id.hex() != hex_id.lower():
        raise CheckpointError("The audit signing key's id does not match its key: it was copied wrongly.")
    return signer


def parse_verifier(encoded: str) -> Verifier:
    parts = encoded.strip().split("+", 2)
    if len(parts) != 3:
        raise CheckpointError(f"'{encoded.strip()[:80]}' is not a verifier key (<name>+<id>+<key>).")
    name, hex_id, material = parts
    try:
        raw = base64.b64decode(material, validate=True)
    except binascii.Error as error:
        raise CheckpointError(f"The verifier key '{name}' is not base64 in its last part.") from error
    if len(raw) != 33 or raw[:1] != ED25519:
        raise CheckpointError(f"The verifier key '{name}' is not an Ed25519 key.")
    verifier = Verifier(_check_name(name), raw[1:])
    if verifier.id.hex() != hex_id.lower():
        raise CheckpointError(f"The verifier key '{name}' has an id that does not match its key.")
    return verifier


# The deployment's keys -------------------------------------------------------------------------


def signer() -> Signer:
    """The deployment's signing key, from the settings; refused, saying how to make one, if there is none."""
    encoded = getattr(settings, "AUDIT_SIGNING_KEY", "") or ""
    path = getattr(settings, "AUDIT_SIGNING_KEY_FILE", "") or ""
    if not encoded and path:
        try:
            encoded = Path(path).read_text()
        except OSError as error:
            raise RuleViolation(
                "audit_key_missing",
                f"The audit signing key file {path} cannot be read ({error.strerror}). " + HOW_TO_MAKE_A_KEY,
            ) from error
    if not encoded.strip():
        raise RuleViolation(
            "audit_key_missing",
            "This server has no audit signing key, so it cannot sign checkpoints. " + HOW_TO_MAKE_A_KEY,
        )
    try:
        return parse_signer(encoded)
    except CheckpointError as error:
        raise RuleViolation("audit_key_invalid", str(error)) from error


def has_signer() -> bool:
    try:
        signer()
    except RuleViolation:
        return False
    return True


def verifiers() -> list[Verifier]:
    """Every key a checkpoint of this deployment may be signed with: the current key and the older ones."""
    found = []
    if has_signer():
        found.append(signer().verifier())
    extra = getattr(settings, "AUDIT_VERIFIER_KEYS", []) or []
    if isinstance(extra, str):
        extra = extra.replace(",", "\n").split()
    for encoded in extra:
        verifier = parse_verifier(encoded)
        if all(v.id != verifier.id for v in found):
            found.append(verifier)
    return found


def origin_of(chain: str) -> str:
    """The checkpoint origin of a chain: the deployment's name and the chain, stable for its life."""
    base = settings.AUDIT_LOG_ORIGIN.rstrip("/")
    return f"{base}/audit/{'none' if chain == NO_ALLIANCE else chain.replace(':', '-')}"


def chain_of_origin(origin: str) -> str | None:
    base = settings.AUDIT_LOG_ORIGIN.rstrip("/") + "/audit/"
    if not origin.startswith(base):
        return None
    tail = origin[len(base) :]
    if tail == "none":
        return NO_ALLIANCE
    kind, _, pk = tail.partition("-")
    return f"{kind}:{pk}" if kind == "alliance" and pk.isdigit() else None


# Checkpoints -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root: bytes
    taken_at: datetime | None
    key_name: str = ""
    key_id: str = ""
    note: str = ""

    @property
    def root_hex(self) -> str:
        return self.root.hex()

    @property
    def root_b64(self) -> str:
        return base64.b64encode(self.root).decode()


def body(origin: str, size: int, root: bytes, taken_at: datetime) -> str:
    moment = taken_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return f"{origin}\n{size}\n{base64.b64encode(root).decode()}\ntime {moment}\n"


def sign_checkpoint(chain: str, size: int, root: bytes, taken_at: datetime) -> Checkpoint:
    key = signer()
    note = key.sign(body(origin_of(chain), size, root, taken_at))
    return Checkpoint(origin_of(chain), size, root, taken_at, key.name, key.id.hex(), note)


def read_checkpoint(note: str, keys: list[Verifier] | None = None) -> Checkpoint:
    """Parse a signed checkpoint and check its signature with this deployment's keys (or ``keys``).
    Refused, in a sentence, if it is malformed or no known key signed it."""
    note = note.replace("\r\n", "\n")
    text, sep, signatures = note.partition("\n\n")
    if not sep or not text:
        raise CheckpointError("This is not a signed checkpoint: it has no blank line before its signature.")
    text += "\n"
    lines = text.split("\n")[:-1]
    if len(lines) < 3:
        raise CheckpointError("This checkpoint has fewer than three lines (origin, size, root hash).")
    origin, size_text, root_text, *extensions = lines
    if not size_text.isdigit():
        raise CheckpointError(f"The checkpoint's size '{size_text[:40]}' is not a number.")
    try:
        root = base64.b64decode(root_text, validate=True)
    except binascii.Error as error:
        raise CheckpointError("The checkpoint's root hash is not base64.") from error
    if len(root) != 32:
        raise CheckpointError("The checkpoint's root hash is not 32 bytes (SHA-256).")
    taken_at = None
    for line in extensions:
        if line.startswith("time "):
            try:
                taken_at = datetime.strptime(line[5:], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
            except ValueError as error:
                raise CheckpointError(f"The checkpoint's time '{line[5:40]}' is not a UTC time.") from error
    known = verifiers() if keys is None else keys
    seen = []
    for line in signatures.strip("\n").split("\n"):
        if not line.startswith(DASH + " "):
            raise CheckpointError("A checkpoint's signature line must start with an em dash and a space.")
        parts = line[2:].split(" ")
        if len(parts) != 2:
            raise CheckpointError("A checkpoint's signature line must hold a key name and a signature.")
        name, encoded = parts
        try:
            raw = base64.b64decode(encoded, validate=True)
        except binascii.Error as error:
            raise CheckpointError("A checkpoint's signature is not base64.") from error
        if len(raw) != 68:
            raise CheckpointError("A checkpoint's signature is not an Ed25519 signature.")
        seen.append(name)
        for verifier in known:
            if verifier.name == name and verifier.id == raw[:4] and verifier.verifies(text, raw[4:]):
                return Checkpoint(origin, int(size_text), root, taken_at, name, raw[:4].hex(), note)
    signed_by = ", ".join(f"'{n}'" for n in seen) or "no key"
    raise CheckpointError(
        f"This checkpoint is signed by {signed_by}, and no signature verifies with a key this server knows: "
        "it was not taken by this server, or it was changed after it was signed. If the server's key was "
        "rotated, add the old verifier key to AUDIT_VERIFIER_KEYS."
    )


def chain_root(chain: str, size: int) -> tuple[int, bytes]:
    """The Merkle root over the first ``size`` links of a chain as they stand now, and how many there are."""
    from alliance.models import AuditLink

    hashes = list(AuditLink.objects.filter(chain=chain, seq__lte=size).order_by("seq").values_list("hash", flat=True))
    return len(hashes), merkle.root(hashes)


def take(chain: str, *, now: datetime | None = None, force: bool = False):
    """Sign and keep a checkpoint of ``chain`` at its current head. Returns the new AuditCheckpoint, or
    None when the chain has not grown since its last checkpoint (unless ``force``). Refused without a key."""
    from django.db import transaction
    from django.utils import timezone

    from alliance.models import AuditChainHead, AuditCheckpoint

    key = signer()  # refuse before reading anything
    with transaction.atomic():
        head = AuditChainHead.objects.select_for_update().filter(chain=chain).first()
        size = head.last_seq if head else 0
        last = AuditCheckpoint.objects.filter(chain=chain).order_by("-size", "-id").first()
        if last is not None and last.size == size and not force:
            return None
        count, root = chain_root(chain, size)
        if count != size:
            raise RuleViolation(
                "audit_chain_broken",
                f"Chain {chain} cannot be checkpointed: its head says #{size} but {count} links are left. "
                "Run manage.py verify_audit to see what was removed.",
                conflict=True,
            )
        moment = now or timezone.now()
        moment = moment.replace(microsecond=0)
        note = key.sign(body(origin_of(chain), size, root, moment))
        made = AuditCheckpoint.objects.create(
            chain=chain,
            size=size,
            root_hash=root.hex(),
            taken_at=moment,
            key_name=key.name,
            key_id=key.id.hex(),
            note=note,
        )
        transaction.on_commit(lambda: checkpoint_taken.send(sender=AuditCheckpoint, checkpoint=made))
        return made
