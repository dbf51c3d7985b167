"""The settings the test suite runs with: the project's own, loaded as a development run.

`alliance.settings` is a production configuration unless DEBUG=true is set: it refuses to start
without a real SECRET_KEY, redirects to HTTPS and serves static files from collectstatic's
manifest. The suite loads it as `make run` does (DEBUG=true: the demo key, plain static files,
no HTTPS redirect); pytest-django then runs each test with DEBUG off, so the pages, errors and
policies under test are the production ones. The production configuration itself is tested in
separate processes (tests/test_production.py).
"""

import os

os.environ["DEBUG"] = "true"

from alliance.settings import *  # noqa: E402, F403

# A password hash here is a fixture, not a secret: PBKDF2 costs about 0.8 s a hash on a 2-CPU machine
# and about 500 tests make a user; MD5 costs microseconds. The servers the suite starts in their own
# processes (tests/demo_server.py) run alliance.settings, so they hash as production does.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# The suite's own audit signing key (tests/alliance/test_checkpoints.py makes others to rotate to).
AUDIT_SIGNING_KEY = "PRIVATE+KEY+tracker.test+1c5ced8c+AayXH6OCP05NePXU4YtTiOS5/PLJ4Gz0QZu0piFN5cZi"
AUDIT_SIGNING_KEY_FILE = ""
AUDIT_VERIFIER_KEYS: list[str] = []
AUDIT_LOG_ORIGIN = "tracker.test"
# Tests run queued verifications themselves (call_command("run_audit_verifications")), never in the background.
AUDIT_VERIFY_IN_BACKGROUND = False

# Papers' files go to a directory of this run's own, never the checkout's media/ (each xdist worker
# loads these settings, so each has its own).
import tempfile  # noqa: E402

MEDIA_ROOT = tempfile.mkdtemp(prefix="alliance-test-media-")

# A second database alias for the read-replica routing (alliance/replica.py): a test mirror of default,
# so it reads the test database through a connection of its own. Off unless a test turns it on
# (settings.READ_REPLICA = "replica", tests/test_replica.py), so every other test reads default alone.
DATABASES["replica"] = {**DATABASES["default"], "ATOMIC_REQUESTS": False, "TEST": {"MIRROR": "default"}}  # noqa: F405
READ_REPLICA = ""
