"""Who may do what: every kind of caller against the API's endpoints and the pages, exact status codes.

The matrix below is the documentation: docs/permissions.md is rendered from it, and this test
fails when the two differ (regenerate with `UPDATE_PERMISSIONS_DOC=1 make test PYTEST_ARGS=-k matrix`).
"""

import os
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from decisions import services
from roles.models import AccessGrant, Role
from tests.decisions.scene import make_scene
from tests.factories import (
    AllianceFactory,
    GoverningBodyFactory,
    OrganisationFactory,
    PersonFactory,
    RoleAssignmentFactory,
    RoleFactory,
    StaffFactory,
    UserFactory,
)

DOC = Path(__file__).resolve().parents[1] / "docs" / "permissions.md"
STANDINGS = ["anonymous", "viewer", "representative", "secretary", "oversight", "staff", "other alliance"]
HEADINGS = {
    "anonymous": "anonymous",
    "viewer": "viewer",
    "representative": "member representative",
    "secretary": "secretary (ALT)",
    "oversight": "oversight",
    "staff": "staff",
    "other alliance": "user of another alliance",
}


def codes(*values):
    return dict(zip(STANDINGS, values, strict=True))


# (what, method, path, payload, expected codes in the order of STANDINGS)
MATRIX = [
    ("List alliances", "GET", "/api/v1/alliances/", None, codes(200, 200, 200, 200, 200, 200, 200)),
    ("Read a membership", "GET", "/api/v1/memberships/{membership}/", None, codes(401, 200, 200, 200, 200, 200, 404)),
    ("Add a membership", "POST", "/api/v1/memberships/", "new_membership", codes(401, 403, 403, 403, 403, 201, 403)),
    ("Role directory", "GET", "/api/v1/directory/?alliance=dunmarrow", None, codes(401, 200, 200, 200, 200, 200, 400)),
    ("Read a PUBLIC decision", "GET", "/api/v1/decisions/{public}/", None, codes(200, 200, 200, 200, 200, 200, 200)),
    ("Read a MEMBERS decision", "GET", "/api/v1/decisions/{members}/", None, codes(404, 200, 200, 200, 200, 200, 404)),
    (
        "Read a CONFIDENTIAL decision", "GET", "/api/v1/decisions/{confidential}/", None,
        codes(404, 404, 200, 200, 200, 200, 404),
    ),
    (
        "History of a MEMBERS decision", "GET", "/api/v1/decisions/{members}/history/", None,
        codes(401, 200, 200, 200, 200, 200, 404),
    ),
    (
        "Edit an open ALT decision", "PATCH", "/api/v1/decisions/{members}/", "edit",
        codes(401, 403, 403, 200, 403, 200, 404),
    ),
    (
        "Cast own organisation's vote", "POST", "/api/v1/decisions/{members}/votes/", "own_vote",
        codes(401, 403, 201, 201, 403, 201, 404),
    ),
    (
        "Cast another organisation's vote", "POST", "/api/v1/decisions/{members}/votes/", "other_vote",
        codes(401, 403, 403, 400, 403, 400, 404),
    ),
    (
        "Close an ALT decision", "POST", "/api/v1/decisions/{members}/close/", {},
        codes(401, 403, 403, 200, 403, 200, 404),
    ),
    ("Close an AMT decision", "POST", "/api/v1/decisions/{amt}/close/", {}, codes(401, 403, 403, 403, 403, 200, 404)),
    ("List votes", "GET", "/api/v1/votes/", None, codes(200, 200, 200, 200, 200, 200, 200)),
    ("List awards", "GET", "/api/v1/awards/", None, codes(200, 200, 200, 200, 200, 200, 200)),
    ("Audit feed", "GET", "/api/v1/audit/", None, codes(401, 200, 200, 200, 200, 200, 200)),
    ("Alliance overview page", "GET", "/alliances/dunmarrow/", None, codes(302, 200, 200, 200, 200, 200, 404)),
    (
        "CONFIDENTIAL decision page", "GET", "/alliances/dunmarrow/decisions/{confidential}/", None,
        codes(302, 404, 200, 200, 200, 200, 404),
    ),
    ("Audit trail page", "GET", "/alliances/dunmarrow/audit/", None, codes(302, 403, 200, 200, 200, 200, 404)),
    ("Oversight dashboard", "GET", "/alliances/dunmarrow/oversight/", None, codes(302, 403, 200, 200, 200, 200, 404)),
    (
        "Schedule a meeting (form)", "GET", "/alliances/dunmarrow/meetings/new/", None,
        codes(302, 403, 403, 200, 403, 200, 404),
    ),
    ("Public forward plan", "GET", "/public/dunmarrow/forward-plan/", None, codes(200, 200, 200, 200, 200, 200, 200)),
    ("Public register page", "GET", "/public/dunmarrow/", None, codes(200, 200, 200, 200, 200, 200, 200)),
    (
        "Public page of a PUBLIC decision", "GET", "/public/dunmarrow/decisions/{public}/", None,
        codes(200, 200, 200, 200, 200, 200, 200),
    ),
    (
        "Public page of a MEMBERS decision", "GET", "/public/dunmarrow/decisions/{members}/", None,
        codes(404, 404, 404, 404, 404, 404, 404),
    ),
    ("Public award processes", "GET", "/public/dunmarrow/awards/", None, codes(200, 200, 200, 200, 200, 200, 200)),
]  # fmt: skip


@pytest.fixture
def world(db):
    scene = make_scene(voting=2)
    alliance = scene.alliance
    alliance.publish_register = True
    alliance.save()
    amt = GoverningBodyFactory(alliance=alliance, code="AMT", name="Alliance Management Team")
    closes = timezone.now() + timedelta(days=30)

    def opened(body, visibility):
        decision = services.draft_decision(
            body=body, title=f"A {visibility.lower()} matter", proposal="That the alliance acts.", kind="KEY",
            visibility=visibility, closes_at=closes,
        )  # fmt: skip
        return services.open_decision(decision=decision)

    ids = {
        "public": opened(scene.body, "PUBLIC").pk,
        "members": opened(scene.body, "MEMBERS").pk,
        "confidential": opened(scene.body, "CONFIDENTIAL").pk,
        "amt": opened(amt, "MEMBERS").pk,
        "membership": scene.members[0].pk,
    }
    users = {"staff": StaffFactory(username="staff-user")}
    users["viewer"] = UserFactory(username="viewer-user")
    AccessGrant.objects.create(user=users["viewer"], alliance=alliance, standing="viewer", starts_on=date(2020, 1, 1))
    users["representative"] = UserFactory(username="rep-user")
    scene.reps[0].user = users["representative"]
    scene.reps[0].save()
    users["secretary"] = UserFactory(username="secretary-user")
    scene.secretary.user = users["secretary"]
    scene.secretary.save()
    users["oversight"] = UserFactory(username="oversight-user")
    RoleAssignmentFactory(
        role=RoleFactory(alliance=alliance, title="Oversight Group member", kind=Role.Kind.OVERSIGHT_MEMBER),
        person=PersonFactory(user=users["oversight"]),
    )
    users["other alliance"] = UserFactory(username="outsider-user")
    AccessGrant.objects.create(
        user=users["other alliance"], alliance=AllianceFactory(), standing="oversight", starts_on=date(2020, 1, 1)
    )
    payloads = {
        "new_membership": {
            "alliance": "dunmarrow", "organisation": OrganisationFactory().pk, "status": "VOTING",
            "joined_on": "2024-01-01",
        },
        "edit": {"rationale": "Because the winter plan needs it."},
        "own_vote": {"membership": scene.members[0].pk, "position": "AGREE", "cast_by": scene.reps[0].pk},
        "other_vote": {"membership": scene.members[1].pk, "position": "AGREE", "cast_by": scene.reps[0].pk},
    }  # fmt: skip
    return ids, users, payloads


def call(client, method, path, payload):
    if method == "GET":
        return client.get(path)
    return getattr(client, method.lower())(path, payload, format="json")


@pytest.mark.parametrize("standing", STANDINGS)
@pytest.mark.parametrize(("what", "method", "path", "payload", "expected"), MATRIX, ids=[row[0] for row in MATRIX])
def test_permission_matrix(world, standing, what, method, path, payload, expected):
    ids, users, payloads = world
    client = APIClient()
    if standing != "anonymous":
        client.force_login(users[standing])
    body = payloads.get(payload, payload) if isinstance(payload, str) else payload
    response = call(client, method, path.format(**ids), body)
    assert response.status_code == expected[standing], getattr(response, "data", response.content[:300])


def render() -> str:
    lines = [
        "# Who may do what",
        "",
        "Generated from `tests/test_permission_matrix.py`, which asserts every cell: the status code each kind",
        "of caller gets. The secretary is the Alliance Leadership Team's (ALT) secretary; the member",
        "representative represents a voting member. 404 means the record is not visible to the caller",
        "(lists never show it either); 403 means visible but not theirs to change; 302 sends an anonymous",
        "visitor to the login page. A 400 for a permitted caller is the domain rule refusing the request",
        "(casting a vote for another organisation needs that organisation's representative).",
        "",
        "| what | request | " + " | ".join(HEADINGS[s] for s in STANDINGS) + " |",
        "| --- | --- | " + " | ".join("---" for _ in STANDINGS) + " |",
    ]
    for what, method, path, _, expected in MATRIX:
        cells = " | ".join(str(expected[s]) for s in STANDINGS)
        lines.append(f"| {what} | `{method} {path}` | {cells} |")
    return "\n".join(lines) + "\n"


def test_permissions_doc_matches_the_matrix():
    if os.environ.get("UPDATE_PERMISSIONS_DOC"):
        DOC.parent.mkdir(exist_ok=True)
        DOC.write_text(render())
    assert DOC.exists(), "docs/permissions.md is missing: run with UPDATE_PERMISSIONS_DOC=1"
    assert DOC.read_text() == render(), "docs/permissions.md is stale: run with UPDATE_PERMISSIONS_DOC=1"
