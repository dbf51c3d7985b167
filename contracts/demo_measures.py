"""Performance measures of the demo alliance and their returns, built only through the services.

The review found the Alliance Director responsible for "the delivery of key performance indicators" and
the Oversight Group set up for "increased scrutiny of performance information". In 2021 the leadership
team adopts a performance framework: people moved on from emergency accommodation (higher is better,
off target every quarter since), nights in bed-and-breakfast (lower is better, above target), the
flexible outreach contract's people engaged (off target, one quarter's return missing), and a narrative
measure co-defined with the lived-experience group: what people using services say about the support.
Returns run quarter by quarter up to the last one due by the demo's now (20 September 2023);
some are entered after their due date (late).
"""

from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model

from alliance.demo_forward_plan import DEMO_NOW
from alliance.registry import DemoStage, register
from contracts import services
from contracts.demo import Awards, _at
from contracts.models import Contract, Measure
from decisions import services as decision_services
from decisions.models import Decision
from roles.standing import system_actor

ADOPTED_ON = date(2021, 3, 15)
FIRST_PERIOD = date(2021, 4, 1)

NARRATIVES = [
    "People said the drop-in felt safer since the hub moved; several said they were not told when a worker changed.",
    "People asked for evening opening; two said they were moved between bed-and-breakfasts without being asked.",
    "People valued being met by someone with lived experience; waiting for a settled home is still the main worry.",
    "People said letters about their tenancy were hard to follow; the hub now reads them through with them.",
]


def _framework(a: Awards) -> Decision:
    actor = system_actor(a.secretary)
    decision = decision_services.draft_decision(
        actor=actor,
        body=a.alt,
        title="Adopt the alliance's performance framework",
        proposal=(
            "That the alliance reports its services' performance quarterly against the measures set out, "
            "including one measure co-defined with the lived-experience group and returned in words."
        ),
        kind="KEY",
        visibility=Decision.Visibility.MEMBERS,
        tags=["performance", "oversight"],
        closes_at=_at(ADOPTED_ON + timedelta(days=13), 17),
        now=_at(ADOPTED_ON, 9),
        rationale="The Oversight Group asked for performance information it could scrutinise.",
    )
    decision = decision_services.open_decision(actor=actor, decision=decision, opened_at=_at(ADOPTED_ON, 9))
    a.vote_all(decision, ADOPTED_ON + timedelta(days=2))
    return decision_services.close_decision(
        actor=actor, decision=decision, closed_at=_at(ADOPTED_ON + timedelta(days=14), 9)
    )


def _measures(a: Awards, adopted: Decision) -> list[tuple[Measure, list]]:
    ctx, actor = a.ctx, system_actor(a.secretary)
    providers = {o.display_name: o for o in ctx["providers"]}
    outreach = (
        Contract.objects.filter(alliance=a.alliance, service_category="flexible_community_outreach")
        .order_by("starts_on", "pk")
        .first()
    )
    common = {
        "actor": actor,
        "alliance": a.alliance,
        "frequency": Measure.Frequency.QUARTERLY,
        "first_period_starts_on": FIRST_PERIOD,
        "due_days_after_period": 20,
        "adopted_by": adopted,
        "now": _at(ADOPTED_ON + timedelta(days=15), 10),
    }
    moved_on = services.define_measure(
        name="People moved on from emergency accommodation to a settled home",
        definition="People who left emergency accommodation in the quarter for a tenancy or a supported home.",
        unit="people",
        direction=Measure.Direction.HIGHER,
        target=Decimal("40"),
        service_category="emergency_accommodation",
        reported_by=providers[next(iter(providers))],
        **common,
    )
    nights = services.define_measure(
        name="Nights spent in bed-and-breakfast accommodation",
        definition="Nights households spent in bed-and-breakfast accommodation in the quarter.",
        unit="nights",
        direction=Measure.Direction.LOWER,
        target=Decimal("600"),
        service_category="emergency_accommodation",
        reported_by=ctx["commissioner"],
        **common,
    )
    engaged = services.define_measure(
        name="People engaged by flexible community outreach",
        definition="People the outreach teams engaged with a support plan in the quarter.",
        unit="people",
        direction=Measure.Direction.HIGHER,
        target=Decimal("150"),
        **({"contract": outreach} if outreach else {"service_category": "flexible_community_outreach"}),
        reported_by=outreach.provider if outreach else None,
        **common,
    )
    voices = services.define_measure(
        name="What people using services say about the support they received",
        definition="In their own words, gathered by the lived-experience group each quarter at the hub.",
        direction=Measure.Direction.NARRATIVE,
        service_category="multi_agency_hub",
        reported_by=ctx["lived"],
        co_defined_with=ctx["lived"],
        **common,
    )
    return [
        (moved_on, [Decimal(v) for v in (31, 28, 35, 33, 30, 37, 29, 34)]),
        (nights, [Decimal(v) for v in (820, 910, 760, 700, 880, 640, 930, 690)]),
        (engaged, [Decimal(v) for v in (132, 118, 141, 125, 160, 122, 139, 117)]),
        (voices, NARRATIVES),
    ]


def _returns(a: Awards, measure: Measure, values: list, today: date, skip_last: bool) -> int:
    actor = system_actor(a.secretary)
    periods = measure.periods_due_by(today)
    if skip_last and periods:
        periods = periods[:-1]  # the last quarter's return is missing
    for index, period in enumerate(periods):
        late = index % 4 == 2  # every fourth return arrives after its due date
        on = period.due_on + timedelta(days=9) if late else period.due_on - timedelta(days=4)
        value = values[index % len(values)]
        content = {"narrative": value} if measure.is_narrative else {"value": value}
        services.enter_return(actor=actor, measure=measure, period_start=period.start, on=min(on, today), **content)
    return len(periods)


@register("demo_parts", stage=DemoStage.STORY)
def load(ctx: dict, stdout) -> None:
    alliance = ctx["alliance"]
    if Measure.objects.filter(alliance=alliance).exists():
        return
    a = Awards(ctx)
    a.secretary = a.secretary or get_user_model().objects.filter(username="secretary").first()
    adopted = _framework(a)
    today = DEMO_NOW.date()  # returns run up to the demo's now (20 September 2023)
    entered = 0
    for measure, values in _measures(a, adopted):
        entered += _returns(a, measure, values, today, skip_last=measure.name.startswith("People engaged"))
    stdout.write(
        f"Defined {Measure.objects.filter(alliance=alliance).count()} performance measures with {entered} returns."
    )
