"""Write an alliance's decision register as CSV (streamed) or its Popolo JSON."""

import json
import sys
from contextlib import ExitStack

from django.core.management.base import BaseCommand, CommandError

from alliance.exports import csv_lines
from alliance.management.commands.verify_audit import Progress
from alliance.models import Alliance
from decisions.exports import DECISION_HEADER, decision_rows, popolo, register_queryset


class Command(BaseCommand):
    help = "Export an alliance's decision register as CSV (default) or Popolo JSON (--popolo)."

    def add_arguments(self, parser):
        parser.add_argument("alliance", help="The alliance's slug.")
        parser.add_argument("-o", "--output", help="File to write; standard output when omitted.")
        parser.add_argument("--popolo", action="store_true", help="Write Popolo JSON instead of CSV.")
        parser.add_argument("--progress", action="store_true", help="Draw a progress bar even when not on a terminal.")

    def handle(self, *args, **options):
        alliance = Alliance.objects.filter(slug=options["alliance"]).first()
        if alliance is None:
            raise CommandError(f"No alliance has the slug '{options['alliance']}'; see the alliance list.")
        with ExitStack() as stack:
            if options["output"]:
                handle = stack.enter_context(open(options["output"], "w", newline="", encoding="utf-8"))
                write = handle.write
            else:

                def write(text: str) -> None:
                    self.stdout.write(text, ending="")

            if options["popolo"]:
                write(json.dumps(popolo(alliance), indent=2, ensure_ascii=False))
                return
            decisions = register_queryset(alliance)
            progress = Progress(decisions.count(), self.stderr, options["progress"] or sys.stderr.isatty())
            for line in csv_lines(DECISION_HEADER, decision_rows(decisions, progress=progress)):
                write(line)
            progress.finish()
