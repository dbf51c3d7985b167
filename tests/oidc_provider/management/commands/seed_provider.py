"""Give the test provider its signing key, the product as a client, and the people who sign in."""

from django.contrib.auth.models import Group, User
from django.core.management import BaseCommand, call_command
from oidc_provider.models import Client, ResponseType

from tests.oidc_provider.accounts import ACCOUNTS, PASSWORD
from tests.oidc_provider.claims import UNVERIFIED


class Command(BaseCommand):
    def add_arguments(self, parser):
        parser.add_argument("--client-id", required=True)
        parser.add_argument("--client-secret", required=True)
        parser.add_argument("--redirect-uri", required=True)

    def handle(self, *args, client_id, client_secret, redirect_uri, **options):
        call_command("creatersakey")
        client = Client.objects.create(
            name="Alliance tracker",
            client_type="confidential",
            client_id=client_id,
            client_secret=client_secret,
            jwt_alg="RS256",
            redirect_uris=[redirect_uri],
            require_consent=False,
        )
        client.response_types.add(ResponseType.objects.get(value="code"))
        unverified = Group.objects.create(name=UNVERIFIED)
        for username, email, verified in ACCOUNTS:
            user = User.objects.create_user(username, email=email, password=PASSWORD)
            if not verified:
                user.groups.add(unverified)
