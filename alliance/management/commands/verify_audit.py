"""Re-compute the audit chains and compare every domain row with its history (rule 9)."""

import os
import sys

from django.core.management.base import CommandError

from alliance.audit import runs, verify
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
            "--record",
            action="store_true",
            help="Also prove the chain extends its latest signed checkpoint, and record the run as a verification "
            "the oversight group sees on the audit page (as run_audit_verifications does).",
        )

    def handle(self, *args, **options):
        show = options["progress"] or sys.stderr.isatty()
        if options["jobs"] < 1:
            raise CommandError(f"--jobs must be at least 1, not {options['jobs']}.")
        if options["alliance"]:
            alliance = Alliance.objects.filter(slug=options["alliance"]).first()
            if alliance is None:
                raise CommandError(f"No alliance has the slug '{options['alliance']}'; see the alliance list.")
            chains = [f"alliance:{alliance.pk}"]
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
        if problems:
            for problem in problems[:20]:
                self.stderr.write(f"  {problem.kind}: {problem.message}")
            raise CommandError(f"Audit chain broken: {problems[0].message} ({len(problems)} problem(s) in all)")
        count = len(chains or verify.all_chains())
        self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {total:,} links in {count} chain(s) verified."))
