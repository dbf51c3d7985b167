from datetime import date

import pytest
from django.utils import timezone

from alliance import services
from alliance.models import AuditLink

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
    assert "<ins>30/09/2023</ins>" in content  # a date as the pages show it, not 2023-09-30


def test_audit_page_filters_by_change_type(logged_in, alliance):
    response = logged_in.get("/alliances/dunmarrow/audit/", {"change_type": "changed"})
    assert len(response.context["entries"]) == 1


def test_audit_page_with_reversed_dates_explains(logged_in, alliance):
    response = logged_in.get("/alliances/dunmarrow/audit/", {"since": "2024-01-01", "until": "2023-01-01"})
    assert response.status_code == 200
    assert "before the &#x27;From&#x27; date" in response.content.decode()


def test_reversed_dates_are_refused_in_the_api_in_the_pages_words(logged_in, alliance):
    response = logged_in.get("/api/v1/audit/", {"since": "2024-01-01", "until": "2023-01-01"})
    assert response.status_code == 400
    assert "The 'To' date is before the 'From' date; swap them or clear one." in response.json()["detail"]


def test_a_day_means_the_whole_day_on_the_page_and_in_the_api(logged_in, alliance):
    link = AuditLink.objects.filter(chain=f"alliance:{alliance.pk}").latest("id")
    day = timezone.localtime(link.history_date).date().isoformat()
    page = logged_in.get("/alliances/dunmarrow/audit/", {"since": day, "until": day}).context["entries"]
    feed = logged_in.get("/api/v1/audit/", {"alliance": "dunmarrow", "since": day, "until": day}).json()["results"]
    assert link.pk in [e["id"] for e in page]
    assert [e["id"] for e in page] == [e["id"] for e in feed]


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
    # 25, one for the Verification panel (issue 20, part 4) and one for the read log's entry.
    with django_assert_max_num_queries(27):
        response = logged_in.get("/alliances/dunmarrow/audit/")
    assert len(response.context["entries"]) == 34


def test_oversight_notes_reach_the_audit_page_and_csv_only_for_oversight_and_staff(alliance, client, staff):
    """A secretary reads the alliance's whole trail, but never oversight's own notes (alliance/access.py)."""
    from contracts import services as contracts
    from roles.access import access_for
    from roles.models import AccessGrant
    from tests.factories import GoverningBodyFactory, PersonFactory, RoleAssignmentFactory, RoleFactory, UserFactory

    body = GoverningBodyFactory(alliance=alliance, code="ALT")
    secretary, oversight = UserFactory(username="sec"), UserFactory(username="ovs")
    role = RoleFactory(alliance=alliance, kind="secretary", body=body, title="ALT secretary")
    RoleAssignmentFactory(role=role, person=PersonFactory(user=secretary), starts_on=date(2020, 1, 1))
    AccessGrant.objects.create(user=oversight, alliance=alliance, standing="oversight", starts_on=date(2020, 1, 1))
    contracts.write_oversight_note(actor=access_for(oversight), alliance=alliance, text="Ask how the bids were scored")
    for user, sees in ((secretary, False), (oversight, True), (staff, True)):
        client.force_login(user)
        page = client.get("/alliances/dunmarrow/audit/").content.decode()
        csv = b"".join(client.get("/api/v1/audit/csv/", {"alliance": "dunmarrow"}).streaming_content).decode()
        feed = client.get("/api/v1/audit/", {"alliance": "dunmarrow"}).content.decode()
        assert ("Ask how the bids were scored" in page) is sees, user
        assert ("Ask how the bids were scored" in csv) is sees, user
        assert ("Ask how the bids were scored" in feed) is sees, user
        assert "Harbour Light Housing in Dunmarrow" in page  # the rest of the trail is there for all three
