"""The Oversight Group's formal queries in the demo, from the review: the group was set up "to support
the Alliance in meeting its responsibilities through increased scrutiny of performance information",
and wanted "an audit trail of decision making in relation to the award of services"; members were
sceptical "about the services which were in and out of scope".

As of the demo's now (20 September 2023): a query on the performance information behind the outreach
contract's extension, raised in July and overdue since 31 August; a recommendation for an audit trail
of award decisions, which the ALT partly accepted on 18 September; and a query on the scope of services,
raised on 15 September and due before the October meeting. Built through the services; idempotent.
"""

from __future__ import annotations

from datetime import date

from django.contrib.auth import get_user_model

from alliance.registry import DemoStage, register
from contracts import services
from contracts.models import AwardProcess
from contracts.query_models import OversightQuery
from roles.standing import system_actor

PERFORMANCE = "Performance information behind the outreach extension"
AUDIT_TRAIL = "An audit trail of award decisions"
SCOPE = "Services in and out of the alliance's scope"


@register("demo_parts", stage=DemoStage.STORY)
def load(ctx: dict, stdout) -> None:
    alliance = ctx["alliance"]
    if OversightQuery.objects.filter(alliance=alliance).exists():
        return
    users = get_user_model().objects.in_bulk(["oversight", "secretary"], field_name="username")
    oversight, secretary = system_actor(users.get("oversight")), system_actor(users.get("secretary"))
    alt, og = ctx["bodies"]["ALT"], ctx["bodies"]["OG"]
    extension = (
        AwardProcess.objects.filter(alliance=alliance, started_on__year=2023, title__icontains="outreach")
        .order_by("started_on", "pk")
        .first()
    )

    def ask(on, due_on, subject, text, **more):
        return services.raise_oversight_query(
            actor=oversight, alliance=alliance, raised_by_body=og, to_body=alt, subject=subject, text=text,
            due_on=due_on, on=on, **more,
        )  # fmt: skip

    ask(
        date(2023, 7, 12),
        date(2023, 8, 31),
        PERFORMANCE,
        "The outreach redesign missed its milestones and the outreach contract was extended instead of "
        "recommissioned. What performance information did the ALT have on the service when it agreed the "
        "extension, and which key performance indicators will it use to judge the redesign?",
        award_process=extension,
    )
    recommendation = ask(
        date(2023, 8, 2),
        date(2023, 9, 13),
        AUDIT_TRAIL,
        "The Oversight Group recommends that every award of services keeps one audit trail: the route chosen "
        "under the award policy and why, the submissions, the scores, the interests declared and recusals, "
        "and the approval vote, published to members when the award is approved.",
        kind=OversightQuery.Kind.RECOMMENDATION,
    )
    services.answer_oversight_query(
        actor=secretary,
        query=recommendation,
        response=OversightQuery.Response.PARTLY_ACCEPTED,
        answer="Accepted for every award approved from October 2023: the award register keeps the trail and "
        "members read it when the award is approved. Not accepted for awards made before the award policy: "
        "their papers are incomplete and rebuilding them would not change the awards.",
        on=date(2023, 9, 18),
    )
    ask(
        date(2023, 9, 15),
        date(2023, 10, 11),
        SCOPE,
        "Members are unsure which services are in the alliance's scope and which the commissioner retains, and "
        "how the 5% a year reduction from year 2 applies to each. Please set out the service lines in and out "
        "of scope, with their annual value and the reasons for retaining any.",
    )
    stdout.write("Recorded 3 oversight queries: one answered, one open, one overdue.")
