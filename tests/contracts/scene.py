"""An alliance with an award policy in force, ready for award processes. Tests of the award rules share it."""

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from contracts import services
from contracts.models import AwardPolicy, AwardProcess, Submission
from decisions import services as decision_services
from decisions.models import Decision
from roles.standing import SYSTEM
from tests.decisions.scene import Scene, make_scene
from tests.factories import DecisionFactory, PersonFactory

STARTED = date(2021, 4, 1)
SUBMITTED = date(2021, 5, 3)
SCORED = date(2021, 6, 1)
OPENED = datetime(2021, 6, 10, 9, 0, tzinfo=UTC)
VOTED = datetime(2021, 6, 11, 10, 0, tzinfo=UTC)
CLOSED = datetime(2021, 6, 20, 12, 0, tzinfo=UTC)

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
        return services.create_process(**values)

    def bids(self, process: AwardProcess, count: int = 2) -> list[Submission]:
        services.open_submissions(process=process)
        return [
            services.record_submission(
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
                services.record_score(
                    submission=s, criterion=criterion, evaluator=self.evaluator, score=score, scored_on=SCORED
                )

    def recommended(self, bidders: int = 2) -> tuple[AwardProcess, list[Submission]]:
        process = self.process()
        submissions = self.bids(process, bidders)
        services.start_evaluation(process=process)
        self.score_all(submissions)
        process = services.recommend(process=process, submission=submissions[0], reason="Highest quality score.")
        return process, submissions

    def approve(self, process: AwardProcess, position: str = "AGREE") -> Decision:
        decision = services.open_approval(actor=SYSTEM, process=process, opened_at=OPENED)
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
                    cast_at=VOTED,
                    now=VOTED,
                )
        return decision_services.close_decision(actor=SYSTEM, decision=decision, closed_at=CLOSED)


def adopt(scene: Scene, *, in_force_from: date = date(2020, 9, 1), rules=RULES) -> AwardPolicy:
    decision = DecisionFactory(
        body=scene.body,
        kind="POLICY",
        status=Decision.Status.AGREED,
        reference="ALT-2020-009",
        decided_on=in_force_from,
    )
    return services.adopt_policy(
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
