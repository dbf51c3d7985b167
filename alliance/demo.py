"""The alliance core of the demo: a fictional alliance with the structure the review describes.

Seven provider members and the commissioning partnership vote; a homelessness network and a
lived-experience group are advisory and not signatories. Names are invented.
"""

from datetime import date
from decimal import Decimal

from django.contrib.auth import get_user_model

from alliance import services
from alliance.models import Alliance, GoverningBody, Membership, Organisation
from alliance.registry import DemoStage, register

SLUG = "dunmarrow"
START = date(2020, 7, 1)

PROVIDERS = [
    ("Harbour Light Housing", "Harbour Light", "SC041101"),
    ("Second Step Trust", "Second Step", "SC041102"),
    ("Northgate Housing Association", "Northgate", "SC041103"),
    ("Open Door Care", "Open Door", "SC041104"),
    ("Cairnview Support", "Cairnview", "SC041105"),
    ("Threshold Community Trust", "Threshold", "SC041106"),
    ("Wayfinder Youth Services", "Wayfinder", "SC041107"),
]
COMMISSIONER = ("Dunmarrow Health and Social Care Partnership", "DHSCP")
NETWORK = ("Dunmarrow Homelessness Network", "DHN", "SC041108")
LIVED = ("Voices of Experience Dunmarrow", "Voices", "")

PRINCIPLES = [
    "Best for people using services",
    "No fault, no blame",
    "Open book: all costs and information shared",
    "Unanimous decisions on key issues",
    "Collective responsibility for the whole system",
    "Lived experience at the heart of design",
]

LOGINS = [
    ("admin", "demo-admin-2020", "staff: administers everything, writes through the API"),
    ("secretary", "demo-secretary-2020", "secretary of the Alliance Leadership Team"),
    ("oversight", "demo-oversight-2020", "Oversight Group member"),
    ("member", "demo-member-2020", "provider member representative"),
    ("viewer", "demo-viewer-2020", "reads members-level records"),
]


def _organisation(name: str, short: str, kind: str, reg: str = "") -> Organisation:
    existing = Organisation.objects.filter(name=name).first()
    if existing:
        return existing
    return services.save_organisation(name=name, short_name=short, kind=kind, registration_number=reg)


def _budgets() -> dict[int, Decimal]:
    amount = Decimal("24600000.00")
    budgets = {}
    for year in range(2021, 2027):
        budgets[year] = amount.quantize(Decimal("0.01"))
        amount = amount * Decimal("0.95")
    return budgets


@register("demo_parts", stage=DemoStage.STORY)
def load(ctx: dict, stdout) -> None:
    commissioner = _organisation(*COMMISSIONER, Organisation.Kind.COMMISSIONER)
    providers = [_organisation(n, s, Organisation.Kind.PROVIDER, r) for n, s, r in PROVIDERS]
    network = _organisation(*NETWORK[:2], Organisation.Kind.NETWORK, NETWORK[2])
    lived = _organisation(*LIVED[:2], Organisation.Kind.LIVED_EXPERIENCE, LIVED[2])

    alliance = Alliance.objects.filter(slug=SLUG).first()
    if alliance is None:
        alliance = services.save_alliance(
            name="Dunmarrow Homelessness Alliance",
            slug=SLUG,
            purpose=(
                "Seven third-sector providers and the health and social care partnership, under one "
                "alliance contract, redesigning and delivering homelessness services in Dunmarrow so that "
                "people move quickly into a settled home."
            ),
            commissioner=commissioner,
            publish_register=True,
        )
        services.create_agreement(
            alliance=alliance,
            title="Dunmarrow Homelessness Alliance Agreement",
            signed_on=date(2020, 7, 15),
            starts_on=START,
            ends_on=date(2027, 6, 30),
            extension_until=date(2030, 6, 30),
            principles=PRINCIPLES,
            budgets=_budgets(),
        )
        for org in providers:
            services.create_membership(
                alliance=alliance,
                organisation=org,
                status=Membership.Status.VOTING,
                joined_on=START,
                is_signatory=True,
                capacities=[Membership.Capacity.PROVIDER],
            )
        services.create_membership(
            alliance=alliance,
            organisation=commissioner,
            status=Membership.Status.VOTING,
            joined_on=START,
            is_signatory=True,
            capacities=[
                Membership.Capacity.COMMISSIONER,
                Membership.Capacity.FUNDER,
                Membership.Capacity.CONTRACT_MANAGER,
                Membership.Capacity.PARTNER,
            ],
        )
        services.create_membership(
            alliance=alliance,
            organisation=network,
            status=Membership.Status.ADVISORY,
            joined_on=START,
            capacities=[Membership.Capacity.NETWORK_SUPPORT],
        )
        services.create_membership(
            alliance=alliance,
            organisation=lived,
            status=Membership.Status.ADVISORY,
            joined_on=START,
            capacities=[Membership.Capacity.LIVED_EXPERIENCE],
        )
        alt = services.save_body(
            alliance=alliance,
            name="Alliance Leadership Team",
            code="ALT",
            kind=GoverningBody.Kind.LEADERSHIP,
            decision_rule=GoverningBody.DecisionRule.UNANIMOUS,
            quorum_fraction=Decimal("0.75"),
            established_on=START,
        )
        services.save_body(
            alliance=alliance,
            name="Alliance Management Team",
            code="AMT",
            kind=GoverningBody.Kind.MANAGEMENT,
            decision_rule=GoverningBody.DecisionRule.CONSENSUS,
            quorum_count=4,
            reports_to=alt,
            established_on=START,
        )
        services.save_body(
            alliance=alliance,
            name="Oversight Group",
            code="OG",
            kind=GoverningBody.Kind.OVERSIGHT,
            decision_rule=GoverningBody.DecisionRule.MAJORITY,
            quorum_count=3,
            abstention_blocks=False,
            established_on=date(2023, 1, 1),
        )
        stdout.write(f"Created {alliance.name} with {alliance.memberships.count()} members.")

    User = get_user_model()
    for username, password, _ in LOGINS:
        user, created = User.objects.get_or_create(username=username, defaults={"email": f"{username}@example.org"})
        if created:
            user.set_password(password)
            user.is_staff = user.is_superuser = username == "admin"
            user.save()

    ctx.update(
        alliance=alliance,
        commissioner=commissioner,
        providers=providers,
        network=network,
        lived=lived,
        bodies={b.code: b for b in alliance.bodies.all()},
        logins=LOGINS,
    )
