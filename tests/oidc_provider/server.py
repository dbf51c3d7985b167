"""Start the test identity provider as a server process of its own, on a free port, for the tests' session."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests import demo_server

CLIENT_ID = "alliance-tracker"
CLIENT_SECRET = "test-client-secret"
# The address the Django test client gives the product.
CALLBACK = "http://testserver/accounts/sso/callback/"


@dataclass
class Provider:
    url: str
    configuration: dict  # its discovery document (/.well-known/openid-configuration)

    def settings(self) -> dict:
        """The product's settings for this provider, read off its discovery document as docs/sso.md says."""
        found = self.configuration
        return {
            "OIDC_OP_ISSUER": found["issuer"],
            "OIDC_OP_AUTHORIZATION_ENDPOINT": found["authorization_endpoint"],
            "OIDC_OP_TOKEN_ENDPOINT": found["token_endpoint"],
            "OIDC_OP_USER_ENDPOINT": found["userinfo_endpoint"],
            "OIDC_OP_JWKS_ENDPOINT": found["jwks_uri"],
            "OIDC_RP_CLIENT_ID": CLIENT_ID,
            "OIDC_RP_CLIENT_SECRET": CLIENT_SECRET,
            "OIDC_RP_SIGN_ALGO": "RS256",
        }


@contextmanager
def identity_provider(folder: Path):
    """Migrate the provider's own SQLite file, seed it (key, client, accounts), serve it; stop it afterwards."""
    database = folder / "provider.sqlite3"
    port = demo_server.free_port()
    url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.oidc_provider.settings",
        "PROVIDER_SITE_URL": url,
        "PROVIDER_DATABASE": str(database),
    }
    env.pop("DATABASE_URL", None)
    django = [sys.executable, "-m", "django"]
    run = {"env": env, "check": True, "cwd": demo_server.ROOT, "stdout": subprocess.DEVNULL}
    subprocess.run([*django, "migrate", "--noinput", "-v0"], **run)
    seed = ["seed_provider", "--client-id", CLIENT_ID, "--client-secret", CLIENT_SECRET, "--redirect-uri", CALLBACK]
    subprocess.run([*django, *seed], **run)
    command = [*django, "runserver", f"127.0.0.1:{port}", "--noreload"]
    log = folder / "provider.log"
    with log.open("w") as out:
        process = subprocess.Popen(command, env=env, cwd=demo_server.ROOT, stdout=out, stderr=out)
    try:
        demo_server.wait_for(port, process, log)
        with urllib.request.urlopen(f"{url}/openid/.well-known/openid-configuration", timeout=30) as answer:
            yield Provider(url=url, configuration=json.loads(answer.read()))
    finally:
        process.terminate()
        process.wait(timeout=15)
