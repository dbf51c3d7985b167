"""The audit feed's lean path (issue 23) answers exactly what the serializer path answers: the same
entries, diffs, names, links and page links, for every caller (who may read which related record
differs), with the same read-log entries; its page (HTML) shows the same rows; and a page costs the
same number of queries with one change on it as with fifty."""

from datetime import UTC, date, datetime
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alliance.models import Alliance, AuditLink, GoverningBody, Membership, Organisation, ReadLogEntry
from decisions.models import Decision
from roles.models import AccessGrant, Role
from tests.factories import (
    AllianceFactory,
    GoverningBodyFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    RoleAssignmentFactory,
    RoleFactory,
    StaffFactory,
    UserFactory,
)
from tests.helpers import token_client
from tests.permission_scene import make_permission_scene
from tests.scenes import make_scene

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")


def read_log_of(user) -> list[tuple]:
    return list(
        ReadLogEntry.objects.filter(user=user)
        .order_by("pk")
        .values_list("alliance_id", "kind", "object_model", "object_id", "description", "rows", "path")
    )


def both_paths(user, slug: str, **params) -> tuple[dict, dict]:
    """The feed page as the lean path and as the serializer path answer it, checking on the way
    that each logged the same read."""
    client = token_client(user)
    query = {"alliance": slug, **params}
    logged = len(read_log_of(user))
    lean = client.get("/api/v1/audit/", query)
    lean_log = read_log_of(user)[logged:]
    with override_settings(API_LEAN_READS=False):
        drf = client.get("/api/v1/audit/", query)
    assert lean.status_code == drf.status_code
    assert read_log_of(user)[logged + len(lean_log) :] == lean_log
    if lean.status_code == 200:
        assert lean["Content-Type"] == drf["Content-Type"] == "application/json"
    return lean.json(), drf.json()


def assert_same_feed(user, slug: str, page_size: int = 200) -> int:
    """Every page of the feed, followed by its cursor, equal on both paths; the number of entries."""
    lean, drf = both_paths(user, slug, page_size=page_size)
    assert lean == drf
    seen = len(lean.get("results", []))
    pages = 1
    while lean.get("next") and pages < 4:
        cursor = parse_qs(urlsplit(lean["next"]).query)["cursor"][0]
        lean, drf = both_paths(user, slug, page_size=page_size, cursor=cursor)
        assert lean == drf
        seen += len(lean["results"])
        pages += 1
    return seen


def representative_of(membership: Membership, username: str):
    user = UserFactory(username=username)
    role = RoleFactory(
        alliance=membership.alliance,
        kind=Role.Kind.MEMBER_REPRESENTATIVE,
        organisation=membership.organisation,
        title=f"Representative ({username}): {membership.organisation.name}",
    )
    RoleAssignmentFactory(role=role, person=PersonFactory(user=user), starts_on=date(2020, 1, 1))
    return user


@pytest.fixture
def permission_scene():
    matrix = make_permission_scene()
    users = dict(matrix.users)
    dunmarrow = Alliance.objects.get(slug="dunmarrow")
    advisory = Membership.objects.get(alliance=dunmarrow, status=Membership.Status.ADVISORY)
    users["advisory"] = representative_of(advisory, "advisory-user")
    # A person in two alliances: Dunmarrow's secretary, and oversight of another with records of its own.
    other = AllianceFactory(slug="kelderby", name="Kelderby Alliance")
    GoverningBodyFactory(alliance=other, code="KLT", name="Kelderby Leadership Team")
    MembershipFactory(alliance=other, organisation=OrganisationFactory(name="Kelderby Housing"))
    users["two alliances"] = UserFactory(username="two-alliances")
    RoleAssignmentFactory(
        role=RoleFactory(alliance=dunmarrow, kind=Role.Kind.SECRETARY, title="Deputy secretary"),
        person=PersonFactory(user=users["two alliances"], name="Ailsa Two-Hats"),
        starts_on=date(2020, 1, 1),
    )
    AccessGrant.objects.create(
        user=users["two alliances"], alliance=other, standing="oversight", starts_on=date(2020, 1, 1)
    )
    return users


def test_lean_feed_equals_the_serializer_feed_for_every_caller_on_the_demo_like_scene(permission_scene):
    shown = {}
    for standing, user in permission_scene.items():
        for slug in ("dunmarrow", "kelderby"):
            shown[(standing, slug)] = assert_same_feed(user, slug)
    # The scene is varied enough to mean something: callers see different trails, some see none.
    assert shown[("staff", "dunmarrow")] > 50
    assert shown[("two alliances", "kelderby")] > 0
    assert shown[("representative", "dunmarrow")] < shown[("oversight", "dunmarrow")]


def test_lean_feed_pages_by_the_cursor_as_the_serializer_does(permission_scene):
    assert assert_same_feed(permission_scene["staff"], "dunmarrow", page_size=7) == 28


def test_the_audit_page_shows_the_rows_the_feed_answers(permission_scene, client):
    """One builder for page and API: the page's rows are the feed's entries, row for row."""
    for standing in ("staff", "secretary", "oversight", "two alliances"):
        user = permission_scene[standing]
        client.force_login(user)
        page = client.get("/alliances/dunmarrow/audit/")
        assert page.status_code == 200
        feed = token_client(user).get("/api/v1/audit/", {"alliance": "dunmarrow", "page_size": 50}).json()
        rows = page.context["entries"]
        assert [r["id"] for r in rows] == [e["id"] for e in feed["results"]]
        for row, entry in zip(rows, feed["results"], strict=True):
            assert (row["summary"], row["by"], row["url"], row["when_local"]) == (
                entry["summary"],
                entry["by"],
                entry["url"],
                entry["when_local"],
            )
            assert [(c["old_text"], c["new_text"], c["new_url"]) for c in row["changes"]] == [
                (c["old_text"], c["new_text"], c["new_url"]) for c in entry["changes"]
            ]


# Generated changes ---------------------------------------------------------------------------------

TEXT = (
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=30)
    .map(str.strip)
    .filter(bool)
)
MOMENTS = st.datetimes(
    min_value=datetime(2020, 1, 1), max_value=datetime(2026, 12, 31), timezones=st.just(LONDON)
)  # BST and GMT alike
CHANGES = st.one_of(
    st.tuples(st.just("body name"), TEXT),
    st.tuples(st.just("body rule"), st.sampled_from(GoverningBody.DecisionRule.values)),
    # a quorum is a count or a fraction in (0, 1], never both (a check constraint): None stands for a count
    st.tuples(st.just("body quorum"), st.none() | st.decimals(min_value="0.001", max_value=1, places=3)),
    st.tuples(st.just("body reports to"), st.booleans()),
    st.tuples(st.just("membership status"), st.sampled_from(Membership.Status.values)),
    st.tuples(st.just("membership capacities"), st.lists(st.sampled_from(Membership.Capacity.values), unique=True)),
    st.tuples(st.just("membership left"), st.none() | st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 1, 1))),
    st.tuples(st.just("decision closes"), st.none() | MOMENTS),
    st.tuples(st.just("decision title"), TEXT),
    st.tuples(st.just("decision visibility"), st.sampled_from(Decision.Visibility.values)),
    st.tuples(st.just("new body"), TEXT),
    st.tuples(st.just("delete body"), st.just(None)),
    st.tuples(st.just("new organisation"), TEXT),
)


def apply(change: tuple, scene) -> None:
    kind, value = change
    body, membership = scene.body, scene.members[0]
    decision = Decision.objects.filter(alliance=scene.alliance).order_by("pk").first()
    if kind == "body name":
        body.name = value[:100]
    elif kind == "body rule":
        body.decision_rule = value
    elif kind == "body quorum":
        body.quorum_count, body.quorum_fraction = (3, None) if value is None else (None, value)
    elif kind == "body reports to":
        other = GoverningBody.objects.filter(alliance=scene.alliance).exclude(pk=body.pk).order_by("pk").first()
        body.reports_to = other if value and other else None
    elif kind.startswith("membership"):
        field = {"status": "status", "capacities": "capacities", "left": "left_on"}[kind.split()[1]]
        if field == "left_on" and value is not None and membership.joined_on and value < membership.joined_on:
            value = membership.joined_on  # a member cannot leave before it joined (a check constraint)
        setattr(membership, field, value)
        membership.save()
        return
    elif kind.startswith("decision"):
        field = {"closes": "closes_at", "title": "title", "visibility": "visibility"}[kind.split()[1]]
        setattr(decision, field, value[:200] if field == "title" else value)
        decision.save()
        return
    elif kind == "new body":
        GoverningBodyFactory(alliance=scene.alliance, name=value[:100], code=f"N{GoverningBody.objects.count()}")
        return
    elif kind == "delete body":
        spare = GoverningBody.objects.filter(alliance=scene.alliance, code__startswith="N", reporting=None).last()
        if spare is not None:
            spare.delete()
        return
    elif kind == "new organisation":
        organisation = OrganisationFactory(name=value[:100])
        MembershipFactory(alliance=scene.alliance, organisation=organisation, status=Membership.Status.ADVISORY)
        return
    body.save()


@pytest.fixture
def generated_scene():
    scene = make_scene()
    scene.open(title="Adopt the outreach redesign", closes_at=datetime(2021, 3, 28, 0, 30, tzinfo=UTC))
    callers = {"staff": StaffFactory(username="gen-staff")}
    callers["member"] = representative_of(scene.members[0], "gen-member")
    callers["advisory"] = representative_of(scene.advisory, "gen-advisory")
    callers["secretary"] = UserFactory(username="gen-secretary")
    scene.secretary.user = callers["secretary"]
    scene.secretary.save()
    callers["oversight"] = UserFactory(username="gen-oversight")
    AccessGrant.objects.create(
        user=callers["oversight"], alliance=scene.alliance, standing="oversight", starts_on=date(2020, 1, 1)
    )
    return scene, callers


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(changes=st.lists(CHANGES, min_size=1, max_size=8))
def test_lean_feed_equals_the_serializer_feed_over_generated_changes(generated_scene, changes):
    scene, callers = generated_scene
    # Each example starts from the same scene: its changes are rolled back after it, so a replay of a
    # failing example sees what the first run saw.
    with transaction.atomic():
        for record in (scene.body, scene.members[0]):
            record.refresh_from_db()
        for change in changes:
            apply(change, scene)
        for user in callers.values():
            lean, drf = both_paths(user, "dunmarrow", page_size=30)
            assert lean == drf
        transaction.set_rollback(True)


def test_generated_kinds_of_value_reach_the_feed(generated_scene):
    """The generated changes make the kinds of value the equality is about: a decimal, a list of
    choices, a moment in summer time, a relation, a deletion."""
    scene, callers = generated_scene
    for change in [
        ("body quorum", Decimal("0.667")),
        ("membership capacities", ["network_support"] if "network_support" in Membership.Capacity.values else []),
        ("decision closes", datetime(2024, 7, 1, 12, 0, tzinfo=LONDON)),
        ("new body", "Bwrdd Cymraeg — ŵ"),
        ("new body", "Spare body"),
        ("body reports to", True),
        ("delete body", None),
    ]:
        apply(change, scene)
    lean, drf = both_paths(callers["staff"], "dunmarrow", page_size=50)
    assert lean == drf
    changes = [c for e in lean["results"] for c in e["changes"]]
    assert "0.667" in {c["new"] for c in changes if c["field"] == "quorum_fraction"}
    # noon in summer time, written as stored (UTC), as the serializer writes a diff's value
    assert "2024-07-01T11:00:00+00:00" in {c["new"] for c in changes if c["field"] == "closes_at"}
    assert any(c["new_url"] for c in changes if c["field"] == "reports_to")
    assert "deleted" in {e["change_type"] for e in lean["results"]}
    assert lean["results"][0]["when"].endswith("Z") or "+" in lean["results"][0]["when"]


# Queries per page --------------------------------------------------------------------------------


@pytest.mark.parametrize("changes", [1, 50])
def test_a_feed_page_costs_the_same_queries_with_one_change_or_fifty(changes, django_assert_max_num_queries, client):
    alliance = AllianceFactory(slug="dunmarrow")
    staff = StaffFactory(username="count-staff")
    body = GoverningBodyFactory(alliance=alliance, code="ALT")
    AuditLink.objects.filter(chain=f"alliance:{alliance.pk}").count()
    for i in range(changes - 1):
        if i % 3 == 0:
            body.name = f"Leadership Team {i}"
            body.save()
        elif i % 3 == 1:
            MembershipFactory(alliance=alliance, organisation=OrganisationFactory(name=f"Member {i}"))
        else:
            Organisation.objects.filter(name=f"Member {i - 1}").update(name=f"Member {i - 1} Ltd")
            body.quorum_fraction = Decimal("0.5") if i % 2 else None
            body.save()
    api = token_client(staff)
    with django_assert_max_num_queries(19):
        response = api.get("/api/v1/audit/", {"alliance": "dunmarrow", "page_size": 50})
    assert response.status_code == 200
    assert len(response.json()["results"]) >= min(changes, 50) - 1
    client.force_login(staff)
    with django_assert_max_num_queries(24):
        page = client.get("/alliances/dunmarrow/audit/")
    assert page.status_code == 200 and len(page.context["entries"]) >= min(changes, 50) - 1


def test_records_named_from_the_relations_they_declare_read_nothing_more(permission_scene, django_assert_num_queries):
    """``readable.NAME_READS`` loads a record with only the relations its name and page read: a
    ``__str__`` that starts reading another would cost a query per row, and fails here first."""
    from django.apps import apps

    from alliance import history
    from alliance.readable import NAME_READS, describe, url_of

    for label in NAME_READS:
        model = apps.get_model(label)
        ids = list(model._default_manager.order_by("pk").values_list("pk", flat=True)[:10])
        assert ids, f"the scene has no {label} to name"
        objects = history._current_objects(model, ids)
        history.load_for_urls(objects.values())
        with django_assert_num_queries(0):
            for obj in objects.values():
                name = history._name(obj)
                assert name and describe(obj, name)
                url_of(obj)
