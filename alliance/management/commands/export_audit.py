"""Write the audit feed as CSV, streamed: `manage.py export_audit --alliance dunmarrow -o audit.csv`."""

from django.core.management.base import CommandError

from alliance.exports import AUDIT_HEADER, audit_rows, csv_lines
from alliance.management.export import ExportCommand
from alliance.models import Alliance, AuditLink


class Command(ExportCommand):
    help = (
        "Export the audit feed (every change to every record) as CSV, newest first. A file given with -o "
        "is written whole or not at all; the command exits non-zero if the export fails."
    )

    def add_arguments(self, parser):
        parser.add_argument("--alliance", help="Only this alliance's records (its slug).")
        super().add_arguments(parser)

    def handle(self, *args, **options):
        links = AuditLink.objects.all()
        if options["alliance"]:
            alliance = Alliance.objects.filter(slug=options["alliance"]).first()
            if alliance is None:
                raise CommandError(f"No alliance has the slug '{options['alliance']}'; see the alliance list.")
            links = links.filter(chain=f"alliance:{alliance.pk}")

        def write_all(write, progress):
            for block in csv_lines(AUDIT_HEADER, audit_rows(links, progress=progress)):
                write(block)

        progress = self.export(options, links.count(), write_all)
        if options["output"]:
            self.stderr.write(f"Wrote {progress.done:,} changes to {options['output']}.")
