"""Roles of the demo alliance, 2020 to 2023, with the turnover the review describes.

Two Alliance Directors resign in turn and the post stands vacant before a third arrives;
provider representatives change; lived-experience advisors come and go; the Oversight Group
seats its members from January 2023. Names are invented.
"""

from datetime import date
from decimal import Decimal

from django.contrib.auth import get_user_model

from alliance import services as alliance_services
from alliance.choices import DecisionKind
from alliance.models import GoverningBody, Membership
from alliance.registry import DemoStage, register
from roles import services
from roles.models import AccessGrant, Person, Role, RoleAssignment
from roles.queries import delegation_register
from roles.standing import SYSTEM

START = date(2020, 7, 1)
R = RoleAssignment.EndReason

# (name, employer short name or None, login username or "")
PEOPLE = [
    ("Fiona Baird", None, ""),
    ("Kenneth Muir", None, ""),
    ("Priya Raman", None, ""),
    ("Margaret Henderson", "DHSCP", ""),
    ("Eilidh Campbell", "DHSCP", ""),
    ("Rachel Ogilvie", "DHSCP", "secretary"),
    ("Alasdair Ross", "Harbour Light", ""),
    ("Kirsty Gray", "Harbour Light", ""),
    ("Gillian Shaw", "Second Step", ""),
    ("Tom Lennox", "Second Step", "member"),
    ("Catriona Reid", "Northgate", ""),
    ("Iain Forsyth", "Northgate", ""),
    ("Duncan Wallace", "Open Door", ""),
    ("Shona McLeod", "Cairnview", ""),
    ("Hamish Drummond", "Cairnview", ""),
    ("Lorna Kerr", "Threshold", ""),
    ("Neil Paterson", "Wayfinder", ""),
    ("Aisha Bello", "Wayfinder", ""),
    ("Jamie Docherty", "Voices", ""),
    ("Sam Whyte", "Voices", ""),
    ("Leanne Porter", "Voices", ""),
    ("Callum Fraser", "DHN", ""),
    ("Helen Strachan", None, "oversight"),
    ("David Ure", None, ""),
    ("Morven Blair", None, ""),
]

# Representatives of each voting member: (organisation short name, [(person, starts, ends, reason)])
REPRESENTATIVES = [
    ("DHSCP", [("Margaret Henderson", START, None, "")]),
    ("Harbour Light", [("Alasdair Ross", START, None, "")]),
    (
        "Second Step",
        [("Gillian Shaw", START, date(2021, 5, 31), R.RESIGNED), ("Tom Lennox", date(2021, 6, 1), None, "")],
    ),
    (
        "Northgate",
        [("Catriona Reid", START, date(2022, 3, 31), R.REPLACED), ("Iain Forsyth", date(2022, 4, 1), None, "")],
    ),
    ("Open Door", [("Duncan Wallace", START, None, "")]),
    (
        "Cairnview",
        [("Shona McLeod", START, date(2021, 10, 31), R.RESIGNED), ("Hamish Drummond", date(2021, 11, 1), None, "")],
    ),
    ("Threshold", [("Lorna Kerr", START, None, "")]),
    (
        "Wayfinder",
        [("Neil Paterson", START, date(2023, 3, 31), R.TERM_ENDED), ("Aisha Bello", date(2023, 4, 1), None, "")],
    ),
]

# (key, title, kind, body code, single holder, description, [(person, starts, ends, reason)])
POSTS = [
    (
        "director",
        "Alliance Director",
        Role.Kind.DIRECTOR,
        "AMT",
        True,
        "Leads the alliance team day to day, chairs the Alliance Management Team and takes operational "
        "decisions under the authority the ALT delegates. Reports to the ALT at every meeting.",
        [
            ("Fiona Baird", START, date(2021, 2, 28), R.RESIGNED),
            ("Kenneth Muir", date(2021, 3, 1), date(2022, 9, 30), R.RESIGNED),
            ("Priya Raman", date(2023, 1, 9), None, ""),
        ],
    ),
    (
        "chair",
        "Chair of the Alliance Leadership Team",
        Role.Kind.CHAIR,
        "ALT",
        True,
        "Chairs the ALT, agrees its agendas with the secretary and signs its minutes once approved.",
        [
            ("Margaret Henderson", START, date(2022, 6, 30), R.TERM_ENDED),
            ("Alasdair Ross", date(2022, 7, 1), None, ""),
        ],
    ),
    (
        "secretary",
        "Secretary of the Alliance Leadership Team",
        Role.Kind.SECRETARY,
        "ALT",
        True,
        "Keeps the decision log: records meetings, attendance, decisions, votes and outcomes.",
        [
            ("Eilidh Campbell", START, date(2021, 12, 31), R.RESIGNED),
            ("Rachel Ogilvie", date(2022, 1, 1), None, ""),
        ],
    ),
    (
        "amt_secretary",
        "Secretary of the Alliance Management Team",
        Role.Kind.SECRETARY,
        "AMT",
        True,
        "Keeps the management team's record: its seats, meetings, decisions and votes.",
        [("Rachel Ogilvie", date(2022, 1, 1), None, "")],
    ),
    (
        "deputy:Harbour Light",
        "Deputy representative: Harbour Light",
        Role.Kind.DEPUTY_REPRESENTATIVE,
        "ALT",
        True,
        "Votes for Harbour Light Housing when its representative cannot attend.",
        [("Kirsty Gray", date(2021, 1, 1), None, "")],
    ),
    (
        "lived_advisor",
        "Lived-experience advisor",
        Role.Kind.ADVISOR,
        "ALT",
        False,
        "Brings the advice of people with lived experience of homelessness to every ALT discussion. "
        "Advisors do not vote and are never asked to leave.",
        [
            ("Jamie Docherty", START, date(2022, 2, 28), R.RESIGNED),
            ("Sam Whyte", START, None, ""),
            ("Leanne Porter", date(2022, 3, 1), None, ""),
        ],
    ),
    (
        "network_advisor",
        "Homelessness Network advisor",
        Role.Kind.ADVISOR,
        "ALT",
        True,
        "Speaks for the wider homelessness network, including providers outside the alliance.",
        [("Callum Fraser", START, None, "")],
    ),
    (
        "og_member",
        "Oversight Group member",
        Role.Kind.OVERSIGHT_MEMBER,
        "OG",
        False,
        "Audits the alliance's award decisions and delegated decisions; sees the full audit trail.",
        [(name, date(2023, 1, 1), None, "") for name in ("Helen Strachan", "David Ure", "Morven Blair")],
    ),
]

INTERESTS = [
    (
        "Margaret Henderson",
        "DHSCP",
        "Contract manager of the alliance contract for the commissioner.",
        "DHSCP",
        START,
        date(2022, 6, 30),
    ),
    (
        "Kenneth Muir",
        None,
        "Board member of Threshold Community Trust.",
        "Threshold",
        date(2021, 3, 1),
        date(2022, 9, 30),
    ),
    (
        "Tom Lennox",
        "Second Step",
        "Spouse employed by Northgate Housing Association.",
        "Northgate",
        date(2021, 6, 1),
        None,
    ),
    (
        "Alasdair Ross",
        "Harbour Light",
        "Harbour Light Housing intends to bid for the supported accommodation service.",
        "Harbour Light",
        date(2022, 9, 1),
        None,
    ),
]


def _commissioner_body(ctx) -> GoverningBody:
    alliance = ctx["alliance"]
    body = GoverningBody.objects.filter(alliance=alliance, code="IJB").first()
    return body or alliance_services.save_body(
        alliance=alliance,
        name=f"{ctx['commissioner'].name} Integration Joint Board",
        code="IJB",
        kind=GoverningBody.Kind.OUTSIDE,
        decision_rule=GoverningBody.DecisionRule.MAJORITY,
        quorum_fraction=Decimal("0.5"),
        established_on=date(2016, 4, 1),
    )


def _create(ctx, orgs, people) -> None:
    alliance, bodies = ctx["alliance"], ctx["bodies"]
    for short, holders in REPRESENTATIVES:
        role = services.save_role(
            alliance=alliance,
            title=f"Representative: {short}",
            kind=Role.Kind.MEMBER_REPRESENTATIVE,
            body=bodies["ALT"],
            organisation=orgs[short],
            description=f"Speaks and votes for {orgs[short].name} in the ALT.",
        )
        for name, starts, ends, reason in holders:
            services.assign_role(role=role, person=people[name], starts_on=starts, ends_on=ends, end_reason=reason)
    for key, title, kind, code, single, description, holders in POSTS:
        organisation = orgs["Harbour Light"] if key.startswith("deputy:") else None
        role = services.save_role(
            alliance=alliance,
            title=title,
            kind=kind,
            body=bodies[code],
            organisation=organisation,
            single_holder=single,
            description=description,
        )
        for name, starts, ends, reason in holders:
            services.assign_role(role=role, person=people[name], starts_on=starts, ends_on=ends, end_reason=reason)
    roles = {r.title: r for r in Role.objects.filter(alliance=alliance)}
    director = roles["Alliance Director"]
    first = services.grant_delegation(
        role=director,
        body=bodies["ALT"],
        scope="Operational spending and staffing decisions within the approved annual plan.",
        decision_kinds=[DecisionKind.OPERATIONAL],
        financial_limit=Decimal("25000"),
        valid_from=START,
    )
    services.revoke_delegation(
        delegation=first, revoked_on=date(2021, 9, 1), reason="Replaced by the scheme of delegation of September 2021"
    )
    services.grant_delegation(
        role=director,
        body=bodies["ALT"],
        scope="Operational decisions within the approved annual plan (scheme of delegation, September 2021).",
        decision_kinds=[DecisionKind.OPERATIONAL],
        financial_limit=Decimal("50000"),
        valid_from=date(2021, 9, 1),
    )
    services.grant_body_authority(
        grantor=_commissioner_body(ctx),
        grantee=bodies["ALT"],
        scope="Redesign and award of homelessness services within the alliance budget, under Schedule part 10.",
        decision_kinds=[
            DecisionKind.KEY,
            DecisionKind.AWARD,
            DecisionKind.POLICY,
            DecisionKind.OPERATIONAL,
            DecisionKind.APPOINTMENT,
            DecisionKind.DELEGATION,
            DecisionKind.PROCEDURAL,
        ],
        financial_limit=Decimal("2000000"),
        must_report="The annual plan and budget, and every award of a service, at the IJB's next meeting.",
        granted_reference="IJB meeting of 1 March 2020, paper IJB/20/07 (alliance scheme of delegation)",
        valid_from=START,
        valid_to=date(2027, 6, 30),
    )
    _seats(ctx, orgs, people)
    for name, represents, interest, concerns, declared, ends in INTERESTS:
        services.declare_interest(
            actor=SYSTEM,
            alliance=alliance,
            person=people[name],
            represents=orgs.get(represents),
            interest=interest,
            concerns_organisation=orgs[concerns],
            declared_on=declared,
            ends_on=ends,
        )


def _seats(ctx, orgs, people) -> None:
    """Each body's own seats where it is not the ALT: the management team is the providers' (the commissioner
    and the advisory members are not its voters), and the Oversight Group is three people in their own right
    with the lived-experience group advising; the members being overseen do not vote on their oversight. The
    ALT decides procedural matters (minutes, scheduling) by majority; key issues stay unanimous."""
    alliance, bodies = ctx["alliance"], ctx["bodies"]
    membership = {m.organisation_id: m for m in Membership.objects.filter(alliance=alliance)}
    amt, og = bodies["AMT"], bodies["OG"]
    amt = bodies["AMT"] = services.set_own_seats(
        actor=SYSTEM, body=amt, own_seats=True, reason="The management team is the providers'."
    )
    for provider in ctx["providers"]:
        services.add_seat(actor=SYSTEM, body=amt, membership=membership[provider.pk], starts_on=START)
    og = bodies["OG"] = services.set_own_seats(
        actor=SYSTEM, body=og, own_seats=True, reason="The Oversight Group's members sit in their own right."
    )
    for name in ("Helen Strachan", "David Ure", "Morven Blair"):
        services.add_seat(actor=SYSTEM, body=og, person=people[name], starts_on=date(2023, 1, 1))
    services.add_seat(
        actor=SYSTEM, body=og, membership=membership[orgs["Voices"].pk], kind="ADVISORY", starts_on=date(2023, 1, 1)
    )
    services.set_kind_rule(
        actor=SYSTEM, body=bodies["ALT"], kind=DecisionKind.PROCEDURAL, decision_rule="MAJORITY",
        quorum_fraction=Decimal("0.75"),
    )  # fmt: skip


@register("demo_parts", stage=DemoStage.STORY)
def load(ctx: dict, stdout) -> None:
    alliance = ctx["alliance"]
    orgs = {o.display_name: o for o in [ctx["commissioner"], *ctx["providers"], ctx["network"], ctx["lived"]]}
    users = {u.username: u for u in get_user_model().objects.filter(username__in=[p[2] for p in PEOPLE if p[2]])}
    people = {}
    for name, employer, username in PEOPLE:
        person = Person.objects.filter(name=name).first()
        people[name] = person or services.save_person(
            name=name,
            email=f"{name.lower().replace(' ', '.')}@example.org",
            employer=orgs.get(employer),
            user=users.get(username),
        )
    if not Role.objects.filter(alliance=alliance).exists():
        _create(ctx, orgs, people)
        stdout.write(f"Created {Role.objects.filter(alliance=alliance).count()} roles with their holders since 2020.")
    viewer = get_user_model().objects.filter(username="viewer").first()
    if viewer is not None and not AccessGrant.objects.filter(user=viewer, alliance=alliance).exists():
        # The demo's viewer holds no role: a grant gives them the members-level standing.
        AccessGrant.objects.create(
            user=viewer, alliance=alliance, standing=AccessGrant.Standing.VIEWER, starts_on=START,
            reason="Demo viewer from a member organisation",
        )  # fmt: skip
    roles = Role.objects.filter(alliance=alliance)
    keys = {title: key for key, title, *_ in POSTS}
    ctx.update(
        people=people,
        roles={
            keys.get(r.title, f"rep:{r.organisation.display_name}" if r.organisation else r.title): r for r in roles
        },
        delegations=list(delegation_register(alliance)),
    )
