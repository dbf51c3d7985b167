"""Fuzz the API from its own OpenAPI schema: no input, however malformed, may cause a 5xx,
and every answer conforms to the schema (status code, content type and body).

Schemathesis generates requests for every operation of the schema, positive and negative, and sends
them through Django's WSGI application in the test's own transaction, as each of the seven standings
of the permission matrix, with path ids bound to real records of its scene. The number of examples
per operation, mode and standing is bounded (FUZZ_EXAMPLES, default 1) so the run stays fast.
"""

import contextlib
import functools
import os
import re

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from alliance.wsgi import application
from tests.permission_scene import STANDINGS, make_permission_scene

pytestmark = pytest.mark.fuzz

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "1"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
# The record each collection's {pk} names in the scene.
IDS = {
    "organisations": "organisation", "memberships": "membership", "bodies": "body", "people": "person",
    "roles": "role", "role-assignments": "assignment", "delegations": "delegation", "interests": "interest",
    "meetings": "meeting", "action-items": "action", "decisions": "members", "votes": "vote",
    "award-policies": "policy", "awards": "award", "contracts": "contract", "notifications": "notification",
    "oversight-notes": "note", "forward-plan": "entry", "seats": "seat", "documents": "paper",
    "agenda-items": "agenda_item", "governing-documents": "govdoc", "workstreams": "workstream",
    "milestones": "milestone", "measures": "measure", "measure-returns": "measure_return",
    "service-lines": "service_line", "budget-envelopes": "envelope", "savings": "saving", "oversight-queries": "oquery",
    "audit": "verification",  # audit/verifications/{id}/
    "imports": "import_run",
}  # fmt: skip
# Operations whose answers do not conform yet and are fixed elsewhere: (method, path) -> reason.
KNOWN_WRONG = {}


@functools.cache
def api_schema():
    return schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)


def operations():
    """Every operation of the schema, read from drf-spectacular at collection (no request, no database)."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    for path, methods in sorted(schema["paths"].items()):
        for method in sorted(methods):
            yield method.upper(), path


def path_parameters(path: str, ids: dict) -> dict:
    collection = re.match(r"/api/v1/([^/]+)/", path)
    values = {}
    for name in re.findall(r"\{(\w+)\}", path):
        if name == "slug":
            values[name] = ids["slug"]
        elif name == "advice_id":
            values[name] = ids["advice"]
        elif name == "recusal_id":
            values[name] = ids["recusal"]
            values["id"] = ids["public"]
        elif name == "request_id":
            values[name] = ids["advice_request"]
            values["id"] = ids["members"]
        elif name == "release_id":
            values[name] = ids["release"]
            values["id"] = ids["members"]
        elif name == "number":  # a paper's version, by its number
            values[name] = 1
        elif name == "id" and "id" not in values:
            values[name] = ids[IDS[collection.group(1)]] if collection.group(1) != "alliances" else ids["slug"]
    return values


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        scene = make_permission_scene()
        headers = {"anonymous": {}}
        for standing in STANDINGS[1:]:
            headers[standing] = {"Authorization": f"Token {Token.objects.create(user=scene.users[standing]).key}"}
        yield scene.ids, headers
        transaction.set_rollback(True)


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


def fuzz(operation, mode, parameters, headers):
    @given(case=operation.as_strategy(generation_mode=mode, path_parameters=parameters))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        # Each request in a savepoint rolled back, so a generated write never changes the next one's scene.
        with transaction.atomic():
            response = case.call(headers=headers)
            transaction.set_rollback(True)
        case.validate_response(response, checks=CHECKS)

    # Unsatisfiable: nothing invalid can be made for this operation in this mode (a GET whose only
    # parameters are the path ids the scene fixes), so there is nothing to send.
    with contextlib.suppress(Unsatisfiable):
        run()


def cases():
    for method, path in operations():
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            reason = KNOWN_WRONG.get((method, path))
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
            yield pytest.param(method, path, mode, id=f"{method} {path} {mode.value}", marks=marks)


@pytest.mark.parametrize(("method", "path", "mode"), list(cases()))
def test_api_answers_generated_input_as_its_schema_says(world, db, method, path, mode):
    ids, headers = world
    operation = api_schema()[path][method]
    parameters = {k: v for k, v in path_parameters(path, ids).items() if f"{{{k}}}" in path}
    for standing in STANDINGS:
        fuzz(operation, mode, parameters, headers[standing])
