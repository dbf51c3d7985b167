"""Write an alliance's decision register as CSV (streamed) or its Popolo JSON."""

import json

from django.core.management.base import CommandError

from alliance.exports import csv_lines
from alliance.management.export import ExportCommand
from alliance.models import Alliance
from decisions.exports import DECISION_HEADER, decision_rows, popolo, register_queryset
from decisions.models import Decision

VISIBILITIES = [choice.value for choice in Decision.Visibility]


class Command(ExportCommand):
    help = (
        "Export an alliance's decision register as CSV (default) or Popolo JSON (--popolo). A file given with -o "
        "is written whole or not at all; the command exits non-zero if the export fails."
    )

    def add_arguments(self, parser):
        parser.add_argument("alliance", help="The alliance's slug.")
        super().add_arguments(parser)
        parser.add_argument("--popolo", action="store_true", help="Write Popolo JSON instead of CSV.")
        parser.add_argument(
            "--visibility",
            default="PUBLIC,MEMBERS",
            help="Comma-separated visibilities to export (PUBLIC, MEMBERS, CONFIDENTIAL), or 'all'. "
            "Default: PUBLIC,MEMBERS, so confidential decisions stay out unless asked for.",
        )

    def handle(self, *args, **options):
        alliance = Alliance.objects.filter(slug=options["alliance"]).first()
        if alliance is None:
            raise CommandError(f"No alliance has the slug '{options['alliance']}'; see the alliance list.")
        visibilities = _visibilities(options["visibility"])
        decisions = register_queryset(alliance).filter(visibility__in=visibilities)

        def write_all(write, progress):
            if options["popolo"]:
                chosen = Decision.objects.filter(visibility__in=visibilities)
                write(json.dumps(popolo(alliance, chosen), indent=2, ensure_ascii=False))
                return
            for block in csv_lines(DECISION_HEADER, decision_rows(decisions, progress=progress)):
                write(block)

        self.export(options, decisions.count(), write_all, csv=not options["popolo"])


def _visibilities(raw: str) -> list[str]:
    if raw.strip().lower() == "all":
        return VISIBILITIES
    chosen = [part.strip().upper() for part in raw.split(",") if part.strip()]
    unknown = [v for v in chosen if v not in VISIBILITIES]
    if unknown or not chosen:
        raise CommandError(
            f"--visibility {raw!r} is not understood; give any of {', '.join(VISIBILITIES)} separated by commas, "
            "or 'all'."
        )
    return chosen
