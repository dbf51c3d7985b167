"""The demo's forward plan and inbox: what the alliance expected to decide after September 2023, and
the notifications of the week the ALT agreed to conclude the alliance.

A demo part of its own stage, the last (alliance.registry.DemoStage.FORWARD_PLAN), so that the
decisions and roles it reads exist. Idempotent.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from alliance import notifications
from alliance.access import Access
from alliance.formatting import day_time
from alliance.forward_plan import save_entry
from alliance.models import ForwardPlanEntry
from alliance.registry import DemoStage, register

# The demo's "now": a week after the ALT's September 2023 meeting.
DEMO_NOW = datetime(2023, 9, 20, 8, 0, tzinfo=ZoneInfo("Europe/London"))
# The demo loader keeps the plan with an administrator's standing (roles.standing.SYSTEM, which
# the alliance core cannot import).
DEMO_KEEPER = Access(authenticated=True, staff=True)
CONTACT = {"contact_name": "Rachel Ogilvie", "contact_email": "rachel.ogilvie@example.org"}

ENTRIES = [
    (
        "ALT",
        "Publish the commissioning timetable after the alliance",
        "KEY",
        date(2023, 10, 11),
        "",
        "How the partnership will commission homelessness services from 1 April 2024, and when providers "
        "outside the alliance can take part.",
    ),
    (
        "ALT",
        "Award the street outreach service for 2024/25",
        "AWARD",
        date(2023, 11, 15),
        "EXTERNAL_PROCUREMENT",
        "An open procurement for a city-wide street outreach team, estimated at £420,000 a year.",
    ),
    (
        "ALT",
        "Extend the youth outreach contract to 31 March 2025",
        "AWARD",
        date(2023, 12, 13),
        "DIRECT_AWARD",
        "A direct award to the current member provider to keep young people's workers through the transition.",
    ),
    (
        "AMT",
        "Agree the data-sharing arrangements for novated contracts",
        "OPERATIONAL",
        date(2024, 1, 17),
        "",
        "What case information moves with each contract, with the consent of the people it concerns.",
    ),
    (
        "ALT",
        "Approve the final report of the alliance",
        "KEY",
        date(2024, 3, 13),
        "",
        "What the alliance achieved and learned, published for providers, the partnership and the public.",
    ),
]


@register("demo_parts", stage=DemoStage.FORWARD_PLAN)
def load(ctx: dict, stdout) -> None:
    alliance, bodies = ctx["alliance"], ctx["bodies"]
    # Its own entries: a contract's decision due may have been announced before (contracts/demo_warnings.py).
    if not ForwardPlanEntry.objects.filter(alliance=alliance, title__in=[entry[1] for entry in ENTRIES]).exists():
        for code, title, kind, expected_on, route, summary in ENTRIES:
            save_entry(
                actor=DEMO_KEEPER,
                alliance=alliance,
                body=bodies.get(code),
                title=title,
                kind=kind,
                expected_on=expected_on,
                route=route,
                summary=summary,
                published=True,
                **CONTACT,
            )
        stdout.write(f"Published {len(ENTRIES)} forward plan entries.")
    collected = notifications.collect(DEMO_NOW)
    if collected.created:
        stdout.write(f"Stored {collected.created} notifications as of {day_time(DEMO_NOW)} for the inbox.")
