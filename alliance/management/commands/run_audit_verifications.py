"""Run the audit verifications oversight asked for, and record the scheduled ones (issue 20, part 4)."""

from django.core.management.base import CommandError

from alliance.audit import runs
from alliance.management.base import AuditedCommand
from alliance.models import Alliance, AuditVerification


class Command(AuditedCommand):
    help = (
        "Run every queued audit verification (asked for by oversight from the audit page or the API) and "
        "record its result. With --scheduled, first queue a scheduled verification of every alliance and one "
        "of every chain (for staff). Run it from the scheduler every minute, and with --scheduled nightly."
    )

    def add_arguments(self, parser):
        parser.add_argument("--run", type=int, help="Run this one queued verification (its id) and no other.")
        parser.add_argument(
            "--scheduled",
            action="store_true",
            help="Queue a scheduled verification of every alliance and of every chain, then run them.",
        )

    def handle(self, *args, **options):
        stale = runs.mark_stale()
        if stale:
            self.stderr.write(f"{stale} verification(s) left running by a process that ended: marked could not finish.")
        if options["run"] is not None:
            run = AuditVerification.objects.filter(pk=options["run"]).first()
            if run is None:
                raise CommandError(f"No audit verification has the id {options['run']}.")
            if run.status != AuditVerification.Status.QUEUED:
                self.stdout.write(f"Verification {run.pk} is not waiting to run ({run.get_status_display().lower()}).")
                return
        if options["scheduled"]:
            queued = [runs.schedule(alliance) for alliance in Alliance.objects.order_by("pk")]
            queued.append(runs.schedule(None))
            self.stdout.write(f"{sum(1 for q in queued if q)} scheduled verification(s) queued.")
        done = runs.run_queued(only=options["run"])
        for run in done:
            what = run.alliance.name if run.alliance_id else "every chain"
            line = f"Verification {run.pk} of {what}: {run.get_status_display().lower()}, {run.links_checked:,} links"
            if run.checkpoint_id:
                line += f", checkpoint at #{run.checkpoint.size} proven"
            self.stdout.write(line + ".")
            for problem in run.problems[:20]:
                self.stderr.write(f"  {problem}")
        broken = [r for r in done if r.status != AuditVerification.Status.PASSED]
        summary = f"{len(done)} verification(s) run; {len(done) - len(broken)} intact, {len(broken)} not."
        if broken:
            raise CommandError(summary)
        self.stdout.write(self.style.SUCCESS(summary))
