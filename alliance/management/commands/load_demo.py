"""Build the fictional demo alliance, idempotently.

Each app contributes its parts through the registry (alliance.registry, ``demo_parts``), so a lower
app never needs to know of a higher one: ``load(ctx, stdout)`` receives a dictionary that earlier
parts filled (the alliance, its organisations, bodies, people...). Every app's story
(``<app>/demo.py``) loads first, in the order of INSTALLED_APPS; then each app's ``demo_week`` adds
what is going on in the week of the demo's "now" (20 September 2023), so that the inbox holds every
kind of notification; the forward plan comes last. At its end it takes a signed checkpoint of every
audit chain that grew (none when loaded again unchanged), dated the demo's "now" like the rest of the
demo week, so the oversight group's inbox holds one; it is signed with the demo's published key when
the server has no key of its own (settings DEMO_AUDIT_SIGNING_KEY, DEBUG only), and proves nothing.
"""

from django.db import transaction

from alliance import notifications
from alliance.audit import checkpoint
from alliance.audit.verify import all_chains
from alliance.demo_forward_plan import DEMO_NOW
from alliance.management.base import AuditedCommand
from alliance.registry import registered


def take_checkpoints(stdout) -> int:
    """A checkpoint of each chain that grew since its last one, as of the demo's now; none without a key."""
    if not checkpoint.has_signer():
        stdout.write("No audit signing key: no checkpoint taken (see manage.py make_audit_key).")
        return 0
    taken = [made for chain in all_chains() if (made := checkpoint.take(chain, now=DEMO_NOW)) is not None]
    if taken:
        stdout.write(f"Took {len(taken)} signed checkpoint(s) of the audit trail, dated the demo's now.")
        # Their emails to oversight, stored now as the demo week's are (the signal's receiver stores the
        # same ones once this transaction commits: each is stored once).
        notifications.collect(DEMO_NOW)
    return len(taken)


class Command(AuditedCommand):
    help = "Load the fictional demo alliance (safe to run again: nothing is duplicated)."

    def handle(self, *args, **options):
        ctx: dict = {}
        with transaction.atomic():
            for load in registered("demo_parts"):
                load(ctx, self.stdout)
            take_checkpoints(self.stdout)
        self.stdout.write(self.style.SUCCESS(f"Demo alliance ready: {ctx['alliance'].name}"))
        self.stdout.write("Demo logins (username / password):")
        for username, password, what in ctx.get("logins", []):
            self.stdout.write(f"  {username:<12} {password:<20} {what}")
