"""What a server checks before it serves: a real SECRET_KEY when DEBUG is off.

The settings leave SECRET_KEY empty when none (or the demo's) is set with DEBUG off, so that
commands needing no key (makemigrations, migrate, check) run anywhere; the WSGI and ASGI entry
points, which every server (gunicorn, runserver) loads, refuse to start without one.
"""

import os

from django.core.exceptions import ImproperlyConfigured

MISSING_SECRET_KEY = (
    "DEBUG is off, so this is a production server: set SECRET_KEY in the environment to a long random "
    "value (not the demo's, never in the repository). For the demo, set DEBUG=true (`make run` does)."
)


def require_secret_key() -> None:
    from django.conf import settings

    try:
        key = settings.SECRET_KEY
    except ImproperlyConfigured:  # Django refuses an empty key on reading it
        key = ""
    if not key:
        raise ImproperlyConfigured(MISSING_SECRET_KEY)


def prepare_server() -> None:
    """What the WSGI and ASGI entry points do before Django loads: name the settings, then require the key."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alliance.settings")
    require_secret_key()  # no server starts in production without a real key
