"""Meetings and decisions of the demo alliance, July 2020 to September 2023, built through the services.

The story the review tells, with the record catching each failure: the operating manual brought to
the ALT, deferred, lapsed for missing positions and deferred again, never agreed (its procurement and
financial sections were never settled); the outreach redesign discussed again and again (each time
linked to the last), one proposal lost to a single objection, its missed milestones answered by
contract extensions that revisit it; budgets beyond the £2m the IJB delegated to the ALT sent to the
IJB for approval; directors leaving; operational decisions under the director's delegation; advisors
heard beside the votes, one piece of advice left unanswered at the close and answered weeks later;
and in September 2023 the decision to conclude the alliance. Names are invented.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from alliance.choices import DecisionKind
from alliance.models import Membership
from alliance.registry import DemoStage, register
from decisions import services
from decisions.models import AgendaItem, Decision, Meeting
from decisions.queries import voting_seats_on
from roles import queries as roles_queries
from roles import services as roles_services
from roles.models import Person
from roles.standing import SYSTEM

LONDON = ZoneInfo("Europe/London")


def commissioner_approval(decision: Decision, after: timedelta = timedelta(days=21)) -> Decision:
    """The IJB's approval of a decision the ALT agreed beyond the £2m the IJB delegated to it: given at the
    IJB's next meeting, three weeks on, and recorded with its minute (the authority map)."""
    if decision.status != Decision.Status.AWAITING_APPROVAL:
        return decision
    given_on = decision.decided_on + after
    services.record_approval(
        actor=SYSTEM,
        decision=decision,
        outcome="approved",
        given_on=given_on,
        reference=f"IJB minute of {given_on:%-d %B %Y}, item {decision.reference}",
        note="Approved as agreed by the ALT.",
        recorded_at=datetime(given_on.year, given_on.month, given_on.day, 17, tzinfo=LONDON),
    )
    decision.refresh_from_db()
    return decision


KEY, OPERATIONAL, APPOINTMENT, DELEGATION = (
    DecisionKind.KEY,
    DecisionKind.OPERATIONAL,
    DecisionKind.APPOINTMENT,
    DecisionKind.DELEGATION,
)
PUBLIC = Decision.Visibility.PUBLIC
OBJECTION = (
    "Open Door Care cannot agree to a single outreach team while the night-time gap in the east of the city "
    "is unanswered: people we support would lose the only worker who meets them after 8pm."
)


def acting_as(membership: Membership) -> str:
    """The capacity a demo member votes in: the commissioner, which holds several, votes as a partner."""
    return Membership.Capacity.PARTNER if len(membership.capacities) > 1 else ""


def _at(d: date, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(d.year, d.month, d.day, hour, minute, tzinfo=LONDON)


class Builder:
    """Records the alliance's meetings and decisions in date order, through the services only."""

    def __init__(self, ctx: dict):
        self.ctx = ctx
        self.alliance = ctx["alliance"]
        self.bodies = ctx["bodies"]
        self.people = ctx["people"]
        self.roles = ctx["roles"]
        self.orgs = {o.display_name: o for o in [ctx["commissioner"], *ctx["providers"], ctx["network"], ctx["lived"]]}
        self.memberships = {
            m.organisation.display_name: m
            for m in Membership.objects.filter(alliance=self.alliance).select_related("organisation")
        }
        self.taken: dict[str, Decision] = {}
        self.deputy_days: set[date] = set()
        self.meetings: dict[str, Meeting] = {}

    # People in their roles on a date -----------------------------------------------------------

    def rep(self, membership: Membership, on: date) -> Person:
        return roles_queries.representatives_on(membership=membership, on=on).first()

    def holder(self, key: str, on: date) -> Person | None:
        assignment = roles_queries.holders_on(self.roles[key], on).first()
        return assignment.person if assignment else None

    # Meetings ----------------------------------------------------------------------------------

    def meeting(self, key: str, code: str, on: date, title: str, minutes: str, *, deputy: bool = False, extra=()):
        start = _at(on)
        meeting = services.schedule_meeting(
            actor=SYSTEM,
            body=self.bodies[code],
            starts_at=start,
            title=title,
            location="Dunmarrow Community Hub, Wellgate",
        )
        for voter in voting_seats_on(self.bodies[code], on):
            if voter.membership is None:  # a person sitting in their own right
                services.record_attendance(actor=SYSTEM, meeting=meeting, person=voter.person, capacity="seat_holder")
                continue
            membership = voter.membership
            short = membership.organisation.display_name
            person = self.rep(membership, on)
            capacity = "voting_representative"
            if deputy and short == "Harbour Light":
                person, capacity = self.people["Kirsty Gray"], "deputy"
                self.deputy_days.add(on)
            services.record_attendance(
                actor=SYSTEM, meeting=meeting, person=person, capacity=capacity, organisation=membership.organisation
            )
        for key_, org in (("network_advisor", "DHN"), ("lived_advisor", "Voices")):
            advisor = self.holder(key_, on)
            if advisor:
                services.record_attendance(
                    actor=SYSTEM, meeting=meeting, person=advisor, capacity="advisor", organisation=self.orgs[org]
                )
        secretary = self.holder("secretary", on)
        if secretary:
            services.record_attendance(actor=SYSTEM, meeting=meeting, person=secretary, capacity="secretariat")
        for name, capacity, org, present in extra:
            services.record_attendance(
                actor=SYSTEM,
                meeting=meeting,
                person=self.people[name],
                capacity=capacity,
                organisation=self.orgs.get(org),
                present=present,
            )
        services.mark_meeting_held(actor=SYSTEM, meeting=meeting, minutes=minutes)
        self.meetings[key] = meeting
        return meeting

    # Decisions ---------------------------------------------------------------------------------

    def decide(
        self,
        key: str,
        *,
        title: str,
        proposal: str,
        meeting: str | None = None,
        code: str = "ALT",
        on: date | None = None,
        voters: tuple[str, ...] | None = None,
        objections: dict[str, str] | None = None,
        advice: tuple = (),
        recuse: dict | None = None,
        revisits: tuple[str, ...] = (),
        amends: str | None = None,
        supersedes: str | None = None,
        approves: str | None = None,
        actions: tuple = (),
        defer: tuple | None = None,
        **fields,
    ) -> Decision:
        """Draft, hear advice, recuse, open, vote and close one decision; return it closed."""
        mtg = self.meetings.get(meeting) if meeting else None
        start = mtg.starts_at if mtg else _at(on, 9)
        day = start.astimezone(LONDON).date()
        # Approving minutes is procedural: the ALT decides it by majority, key issues by unanimity.
        fields.setdefault("kind", DecisionKind.PROCEDURAL if approves else KEY)
        fields.update(title=title, proposal=proposal, meeting=mtg, revisits=[self.taken[k] for k in revisits])
        if not mtg:
            fields["closes_at"] = start + timedelta(days=7)
        fields["now"] = start  # the demo replays the past: drafted as of the meeting or the opening
        if amends:
            fields.pop("revisits")
            decision = services.amend_decision(actor=SYSTEM, decision=self.taken[amends], **fields)
        elif supersedes:
            fields.pop("revisits")
            decision = services.supersede_decision(actor=SYSTEM, decision=self.taken[supersedes], **fields)
        else:
            decision = services.draft_decision(actor=SYSTEM, body=self.bodies[code], **fields)
        for org, text, response in advice:
            given = services.record_advice(
                actor=SYSTEM,
                decision=decision,
                organisation=self.orgs[org],
                advice=text,
                given_at=start + timedelta(minutes=20),
            )
            if response is None:  # left unanswered at the meeting: see answer_late()
                continue
            services.respond_to_advice(
                actor=SYSTEM, advisory_input=given, response=response, responded_at=start + timedelta(minutes=40)
            )
        for short, (reason, interest) in (recuse or {}).items():
            services.record_recusal(
                actor=SYSTEM, decision=decision, membership=self.memberships[short], reason=reason, interest=interest
            )
        services.open_decision(actor=SYSTEM, decision=decision, opened_at=start + timedelta(minutes=45))
        if defer:
            return self._defer(key, decision, *defer)
        self._votes(decision, day, start + timedelta(hours=1), voters, objections or {}, recuse or {})
        decision = services.close_decision(
            actor=SYSTEM, decision=decision, closed_at=start + timedelta(hours=2, days=0 if mtg else 7)
        )
        decision = commissioner_approval(decision)
        if approves:
            services.approve_minutes(
                actor=SYSTEM, meeting=self.meetings[approves], decision=decision, approved_at=decision.closed_at
            )
        for title_, due, owner, done in actions:
            owner_fields = (
                {"owner_role": self.roles[owner]} if owner in self.roles else {"owner_person": self.people[owner]}
            )
            item = services.create_action_item(
                actor=SYSTEM, decision=decision, title=title_, due_on=due, **owner_fields
            )
            if done:
                services.complete_action_item(actor=SYSTEM, item=item, completed_on=done)
        self.taken[key] = decision
        return decision

    def _votes(self, decision, day, cast_at, voters, objections, recused) -> None:
        for voter in voting_seats_on(decision.body, day):
            membership = voter.membership
            short = membership.organisation.display_name if membership else voter.name
            if short in recused or (voters is not None and short not in voters):
                continue
            statement = objections.get(short, "")
            if membership is None:
                caster = voter.person
            elif day in self.deputy_days and short == "Harbour Light":
                caster = self.people["Kirsty Gray"]
            else:
                caster = self.rep(membership, day)
            services.cast_vote(
                actor=SYSTEM,
                decision=decision,
                membership=membership,
                seat=voter.seat if membership is None else None,
                position="OBJECT" if statement else "AGREE",
                statement=statement,
                cast_by=caster,
                capacity=acting_as(membership) if membership is not None else "",
                cast_at=cast_at,
                now=cast_at,
            )

    def _defer(self, key, decision, reason, review_on) -> Decision:
        decision = services.defer_decision(actor=SYSTEM, decision=decision, reason=reason, review_on=review_on)
        self.taken[key] = decision
        return decision

    def reopen(self, key: str, meeting: str, *, voters: tuple[str, ...] | None = None) -> Decision:
        """Reopen a deferred decision at a later meeting and take it there. With ``voters``, only those
        members give a position: nobody objects, so a unanimous decision lapses, which the secretary
        confirms (the positions missing)."""
        decision, mtg = self.taken[key], self.meetings[meeting]
        day = mtg.starts_at.astimezone(LONDON).date()
        services.update_decision(actor=SYSTEM, decision=decision, meeting=mtg)
        services.open_decision(actor=SYSTEM, decision=decision, opened_at=mtg.starts_at)
        self._votes(decision, day, mtg.starts_at + timedelta(hours=1), voters, {}, {})
        closed = services.close_decision(
            actor=SYSTEM,
            decision=decision,
            closed_at=mtg.starts_at + timedelta(hours=2),
            confirm_missing=voters is not None,
        )
        self.taken[key] = commissioner_approval(closed)
        return self.taken[key]

    def answer_late(self, key: str, org: str, response: str, on: date) -> None:
        """Answer advice the decision closed without answering: an appended response, weeks later."""
        given = self.taken[key].advisory_inputs.get(organisation=self.orgs[org])
        services.respond_to_advice(actor=SYSTEM, advisory_input=given, response=response, responded_at=_at(on, 15))

    def delegated(self, key: str, *, title: str, proposal: str, value: str, on: date, rationale: str) -> Decision:
        director = self.holder("director", on)
        delegation = next(
            d for d in self.ctx["delegations"] if d.role_id == self.roles["director"].pk and d.is_valid_on(on)
        )
        decision = services.take_delegated_decision(
            actor=SYSTEM,
            body=self.bodies["ALT"],
            title=title,
            proposal=proposal,
            value=Decimal(value),
            decided_by=director,
            delegation=delegation,
            decided_on=on,
            rationale=rationale,
            tags=["operational"],
        )
        self.taken[key] = decision
        return decision


@register("demo_parts", stage=DemoStage.STORY)
def load(ctx: dict, stdout) -> None:
    alliance = ctx["alliance"]
    if Decision.objects.filter(alliance=alliance).exists():
        return
    b = Builder(ctx)
    _year_one(b)
    _year_two(b)
    _year_three(b)
    _conclusion(b)
    _minutes_of_september(b)
    stdout.write(
        f"Recorded {Meeting.objects.filter(body__alliance=alliance).count()} meetings and "
        f"{Decision.objects.filter(alliance=alliance).count()} decisions from 2020 to 2023."
    )


def _year_one(b: Builder) -> None:
    b.meeting(
        "m1",
        "ALT",
        date(2020, 7, 15),
        "First meeting of the Alliance Leadership Team",
        "The ALT met for the first time, agreed its terms of reference and confirmed the first Alliance Director. "
        "The operating manual was deferred: its procurement and financial sections were not agreed.",
    )
    b.decide(
        "manual",
        meeting="m1",
        title="Adopt the alliance operating manual",
        proposal="That the alliance adopts the operating manual (version 1.0) as the way members work together: "
        "open-book finance, shared data, escalation, procurement and financial processes, and the principle of "
        "no fault, no blame.",
        rationale="The agreement asks for one manual; every member helped write it.",
        alternatives_considered="Each member keeping its own procedures was rejected: it is how services were "
        "fragmented before the alliance.",
        tags=["operating-manual"],
        visibility=PUBLIC,
        defer=(
            "The procurement and financial sections are not agreed: the partnership wants the financial processes "
            "tested before anything changes, the providers want schedule part 10 changed first. Brought back in "
            "December.",
            date(2020, 12, 9),
        ),
    )
    b.decide(
        "terms",
        meeting="m1",
        title="Agree the ALT terms of reference and meeting cycle",
        proposal="That the ALT meets every quarter, decides key issues unanimously, and hears its advisory "
        "members on every item.",
        rationale="Unanimity on key issues is what the members signed up to.",
        tags=["governance"],
        visibility=PUBLIC,
    )
    b.decide(
        "director1",
        meeting="m1",
        title="Confirm Fiona Baird as the first Alliance Director",
        proposal="That the ALT confirms the appointment of Fiona Baird, seconded from the partnership, as "
        "Alliance Director from 1 July 2020.",
        tags=["director"],
    )
    b.meeting(
        "m2",
        "ALT",
        date(2020, 9, 16),
        "ALT September 2020",
        "Minutes of July approved. Outreach redesign chosen as the first priority after hearing Voices of "
        "Experience and the Homelessness Network.",
    )
    b.decide(
        "minutes1",
        meeting="m2",
        title="Approve the minutes of the meeting of 15 July 2020",
        proposal="That the minutes of the ALT meeting of 15 July 2020 are a true record.",
        tags=["minutes"],
        approves="m1",
    )
    b.decide(
        "outreach1",
        meeting="m2",
        title="Prioritise the redesign of flexible community outreach",
        proposal="That the redesign of flexible community outreach is the alliance's first priority for 2020/21.",
        rationale="Outreach is where people first meet the system and where the gaps are widest.",
        alternatives_considered="Starting with supported accommodation was considered; its contracts run to 2022.",
        tags=["outreach", "redesign"],
        visibility=PUBLIC,
        advice=(
            (
                "Voices",
                "People we spoke to said outreach workers change too often to build trust.",
                "The redesign brief now asks for named workers who stay with a person.",
            ),
            (
                "DHN",
                "Providers outside the alliance run street outreach too; include them from the start.",
                "The network's members are invited to every redesign workshop.",
            ),
        ),
        actions=(("Write the outreach redesign brief", date(2020, 10, 31), "director", date(2020, 10, 28)),),
    )
    b.decide(
        "risk1",
        meeting="m2",
        title="Adopt the alliance risk register",
        proposal="That the alliance adopts a shared risk register, reviewed at every ALT meeting.",
        tags=["risk"],
    )
    b.decide(
        "winter1",
        on=date(2020, 11, 16),
        title="Approve the winter shelter contingency plan",
        proposal="That the alliance opens forty additional emergency beds from 1 December to 31 March, "
        "funded from the alliance contingency.",
        rationale="Decided by written procedure: the need could not wait for the December meeting.",
        tags=["winter", "emergency-accommodation"],
        value=Decimal("210000"),
        visibility=PUBLIC,
    )
    b.meeting(
        "m3",
        "ALT",
        date(2020, 12, 9),
        "ALT December 2020",
        "Discovery phase for outreach approved; 2021/22 budget agreed, beyond the ALT's £2m authority, and sent "
        "to the IJB for its approval. The operating manual came back without agreed procurement and financial "
        "sections: three members gave no position and it lapsed.",
    )
    # Brought back unchanged: nobody objects, but the partnership and two providers will not give a position
    # on a manual whose procurement and financial sections are still open, so the unanimous decision lapses.
    b.reopen("manual", "m3", voters=("Harbour Light", "Cairnview", "Open Door", "Wayfinder", "Threshold"))
    b.decide(
        "outreach2",
        meeting="m3",
        title="Outreach redesign: approve the discovery phase",
        proposal="That a twelve-week discovery phase maps every outreach contact in the city.",
        tags=["outreach", "redesign"],
        revisits=("outreach1",),
    )
    b.decide(
        "budget1",
        meeting="m3",
        title="Set the 2021/22 alliance budget",
        proposal="That the alliance budget for 2021/22 is £24,600,000, allocated by service as in the plan.",
        tags=["budget"],
        value=Decimal("24600000"),
        visibility=PUBLIC,
    )


def _year_two(b: Builder) -> None:
    b.delegated(
        "van",
        title="Extend the outreach van lease by six months",
        proposal="Extend the lease of the outreach van to 31 July 2021 while the redesign is under way.",
        value="8400",
        on=date(2021, 1, 20),
        rationale="Within the director's delegation; the van is the outreach team's base at night.",
    )
    b.meeting(
        "m4",
        "ALT",
        date(2021, 2, 24),
        "ALT February 2021",
        "Fiona Baird's resignation accepted; Kenneth Muir confirmed as director. The single-team model for "
        "outreach was not agreed: Open Door Care objected.",
        deputy=True,
    )
    b.decide(
        "director2",
        meeting="m4",
        title="Accept the resignation of Fiona Baird and confirm Kenneth Muir as Alliance Director",
        proposal="That the ALT accepts Fiona Baird's resignation from 28 February 2021 and confirms Kenneth Muir "
        "as Alliance Director from 1 March 2021.",
        tags=["director"],
        revisits=("director1",),
    )
    b.decide(
        "outreach3",
        meeting="m4",
        title="Outreach redesign: move to a single outreach team",
        proposal="That the five outreach services become one alliance outreach team from 1 July 2021.",
        rationale="The discovery phase found five teams visiting the same people on the same nights.",
        alternatives_considered="Keeping five teams with a shared rota; rejected by the discovery phase.",
        tags=["outreach", "redesign"],
        revisits=("outreach2",),
        objections={"Open Door": OBJECTION},
    )
    b.delegated(
        "peer-research",
        title="Commission a peer-research study of outreach users",
        proposal="Commission Voices of Experience to run twelve peer-research interviews with outreach users.",
        value="12000",
        on=date(2021, 4, 12),
        rationale="Answers the objection of February: what happens to people at night.",
    )
    b.meeting(
        "m5",
        "ALT",
        date(2021, 5, 19),
        "ALT May 2021",
        "The single team was agreed with a night-time hub, answering Open Door Care's objection. Its July start "
        "was missed, so the four current outreach contracts were extended to 30 September 2021.",
    )
    b.decide(
        "minutes4",
        meeting="m5",
        title="Approve the minutes of the meeting of 24 February 2021",
        proposal="That the minutes of the ALT meeting of 24 February 2021 are a true record.",
        tags=["minutes"],
        approves="m4",
    )
    b.decide(
        "outreach4",
        meeting="m5",
        title="Outreach redesign: a single team with a night-time hub",
        proposal="That the five outreach services become one team from 1 October 2021, with a night-time hub in "
        "the east of the city open until 2am.",
        rationale="The peer research showed the night-time gap Open Door Care raised; the hub closes it.",
        tags=["outreach", "redesign"],
        revisits=("outreach3", "outreach2"),
        visibility=PUBLIC,
        advice=(
            (
                "Voices",
                "The hub must be somewhere people can walk to, not a building they would avoid.",
                "The hub will be in the Wellgate community centre, chosen with the peer researchers.",
            ),
        ),
        actions=(
            ("Open the night-time hub", date(2021, 10, 1), "director", date(2021, 10, 4)),
            ("Transfer outreach staff to the single team", date(2021, 9, 30), "Duncan Wallace", date(2021, 9, 28)),
        ),
    )
    # The redesign's milestone (one team from 1 July 2021) was missed: the contracts it was to replace run on.
    b.decide(
        "extension1",
        meeting="m5",
        title="Extend the four current outreach contracts to 30 September 2021",
        proposal="That the four outreach contracts ending on 30 June 2021 are extended to 30 September 2021, when the "
        "single outreach team starts.",
        rationale="The single team missed its July start when the model was not agreed in February; extending the "
        "current contracts keeps every service running until the new team is ready.",
        alternatives_considered="Letting the contracts end on 30 June was rejected: people would lose their "
        "outreach worker for three months.",
        tags=["outreach", "redesign", "contract-extension"],
        value=Decimal("290000"),
        revisits=("outreach4", "outreach3"),
        advice=(
            (
                "DHN",
                "Providers outside the alliance are holding staff for the new service; each delay costs them posts.",
                "The director writes to every network provider with the new start date and the reason for the delay.",
            ),
        ),
    )
    b.meeting(
        "m6",
        "ALT",
        date(2021, 8, 25),
        "ALT August 2021",
        "Scheme of delegation adopted; the Chair given authority for urgent matters; housing-first expansion "
        "funded with Second Step recused. Voices of Experience's advice on the expansion was not answered at the "
        "meeting.",
        # Gillian Shaw no longer held Second Step's representative role (she resigned in May 2021): she
        # attended to hand over, as an observer, and Tom Lennox represented Second Step.
        extra=(("Gillian Shaw", "observer", None, True),),
    )
    b.decide(
        "scheme",
        meeting="m6",
        title="Adopt the scheme of delegation of September 2021",
        proposal="That the director's delegation rises to £50,000 for operational decisions within the annual plan "
        "from 1 September 2021, replacing the delegation of July 2020.",
        tags=["delegation"],
    )
    b.decide(
        "chair-delegation",
        meeting="m6",
        kind=DELEGATION,
        title="Delegate urgent operational decisions to the Chair",
        proposal="That the Chair of the ALT may take urgent operational decisions up to £10,000 between meetings, "
        "reporting them at the next meeting.",
        tags=["delegation"],
        delegation_role=b.roles["chair"],
        delegation_scope="Urgent operational decisions between meetings, reported to the next ALT meeting.",
        delegation_kinds=[OPERATIONAL],
        delegation_limit=Decimal("10000"),
        delegation_valid_from=date(2021, 9, 1),
    )
    interest = b.people["Tom Lennox"].interests.filter(concerns_organisation=b.orgs["Northgate"]).first()
    b.decide(
        "housing-first",
        meeting="m6",
        title="Fund the Northgate housing-first expansion",
        proposal="That Northgate Housing Association's housing-first service grows by twenty tenancies, "
        "funded at £180,000 a year.",
        tags=["housing-first"],
        value=Decimal("180000"),
        recuse={"Second Step": ("Its representative's spouse is employed by Northgate.", interest)},
        # The ALT closed the decision without answering the lived-experience advice (see answer_late below).
        advice=(
            (
                "Voices",
                "People we know lost housing-first tenancies when they fell behind on rent; the support has to stay "
                "when that happens, or the twenty new tenancies will fail the same way.",
                None,
            ),
        ),
        actions=(("Report on the twenty new tenancies", date(2022, 3, 31), "Iain Forsyth", None),),
    )
    b.delegated(
        "night-workers",
        title="Recruit two additional outreach workers for the night hub",
        proposal="Recruit two outreach workers on twelve-month contracts for the night-time hub.",
        value="46000",
        on=date(2021, 10, 5),
        rationale="Within the £50,000 delegation of September 2021.",
    )
    # Voices of Experience asked in August; the answer came weeks after the decision was sealed.
    b.answer_late(
        "housing-first",
        "Voices",
        "Northgate's tenancy agreements for the twenty new tenancies now keep the support in place through rent "
        "arrears, under a protocol agreed with the peer researchers.",
        date(2021, 10, 13),
    )
    b.meeting(
        "m7",
        "ALT",
        date(2021, 11, 24),
        "ALT November 2021",
        "An interim information-sharing protocol agreed while the operating manual is unfinished; 2022/23 budget "
        "agreed and sent to the IJB for its approval.",
    )
    b.decide(
        "manual2",
        meeting="m7",
        title="Agree an interim information-sharing protocol while the operating manual is unfinished",
        proposal="That, until the operating manual is agreed, members share case information through one consent "
        "form, as the draft manual's section 4 proposes.",
        rationale="The single outreach team cannot work without shared case information, and the manual that would "
        "settle it lapsed in December 2020.",
        tags=["operating-manual"],
        revisits=("manual",),
        actions=(
            (
                "Finish the procurement and financial sections of the operating manual",
                date(2022, 2, 28),
                "director",
                None,
            ),
        ),
    )
    b.decide(
        "budget2",
        meeting="m7",
        title="Set the 2022/23 alliance budget",
        proposal="That the alliance budget for 2022/23 is £23,370,000.",
        tags=["budget"],
        value=Decimal("23370000"),
        revisits=("budget1",),
        visibility=PUBLIC,
    )


def _year_three(b: Builder) -> None:
    b.decide(
        "winter2",
        on=date(2022, 1, 10),
        title="Approve the winter pressures fund allocation",
        proposal="That £150,000 of the winter pressures fund goes to emergency accommodation and the "
        "overnight service at the Wellgate centre.",
        # Filed under the hub's own tag: the search finds it by the tag, though its text never says "night hub".
        tags=["winter", "emergency-accommodation", "night hub"],
        value=Decimal("150000"),
        revisits=("winter1",),
    )
    b.meeting(
        "m8",
        "ALT",
        date(2022, 3, 16),
        "ALT March 2022",
        "Six-month review of the night hub; minutes approved. The operating manual's procurement and financial "
        "sections were deferred again: the partnership and the providers still disagree on which comes first.",
    )
    b.decide(
        "minutes7",
        meeting="m8",
        title="Approve the minutes of the meeting of 24 November 2021",
        proposal="That the minutes of the ALT meeting of 24 November 2021 are a true record.",
        tags=["minutes"],
        approves="m7",
    )
    b.decide(
        "outreach5",
        meeting="m8",
        title="Outreach redesign: continue the night hub after its six-month review",
        proposal="That the night-time hub continues, with its opening hours reviewed again in September.",
        tags=["outreach", "redesign"],
        revisits=("outreach4",),
    )
    b.decide(
        "manual3",
        meeting="m8",
        title="Operating manual: adopt the procurement and financial sections",
        proposal="That the operating manual is completed with its procurement and financial sections, so that "
        "award and financial processes are agreed and operated by the ALT.",
        rationale="The interim protocol of November 2021 asked for the manual to be finished by February 2022.",
        tags=["operating-manual"],
        revisits=("manual2", "manual"),
        defer=(
            "Not agreed again: the partnership wants the financial processes tested before schedule part 10 "
            "changes; the providers want schedule part 10 changed first.",
            date(2022, 6, 22),
        ),
    )
    b.decide(
        "risk2",
        meeting="m8",
        supersedes="risk1",
        title="Adopt the revised alliance risk register",
        proposal="That the revised risk register, with workforce turnover as the highest risk, replaces the "
        "register of 2020.",
        tags=["risk"],
    )
    b.delegated(
        "licence",
        title="Renew the case-management software licence",
        proposal="Renew the shared case-management licence for twelve months.",
        value="18500",
        on=date(2022, 5, 10),
        rationale="Within the director's delegation; every member uses the system.",
    )
    b.meeting("m9", "ALT", date(2022, 6, 22), "ALT June 2022", "Payment policy for lived experience adopted.")
    b.decide(
        "payments",
        meeting="m9",
        title="Adopt the lived-experience payment policy",
        proposal="That people with lived experience who advise the alliance are paid £25 an hour for their time.",
        tags=["lived-experience"],
        visibility=PUBLIC,
        advice=(
            (
                "Voices",
                "Payment must not affect anyone's benefits; offer vouchers as an option.",
                "The policy now offers vouchers or payment, with benefits advice first.",
            ),
        ),
        actions=(
            ("Set up payments through the partnership's finance team", date(2022, 8, 31), "Rachel Ogilvie", None),
        ),
    )
    b.decide(
        "rota",
        meeting="m9",
        title="Introduce a shared duty rota across members",
        proposal="That members share one duty rota for out-of-hours calls.",
        tags=["workforce"],
        defer=("Members asked for the workforce survey first.", date(2022, 9, 28)),
    )
    b.meeting(
        "m10",
        "ALT",
        date(2022, 9, 28),
        "ALT September 2022",
        "Kenneth Muir's resignation accepted; weekend hub agreed; the deferred duty rota agreed.",
    )
    b.decide(
        "director3",
        meeting="m10",
        title="Accept the resignation of Kenneth Muir and recruit an Alliance Director",
        proposal="That the ALT accepts Kenneth Muir's resignation from 30 September 2022 and recruits a successor.",
        tags=["director"],
        revisits=("director2",),
        actions=(("Recruit the next Alliance Director", date(2022, 12, 31), "chair", date(2022, 12, 14)),),
    )
    b.decide(
        "outreach6",
        meeting="m10",
        title="Outreach redesign: open the night hub at weekends",
        proposal="That the night-time hub also opens on Saturday and Sunday nights.",
        tags=["outreach", "redesign"],
        revisits=("outreach5",),
    )
    b.reopen("rota", "m10")
    b.meeting("m11a", "AMT", date(2022, 11, 9), "AMT November 2022", "Director's duties shared until appointment.")
    b.decide(
        "cover",
        meeting="m11a",
        code="AMT",
        title="Share the Alliance Director's duties until a new director starts",
        proposal="That the management team shares the director's duties, each member leading one workstream.",
        tags=["director"],
        revisits=("director3",),
    )


def _conclusion(b: Builder) -> None:
    b.meeting(
        "m12",
        "ALT",
        date(2023, 1, 11),
        "ALT January 2023",
        "Priya Raman confirmed; 2023/24 budget agreed and sent to the IJB for its approval.",
    )
    b.decide(
        "director4",
        meeting="m12",
        title="Confirm Priya Raman as Alliance Director",
        proposal="That the ALT confirms Priya Raman as Alliance Director from 9 January 2023.",
        tags=["director"],
        revisits=("director3",),
    )
    b.decide(
        "budget3",
        meeting="m12",
        title="Set the 2023/24 alliance budget",
        proposal="That the alliance budget for 2023/24 is £22,201,500, five per cent less than 2022/23.",
        tags=["budget"],
        value=Decimal("22201500"),
        revisits=("budget2",),
        visibility=PUBLIC,
    )
    b.delegated(
        "kitchen",
        title="Refurbish the night hub kitchen",
        proposal="Refurbish the kitchen of the night-time hub so that hot meals can be served.",
        value="22000",
        on=date(2023, 2, 14),
        rationale="Within the director's delegation; asked for by the peer researchers.",
    )
    rowan = Person.objects.filter(name="Rowan Kelly").first() or roles_services.save_person(
        name="Rowan Kelly", email="rowan.kelly@example.org", employer=b.orgs["Voices"]
    )
    b.meeting("m13", "ALT", date(2023, 4, 19), "ALT April 2023", "A new lived-experience advisor appointed.")
    b.decide(
        "advisor",
        meeting="m13",
        kind=APPOINTMENT,
        title="Appoint Rowan Kelly as a lived-experience advisor",
        proposal="That Rowan Kelly, nominated by Voices of Experience, joins the ALT as a lived-experience "
        "advisor from 1 May 2023.",
        tags=["lived-experience"],
        appointment_role=b.roles["lived_advisor"],
        appointment_person=rowan,
        appointment_starts_on=date(2023, 5, 1),
    )
    b.decide(
        "minutes12",
        meeting="m13",
        title="Approve the minutes of the meeting of 11 January 2023",
        proposal="That the minutes of the ALT meeting of 11 January 2023 are a true record.",
        tags=["minutes"],
        approves="m12",
    )
    b.decide(
        "outreach7",
        meeting="m13",
        title="Outreach redesign: evaluate and report to the Integration Joint Board",
        proposal="That an independent evaluation of the outreach redesign is reported to the IJB in autumn 2023.",
        tags=["outreach", "redesign"],
        revisits=("outreach6",),
        actions=(("Commission the outreach evaluation", date(2023, 6, 30), "director", None),),
    )
    b.decide(
        "audit",
        code="OG",
        on=date(2023, 6, 5),
        title="Adopt the Oversight Group's audit programme for 2023",
        proposal="That the Oversight Group audits every award and every delegated decision of 2023.",
        tags=["oversight"],
    )
    b.meeting(
        "m14",
        "ALT",
        date(2023, 9, 13),
        "ALT September 2023",
        "The ALT agreed unanimously to conclude the alliance and return commissioning to the partnership.",
    )
    b.decide(
        "conclude",
        meeting="m14",
        title="Conclude the alliance and return commissioning to the partnership",
        proposal="That the alliance agreement ends by mutual consent on 31 March 2024 and the partnership "
        "commissions homelessness services directly from 1 April 2024.",
        rationale="Falling budgets and the turnover of leaders left the alliance unable to deliver its plan: the "
        "operating manual was never finalised, so procurement and financial processes were never agreed, and "
        "redesign deadlines were missed, so contracts were extended instead of recommissioned. Members agree "
        "that an orderly end is best for people using services.",
        alternatives_considered="Extending the agreement with a smaller scope, and replacing the lead provider model; "
        "both were rejected as leaving the same gaps in decision-making.",
        tags=["conclusion"],
        # The manual it never agreed; not the outreach matter, which stays one matter on the dashboard.
        revisits=("manual3",),
        visibility=PUBLIC,
        advice=(
            (
                "Voices",
                "People using services must not find out from the newspaper; tell them first.",
                "A letter and drop-in sessions go to everyone using alliance services before any announcement.",
            ),
            (
                "DHN",
                "Providers outside the alliance need to know the new commissioning timetable now.",
                "The partnership publishes its commissioning timetable on the public register in October.",
            ),
        ),
        actions=(
            ("Tell everyone using alliance services about the transition", date(2023, 10, 31), "Priya Raman", None),
            ("Publish the commissioning timetable", date(2023, 10, 15), "secretary", date(2023, 10, 12)),
        ),
    )
    b.decide(
        "transition",
        meeting="m14",
        title="Agree the transition plan for services after the alliance",
        proposal="That each service keeps its staff and its people through the transition, with the partnership "
        "novating contracts from 1 April 2024.",
        tags=["conclusion"],
        revisits=("conclude",),
        actions=(("Agree novation terms with each member", date(2024, 1, 31), "director", None),),
    )


def _minutes_of_september(b: Builder) -> None:
    """The September 2023 meeting approves April's minutes by a procedural decision, and is itself minuted item by
    item, with actions agreed at the meeting; its draft is circulated on 18 September, before the demo week, and
    waits for the next meeting to approve it."""
    b.decide(
        "minutes13",
        meeting="m14",
        title="Approve the minutes of the meeting of 19 April 2023",
        proposal="That the minutes of the ALT meeting of 19 April 2023 are a true record.",
        tags=["minutes"],
        approves="m13",
    )
    meeting = b.meetings["m14"]
    items = list(AgendaItem.objects.filter(meeting=meeting, status=AgendaItem.Status.LISTED).order_by("position"))
    if not items:
        # The agenda as the secretary built it (through the agenda's services where they are installed).
        rows = [
            ("Minutes of the meeting of 19 April 2023", AgendaItem.Purpose.DECISION, "minutes13"),
            ("Concluding the alliance", AgendaItem.Purpose.DECISION, "conclude"),
            ("Services after the alliance", AgendaItem.Purpose.DECISION, "transition"),
            ("What the operating manual left unagreed", AgendaItem.Purpose.DISCUSSION, None),
        ]
        items = [
            AgendaItem.objects.create(
                meeting=meeting, position=n, title=title, purpose=purpose, decision=b.taken[key] if key else None
            )
            for n, (title, purpose, key) in enumerate(rows, start=1)
        ]
    minutes = [
        "The minutes of 19 April 2023 were approved as a true record (procedural decision).",
        "The chair set out the falling budgets and the turnover of leaders. Voices of Experience asked that people "
        "using services hear first; members agreed unanimously to conclude the alliance on 31 March 2024.",
        "Members agreed each service keeps its staff and its people through the transition; the partnership will "
        "novate the contracts from 1 April 2024.",
        "Members noted that the operating manual was never finalised, so procurement and financial processes were "
        "never agreed. The partnership should have them agreed before it commissions directly.",
    ]
    for item, text in zip(items, minutes, strict=False):
        services.record_item_minute(actor=SYSTEM, item=item, discussion=text)
    last = items[min(3, len(items) - 1)]
    services.create_action_item(
        actor=SYSTEM,
        agenda_item=last,
        title="Hand the partnership a list of the procedures the manual left unagreed",
        due_on=date(2023, 11, 30),
        owner_role=b.roles["secretary"],
    )
    services.create_action_item(
        actor=SYSTEM,
        agenda_item=items[min(2, len(items) - 1)],
        title="Share the transition plan with every member's board",
        due_on=date(2023, 10, 31),
        owner_person=b.people["Priya Raman"],
    )
    services.circulate_minutes(actor=SYSTEM, meeting=meeting, now=_at(date(2023, 9, 18), 10))


from decisions import demo_governing  # noqa: E402, F401  (the governing documents register, after every story)
