"""The demo's week of notifications, the part of awards: the winter night shelter directly awarded to
Harbour Light and approved on 19 September 2023, the day before the demo's "now", so that the
Oversight Group is asked to audit it (see decisions/demo_week.py for the rest of the week). The
oversight login last looked at its home page on 11 September 2023, so its home lists the award as
approved since that visit.

And the agenda of the next ALT meeting, 11 October 2023, published on 18 September: the first meeting
after the ALT agreed to conclude the alliance. On 19 September, once the winter shelter was approved, the
secretary added it to the published agenda (a change after publishing, so members are told again). It
lives here because an item brings the award process, which decisions may not import.

Built through the services; idempotent (the process and the meeting are recorded once).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from django.contrib.auth import get_user_model

from alliance.formatting import day
from alliance.models import HomeVisit
from alliance.queries import voting_members_on
from alliance.registry import DemoStage, register
from alliance.services import record_home_visit
from contracts import services
from contracts.models import AwardProcess
from decisions import services as decision_services
from decisions.demo import acting_as
from decisions.models import Decision, Meeting
from roles.access import access_for
from roles.models import Person
from roles.queries import representatives_on
from roles.standing import SYSTEM, system_actor

SHELTER = "Winter night shelter 2023/24"
BIDDER = "Harbour Light"
APPROVED_ON = date(2023, 9, 19)
OVERSIGHT_LAST_VISIT = datetime(2023, 9, 11, 16, 0, tzinfo=UTC)


def _at(d: date, hour: int) -> datetime:
    return datetime(d.year, d.month, d.day, hour, 0, tzinfo=UTC)


def _shelter(ctx: dict) -> None:
    alliance = ctx["alliance"]
    bidder = next(o for o in ctx["providers"] if o.display_name == BIDDER)
    secretary = get_user_model().objects.filter(username="secretary").first()

    def move(process, to_stage, on, reason="", **details):
        return services.transition(
            actor=SYSTEM, process=process, to_stage=to_stage, by=secretary, reason=reason, at=_at(on, 14), **details
        )

    process = services.create_process(
        actor=SYSTEM,
        alliance=alliance,
        created_by=secretary,
        title=SHELTER,
        description="Twenty winter beds from 1 November 2023 to 31 March 2024, in Harbour Light's Wellgate hostel.",
        service_category="emergency_accommodation",
        route="DIRECT_AWARD",
        estimated_annual_value="96000",
        estimated_total_value="96000",
        started_on=date(2023, 8, 21),
        created_at=_at(date(2023, 8, 21), 9),  # the demo's own date, so the trail and OCDS show it
        direct_award_to=bidder,
        route_justification={
            "value for money": "The nightly rate of last winter's shelter, held for a second year.",
            "why this member": "Harbour Light runs the only hostel in the city with the beds and the night staff.",
        },
        visibility="PUBLIC",
    )
    move(process, "SUBMISSIONS", date(2023, 8, 22), "Harbour Light asked for its proposal")
    submission = services.record_submission(
        actor=SYSTEM,
        process=process,
        bidder=bidder,
        submitted_on=date(2023, 8, 30),
        price="95400",
        summary="Twenty beds, 151 nights.",
    )
    move(process, "EVALUATION", date(2023, 8, 31))
    move(
        process,
        "RECOMMENDED",
        date(2023, 9, 4),
        "Meets the specification at last winter's rate.",
        submission=submission,
    )
    decision = services.open_approval(
        actor=system_actor(secretary),
        process=process,
        opened_at=_at(date(2023, 9, 15), 9),
        closes_at=_at(APPROVED_ON, 12),
    )
    recused = set(decision.recusals.values_list("membership_id", flat=True))
    voted_on = date(2023, 9, 18)
    for membership in voting_members_on(alliance, voted_on):
        if membership.pk in recused:
            continue
        decision_services.cast_vote(
            actor=SYSTEM,
            decision=decision,
            membership=membership,
            position="AGREE",
            cast_by=representatives_on(membership=membership, on=voted_on).first(),
            capacity=acting_as(membership),
            cast_at=_at(voted_on, 11),
            now=_at(voted_on, 11),  # the demo replays the past: the deadline is judged as of then
        )
    decision_services.close_decision(actor=SYSTEM, decision=decision, closed_at=_at(APPROVED_ON, 12))
    move(process, "APPROVED", APPROVED_ON)


@register("demo_parts", stage=DemoStage.WEEK)
def load(ctx: dict, stdout) -> None:
    if not AwardProcess.objects.filter(alliance=ctx["alliance"], title=SHELTER).exists():
        _shelter(ctx)
        stdout.write(f"Approved the direct award '{SHELTER}' to {BIDDER} on {day(APPROVED_ON)}.")
    oversight = get_user_model().objects.filter(username="oversight").first()
    if oversight is not None and not HomeVisit.objects.filter(user=oversight).exists():
        actor = access_for(oversight, on=OVERSIGHT_LAST_VISIT.date())
        record_home_visit(actor=actor, now=OVERSIGHT_LAST_VISIT)
        stdout.write(f"The oversight login last saw its home page on {day(OVERSIGHT_LAST_VISIT)}.")


NEXT_MEETING = "ALT October 2023"
NEXT_MEETING_ON = date(2023, 10, 11)
AGENDA_PUBLISHED_AT = datetime(2023, 9, 18, 10, 0, tzinfo=UTC)
SHELTER_ADDED_AT = datetime(2023, 9, 19, 15, 0, tzinfo=UTC)


def _agenda(ctx: dict) -> None:
    alliance, alt = ctx["alliance"], ctx["bodies"]["ALT"]
    people = {
        p.name: p for p in Person.objects.filter(name__in=["Priya Raman", "Rachel Ogilvie", "Margaret Henderson"])
    }
    decisions = Decision.objects.filter(alliance=alliance)
    letter = decisions.filter(title__startswith="Agree the letter to people using services").first()
    conclude = decisions.filter(title__startswith="Conclude the alliance").first()
    shelter = AwardProcess.objects.get(alliance=alliance, title=SHELTER)
    meeting = decision_services.schedule_meeting(
        actor=SYSTEM,
        body=alt,
        starts_at=datetime(2023, 10, 11, 9, 0, tzinfo=UTC),  # 10:00 in Dunmarrow
        title=NEXT_MEETING,
        location="Dunmarrow Community Hub, Wellgate",
    )

    def add(title, purpose, minutes, presenter=None, **fields):
        return decision_services.add_agenda_item(
            actor=SYSTEM,
            meeting=meeting,
            title=title,
            purpose=purpose,
            duration_minutes=minutes,
            presenter=people.get(presenter),
            **fields,
        )

    add("Apologies and declarations of interest", "information", 5, "Margaret Henderson")
    add(
        "Minutes of the meeting of 13 September 2023",
        "decision",
        5,
        "Rachel Ogilvie",
        description="To approve the minutes of the meeting that agreed to conclude the alliance as a true record.",
    )
    add(
        "The letter to people using services about the end of the alliance",
        "information",
        10,
        "Priya Raman",
        decision=letter,
        description="The outcome of the written procedure that closed on 21 September, and the dates of the drop-in "
        "sessions.",
    )
    add(
        "Transition plan: novation terms with each member",
        "discussion",
        40,
        "Priya Raman",
        description="Each member's contract novates to the partnership from 1 April 2024; the terms are due by 31 "
        "January 2024. Members say what their services need to keep their staff and their people.",
    )
    add(
        "What the alliance never agreed: lessons for the partnership",
        "information",
        20,
        "Priya Raman",
        decision=conclude,
        description="The operating manual was never finalised, so procurement and financial processes were never "
        "agreed. The partnership's commissioning timetable should not repeat that gap.",
    )
    decision_services.publish_agenda(actor=SYSTEM, meeting=meeting, now=AGENDA_PUBLISHED_AT)
    add(
        "Winter night shelter 2023/24: the award approved on 19 September",
        "information",
        10,
        "Priya Raman",
        award_process=shelter,
        position=4,
        change_note="Added once the direct award to Harbour Light was approved by written procedure; the Oversight "
        "Group audits it.",
        now=SHELTER_ADDED_AT,
    )


@register("demo_parts", stage=DemoStage.WEEK)
def agenda(ctx: dict, stdout) -> None:
    if not Meeting.objects.filter(body__alliance=ctx["alliance"], title=NEXT_MEETING).exists():
        _agenda(ctx)
        stdout.write(f"Published the agenda of {NEXT_MEETING}, and added the winter shelter after publishing.")


# The Oversight Group's own note (confidential to it): the review's "suspected leakage" of the ALT's
# discussions to providers, written the evening the winter shelter was approved. Its readers, and
# every read of it, show in the read log (/alliances/<slug>/read-log/).
LEAKAGE_NOTE = (
    "Providers outside the alliance told us they heard of the winter night shelter award before the ALT's "
    "members had told their own organisations; some suspect leakage of the ALT's discussions. Before our next "
    "meeting: check the read log of this award and its papers, and ask the secretary how the decision was "
    "communicated."
)


@register("demo_parts", stage=DemoStage.WEEK)
def oversight_note(ctx: dict, stdout) -> None:
    from contracts.services.notes import write_oversight_note

    alliance = ctx["alliance"]
    shelter = AwardProcess.objects.filter(alliance=alliance, title=SHELTER).first()
    login = get_user_model().objects.filter(username="oversight").first()
    if shelter is None or login is None or shelter.oversight_notes.exists():
        return
    write_oversight_note(
        actor=access_for(login, APPROVED_ON),
        alliance=alliance,
        award_process=shelter,
        text=LEAKAGE_NOTE,
        now=_at(APPROVED_ON, 18),
    )
    stdout.write("The Oversight Group noted suspected leakage of the winter shelter award.")
