"""Write the audit feed as CSV, streamed: `manage.py export_audit --alliance dunmarrow -o audit.csv`."""

import sys
from contextlib import ExitStack

from django.core.management.base import CommandError

from alliance.exports import AUDIT_HEADER, audit_rows, csv_lines, export_failed, whole_file
from alliance.management.base import AuditedCommand
from alliance.management.commands.verify_audit import Progress
from alliance.models import Alliance, AuditLink


class Command(AuditedCommand):
    help = (
        "Export the audit feed (every change to every record) as CSV, newest first. A file given with -o "
        "is written whole or not at all; the command exits non-zero if the export fails."
    )

    def add_arguments(self, parser):
        parser.add_argument("--alliance", help="Only this alliance's records (its slug).")
        parser.add_argument("-o", "--output", help="File to write; standard output when omitted.")
        parser.add_argument("--progress", action="store_true", help="Draw a progress bar even when not on a terminal.")

    def handle(self, *args, **options):
        links = AuditLink.objects.all()
        if options["alliance"]:
            alliance = Alliance.objects.filter(slug=options["alliance"]).first()
            if alliance is None:
                raise CommandError(f"No alliance has the slug '{options['alliance']}'; see the alliance list.")
            links = links.filter(chain=f"alliance:{alliance.pk}")
        progress = Progress(links.count(), self.stderr, options["progress"] or sys.stderr.isatty())
        try:
            with ExitStack() as stack:
                if options["output"]:
                    write = stack.enter_context(whole_file(options["output"], newline="", encoding="utf-8"))
                else:

                    def write(text: str) -> None:
                        self.stdout.write(text, ending="")

                for block in csv_lines(AUDIT_HEADER, audit_rows(links, progress=progress)):
                    write(block)
        except Exception as error:
            raise export_failed(error, options["output"], progress.done) from error
        finally:
            progress.finish()
        if options["output"]:
            self.stderr.write(f"Wrote {progress.done:,} changes to {options['output']}.")
