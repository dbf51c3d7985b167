from datetime import date

import pytest

from alliance import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def alliance(staff_api):
    alliance = services.save_alliance(name="Dunmarrow", slug="dunmarrow")
    org = services.save_organisation(name="Harbour Light Housing", kind="provider")
    m = services.create_membership(alliance=alliance, organisation=org, status="VOTING", joined_on=date(2020, 7, 1))
    staff_api.post(f"/api/v1/memberships/{m.pk}/end/", {"left_on": "2023-09-30", "reason": "Alliance concluded"})
    return alliance


@pytest.fixture
def logged_in(client, staff):
    client.force_login(staff)
    return client


def test_audit_page_shows_changes_with_who_why_and_diff(logged_in, alliance):
    content = logged_in.get("/alliances/dunmarrow/audit/").content.decode()
    assert "Audit trail" in content
    assert "Harbour Light Housing in Dunmarrow" in content
    assert "admin-staff" in content
    assert "Alliance concluded" in content
    assert "<ins>2023-09-30</ins>" in content


def test_audit_page_filters_by_change_type(logged_in, alliance):
    response = logged_in.get("/alliances/dunmarrow/audit/", {"change_type": "~"})
    assert len(response.context["entries"]) == 1


def test_audit_page_with_reversed_dates_explains(logged_in, alliance):
    response = logged_in.get("/alliances/dunmarrow/audit/", {"since": "2024-01-01", "until": "2023-01-01"})
    assert response.status_code == 200
    assert "before the &#x27;From&#x27; date" in response.content.decode()


def test_audit_page_with_malformed_date_explains(logged_in, alliance):
    response = logged_in.get("/alliances/dunmarrow/audit/", {"since": "yesterday"})
    assert response.status_code == 200
    assert "Enter a valid date" in response.content.decode()


def test_audit_page_needs_login(client, alliance):
    assert client.get("/alliances/dunmarrow/audit/").status_code == 302


def test_audit_page_query_count_is_bounded(logged_in, alliance, django_assert_max_num_queries):
    for i in range(30):
        services.save_body(
            alliance=alliance,
            name=f"Body {i}",
            code=f"B{i}",
            kind="management",
            decision_rule="CONSENSUS",
            quorum_count=2,
        )
    with django_assert_max_num_queries(25):
        response = logged_in.get("/alliances/dunmarrow/audit/")
    assert len(response.context["entries"]) == 34
