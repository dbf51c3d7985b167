"""The ASGI entry point: ``application`` (https://docs.djangoproject.com/en/5.2/howto/deployment/asgi/)."""

from django.core.asgi import get_asgi_application

from alliance.startup import prepare_server

prepare_server()
application = get_asgi_application()
