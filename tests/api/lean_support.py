"""What the lean-path equality tests share (issue 23): the callers of every standing, and one GET answered
by both paths (lean, and the serializer's with ``API_LEAN_READS=False``) with the read-log entries each wrote."""

from __future__ import annotations

from datetime import date

from django.test import override_settings
from hypothesis import HealthCheck, settings

from alliance.models import ReadLogEntry
from roles.models import AccessGrant, Role
from tests import factories as made
from tests.helpers import token_client

GENERATED = settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

LOG_FIELDS = (
    "alliance_id",
    "user_id",
    "username",
    "person_name",
    "kind",
    "object_model",
    "object_id",
    "description",
    "rows",
    "path",
)


def _user_holding(alliance, kind, name, **role):
    user = made.UserFactory(username=name)
    made.RoleAssignmentFactory(
        role=made.RoleFactory(alliance=alliance, title=f"{name} role", kind=kind, **role),
        person=made.PersonFactory(user=user, name=f"Person of {name}"),
        starts_on=date(2000, 1, 1),
    )
    return user


def callers(scene) -> dict:
    """A login per standing in ``scene.alliance``: a voting member's representative, an advisory member's, the
    secretary, an oversight member, staff, and a person holding roles in two alliances (a member here)."""
    alliance = scene.alliance
    users = {"staff": made.StaffFactory(username="lean-staff")}
    users["member"] = scene.reps[0].user or made.UserFactory(username="lean-member")
    scene.reps[0].user = users["member"]
    scene.reps[0].save()
    users["secretary"] = made.UserFactory(username="lean-secretary")
    scene.secretary.user = users["secretary"]
    scene.secretary.save()
    users["advisory"] = _user_holding(
        alliance, Role.Kind.MEMBER_REPRESENTATIVE, "lean-advisory", organisation=scene.advisory.organisation
    )
    users["oversight"] = _user_holding(alliance, Role.Kind.OVERSIGHT_MEMBER, "lean-oversight")
    two = _user_holding(made.AllianceFactory(slug="elsewhere"), Role.Kind.DIRECTOR, "lean-two-alliances")
    AccessGrant.objects.create(user=two, alliance=alliance, standing="viewer", starts_on=date(2000, 1, 1))
    users["two alliances"] = two
    return {name: token_client(user) for name, user in users.items()}


def _entries(since: int) -> list[tuple]:
    return [
        tuple(getattr(e, f, None) for f in LOG_FIELDS) for e in ReadLogEntry.objects.filter(pk__gt=since).order_by("pk")
    ]


def both(client, url: str):
    """``(lean, serializer)``: each ``(status, body, read-log entries written)``; the body parsed as JSON when JSON,
    else the bytes (a calendar's DTSTAMP line, the moment of the GET, taken out)."""
    out = []
    for lean in (True, False):
        last = ReadLogEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        with override_settings(API_LEAN_READS=lean):
            response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        if response.get("Content-Type", "").startswith("application/json"):
            body = response.json()
        else:
            body = b"\n".join(line for line in body.split(b"\n") if not line.startswith(b"DTSTAMP:"))
        out.append((response.status_code, body, _entries(last)))
    return out[0], out[1]


def assert_same(client, url: str):
    """The lean answer equals the serializer's, and both logged the same reads; returns the (lean) body."""
    lean, serializer = both(client, url)
    assert lean[0] == serializer[0], (url, lean[0], serializer[0])
    assert lean[1] == serializer[1], url
    assert lean[2] == serializer[2], url
    return lean[1]
