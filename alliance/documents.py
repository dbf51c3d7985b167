"""Filing papers with a record, and reading them back: the one door for a paper's files.

A paper (:class:`alliance.document_models.Document`) is filed with its *owner*, a record whose model
says ``holds_documents = True`` and answers two questions:

- ``may_file_documents(access) -> bool``: whether the caller keeps the record (the body's secretary,
  the alliance's record keeper);
- ``documents_refused(doing) -> str | None``: a sentence when the record's papers can no longer be
  ``doing`` ("added", "replaced", "withdrawn"), e.g. a sealed decision.

Every file goes through Django's storage API (``STORAGES["default"]``: local files under MEDIA_ROOT,
or an S3-compatible store), under a name of its own, so a new version never overwrites an old one.
An upload is checked before anything is stored: its size against ``DOCUMENT_MAX_BYTES``, its type by
its name's extension against ``DOCUMENT_ALLOWED_TYPES``, and its first bytes against that type (a
file called ``.pdf`` must start as a PDF does); the browser's own claim of a type is never trusted.
The type stored and served is the one the extension names.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile, File
from django.db import transaction
from django.db.models import Max, Prefetch, Q
from django.utils import timezone
from django.utils.text import get_valid_filename

from alliance.access import Access
from alliance.document_models import Document, DocumentVersion
from alliance.errors import NOT_PERMITTED, RuleViolation

__all__ = [
    "FileType",
    "FILE_TYPES",
    "allowed_types",
    "max_bytes",
    "human_size",
    "check_upload",
    "check_content",
    "file_document",
    "add_version",
    "withdraw_document",
    "store_generated",
    "papers_of",
    "owner_key",
    "owner_alliance_id",
    "may_file",
    "require_filer",
    "types_sentence",
    "with_versions",
    "open_version",
]


@dataclass(frozen=True)
class FileType:
    """A kind of file a paper may be: its extensions, the type it is served as, and how it starts."""

    label: str
    content_type: str
    magic: tuple[bytes, ...] = ()  # the file starts with one of these; empty: a text file
    text: bool = False


_ZIP = (b"PK\x03\x04",)  # Office Open XML and OpenDocument files are zip archives
_OLE = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)  # the older Word, Excel and PowerPoint files

#: Every type the product knows, by extension; DOCUMENT_ALLOWED_TYPES chooses among them.
FILE_TYPES: dict[str, FileType] = {
    "pdf": FileType("PDF", "application/pdf", (b"%PDF-",)),
    "docx": FileType("Word", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", _ZIP),
    "doc": FileType("Word", "application/msword", _OLE),
    "xlsx": FileType("Excel", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _ZIP),
    "xls": FileType("Excel", "application/vnd.ms-excel", _OLE),
    "pptx": FileType("PowerPoint", "application/vnd.openxmlformats-officedocument.presentationml.presentation", _ZIP),
    "ppt": FileType("PowerPoint", "application/vnd.ms-powerpoint", _OLE),
    "odt": FileType("OpenDocument text", "application/vnd.oasis.opendocument.text", _ZIP),
    "ods": FileType("OpenDocument spreadsheet", "application/vnd.oasis.opendocument.spreadsheet", _ZIP),
    "odp": FileType("OpenDocument presentation", "application/vnd.oasis.opendocument.presentation", _ZIP),
    "txt": FileType("plain text", "text/plain", text=True),
    "csv": FileType("CSV", "text/csv", text=True),
    "png": FileType("PNG image", "image/png", (b"\x89PNG\r\n\x1a\n",)),
    "jpg": FileType("JPEG image", "image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": FileType("JPEG image", "image/jpeg", (b"\xff\xd8\xff",)),
}

# What a text file must not start with: it would be another kind of file under a text name.
_NOT_TEXT = (b"%PDF-", b"MZ", b"\x7fELF", b"PK\x03\x04", *_OLE, b"\x89PNG", b"\xff\xd8\xff", b"GIF8")
_HEAD = 2048


def allowed_types() -> dict[str, FileType]:
    """The types papers may be here (``DOCUMENT_ALLOWED_TYPES``), by extension."""
    names = getattr(settings, "DOCUMENT_ALLOWED_TYPES", None) or list(FILE_TYPES)
    return {
        name.lower().lstrip("."): FILE_TYPES[name.lower().lstrip(".")]
        for name in names
        if name.lower().lstrip(".") in FILE_TYPES
    }


def max_bytes() -> int:
    return int(getattr(settings, "DOCUMENT_MAX_BYTES", 25 * 1024 * 1024))


def human_size(size: int) -> str:
    """``25 MB``, ``312 KB``, ``90 bytes``: sizes as people read them (1 MB = 1024 KB)."""
    if size < 1024:
        return f"{size} byte{'' if size == 1 else 's'}"
    for unit in ("KB", "MB", "GB"):
        size /= 1024
        if size < 1024 or unit == "GB":
            return f"{size:.1f} {unit}".replace(".0 ", " ")
    return f"{size} bytes"  # pragma: no cover


def types_sentence(types: dict[str, FileType]) -> str:
    labels: list[str] = []
    for kind in types.values():
        if kind.label not in labels:
            labels.append(kind.label)
    extensions = ", ".join(f".{name}" for name in types)
    return f"{', '.join(labels)} ({extensions})"


def _extension(name: str) -> str:
    return os.path.splitext(name or "")[1].lower().lstrip(".")


def check_upload(*, name: str, content_type: str = "", size: int) -> FileType:
    """The type of an upload about to be filed; refuses it, before anything is read or stored, when it
    is too big or of a type papers may not be (by its name's extension, not the browser's claim)."""
    shown = os.path.basename(name or "") or "The file"
    if size is None or size <= 0:
        raise RuleViolation("document_empty", f"{shown} is empty: choose the file again.", field="upload")
    limit = max_bytes()
    if size > limit:
        raise RuleViolation(
            "document_too_big",
            f"{shown} is {human_size(size)}; a paper may be at most {human_size(limit)}. "
            "Make the file smaller (for example, save it as a compressed PDF) or split it in parts.",
            field="upload",
        )
    types = allowed_types()
    extension = _extension(name)
    if extension not in types:
        what = f"a .{extension} file" if extension else "a file without an extension"
        raise RuleViolation(
            "document_type_refused",
            f"{shown} is {what}, which papers may not be. Upload one of these types: {types_sentence(types)}.",
            field="upload",
        )
    return types[extension]


def check_content(*, name: str, head: bytes, kind: FileType) -> None:
    """Refuses a file whose first bytes are not those of the type its name claims (a disguised file)."""
    shown = os.path.basename(name or "") or "The file"
    if kind.text:
        fits = b"\x00" not in head and not head.startswith(_NOT_TEXT)
    else:
        fits = head.startswith(kind.magic)
    if not fits:
        raise RuleViolation(
            "document_content_mismatch",
            f"{shown} is named as a {kind.label} file, but its content is not {kind.label}. "
            f"Upload the file as it was saved by its program, with the extension of its type.",
            field="upload",
        )


# Owners ------------------------------------------------------------------------------------------


def owner_key(owner) -> tuple[int, int]:
    """The key of an owner in :func:`papers_of`'s answer: (content type id, primary key)."""
    return ContentType.objects.get_for_model(type(owner)).pk, owner.pk


def owner_alliance_id(owner) -> int:
    """The alliance of a record papers are filed with: its ``documents_alliance_id`` if it names one,
    else its ``alliance_id`` (the alliance itself for an :class:`Alliance`)."""
    if hasattr(owner, "documents_alliance_id"):
        return owner.documents_alliance_id
    if owner._meta.label_lower == "alliance.alliance":
        return owner.pk
    return owner.alliance_id


def may_file(access: Access, owner) -> bool:
    """Whether the caller may file papers with ``owner`` (its own answer; staff always)."""
    if access.staff:
        return True
    answer = getattr(owner, "may_file_documents", None)
    return bool(answer(access)) if answer is not None else False


def _require_owner(owner) -> None:
    if owner is None or not getattr(type(owner), "holds_documents", False):
        raise RuleViolation("document_owner_refused", "Papers cannot be filed with this record.", field="owner")


def require_filer(actor: Access, owner) -> None:
    # The record is not named: a caller without its standing may not be able to read it either.
    if not may_file(actor, owner):
        raise RuleViolation(
            NOT_PERMITTED,
            "Only the secretary who keeps this record (or an administrator) can file or change its papers; "
            "ask the secretary to do it.",
        )


def _refuse_if_sealed(owner, doing: str) -> None:
    refusal = owner.documents_refused(doing) if hasattr(owner, "documents_refused") else None
    if refusal:
        raise RuleViolation("documents_sealed", refusal, conflict=True)


def _locked_owner(owner):
    """The owner row, locked, so that sealing it and filing a paper with it cannot interleave."""
    return type(owner)._default_manager.select_for_update().get(pk=owner.pk)


# Storing -----------------------------------------------------------------------------------------


def _storage():
    return DocumentVersion._meta.get_field("file").storage


def _stored_name(original: str, now) -> str:
    """A name no other file has: a new version never overwrites an old one, on any storage."""
    base = get_valid_filename(os.path.basename(original or "")) or "file"
    stem, extension = os.path.splitext(base)
    return f"documents/{now:%Y/%m}/{uuid.uuid4().hex}/{stem[:80]}{extension.lower()[:10]}"


def _digest(upload) -> tuple[bytes, int, str]:
    """The first bytes, the size and the SHA-256 of an upload, read once in chunks."""
    sha, size, head = hashlib.sha256(), 0, b""
    if hasattr(upload, "seek"):
        upload.seek(0)
    for chunk in upload.chunks() if hasattr(upload, "chunks") else iter(lambda: upload.read(65536), b""):
        if len(head) < _HEAD:
            head += chunk[: _HEAD - len(head)]
        sha.update(chunk)
        size += len(chunk)
    if hasattr(upload, "seek"):
        upload.seek(0)
    return head, size, sha.hexdigest()


def _as_file(upload) -> File:
    return upload if isinstance(upload, File) else File(upload, name=getattr(upload, "name", "file"))


def _checked(upload, *, limits: bool = True, content_type: str = "") -> tuple[File, FileType | None, int, str]:
    """The upload, its type, size and SHA-256, once every check of an upload has passed."""
    if upload is None:
        raise RuleViolation("document_missing", "Choose the file to upload.", field="upload")
    upload = _as_file(upload)
    name = os.path.basename(upload.name or "")
    head, size, sha = _digest(upload)
    if limits:
        kind = check_upload(name=name, content_type=getattr(upload, "content_type", "") or "", size=size)
        check_content(name=name, head=head, kind=kind)
        return upload, kind, size, sha
    if size <= 0:
        raise RuleViolation("document_empty", f"{name or 'The file'} is empty.", field="upload")
    return upload, FILE_TYPES.get(_extension(name)), size, sha


def _write_version(
    *, document: Document, number: int, upload: File, kind, size, sha, actor, note, content_type="", at=None
):
    now = at or timezone.now()
    original = os.path.basename(upload.name or "") or "file"
    stored = _storage().save(_stored_name(original, now), upload)
    version = DocumentVersion(
        document=document,
        number=number,
        original_name=original[:255],
        content_type=content_type or (kind.content_type if kind else "application/octet-stream"),
        size=size,
        sha256=sha,
        uploaded_at=now,
        uploaded_by=actor.user if getattr(actor.user, "pk", None) else None,
        note=note,
    )
    version.file.name = stored
    version._change_reason = f"Version {number} uploaded" if number > 1 else "Filed"
    try:
        version.save()
    except Exception:
        _storage().delete(stored)
        raise
    return version


def _check_title(title: str, kind: str) -> None:
    if not (title or "").strip():
        raise RuleViolation("document_title_missing", "Give the paper a title.", field="title")
    if kind not in Document.Kind.values:
        raise RuleViolation(
            "document_kind_unknown",
            f"'{kind}' is not a kind of paper; choose one of: {', '.join(Document.Kind.labels)}.",
            field="kind",
        )


#: The kinds of paper the tracker makes itself (store_generated), never uploaded, and why.
GENERATED_KINDS = {
    Document.Kind.MINUTES: "Signed-off minutes are kept by the tracker itself when a meeting's minutes are approved",
    Document.Kind.BOARD_PACK: "The board pack is built by the tracker itself from the agenda and its papers",
}


def _refuse_generated_kind(kind: str) -> None:
    if kind in GENERATED_KINDS:
        raise RuleViolation(
            "document_kind_generated",
            f"{GENERATED_KINDS[kind]}, not uploaded: choose another kind for this file, such as Paper or Other.",
            field="kind",
        )


def _create(*, actor, owner, title, kind, description, upload, size, sha, file_type, note, content_type="", at=None):
    document = Document(
        alliance_id=owner_alliance_id(owner),
        owner_type=ContentType.objects.get_for_model(type(owner)),
        owner_id=owner.pk,
        title=title.strip()[:300],
        kind=kind,
        description=description,
        created_at=at or timezone.now(),
        created_by=actor.user if getattr(actor.user, "pk", None) else None,
    )
    document._change_reason = "Filed"
    document.save()
    _write_version(
        document=document,
        number=1,
        upload=upload,
        kind=file_type,
        size=size,
        sha=sha,
        actor=actor,
        note=note,
        content_type=content_type,
        at=at,
    )
    return document


@transaction.atomic
def file_document(
    *,
    actor: Access,
    owner,
    title: str,
    kind: str,
    upload,
    note: str = "",
    description: str = "",
    at: datetime | None = None,
) -> Document:
    """File a paper with a record, its upload as version 1 (the owner's keeper only; not with a
    sealed record; the upload within the size limit and of an allowed type, as its content shows)."""
    _require_owner(owner)
    require_filer(actor, owner)
    owner = _locked_owner(owner)
    _refuse_if_sealed(owner, "added")
    _check_title(title, kind)
    _refuse_generated_kind(kind)
    upload, file_type, size, sha = _checked(upload)
    return _create(
        actor=actor,
        owner=owner,
        title=title,
        kind=kind,
        description=description,
        upload=upload,
        size=size,
        sha=sha,
        file_type=file_type,
        note=note,
        at=at,
    )


@transaction.atomic
def store_generated(
    *,
    actor: Access,
    owner,
    title: str,
    kind: str,
    content: bytes,
    name: str,
    content_type: str,
    note: str = "",
    description: str = "",
    at: datetime | None = None,
) -> Document:
    """File a paper the product made (signed-off minutes, a board pack): the same checks of who and
    when as an upload, without the upload limits; the type is the one the product names."""
    _require_owner(owner)
    require_filer(actor, owner)
    owner = _locked_owner(owner)
    _refuse_if_sealed(owner, "added")
    _check_title(title, kind)
    upload, file_type, size, sha = _checked(ContentFile(content, name=name), limits=False)
    return _create(
        actor=actor,
        owner=owner,
        title=title,
        kind=kind,
        description=description,
        upload=upload,
        size=size,
        sha=sha,
        file_type=file_type,
        note=note,
        content_type=content_type,
        at=at,
    )


def _locked_document(document: Document) -> Document:
    return Document.objects.select_for_update().get(pk=document.pk)


def _refuse_if_withdrawn(document: Document, doing: str) -> None:
    if document.withdrawn_at is not None:
        raise RuleViolation(
            "document_withdrawn",
            f"'{document.title}' was withdrawn, so it cannot be {doing}; file a new paper instead.",
            conflict=True,
        )


@transaction.atomic
def add_version(
    *, actor: Access, document: Document, upload, note: str = "", at: datetime | None = None
) -> DocumentVersion:
    """Upload a new file of a paper as its next version, keeping the old ones (the owner's keeper
    only; not on a sealed record nor a withdrawn paper; the same upload checks as a new paper)."""
    owner = document.owner
    _require_owner(owner)
    require_filer(actor, owner)
    owner = _locked_owner(owner)
    document = _locked_document(document)
    _refuse_if_sealed(owner, "replaced")
    _refuse_if_withdrawn(document, "replaced")
    upload, file_type, size, sha = _checked(upload)
    number = (document.versions.aggregate(last=Max("number"))["last"] or 0) + 1
    return _write_version(
        document=document,
        number=number,
        upload=upload,
        kind=file_type,
        size=size,
        sha=sha,
        actor=actor,
        note=note,
        at=at,
    )


@transaction.atomic
def withdraw_document(*, actor: Access, document: Document, reason: str, at: datetime | None = None) -> Document:
    """Take a paper off its record, with the reason; its versions stay stored and readable (the
    owner's keeper only; not on a sealed record)."""
    owner = document.owner
    _require_owner(owner)
    require_filer(actor, owner)
    owner = _locked_owner(owner)
    document = _locked_document(document)
    _refuse_if_sealed(owner, "withdrawn")
    _refuse_if_withdrawn(document, "withdrawn again")
    if not (reason or "").strip():
        raise RuleViolation(
            "document_reason_missing", "Say why the paper is withdrawn: the reason stays on the record.", field="reason"
        )
    document.withdrawn_at = at or timezone.now()
    document.withdrawn_reason = reason.strip()
    document._change_reason = f"Withdrawn: {document.withdrawn_reason}"[:100]
    document.save(update_fields=["withdrawn_at", "withdrawn_reason"])
    return document


# Reading -----------------------------------------------------------------------------------------


def _with_versions(queryset):
    return queryset.select_related("alliance", "created_by").prefetch_related(
        Prefetch("versions", queryset=DocumentVersion.objects.select_related("uploaded_by").order_by("-number"))
    )


def _set_current(document: Document) -> Document:
    versions = list(document.versions.all())
    document.current = versions[0] if versions else None
    return document


def papers_of(
    access: Access, owners: Iterable, *, include_withdrawn: bool = False
) -> dict[tuple[int, int], list[Document]]:
    """The papers of many records that ``access`` may read, by :func:`owner_key`, each with its
    ``current`` version (the newest) and its ``versions`` prefetched, newest first: three queries
    whatever the number of records."""
    wanted: dict[int, set[int]] = defaultdict(set)
    for owner in owners:
        if owner is None or owner.pk is None:
            continue
        type_id, pk = owner_key(owner)
        wanted[type_id].add(pk)
    answer: dict[tuple[int, int], list[Document]] = defaultdict(list)
    if not wanted:
        return answer
    which = Q()
    for type_id, pks in wanted.items():
        which |= Q(owner_type_id=type_id, owner_id__in=sorted(pks))
    documents = Document.objects.restrict(access).filter(which)
    if not include_withdrawn:
        documents = documents.filter(withdrawn_at__isnull=True)
    for document in _with_versions(documents.order_by("owner_type_id", "owner_id", "created_at", "pk")):
        answer[(document.owner_type_id, document.owner_id)].append(_set_current(document))
    return answer


def with_versions(queryset):
    """A queryset of documents with what a list shows of each (alliance, filer, versions)."""
    return _with_versions(queryset)


def open_version(version: DocumentVersion):
    """The stored file of a version, opened for reading (a caller has checked the read rule)."""
    return _storage().open(version.file.name, "rb")
