"""Build the fictional demo alliance, idempotently.

Each app contributes its parts through the registry (alliance.registry, ``demo_parts``), so a lower
app never needs to know of a higher one: ``load(ctx, stdout)`` receives a dictionary that earlier
parts filled (the alliance, its organisations, bodies, people...). Every app's story
(``<app>/demo.py``) loads first, in the order of INSTALLED_APPS; then each app's ``demo_week`` adds
what is going on in the week of the demo's "now" (20 September 2023), so that the inbox holds every
kind of notification; the forward plan comes last.
"""

from django.db import transaction

from alliance.management.base import AuditedCommand
from alliance.registry import registered


class Command(AuditedCommand):
    help = "Load the fictional demo alliance (safe to run again: nothing is duplicated)."

    def handle(self, *args, **options):
        ctx: dict = {}
        with transaction.atomic():
            for load in registered("demo_parts"):
                load(ctx, self.stdout)
        self.stdout.write(self.style.SUCCESS(f"Demo alliance ready: {ctx['alliance'].name}"))
        self.stdout.write("Demo logins (username / password):")
        for username, password, what in ctx.get("logins", []):
            self.stdout.write(f"  {username:<12} {password:<20} {what}")
