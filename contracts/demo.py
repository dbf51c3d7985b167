"""Awards and contracts of the demo alliance, 2020 to 2023, built only through the services.

The award policy ("Schedule part 10") is adopted by an agreed POLICY decision in 2020 and amended
in 2022 (v2 raises the direct-award limit). Under it: the outreach redesign as a mini-competition
among three members, scored by three evaluators with one score corrected, and a member recused for
a declared interest; a direct award to the youth provider (possible only under v2); an external
procurement of care homes retained by the commissioner; a supported-accommodation competition the
leadership team rejected; a direct award cancelled before submissions; and, when the next outreach
redesign missed its milestones in 2023, a direct award that extends the outreach contract instead of
recommissioning it (its approval revisits the redesign decisions it answers).
"""

from datetime import UTC, date, datetime, timedelta

from django.contrib.auth import get_user_model
from django.db.models import Q

from alliance import services as alliance_services
from alliance.models import Organisation
from alliance.queries import voting_members_on
from alliance.registry import DemoStage, register
from contracts import services
from contracts.models import AwardProcess
from decisions import services as decision_services
from decisions.demo import acting_as, commissioner_approval
from decisions.models import Decision
from roles import services as roles_services
from roles.queries import representatives_on
from roles.standing import SYSTEM, system_actor

RULES_V1 = [
    {
        "route": "DIRECT_AWARD",
        "max_value": "250000",
        "justification_must_cover": ["value for money", "why this member"],
    },
    {
        "route": "MINI_COMPETITION",
        "max_value": "2500000",
        "min_submissions": 3,
        "scored_evaluation_required": True,
        "justification_must_cover": ["value for money"],
        "criteria": [
            {"name": "Quality", "weight": 50},
            {"name": "Price", "weight": 30},
            {"name": "Lived experience", "weight": 20},
        ],
    },
    {
        "route": "EXTERNAL_PROCUREMENT",
        "min_value": "100000",
        "justification_must_cover": ["why not within the alliance"],
    },
]
RULES_V2 = [
    {
        "route": "DIRECT_AWARD",
        "max_value": "500000",
        "justification_must_cover": ["value for money", "why this member"],
    },
    {**RULES_V1[1], "min_submissions": 2},
    RULES_V1[2],
]


def _at(d: date, hour: int = 10) -> datetime:
    return datetime(d.year, d.month, d.day, hour, 0, tzinfo=UTC)


class Awards:
    def __init__(self, ctx: dict):
        self.ctx = ctx
        self.alliance = ctx["alliance"]
        self.alt = ctx["bodies"]["ALT"]
        self.people = ctx["people"]
        self.orgs = {o.display_name: o for o in [ctx["commissioner"], *ctx["providers"], ctx["network"], ctx["lived"]]}
        self.secretary = get_user_model().objects.filter(username="secretary").first()

    def vote_all(self, decision: Decision, day: date, objector: str = "", statement: str = "") -> None:
        recused = set(decision.recusals.values_list("membership_id", flat=True))
        for membership in voting_members_on(self.alliance, day):
            if membership.pk in recused:
                continue
            objects = membership.organisation.display_name == objector
            decision_services.cast_vote(
                actor=SYSTEM,
                decision=decision,
                membership=membership,
                position="OBJECT" if objects else "AGREE",
                statement=statement if objects else "",
                cast_by=representatives_on(membership=membership, on=day).first(),
                capacity=acting_as(membership),
                cast_at=_at(day, 11),
                now=_at(day, 11),
            )

    def policy_decision(self, *, title: str, proposal: str, opened: date, amends: Decision | None = None) -> Decision:
        fields = {
            "title": title,
            "proposal": proposal,
            "kind": "POLICY",
            "visibility": Decision.Visibility.PUBLIC,
            "tags": ["award policy", "schedule part 10"],
            "closes_at": _at(opened + timedelta(days=13), 17),
            "now": _at(opened, 9),  # the demo replays the past: drafted as of the opening
            "rationale": "Both sides read the schedule of award routes differently; the rules are now explicit.",
        }
        if amends is not None:
            decision = decision_services.amend_decision(actor=system_actor(self.secretary), decision=amends, **fields)
        else:
            decision = decision_services.draft_decision(actor=system_actor(self.secretary), body=self.alt, **fields)
        decision = decision_services.open_decision(actor=SYSTEM, decision=decision, opened_at=_at(opened, 9))
        self.vote_all(decision, opened + timedelta(days=2))
        return decision_services.close_decision(
            actor=SYSTEM, decision=decision, closed_at=_at(opened + timedelta(days=14), 9)
        )

    def start(self, **fields) -> AwardProcess:
        created_at = _at(fields["started_on"], 9)
        return services.create_process(
            actor=SYSTEM, alliance=self.alliance, created_by=self.secretary, created_at=created_at, **fields
        )

    def move(self, process: AwardProcess, to_stage: str, on: date, reason: str = "", **details) -> AwardProcess:
        # The outcome of an approval is recorded once its decision has closed, at 17:00 (see close()).
        hour = 17 if to_stage in (AwardProcess.Stage.APPROVED, AwardProcess.Stage.REJECTED) else 14
        return services.transition(
            actor=SYSTEM,
            process=process,
            to_stage=to_stage,
            by=self.secretary,
            reason=reason,
            at=_at(on, hour),
            **details,
        )

    def bid(self, process: AwardProcess, bidder: Organisation, on: date, price: str, summary: str):
        return services.record_submission(
            actor=SYSTEM, process=process, bidder=bidder, submitted_on=on, price=price, summary=summary
        )

    def approve(self, process: AwardProcess, opened: date, objector: str = "", statement: str = "") -> Decision:
        decision = services.open_approval(
            actor=system_actor(self.secretary),
            process=process,
            opened_at=_at(opened, 9),
            closes_at=_at(opened + timedelta(days=13), 17),
        )
        self.vote_all(decision, opened + timedelta(days=3), objector, statement)
        return decision

    def close(self, decision: Decision, on: date) -> Decision:
        return decision_services.close_decision(actor=SYSTEM, decision=decision, closed_at=_at(on, 17))


def _policy(a: Awards) -> None:
    v1 = a.policy_decision(
        title="Adopt the award policy (Schedule part 10)",
        proposal=(
            "That the alliance adopts an explicit schedule of award routes: direct award to a member up to £250,000 "
            "with a justification of value for money and why this member; mini-competition among members with at "
            "least three scored submissions; procurement of an external provider from £100,000."
        ),
        opened=date(2020, 9, 1),
    )
    services.adopt_policy(
        alliance=a.alliance,
        adopted_by=v1,
        in_force_from=date(2020, 10, 1),
        approving_body=a.alt,
        rules=RULES_V1,
        title="Schedule part 10: award routes",
    )
    v2 = a.policy_decision(
        title="Amend the award policy: direct-award limit and minimum submissions",
        proposal=(
            "That the direct-award limit rises to £500,000 and a mini-competition needs two submissions, after the "
            "2021 competitions drew few bids from a small market."
        ),
        opened=date(2022, 3, 1),
        amends=v1,
    )
    services.adopt_policy(
        alliance=a.alliance,
        adopted_by=v2,
        in_force_from=date(2022, 4, 1),
        approving_body=a.alt,
        rules=RULES_V2,
        title="Schedule part 10: award routes",
        notes="Direct-award limit raised to £500,000; mini-competitions need two submissions.",
    )


def _outreach(a: Awards) -> None:
    o, p = a.orgs, a.people
    process = a.start(
        title="Flexible community outreach redesign",
        description="One outreach service across Dunmarrow replacing four separate contracts.",
        service_category="flexible_community_outreach",
        route="MINI_COMPETITION",
        estimated_annual_value="600000",
        estimated_total_value="1800000",
        started_on=date(2021, 2, 1),
        route_justification={"value for money": "Three members can deliver it; competition among them tests price."},
        visibility="PUBLIC",
    )
    a.move(process, "SUBMISSIONS", date(2021, 2, 8), "Invitation sent to every provider member")
    interest = roles_services.declare_interest(
        actor=SYSTEM,
        alliance=a.alliance,
        person=p["Lorna Kerr"],
        represents=o["Threshold"],
        interest="Threshold Community Trust is named as a subcontractor in Cairnview Support's bid.",
        declared_on=date(2021, 3, 10),
    )
    services.note_interest(actor=SYSTEM, process=process, declaration=interest, noted_on=date(2021, 3, 10))
    bids = [
        a.bid(process, o["Harbour Light"], date(2021, 3, 1), "1740000", "A single city-wide team with peer workers."),
        a.bid(process, o["Cairnview"], date(2021, 3, 2), "1695000", "Two locality teams with Threshold."),
        a.bid(process, o["Open Door"], date(2021, 3, 3), "1780000", "Outreach linked to day services."),
    ]
    a.move(process, "EVALUATION", date(2021, 3, 5), "Submissions closed with three bids")
    scores = {
        "Harbour Light": {"Quality": 9, "Price": 7, "Lived experience": 9},
        "Cairnview": {"Quality": 7, "Price": 8, "Lived experience": 6},
        "Open Door": {"Quality": 7, "Price": 6, "Lived experience": 7},
    }
    evaluators = [p["Kenneth Muir"], p["Eilidh Campbell"], p["Sam Whyte"]]
    for submission in bids:
        for criterion, score in scores[submission.bidder.display_name].items():
            for evaluator in evaluators:
                services.record_score(
                    actor=SYSTEM,
                    submission=submission,
                    criterion=criterion,
                    evaluator=evaluator,
                    score=score,
                    scored_on=date(2021, 3, 15),
                    comment="",
                )
    services.record_score(
        actor=SYSTEM,
        submission=bids[1],
        criterion="Price",
        evaluator=p["Sam Whyte"],
        score=7,
        scored_on=date(2021, 3, 17),
        reason="Score sheet mis-keyed: 7 was awarded at the panel",
    )
    a.move(
        process,
        "RECOMMENDED",
        date(2021, 3, 22),
        "Highest weighted score: strongest on quality and lived experience.",
        submission=bids[0],
    )
    decision = a.approve(process, date(2021, 4, 6))
    advice = decision_services.record_advice(
        actor=SYSTEM,
        decision=decision,
        organisation=o["Voices"],
        advice="Keep the peer workers on permanent contracts so people see the same faces.",
        given_at=_at(date(2021, 4, 8)),
    )
    decision_services.respond_to_advice(
        actor=SYSTEM,
        advisory_input=advice,
        response="Harbour Light confirmed permanent peer-worker posts in the contract specification.",
        responded_at=_at(date(2021, 4, 12)),
    )
    a.close(decision, date(2021, 4, 20))
    a.move(process, "APPROVED", date(2021, 4, 20))
    a.move(
        process,
        "CONTRACTED",
        date(2021, 6, 1),
        "Contract signed",
        # The single team's July start was missed (decisions/demo.py, "extension1"): it starts on 1 October.
        starts_on=date(2021, 10, 1),
        ends_on=date(2024, 9, 30),
        extension_until=date(2026, 9, 30),
        annual_value="580000",
    )


def _direct_award(a: Awards) -> None:
    process = a.start(
        title="Youth outreach: continuation with Wayfinder",
        service_category="youth_outreach",
        route="DIRECT_AWARD",
        estimated_annual_value="140000",
        estimated_total_value="420000",
        started_on=date(2022, 5, 2),
        direct_award_to=a.orgs["Wayfinder"],
        route_justification={
            "value for money": "Unit costs 8% below the Scottish benchmark for youth outreach.",
            "why this member": "Wayfinder is the only member working with 16 to 25 year olds and runs the service now.",
        },
        visibility="PUBLIC",
    )
    a.move(process, "SUBMISSIONS", date(2022, 5, 3), "Wayfinder asked for its proposal")
    submission = a.bid(process, a.orgs["Wayfinder"], date(2022, 5, 16), "415000", "Three-year continuation.")
    a.move(process, "EVALUATION", date(2022, 5, 17))
    a.move(
        process,
        "RECOMMENDED",
        date(2022, 5, 24),
        "Proposal meets the specification at the benchmark price.",
        submission=submission,
    )
    a.close(a.approve(process, date(2022, 6, 1)), date(2022, 6, 14))
    a.move(process, "APPROVED", date(2022, 6, 14))
    a.move(
        process,
        "CONTRACTED",
        date(2022, 7, 1),
        starts_on=date(2022, 8, 1),
        ends_on=date(2025, 7, 31),
        annual_value="138000",
    )


def _external(a: Awards) -> None:
    glen = alliance_services.save_organisation(
        name="Glenmorven Care Ltd", short_name="Glenmorven", kind=Organisation.Kind.EXTERNAL_PROVIDER
    )
    strath = alliance_services.save_organisation(
        name="Strathburn Homes", short_name="Strathburn", kind=Organisation.Kind.EXTERNAL_PROVIDER
    )
    process = a.start(
        title="Care home placements for people leaving homelessness",
        service_category="care_homes",
        route="EXTERNAL_PROCUREMENT",
        estimated_annual_value="1200000",
        estimated_total_value="3600000",
        started_on=date(2022, 9, 1),
        external_notice_reference="Public Contracts Scotland DUN-2022-0917",
        route_justification={"why not within the alliance": "No member is registered to run a care home."},
        visibility="PUBLIC",
    )
    a.move(process, "SUBMISSIONS", date(2022, 9, 17), "Contract notice published")
    winner = a.bid(process, glen, date(2022, 10, 20), "3450000", "Twelve placements in two homes.")
    a.bid(process, strath, date(2022, 10, 21), "3720000", "Ten placements in one home.")
    a.move(process, "EVALUATION", date(2022, 10, 24))
    a.move(process, "RECOMMENDED", date(2022, 11, 7), "Lower price for more placements.", submission=winner)
    # £3.45m is over the £2m the IJB delegated to the ALT: the award waits for the IJB's approval.
    commissioner_approval(a.close(a.approve(process, date(2022, 11, 14)), date(2022, 11, 28)), timedelta(days=8))
    a.move(process, "APPROVED", date(2022, 12, 6))
    a.move(
        process,
        "CONTRACTED",
        date(2022, 12, 12),
        starts_on=date(2023, 1, 1),
        ends_on=date(2025, 12, 31),
        extension_until=date(2027, 6, 30),
        in_scope=False,
        annual_value="1150000",
    )


def _rejected(a: Awards) -> None:
    o = a.orgs
    process = a.start(
        title="Supported accommodation for young people",
        service_category="supported_accommodation",
        route="MINI_COMPETITION",
        estimated_annual_value="450000",
        estimated_total_value="1350000",
        started_on=date(2023, 2, 1),
        route_justification={"value for money": "Two members run similar services; competition tests price."},
        visibility="MEMBERS",
    )
    a.move(process, "SUBMISSIONS", date(2023, 2, 6))
    bids = [
        a.bid(process, o["Harbour Light"], date(2023, 3, 1), "1390000", "Twenty flats with 24-hour staff."),
        a.bid(process, o["Northgate"], date(2023, 3, 2), "1320000", "Eighteen flats with floating support."),
    ]
    a.move(process, "EVALUATION", date(2023, 3, 6))
    for submission, base in zip(bids, (7, 8), strict=True):
        for criterion in ("Quality", "Price", "Lived experience"):
            for evaluator in (a.people["Priya Raman"], a.people["Helen Strachan"]):
                services.record_score(
                    actor=SYSTEM,
                    submission=submission,
                    criterion=criterion,
                    evaluator=evaluator,
                    score=base,
                    scored_on=date(2023, 3, 13),
                )
    a.move(process, "RECOMMENDED", date(2023, 3, 20), "Higher weighted score at a lower price.", submission=bids[1])
    decision = a.approve(
        process,
        date(2023, 3, 27),
        objector="DHSCP",
        statement="The partnership cannot fund 24-hour cover within the 2023/24 budget; redesign the specification.",
    )
    a.close(decision, date(2023, 4, 10))
    a.move(process, "REJECTED", date(2023, 4, 10))


def _cancelled(a: Awards) -> None:
    process = a.start(
        title="Street outreach: night service",
        service_category="street_outreach",
        route="DIRECT_AWARD",
        estimated_annual_value="90000",
        estimated_total_value="180000",
        started_on=date(2023, 5, 2),
        direct_award_to=a.orgs["Second Step"],
        route_justification={
            "value for money": "Extends an existing team by two nights a week.",
            "why this member": "Second Step runs the day street outreach.",
        },
    )
    a.move(process, "CANCELLED", date(2023, 5, 30), "Night outreach folded into the city-wide outreach contract.")


EXTENSION = "Flexible community outreach: extension while the redesign is late"


def _extension(a: Awards) -> None:
    """The evaluation that was to shape the next outreach service was never commissioned (its action item is
    overdue), so the redesign cannot be ready when the contract ends: the ALT extends it by six months."""
    contract = AwardProcess.objects.get(alliance=a.alliance, title="Flexible community outreach redesign")
    contract = contract.resulting_contract
    process = a.start(
        title=EXTENSION,
        description="Six more months of the city-wide outreach contract, to 31 March 2025, while the outreach "
        "evaluation and the next redesign catch up.",
        service_category="flexible_community_outreach",
        route="DIRECT_AWARD",
        estimated_annual_value="290000",  # the six months the extension adds
        estimated_total_value="290000",
        started_on=date(2023, 7, 3),
        direct_award_to=a.orgs["Harbour Light"],
        route_justification={
            "value for money": "The current price held for six months; a new competition could not finish in time.",
            "why this member": "Harbour Light runs the outreach service now; the extension option is in its contract.",
        },
        visibility="PUBLIC",
    )
    a.move(process, "SUBMISSIONS", date(2023, 7, 4), "Harbour Light asked to confirm the extension terms")
    submission = a.bid(process, a.orgs["Harbour Light"], date(2023, 7, 11), "290000", "Six months at the same price.")
    a.move(process, "EVALUATION", date(2023, 7, 12))
    a.move(
        process,
        "RECOMMENDED",
        date(2023, 7, 14),
        "The redesign missed its milestone; extend rather than leave a gap.",
        submission=submission,
    )
    decision = a.approve(process, date(2023, 7, 17))
    # It answers the redesign's last milestone and follows the extension of 2021, so it revisits both.
    earlier = Decision.objects.filter(alliance=a.alliance).filter(
        Q(title__startswith="Outreach redesign: evaluate") | Q(title__startswith="Extend the four current outreach")
    )
    decision_services.update_decision(
        actor=SYSTEM,
        decision=decision,
        revisits=list(earlier),
        tags=["outreach", "redesign", "contract-extension"],
        now=_at(date(2023, 7, 17), 9),
    )
    a.close(decision, date(2023, 7, 31))
    a.move(process, "APPROVED", date(2023, 7, 31))
    a.move(
        process,
        "CONTRACTED",
        date(2023, 8, 7),
        "Contract extended",
        ends_on=date(2025, 3, 31),
        annual_value="580000",
        extends=contract,
    )


@register("demo_parts", stage=DemoStage.STORY)
def load(ctx: dict, stdout) -> None:
    alliance = ctx["alliance"]
    if AwardProcess.objects.filter(alliance=alliance).exists():
        return
    a = Awards(ctx)
    _policy(a)
    _outreach(a)
    _direct_award(a)
    _external(a)
    _rejected(a)
    _cancelled(a)
    _extension(a)
    stdout.write(
        f"Recorded {AwardProcess.objects.filter(alliance=alliance).count()} award processes under "
        f"{alliance.award_policies.count()} versions of the award policy."
    )


# The delivery oversight parts, in the order they load: scope and money after the awards it links its
# service lines to, the delivery plan after the contracts it links, the measures of its services, then
# oversight's queries about them; the warnings at the week's stage.
from contracts import demo_scope  # noqa: E402, F401, I001
from contracts import demo_delivery  # noqa: E402, F401
from contracts import demo_measures  # noqa: E402, F401
from contracts import demo_queries  # noqa: E402, F401
from contracts import demo_warnings  # noqa: E402, F401
