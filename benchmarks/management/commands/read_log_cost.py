"""What the read log costs a read: a confidential decision's page (and its API detail) with the log
written and with it switched off, in turn, on the current database.

    DATABASE_URL=sqlite:///demo.sqlite3 manage.py read_log_cost --user oversight --repeat 200

Each figure is the median of ``--repeat`` GETs; the two are taken A B A B ... so a machine that drifts
slows both alike. The entries written are rolled back: the database is left as it was.
"""

from __future__ import annotations

import statistics
import time
from unittest import mock

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from alliance import read_log
from alliance.management.base import AuditedCommand
from decisions.models import Decision


class Command(AuditedCommand):
    help = "Time a confidential decision's page and API detail with and without the read log."

    def add_arguments(self, parser):
        parser.add_argument("--user", default="oversight", help="A login that may read the decision.")
        parser.add_argument("--decision", type=int, help="A CONFIDENTIAL decision's id (default: the first).")
        parser.add_argument("--repeat", type=int, default=100, help="GETs of each kind; the median is kept.")

    def handle(self, *args, user, decision, repeat, **options):
        login = get_user_model().objects.filter(username=user).first()
        if login is None:
            raise CommandError(f"No login is named '{user}'; name one with --user.")
        decisions = (
            Decision.objects.filter(visibility="CONFIDENTIAL").exclude(status="DRAFT").select_related("alliance")
        )
        target = decisions.filter(pk=decision).first() if decision else decisions.order_by("pk").first()
        if target is None:
            raise CommandError("No confidential decision to read; load the demo (manage.py load_demo) first.")
        client = Client()
        client.force_login(login)
        urls = {
            "page": f"/alliances/{target.alliance.slug}/decisions/{target.pk}/",
            "API detail": f"/api/v1/decisions/{target.pk}/",
        }
        # The test client runs the request without ATOMIC_REQUESTS' transaction: keep one open, as a
        # served request has, and roll it back at the end.
        with transaction.atomic():
            for name, url in urls.items():
                self._measure(client, name, url, repeat)
            transaction.set_rollback(True)

    def _measure(self, client: Client, name: str, url: str, repeat: int) -> None:
        def get() -> tuple[float, float]:
            """Wall and CPU seconds of one GET (the CPU time is the process's own: a busy machine moves it less)."""
            started, cpu = time.perf_counter(), time.process_time()
            response = client.get(url)
            elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
            if response.status_code != 200:
                raise CommandError(f"GET {url} answered {response.status_code}; choose a user who may read it.")
            return elapsed, cpu

        off = mock.patch.object(read_log, "_write", lambda request, entries: [None] * len(entries))
        get()  # warm-up
        with off:
            get()
        on_times, off_times = [], []
        for _ in range(repeat):
            on_times.append(get())
            with off:
                off_times.append(get())
        with CaptureQueriesContext(connection) as with_log:
            get()
        with off, CaptureQueriesContext(connection) as without_log:
            get()
        for index, clock in ((0, "wall"), (1, "CPU")):
            on = [t[index] * 1000 for t in on_times]
            off = [t[index] * 1000 for t in off_times]
            on_ms, off_ms = statistics.median(on), statistics.median(off)
            # The median of the pairs' differences: each pair ran back to back, so drift cancels.
            paired = statistics.median(a - b for a, b in zip(on, off, strict=True))
            self.stdout.write(
                f"{name} ({url}), {clock}: with the read log {on_ms:.2f} ms, without {off_ms:.2f} ms "
                f"(medians of {repeat}); paired difference {paired:+.2f} ms ({paired / off_ms * 100:+.1f}%)"
            )
        self.stdout.write(f"{name}: queries {len(with_log)} with the read log, {len(without_log)} without")
