"""A scene for the delivery warnings (issue 21, part 4), dated around today, so that pages and the API (which
read the clock) and the scheduled command (``--now``) see the same warnings.

- ``alliance`` with its leadership body; a provider member (its representative ``rep``), an advisory member
  (its representative ``adviser``), an alliance-wide ``secretary``, an oversight member ``overseer``, and a
  ``director`` whose role owns the ``workstream``;
- ``contract``: the provider's, ending in about 100 days: inside its 9-month notice period, no decision;
  ``later``: ending in two years (not yet in notice); ``decided``: in notice, its future decided;
- ``milestone``: past due since yesterday; ``measure``: reported by the provider, its first month's return
  missing since three days ago;
- ``other``: a second alliance with its own secretary, oversight member and a contract in notice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from alliance.models import Alliance, GoverningBody, Membership
from contracts.delivery_models import Milestone, Workstream
from contracts.measure_models import Measure
from contracts.models import Contract
from decisions.models import Decision
from roles.models import Person, Role
from tests.factories import (
    AllianceFactory,
    ContractFactory,
    DecisionFactory,
    GoverningBodyFactory,
    MeasureFactory,
    MembershipFactory,
    MilestoneFactory,
    PersonFactory,
    RoleAssignmentFactory,
    RoleFactory,
    UserFactory,
    WorkstreamFactory,
)


@dataclass
class WarningScene:
    today: date
    alliance: Alliance
    body: GoverningBody
    provider_membership: Membership
    rep: Person
    adviser: Person
    advisory_membership: Membership
    secretary: Person
    overseer: Person
    director: Person
    contract: Contract
    later: Contract
    decided: Contract
    workstream: Workstream
    milestone: Milestone
    measure: Measure
    agreed: Decision
    other: Alliance
    other_secretary: Person
    other_overseer: Person
    other_contract: Contract


def person(name: str, role: Role, since: date) -> Person:
    someone = PersonFactory(name=name, email=f"{name.lower().replace(' ', '.')}@example.org")
    someone.user = UserFactory(username=name.lower().replace(" ", "-"))
    someone.save()
    RoleAssignmentFactory(role=role, person=someone, starts_on=since)
    return someone


def make_warning_scene(prefix: str = "") -> WarningScene:
    today = timezone.localdate()
    since = today - timedelta(days=800)
    alliance = AllianceFactory(name=f"{prefix}Harbour Alliance", slug=f"{prefix.lower()}harbour")
    body = GoverningBodyFactory(alliance=alliance, code="ALT", kind=GoverningBody.Kind.LEADERSHIP)
    provider = MembershipFactory(alliance=alliance, joined_on=since)
    advisory = MembershipFactory(alliance=alliance, joined_on=since, status=Membership.Status.ADVISORY)

    def role(kind, **more):
        return RoleFactory(alliance=alliance, kind=kind, single_holder=False, **more)

    rep = person(
        f"{prefix}Rhona Provider", role(Role.Kind.MEMBER_REPRESENTATIVE, organisation=provider.organisation), since
    )
    adviser = person(
        f"{prefix}Ailsa Adviser", role(Role.Kind.MEMBER_REPRESENTATIVE, organisation=advisory.organisation), since
    )
    secretary = person(f"{prefix}Sandy Secretary", role(Role.Kind.SECRETARY), since)
    overseer = person(f"{prefix}Olive Overseer", role(Role.Kind.OVERSIGHT_MEMBER), since)
    director_role = role(Role.Kind.DIRECTOR, title="Alliance Director")
    director = person(f"{prefix}Dora Director", director_role, since)
    contract = ContractFactory(
        alliance=alliance,
        title="Street outreach",
        provider=provider.organisation,
        starts_on=since,
        ends_on=today + timedelta(days=100),
        extension_until=None,
    )
    later = ContractFactory(
        alliance=alliance,
        provider=provider.organisation,
        starts_on=since,
        ends_on=today + timedelta(days=730),
        extension_until=None,
    )
    agreed = DecisionFactory(
        body=body, status=Decision.Status.AGREED, decided_on=today - timedelta(days=30), reference="ALT-2023-001"
    )
    decided = ContractFactory(
        alliance=alliance,
        provider=provider.organisation,
        starts_on=since,
        ends_on=today + timedelta(days=60),
        extension_until=None,
        future_decision=DecisionFactory(
            body=body, status=Decision.Status.AGREED, decided_on=today - timedelta(days=60), reference="ALT-2023-000"
        ),
    )
    workstream = WorkstreamFactory(alliance=alliance, title="Outreach redesign", owner_role=director_role, body=body)
    milestone = MilestoneFactory(
        workstream=workstream, title="Agree the new outreach model", baseline_target_on=today - timedelta(days=30)
    )
    milestone.target_on = today - timedelta(days=2)
    milestone.save()
    start = (today - timedelta(days=45)).replace(day=1)
    measure = MeasureFactory(
        alliance=alliance,
        name="People supported off the street",
        frequency="monthly",
        first_period_starts_on=start,
        reported_by=provider.organisation,
        contract=contract,
    )
    first = measure.period_starting(start)
    measure.due_days_after_period = (today - timedelta(days=3) - first.end).days
    measure.save()
    # The second alliance: its own people, and a contract in notice they are told of.
    other = AllianceFactory(name=f"{prefix}Northfield Alliance", slug=f"{prefix.lower()}northfield")
    GoverningBodyFactory(alliance=other, code="NLT")
    other_secretary = person(
        f"{prefix}Nora Secretary", RoleFactory(alliance=other, kind=Role.Kind.SECRETARY, single_holder=False), since
    )
    other_overseer = person(
        f"{prefix}Neil Overseer",
        RoleFactory(alliance=other, kind=Role.Kind.OVERSIGHT_MEMBER, single_holder=False),
        since,
    )
    other_contract = ContractFactory(
        alliance=other,
        title="Northfield CANARY contract",
        starts_on=since,
        ends_on=today + timedelta(days=90),
        extension_until=None,
    )
    return WarningScene(
        today=today,
        alliance=alliance,
        body=body,
        provider_membership=provider,
        rep=rep,
        adviser=adviser,
        advisory_membership=advisory,
        secretary=secretary,
        overseer=overseer,
        director=director,
        contract=contract,
        later=later,
        decided=decided,
        workstream=workstream,
        milestone=milestone,
        measure=measure,
        agreed=agreed,
        other=other,
        other_secretary=other_secretary,
        other_overseer=other_overseer,
        other_contract=other_contract,
    )
