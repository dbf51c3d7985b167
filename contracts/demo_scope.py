"""The demo's scope and money, built only through the services: the review's "scepticism about the
services which were in and out of scope" and about the 5% year-on-year reduction.

In February 2021 the leadership team agrees the scope: nine service lines in scope of the alliance and
the services the partnership retains (its own homelessness services, out-of-hours, the bed-and-breakfast
budget, temporary furnished flats, and care-home placements), each retained line with its reason. The
services the alliance inherited are recorded as the contracts that deliver them, so the budget page
counts them (it showed 1-3% of the budget committed without them); one in-scope line has no contract
found yet, and the budget page warns of it. The partnership's envelope is £24.6m in 2021/22, less 5% a
year from year 2, recorded by an agreed decision; when bed-and-breakfast use rose in late 2022 a
decision raised the retained budget (the line's history keeps both values). Savings delivered fall
short of the savings required against the baseline in 2022/23 and 2023/24.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from alliance.registry import DemoStage, register
from contracts.models import Contract
from contracts.scope_models import ServiceLine
from contracts.services import scope as services
from decisions.demo import Builder
from decisions.models import Decision
from roles.standing import SYSTEM

PUBLIC = Decision.Visibility.PUBLIC
SCOPE_STARTS, PURCHASED_END, PURCHASED_OPTION = date(2021, 4, 1), date(2025, 3, 31), date(2026, 3, 31)

# (name, category, annual value, provider's short name, contract title or None: no contract found yet)
IN_SCOPE = [
    (
        "Emergency and hostel accommodation",
        "emergency_accommodation",
        "6200000",
        "Northgate",
        "Hostel and emergency accommodation",
    ),
    ("Supported accommodation", "supported_accommodation", "5600000", "Threshold", "Supported accommodation services"),
    ("Housing first and intensive support", "intensive_support", "3100000", "Second Step", "Housing first Dunmarrow"),
    ("Day services", "day_services", "1650000", "Open Door", "Day centre and drop-in services"),
    ("Street outreach", "street_outreach", "1200000", "Cairnview", "Street outreach team"),
    ("Private rented sector access", "private_rented_access", "950000", "Northgate", "Rent deposit and access scheme"),
    ("Multi-agency hub", "multi_agency_hub", "780000", "Cairnview", "Wellgate multi-agency hub"),
    ("Resettlement and tenancy sustainment", "supported_accommodation", "400000", "Second Step", None),
]
# Lines whose contracts came through the alliance's own award processes (contracts/demo.py).
AWARDED = [
    ("Flexible community outreach", "flexible_community_outreach", "580000", "Harbour Light", "flexible_community"),
    ("Youth outreach", "youth_outreach", "138000", "Wayfinder", "youth_outreach"),
]
RETAINED = [
    (
        "The partnership's own homelessness services",
        "4300000",
        "DHSCP",
        "Statutory homelessness assessment, casework and housing options stay with the partnership's own teams: "
        "they carry the council's statutory duties, which cannot be delegated to the alliance.",
    ),
    (
        "Out-of-hours homelessness service",
        "620000",
        "DHSCP",
        "Part of the partnership's out-of-hours emergency social work service; it cannot be separated from it.",
    ),
    (
        "Bed-and-breakfast budget",
        "2100000",
        "DHSCP",
        "A demand-led budget for statutory temporary accommodation: the partnership keeps the risk of demand.",
    ),
    (
        "Temporary furnished flats",
        "3350000",
        "DHSCP",
        "Held under the council's leases and its housing revenue account; retained while the leases run.",
    ),
    (
        "Care home placements",
        "1150000",
        "Glenmorven",
        "Placements for people with care needs as well as housing needs are made under the partnership's "
        "care-home framework.",
    ),
]
# (financial year, line, member's short name or None, amount, how)
SAVINGS = [
    (
        2022,
        "Emergency and hostel accommodation",
        "Northgate",
        "420000",
        "Forty hostel beds turned into supported flats.",
    ),
    (2022, "Supported accommodation", "Threshold", "310000", "Two services merged under one manager."),
    (2022, "Day services", "Open Door", "150000", "The east drop-in moved into the Wellgate hub."),
    (2022, "Street outreach", None, "70000", "Shared vehicle and on-call rota across the alliance."),
    (2023, "Emergency and hostel accommodation", "Northgate", "640000", "The second hostel wing closed."),
    (2023, "Supported accommodation", "Threshold", "520000", "Move-on flats released twelve supported places."),
    (2023, "Housing first and intensive support", "Second Step", "260000", "Caseloads rebalanced."),
    (2023, "Day services", "Open Door", "180000", "Opening hours aligned with the hub."),
    (2023, "Flexible community outreach", "Harbour Light", "95000", "One team instead of three."),
]


def _at(d: date) -> datetime:
    return datetime(d.year, d.month, d.day, 12, 0, tzinfo=UTC)


@register("demo_parts", stage=DemoStage.STORY)
def load(ctx: dict, stdout) -> None:
    alliance = ctx["alliance"]
    if ServiceLine.objects.filter(alliance=alliance).exists():
        return
    builder = Builder(ctx)
    orgs = dict(builder.orgs)
    contracts = {c.service_category: c for c in Contract.objects.filter(alliance=alliance).select_related("provider")}
    for c in contracts.values():
        orgs.setdefault(c.provider.display_name, c.provider)
        orgs.setdefault(c.provider.name.split()[0], c.provider)
    scope = builder.decide(
        "scope",
        title="Agree the alliance's scope: the services in scope and those the partnership retains",
        proposal=(
            "That the services listed in the scope register are in scope of the alliance from 2021/22, and that "
            "the partnership retains its own homelessness services, the out-of-hours service, the bed-and-breakfast "
            "budget, temporary furnished flats and care-home placements, for the reasons recorded against each."
        ),
        on=date(2021, 2, 8),
        visibility=PUBLIC,
        tags=["scope register"],
        rationale="Members asked which services were in and out of scope; the register now says so, line by line.",
    )
    lines = {}
    for name, category, value, provider, _ in [*IN_SCOPE, *AWARDED]:
        lines[name] = services.record_service_line(
            actor=SYSTEM,
            alliance=alliance,
            name=name,
            service_category=category,
            annual_value=value,
            provider=orgs[provider],
            changed_by=scope,
            now=_at(date(2021, 2, 16)),
        )
    for name, value, provider, reason in RETAINED:
        lines[name] = services.record_service_line(
            actor=SYSTEM,
            alliance=alliance,
            name=name,
            in_scope=False,
            retention_reason=reason,
            annual_value=value,
            provider=orgs.get(provider) or contracts["care_homes"].provider,
            service_category="care_homes" if provider == "Glenmorven" else "",
            changed_by=scope,
            now=_at(date(2021, 2, 16)),
        )
    for name, _, value, provider, title in IN_SCOPE:
        if title is not None:
            services.record_purchased_contract(
                actor=SYSTEM,
                service_line=lines[name],
                title=title,
                provider=orgs[provider],
                annual_value=value,
                starts_on=SCOPE_STARTS,
                ends_on=PURCHASED_END,
                extension_until=PURCHASED_OPTION,
            )
    for name, category, *_ in AWARDED:
        if category in contracts:
            services.link_contract_to_service_line(actor=SYSTEM, contract=contracts[category], service_line=lines[name])
    if "care_homes" in contracts:
        services.link_contract_to_service_line(
            actor=SYSTEM, contract=contracts["care_homes"], service_line=lines["Care home placements"]
        )

    envelope_decision = builder.decide(
        "envelope",
        title="Record the partnership's budget envelope: £24.6m in 2021/22, less 5% a year from year 2",
        proposal=(
            "That the alliance records the budget envelope the partnership set for 2021/22 to 2026/27: £24,600,000 "
            "in year 1, falling by 5% a year from year 2, with savings required measured against the baseline."
        ),
        on=date(2021, 2, 8),
        visibility=PUBLIC,
        tags=["budget envelope"],
        rationale="The 5% year-on-year reduction is the partnership's; the alliance tracks the savings against it.",
    )
    services.set_budget_envelope(
        actor=SYSTEM,
        alliance=alliance,
        set_by=alliance.commissioner,
        set_by_decision=envelope_decision,
        baseline_year=2021,
        baseline_amount="24600000",
        annual_reduction_percent="5",
        reduction_from_year=2,
        years=6,
        notes="Set by the partnership's budget for 2021/22 and its medium-term financial plan.",
    )
    rise = builder.decide(
        "bed_and_breakfast",
        title="Raise the retained bed-and-breakfast budget to £2.65m a year",
        proposal=(
            "That the scope register records the partnership's bed-and-breakfast budget at £2,650,000 a year, "
            "as use rose through 2022; it stays retained by the partnership."
        ),
        on=date(2022, 11, 14),
        visibility=PUBLIC,
        tags=["bed and breakfast"],
        rationale="The alliance should see the cost of the services it does not control.",
    )
    services.change_service_line(
        actor=SYSTEM,
        service_line=lines["Bed-and-breakfast budget"],
        changed_by=rise,
        annual_value=Decimal("2650000"),
        now=_at(date(2022, 11, 22)),
    )
    members = {m: orgs[m] for m in {s[2] for s in SAVINGS if s[2]}}
    for year, line, member, amount, how in SAVINGS:
        services.record_savings(
            actor=SYSTEM,
            service_line=lines[line],
            financial_year=year,
            member=members.get(member),
            amount=amount,
            description=how,
            now=_at(date(2023, 4, 28) if year == 2022 else date(2023, 9, 15)),
        )
    stdout.write(
        f"Recorded {len(lines)} service lines ({len(RETAINED)} retained by the commissioner), the budget envelope "
        f"and {len(SAVINGS)} savings."
    )
