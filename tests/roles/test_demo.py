import io
from datetime import date
from decimal import Decimal

import pytest
from django.db import transaction

from alliance import demo as alliance_demo
from alliance.choices import DecisionKind
from roles import demo, queries
from roles.models import DelegatedAuthority, InterestDeclaration, Person, Role, RoleAssignment
from tests.helpers import rows

# One xdist worker loads the demo once for the whole module (the module fixture), not one per worker.
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("demo-roles")]


@pytest.fixture(scope="module")
def ctx(django_db_setup, django_db_blocker):
    """Load this part of the demo once for the module, and roll it back afterwards."""
    with django_db_blocker.unblock(), transaction.atomic():
        ctx = {}
        alliance_demo.load(ctx, io.StringIO())
        demo.load(ctx, io.StringIO())
        yield ctx
        transaction.set_rollback(True)


def holders(ctx, on):
    return {
        row["role"].title: [a.person.name for a in row["holders"]] for row in queries.directory(ctx["alliance"], on)
    }


def test_loading_twice_duplicates_nothing(ctx):
    models = (Person, Role, RoleAssignment, DelegatedAuthority, InterestDeclaration)
    before = rows(*models)
    demo.load(dict(ctx), io.StringIO())
    assert rows(*models) == before


def test_directory_differs_between_2021_and_2023(ctx):
    early, late = holders(ctx, date(2021, 3, 1)), holders(ctx, date(2023, 6, 1))
    assert early != late
    assert early["Alliance Director"] == ["Kenneth Muir"] and late["Alliance Director"] == ["Priya Raman"]
    assert early["Oversight Group member"] == [] and len(late["Oversight Group member"]) == 3


def test_two_directors_resigned_and_the_post_stood_vacant(ctx):
    director = ctx["roles"]["director"]
    reasons = [a.end_reason for a in queries.timeline(director)]
    assert reasons == ["resigned", "resigned", ""]
    assert not queries.holders_on(director, date(2022, 12, 1)).exists()


def test_demo_logins_are_people_holding_their_roles(ctx):
    on = date(2023, 6, 1)
    held = {
        u: {a.role.kind for a in queries.roles_of(ctx["people"][n], on)}
        for u, n in [("secretary", "Rachel Ogilvie"), ("member", "Tom Lennox"), ("oversight", "Helen Strachan")]
    }
    assert held == {"secretary": {"secretary"}, "member": {"member_representative"}, "oversight": {"oversight_member"}}
    assert ctx["people"]["Tom Lennox"].user.username == "member"


def test_director_may_decide_operational_matters_up_to_fifty_thousand(ctx):
    director = ctx["roles"]["director"]
    on = date(2023, 6, 1)
    assert queries.authority_for(role=director, kind=DecisionKind.OPERATIONAL, value=Decimal("50000"), on=on).allowed
    refused = queries.authority_for(role=director, kind=DecisionKind.OPERATIONAL, value=Decimal("60000"), on=on)
    assert "by £10,000.00" in refused.reason
