"""The HTTP figure: gunicorn with two workers serving the decisions list, driven from this process.

Gunicorn runs as a child process on 127.0.0.1 against the throwaway database; a small client of
threads with ``http.client`` sends a bounded number of requests with a token and counts
requests per second. Nothing listens beyond the loopback interface.
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import threading
import time
from http.client import HTTPConnection
from pathlib import Path

from django.conf import settings
from django.db import connection
from rest_framework.authtoken.models import Token


def database_url() -> str:
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    auth = s.get("USER") or ""
    if s.get("PASSWORD"):
        auth += f":{s['PASSWORD']}"
    return f"postgres://{auth}@{s.get('HOST') or '127.0.0.1'}:{s.get('PORT') or 5432}/{s['NAME']}"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait(port: int, process: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("gunicorn stopped before it answered; run it by hand to see why.")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"gunicorn did not listen on 127.0.0.1:{port} within {timeout:.0f} s.")


def requests_per_second(*, path: str, user, requests: int, workers: int = 2, clients: int = 8) -> dict:
    """Serve with gunicorn, send ``requests`` GETs of ``path`` from ``clients`` threads, count per second."""
    token, _ = Token.objects.get_or_create(user=user)
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "SECURE_SSL_REDIRECT": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "CONN_MAX_AGE": "60",
    }
    gunicorn = Path(sys.executable).with_name("gunicorn")
    process = subprocess.Popen(
        [
            str(gunicorn),
            "alliance.wsgi",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        _wait(port, process)
        headers = {"Authorization": f"Token {token.key}", "Host": "127.0.0.1"}
        failures: list[str] = []
        remaining = iter(range(requests))
        lock = threading.Lock()

        def client():
            conn = HTTPConnection("127.0.0.1", port, timeout=30)
            try:
                while True:
                    with lock:
                        if next(remaining, None) is None:
                            return
                    conn.request("GET", path, headers=headers)
                    response = conn.getresponse()
                    response.read()
                    if response.status != 200:
                        failures.append(str(response.status))
            finally:
                conn.close()

        warm = HTTPConnection("127.0.0.1", port, timeout=30)
        for _ in range(workers * 2):
            warm.request("GET", path, headers=headers)
            warm.getresponse().read()
        warm.close()
        threads = [threading.Thread(target=client) for _ in range(clients)]
        started = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        seconds = time.perf_counter() - started
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    return {
        "figure": "decisions list over HTTP (gunicorn)",
        "url": path,
        "workers": workers,
        "clients": clients,
        "requests": requests,
        "failures": len(failures),
        "requests_per_s": round(requests / seconds, 1),
    }
