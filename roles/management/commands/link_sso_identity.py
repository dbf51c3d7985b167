"""Link a person to their account at the single sign-on provider, or unlink it (docs/sso.md)."""

from django.conf import settings
from django.core.management import CommandError

from alliance.errors import RuleViolation
from alliance.management.base import AuditedCommand
from roles.identities import link_identity, unlink_identity
from roles.models import Person, SignInIdentity


class Command(AuditedCommand):
    help = (
        "Link a person to an account at the single sign-on provider (its subject, the `sub` the provider "
        "sends), so that account signs in as that person; --unlink removes the link."
    )

    def add_arguments(self, parser):
        who = parser.add_mutually_exclusive_group(required=True)
        who.add_argument("--person", type=int, help="The person's number (as in the admin's address).")
        who.add_argument("--email", help="The person's email address, if exactly one person has it.")
        parser.add_argument("--subject", required=True, help="The account's subject at the provider.")
        parser.add_argument(
            "--issuer", default="", help="The provider's issuer address; the configured OIDC_OP_ISSUER if left out."
        )
        parser.add_argument("--unlink", action="store_true", help="Remove the link instead of making it.")

    def handle(self, *args, person=None, email=None, subject, issuer, unlink, **options):
        issuer = issuer or settings.OIDC_OP_ISSUER
        if not issuer:
            raise CommandError("Give --issuer: single sign-on is not configured here (OIDC_OP_ISSUER is not set).")
        found = self._person(person, email)
        if unlink:
            identity = SignInIdentity.objects.filter(person=found, issuer=issuer, subject=subject).first()
            if identity is None:
                raise CommandError(f"{found} is not linked to the account {subject} at {issuer}; nothing was changed.")
            unlink_identity(identity=identity, reason="Unlinked with manage.py link_sso_identity")
            self.stdout.write(f"Unlinked {found} from the account {subject} at {issuer}.")
            return
        try:
            link_identity(person=found, issuer=issuer, subject=subject)
        except RuleViolation as refusal:
            raise CommandError(f"{refusal.message} Nothing was changed.")
        self.stdout.write(f"Linked {found} to the account {subject} at {issuer}.")

    def _person(self, pk, email) -> Person:
        if pk is not None:
            person = Person.objects.filter(pk=pk).first()
            if person is None:
                raise CommandError(f"There is no person number {pk}.")
            return person
        people = list(Person.objects.filter(email__iexact=email.strip())[:2])
        if len(people) != 1:
            count = "No person has" if not people else "More than one person has"
            raise CommandError(f"{count} the email address {email}: give --person with the person's number instead.")
        return people[0]
