"""The decision log's lean read paths (api/lean_decisions.py) answer what the serializers answer.

For the same rows, through the real endpoints, as each kind of caller: the list and the detail of the lean
path (``API_LEAN_READS`` on, JSON) equal those of the serializer path (``API_LEAN_READS=False``), as parsed
JSON; the read log gets the same entries on both paths; and the queries a page costs do not grow with it.
"""

import itertools
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from alliance.choices import DecisionKind
from alliance.models import Alliance, Membership, ReadLogEntry
from decisions import services
from decisions.models import (
    ActionItem,
    AdviceRequest,
    AdvisoryInput,
    AdvisoryResponse,
    Decision,
    DecisionApproval,
    Recusal,
    Release,
    Vote,
)
from roles.models import AccessGrant, Person, Role
from roles.standing import SYSTEM
from tests.factories import (
    AllianceFactory,
    DelegatedAuthorityFactory,
    GoverningBodyFactory,
    InterestDeclarationFactory,
    MeetingFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    RoleAssignmentFactory,
    RoleFactory,
    StaffFactory,
    UserFactory,
)
from tests.helpers import token_client
from tests.scenes import CLOSED, make_oversight

pytestmark = pytest.mark.django_db

URL = "/api/v1/decisions/"
CALLERS = ("member", "advisory", "secretary", "oversight", "staff", "two_alliances", "anonymous")


def both(client, url):
    """The lean answer and the serializer's answer of ``url``, parsed, and the read log each wrote."""
    answers = []
    for lean in (True, False):
        before = set(ReadLogEntry.objects.values_list("pk", flat=True))
        with override_settings(API_LEAN_READS=lean):
            response = client.get(url)
        assert response.status_code == 200, (url, lean, response.content[:300])
        if lean:
            assert not hasattr(response, "data"), "the lean path answered"  # a DRF Response carries .data
        logged = list(
            ReadLogEntry.objects.exclude(pk__in=before)
            .order_by("pk")
            .values("alliance_id", "kind", "object_model", "object_id", "description", "rows", "path", "username")
        )
        answers.append((response.json(), logged))
    return answers


def assert_same(client, url):
    (lean, lean_log), (serialized, serialized_log) = both(client, url)
    assert lean == serialized
    assert lean_log == serialized_log
    return lean


def user_of(person: Person, username: str):
    person.user = UserFactory(username=username)
    person.save()
    return person.user


class World:
    """The scene's alliance (publishing its register), a second alliance, and a login for each caller."""

    def __init__(self, scene):
        Alliance.objects.filter(pk=scene.alliance.pk).update(publish_register=True)
        self.scene = scene
        self.alliance = scene.alliance
        self.other = AllianceFactory(slug="kelderby", name="Kelderby Alliance")
        self.other_body = GoverningBodyFactory(alliance=self.other, code="KLT")
        self.other_member = MembershipFactory(alliance=self.other, organisation=OrganisationFactory(name="Ébène Trust"))
        self.oversight_body, self.seats = make_oversight(scene)
        self.bodies = [scene.body, self.oversight_body]
        self.meeting = MeetingFactory(body=scene.body, starts_at=datetime(2021, 7, 1, 9, 30, tzinfo=UTC))
        adviser = PersonFactory(name="Ailsa Network")
        role = RoleFactory(
            alliance=self.alliance, kind=Role.Kind.MEMBER_REPRESENTATIVE, organisation=scene.advisory.organisation
        )
        RoleAssignmentFactory(role=role, person=adviser)
        self.adviser = adviser
        self.delegation = DelegatedAuthorityFactory(
            role=RoleFactory(alliance=self.alliance, title="Alliance manager"), body=scene.body
        )
        self.people = [*scene.reps, scene.secretary, adviser, PersonFactory(name="Zoë Ødegård-Łukasz")]
        oversight = UserFactory(username="auditor")
        AccessGrant.objects.create(
            user=oversight, alliance=self.alliance, standing="oversight", starts_on=date(2000, 1, 1)
        )
        two = user_of(scene.reps[1], "two")
        AccessGrant.objects.create(user=two, alliance=self.other, standing="viewer", starts_on=date(2000, 1, 1))
        self.clients = {
            "member": token_client(user_of(scene.reps[0], "member")),
            "advisory": token_client(user_of(adviser, "adviser")),
            "secretary": token_client(user_of(scene.secretary, "secretary")),
            "oversight": token_client(oversight),
            "staff": token_client(StaffFactory()),
            "two_alliances": token_client(two),
            "anonymous": APIClient(),
        }
        self.decisions: list[Decision] = []
        self.references = itertools.count(1)


# Generated decisions ----------------------------------------------------------------------------

TEXT = st.text(st.characters(exclude_categories=("Cs", "Cc")), max_size=12)
WORDS = st.text(st.characters(exclude_categories=("Cs", "Cc")), min_size=1, max_size=12)
# Moments in summer time (BST) and in winter (GMT), with and without microseconds.
MOMENTS = st.one_of(
    st.datetimes(min_value=datetime(2019, 1, 1), max_value=datetime(2027, 12, 31)).map(
        lambda moment: moment.replace(tzinfo=UTC)
    ),
    st.sampled_from(
        [
            datetime(2021, 7, 1, 23, 30, tzinfo=UTC),
            datetime(2021, 1, 15, 0, 0, tzinfo=UTC),
            datetime(2030, 6, 1, tzinfo=UTC),
        ]
    ),
)
DAYS = st.dates(min_value=date(2019, 1, 1), max_value=date(2030, 12, 31))
MONEY = st.decimals(min_value=Decimal("0"), max_value=Decimal("999999999999.99"), places=2, allow_nan=False)
COUNT = st.none() | st.integers(min_value=0, max_value=40)
VISIBILITY = st.sampled_from(Decision.Visibility.values)


@st.composite
def decisions(draw):
    """What one decision and the rows of its record are: every status, kind and visibility, empty and
    full fields, and rows of each kind."""
    return {
        "status": draw(st.sampled_from(Decision.Status.values)),
        "kind": draw(st.sampled_from(DecisionKind.values)),
        "visibility": draw(VISIBILITY),
        "other_alliance": draw(st.integers(0, 4)) == 0,
        "body": draw(st.integers(0, 1)),
        "meeting": draw(st.booleans()),
        "title": draw(WORDS),
        "proposal": draw(WORDS),
        "rationale": draw(TEXT),
        "tags": draw(st.lists(st.sampled_from(["outreach", "housing", "Ünïcode", "budget"]), max_size=3, unique=True)),
        "value": draw(st.none() | MONEY),
        "opened_at": draw(st.none() | MOMENTS),
        "closes_at": draw(st.none() | MOMENTS),
        "closed_at": draw(st.none() | MOMENTS),
        "decided_on": draw(st.none() | DAYS),
        "review_on": draw(st.none() | DAYS),
        "counts": draw(st.lists(COUNT, min_size=8, max_size=8)),
        "amends": draw(st.none() | st.integers(0, 20)),
        "supersedes": draw(st.none() | st.integers(0, 20)),
        "revisits": draw(st.lists(st.integers(0, 20), max_size=2, unique=True)),
        "delegated": draw(st.booleans()),
        "appointment": draw(st.booleans()),
        "approval": draw(st.booleans()),
        "votes": draw(
            st.lists(
                st.tuples(st.integers(0, 2), st.sampled_from(Vote.Position.values), st.booleans(), st.booleans()),
                max_size=4,
            )
        ),
        "recusals": draw(
            st.lists(st.tuples(st.integers(0, 2), st.booleans(), st.booleans(), st.booleans()), max_size=2)
        ),
        "seat_votes": draw(st.lists(st.sampled_from(["chair", "officer"]), max_size=2, unique=True)),
        "advice": draw(st.lists(st.tuples(st.booleans(), st.integers(0, 2), TEXT), max_size=2)),
        "asked": draw(st.booleans()),
        "excluded": draw(st.booleans()),
        "releases": draw(st.lists(st.tuples(VISIBILITY, st.sampled_from([-3, 3, 4000]), st.booleans()), max_size=2)),
        "actions": draw(st.integers(0, 2)),
    }


def build(world: World, spec: dict, tag: str) -> Decision:
    scene = world.scene
    in_other = spec["other_alliance"]
    body = world.other_body if in_other else world.bodies[spec["body"]]
    earlier = world.decisions

    def pick(index):
        return None if index is None or not earlier else earlier[index % len(earlier)]

    sealed = spec["status"] in Decision.SEALED_STATUSES
    fields = {
        "alliance": body.alliance,
        "body": body,
        "meeting": world.meeting if spec["meeting"] and body == scene.body else None,
        "reference": f"{body.code}-2021-{next(world.references):03d}" if spec["status"] != "DRAFT" else "",
        "title": spec["title"],
        "proposal": spec["proposal"],
        "rationale": spec["rationale"],
        "kind": spec["kind"],
        "visibility": spec["visibility"],
        "tags": [*spec["tags"], tag],
        "status": Decision.Status.OPEN,
        "value": spec["value"],
        "opened_at": spec["opened_at"],
        "closes_at": spec["closes_at"],
        "closed_at": spec["closed_at"],
        "decided_on": spec["decided_on"],
        "review_on": spec["review_on"],
        "outcome_explanation": spec["rationale"],
        "rule_applied": "Unanimity; abstention blocks" if sealed else "",
        "amends": pick(spec["amends"]),
        "supersedes": pick(spec["supersedes"]),
        **dict(
            zip(
                (
                    "agree_count",
                    "object_count",
                    "abstain_count",
                    "not_voted_count",
                    "recused_count",
                    "eligible_count",
                    "quorum_needed",
                    "quorum_present",
                ),
                spec["counts"],
                strict=True,
            )
        ),
    }
    if spec["delegated"] and not in_other:
        fields.update(taken_under=world.delegation, decided_by=world.people[0], kind=DecisionKind.OPERATIONAL)
    if spec["appointment"]:
        fields.update(
            appointment_role=world.delegation.role,
            appointment_person=world.people[-1],
            appointment_starts_on=date(2021, 10, 31),
            delegation_role=world.delegation.role,
            delegation_scope="Repairs",
            delegation_kinds=[DecisionKind.OPERATIONAL],
            delegation_limit=spec["value"],
            delegation_valid_from=date(2021, 3, 28),
            delegation_to_revoke=world.delegation,
        )
    if spec["status"] == "AWAITING_APPROVAL" or spec["approval"]:
        fields.update(approval_needed="Beyond the budget the commissioner delegated.", approval_from=world.other_body)
    decision = Decision.objects.create(**fields)
    decision.revisits.set([d for d in (pick(i) for i in spec["revisits"]) if d is not None])
    if not in_other:
        _record(world, decision, spec, body)
    if spec["approval"] and spec["status"] in ("AGREED", "NOT_APPROVED"):
        DecisionApproval.objects.create(
            decision=decision,
            outcome="APPROVED" if spec["status"] == "AGREED" else "REFUSED",
            body=world.other_body,
            approving_decision=pick(0),
            reference="Minute 7 of the board" if pick(0) is None else "",
            given_on=date(2021, 4, 1),
            recorded_at=datetime(2021, 4, 1, 12, 0, 0, 123456, tzinfo=UTC),
        )
    for to_visibility, days, cancelled in spec["releases"]:
        if to_visibility == decision.visibility:
            continue
        Release.objects.create(
            decision=decision,
            from_visibility=decision.visibility,
            to_visibility=to_visibility,
            takes_effect_at=timezone.now() + timedelta(days=days),
            reason="Published at the AGM.",
            recorded_at=CLOSED,
            released_by=world.people[-1],
            cancelled_at=CLOSED if cancelled else None,
            cancelled_by=world.people[-2] if cancelled else None,
            cancel_reason="Embargo lifted early." if cancelled else "",
        )
    if spec["status"] != Decision.Status.OPEN:
        Decision.objects.filter(pk=decision.pk).update(status=spec["status"])
    decision.refresh_from_db()
    world.decisions.append(decision)
    return decision


def _record(world: World, decision: Decision, spec: dict, body) -> None:
    scene = world.scene
    recusals = {}
    for index, public, dispensed, interest in spec["recusals"]:
        if index in recusals:
            continue
        declared = InterestDeclarationFactory(alliance=world.alliance, person=scene.reps[index]) if interest else None
        recusals[index] = Recusal.objects.create(
            decision=decision,
            membership=scene.members[index],
            source="declared_interest" if interest else "other",
            interest=declared,
            reason=f"Chairs a bidder's board ({index}).",
            dispensation_granted=dispensed,
            dispensation_reason="The body needs the member's knowledge." if dispensed else "",
            details_public=public,
        )
    counted = set()
    for index, position, struck, recorded in spec["votes"]:
        strike = recusals.get(index) if struck else None
        if strike is not None and Vote.objects.filter(struck_by=strike).exists():
            strike = None
        if strike is None and index in counted:
            continue
        if strike is None:
            counted.add(index)
        Vote.objects.create(
            decision=decision,
            membership=scene.members[index],
            position=position,
            statement="Leaves people without support — «winter»." if position == "OBJECT" else "",
            capacity=Membership.Capacity.values[0] if recorded else "",
            cast_by=scene.reps[index],
            recorded_by=scene.secretary if recorded else None,
            cast_at=datetime(2021, 10, 31, 1, 30, 0, 250000, tzinfo=UTC)
            if recorded
            else datetime(2021, 3, 2, 10, tzinfo=UTC),
            struck_by=strike,
        )
    if body == world.oversight_body:
        for name in spec["seat_votes"]:
            Vote.objects.create(
                decision=decision,
                seat=world.seats[name],
                position="AGREE",
                cast_by=world.seats[name].person,
                cast_at=datetime(2021, 6, 1, 8, tzinfo=UTC),
            )
    for from_network, index, response in spec["advice"]:
        advice = AdvisoryInput.objects.create(
            decision=decision,
            organisation=scene.advisory.organisation if from_network else None,
            person=None if from_network else world.people[index],
            advice="Ask people who use the service first.",
            given_at=datetime(2021, 3, 3, 9, tzinfo=UTC),
            response=response,
            responded_at=datetime(2021, 3, 4, 9, tzinfo=UTC) if response else None,
        )
        if response:
            for n in range(2):
                AdvisoryResponse.objects.create(
                    advisory_input=advice,
                    response=f"{response} ({n})",
                    responded_at=datetime(2021, 11 - 8 * n, 1, 9, tzinfo=UTC),
                    responded_by=scene.secretary if n else None,
                )
    if spec["asked"]:
        AdviceRequest.objects.create(
            decision=decision,
            membership=scene.advisory,
            requested_at=datetime(2021, 3, 1, 9, tzinfo=UTC),
            requested_by=scene.secretary,
            excluded_at=datetime(2021, 3, 2, 9, tzinfo=UTC) if spec["excluded"] else None,
            excluded_by=scene.secretary if spec["excluded"] else None,
            exclusion_reason="The network bids for the service." if spec["excluded"] else "",
        )
    for n in range(spec["actions"]):
        ActionItem.objects.create(
            decision=decision,
            title=f"Tell the members ({n})",
            owner_person=world.people[n] if n == 0 else None,
            owner_role=None if n == 0 else world.delegation.role,
            due_on=date(2021, 6, 30),
            completed_on=date(2021, 6, 1) if n else None,
            status="done" if n else "open",
        )


@pytest.fixture
def world(scene):
    return World(scene)


tags = itertools.count()


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(specs=st.lists(decisions(), min_size=1, max_size=4), caller=st.sampled_from(CALLERS))
def test_lean_list_and_detail_equal_the_serializers(world, specs, caller):
    tag = f"case-{next(tags)}"
    # rolled back after each example, so a replay of a failing example starts where the first run did
    with transaction.atomic():
        made = [build(world, spec, tag) for spec in specs]
        client = world.clients[caller]
        listed = assert_same(client, f"{URL}?tag={tag}")
        for decision in made:
            shown = any(row["id"] == decision.pk for row in listed["results"])
            response = client.get(f"{URL}{decision.pk}/")
            assert response.status_code == (200 if shown else 404)
            if shown:
                assert_same(client, f"{URL}{decision.pk}/")
        transaction.set_rollback(True)


@pytest.mark.parametrize("caller", CALLERS)
def test_every_caller_reads_the_same_log_on_both_paths(world, caller):
    """A fixed world of every kind of row, read by each caller: whole list, filters, ordering, pages, details."""
    specs = list(_fixed_specs())
    for spec in specs:
        build(world, spec, "fixed")
    client = world.clients[caller]
    listed = assert_same(client, f"{URL}?page_size=200")
    for url in (
        f"{URL}?alliance=dunmarrow&status=AGREED",
        f"{URL}?alliance=dunmarrow&ordering=title",
        f"{URL}?alliance=dunmarrow&ordering=-reference&page_size=3&page=2",
        f"{URL}?visibility=CONFIDENTIAL",
        f"{URL}?kind=KEY&tag=outreach",
        f"{URL}?body=OG",
    ):
        assert_same(client, url)
    for row in listed["results"]:
        assert_same(client, f"{URL}{row['id']}/")


def _fixed_specs():
    statuses = Decision.Status.values
    visibilities = Decision.Visibility.values
    for n, status in enumerate(statuses):
        yield {
            "status": status,
            "kind": DecisionKind.values[n % len(DecisionKind.values)],
            "visibility": visibilities[n % 3],
            "other_alliance": n == 4,
            "body": n % 2,
            "meeting": n % 3 == 0,
            "title": f"Décision n° {n} — “quoted”",
            "proposal": "That the alliance adopts it.",
            "rationale": "" if n % 2 else "Because 😀",
            "tags": ["outreach"] if n % 2 else [],
            "value": None if n % 3 == 0 else Decimal(f"{n * 1234}.5"),
            "opened_at": datetime(2021, 7 if n % 2 else 1, 1, 23, 30, 0, n * 1000, tzinfo=UTC),
            "closes_at": datetime(2021, 3, 10, 17, tzinfo=UTC) if n % 2 else None,
            "closed_at": datetime(2021, 10, 31, 1, 30, tzinfo=UTC) if status in Decision.SEALED_STATUSES else None,
            "decided_on": date(2021, 3, 10 + n) if status in Decision.SEALED_STATUSES else None,
            "review_on": date(2022, 3, 10) if n % 4 == 0 else None,
            "counts": [n, 0, 1, None, 0, 3, 2, 3],
            "amends": n - 1 if n else None,
            "supersedes": n - 2 if n > 1 else None,
            "revisits": [0, n - 1] if n > 1 else [],
            "delegated": n == 6,
            "appointment": n == 2,
            "approval": n in (2, 8),
            "votes": [(0, "AGREE", False, False), (1, "OBJECT", True, True), (1, "ABSTAIN", False, False)],
            "recusals": [(1, n % 2 == 0, n == 3, n % 2 == 1)],
            "seat_votes": ["chair"],
            "advice": [(True, 0, "We changed the plan."), (False, 2, "")],
            "asked": n % 2 == 0,
            "excluded": n == 4,
            "releases": [("PUBLIC", -3, False), ("MEMBERS", 3, n == 1)],
            "actions": 2,
        }


def test_the_shared_scene_reads_the_same(world):
    """Decisions made by the services on the shared scene (votes, a recusal striking a vote, advice answered,
    an amendment and a supersession), read on both paths."""
    scene = world.scene
    decision = scene.open(visibility="CONFIDENTIAL")
    scene.vote(decision, 0)
    services.record_recusal(actor=SYSTEM, decision=decision, membership=scene.members[0], reason="Conflict")
    for i in range(1, len(scene.members)):
        scene.vote(decision, i)
    agreed = services.close_decision(actor=SYSTEM, decision=decision, closed_at=CLOSED)
    amendment = services.amend_decision(actor=SYSTEM, decision=agreed, title="Amend it", proposal="Amended.")
    services.supersede_decision(actor=SYSTEM, decision=agreed, title="Replace it", proposal="Replaced.")
    for caller in CALLERS:
        client = world.clients[caller]
        assert_same(client, f"{URL}?alliance=dunmarrow")
        for pk in (agreed.pk, amendment.pk):
            if client.get(f"{URL}{pk}/").status_code == 200:
                assert_same(client, f"{URL}{pk}/")


def test_a_confidential_page_is_logged_the_same_on_both_paths(world):
    for n, visibility in enumerate(["CONFIDENTIAL", "CONFIDENTIAL", "MEMBERS"]):
        Decision.objects.create(
            alliance=world.alliance,
            body=world.scene.body,
            title=f"Secret {n}",
            proposal="p",
            kind="KEY",
            visibility=visibility,
            status="OPEN",
            reference=f"ALT-2021-9{n}",
        )
    client = world.clients["oversight"]
    (lean, lean_log), (_, serialized_log) = both(client, f"{URL}?alliance=dunmarrow")
    assert len(lean_log) == 1 and lean_log[0]["rows"] == 2
    assert lean_log == serialized_log
    secret = Decision.objects.get(title="Secret 0")
    (_, lean_log), (_, serialized_log) = both(client, f"{URL}{secret.pk}/")
    assert [entry["object_id"] for entry in lean_log] == [str(secret.pk)]
    assert lean_log == serialized_log


def test_the_browsable_api_and_as_of_keep_the_serializer_path(world):
    decision = Decision.objects.create(
        alliance=world.alliance, body=world.scene.body, title="Seen", proposal="p", kind="KEY", status="OPEN"
    )
    client = world.clients["staff"]
    assert hasattr(client.get(f"{URL}?format=api"), "data")
    assert hasattr(client.get(f"{URL}{decision.pk}/", HTTP_ACCEPT="text/html"), "data")
    assert hasattr(client.get(f"{URL}{decision.pk}/?as_of=2030-01-01"), "data")
    assert not hasattr(client.get(f"{URL}{decision.pk}/"), "data")
    assert client.get(f"{URL}999999/").status_code == 404
    assert client.get(f"{URL}{decision.pk}x/").status_code == 404


# Queries per page ---------------------------------------------------------------------------------


def _many(world, n, tag):
    base = next(iter(_fixed_specs()))
    for i in range(n):
        spec = {**base, "status": Decision.Status.values[i % 9], "amends": i - 1 if i else None, "revisits": [0]}
        build(world, {**spec, "other_alliance": False, "actions": 0, "advice": [], "votes": []}, tag)


# The token and the caller's access (5), then the count, the page, its vote counts, releases, revisits pairs and
# linked decisions, and the read log's entry: whatever the page holds.
LIST_QUERIES = 12


@pytest.mark.parametrize("n", [1, 50])
def test_the_list_costs_the_same_queries_for_one_decision_and_a_full_page(world, django_assert_max_num_queries, n):
    _many(world, n, "count")
    client = world.clients["oversight"]
    with django_assert_max_num_queries(LIST_QUERIES):
        response = client.get(f"{URL}?alliance=dunmarrow&tag=count")
    assert len(response.json()["results"]) == n


# The token and access (5), the decision, the read log (its row named, the entry), vote counts, releases,
# revisits pairs, linked decisions, then one query each for votes, recusals, advice, its responses, requests
# for advice and action items: whatever the decision holds.
DETAIL_QUERIES = 19


@pytest.mark.parametrize("votes", [0, 3])
def test_the_detail_costs_the_same_queries_with_few_and_many_votes(world, django_assert_max_num_queries, votes):
    spec = {**next(iter(_fixed_specs())), "other_alliance": False, "body": 1}
    spec["votes"] = [(i, "AGREE", False, False) for i in range(votes)]
    spec["seat_votes"] = ["chair", "officer"] if votes else []
    decision = build(world, {**spec, "visibility": "CONFIDENTIAL"}, "detail")
    client = world.clients["oversight"]
    with django_assert_max_num_queries(DETAIL_QUERIES):
        response = client.get(f"{URL}{decision.pk}/")
    assert len(response.json()["votes"]) == votes + (2 if votes else 0)
