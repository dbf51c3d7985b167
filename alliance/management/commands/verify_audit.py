"""Re-compute the audit chains and compare every domain row with its history (rule 9)."""

import sys

from django.core.management.base import BaseCommand, CommandError

from alliance import audit
from alliance.models import Alliance, AuditChainHead, AuditLink


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


class Command(BaseCommand):
    help = "Verify the tamper-evident audit chains; exit non-zero naming the first broken link."

    def add_arguments(self, parser):
        parser.add_argument("--alliance", help="Check one alliance's chain alone (its slug).")
        parser.add_argument("--progress", action="store_true", help="Draw a progress bar even when not on a terminal.")

    def handle(self, *args, **options):
        show = options["progress"] or sys.stderr.isatty()
        if options["alliance"]:
            alliance = Alliance.objects.filter(slug=options["alliance"]).first()
            if alliance is None:
                raise CommandError(f"No alliance has the slug '{options['alliance']}'; see the alliance list.")
            chains = [f"alliance:{alliance.pk}"]
        else:
            alliance = None
            chains = sorted(
                set(AuditChainHead.objects.values_list("chain", flat=True))
                | set(AuditLink.objects.values_list("chain", flat=True).distinct())
            )
        problems = []
        total = AuditLink.objects.filter(chain__in=chains).count()
        progress = Progress(total, self.stderr, show)
        for chain in chains:
            problems += audit.verify_chain(chain, progress=progress)
        progress.finish()
        problems += audit.unlinked_history_rows(alliance_id=alliance.pk if alliance else None)
        for model in audit.tracked_models():
            problems += audit.domain_drift(model, alliance_id=alliance.pk if alliance else None)
        if problems:
            for problem in problems[:20]:
                self.stderr.write(f"  {problem.kind}: {problem.message}")
            raise CommandError(f"Audit chain broken: {problems[0].message} ({len(problems)} problem(s) in all)")
        self.stdout.write(
            self.style.SUCCESS(f"Audit chain intact: {total:,} links in {len(chains)} chain(s) verified.")
        )
