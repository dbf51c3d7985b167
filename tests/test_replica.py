"""The read replica (alliance/replica.py, docs/production.md): which database each request's queries use.

The suite's settings declare a second alias, "replica", a test mirror of default (its own connection to
the same test database); these tests switch the routing on (``READ_REPLICA``) and watch both
connections. The public register's pages, the exports and the API read anonymously read from the replica;
logins, sessions and tokens, every write and every other page or API call stay on default.

Transactional: the replica's connection reads only what is committed, as a real replica does.
"""

import re
from contextlib import contextmanager

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connections
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from alliance.replica import ReplicaRouter
from decisions.models import Decision
from tests.factories import DecisionFactory
from tests.helpers import token_client, viewer_of
from tests.scenes import make_scene
from tests.test_production import load_settings

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "replica"])

# The product's own tables: who is signed in (auth, sessions, tokens) is read from default always.
DOMAIN_TABLE = re.compile(r'"(alliance|roles|decisions|contracts)_\w+"')
# A read: a SELECT, or on PostgreSQL a server-side cursor declared for one (a streamed export's rows).
READ = re.compile(r"SELECT |DECLARE .* FOR SELECT ")


@pytest.fixture
def replica_on(settings):
    settings.READ_REPLICA = "replica"


@pytest.fixture
def published(db):
    scene = make_scene()
    scene.alliance.publish_register = True
    scene.alliance.save()
    scene.decision = DecisionFactory(
        body=scene.body,
        title="Open the night-time hub",
        status=Decision.Status.AGREED,
        visibility=Decision.Visibility.PUBLIC,
    )
    return scene


class Queries:
    """The SQL each alias ran while watched."""

    def __init__(self, **captured):
        self.captured = captured

    def __repr__(self):
        return "\n".join(f"{alias}: {sql}" for alias in self.captured for sql in self.sql(alias))

    def sql(self, alias: str) -> list[str]:
        return [q["sql"] for q in self.captured[alias].captured_queries]

    def domain_reads(self, alias: str) -> list[str]:
        return [sql for sql in self.sql(alias) if READ.match(sql) and DOMAIN_TABLE.search(sql)]


@contextmanager
def watching():
    default, replica = CaptureQueriesContext(connections["default"]), CaptureQueriesContext(connections["replica"])
    with default, replica:
        yield Queries(default=default, replica=replica)


def body(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def read_on(alias: str, client, url: str):
    """GET ``url``: the product's tables were read on ``alias`` alone (who is signed in: on default)."""
    with watching() as queries:
        response = client.get(url)
        text = body(response)
    assert response.status_code == 200
    assert queries.domain_reads(alias)
    assert queries.domain_reads("replica" if alias == "default" else "default") == []
    if alias == "default":
        assert queries.sql("replica") == []
    return text


def test_the_public_register_page_reads_the_replica(replica_on, published, client):
    assert "Open the night-time hub" in read_on("replica", client, f"/public/{published.alliance.slug}/")


def test_an_anonymous_api_read_is_the_public_register_and_reads_the_replica(replica_on, published):
    assert "Open the night-time hub" in read_on("replica", APIClient(), "/api/v1/decisions/")


def test_a_streamed_export_reads_its_rows_from_the_replica_and_the_session_from_default(replica_on, published, client):
    client.force_login(viewer_of(published.alliance))
    with watching() as in_the_view:
        response = client.get(f"/api/v1/exports/decisions/?alliance={published.alliance.slug}")
    assert response.status_code == 200
    assert response.streaming
    with watching() as while_streaming:  # the rows are read as the response is sent, after the view returned
        assert "Open the night-time hub" in body(response)
    assert any('"django_session"' in sql for sql in in_the_view.sql("default")), in_the_view
    assert not any('"django_session"' in sql or '"auth_user"' in sql for sql in in_the_view.sql("replica"))
    assert in_the_view.domain_reads("default") == []
    assert any('"decisions_decision"' in sql for sql in while_streaming.domain_reads("replica")), while_streaming
    assert while_streaming.domain_reads("default") == []


def test_a_scripts_api_read_stays_on_default(replica_on, published):
    read_on("default", token_client(viewer_of(published.alliance)), "/api/v1/decisions/")


def test_the_members_pages_stay_on_default(replica_on, published, client):
    client.force_login(viewer_of(published.alliance))
    read_on("default", client, f"/alliances/{published.alliance.slug}/decisions/")


def test_a_write_stays_on_default_and_the_mark_does_not_outlive_its_request(replica_on, published, client):
    client.force_login(viewer_of(published.alliance))
    assert client.get(f"/public/{published.alliance.slug}/").status_code == 200
    with watching() as queries:
        response = client.post("/notifications/preferences/", {})
    assert response.status_code in (200, 302)
    assert queries.sql("replica") == []
    assert queries.sql("default")


def test_without_a_replica_the_public_register_reads_default(published, client):
    assert "Open the night-time hub" in read_on("default", client, f"/public/{published.alliance.slug}/")


def test_health_checks_the_replica_too(replica_on, published, client):
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "replica": "ok"}}


def test_the_router_never_writes_to_nor_migrates_the_replica(replica_on, published):
    router = ReplicaRouter()
    from_replica = Decision.objects.using("replica").get(pk=published.decision.pk)
    assert router.db_for_write(Decision, instance=from_replica) == "default"
    assert router.allow_migrate("replica", "decisions") is False
    assert router.allow_migrate("default", "decisions") is None
    assert router.db_for_read(Decision) is None  # outside a marked request: Django's own choice, default


def test_without_a_replica_the_router_decides_nothing(published):
    router = ReplicaRouter()
    decision = Decision.objects.get(pk=published.decision.pk)
    assert router.db_for_read(Decision, instance=decision) is None
    assert router.db_for_write(Decision, instance=decision) is None
    assert router.allow_relation(decision, published.body) is None
    assert router.allow_migrate("default", "decisions") is None


def test_database_replica_url_adds_the_replica_alias(monkeypatch):
    plain = load_settings(monkeypatch, DEBUG="true")
    assert "replica" not in plain["DATABASES"] and plain["READ_REPLICA"] == ""
    monkeypatch.setenv("DATABASE_REPLICA_URL", "postgres://reader@standby.internal:5432/alliance")
    replicated = load_settings(monkeypatch, DEBUG="true", DATABASE_URL="postgres://app@primary.internal:5432/alliance")
    assert replicated["READ_REPLICA"] == "replica"
    assert replicated["DATABASES"]["replica"]["HOST"] == "standby.internal"
    assert replicated["DATABASES"]["default"]["HOST"] == "primary.internal"
    assert "alliance.replica.ReplicaRouter" in replicated["DATABASE_ROUTERS"]


def test_transaction_pooling_turns_server_side_cursors_off_on_every_database(monkeypatch):
    monkeypatch.setenv("DATABASE_REPLICA_URL", "postgres://reader@standby.internal:5432/alliance")
    direct = load_settings(monkeypatch, DEBUG="true", DATABASE_URL="postgres://app@primary.internal:5432/alliance")
    assert not any(d.get("DISABLE_SERVER_SIDE_CURSORS") for d in direct["DATABASES"].values())
    monkeypatch.setenv("DATABASE_TRANSACTION_POOLING", "true")
    pooled = load_settings(monkeypatch, DEBUG="true", DATABASE_URL="postgres://app@pgbouncer.internal:6432/alliance")
    assert pooled["DATABASE_TRANSACTION_POOLING"] is True
    assert set(pooled["DATABASES"]) == {"default", "replica"}
    assert all(d["DISABLE_SERVER_SIDE_CURSORS"] is True for d in pooled["DATABASES"].values())


PREPARED = {"server_side_binding": True, "prepare_threshold": 1}


def test_postgresql_statements_are_prepared_unless_a_transaction_pool_stands_between(monkeypatch):
    """Prepared on their second run on a connection (planned once, not per request); a pooler in
    transaction mode hands out another server connection, so there they are off unless asked for."""
    monkeypatch.setenv("DATABASE_REPLICA_URL", "postgres://reader@standby.internal:5432/alliance")
    direct = load_settings(monkeypatch, DEBUG="true", DATABASE_URL="postgres://app@primary.internal:5432/alliance")
    assert direct["DATABASE_PREPARED_STATEMENTS"] is True
    assert all(d["OPTIONS"].items() >= PREPARED.items() for d in direct["DATABASES"].values())

    monkeypatch.setenv("DATABASE_TRANSACTION_POOLING", "true")
    pooled = load_settings(monkeypatch, DEBUG="true", DATABASE_URL="postgres://app@pgbouncer.internal:6432/alliance")
    assert pooled["DATABASE_PREPARED_STATEMENTS"] is False
    assert not any("prepare_threshold" in d.get("OPTIONS", {}) for d in pooled["DATABASES"].values())

    monkeypatch.setenv("DATABASE_PREPARED_STATEMENTS", "true")  # PgBouncer 1.21+ with max_prepared_statements
    asked = load_settings(monkeypatch, DEBUG="true", DATABASE_URL="postgres://app@pgbouncer.internal:6432/alliance")
    assert all(d["OPTIONS"].items() >= PREPARED.items() for d in asked["DATABASES"].values())


def test_prepared_statements_can_be_turned_off_and_never_touch_sqlite(monkeypatch):
    monkeypatch.setenv("DATABASE_PREPARED_STATEMENTS", "false")
    off = load_settings(monkeypatch, DEBUG="true", DATABASE_URL="postgres://app@primary.internal:5432/alliance")
    assert "prepare_threshold" not in off["DATABASES"]["default"].get("OPTIONS", {})
    monkeypatch.delenv("DATABASE_PREPARED_STATEMENTS")
    embedded = load_settings(monkeypatch, DEBUG="true", DATABASE_URL="sqlite:////tmp/alliance-settings-test.sqlite3")
    assert "prepare_threshold" not in embedded["DATABASES"]["default"]["OPTIONS"]


def test_a_typo_in_prepared_statements_is_refused(monkeypatch):
    monkeypatch.setenv("DATABASE_PREPARED_STATEMENTS", "yes please")
    with pytest.raises(ImproperlyConfigured, match="DATABASE_PREPARED_STATEMENTS"):
        load_settings(monkeypatch, DEBUG="true", DATABASE_URL="postgres://app@primary.internal:5432/alliance")
