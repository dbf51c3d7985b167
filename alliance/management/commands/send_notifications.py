"""Send the notifications that are due: run by a scheduler (cron), never inside a web request.

Idempotent: each event is stored once per person and emailed once, so running the command twice,
or every few minutes, sends nothing twice. ``--now`` acts as of another moment (tests, backfill);
``--dry-run`` says what would be sent and writes and sends nothing.
"""

from datetime import datetime

from django.core.mail import get_connection
from django.core.management.base import CommandError
from django.db import transaction
from django.utils import timezone

from alliance import notifications
from alliance.formatting import day_time
from alliance.management.base import AuditedCommand


def parse_now(raw: str) -> datetime:
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        raise CommandError(f"--now '{raw}' is not a date and time; use the form 2023-09-20T08:00 (Europe/London).")
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


class Command(AuditedCommand):
    help = "Collect new notifications and email those that are due (safe to run again: nothing is sent twice)."

    def add_arguments(self, parser):
        parser.add_argument("--now", help="Act as of this moment (YYYY-MM-DDTHH:MM, Europe/London) instead of now.")
        parser.add_argument("--dry-run", action="store_true", help="Say what would be sent; write and send nothing.")

    def handle(self, *args, **options):
        now = parse_now(options["now"]) if options["now"] else timezone.now()
        dry_run = options["dry_run"]
        with transaction.atomic():
            connection = get_connection("django.core.mail.backends.dummy.EmailBackend") if dry_run else None
            result = notifications.run(now, connection=connection, record=not dry_run)
            if dry_run:
                transaction.set_rollback(True)
        verb = "Would send" if dry_run else "Sent"
        self.stdout.write(
            f"{verb} {result.sent.messages} email(s) carrying {result.sent.notifications} notification(s) "
            f"as of {day_time(now)}; {result.collected.created} new, "
            f"{result.collected.known} already known."
        )
        if result.sent.turned_off:
            self.stdout.write(f"{result.sent.turned_off} not emailed: turned off in the recipients' preferences.")
        if result.sent.waiting_for_digest:
            self.stdout.write(f"{result.sent.waiting_for_digest} wait for tomorrow's daily digest.")
        if result.collected.skipped:
            self.stdout.write(f"Skipped {len(result.collected.skipped)} recipient(s):")
            for line in result.collected.skipped:
                self.stdout.write(f"  {line}")
