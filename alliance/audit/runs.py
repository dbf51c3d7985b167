"""Runs of the audit verification that oversight can see (issue 20, part 4).

A run is an :class:`~alliance.models.AuditVerification`: asked for by oversight from the audit page
or the API (:func:`request_verification`, which only writes it, queued), or recorded by the scheduler
(``manage.py run_audit_verifications --scheduled``). :func:`run_verification` does the work, outside
any web request: ``manage.py run_audit_verifications`` runs every queued run (the scheduler calls it
every minute), and when ``AUDIT_VERIFY_IN_BACKGROUND`` is on, a request that queues a run also starts
that command for it in a detached process (:func:`launch`), so nobody waits for the scheduler.

A run re-computes the chain (``verify.verify``) and then proves the chain still extends the latest
kept checkpoint whose signature verifies (``witness.compare``); it records how many links it
checked, the size of the checkpoint it proved, and what it found wrong, in words.
"""

from __future__ import annotations

import logging
import subprocess
import sys
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone

from alliance.audit import verify, witness
from alliance.audit.checkpoint import CheckpointError, origin_of, read_checkpoint
from alliance.errors import NOT_PERMITTED, RuleViolation
from alliance.formatting import day_time

logger = logging.getLogger("alliance.audit")

# Sent when a run finds the chain broken (``run``: the AuditVerification), for whoever tells oversight.
verification_failed = Signal()

# At most this many problems are kept on a run; the last one says how many more there were.
MAX_PROBLEMS = 200
# A run still "running" this long after it started was left by a process that ended (the scheduler
# marks it "could not finish"); a verification of the largest demo chain takes seconds.
STALE_AFTER = timedelta(hours=2)


def _pending_statuses():
    from alliance.models import AuditVerification

    return [AuditVerification.Status.QUEUED, AuditVerification.Status.RUNNING]


def may_request(actor, alliance) -> bool:
    """Whether ``actor`` may ask for a verification of ``alliance``'s audit trail (None: of every chain)."""
    if alliance is None:
        return bool(actor.staff)
    return actor.is_oversight_of(alliance.pk)


def require_requester(actor, alliance) -> None:
    if not may_request(actor, alliance):
        if alliance is None:
            message = "Only an administrator can verify every audit chain at once; ask for one alliance's instead."
        else:
            message = (
                f"Only members of {alliance.name}'s oversight group (or an administrator) can ask for a "
                "verification of its audit trail; ask one of them, or wait for the nightly verification."
            )
        raise RuleViolation(NOT_PERMITTED, message)


def pending(alliance):
    """The run of ``alliance`` (None: of every chain) that is waiting or running, if there is one."""
    from alliance.models import AuditVerification

    return (
        AuditVerification.objects.filter(alliance=alliance, status__in=_pending_statuses())
        .order_by("requested_at", "pk")
        .first()
    )


def _refuse_pending(run) -> None:
    from alliance.models import AuditVerification

    if run.status == AuditVerification.Status.RUNNING:
        when = f"has been running since {day_time(run.started_at, 'a moment ago', seconds=True)}"
    else:
        when = f"was asked for at {day_time(run.requested_at, 'a moment ago', seconds=True)} and is waiting to run"
    raise RuleViolation(
        "verification_pending",
        f"A verification of this audit trail {when}; wait for its result (refresh the page) before asking again.",
        conflict=True,
    )


def request_verification(*, actor, alliance, now=None):
    """Queue a verification of ``alliance``'s audit trail, asked for by ``actor`` (its oversight, or
    staff). Refused while one is waiting or running. Nothing runs here: the run is done by
    ``run_audit_verifications``, started at once in the background when ``AUDIT_VERIFY_IN_BACKGROUND``."""
    from alliance.models import Alliance, AuditVerification

    require_requester(actor, alliance)
    with transaction.atomic():
        if alliance is not None:
            # One request at a time per alliance: a second one waits here, then sees the first.
            Alliance.objects.select_for_update().filter(pk=alliance.pk).first()
        current = pending(alliance)
        if current is not None:
            _refuse_pending(current)
        user = getattr(actor, "user", None)
        run = AuditVerification.objects.create(
            alliance=alliance,
            requested_by=user if getattr(user, "is_authenticated", False) else None,
            requested_at=now or timezone.now(),
        )
        transaction.on_commit(lambda: launch(run))
    return run


def schedule(alliance, *, now=None, force: bool = False):
    """Record a scheduled run of ``alliance`` (None: every chain), queued; None if one is already
    pending (unless ``force``: ``verify_audit --record``, run at once by an administrator)."""
    from alliance.models import AuditVerification

    with transaction.atomic():
        if not force and pending(alliance) is not None:
            return None
        return AuditVerification.objects.create(alliance=alliance, scheduled=True, requested_at=now or timezone.now())


def launch(run) -> None:
    """Start ``manage.py run_audit_verifications --run <id>`` in a detached process when
    ``AUDIT_VERIFY_IN_BACKGROUND`` is on (otherwise the scheduler's next run takes it). The process
    outlives the request; its output goes nowhere, the run records its own result."""
    if not getattr(settings, "AUDIT_VERIFY_IN_BACKGROUND", False):
        return
    command = [sys.executable, str(settings.BASE_DIR / "manage.py"), "run_audit_verifications", "--run", str(run.pk)]
    try:
        subprocess.Popen(  # noqa: S603 (our own command, no shell, no caller input but an id)
            command,
            cwd=str(settings.BASE_DIR),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            close_fds=True,
            start_new_session=True,
        )
    except OSError:
        # The run stays queued: the scheduler's run_audit_verifications takes it.
        logger.exception("could not start the verification %s in the background", run.pk)


def _claim(run) -> bool:
    """Mark a queued run running; False if another process took it first (or it is not queued)."""
    from alliance.models import AuditVerification

    now = timezone.now()
    with transaction.atomic():
        taken = AuditVerification.objects.filter(pk=run.pk, status=AuditVerification.Status.QUEUED).update(
            status=AuditVerification.Status.RUNNING, started_at=now
        )
    if taken:
        run.status, run.started_at = AuditVerification.Status.RUNNING, now
    return bool(taken)


def latest_verified_checkpoint(chain: str, problems: list[str]):
    """The newest kept checkpoint of ``chain`` whose signed note verifies with this server's keys,
    as (AuditCheckpoint, Checkpoint), or None. A kept note that does not verify, or that says another
    chain, size or root than the row it is kept in, is a problem of its own (added to ``problems``)."""
    from alliance.models import AuditCheckpoint

    for kept in AuditCheckpoint.objects.filter(chain=chain).order_by("-size", "-id"):
        when = day_time(kept.taken_at, "an unknown time")
        try:
            note = read_checkpoint(kept.note)
        except CheckpointError as error:
            problems.append(f"The checkpoint of chain {chain} kept at #{kept.size} ({when}) does not verify: {error}")
            continue
        if note.origin != origin_of(chain) or note.size != kept.size or note.root_hex != kept.root_hash:
            problems.append(
                f"The checkpoint of chain {chain} kept at #{kept.size} ({when}) signs another chain, size or "
                "root hash than the record it is kept in: the record was changed after it was signed."
            )
            continue
        return kept, note
    return None


def _check(run, **options) -> tuple[list[str], int, object]:
    """What is wrong with the run's chains, how many links were checked, the checkpoint proven
    (``options``: verify.verify's ``progress`` and ``jobs``)."""
    from alliance.models import AuditLink

    chains = [f"alliance:{run.alliance_id}"] if run.alliance_id is not None else verify.all_chains()
    links = AuditLink.objects.filter(chain__in=chains).count()
    problems = [p.message for p in verify.verify(alliance_id=run.alliance_id, **options)]
    proven = None
    for chain in chains:
        found = latest_verified_checkpoint(chain, problems)
        if found is None:
            continue
        kept, note = found
        differences = witness.compare(chain, note)
        problems += [p.message for p in differences]
        if not differences and run.alliance_id is not None:
            proven = kept
    return problems, links, proven


def _kept(problems: list[str]) -> list[str]:
    if len(problems) <= MAX_PROBLEMS:
        return problems
    more = len(problems) - (MAX_PROBLEMS - 1)
    return [*problems[: MAX_PROBLEMS - 1], f"… and {more:,} more problems; run manage.py verify_audit to see them all."]


def run_verification(run, **options):
    """Run a queued verification and record its result: passed (intact), failed (broken, with the
    problems found, in words) or error (could not finish, with the reason). Returns the run; a run
    another process already took is left alone. ``options`` go to verify.verify (``progress``, ``jobs``)."""
    from alliance.models import AuditVerification

    if not _claim(run):
        run.refresh_from_db()
        return run
    fields = ["status", "finished_at", "links_checked", "checkpoint", "problems"]
    try:
        # Outside a transaction: on SQLite a transaction takes the write lock (IMMEDIATE), and every
        # writer would wait for the whole verification; outside one, a failed query spoils nothing.
        problems, links, proven = _check(run, **options)
    except Exception as error:  # recorded, never lost: the page says the run could not finish, and why
        logger.exception("the audit verification %s could not finish", run.pk)
        run.status = AuditVerification.Status.ERROR
        run.problems = [f"The verification stopped before it finished: {error or type(error).__name__}"]
        run.finished_at = timezone.now()
        run.save(update_fields=fields)
        return run
    run.links_checked, run.checkpoint = links, proven
    run.problems = _kept(problems)
    run.status = AuditVerification.Status.FAILED if problems else AuditVerification.Status.PASSED
    run.finished_at = timezone.now()
    run.save(update_fields=fields)
    if problems:
        verification_failed.send(sender=AuditVerification, run=run)
    return run


def mark_stale(*, now=None) -> int:
    """Runs left "running" by a process that ended: recorded as could not finish. Returns how many."""
    from alliance.models import AuditVerification

    now = now or timezone.now()
    stale = AuditVerification.objects.filter(status=AuditVerification.Status.RUNNING, started_at__lt=now - STALE_AFTER)
    return stale.update(
        status=AuditVerification.Status.ERROR,
        finished_at=now,
        problems=[
            "The verification stopped before it finished: the process running it ended without recording a "
            "result (the server restarted, or it ran out of memory or time). Ask for another."
        ],
    )


def run_queued(*, only=None) -> list:
    """Run every queued run, oldest first (or only the one with id ``only``). Returns the runs done."""
    from alliance.models import AuditVerification

    queued = AuditVerification.objects.filter(status=AuditVerification.Status.QUEUED).select_related("alliance")
    if only is not None:
        queued = queued.filter(pk=only)
    done = []
    for run in queued.order_by("requested_at", "pk"):
        done.append(run_verification(run))
    return done
