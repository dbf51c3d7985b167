"""Authentication hardening: lock-out after repeated failed logins, for pages and the token endpoint."""

import pytest

from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.axes]


@pytest.fixture
def sam(db):
    return UserFactory(username="sam")


def fail(client, times: int):
    for _ in range(times):
        response = client.post("/accounts/login/", {"username": "sam", "password": "wrong"})
    return response


def test_a_few_failures_are_told_to_try_again(client, sam):
    response = fail(client, 2)
    assert response.status_code == 200
    assert "did not match" in response.content.decode()


def test_five_failures_lock_the_account_even_with_the_right_password(client, sam):
    fail(client, 5)
    response = client.post("/accounts/login/", {"username": "sam", "password": "pass-word-123"})
    assert response.status_code == 429
    assert "Too many failed logins" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_lockout_is_per_username(client, sam):
    UserFactory(username="alex")
    fail(client, 5)
    response = client.post("/accounts/login/", {"username": "alex", "password": "pass-word-123"})
    assert response.status_code == 302


def test_success_before_the_limit_resets_the_count(client, sam):
    fail(client, 4)
    assert client.post("/accounts/login/", {"username": "sam", "password": "pass-word-123"}).status_code == 302
    client.logout()
    assert fail(client, 4).status_code == 200


def test_token_endpoint_locks_out_too(anon_api, sam):
    for _ in range(5):
        anon_api.post("/api/v1/auth/token/", {"username": "sam", "password": "wrong"})
    response = anon_api.post("/api/v1/auth/token/", {"username": "sam", "password": "pass-word-123"})
    assert response.status_code == 429
    assert response.json()["code"] == "locked_out"
    assert "locked" in response.json()["detail"]


def test_failed_logins_are_recorded(client, sam):
    from axes.models import AccessAttempt

    fail(client, 2)
    attempt = AccessAttempt.objects.get(username="sam")
    assert attempt.failures_since_start == 2


def test_refused_api_actions_are_logged(stranger_api, caplog):
    with caplog.at_level("WARNING", logger="alliance.security"):
        response = stranger_api.post("/api/v1/organisations/", {"name": "X", "kind": "provider"})
    assert response.status_code == 403
    assert any("refused POST /api/v1/organisations/ for stranger" in r.getMessage() for r in caplog.records)
