"""The admin keeps the role-assignment rules: its form runs the services' checks."""

from datetime import date

import pytest

from roles.models import Role, RoleAssignment
from tests.factories import PersonFactory, RepresentativeRoleFactory, RoleAssignmentFactory, RoleFactory
from tests.helpers import rows

pytestmark = pytest.mark.django_db

ADD = "/admin/roles/roleassignment/add/"


def data(role, person, **overrides) -> dict:
    values = {"role": role.pk, "person": person.pk, "starts_on": "2023-01-01", "ends_on": "", "end_reason": ""}
    values.update(overrides)
    return values


def form_errors(response) -> dict:
    return response.context["adminform"].form.errors


@pytest.fixture
def director():
    role = RoleFactory(title="Alliance Director", single_holder=True)
    RoleAssignmentFactory(role=role, person=PersonFactory(name="Kenneth Muir"), starts_on=date(2021, 3, 1))
    return role


def test_admin_appoints_the_next_holder_after_the_last_one_ended(admin_client):
    role = RoleFactory(single_holder=True)
    RoleAssignmentFactory(role=role, starts_on=date(2021, 1, 1), ends_on=date(2022, 12, 31), end_reason="resigned")
    response = admin_client.post(ADD, data(role, PersonFactory()))
    assert response.status_code == 302
    assert role.assignments.count() == 2
    assert role.assignments.latest("starts_on").history.first().history_change_reason == "Appointed in the admin"


def test_admin_refuses_a_second_open_holder_of_a_single_holder_role(admin_client, director):
    before = rows(RoleAssignment)
    response = admin_client.post(ADD, data(director, PersonFactory()))
    assert response.status_code == 200
    assert "is held by Kenneth Muir from 01/03/2021" in form_errors(response)["starts_on"][0]
    assert rows(RoleAssignment) == before


def test_admin_refuses_an_end_date_without_an_end_reason(admin_client):
    role = RoleFactory()
    before = rows(RoleAssignment)
    response = admin_client.post(ADD, data(role, PersonFactory(), ends_on="2023-06-30"))
    assert response.status_code == 200
    assert form_errors(response)["end_reason"][0].startswith("Say why the assignment ends")
    assert rows(RoleAssignment) == before


def test_admin_refuses_a_representative_of_a_non_member(admin_client):
    role = RepresentativeRoleFactory()  # its organisation is a member from 1 July 2020
    before = rows(RoleAssignment)
    response = admin_client.post(ADD, data(role, PersonFactory(), starts_on="2020-01-01"))
    assert response.status_code == 200
    assert "was not a member" in form_errors(response)["starts_on"][0]
    assert rows(RoleAssignment) == before


def test_admin_refuses_to_stretch_an_assignment_over_the_next_holder(admin_client, director):
    earlier = RoleAssignmentFactory(
        role=director, starts_on=date(2020, 1, 1), ends_on=date(2021, 2, 28), end_reason="resigned"
    )
    before = rows(RoleAssignment)
    url = f"/admin/roles/roleassignment/{earlier.pk}/change/"
    response = admin_client.post(
        url, data(director, earlier.person, starts_on="2020-01-01", ends_on="2021-06-30", end_reason="resigned")
    )
    assert response.status_code == 200
    assert "Kenneth Muir" in form_errors(response)["starts_on"][0]
    assert rows(RoleAssignment) == before


def test_role_page_lists_holders_read_only(admin_client, director):
    response = admin_client.get(f"/admin/roles/role/{director.pk}/change/")
    assert response.status_code == 200
    formset = response.context["inline_admin_formsets"][0].formset
    assert formset.extra == 0 and not formset.can_delete


def test_admin_refuses_single_holder_on_a_role_held_by_several_at_once(admin_client):
    role = RoleFactory(title="Oversight member", kind="oversight_member", single_holder=False)
    for _ in range(3):
        RoleAssignmentFactory(role=role, starts_on=date(2023, 1, 1))
    before = rows(Role, RoleAssignment)
    response = admin_client.post(
        f"/admin/roles/role/{role.pk}/change/",
        {
            "alliance": role.alliance_id,
            "title": role.title,
            "kind": role.kind,
            "single_holder": "on",
            "description": "",
            "assignments-TOTAL_FORMS": "3",
            "assignments-INITIAL_FORMS": "3",
            "assignments-MIN_NUM_FORMS": "0",
            "assignments-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 200
    assert "at the same time" in form_errors(response)["single_holder"][0]
    assert rows(Role, RoleAssignment) == before
