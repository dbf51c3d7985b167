"""Re-compute the audit chains and compare every domain row with its history (rule 9); with
``--checkpoint``, also prove each chain extends a signed checkpoint kept outside the database (issue 20)."""

import os
import sys
import urllib.error
import urllib.request
from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError

from alliance.audit import runs, verify, witness
from alliance.audit.checkpoint import DASH, Checkpoint, CheckpointError, chain_of_origin, read_checkpoint
from alliance.audit.records import Problem
from alliance.management.base import AuditedCommand
from alliance.models import Alliance, AuditLink


class Progress:
    """A plain progress bar on stderr, drawn only on a terminal or when asked."""

    def __init__(self, total: int, stream, enabled: bool):
        self.total, self.done, self.stream, self.enabled = max(total, 1), 0, stream, enabled

    def __call__(self, n: int) -> None:
        self.done += n
        if self.enabled:  # called once per chunk of links
            filled = int(30 * self.done / self.total)
            self.stream.write(f"\r  [{'#' * filled}{'.' * (30 - filled)}] {self.done:,}/{self.total:,} links")
            self.stream.flush()

    def finish(self) -> None:
        if self.enabled:
            self.stream.write("\n")


class Command(AuditedCommand):
    help = "Verify the tamper-evident audit chains; exit non-zero naming the first broken link."

    def add_arguments(self, parser):
        parser.add_argument("--alliance", help="Check one alliance's chain alone (its slug).")
        parser.add_argument("--progress", action="store_true", help="Draw a progress bar even when not on a terminal.")
        parser.add_argument(
            "--jobs",
            type=int,
            default=os.cpu_count() or 1,
            help="Processes that check links side by side (default: one per CPU; 1 checks in this process).",
        )
        parser.add_argument(
            "--checkpoint",
            action="append",
            default=[],
            metavar="FILE-or-URL",
            help="A signed checkpoint kept outside the database (a file, a folder of them, or an http(s) URL): "
            "prove its chain extends it. May be given more than once.",
        )
        parser.add_argument(
            "--record",
            action="store_true",
            help="Also prove the chain extends its latest signed checkpoint, and record the run as a verification "
            "the oversight group sees on the audit page (as run_audit_verifications does).",
        )

    def handle(self, *args, **options):
        show = options["progress"] or sys.stderr.isatty()
        if options["jobs"] < 1:
            raise CommandError(f"--jobs must be at least 1, not {options['jobs']}.")
        given = checkpoints(options["checkpoint"])  # refused before the long part, if they cannot be read
        if options["alliance"]:
            alliance = Alliance.objects.filter(slug=options["alliance"]).first()
            if alliance is None:
                raise CommandError(f"No alliance has the slug '{options['alliance']}'; see the alliance list.")
            chains = [f"alliance:{alliance.pk}"]
            for label, chain, _ in given:
                if chain != chains[0]:
                    raise CommandError(
                        f"The checkpoint {label} is of chain {chain}, not of {alliance.name}'s chain ({chains[0]}): "
                        "leave out --alliance, or give that alliance's checkpoint."
                    )
            total = AuditLink.objects.filter(chain__in=chains).count()
        else:
            alliance, chains = None, None
            total = AuditLink.objects.count()
        progress = Progress(total, self.stderr, show)
        if options["record"]:
            run = runs.schedule(alliance, force=True)
            run = runs.run_verification(run, progress=progress, jobs=options["jobs"])
            progress.finish()
            if run.status == run.Status.ERROR:
                raise CommandError(run.problems[0])
            problems = [Problem("", "found", message) for message in run.problems]
            if run.checkpoint_id:
                self.stdout.write(f"The chain extends its signed checkpoint at #{run.checkpoint.size}.")
            self.stdout.write(f"Recorded as verification {run.pk}.")
        else:
            problems = verify.verify(alliance_id=alliance and alliance.pk, progress=progress, jobs=options["jobs"])
            progress.finish()
        problems += compare_all(given)
        if problems:
            for problem in problems[:20]:
                self.stderr.write(f"  {problem.kind}: {problem.message}")
            raise CommandError(f"Audit chain broken: {problems[0].message} ({len(problems)} problem(s) in all)")
        count = len(chains or verify.all_chains())
        self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {total:,} links in {count} chain(s) verified."))
        for _, chain, kept in given:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Chain {chain} extends the checkpoint of {witness.when(kept)} ({kept.size:,} links)."
                )
            )


# Kept checkpoints ----------------------------------------------------------------------------

FETCH_TIMEOUT = 10  # seconds: a witness that does not answer is named, not waited for
LARGEST = 64 * 1024  # a checkpoint is a few hundred bytes; anything this large is something else


def checkpoints(sources: list[str]) -> list[tuple[str, str, Checkpoint]]:
    """Each checkpoint given (label, chain, checkpoint), its signature checked with this server's keys;
    refused, naming it, if it cannot be read, is not signed by a key this server knows, or is not of
    this server's chains."""
    found, seen = [], set()
    for label, text in _texts(sources):
        try:
            kept = read_checkpoint(_note_in(text))
        except CheckpointError as error:
            raise CommandError(f"The checkpoint {label} is refused: {error}")
        chain = chain_of_origin(kept.origin)
        if chain is None:
            raise CommandError(
                f"The checkpoint {label} is not of this server's audit chains: its origin is '{kept.origin[:120]}', "
                f"and this server's chains are named {settings.AUDIT_LOG_ORIGIN.rstrip('/')}/audit/... "
                "It was taken by another deployment (or AUDIT_LOG_ORIGIN was changed since)."
            )
        if kept.note not in seen:
            seen.add(kept.note)
            found.append((label, chain, kept))
    return found


def compare_all(given: list[tuple[str, str, Checkpoint]]) -> list:
    """Does each chain extend each checkpoint given? (``witness.check``: narrowed with every checkpoint
    of the chain whose signature verifies.)"""
    problems = []
    for chain in sorted({chain for _, chain, _ in given}):
        problems += witness.check(chain, [kept for _, c, kept in given if c == chain])
    return problems


def _texts(sources: list[str]):
    for source in sources:
        if source.startswith(("http://", "https://")):
            yield source, _decode(source, _fetch(source))
            continue
        path = Path(source)
        if path.is_dir():
            files = sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith("."))
            if not files:
                raise CommandError(f"The folder {source} holds no checkpoint files.")
        else:
            files = [path]
        for file in files:
            try:
                data = file.read_bytes()[: LARGEST + 1]
            except OSError as error:
                raise CommandError(f"The checkpoint file {file} cannot be read ({error.strerror or error}).")
            yield str(file), _decode(str(file), data)


def _fetch(url: str) -> bytes:
    request = urllib.request.Request(url, headers={"Accept": "text/plain"})
    try:
        with urllib.request.urlopen(request, timeout=FETCH_TIMEOUT) as response:  # noqa: S310 (http(s) only)
            return response.read(LARGEST + 1)
    except urllib.error.HTTPError as error:
        answer = f"{error.code} {error.reason}"
        raise CommandError(f"The checkpoint at {url} cannot be fetched: the server answered {answer}.")
    except (urllib.error.URLError, OSError, ValueError) as error:
        reason = getattr(error, "reason", None) or error
        raise CommandError(
            f"The checkpoint at {url} cannot be fetched ({reason}); check the address, or save it to a file."
        )


def _decode(label: str, data: bytes) -> str:
    if len(data) > LARGEST:
        raise CommandError(f"{label} is larger than a checkpoint can be ({LARGEST // 1024} KB): it is not one.")
    try:
        return data.decode("utf-8").lstrip("\ufeff")
    except UnicodeDecodeError:
        raise CommandError(f"{label} is not text, so it is not a signed checkpoint.")


def _note_in(text: str) -> str:
    """The signed note in ``text``: all of it, or the note inside a saved email or page (from the line
    naming one of this server's chains to its last signature line)."""
    lines = text.replace("\r\n", "\n").split("\n")
    base = settings.AUDIT_LOG_ORIGIN.rstrip("/") + "/audit/"
    if lines and lines[0].startswith(base):
        return text
    start = next((i for i, line in enumerate(lines) if line.strip().startswith(base)), None)
    if start is None:
        return text
    note = [line.strip() for line in lines[start:]]
    blank = note.index("") if "" in note else len(note)
    signatures = []
    for line in note[blank + 1 :]:
        if not line.startswith(DASH + " "):
            break
        signatures.append(line)
    return "\n".join([*note[:blank], "", *signatures]) + "\n"
