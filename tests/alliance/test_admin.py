"""The admin keeps the membership rules: it checks and saves through the services."""

import json
from datetime import date

import pytest

from alliance.models import Membership, MembershipStatusChange
from tests.factories import AllianceFactory, OrganisationFactory
from tests.helpers import rows

pytestmark = pytest.mark.django_db

MEMBERSHIP_ROWS = (Membership, MembershipStatusChange)
ADD = "/admin/alliance/membership/add/"


def management(client, url) -> dict:
    """The inline formsets' management data, as the page renders it."""
    data = {}
    for inline in client.get(url).context["inline_admin_formsets"]:
        form = inline.formset.management_form
        data.update({form.add_prefix(key): value for key, value in form.initial.items()})
    return data


def add_data(client, alliance, organisation, **overrides) -> dict:
    data = {
        "alliance": alliance.pk,
        "organisation": organisation.pk,
        "status": "VOTING",
        "capacities": json.dumps(["provider"]),
        "joined_on": "2020-07-01",
        "left_on": "",
        **management(client, ADD),
    }
    data.update(overrides)
    return data


def change_url(membership) -> str:
    return f"/admin/alliance/membership/{membership.pk}/change/"


def change_data(client, membership, **overrides) -> dict:
    data = {
        "is_signatory": "on",
        "capacities": json.dumps(membership.capacities),
        "joined_on": membership.joined_on.isoformat(),
        "left_on": membership.left_on.isoformat() if membership.left_on else "",
        "new_status": "",
        "status_effective_on": "",
        "status_reason": "",
        **management(client, change_url(membership)),
    }
    data.update(overrides)
    return data


@pytest.fixture
def alliance():
    return AllianceFactory()


@pytest.fixture
def org():
    return OrganisationFactory(name="Harbour Light Housing")


def test_admin_adds_a_membership_with_its_first_dated_status(admin_client, alliance, org):
    response = admin_client.post(ADD, add_data(admin_client, alliance, org))
    assert response.status_code == 302, response.context["adminform"].form.errors
    membership = Membership.objects.get(alliance=alliance, organisation=org)
    assert membership.status_as_of(date(2020, 7, 1)) == "VOTING"


def test_admin_refuses_a_second_open_membership_and_writes_nothing(admin_client, alliance, org):
    admin_client.post(ADD, add_data(admin_client, alliance, org))
    before = rows(*MEMBERSHIP_ROWS)
    response = admin_client.post(ADD, add_data(admin_client, alliance, org, joined_on="2022-01-01"))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "Harbour Light Housing already has a membership" in errors["joined_on"][0]
    assert rows(*MEMBERSHIP_ROWS) == before


def test_admin_shows_status_read_only_on_a_membership(admin_client, alliance, org):
    admin_client.post(ADD, add_data(admin_client, alliance, org))
    membership = Membership.objects.get()
    form = admin_client.get(change_url(membership)).context["adminform"].form
    assert "status" not in form.fields and "new_status" in form.fields


def test_admin_changes_status_through_the_dated_service(admin_client, alliance, org):
    admin_client.post(ADD, add_data(admin_client, alliance, org))
    membership = Membership.objects.get()
    data = change_data(
        admin_client,
        membership,
        new_status="ADVISORY",
        status_effective_on="2022-04-01",
        status_reason="Stepped back from voting",
    )
    response = admin_client.post(change_url(membership), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    membership.refresh_from_db()
    assert membership.status == "ADVISORY"
    assert membership.status_as_of(date(2022, 3, 31)) == "VOTING"
    assert membership.status_as_of(date(2022, 4, 1)) == "ADVISORY"


def test_admin_refuses_a_status_change_without_a_reason_and_writes_nothing(admin_client, alliance, org):
    admin_client.post(ADD, add_data(admin_client, alliance, org))
    membership = Membership.objects.get()
    before = rows(*MEMBERSHIP_ROWS)
    data = change_data(admin_client, membership, new_status="ADVISORY", status_effective_on="2022-04-01")
    response = admin_client.post(change_url(membership), data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["status_reason"] == ["Say why the member's status changes."]
    assert rows(*MEMBERSHIP_ROWS) == before


def test_admin_refuses_a_term_that_overlaps_another_membership(admin_client, alliance, org):
    admin_client.post(ADD, add_data(admin_client, alliance, org, left_on="2021-06-30"))
    admin_client.post(ADD, add_data(admin_client, alliance, org, joined_on="2022-01-01"))
    first = Membership.objects.get(joined_on=date(2020, 7, 1))
    before = rows(*MEMBERSHIP_ROWS)
    response = admin_client.post(change_url(first), change_data(admin_client, first, left_on=""))
    assert response.status_code == 200
    assert "already has a membership" in response.context["adminform"].form.errors["joined_on"][0]
    assert rows(*MEMBERSHIP_ROWS) == before
