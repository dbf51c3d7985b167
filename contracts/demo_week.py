"""The demo's week of notifications, the part of awards: the winter night shelter directly awarded to
Harbour Light and approved on 19 September 2023, the day before the demo's "now", so that the
Oversight Group is asked to audit it (see decisions/demo_week.py for the rest of the week). The
oversight login last looked at its home page on 11 September 2023, so its home lists the award as
approved since that visit.

Built through the services; idempotent (the process is recorded once).
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
from roles.access import access_for
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
