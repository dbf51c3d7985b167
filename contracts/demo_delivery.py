"""Demo: the delivery plan tells the review's story of the outreach redesign.

The ALT made the redesign of flexible community outreach its first priority and adopted the plan with
the discovery phase (December 2020). The single outreach team was to start on 1 July 2021; Open Door
Care objected, the milestone went amber then red, and the ALT moved its target to 1 October 2021 when it
extended the four current outreach contracts. The evaluation that was to shape the next service was
never commissioned, so the recommissioning milestone slipped too: amber, then red, and in July 2023 the
ALT extended the city-wide outreach contract by six months and moved the milestone's target with it.
Every write goes through contracts.services.delivery, as the secretary of the ALT, on the story's dates.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from django.contrib.auth import get_user_model

from alliance.registry import DemoStage, register
from contracts.delivery_models import Workstream
from contracts.demo import EXTENSION
from contracts.models import Contract
from contracts.services import delivery
from decisions.models import Decision
from roles.models import Role
from roles.standing import system_actor


def _at(d: date, hour: int = 10) -> datetime:
    return datetime(d.year, d.month, d.day, hour, 0, tzinfo=UTC)


def _decision(alliance, title_start: str) -> Decision:
    return Decision.objects.filter(alliance=alliance, title__startswith=title_start).order_by("pk").first()


@register("demo_parts", stage=DemoStage.STORY)
def load(ctx: dict, stdout) -> None:
    alliance = ctx["alliance"]
    if Workstream.objects.filter(alliance=alliance).exists():
        return
    actor = system_actor(get_user_model().objects.filter(username="secretary").first())
    director = Role.objects.filter(alliance=alliance, kind=Role.Kind.DIRECTOR).order_by("pk").first()
    discovery = _decision(alliance, "Outreach redesign: approve the discovery phase")
    extension_2021 = _decision(alliance, "Extend the four current outreach contracts")
    extension_2023 = Decision.objects.filter(alliance=alliance, award_process__title=EXTENSION).first()
    workstream = delivery.create_workstream(
        actor=actor,
        alliance=alliance,
        title="Outreach redesign",
        objective=(
            "Replace the five separate outreach services with one alliance outreach team, shaped by the people "
            "who use it, and recommission it before the current contracts end."
        ),
        alliance_objective="Fewer people sleeping rough, and people meet the same faces when they first ask for help",
        success_definition=(
            "A single outreach team with a night-time hub in place, evaluated with people who use it, and the next "
            "service specified in time to recommission it without extending the contracts again."
        ),
        owner_role=director,
        body=ctx["bodies"]["ALT"],
        visibility=Workstream.Visibility.PUBLIC,
        now=_at(date(2020, 12, 9), 9),
    )
    workstream = delivery.adopt_workstream(
        actor=actor, workstream=workstream, decision=discovery, now=_at(date(2020, 12, 9), 10)
    )

    def milestone(title: str, baseline: date, description: str = ""):
        return delivery.add_milestone(
            actor=actor, workstream=workstream, title=title, baseline_target_on=baseline, description=description,
            now=_at(date(2020, 12, 9), 11),
        )  # fmt: skip

    discovered = milestone("Discovery phase complete", date(2021, 3, 31), "Every outreach contact in the city mapped.")
    delivery.record_milestone_achieved(
        actor=actor, milestone=discovered, actual_on=date(2021, 3, 26), now=_at(date(2021, 3, 29))
    )

    single = milestone("Single outreach team in place", date(2021, 7, 1), "The five services become one team.")
    delivery.set_milestone_rag(
        actor=actor, milestone=single, rag="amber", now=_at(date(2021, 5, 20)),
        reason="Open Door Care objected to a single team while the night-time gap in the east is open.",
    )  # fmt: skip
    delivery.set_milestone_rag(
        actor=actor, milestone=single, rag="red", now=_at(date(2021, 6, 14)),
        reason="The 1 July start cannot be met; the four current contracts must be extended.",
    )  # fmt: skip
    delivery.move_milestone_target(
        actor=actor, milestone=single, target_on=date(2021, 10, 1), decision=extension_2021,
        reason="The current contracts extended to 30 September 2021", now=_at(date(2021, 6, 14), 11),
    )  # fmt: skip
    delivery.record_milestone_achieved(
        actor=actor, milestone=single, actual_on=date(2021, 10, 1), now=_at(date(2021, 10, 4))
    )

    hub = milestone("Night-time hub open", date(2021, 10, 1), "Closes the night-time gap Open Door Care raised.")
    delivery.record_milestone_achieved(
        actor=actor, milestone=hub, actual_on=date(2021, 10, 4), now=_at(date(2021, 10, 4))
    )

    evaluation = milestone(
        "Outreach evaluation commissioned", date(2022, 6, 30), "An evaluation with people who use the service."
    )
    delivery.set_milestone_rag(
        actor=actor, milestone=evaluation, rag="amber", now=_at(date(2022, 5, 16)),
        reason="No budget line identified for the evaluation; the action item is overdue.",
    )  # fmt: skip
    delivery.set_milestone_rag(
        actor=actor, milestone=evaluation, rag="red", now=_at(date(2022, 9, 12)),
        reason="The evaluation was never commissioned: staff turnover left no owner for it.",
    )  # fmt: skip

    recommission = milestone(
        "Next outreach service specified for recommissioning", date(2024, 3, 31),
        "The specification the next award process will use, six months before the contract ends.",
    )  # fmt: skip
    delivery.set_milestone_rag(
        actor=actor, milestone=recommission, rag="amber", now=_at(date(2023, 3, 13)),
        reason="Without the evaluation the specification cannot start on time.",
    )  # fmt: skip
    delivery.set_milestone_rag(
        actor=actor, milestone=recommission, rag="red", now=_at(date(2023, 7, 3)),
        reason="Cannot be ready before the contract ends on 30 September 2024; the ALT is asked to extend it.",
    )  # fmt: skip
    if extension_2023 is not None and extension_2023.status == Decision.Status.AGREED:
        delivery.move_milestone_target(
            actor=actor, milestone=recommission, target_on=date(2024, 9, 30), decision=extension_2023,
            reason="The city-wide outreach contract extended to 31 March 2025", now=_at(date(2023, 8, 1)),
        )  # fmt: skip

    for contract in Contract.objects.filter(alliance=alliance, service_category="flexible_community_outreach"):
        delivery.link_workstream_contract(
            actor=actor, workstream=workstream, contract=contract,
            note="Its end date waits on the redesign: extended each time the redesign slipped.",
        )  # fmt: skip
    stdout.write(
        f"Recorded the delivery plan: {workstream.title} with {workstream.milestones.count()} milestones and "
        f"{workstream.dependent_contracts.count()} dependent contracts."
    )
