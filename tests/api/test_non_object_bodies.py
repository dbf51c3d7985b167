"""A JSON body that is not an object answers 400 on every write of the API, never 5xx (issue "trust").

The routes come from the URL resolver (``every_route()``) and their ids from the permission matrix's
scene, so a new write endpoint is covered as soon as the matrix lists it. Each body is sent as raw
JSON: ``[]``, ``"x"``, ``null``, ``1``, ``true``.
"""

import json

import pytest
from django.conf import settings
from django.urls import resolve

from tests import test_permission_matrix as matrix
from tests.permission_scene import STANDINGS
from tests.test_permission_matrix import ROWS, every_route

pytestmark = pytest.mark.django_db

world = matrix.world  # the matrix's scene and signed-in clients, one for the module

WRITES = ("POST", "PUT", "PATCH")
NOT_OBJECTS = {"list": [], "string": "x", "null": None, "number": 1, "boolean": True}
# The one write whose body is a list: every kind of notification with the user's choice for it.
TAKES_A_LIST = {"/api/v1/notification-preferences/"}
# Codes that say the caller may make this request (the body decides the rest): 400 is then expected.
WITH_STANDING = {200, 201, 400, 409}


def write_rows() -> list[tuple[str, str, dict]]:
    """Each write of the API once, with the ids of the matrix's scene and the codes for an empty object."""
    seen = {}
    for method, path, body, expected in ROWS:
        if method in WRITES and path.startswith("/api/") and body == "{}":
            seen.setdefault((method, path), expected)
    return [(method, path, expected) for (method, path), expected in sorted(seen.items())]


WRITE_ROWS = write_rows()


def send(world, standing, method, path, body):
    client = world.clients[standing]
    if world.sessions[standing]:
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[standing].value
    url = path.format(**world.ids)
    return getattr(client, method.lower())(url, data=json.dumps(body), content_type="application/json")


def test_every_write_of_the_api_is_covered(world):
    covered = {(resolve(path.format(**world.ids)).route, method) for method, path, _ in WRITE_ROWS}
    writes = {(route, method) for route, method in every_route() if route.startswith("api/") and method in WRITES}
    assert writes - covered == set()


@pytest.mark.parametrize("shape", NOT_OBJECTS)
@pytest.mark.parametrize("standing", STANDINGS)
@pytest.mark.parametrize(("method", "path", "expected"), WRITE_ROWS, ids=[f"{m} {p}" for m, p, _ in WRITE_ROWS])
def test_a_body_that_is_not_an_object_is_a_400(world, method, path, expected, standing, shape):
    body = NOT_OBJECTS[shape]
    response = send(world, standing, method, path, body)
    code = expected[standing]
    assert response.status_code < 500, response.content[:300]
    if path in TAKES_A_LIST and shape == "list" and code in WITH_STANDING:
        assert response.status_code == 200, response.content[:300]
    elif code in WITH_STANDING:
        assert response.status_code == 400, response.content[:300]
        answer = response.json()
        shape, code = ("list", "body_not_a_list") if path in TAKES_A_LIST else ("object", "body_not_an_object")
        assert answer["code"] == code
        assert answer["detail"].startswith(f"The request body must be a JSON {shape}"), answer
    else:
        # No standing (401, 403, 404, 405): the same answer as for an empty object, or the 400 that
        # the body earns where the standing depends on what it names.
        assert response.status_code in (code, 400), response.content[:300]
