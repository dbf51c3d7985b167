"""
WSGI config for alliance project.

It exposes the WSGI callable as a module-level variable named ``application``.

For more information on this file, see
https://docs.djangoproject.com/en/5.2/howto/deployment/wsgi/
"""

import os

from django.core.wsgi import get_wsgi_application

from alliance.startup import require_secret_key

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alliance.settings")

require_secret_key()  # no server starts in production without a real key
application = get_wsgi_application()
