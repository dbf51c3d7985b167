"""The base of this project's management commands."""

from django.core.management.base import BaseCommand

from alliance.audit.source import audit_source


class AuditedCommand(BaseCommand):
    """A command whose changes the audit chain attributes to it as ``command:<name>`` (rule 9).

    A change made by a command has no user, so the command is named instead. ``execute()`` is the
    one door of both ``manage.py <command>`` and ``call_command()``. Commands that do not subclass
    this one (Django's shell, createsuperuser, loaddata...) record the default source, "script".
    """

    def execute(self, *args, **options):
        with audit_source(f"command:{self.__class__.__module__.rsplit('.', 1)[-1]}"):
            return super().execute(*args, **options)
