"""Build the fictional demo alliance, idempotently.

Each app that has a ``demo`` module contributes its part, in the order of INSTALLED_APPS, so a
lower app never needs to know of a higher one: ``load(ctx, stdout)`` receives a dictionary that
earlier parts filled (the alliance, its organisations, bodies, people...). Then each app's
``demo_week`` module adds what is going on in the week of the demo's "now" (20 September 2023),
so that the inbox holds every kind of notification.
"""

from importlib import import_module, util

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from alliance import demo_forward_plan


class Command(BaseCommand):
    help = "Load the fictional demo alliance (safe to run again: nothing is duplicated)."

    def handle(self, *args, **options):
        ctx: dict = {}
        with transaction.atomic():
            # Each app's story first, then the week around the demo's "now" that fills its inbox.
            for part in ("demo", "demo_week"):
                for config in apps.get_app_configs():
                    name = f"{config.name}.{part}"
                    if config.name.startswith("django") or util.find_spec(name) is None:
                        continue
                    import_module(name).load(ctx, self.stdout)
            # The forward plan and the inbox come last: they read the decisions and roles above.
            demo_forward_plan.load(ctx, self.stdout)
        self.stdout.write(self.style.SUCCESS(f"Demo alliance ready: {ctx['alliance'].name}"))
        self.stdout.write("Demo logins (username / password):")
        for username, password, what in ctx.get("logins", []):
            self.stdout.write(f"  {username:<12} {password:<20} {what}")
