"""Rebuild the search index from the records (alliance.search), or with ``--check`` say whether it
matches them. The index is kept up to date as records change; rebuild it after restoring a backup,
after loading records behind the application's back (loaddata, SQL), or when ``--check`` finds drift."""

from django.core.management.base import CommandError
from django.db import transaction

from alliance import search
from alliance.management.base import AuditedCommand


class Command(AuditedCommand):
    help = "Rebuild the search index from the records; with --check, only compare and exit non-zero on drift."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Compare the index with the records; change nothing.")
        parser.add_argument("--kind", choices=sorted(search.sources()), help="Only this kind of record.")

    def handle(self, *args, check=False, kind=None, **options):
        if check:
            problems = search.check_index()
            if problems:
                for problem in problems:
                    self.stderr.write(problem)
                raise CommandError(
                    f"The search index differs from the records in {len(problems)} places; "
                    "run manage.py rebuild_search_index."
                )
            self.stdout.write("The search index matches the records.")
            return
        with transaction.atomic():
            written = search.rebuild_index(kind)
        self.stdout.write(f"Search index rebuilt: {written} entries.")
