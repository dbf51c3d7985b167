"""The lean read paths of roles (api/lean_roles.py) answer as the serializers do, for the same rows.

Through the real endpoints: the directory on a date and a role's timeline (the role assignments list), each
read by both paths (``API_LEAN_READS`` off gives the serializer's) for every standing, over generated roles
with open and closed assignments, every end reason, unicode notes and dates on the edges of ``on``.
"""

import itertools
from datetime import date, timedelta

import pytest
from django.test import override_settings
from hypothesis import given
from hypothesis import strategies as st

from roles.models import Role, RoleAssignment
from tests.api.lean_support import GENERATED, assert_same, callers
from tests.factories import AllianceFactory, PersonFactory, RoleAssignmentFactory, RoleFactory
from tests.scenes import make_scene

pytestmark = pytest.mark.django_db

BASE = date(2021, 6, 30)
TITLES = itertools.count()  # a role's title is unique in its alliance, across the examples too
END_REASONS = [""] + [value for value, _ in RoleAssignment.EndReason.choices]
text = st.text(st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), max_size=40)

assignment = st.tuples(
    st.integers(-400, 400),  # starts, days from BASE
    st.one_of(st.none(), st.integers(0, 500)),  # held for: open, or this many days more
    st.sampled_from(END_REASONS),
    text,
    text,  # the person's name
)
roles = st.lists(
    st.tuples(
        st.sampled_from([k for k, _ in Role.Kind.choices]),
        text,  # description
        st.booleans(),  # a body?
        st.lists(assignment, max_size=4),
    ),
    max_size=5,
)


@pytest.fixture
def world():
    scene = make_scene()
    return scene, callers(scene)


def _build(alliance, body, spec, organisation):
    made, starts = [], []
    for kind, description, on_body, assignments in spec:
        role = RoleFactory(
            alliance=alliance,
            title=f"Role {next(TITLES)} ✓",
            kind=kind,
            description=description,
            body=body if on_body else None,
            # A representative's role names the organisation represented (a check constraint).
            organisation=organisation if "representative" in kind else None,
            single_holder=False,
        )
        made.append(role)
        for start, length, reason, notes, name in assignments:
            starts_on = BASE + timedelta(days=start)
            ends_on = None if length is None else starts_on + timedelta(days=length)
            RoleAssignmentFactory(
                role=role,
                person=PersonFactory(name=name.strip() or "Ann Ó Briain"),
                starts_on=starts_on,
                ends_on=ends_on,
                end_reason=reason if ends_on else "",
                notes=notes,
            )
            starts.append(starts_on)
            if ends_on:
                starts += [ends_on, ends_on + timedelta(days=1)]
    return made, starts


CALLERS = ["member", "advisory", "secretary", "oversight", "staff", "two alliances"]


@GENERATED
@given(spec=roles, edge=st.integers(0, 20), caller=st.sampled_from(CALLERS))
def test_directory_and_timelines_equal_the_serializers(world, spec, edge, caller):
    scene, clients = world
    organisation = scene.members[0].organisation
    alliance = AllianceFactory()
    made, dates = _build(alliance, None, spec, organisation)
    # The scene's own alliance too, so every standing reads roles it may read.
    scene_made, scene_dates = _build(scene.alliance, scene.body, spec[:2], organisation)
    dates = dates + scene_dates + [BASE]
    on = dates[edge % len(dates)]  # an edge of some assignment: its first day, its last, the day after
    for client in (clients[caller],):
        for slug in (alliance.slug, scene.alliance.slug):
            assert_same(client, f"/api/v1/directory/?alliance={slug}&on={on:%Y-%m-%d}")
        for role in made[:2] + scene_made[:2]:
            assert_same(client, f"/api/v1/role-assignments/?role={role.pk}")
        assert_same(client, f"/api/v1/role-assignments/?alliance={scene.alliance.slug}&on={on:%Y-%m-%d}")


def test_every_standing_reads_the_scene_alike(world):
    scene, clients = world
    scene.deputy(0, "Siân Deputy")
    for name, client in clients.items():
        directory = assert_same(client, f"/api/v1/directory/?alliance=dunmarrow&on={BASE:%Y-%m-%d}")
        assert directory["roles"], name  # each standing reads the directory: the equality is not of two refusals
        assert_same(client, "/api/v1/directory/?alliance=dunmarrow")  # today
        page = assert_same(client, "/api/v1/role-assignments/?alliance=dunmarrow&ordering=-person__name")
        assert page["count"] >= 4, name
        assert_same(client, "/api/v1/role-assignments/?alliance=dunmarrow&page_size=2&page=2")
        assert_same(client, "/api/v1/directory/?alliance=nowhere")  # refused alike
        assert_same(client, "/api/v1/directory/?alliance=dunmarrow&on=30-06-2021")


def test_the_browsable_api_and_lean_reads_off_keep_the_serializer_path(world):
    scene, clients = world
    client = clients["staff"]
    html = client.get("/api/v1/directory/?alliance=dunmarrow", HTTP_ACCEPT="text/html")
    assert html.status_code == 200 and b"<html" in html.content.lower()
    with override_settings(API_LEAN_READS=False):
        assert client.get("/api/v1/role-assignments/?alliance=dunmarrow").json()["count"] >= 4


# A token's GET: the token and its user, the caller's standing (grants, roles held), then the page: its count
# and its rows (the directory: the alliance, its roles, their holders). The same bound for 1 row and for 50.
QUERIES = 12


def _assignments(role, n):
    for i in range(n):
        RoleAssignmentFactory(
            role=role, starts_on=BASE + timedelta(days=2 * i), ends_on=BASE + timedelta(days=2 * i + 1)
        )


@pytest.mark.parametrize("n", [1, 50])
def test_a_timeline_page_reads_in_fixed_queries(world, django_assert_max_num_queries, n):
    scene, clients = world
    role = RoleFactory(alliance=scene.alliance, single_holder=False)
    _assignments(role, n)
    client = clients["member"]
    client.get("/api/v1/role-assignments/?role=0")  # the session and the token are read once
    with django_assert_max_num_queries(QUERIES):
        assert len(client.get(f"/api/v1/role-assignments/?role={role.pk}").json()["results"]) == n


@pytest.mark.parametrize("n", [1, 50])
def test_the_directory_reads_in_fixed_queries(world, django_assert_max_num_queries, n):
    scene, clients = world
    alliance = AllianceFactory(slug="many")
    for _ in range(n):
        role = RoleFactory(alliance=alliance, single_holder=False)
        _assignments(role, 2)
    client = clients["staff"]
    with django_assert_max_num_queries(QUERIES):
        assert len(client.get(f"/api/v1/directory/?alliance=many&on={BASE:%Y-%m-%d}").json()["roles"]) == n
