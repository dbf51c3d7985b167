"""A small alliance ready for decisions: voting members with representatives, an advisory
network, a secretary, and helpers to draft, open and vote. Tests of the decision rules share it."""

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from alliance.errors import RuleViolation
from alliance.models import Alliance, GoverningBody, Membership, Organisation
from decisions import services
from decisions.models import AdvisoryInput, Decision, Recusal, Vote
from roles.models import Person, Role
from roles.standing import SYSTEM
from tests.factories import (
    AllianceFactory,
    GoverningBodyFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    RoleAssignmentFactory,
    RoleFactory,
)
from tests.helpers import rows

OPENED = datetime(2021, 3, 1, 9, 0, tzinfo=UTC)
VOTED = datetime(2021, 3, 2, 10, 0, tzinfo=UTC)
CLOSES = datetime(2021, 3, 10, 17, 0, tzinfo=UTC)
CLOSED = datetime(2021, 3, 10, 12, 0, tzinfo=UTC)

DECISION_ROWS = (Decision, Vote, Recusal, AdvisoryInput)


def refused(code, call, *models):
    """Run a call that must be refused with ``code`` and leave every row of ``models`` as it was."""
    models = models or DECISION_ROWS
    before = rows(*models)
    with pytest.raises(RuleViolation) as info:
        call()
    assert info.value.code == code
    assert rows(*models) == before
    return info.value


PROVIDERS = ["Harbour Light Housing", "Second Step Trust", "Northgate Housing Association", "Open Door Care"]


@dataclass
class Scene:
    alliance: Alliance
    body: GoverningBody
    members: list[Membership]
    reps: list[Person]
    advisory: Membership
    secretary: Person

    def vote(self, decision: Decision, index: int, position: str = "AGREE", statement: str = "", **kwargs):
        if position == "OBJECT" and not statement:
            statement = "The proposal leaves people without support over the winter."
        # The scene's decisions are of 2021: by default the vote is cast, and the clock reads, then.
        cast_at = kwargs.pop("cast_at", VOTED)
        now = kwargs.pop("now", cast_at)
        return services.cast_vote(
            actor=kwargs.pop("actor", SYSTEM),
            decision=decision,
            membership=self.members[index],
            position=position,
            cast_by=self.reps[index],
            statement=statement,
            cast_at=cast_at,
            now=now,
            **kwargs,
        )

    def draft(self, **fields) -> Decision:
        values = {
            "body": self.body,
            "title": "Adopt the outreach redesign",
            "proposal": "That the alliance redesigns flexible community outreach around a single team.",
            "kind": "KEY",
            "closes_at": CLOSES,
            "tags": ["outreach"],
        }
        values.update(fields)
        values.setdefault("actor", SYSTEM)
        return services.draft_decision(**values)

    def open(self, **fields) -> Decision:
        actor = fields.get("actor", SYSTEM)
        return services.open_decision(actor=actor, decision=self.draft(**fields), opened_at=OPENED)


def make_scene(
    *,
    voting: int = 3,
    rule: str = GoverningBody.DecisionRule.UNANIMOUS,
    abstention_blocks: bool = True,
    quorum_fraction: str | None = "0.5",
    quorum_count: int | None = None,
) -> Scene:
    alliance = AllianceFactory(slug="dunmarrow", name="Dunmarrow Homelessness Alliance")
    body = GoverningBodyFactory(
        alliance=alliance,
        code="ALT",
        decision_rule=rule,
        abstention_blocks=abstention_blocks,
        quorum_fraction=Decimal(quorum_fraction) if quorum_fraction else None,
        quorum_count=quorum_count,
    )
    members, reps = [], []
    for name in PROVIDERS[:voting]:
        membership = MembershipFactory(alliance=alliance, organisation=OrganisationFactory(name=name))
        role = RoleFactory(
            alliance=alliance,
            title=f"Representative: {name}",
            kind=Role.Kind.MEMBER_REPRESENTATIVE,
            organisation=membership.organisation,
            body=body,
        )
        person = PersonFactory(name=f"Rep of {name}", employer=membership.organisation)
        RoleAssignmentFactory(role=role, person=person)
        members.append(membership)
        reps.append(person)
    advisory = MembershipFactory(
        alliance=alliance,
        organisation=OrganisationFactory(name="Dunmarrow Homelessness Network", kind=Organisation.Kind.NETWORK),
        status=Membership.Status.ADVISORY,
        is_signatory=False,
        capacities=["network_support"],
    )
    secretary = PersonFactory(name="Morag Secretary")
    RoleAssignmentFactory(
        role=RoleFactory(alliance=alliance, title="ALT secretary", kind=Role.Kind.SECRETARY, body=body),
        person=secretary,
    )
    return Scene(alliance, body, members, reps, advisory, secretary)
