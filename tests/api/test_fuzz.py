"""Fuzz the API from its own OpenAPI schema (issue 7 §5): no input, however malformed, may cause a 5xx.

Schemathesis generates requests for a handful of endpoints' GET and POST operations, positive
and negative, and sends them through Django's WSGI application in the test's own transaction,
as staff, as a viewer and anonymously. The number of examples is bounded so the run stays fast.
"""

import functools

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error

from alliance.wsgi import application
from decisions.models import Decision
from tests.decisions.scene import make_scene
from tests.factories import AwardPolicyFactory, AwardProcessFactory

pytestmark = pytest.mark.django_db

OPERATIONS = [
    ("/api/v1/decisions/", "GET"),
    ("/api/v1/decisions/", "POST"),
    ("/api/v1/decisions/{id}/votes/", "POST"),
    ("/api/v1/memberships/", "GET"),
    ("/api/v1/memberships/", "POST"),
    ("/api/v1/awards/", "GET"),
    ("/api/v1/awards/", "POST"),
]
EXAMPLES = 5


@pytest.fixture
def world(user, staff):
    scene = make_scene(voting=2)
    scene.alliance.publish_register = True
    scene.alliance.save()
    scene.open(visibility="PUBLIC")
    AwardProcessFactory(policy=AwardPolicyFactory(alliance=scene.alliance), visibility=Decision.Visibility.PUBLIC)
    return {
        "staff": {"Authorization": f"Token {Token.objects.create(user=staff).key}"},
        "viewer": {"Authorization": f"Token {Token.objects.create(user=user).key}"},
        "anonymous": {},
    }


@functools.cache
def api_schema():
    return schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)


@pytest.fixture(autouse=True)
def connection_kept_open():
    """Keep the test's connection across WSGI calls, as Django's own test client does.

    The WSGI handler closes "old" connections when a request starts and finishes; inside the test's
    transaction that closes the PostgreSQL connection under the test (SQLite's in-memory database
    ignores it), and every later query fails with "the connection is closed".
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def fuzz(operation, headers):
    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        response = case.call(headers=headers)
        case.validate_response(response, checks=[not_a_server_error])

    run()


@pytest.mark.parametrize("standing", ["staff", "viewer", "anonymous"])
@pytest.mark.parametrize(("path", "method"), OPERATIONS)
def test_api_answers_generated_input_without_a_server_error(world, standing, path, method):
    fuzz(api_schema()[path][method], world[standing])
