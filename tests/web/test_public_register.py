from datetime import UTC, date, datetime

import pytest

from alliance.models import Alliance
from decisions import services
from decisions.models import Decision
from roles.standing import SYSTEM
from tests.factories import (
    AllianceFactory,
    AwardPolicyFactory,
    AwardProcessFactory,
    DecisionFactory,
    GoverningBodyFactory,
)
from tests.scenes import make_scene

pytestmark = pytest.mark.django_db

ADVISED = datetime(2021, 3, 3, 10, 0, tzinfo=UTC)
CLOSED = datetime(2021, 3, 10, 12, 0, tzinfo=UTC)


@pytest.fixture
def scene():
    scene = make_scene(voting=2)
    Alliance.objects.filter(pk=scene.alliance.pk).update(publish_register=True)
    return scene


@pytest.fixture
def agreed(scene):
    decision = scene.open(
        title="Adopt the winter shelter protocol", visibility="PUBLIC", rationale="Nobody sleeps out."
    )
    scene.vote(decision, 0)
    scene.vote(decision, 1)
    advice = services.record_advice(
        actor=SYSTEM,
        decision=decision,
        organisation=scene.advisory.organisation,
        advice="Open the shelter from November.",
        given_at=ADVISED,
    )
    services.respond_to_advice(actor=SYSTEM, advisory_input=advice, response="The shelter opens on 1 November.")
    return services.close_decision(actor=SYSTEM, decision=decision, closed_at=CLOSED)


def decided(scene, year, visibility="PUBLIC", body=None, **fields):
    return DecisionFactory(
        body=body or scene.body,
        visibility=visibility,
        status=Decision.Status.AGREED,
        reference=fields.pop("reference", f"ALT-{year}-{Decision.objects.count() + 1:03d}"),
        decided_on=date(year, 5, 1),
        **fields,
    )


# The list of publishing alliances


def test_index_lists_only_publishing_alliances(client, scene):
    AllianceFactory(name="Quiet Alliance", publish_register=False)
    response = client.get("/public/")
    assert response.status_code == 200
    assert "Dunmarrow Homelessness Alliance" in response.content.decode()
    assert "Quiet Alliance" not in response.content.decode()


def test_index_says_when_no_alliance_publishes(client, db):
    assert "No alliance publishes its register yet" in client.get("/public/").content.decode()


def test_every_page_links_the_public_registers(client, db):
    assert 'href="/public/"' in client.get("/accounts/login/").content.decode()


# The register


def test_register_shows_public_decisions_only(client, scene, agreed):
    decided(scene, 2022, visibility="MEMBERS", title="A members' matter")
    decided(scene, 2022, visibility="CONFIDENTIAL", title="A confidential matter")
    scene.draft(title="A public draft", visibility="PUBLIC")
    page = client.get("/public/dunmarrow/").content.decode()
    assert agreed.reference in page
    assert f'href="/public/dunmarrow/decisions/{agreed.pk}/"' in page
    assert "10/03/2021" in page
    assert "A members&#x27; matter" not in page and "A confidential matter" not in page
    assert "A public draft" not in page
    assert 'href="/public/dunmarrow/forward-plan/"' in page
    assert 'href="/public/dunmarrow/awards/"' in page


def test_register_of_an_unpublished_alliance_is_not_found(client, scene):
    Alliance.objects.filter(pk=scene.alliance.pk).update(publish_register=False)
    assert client.get("/public/dunmarrow/").status_code == 404


def test_register_of_an_unknown_alliance_is_not_found(client, db):
    assert client.get("/public/nowhere/").status_code == 404


def test_register_filters_by_year_and_body(client, scene):
    amt = GoverningBodyFactory(alliance=scene.alliance, code="AMT", name="Alliance Management Team")
    decided(scene, 2021, title="Twenty-one at the ALT")
    decided(scene, 2022, title="Twenty-two at the ALT")
    decided(scene, 2022, body=amt, title="Twenty-two at the AMT", reference="AMT-2022-001")
    page = client.get("/public/dunmarrow/?year=2022&body=ALT").content.decode()
    assert "Twenty-two at the ALT" in page
    assert "Twenty-one at the ALT" not in page and "Twenty-two at the AMT" not in page
    assert '<option value="2021">' in page


def test_register_filters_that_match_nothing_say_so(client, scene):
    decided(scene, 2021)
    page = client.get("/public/dunmarrow/?year=2030").content.decode()
    assert "No published decision matches these filters" in page


def test_register_refuses_a_malformed_year_with_a_message(client, scene):
    response = client.get("/public/dunmarrow/?year=last")
    assert response.status_code == 400
    assert "Enter the year as four digits" in response.content.decode()


def test_register_refuses_an_unknown_body_with_a_message(client, scene):
    response = client.get("/public/dunmarrow/?body=XYZ")
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()


def test_empty_register_says_what_to_expect(client, scene):
    page = client.get("/public/dunmarrow/").content.decode()
    assert "has not published any decision yet" in page


def test_register_queries_are_bounded(client, scene, django_assert_max_num_queries):
    for n in range(60):
        decided(scene, 2020 + n % 3, reference=f"ALT-2020-{n + 1:03d}")
    with django_assert_max_num_queries(10):
        response = client.get("/public/dunmarrow/?page=2")
    assert response.status_code == 200
    assert "Page 2 of 2" in response.content.decode()


# The decision page


def test_public_decision_page_shows_the_record(client, scene, agreed):
    page = client.get(f"/public/dunmarrow/decisions/{agreed.pk}/").content.decode()
    assert "Adopt the winter shelter protocol" in page
    assert "Nobody sleeps out." in page
    assert "Harbour Light Housing" in page and "Agree" in page
    assert "Open the shelter from November." in page
    assert "The shelter opens on 1 November." in page
    assert "Eligible voting members" in page


@pytest.mark.parametrize("visibility", ["MEMBERS", "CONFIDENTIAL"])
def test_public_page_of_a_restricted_decision_is_not_found(client, scene, visibility):
    decision = decided(scene, 2022, visibility=visibility)
    assert client.get(f"/public/dunmarrow/decisions/{decision.pk}/").status_code == 404


def test_public_page_of_another_alliances_decision_is_not_found(client, scene):
    elsewhere = DecisionFactory(
        body=GoverningBodyFactory(alliance=AllianceFactory(publish_register=True)),
        visibility="PUBLIC",
        status=Decision.Status.AGREED,
        reference="ALT-2022-900",
    )
    assert client.get(f"/public/dunmarrow/decisions/{elsewhere.pk}/").status_code == 404


def test_public_decision_page_queries_are_bounded(client, scene, agreed, django_assert_max_num_queries):
    with django_assert_max_num_queries(22):
        assert client.get(f"/public/dunmarrow/decisions/{agreed.pk}/").status_code == 200


# The award processes


def test_awards_page_lists_public_awards_with_their_open_data(client, scene):
    policy = AwardPolicyFactory(alliance=scene.alliance)
    shown = AwardProcessFactory(policy=policy, stage="SUBMISSIONS", title="Street outreach")
    AwardProcessFactory(policy=policy, stage="SUBMISSIONS", visibility="MEMBERS", title="Members-only award")
    AwardProcessFactory(policy=policy, stage="DRAFT", title="Draft award")
    page = client.get("/public/dunmarrow/awards/").content.decode()
    assert shown.reference in page and "Street outreach" in page
    assert "Mini-competition among members" in page and "Open for submissions" in page
    assert "£1,200,000.00" in page
    assert f'href="/api/v1/awards/{shown.pk}/ocds/"' in page
    assert "Members-only award" not in page and "Draft award" not in page


def test_awards_page_of_an_unpublished_alliance_is_not_found(client, db):
    AllianceFactory(slug="quiet", publish_register=False)
    assert client.get("/public/quiet/awards/").status_code == 404


def test_empty_awards_page_says_what_to_expect(client, scene):
    assert "has not published any award process yet" in client.get("/public/dunmarrow/awards/").content.decode()


def test_awards_page_queries_are_bounded(client, scene, django_assert_max_num_queries):
    policy = AwardPolicyFactory(alliance=scene.alliance)
    for _ in range(60):
        AwardProcessFactory(policy=policy, stage="EVALUATION")
    with django_assert_max_num_queries(6):
        assert client.get("/public/dunmarrow/awards/").status_code == 200
