"""The product's settings with the benchmark's URLconf, for the gunicorn of the HTTP figures
(``DJANGO_SETTINGS_MODULE=benchmarks.settings``): floor and peer views served beside the product."""

from alliance.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.urls"
