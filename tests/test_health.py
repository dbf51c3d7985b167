"""`/health/` (alliance/health.py): a load balancer's question "can this server answer?".

The database being down is tested for real, in a process of its own whose DATABASE_URL points at a
database that cannot be reached (a SQLite file in a folder that does not exist, a PostgreSQL port
nobody listens on), not by mocking the connection.
"""

import json
import sqlite3

import pytest

from tests.test_production import run_in_a_clean_environment

ASK_HEALTH = (
    "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'alliance.settings'; django.setup(); "
    "from django.test import Client; r = Client().get('/health/'); print(r.status_code); print(r.content.decode())"
)
UNREACHABLE = {
    "sqlite": "sqlite:////nonexistent-folder/alliance.sqlite3",
    "postgresql": "postgres://postgres@127.0.0.1:9/alliance",
}


def ask_health(**env) -> tuple[int, dict]:
    result = run_in_a_clean_environment({"DEBUG": "true", **env}, "-c", ASK_HEALTH)
    assert result.returncode == 0, result.stderr[-2000:]
    status, body = result.stdout.strip().splitlines()[-2:]
    return int(status), json.loads(body)


@pytest.mark.django_db
def test_health_answers_ok_without_a_login_and_sets_nothing(client):
    response = client.get("/health/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok", "checks": {"database": "ok"}}
    assert not response.cookies
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_health_costs_one_query(client, django_assert_num_queries):
    with django_assert_num_queries(1):
        client.get("/health/")


@pytest.mark.django_db
def test_health_is_not_redirected_to_https(client, settings):
    # A load balancer asks over plain HTTP inside the network (SECURE_REDIRECT_EXEMPT).
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/health/").status_code == 200
    assert client.get("/accounts/login/").status_code == 301


@pytest.mark.django_db
def test_health_takes_no_writes(client):
    assert client.post("/health/").status_code == 405
    assert client.head("/health/").status_code == 200


@pytest.mark.parametrize("vendor", ["sqlite", "postgresql"])
def test_health_with_the_database_down_answers_503_and_says_only_what_failed(vendor):
    status, body = ask_health(DATABASE_URL=UNREACHABLE[vendor])
    assert status == 503
    assert body == {"status": "fail", "checks": {"database": "fail"}}


def test_health_with_the_replica_down_is_degraded_but_still_serves(tmp_path):
    database = tmp_path / "alliance.sqlite3"
    with sqlite3.connect(database) as db:  # the table the check reads, as migrate leaves it
        db.execute("CREATE TABLE django_migrations (id integer PRIMARY KEY, app text, name text, applied text)")
        db.execute("INSERT INTO django_migrations (app, name, applied) VALUES ('alliance', '0001_initial', '')")
    status, body = ask_health(DATABASE_URL=f"sqlite:///{database}", DATABASE_REPLICA_URL=UNREACHABLE["postgresql"])
    assert status == 200
    assert body == {"status": "degraded", "checks": {"database": "ok", "replica": "fail"}}


def test_health_on_an_empty_database_fails(tmp_path):
    # Pointed at a database that migrate never ran on (a wrong DATABASE_URL after a restore, say).
    status, body = ask_health(DATABASE_URL=f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    assert status == 503
    assert body == {"status": "fail", "checks": {"database": "fail"}}
