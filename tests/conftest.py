import os
import subprocess
from pathlib import Path

import pytest
from django.db import connection
from django.db.models.signals import post_migrate
from rest_framework.test import APIClient

from tests import demo_server
from tests.factories import StaffFactory, UserFactory
from tests.helpers import token_client
from tests.scenes import make_award_scene, make_scene


@pytest.fixture(autouse=True)
def _login_lockout_only_where_tested(request, settings):
    # django-axes needs the request at authenticate(); the test client's login() has none.
    # Tests of the lock-out itself are marked `axes`.
    if "axes" not in request.keywords:
        settings.AXES_ENABLED = False


def _forbid_truncate(**kwargs):
    post_migrate.disconnect(dispatch_uid="allow-audit-truncate")
    with connection.cursor() as cursor:
        cursor.execute("RESET alliance.allow_truncate")


def _lift_sqlite_guards_for_the_flush():
    """On SQLite the flush DELETEs every row, which the append-only triggers refuse: drop them for the
    flush, and make them again when it ends (its post_migrate signal), as they were."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND sql LIKE '%RAISE(ABORT%'")
        guards = cursor.fetchall()
        for name, _ in guards:
            cursor.execute(f'DROP TRIGGER "{name}"')

    def restore(**kwargs):
        post_migrate.disconnect(dispatch_uid="restore-sqlite-guards")
        with connection.cursor() as cursor:
            for _, sql in guards:
                cursor.execute(sql)

    post_migrate.connect(restore, weak=False, dispatch_uid="restore-sqlite-guards")


@pytest.fixture(autouse=True)
def _flush_past_the_audit_truncate_trigger(request):
    """Let the flush after a transactional test TRUNCATE the audit chain on PostgreSQL, and only it.

    Django's flush empties every table with TRUNCATE, which migration alliance/0008 refuses on the
    chain's tables unless the session allows it; the flush's post_migrate signal takes it back.
    """
    marker = request.node.get_closest_marker("django_db")
    if not (marker and marker.kwargs.get("transaction")) and "transactional_db" not in request.fixturenames:
        yield
        return
    request.getfixturevalue("transactional_db")  # set up first, so torn down (flushed) after this
    yield
    if connection.vendor == "sqlite":
        _lift_sqlite_guards_for_the_flush()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET alliance.allow_truncate = 'on'")
        post_migrate.connect(_forbid_truncate, weak=False, dispatch_uid="allow-audit-truncate")


@pytest.fixture
def stranger(db):
    """A signed-in user with no standing in any alliance (a viewer is `tests.helpers.viewer_of`)."""
    return UserFactory(username="stranger")


@pytest.fixture
def scene(db):
    """The decision scene (tests.scenes.make_scene): Dunmarrow, its ALT, three voting members and a secretary."""
    return make_scene()


@pytest.fixture
def award(db):
    """The award scene (tests.scenes.make_award_scene): the decision scene, four voting members, a policy."""
    return make_award_scene()


@pytest.fixture
def secretary(client, scene):
    """The web pages as the secretary of the module's ``scene`` (signed in as a login made for them)."""
    scene.secretary.user = UserFactory(username="secretary")
    scene.secretary.save()
    client.force_login(scene.secretary.user)
    return client


@pytest.fixture
def staff(db):
    return StaffFactory(username="admin-staff")


@pytest.fixture
def stranger_api(stranger):
    return token_client(stranger)


@pytest.fixture
def viewer_api(viewer):
    """The API as ``viewer``, a fixture each test module defines to say whose viewer it is:
    ``viewer_of(scene.alliance)`` (tests.helpers)."""
    return token_client(viewer)


@pytest.fixture
def staff_api(staff):
    return token_client(staff)


@pytest.fixture
def anon_api():
    return APIClient()


@pytest.fixture(scope="session")
def demo_database(tmp_path_factory):
    """A SQLite file holding the migrated demo, built once a run (about half a minute).

    Under pytest-xdist the workers share one, in the folder above their own temporary folders: the
    first worker to need it builds it while the others wait. Servers run on a copy
    (`demo_server.copy_database`), so what one test writes no other sees.
    """
    if not os.environ.get("PYTEST_XDIST_WORKER"):  # one process (-n 0, or -p no:xdist)
        return demo_server.build_demo_database(tmp_path_factory.mktemp("demo-db") / "demo.sqlite3")
    return demo_server.build_once(tmp_path_factory.getbasetemp().parent / "demo.sqlite3")


@pytest.fixture(scope="session")
def production_server(request, tmp_path_factory):
    """The demo served as in production: gunicorn (2 processes x 4 threads), DEBUG off, a real
    SECRET_KEY, static files from `collectstatic` with WhiteNoise's manifest storage, the
    embedded SQLite database. Yields a demo_server.Server.

    It runs on SQLite whatever DATABASE_URL says, so the PostgreSQL pass skips it (the SQLite pass
    of `make test` and CI runs it).
    """
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
        pytest.skip("serves the embedded SQLite database; the SQLite pass runs it")
    folder = tmp_path_factory.mktemp("production")
    database = demo_server.copy_database(request.getfixturevalue("demo_database"), folder / "db.sqlite3")
    env = demo_server.production_environment(database, folder / "static")
    subprocess.run(
        [*demo_server.MANAGE, "collectstatic", "--noinput", "-v0"],
        env=env,
        check=True,
        cwd=demo_server.ROOT,
    )
    with demo_server.serve(demo_server.GUNICORN, env=env, database=database, log=folder / "server.log") as server:
        yield server


BROWSER = Path(__file__).parent / "browser"


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups (`--dist loadgroup`)
def pytest_collection_modifyitems(config, items):
    # Tests marked postgres need PostgreSQL's row locks; on SQLite they skip and say why.
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        skip = pytest.mark.skip(reason="needs PostgreSQL: run with DATABASE_URL=postgres://... (CI does)")
        for item in items:
            if "postgres" in item.keywords:
                item.add_marker(skip)
    # The tests of the demo's servers run on one xdist worker (`--dist loadgroup`), so each server
    # starts once a run and the demo database is built while the other workers run the rest: the
    # browser journeys (runserver and Chromium) and the production server's tests (gunicorn).
    for item in items:
        if BROWSER in Path(item.fspath).parents or "production_server" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.xdist_group("demo-server"))


class _GroupIdsForPytest92:
    """pytest-xdist 3.8's `--dist loadgroup` names a test's group in its node id by setting
    `item._nodeid`, which pytest 9.2 no longer reads (its node ids are structured), so every group
    is silently ignored (pytest-dev/pytest-xdist#1386, fix proposed in #1388). Carry the group over
    to the id pytest 9.2 reads; once xdist does it itself, the ids agree and this does nothing."""

    @pytest.hookimpl(trylast=True)  # after xdist's own hook
    def pytest_collection_modifyitems(self, items):
        from _pytest.nodeid import NodeId

        for item in items:
            legacy = getattr(item, "_nodeid", None)
            if legacy and legacy != item.nodeid and hasattr(item, "_id"):
                item._id = NodeId.parse(legacy)


def pytest_configure(config):
    if hasattr(config, "workerinput"):  # an xdist worker
        config.pluginmanager.register(_GroupIdsForPytest92(), "xdist-group-ids")
