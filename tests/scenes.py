"""The scenes the tests of the rules share.

`make_scene`: a small alliance ready for decisions (Dunmarrow): voting members with
representatives, an advisory network, a secretary, and helpers to draft, open and vote; its
decisions are of March 2021 (OPENED, VOTED, CLOSES, CLOSED).

`make_award_scene`: that alliance with an award policy in force (`adopt`), ready for award
processes; its approval decisions are of June 2021 (APPROVAL_OPENED, APPROVAL_VOTED, APPROVAL_CLOSED).

The fixtures `scene` and `award` (tests/conftest.py) build one each for a test. Who reads them is
said by `tests.helpers.viewer_of(scene.alliance)`. The smoke walk (tests/smoke/scene.py) and the
permission matrix (tests/permission_scene.py) build worlds of their own.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from alliance.models import Alliance, GoverningBody, Membership, Organisation
from contracts import services as contract_services
from contracts.models import AwardPolicy, AwardProcess, Submission
from decisions import services as decision_services
from decisions.models import AdvisoryInput, Decision, Recusal, Vote
from roles.models import InterestDeclaration, Person, Role
from roles.standing import SYSTEM
from tests.factories import (
    AllianceFactory,
    DecisionFactory,
    GoverningBodyFactory,
    InterestDeclarationFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    RoleAssignmentFactory,
    RoleFactory,
)

# The decision scene

OPENED = datetime(2021, 3, 1, 9, 0, tzinfo=UTC)
VOTED = datetime(2021, 3, 2, 10, 0, tzinfo=UTC)
CLOSES = datetime(2021, 3, 10, 17, 0, tzinfo=UTC)
CLOSED = datetime(2021, 3, 10, 12, 0, tzinfo=UTC)

DECISION_ROWS = (Decision, Vote, Recusal, AdvisoryInput)


PROVIDERS = ["Harbour Light Housing", "Second Step Trust", "Northgate Housing Association", "Open Door Care"]


@dataclass
class Scene:
    alliance: Alliance
    body: GoverningBody
    members: list[Membership]
    reps: list[Person]
    advisory: Membership
    secretary: Person

    def vote(self, decision: Decision, index: int, position: str = "AGREE", statement: str = "", **kwargs):
        if position == "OBJECT" and not statement:
            statement = "The proposal leaves people without support over the winter."
        # The scene's decisions are of 2021: by default the vote is cast, and the clock reads, then.
        cast_at = kwargs.pop("cast_at", VOTED)
        now = kwargs.pop("now", cast_at)
        return decision_services.cast_vote(
            actor=kwargs.pop("actor", SYSTEM),
            decision=decision,
            membership=self.members[index],
            position=position,
            cast_by=self.reps[index],
            statement=statement,
            cast_at=cast_at,
            now=now,
            **kwargs,
        )

    def deputy(self, index: int, name: str) -> Person:
        """A person holding the deputy representative role of the ``index``-th member since January 2021."""
        person = PersonFactory(name=name)
        role = RoleFactory(
            alliance=self.alliance, kind=Role.Kind.DEPUTY_REPRESENTATIVE, organisation=self.members[index].organisation
        )
        RoleAssignmentFactory(role=role, person=person, starts_on=date(2021, 1, 1))
        return person

    def interest(self, index: int, **fields) -> InterestDeclaration:
        """An interest the ``index``-th member's representative declared for it on 1 February 2021, still open."""
        values = {
            "alliance": self.alliance,
            "person": self.reps[index],
            "represents": self.members[index].organisation,
            "interest": "Trustee of Northgate Housing Association, which bids for the service.",
            "declared_on": date(2021, 2, 1),
            "concerns_organisation": None,
        }
        return InterestDeclarationFactory(**{**values, **fields})

    def draft(self, **fields) -> Decision:
        values = {
            "body": self.body,
            "title": "Adopt the outreach redesign",
            "proposal": "That the alliance redesigns flexible community outreach around a single team.",
            "kind": "KEY",
            "closes_at": CLOSES,
            "tags": ["outreach"],
        }
        values.update(fields)
        values.setdefault("actor", SYSTEM)
        values.setdefault("now", OPENED)  # drafted in March 2021, as the scene's decisions are
        return decision_services.draft_decision(**values)

    def open(self, **fields) -> Decision:
        actor = fields.get("actor", SYSTEM)
        return decision_services.open_decision(actor=actor, decision=self.draft(**fields), opened_at=OPENED)


def make_scene(
    *,
    voting: int = 3,
    rule: str = GoverningBody.DecisionRule.UNANIMOUS,
    abstention_blocks: bool = True,
    quorum_fraction: str | None = "0.5",
    quorum_count: int | None = None,
) -> Scene:
    alliance = AllianceFactory(slug="dunmarrow", name="Dunmarrow Homelessness Alliance")
    body = GoverningBodyFactory(
        alliance=alliance,
        code="ALT",
        decision_rule=rule,
        abstention_blocks=abstention_blocks,
        quorum_fraction=Decimal(quorum_fraction) if quorum_fraction else None,
        quorum_count=quorum_count,
    )
    members, reps = [], []
    for name in PROVIDERS[:voting]:
        membership = MembershipFactory(alliance=alliance, organisation=OrganisationFactory(name=name))
        role = RoleFactory(
            alliance=alliance,
            title=f"Representative: {name}",
            kind=Role.Kind.MEMBER_REPRESENTATIVE,
            organisation=membership.organisation,
            body=body,
        )
        person = PersonFactory(name=f"Rep of {name}", employer=membership.organisation)
        RoleAssignmentFactory(role=role, person=person)
        members.append(membership)
        reps.append(person)
    advisory = MembershipFactory(
        alliance=alliance,
        organisation=OrganisationFactory(name="Dunmarrow Homelessness Network", kind=Organisation.Kind.NETWORK),
        status=Membership.Status.ADVISORY,
        is_signatory=False,
        capacities=["network_support"],
    )
    secretary = PersonFactory(name="Morag Secretary")
    RoleAssignmentFactory(
        role=RoleFactory(alliance=alliance, title="ALT secretary", kind=Role.Kind.SECRETARY, body=body),
        person=secretary,
    )
    return Scene(alliance, body, members, reps, advisory, secretary)


# A body with seats of its own

SEATED = date(2021, 1, 1)


def make_oversight(scene: Scene, *, rule: str = GoverningBody.DecisionRule.MAJORITY):
    """The scene's Oversight Group, with seats of its own since 1 January 2021: the first member (voting),
    two people in their own right (Iona Chair and Euan Officer, voting) and the network (advisory); the
    scene's secretary is its secretary too. Returns the body and its seats by name."""
    from roles import services as roles_services
    from roles.models import Seat

    body = GoverningBodyFactory(
        alliance=scene.alliance,
        name="Oversight Group",
        code="OG",
        kind=GoverningBody.Kind.OVERSIGHT,
        decision_rule=rule,
        quorum_fraction=Decimal("0.5"),
        own_seats=True,
    )
    RoleAssignmentFactory(
        role=RoleFactory(alliance=scene.alliance, title="OG secretary", kind=Role.Kind.SECRETARY, body=body),
        person=scene.secretary,
    )
    chair, officer = PersonFactory(name="Iona Chair"), PersonFactory(name="Euan Officer")
    seat = roles_services.add_seat
    seats = {
        "member": seat(actor=SYSTEM, body=body, membership=scene.members[0], starts_on=SEATED),
        "chair": seat(actor=SYSTEM, body=body, person=chair, starts_on=SEATED),
        "officer": seat(actor=SYSTEM, body=body, person=officer, starts_on=SEATED),
        "network": seat(actor=SYSTEM, body=body, membership=scene.advisory, kind=Seat.Kind.ADVISORY, starts_on=SEATED),
    }
    return body, seats


# The award scene

STARTED = date(2021, 4, 1)
SUBMITTED = date(2021, 5, 3)
SCORED = date(2021, 6, 1)
APPROVAL_OPENED = datetime(2021, 6, 10, 9, 0, tzinfo=UTC)
APPROVAL_VOTED = datetime(2021, 6, 11, 10, 0, tzinfo=UTC)
APPROVAL_CLOSED = datetime(2021, 6, 20, 12, 0, tzinfo=UTC)

RULES = [
    {
        "route": "DIRECT_AWARD",
        "max_value": "500000",
        "justification_must_cover": ["value for money", "why this member"],
    },
    {
        "route": "MINI_COMPETITION",
        "max_value": "2000000",
        "min_submissions": 2,
        "scored_evaluation_required": True,
        "justification_must_cover": ["value for money"],
        "criteria": [{"name": "Quality", "weight": 60}, {"name": "Price", "weight": 40}],
    },
    {"route": "EXTERNAL_PROCUREMENT", "min_value": "100000", "justification_must_cover": ["why not within"]},
]


@dataclass
class AwardScene:
    scene: Scene
    policy: AwardPolicy
    evaluator: object

    @property
    def alliance(self):
        return self.scene.alliance

    @property
    def members(self):
        return self.scene.members

    def process(self, route: str = "MINI_COMPETITION", **fields) -> AwardProcess:
        values = {
            "alliance": self.alliance,
            "title": "Flexible community outreach",
            "service_category": "flexible_community_outreach",
            "route": route,
            "estimated_annual_value": "400000",
            "estimated_total_value": "1200000",
            "started_on": STARTED,
            "route_justification": {"value for money": "Tested by competition among members."},
        }
        if route == "DIRECT_AWARD":
            values.update(
                estimated_total_value="450000",
                estimated_annual_value="150000",
                direct_award_to=self.members[0].organisation,
                route_justification={"value for money": "Benchmarked.", "why this member": "Runs the service now."},
            )
        if route == "EXTERNAL_PROCUREMENT":
            values.update(route_justification={"why not within": "No member provides care homes."})
        values.update(fields)
        return contract_services.create_process(actor=SYSTEM, **values)

    def bids(self, process: AwardProcess, count: int = 2) -> list[Submission]:
        contract_services.open_submissions(process=process)
        return [
            contract_services.record_submission(
                actor=SYSTEM,
                process=process,
                bidder=self.members[i].organisation,
                submitted_on=SUBMITTED,
                price=Decimal("1100000") - i * 50000,
            )
            for i in range(count)
        ]

    def score_all(self, submissions: list[Submission], score: int = 7) -> None:
        for s in submissions:
            for criterion in ("Quality", "Price"):
                contract_services.record_score(
                    actor=SYSTEM,
                    submission=s,
                    criterion=criterion,
                    evaluator=self.evaluator,
                    score=score,
                    scored_on=SCORED,
                )

    def recommended(self, bidders: int = 2) -> tuple[AwardProcess, list[Submission]]:
        process = self.process()
        submissions = self.bids(process, bidders)
        contract_services.start_evaluation(process=process)
        self.score_all(submissions)
        process = contract_services.recommend(
            process=process, submission=submissions[0], reason="Highest quality score."
        )
        return process, submissions

    def approve(self, process: AwardProcess, position: str = "AGREE") -> Decision:
        decision = contract_services.open_approval(actor=SYSTEM, process=process, opened_at=APPROVAL_OPENED)
        recused = set(decision.recusals.values_list("membership_id", flat=True))
        for i, membership in enumerate(self.members):
            if membership.pk not in recused:
                decision_services.cast_vote(
                    actor=SYSTEM,
                    decision=decision,
                    membership=membership,
                    position=position,
                    cast_by=self.scene.reps[i],
                    statement="The price is too high." if position == "OBJECT" else "",
                    cast_at=APPROVAL_VOTED,
                    now=APPROVAL_VOTED,
                )
        return decision_services.close_decision(actor=SYSTEM, decision=decision, closed_at=APPROVAL_CLOSED)


def adopt(scene: Scene, *, in_force_from: date = date(2020, 9, 1), rules=RULES) -> AwardPolicy:
    decision = DecisionFactory(
        body=scene.body,
        kind="POLICY",
        status=Decision.Status.AGREED,
        reference="ALT-2020-009",
        decided_on=in_force_from,
    )
    return contract_services.adopt_policy(
        alliance=scene.alliance,
        adopted_by=decision,
        in_force_from=in_force_from,
        approving_body=scene.body,
        rules=rules,
    )


def make_award_scene(voting: int = 4) -> AwardScene:
    scene = make_scene(voting=voting)
    policy = adopt(scene)
    return AwardScene(scene, policy, PersonFactory(name="Independent Evaluator"))


# The authority map: the commissioner's board outside the alliance, and what it delegated to the scene's body


def outside_body_with_authority(scene: Scene, **fields) -> GoverningBody:
    """The commissioner's Integration Joint Board (an outside body) of the scene's alliance, having delegated
    KEY, AWARD, OPERATIONAL and APPOINTMENT decisions up to £2m to the scene's body from 2020, POLICY reserved."""
    from roles import services as role_services

    board = GoverningBodyFactory(
        alliance=scene.alliance,
        name="Dunmarrow Integration Joint Board",
        code="IJB",
        kind=GoverningBody.Kind.OUTSIDE,
        decision_rule=GoverningBody.DecisionRule.MAJORITY,
    )
    values = {
        "grantor": board,
        "grantee": scene.body,
        "scope": "Redesign and award of homelessness services within the alliance budget.",
        "decision_kinds": ["KEY", "AWARD", "OPERATIONAL", "APPOINTMENT"],
        "reserved_kinds": ["POLICY"],
        "financial_limit": Decimal("2000000"),
        "must_report": "Every award over £500,000, within a month.",
        "granted_reference": "IJB meeting of 20 August 2020, paper 20/31",
        "valid_from": date(2020, 9, 1),
    }
    values.update(fields)
    role_services.grant_body_authority(**values)
    return board
