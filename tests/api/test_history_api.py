"""The audit trail through the API: versions with diffs, the feed, and as-of reads (rule 9)."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from alliance import services
from alliance.models import AuditLink
from roles.standing import SYSTEM
from tests.factories import AllianceFactory, GoverningBodyFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def membership(staff_api):
    alliance = services.save_alliance(name="Dunmarrow", slug="dunmarrow")
    org = services.save_organisation(name="Harbour Light Housing", kind="provider")
    created = staff_api.post(
        "/api/v1/memberships/",
        {"alliance": "dunmarrow", "organisation": org.pk, "status": "VOTING", "joined_on": "2020-07-01"},
    ).json()
    staff_api.post(f"/api/v1/memberships/{created['id']}/end/", {"left_on": "2023-09-30", "reason": "Concluded"})
    return alliance.memberships.get()


def test_history_lists_versions_with_who_why_and_diff(staff_api, membership):
    versions = staff_api.get(f"/api/v1/memberships/{membership.pk}/history/").json()
    assert [v["change_type"] for v in versions] == ["changed", "created"]
    latest = versions[0]
    assert latest["user"] == "admin-staff"
    assert latest["source"] == "api"
    assert latest["reason"] == "Concluded"
    assert latest["changes"] == [
        {
            "field": "left_on",
            "label": "left on",
            "old": None,
            "new": "2023-09-30",  # the machine value stays as it was
            "old_text": None,
            "new_text": "30/09/2023",  # beside it, as the pages show it
            "old_url": None,
            "new_url": None,
        }
    ]


def test_history_names_related_objects(staff_api):
    body = GoverningBodyFactory(name="Alliance Management Team", code="AMT")
    alt = GoverningBodyFactory(alliance=body.alliance, name="Alliance Leadership Team", code="ALT")
    response = staff_api.patch(f"/api/v1/bodies/{body.pk}/", {"reports_to": alt.pk})
    assert response.status_code == 200
    change = staff_api.get(f"/api/v1/bodies/{body.pk}/history/").json()[0]["changes"][0]
    assert change == {
        "field": "reports_to",
        "label": "reports to",
        "old": None,
        "new": "Alliance Leadership Team (ALT)",
        "old_text": None,
        "new_text": "Alliance Leadership Team (ALT)",
        "old_url": None,
        "new_url": alt.get_absolute_url(),
    }


def test_history_of_unknown_record_is_404(stranger_api):
    assert stranger_api.get("/api/v1/memberships/999/history/").status_code == 404


def test_as_of_returns_the_record_as_it_stood(staff_api, membership):
    before_end = membership.history.earliest().history_date + timedelta(microseconds=1)
    response = staff_api.get(f"/api/v1/memberships/{membership.pk}/", {"as_of": before_end.isoformat()})
    assert response.status_code == 200
    assert response.json()["left_on"] is None
    assert staff_api.get(f"/api/v1/memberships/{membership.pk}/").json()["left_on"] == "2023-09-30"


def test_as_of_before_the_record_existed_is_404_with_message(staff_api, membership):
    response = staff_api.get(f"/api/v1/memberships/{membership.pk}/", {"as_of": "2001-01-01"})
    assert response.status_code == 404
    assert "did not exist at 01/01/2001" in response.json()["detail"]


def test_as_of_malformed_is_400(staff_api, membership):
    response = staff_api.get(f"/api/v1/memberships/{membership.pk}/", {"as_of": "last tuesday"})
    assert response.status_code == 400
    assert response.json()["field"] == "as_of"


def test_feed_newest_first_with_filters(staff_api, membership):
    feed = staff_api.get("/api/v1/audit/", {"alliance": "dunmarrow"}).json()
    entries = feed["results"]
    assert entries[0]["model"] == "alliance.membership"
    assert entries[0]["change_type"] == "changed"
    assert [e["id"] for e in entries] == sorted((e["id"] for e in entries), reverse=True)
    only_created = staff_api.get("/api/v1/audit/", {"model": "membership", "change_type": "created"}).json()
    assert [e["change_type"] for e in only_created["results"]] == ["created"]
    by_user = staff_api.get("/api/v1/audit/", {"user": "admin-staff"}).json()["results"]
    assert {e["user"] for e in by_user} == {"admin-staff"}
    assert staff_api.get("/api/v1/audit/", {"user": "nobody"}).json()["results"] == []
    assert staff_api.get("/api/v1/audit/", {"until": "2001-01-01T00:00:00Z"}).json()["results"] == []


def test_feed_unknown_alliance_is_400(stranger_api):
    response = stranger_api.get("/api/v1/audit/", {"alliance": "nowhere"})
    assert response.status_code == 400
    assert "nowhere" in response.json()["detail"]


def test_feed_is_cursor_paginated(staff_api):
    for i in range(7):
        OrganisationFactory(name=f"Org {i}")
    total = AuditLink.objects.count()  # the organisations', and the staff account's own history
    first = staff_api.get("/api/v1/audit/", {"page_size": 5}).json()
    assert len(first["results"]) == 5
    second = staff_api.get(first["next"]).json()
    assert len(second["results"]) == min(5, total - 5)
    assert {e["id"] for e in first["results"]}.isdisjoint({e["id"] for e in second["results"]})


def test_one_alliances_feed_pages_through_its_chain_newest_first(staff_api):
    alliance = AllianceFactory(slug="quiet")
    for i in range(4):
        GoverningBodyFactory(alliance=alliance, code=f"B{i}")
    for i in range(3):
        OrganisationFactory(name=f"Elsewhere {i}")  # links of another chain, written later
    chain = f"alliance:{alliance.pk}"
    expected = list(AuditLink.objects.filter(chain=chain).order_by("-seq").values_list("pk", flat=True))

    first = staff_api.get("/api/v1/audit/", {"alliance": "quiet", "page_size": 3}).json()
    seen = [e["id"] for e in first["results"]]
    page = first
    while page["next"]:
        page = staff_api.get(page["next"]).json()
        seen += [e["id"] for e in page["results"]]

    assert len(expected) > 3 and seen == expected
    assert {e["chain"] for e in first["results"]} == {chain}


def test_feed_query_count_is_bounded(staff_api, django_assert_max_num_queries):
    for _ in range(20):
        alliance = AllianceFactory()
        org = OrganisationFactory()
        m = services.create_membership(alliance=alliance, organisation=org, status="VOTING", joined_on=date(2020, 1, 1))
        services.change_membership_status(
            membership=m, status="ADVISORY", effective_on=date(2021, 1, 1), reason="Stepped back"
        )
        services.save_body(
            alliance=alliance, name="ALT", code="ALT", kind="leadership", decision_rule="UNANIMOUS", quorum_count=2
        )
    with django_assert_max_num_queries(34):
        response = staff_api.get("/api/v1/audit/", {"page_size": 200})
    assert len(response.json()["results"]) >= 120


def test_feed_needs_a_login(anon_api):
    assert anon_api.get("/api/v1/audit/").status_code == 401


def test_feed_entry_for_deleted_history_subject_reads(staff_api):
    org = OrganisationFactory(name="Short Lived Ltd")
    org.delete()
    entries = staff_api.get("/api/v1/audit/", {"model": "organisation"}).json()["results"]
    assert entries[0]["change_type"] == "deleted"
    assert "deleted" in entries[0]["object"]
    assert timezone.now() - timedelta(minutes=5) < timezone.datetime.fromisoformat(entries[0]["when"])


def test_every_resource_has_history_and_the_named_ones_answer_as_of(staff_api):
    from tests.scenes import make_scene

    scene = make_scene(voting=1)
    decision = scene.open()
    before = timezone.now()
    from decisions import services as decision_services

    decision_services.update_decision(actor=SYSTEM, decision=decision, rationale="Changed later.")
    assignment = scene.alliance.roles.get(title="ALT secretary").assignments.get()
    for path in [
        f"/api/v1/decisions/{decision.pk}/history/",
        f"/api/v1/role-assignments/{assignment.pk}/history/",
        f"/api/v1/roles/{assignment.role_id}/history/",
        f"/api/v1/people/{assignment.person_id}/history/",
    ]:
        response = staff_api.get(path)
        assert response.status_code == 200, path
        assert response.json()[-1]["change_type"] == "created"
    then = staff_api.get(f"/api/v1/decisions/{decision.pk}/", {"as_of": before.isoformat()})
    assert then.status_code == 200
    assert then.json()["rationale"] == ""
    assert staff_api.get(f"/api/v1/decisions/{decision.pk}/").json()["rationale"] == "Changed later."
    assert staff_api.get(f"/api/v1/role-assignments/{assignment.pk}/", {"as_of": "2001-01-01"}).status_code == 404
