"""The WSGI entry point: ``application`` (https://docs.djangoproject.com/en/5.2/howto/deployment/wsgi/)."""

from django.core.wsgi import get_wsgi_application

from alliance.startup import prepare_server

prepare_server()
application = get_wsgi_application()
