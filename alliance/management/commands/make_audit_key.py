"""Make a new Ed25519 key to sign the audit chains' checkpoints (alliance/audit/checkpoint.py)."""

import os
from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError

from alliance.audit.checkpoint import CheckpointError, new_signer
from alliance.management.base import AuditedCommand


class Command(AuditedCommand):
    help = (
        "Make a key to sign audit checkpoints. Writes the signing key to --file (readable by its owner "
        "alone) or prints it, and prints the verifier key that anyone may hold to check checkpoints."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--name",
            default="",
            help="The key's name, shown on every signature (default: AUDIT_LOG_ORIGIN, this deployment's name).",
        )
        parser.add_argument("--file", help="Write the signing key to this file (it must not exist yet).")

    def handle(self, *args, **options):
        name = options["name"] or settings.AUDIT_LOG_ORIGIN
        try:
            key = new_signer(name)
        except CheckpointError as error:
            raise CommandError(f"{error} Choose another --name.") from error
        if options["file"]:
            path = Path(options["file"])
            if path.exists():
                raise CommandError(f"{path} exists already: a key is never overwritten. Choose another --file.")
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(descriptor, "w") as out:
                out.write(key.encoded() + "\n")
            self.stdout.write(f"Signing key written to {path} (only its owner may read it).")
            self.stdout.write(f"Set AUDIT_SIGNING_KEY_FILE={path.resolve()} for the server and its scheduler.")
        else:
            self.stdout.write("Signing key (set it as AUDIT_SIGNING_KEY; keep it secret, and out of the database):")
            self.stdout.write(key.encoded())
        self.stdout.write("Verifier key (public: give it to whoever keeps checkpoints; after a rotation, add the")
        self.stdout.write("old one to AUDIT_VERIFIER_KEYS so older checkpoints still verify):")
        self.stdout.write(key.verifier().encoded())
