"""The demo's week of notifications, the part of decisions and roles: what is going on in the week
after the ALT agreed to conclude the alliance (the demo's "now", 20 September 2023), so that its
inbox holds every kind of notification.

- a written procedure opened on 14 September and closing on 21 September, Second Step's vote
  still missing (a decision opened; closing soon);
- the night-time hub pilot agreed in December 2022, due for review on 18 September 2023;
- the Homelessness Network advisor leaving on 13 October 2023 with nobody to follow;
- for the home pages: Second Step's representative owes the secretary the list of people to receive
  the letter (due 19 September, overdue), and the secretary has the last ALT meeting's date in draft.

load_demo calls ``load(ctx, stdout)`` after every app's ``demo`` module and before the forward plan
collects the inbox. Built through the services; idempotent (each part is recorded once).
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from alliance.choices import DecisionKind
from alliance.queries import voting_members_on
from alliance.registry import DemoStage, register
from decisions import services
from decisions.demo import acting_as
from decisions.models import Decision
from roles import queries as roles_queries
from roles import services as roles_services
from roles.models import Person, RoleAssignment
from roles.standing import SYSTEM

LONDON = ZoneInfo("Europe/London")

LETTER = "Agree the letter to people using services about the end of the alliance"
LETTER_PROPOSAL = (
    "That every member sends the agreed letter, with the dates of the drop-in sessions, to each person it "
    "supports before the partnership announces the end of the alliance."
)
LETTER_MISSING = "Second Step"

PILOT = "Run the night-time hub as a pilot until September 2023"
PILOT_PROPOSAL = (
    "That the night-time hub opens as a pilot from January 2023, and the ALT decides in September 2023 "
    "whether it continues, on the peer researchers' evaluation."
)
PILOT_REVIEW_ON = date(2023, 9, 18)

LIST_ACTION = "Send the secretary the list of people Second Step supports, for the letter"
LIST_OWNER = "Tom Lennox"
LIST_DUE_ON = date(2023, 9, 19)
LAST_MEETING = "Fix the date of the alliance's last ALT meeting"
LAST_MEETING_PROPOSAL = (
    "That the ALT meets for the last time in March 2024, to approve the closing report and the handover of "
    "every open action to the partnership."
)

LEAVING_ROLE = "network_advisor"
LEAVING_ON = date(2023, 10, 13)


def _at(d: date, hour: int, minute: int = 0) -> datetime:
    return datetime(d.year, d.month, d.day, hour, minute, tzinfo=LONDON)


def _written_procedure(alliance, body, *, title, proposal, opened_at, closes_at, voted_on, skip=(), **fields):
    """Draft and open a decision by written procedure, and record the votes of all members but ``skip``."""
    decision = services.draft_decision(
        actor=SYSTEM,
        body=body,
        title=title,
        proposal=proposal,
        kind=DecisionKind.KEY,
        closes_at=closes_at,
        now=opened_at,  # the demo replays the past: drafted as of the opening
        **fields,
    )
    decision = services.open_decision(actor=SYSTEM, decision=decision, opened_at=opened_at)
    for membership in voting_members_on(alliance, voted_on):
        if membership.organisation.display_name in skip:
            continue
        services.cast_vote(
            actor=SYSTEM,
            decision=decision,
            membership=membership,
            position="AGREE",
            cast_by=roles_queries.representatives_on(membership=membership, on=voted_on).first(),
            capacity=acting_as(membership),
            cast_at=_at(voted_on, 11),
            now=_at(voted_on, 11),  # the demo replays the past: the deadline is judged as of then
        )
    return decision


def _pilot(alliance, alt) -> None:
    decision = _written_procedure(
        alliance,
        alt,
        title=PILOT,
        proposal=PILOT_PROPOSAL,
        opened_at=_at(date(2022, 12, 5), 9),
        closes_at=_at(date(2022, 12, 12), 17),
        voted_on=date(2022, 12, 7),
        review_on=PILOT_REVIEW_ON,
        tags=["night hub"],
        rationale="Rough sleepers met after 8pm had nowhere to go; a pilot shows whether a hub answers that.",
    )
    services.close_decision(actor=SYSTEM, decision=decision, closed_at=_at(date(2022, 12, 12), 17))


def _letter(alliance, alt, conclude: Decision | None) -> None:
    _written_procedure(
        alliance,
        alt,
        title=LETTER,
        proposal=LETTER_PROPOSAL,
        opened_at=_at(date(2023, 9, 14), 9),
        closes_at=_at(date(2023, 9, 21), 17),
        voted_on=date(2023, 9, 18),
        skip={LETTER_MISSING},
        revisits=[conclude] if conclude else [],
        tags=["conclusion"],
    )


def _leaving(ctx: dict) -> None:
    role = ctx["roles"].get(LEAVING_ROLE)
    assignment = role and roles_queries.holders_on(role, LEAVING_ON).filter(ends_on__isnull=True).first()
    if assignment:
        roles_services.end_assignment(
            assignment=assignment,
            ends_on=LEAVING_ON,
            end_reason=RoleAssignment.EndReason.RESIGNED,
            note="Leaves the network for a post outside Dunmarrow.",
        )


def _for_the_homes(alliance, alt, conclude: Decision | None) -> None:
    """What the representative's and the secretary's home pages show besides the letter."""
    owner = Person.objects.filter(name=LIST_OWNER).first()
    if conclude is not None and owner is not None:
        services.create_action_item(
            actor=SYSTEM, decision=conclude, title=LIST_ACTION, due_on=LIST_DUE_ON, owner_person=owner
        )
    services.draft_decision(
        actor=SYSTEM,
        body=alt,
        title=LAST_MEETING,
        proposal=LAST_MEETING_PROPOSAL,
        kind=DecisionKind.PROCEDURAL,
        tags=["conclusion"],
    )


@register("demo_parts", stage=DemoStage.WEEK)
def load(ctx: dict, stdout) -> None:
    alliance, alt = ctx["alliance"], ctx["bodies"]["ALT"]
    decisions = Decision.objects.filter(alliance=alliance)
    if not decisions.filter(title=PILOT).exists():
        _pilot(alliance, alt)
    if not decisions.filter(title=LETTER).exists():
        conclude = decisions.filter(title__startswith="Conclude the alliance").first()
        _letter(alliance, alt, conclude)
        stdout.write(f"Opened '{LETTER}' by written procedure, {LETTER_MISSING}'s vote missing.")
    if not RoleAssignment.objects.filter(role__alliance=alliance, ends_on=LEAVING_ON).exists():
        _leaving(ctx)
    if not decisions.filter(title=LAST_MEETING).exists():
        _for_the_homes(alliance, alt, decisions.filter(title__startswith="Conclude the alliance").first())
        stdout.write(f"Left '{LAST_MEETING}' in draft and an action for {LIST_OWNER}, for the home pages.")
