"""The HTTP figures: gunicorn serving the product and its floors, driven from this process.

Gunicorn runs as a child process on 127.0.0.1 with one worker per CPU (of four threads) against the throwaway database,
with ``benchmarks.settings`` (the product's settings with the benchmark's URLconf, so the floor views are
served beside the product, behind the same middleware). Sixteen client threads, each with its own keep-alive
``http.client`` connection and the same signed-in session cookie, send GETs of one URL for a fixed time;
requests per second, the median and 99th percentile latency and the failures are counted, for each read and
then for its floor. Nothing listens beyond the loopback interface.
"""

from __future__ import annotations

import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.client import HTTPConnection
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.test import Client, override_settings

CLIENTS = 16
# Threads per worker, as the production server runs (tests/demo_server.py: processes of four threads);
# gunicorn's threaded worker also keeps connections alive, as the clients ask.
THREADS = 4


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


def _percentile(sorted_values: list[float], share: float) -> float:
    if not sorted_values:
        return 0.0
    return sorted_values[min(len(sorted_values) - 1, int(share * len(sorted_values)))]


def drive(port: int, path: str, headers: dict, seconds: float, clients: int = CLIENTS) -> dict:
    """Send GETs of ``path`` from ``clients`` threads for ``seconds``; count, time and check each answer."""
    latencies: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def client():
        conn = HTTPConnection("127.0.0.1", port, timeout=60)
        mine, bad = [], []
        try:
            while time.perf_counter() < stop:
                started = time.perf_counter()
                try:
                    conn.request("GET", path, headers=headers)
                    response = conn.getresponse()
                    response.read()
                    if response.status != 200:
                        bad.append(str(response.status))
                except (OSError, ConnectionError) as error:
                    bad.append(type(error).__name__)
                    conn.close()
                    conn = HTTPConnection("127.0.0.1", port, timeout=60)
                mine.append(time.perf_counter() - started)
        finally:
            conn.close()
            with lock:
                latencies.extend(mine)
                failures.extend(bad)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "url": path,
        "requests": len(latencies),
        "failures": len(failures),
        "failure_kinds": sorted(set(failures))[:5],
        "requests_per_s": round(len(latencies) / elapsed, 1),
        "p50_ms": round(_percentile(latencies, 0.5) * 1000, 1),
        "p99_ms": round(_percentile(latencies, 0.99) * 1000, 1),
        "mean_ms": round(statistics.fmean(latencies) * 1000, 1) if latencies else 0.0,
    }


def serve_and_measure(*, reads: list[tuple[str, str, str]], user, seconds: float, clients: int = CLIENTS) -> list[dict]:
    """Serve with gunicorn (one worker per CPU) and drive each ``(name, product path, floor path)`` in turn."""
    workers = os.cpu_count() or 1
    key = secrets.token_urlsafe(48)
    with override_settings(SECRET_KEY=key):  # the server's key: its session and the user's hash check out
        signed_in = Client()
        signed_in.force_login(user)
        cookie = signed_in.cookies[settings.SESSION_COOKIE_NAME].value
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "benchmarks.settings",
        "DATABASE_URL": database_url(),
        "DEBUG": "false",
        "SECRET_KEY": key,
        "SECURE_SSL_REDIRECT": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "CONN_MAX_AGE": "60",
    }
    static = tempfile.TemporaryDirectory(prefix="bench-static-")
    log = tempfile.NamedTemporaryFile(prefix="bench-gunicorn-", suffix=".log", delete=False)  # noqa: SIM115
    env["STATIC_ROOT"] = static.name
    # As production serves: collectstatic's manifest (the pages name hashed files), then gunicorn.
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=settings.BASE_DIR, env=env, check=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    gunicorn = Path(sys.executable).with_name("gunicorn")
    process = subprocess.Popen(
        [str(gunicorn), "alliance.wsgi", "--workers", str(workers), "--threads", str(THREADS),
         "--timeout", "60", "--bind", f"127.0.0.1:{port}", "--log-level", "warning"],
        cwd=settings.BASE_DIR, env=env, stdout=log, stderr=log,
    )  # fmt: skip
    headers = {"Cookie": f"{settings.SESSION_COOKIE_NAME}={cookie}", "Host": "127.0.0.1"}
    figures = []
    try:
        _wait(port, process)
        for name, path, floor_path in reads:
            drive(port, path, headers, min(1.0, seconds), clients=workers)  # warm-up: imports, connections
            drive(port, floor_path, headers, min(1.0, seconds), clients=workers)
            product = drive(port, path, headers, seconds, clients)
            floor = drive(port, floor_path, headers, seconds, clients)
            rate = floor["requests_per_s"]
            figures.append(
                {
                    "figure": name,
                    "workers": workers,
                    "clients": clients,
                    "seconds": seconds,
                    "product": product,
                    "floor": floor,
                    "ratio_to_floor": round(product["requests_per_s"] / rate, 2) if rate else None,
                    "target": "at least half the floor's requests/s",
                    "met": bool(rate) and product["requests_per_s"] >= rate / 2 and not product["failures"],
                }
            )
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
        static.cleanup()
    if any(f["product"]["failures"] or f["floor"]["failures"] for f in figures):
        tail = Path(log.name).read_text(errors="replace")[-2000:]
        for f in figures:
            f["server_log_tail"] = tail
    Path(log.name).unlink(missing_ok=True)
    return figures
