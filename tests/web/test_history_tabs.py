"""Detail pages show their record's history as a list of changes with who, when, why and what."""

import pytest

from decisions import services
from roles.standing import SYSTEM
from tests.factories import PersonFactory
from tests.scenes import make_scene

pytestmark = pytest.mark.django_db


def test_decision_page_lists_changes_with_the_field_diff(client, staff):
    scene = make_scene(voting=2)
    decision = scene.open()
    services.update_decision(actor=SYSTEM, decision=decision, rationale="Because the winter plan needs it.")
    client.force_login(staff)
    content = client.get(f"/alliances/dunmarrow/decisions/{decision.pk}/").content.decode()
    assert 'id="history-heading"' in content
    assert "<ins>Because the winter plan needs it.</ins>" in content
    assert "<strong>Created</strong>" in content


def test_role_page_lists_its_history(client, staff):
    scene = make_scene(voting=1)
    role = scene.alliance.roles.get(title="ALT secretary")
    client.force_login(staff)
    content = client.get(f"/alliances/dunmarrow/roles/{role.pk}/").content.decode()
    assert 'id="history-heading"' in content
    assert "<strong>Created</strong>" in content


def test_a_change_made_on_a_page_records_the_user_and_the_web_as_its_source(client, staff):
    from alliance.models import AuditLink
    from decisions.models import Meeting

    scene = make_scene(voting=1)
    client.force_login(staff)
    response = client.post(
        "/alliances/dunmarrow/meetings/new/",
        {"body": scene.body.pk, "starts_at": "2031-05-01T10:00", "title": "Spring ALT", "location": "Town hall"},
    )
    assert response.status_code == 302, response.content.decode()[:500]
    meeting = Meeting.objects.get(title="Spring ALT")
    assert meeting.history.get().history_user == staff
    link = AuditLink.objects.get(object_model="decisions.meeting", object_id=str(meeting.pk))
    assert (link.source, link.user_id) == ("web", staff.pk)


def _membership_scene():
    from datetime import date, timedelta

    from alliance import services as alliance_services
    from tests.factories import RepresentativeRoleFactory, RoleAssignmentFactory

    scene = make_scene(voting=2)
    membership = scene.alliance.memberships.filter(status="VOTING").select_related("organisation").first()
    alliance_services.change_membership_status(
        membership=membership, status="ADVISORY", effective_on=date(2022, 4, 1), reason="Chose to advise"
    )
    role = RepresentativeRoleFactory(
        alliance=scene.alliance, organisation=membership.organisation, title="Rep of the first member"
    )
    for n in range(5):
        starts_on = membership.joined_on + timedelta(days=30 * n)
        RoleAssignmentFactory(
            role=role,
            person=PersonFactory(name=f"Representative {n}"),
            starts_on=starts_on,
            ends_on=starts_on + timedelta(days=29),
        )
    return scene, membership


def test_membership_page_shows_status_changes_representatives_and_history(client, staff):
    scene, membership = _membership_scene()
    client.force_login(staff)
    overview = client.get("/alliances/dunmarrow/").content.decode()
    assert f'href="/alliances/dunmarrow/members/{membership.pk}/"' in overview
    response = client.get(f"/alliances/dunmarrow/members/{membership.pk}/?on=2023-01-01")
    assert response.status_code == 200
    content = response.content.decode()
    assert "Chose to advise" in content and "Advisory · non-voting" in content
    assert "Representative 4" in content and "Rep of the first member" in content
    assert 'id="history-heading"' in content and "<strong>Created</strong>" in content


def test_delegation_page_shows_its_terms_and_history(client, staff):
    from datetime import date

    from roles import services as role_services
    from tests.factories import DelegatedAuthorityFactory, RoleFactory

    scene = make_scene(voting=1)
    delegation = DelegatedAuthorityFactory(role=RoleFactory(alliance=scene.alliance, title="Director"), body=scene.body)
    role_services.revoke_delegation(delegation=delegation, revoked_on=date(2023, 4, 1), reason="Budget moved")
    client.force_login(staff)
    register = client.get("/alliances/dunmarrow/delegations/").content.decode()
    assert f'href="/alliances/dunmarrow/delegations/{delegation.pk}/"' in register
    response = client.get(f"/alliances/dunmarrow/delegations/{delegation.pk}/")
    assert response.status_code == 200
    content = response.content.decode()
    assert "Director" in content and "£50,000.00" in content and "Budget moved" in content
    assert 'id="history-heading"' in content and "<q>Budget moved</q>" in content


def test_membership_and_delegation_pages_of_another_alliance_are_404(client, staff):
    from tests.factories import AllianceFactory, DelegatedAuthorityFactory, MembershipFactory, RoleFactory

    make_scene(voting=1)
    other = AllianceFactory(slug="elsewhere")
    membership = MembershipFactory(alliance=other)
    delegation = DelegatedAuthorityFactory(role=RoleFactory(alliance=other))
    client.force_login(staff)
    assert client.get(f"/alliances/dunmarrow/members/{membership.pk}/").status_code == 404
    assert client.get(f"/alliances/dunmarrow/delegations/{delegation.pk}/").status_code == 404
    assert client.get(f"/alliances/elsewhere/members/{membership.pk}/").status_code == 200


def test_membership_and_delegation_pages_need_a_standing(client):
    from tests.factories import DelegatedAuthorityFactory, RoleFactory, UserFactory

    scene, membership = _membership_scene()
    delegation = DelegatedAuthorityFactory(role=RoleFactory(alliance=scene.alliance), body=scene.body)
    assert client.get(f"/alliances/dunmarrow/members/{membership.pk}/").status_code == 302  # to the login
    client.force_login(UserFactory(username="stranger"))
    assert client.get(f"/alliances/dunmarrow/members/{membership.pk}/").status_code == 404
    assert client.get(f"/alliances/dunmarrow/delegations/{delegation.pk}/").status_code == 404


def test_membership_and_delegation_pages_keep_a_fixed_query_count(client, staff, django_assert_max_num_queries):
    from tests.factories import DelegatedAuthorityFactory, RoleFactory

    scene, membership = _membership_scene()
    delegation = DelegatedAuthorityFactory(role=RoleFactory(alliance=scene.alliance), body=scene.body)
    for n in range(10):
        delegation.scope = f"Scope {n}"
        delegation.save()
    client.force_login(staff)
    with django_assert_max_num_queries(25):
        assert client.get(f"/alliances/dunmarrow/members/{membership.pk}/").status_code == 200
    with django_assert_max_num_queries(25):
        assert client.get(f"/alliances/dunmarrow/delegations/{delegation.pk}/").status_code == 200


def test_award_page_shows_corrections_of_the_process_itself(client, staff):
    from contracts import services as contract_services
    from tests.scenes import make_award_scene

    award = make_award_scene()
    process = award.process()
    contract_services.correct_process(
        actor=SYSTEM, process=process, reason="New estimate", estimated_total_value="1300000"
    )
    client.force_login(staff)
    content = client.get(f"/alliances/{award.alliance.slug}/awards/{process.pk}/").content.decode()
    assert 'id="trail-heading"' in content
    assert "New estimate" in content
