"""Check a downloaded inclusion proof against a checkpoint you kept, with the verifier key alone: an
outsider's check, which reads neither this server's database nor its signing key.

    python manage.py check_proof proof.json --checkpoint dunmarrow-checkpoint-1234.txt \\
        --key 'tracker.example.org+1c5ced8c+AQ...'

The proof is the JSON of ``/api/v1/audit/proof/?alliance=<slug>&seq=<n>&size=<the checkpoint's size>``.
Without ``--key`` the server's own verifier keys (AUDIT_SIGNING_KEY, AUDIT_VERIFIER_KEYS) are used.
"""

import json
import urllib.request
from pathlib import Path

from django.core.management.base import CommandError

from alliance.audit import checkpoint, proofs
from alliance.management.base import AuditedCommand


def read_text(where: str) -> str:
    """A file's text, or a URL's (http or https)."""
    if where.startswith(("http://", "https://")):
        try:
            with urllib.request.urlopen(where, timeout=30) as answer:  # noqa: S310 (the scheme is checked)
                return answer.read().decode()
        except OSError as error:
            raise CommandError(f"{where} cannot be fetched: {error}.") from error
    try:
        return Path(where).read_text()
    except OSError as error:
        raise CommandError(f"{where} cannot be read ({error.strerror}).") from error


class Command(AuditedCommand):
    help = "Check an inclusion proof of one audit trail change against a kept checkpoint, with the verifier key alone."

    def add_arguments(self, parser):
        parser.add_argument("proof", help="The proof (a JSON file or URL from /api/v1/audit/proof/).")
        parser.add_argument(
            "--checkpoint",
            help="The checkpoint you kept (a file or URL). Without it, the checkpoint inside the proof is checked.",
        )
        parser.add_argument(
            "--key",
            action="append",
            default=[],
            help="A verifier key (<name>+<id>+<key>); give it more than once for older keys.",
        )

    def handle(self, *args, **options):
        try:
            proof = json.loads(read_text(options["proof"]))
        except json.JSONDecodeError as error:
            raise CommandError(f"{options['proof']} is not JSON: {error.msg}.") from error
        if not isinstance(proof, dict):
            raise CommandError(f"{options['proof']} is not an inclusion proof.")
        if options["checkpoint"]:
            note = read_text(options["checkpoint"])
        else:
            note = str((proof.get("checkpoint") or {}).get("note") or "")
        try:
            keys = [checkpoint.parse_verifier(k) for k in options["key"]] or checkpoint.verifiers()
            kept = proofs.check_inclusion(proof, note, keys)
        except (checkpoint.CheckpointError, proofs.ProofError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"The proof holds: change #{int(proof['leaf_index']) + 1} (link {proof['link_hash'][:16]}…) is among "
                f"the {kept.size} changes of {kept.origin} that the checkpoint signed by '{kept.key_name}' vouches for."
            )
        )
