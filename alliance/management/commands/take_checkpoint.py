"""Sign and keep a checkpoint of each audit chain that grew since its last one: run by the scheduler."""

from django.core.management.base import CommandError

from alliance.audit import checkpoint
from alliance.audit.verify import all_chains
from alliance.errors import RuleViolation
from alliance.management.base import AuditedCommand
from alliance.models import Alliance


class Command(AuditedCommand):
    help = (
        "Take a signed checkpoint of every audit chain that grew since its last checkpoint (or of one "
        "alliance's chain). Run it from the scheduler, e.g. hourly."
    )

    def add_arguments(self, parser):
        parser.add_argument("--alliance", help="Checkpoint one alliance's chain alone (its slug).")
        parser.add_argument(
            "--force", action="store_true", help="Take a checkpoint even of a chain that has not grown."
        )

    def handle(self, *args, **options):
        if options["alliance"]:
            alliance = Alliance.objects.filter(slug=options["alliance"]).first()
            if alliance is None:
                raise CommandError(f"No alliance has the slug '{options['alliance']}'; see the alliance list.")
            chains = [f"alliance:{alliance.pk}"]
        else:
            chains = all_chains()
        taken = []
        try:
            for chain in chains:
                made = checkpoint.take(chain, force=options["force"])
                if made is not None:
                    taken.append(made)
                    self.stdout.write(f"{chain}: checkpoint at #{made.size} ({made.root_hash[:16]}…)")
        except RuleViolation as refusal:
            raise CommandError(refusal.message) from refusal
        unchanged = len(chains) - len(taken)
        self.stdout.write(
            self.style.SUCCESS(f"{len(taken)} checkpoint(s) taken; {unchanged} chain(s) unchanged since their last.")
        )
