"""The list pages that read their rows as values (issue 23): the public register, its award list and the
decision log show, row by row and field by field, what the model instances say of the same records, for
generated data; they log confidential reads as the instance path did; their queries do not grow with a page;
and the templates are cached outside DEBUG.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.db import transaction
from django.template import engines
from django.test import RequestFactory
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from alliance import read_log
from alliance.choices import DecisionKind
from alliance.formatting import day, money
from alliance.models import Alliance, ReadLogEntry
from contracts.models import AwardProcess
from decisions import queries
from decisions.filtersets import DecisionLogFilter
from decisions.models import Decision
from decisions.public import public_decisions
from roles.access import public_access, request_access
from tests.factories import (
    AwardPolicyFactory,
    AwardProcessFactory,
    DecisionFactory,
    GoverningBodyFactory,
    StaffFactory,
    UserFactory,
)
from tests.helpers import viewer_of
from tests.scenes import make_scene

pytestmark = pytest.mark.django_db

EXAMPLES = settings(
    max_examples=8,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


class Rows(HTMLParser):
    """The body rows of a page's first table: each a list of cells, each ``(text, [hrefs])``."""

    def __init__(self):
        super().__init__()
        self.rows, self.depth, self.cell, self.in_body, self.tables = [], 0, None, False, 0

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables += 1
        elif tag == "tbody" and self.tables == 1:
            self.in_body = True
        elif tag == "tr" and self.in_body:
            self.rows.append([])
        elif tag in ("td", "th") and self.in_body:
            self.cell = ["", []]
        elif tag == "a" and self.cell is not None:
            self.cell[1].append(dict(attrs).get("href"))

    def handle_endtag(self, tag):
        if tag == "tbody":
            self.in_body = False
        elif tag in ("td", "th") and self.cell is not None:
            self.rows[-1].append((" ".join(self.cell[0].split()), self.cell[1]))
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell[0] += data


def page_rows(response) -> list[list[tuple[str, list]]]:
    assert response.status_code == 200, response.content[:500]
    parser = Rows()
    parser.feed(response.content.decode())
    return parser.rows


def words(*parts) -> str:
    return " ".join(" ".join(str(p) for p in parts if p not in (None, "")).split())


# Generated decisions: every status, kind and visibility, dates across BST and GMT, unicode, links.

TITLES = st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1, max_size=24)
MOMENTS = st.sampled_from(
    [
        None,
        datetime(2021, 6, 30, 23, 30, tzinfo=UTC),
        datetime(2021, 12, 31, 23, 30, tzinfo=UTC),
        datetime(2020, 3, 29, 0, 30, tzinfo=UTC),
    ]
)
DECISION = st.fixed_dictionaries(
    {
        "title": TITLES,
        "reference": st.sampled_from(["", "ALT-2021-{}", "ALT/2021 «Ω» {}"]),
        "status": st.sampled_from(Decision.Status.values),
        "kind": st.sampled_from(DecisionKind.values),
        "visibility": st.sampled_from(Decision.Visibility.values),
        "decided_on": st.sampled_from([None, date(2021, 3, 28), date(2020, 10, 25), date(2024, 2, 29)]),
        "opened_at": MOMENTS,
        "closes_at": MOMENTS,
        "value": st.sampled_from([None, Decimal("0.00"), Decimal("1234567.89"), Decimal("0.01")]),
        "tags": st.lists(st.sampled_from(["winter", "outreach", "café", "a&b"]), max_size=2, unique=True),
        "second_body": st.booleans(),
        "approval": st.booleans(),
        "links": st.sampled_from([None, "amends", "supersedes"]),
    }
)


def make_decisions(scene, specs, other_body, outside_body) -> list[Decision]:
    made = []
    for n, spec in enumerate(specs):
        spec = {**spec, "reference": spec["reference"].format(n + 1)}
        link = spec.pop("links")
        body = other_body if spec.pop("second_body") else scene.body
        approval = spec.pop("approval")
        fields = {**spec, "approval_from": outside_body if approval else None}
        if link and made:
            fields[link] = made[-1]
        made.append(DecisionFactory(body=body, **fields))
    return made


@pytest.fixture
def world(db):
    scene = make_scene(voting=2)
    Alliance.objects.filter(pk=scene.alliance.pk).update(publish_register=True)
    other = GoverningBodyFactory(alliance=scene.alliance, code="OG", name="Oversight «Group»")
    outside = GoverningBodyFactory(alliance=scene.alliance, code="CAB", name="Cabinet & Council")
    return scene, other, outside


# The public register


def expected_register(alliance) -> list[list]:
    decisions = queries.with_public_release(
        public_decisions(alliance).select_related("body"), now=datetime.now(UTC)
    ).order_by("-decided_on", "-opened_at", "-pk")
    nulls_first = sorted(decisions, key=lambda d: d.decided_on is not None)  # stable: NULL dates first
    return [
        [
            (d.reference, [f"/public/{alliance.slug}/decisions/{d.pk}/"]),
            (words(d.title, d.get_kind_display()), []),
            (d.body.code, []),
            (
                words(
                    day(d.decided_on) if d.decided_on else f"opened {day(d.opened_at)}" if d.opened_at else "",
                    f"Released on {day(d.released_on)}" if d.released_on else "",
                ),
                [],
            ),
            (d.get_status_display(), []),
        ]
        for d in nulls_first[:50]
    ]


@given(specs=st.lists(DECISION, min_size=1, max_size=6))
@EXAMPLES
def test_register_rows_show_what_the_decisions_say(client, world, specs):
    scene, other, outside = world
    with transaction.atomic():
        make_decisions(scene, specs, other, outside)
        shown = page_rows(client.get(f"/public/{scene.alliance.slug}/"))
        assert shown == expected_register(scene.alliance)
        transaction.set_rollback(True)


def test_register_queries_do_not_grow_with_the_page(client, world, django_assert_max_num_queries):
    scene, other, outside = world
    DecisionFactory(body=scene.body, visibility="PUBLIC", status="AGREED", decided_on=date(2021, 5, 1))
    with django_assert_max_num_queries(8):
        assert len(page_rows(client.get("/public/dunmarrow/"))) == 1
    for n in range(60):
        DecisionFactory(
            body=other if n % 2 else scene.body, visibility="PUBLIC", status="AGREED", decided_on=date(2021, 5, 1)
        )
    with django_assert_max_num_queries(8):
        assert len(page_rows(client.get("/public/dunmarrow/"))) == 50


# The award processes


AWARD = st.fixed_dictionaries(
    {
        "title": TITLES,
        "stage": st.sampled_from(AwardProcess.Stage.values),
        "route": st.sampled_from(AwardProcess._meta.get_field("route").choices).map(lambda c: c[0]),
        "service_category": st.sampled_from(AwardProcess._meta.get_field("service_category").choices).map(
            lambda c: c[0]
        ),
        "visibility": st.sampled_from(Decision.Visibility.values),
        "estimated_total_value": st.sampled_from([Decimal("0.00"), Decimal("1200000.50"), Decimal("99.99")]),
        "estimated_annual_value": st.sampled_from([Decimal("0.00"), Decimal("400000.00")]),
    }
)


@given(specs=st.lists(AWARD, min_size=1, max_size=5))
@EXAMPLES
def test_award_rows_show_what_the_processes_say(client, world, specs):
    scene, _, _ = world
    with transaction.atomic():
        policy = AwardPolicyFactory(alliance=scene.alliance)
        for spec in specs:
            AwardProcessFactory(policy=policy, **spec)
        expected = [
            [
                (p.reference, []),
                (words(p.title, p.get_service_category_display()), []),
                (p.get_route_display(), []),
                (p.get_stage_display(), []),
                (f"{money(p.estimated_total_value)}{money(p.estimated_annual_value)} a year", []),
                (f"OCDS release of {p.reference}", [f"/api/v1/awards/{p.pk}/ocds/"]),
            ]
            for p in AwardProcess.objects.filter(alliance=scene.alliance)
            .restrict(public_access(None))
            .order_by("-started_on", "-pk")
        ]
        assert page_rows(client.get("/public/dunmarrow/awards/")) == expected
        transaction.set_rollback(True)


def test_award_queries_do_not_grow_with_the_page(client, world, django_assert_max_num_queries):
    scene, _, _ = world
    policy = AwardPolicyFactory(alliance=scene.alliance)
    AwardProcessFactory(policy=policy, stage="EVALUATION")
    with django_assert_max_num_queries(6):
        assert len(page_rows(client.get("/public/dunmarrow/awards/"))) == 1
    for _ in range(60):
        AwardProcessFactory(policy=policy, stage="EVALUATION")
    with django_assert_max_num_queries(6):
        assert len(page_rows(client.get("/public/dunmarrow/awards/"))) == 50


# The decision log, as several callers


def callers(scene) -> dict:
    scene.secretary.user = UserFactory(username="secretary")
    scene.secretary.save()
    scene.reps[0].user = UserFactory(username="member")
    scene.reps[0].save()
    return {
        "staff": StaffFactory(username="staff"),
        "secretary": scene.secretary.user,
        "member": scene.reps[0].user,
        "viewer": viewer_of(scene.alliance),
    }


def expected_log(request, alliance) -> list[list]:
    access = request_access(request)
    qs = queries.decision_log(alliance, access=access).restrict(access)
    decisions = list(DecisionLogFilter(None, qs, request=request, alliance=alliance).qs[:25])
    url = f"/alliances/{alliance.slug}/decisions/"
    out = []
    for d in decisions:
        marks = [f"Under delegation, by {d.decided_by.name}" if d.taken_under_id else ""]
        marks += ["Written procedure" if not d.taken_under_id and not d.meeting_id else ""]
        marks += [f"Superseded by {x.reference or x.title}" for x in d.superseded_by_visible]
        marks += [f"Amended by {x.reference or x.title}" for x in d.amended_by_visible]
        out.append(
            [
                (d.reference or "Draft", [f"{url}{d.pk}/"]),
                (words(d.title, *d.tags, *marks), [f"{url}{d.pk}/", *[f"?tag={t}" for t in d.tags]]),
                (d.body.code, []),
                (d.get_kind_display(), []),
                (words(d.status_text, d.get_visibility_display() if d.visibility != "MEMBERS" else ""), []),
                (day(d.decided_on, missing="—"), []),
                (money(d.value) if d.value is not None else "—", []),
            ]
        )
    return out


def _quoted(rows):
    """Tag links as the page writes them (``urlencode``'d), for comparison."""
    from urllib.parse import quote

    return [
        [
            (text, [re.sub(r"^\?tag=(.*)$", lambda m: "?tag=" + quote(m.group(1), safe="/"), h) for h in hrefs])
            for text, hrefs in row
        ]
        for row in rows
    ]


@given(
    specs=st.lists(DECISION, min_size=1, max_size=6), who=st.sampled_from(["staff", "secretary", "member", "viewer"])
)
@EXAMPLES
def test_log_rows_show_what_the_decisions_say(client, world, specs, who):
    scene, other, outside = world
    with transaction.atomic():
        user = callers(scene)[who]
        make_decisions(scene, specs, other, outside)
        client.force_login(user)
        request = RequestFactory().get("/")
        request.user = user
        assert page_rows(client.get("/alliances/dunmarrow/decisions/")) == _quoted(
            expected_log(request, scene.alliance)
        )
        transaction.set_rollback(True)


@pytest.mark.parametrize("confidential", [0, 1, 3])
def test_log_writes_the_read_log_as_the_instances_did(client, world, confidential):
    scene, _, _ = world
    staff = StaffFactory(username="staff")
    for n in range(4):
        DecisionFactory(body=scene.body, visibility="CONFIDENTIAL" if n < confidential else "MEMBERS")
    client.force_login(staff)
    assert client.get("/alliances/dunmarrow/decisions/").status_code == 200
    fields = ("kind", "object_model", "object_id", "description", "rows", "alliance_id")
    logged = list(ReadLogEntry.objects.order_by("pk").values(*fields))
    last = ReadLogEntry.objects.order_by("pk").values_list("pk", flat=True).last() or 0
    request = RequestFactory().get("/alliances/dunmarrow/decisions/")
    request.user = staff
    access = request_access(request)
    instances = list(
        DecisionLogFilter(
            None,
            queries.decision_log(scene.alliance, access=access).restrict(access),
            request=request,
            alliance=scene.alliance,
        ).qs[:25]
    )
    read_log.log_list(request, instances, alliance_id=scene.alliance.pk, what="the decision log")
    assert logged == list(ReadLogEntry.objects.filter(pk__gt=last).order_by("pk").values(*fields))
    assert len(logged) == (1 if confidential else 0)


def test_log_queries_do_not_grow_with_the_page(client, world, django_assert_max_num_queries):
    scene, other, _ = world
    client.force_login(StaffFactory(username="staff"))
    first = DecisionFactory(body=scene.body, visibility="CONFIDENTIAL", tags=["winter"])
    with django_assert_max_num_queries(20):
        assert len(page_rows(client.get("/alliances/dunmarrow/decisions/"))) == 1
    for n in range(40):
        DecisionFactory(body=other if n % 2 else scene.body, visibility=Decision.Visibility.values[n % 3], amends=first)
    with django_assert_max_num_queries(20):
        assert len(page_rows(client.get("/alliances/dunmarrow/decisions/"))) == 25


# Templates


def test_templates_are_cached_outside_debug(settings):
    """No ``loaders`` nor ``debug`` in TEMPLATES: Django then wraps the loaders in its cached loader (Django 5.2:
    also with DEBUG, where it reloads a changed file), and template debug follows DEBUG, off in production."""
    from django.conf import settings as configured

    options = configured.TEMPLATES[0]["OPTIONS"]
    assert "loaders" not in options and "debug" not in options
    engine = engines["django"].engine
    assert [loader.__class__.__module__ for loader in engine.template_loaders] == ["django.template.loaders.cached"]
    assert engine.debug is False
