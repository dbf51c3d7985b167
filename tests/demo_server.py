"""The demo served by a real server process on a throwaway SQLite file, for the tests that need one.

`build_demo_database` migrates a fresh SQLite file and loads the demo (`load_demo`): slow, so the
`demo_database` fixture (tests/conftest.py) builds it once per session and every server runs on
its own copy (`copy_database`). `serve` starts `runserver` (the demo, DEBUG=true, as `make run`)
or gunicorn in the production configuration (DEBUG off, collectstatic's manifest), and stops it
afterwards.
"""

from __future__ import annotations

import fcntl
import json
import os
import secrets
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MANAGE = [sys.executable, str(ROOT / "manage.py")]


def demo_environment(database: Path, **extra: str) -> dict[str, str]:
    """The environment of `make run`: DEBUG on, the demo key, the given SQLite file."""
    return {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "DEBUG": "true",
        "DJANGO_SETTINGS_MODULE": "alliance.settings",
        **extra,
    }


def production_environment(database: Path, static_root: Path, **extra: str) -> dict[str, str]:
    """A production environment: DEBUG off, a real key, the manifest static files.

    Plain HTTP on the loopback, as behind a proxy that terminates HTTPS: no HTTPS redirect.
    """
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "STATIC_ROOT": str(static_root),
        "DJANGO_SETTINGS_MODULE": "alliance.settings",
        **extra,
    }
    env.pop("SECURE_PROXY_SSL_HEADER", None)
    return env


def build_demo_database(path: Path) -> Path:
    env = demo_environment(path)
    subprocess.run([*MANAGE, "migrate", "--noinput", "-v0"], env=env, check=True, cwd=ROOT)
    subprocess.run([*MANAGE, "load_demo"], env=env, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    return path


@contextmanager
def file_lock(path: Path):
    """Hold an exclusive lock on ``path`` (made if missing): one process at a time, xdist workers included."""
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def build_once(path: Path) -> Path:
    """The demo database at ``path``, built by the first process to ask for it; the others wait for it.

    Under pytest-xdist every worker asks; ``path`` lies in the folder the workers of one run share.
    """
    done = path.with_name(path.name + ".built")
    with file_lock(path.with_name(path.name + ".lock")):
        if not done.exists():
            build_demo_database(path)
            done.touch()
    return path


def copy_database(source: Path, target: Path) -> Path:
    """Copy a SQLite database whole (its write-ahead log included), for one server to write to."""
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    return target


def count_rows(database: Path, sql: str, *params) -> int:
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as db:
        return db.execute(sql, params).fetchone()[0]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(port: int, process: subprocess.Popen, log: Path, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"The test server stopped: {log.read_text()[-2000:]}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError(f"The test server did not answer on port {port}: {log.read_text()[-2000:]}")


@dataclass
class Server:
    url: str
    database: Path
    log: Path
    env: dict[str, str]


@contextmanager
def serve(command: list[str], *, env: dict[str, str], database: Path, log: Path):
    """Run a server command with `{port}` filled in; yield a Server once it answers; stop it after."""
    port = free_port()
    with log.open("w") as out:
        process = subprocess.Popen(
            [part.format(port=port) for part in command], env=env, cwd=ROOT, stdout=out, stderr=out
        )
    try:
        wait_for(port, process, log)
        yield Server(url=f"http://127.0.0.1:{port}", database=database, log=log, env=env)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


RUNSERVER = [*MANAGE, "runserver", "127.0.0.1:{port}", "--noreload"]
# Two processes of four threads each: requests in several processes and threads at once.
GUNICORN = [
    sys.executable,
    "-m",
    "gunicorn",
    "alliance.wsgi",
    "--bind",
    "127.0.0.1:{port}",
    "--workers",
    "2",
    "--threads",
    "4",
    "--timeout",
    "60",
]


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self):
        return json.loads(self.body)


def fetch(url: str, *, method: str = "GET", token: str | None = None, data=None, headers=None) -> Answer:
    """One HTTP request with the standard library; any status comes back as an Answer."""
    headers = dict(headers or {})
    body = None
    if data is not None:
        body = json.dumps(data).encode()
        headers["Content-Type"] = "application/json"
    if token:
        headers["Authorization"] = f"Token {token}"
    request = urllib.request.Request(url, data=body, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return Answer(response.status, dict(response.headers), response.read())
    except urllib.error.HTTPError as error:
        return Answer(error.code, dict(error.headers), error.read())
