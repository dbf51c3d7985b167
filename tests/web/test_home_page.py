"""The home page at / and its JSON at /api/v1/home/: what needs the logged-in user, the same sections on
both, the visit recorded by the page (not by the API), and anonymous visitors sent to log in."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from alliance.errors import RuleViolation
from alliance.models import HomeVisit
from alliance.services import record_home_visit
from contracts.models import StageTransition
from decisions.models import Decision
from roles.access import access_for
from roles.models import Role
from tests.decisions.test_home import CANARY, person_with
from tests.factories import (
    AllianceFactory,
    AwardPolicyFactory,
    AwardProcessFactory,
    DecisionFactory,
    GoverningBodyFactory,
    UserFactory,
)
from tests.helpers import token_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    alliance = AllianceFactory(name="Aberlyn Alliance", slug="aberlyn")
    alt = GoverningBodyFactory(alliance=alliance, code="ALT")
    secretary, _ = person_with(alliance, Role.Kind.SECRETARY, body=alt, username="sec")
    member, _ = person_with(alliance, Role.Kind.DIRECTOR, username="member")
    oversight, _ = person_with(alliance, Role.Kind.OVERSIGHT_MEMBER, username="ovs")
    DecisionFactory(body=alt, title="Budget draft")
    other = AllianceFactory(name="Zedburgh Alliance", slug="zedburgh")
    other_body = GoverningBodyFactory(alliance=other, code="ZLT")
    DecisionFactory(body=other_body, title=f"{CANARY} draft", visibility=Decision.Visibility.CONFIDENTIAL)
    return {"alliance": alliance, "alt": alt, "secretary": secretary, "member": member, "oversight": oversight}


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get("/")
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


def test_logging_in_lands_on_the_home(client):
    UserFactory(username="someone", password="pw-for-tests-123")
    response = client.post("/accounts/login/", {"username": "someone", "password": "pw-for-tests-123"})
    assert response.status_code == 302 and response.url == "/"


def test_the_secretary_sees_their_drafts_with_a_link(client, world):
    client.force_login(world["secretary"])
    content = client.get("/").content.decode()
    assert "What needs you" in content and "Aberlyn Alliance" in content
    assert "Draft: Budget draft" in content
    draft = Decision.objects.get(title="Budget draft")
    assert f'href="{draft.get_absolute_url()}"' in content
    assert CANARY not in content
    assert 'href="/alliances/"' in content  # the list of alliances stays one click away


def test_a_member_sees_no_secretary_section(client, world):
    client.force_login(world["member"])
    content = client.get("/").content.decode()
    assert "Draft decisions" not in content and "Budget draft" not in content
    assert "Meetings in the next 14 days" in content


def test_a_user_without_standing_is_told_so(client):
    client.force_login(UserFactory())
    content = client.get("/").content.decode()
    assert "You hold no role in an alliance today" in content


def test_the_page_records_the_visit_and_shows_awards_approved_since_the_previous_one(client, world):
    policy = AwardPolicyFactory(alliance=world["alliance"], approving_body=world["alt"])
    old = AwardProcessFactory(policy=policy, title="Approved long ago", stage="APPROVED")
    StageTransition.objects.create(process=old, to_stage="APPROVED", at=timezone.now() - timedelta(days=3))
    client.force_login(world["oversight"])
    visit_at = timezone.now() - timedelta(days=2)
    HomeVisit.objects.create(user=world["oversight"], last_at=visit_at)
    new = AwardProcessFactory(policy=policy, title="Approved yesterday", stage="APPROVED")
    StageTransition.objects.create(process=new, to_stage="APPROVED", at=timezone.now() - timedelta(days=1))
    content = client.get("/").content.decode()
    assert "Awards approved since your last visit" in content
    assert "Approved yesterday" in content and "Approved long ago" not in content
    visit = HomeVisit.objects.get(user=world["oversight"])
    assert visit.previous_at == visit_at and visit.last_at > visit_at


def test_the_home_fits_a_phone(client, world):
    client.force_login(world["secretary"])
    content = client.get("/").content.decode()
    assert "<table" not in content and 'class="card home-section"' in content


# The API -----------------------------------------------------------------------------------------


def test_the_api_needs_a_login(client):
    assert client.get("/api/v1/home/").status_code in (401, 403)


def test_the_api_returns_the_same_sections_and_does_not_count_as_a_visit(client, world):
    api = token_client(world["secretary"])
    data = api.get("/api/v1/home/").json()
    assert [g["alliance"] for g in data["alliances"]] == ["aberlyn"]
    sections = {s["key"]: s for s in data["alliances"][0]["sections"]}
    assert [i["text"] for i in sections["drafts"]["items"]] == ["Draft: Budget draft"]
    assert sections["drafts"]["items"][0]["url"] == Decision.objects.get(title="Budget draft").get_absolute_url()
    assert {"meetings", "papers", "actions", "drafts", "overdue_decisions", "past_meetings", "minutes"} <= set(sections)
    assert "awards_approved" not in sections
    assert CANARY not in str(data)
    assert not HomeVisit.objects.filter(user=world["secretary"]).exists()
    client.force_login(world["secretary"])
    page = client.get("/").content.decode()
    for title in (s["title"] for s in data["alliances"][0]["sections"]):
        assert title.replace("'", "&#x27;") in page


def test_the_api_of_a_member_in_no_alliance_is_empty(client):
    data = token_client(UserFactory()).get("/api/v1/home/").json()
    assert data == {"since": None, "alliances": []}


def test_the_home_query_count_does_not_grow_with_the_rows(client, world, django_assert_max_num_queries):
    client.force_login(world["secretary"])
    client.get("/")
    for n in range(30):
        DecisionFactory(body=world["alt"], title=f"Draft {n}")
    with django_assert_max_num_queries(40):
        response = client.get("/")
    assert response.content.decode().count("Draft: Draft ") == 30


def test_a_visit_starts_from_the_first_one(world):
    actor = access_for(world["member"], on=date.today())
    first = timezone.now()
    assert record_home_visit(actor=actor, now=first) is None
    assert record_home_visit(actor=actor, now=first + timedelta(minutes=10)) is None  # a reload: the same visit
    assert record_home_visit(actor=actor, now=first + timedelta(hours=2)) == first
    assert record_home_visit(actor=actor, now=first + timedelta(hours=2, minutes=5)) == first


def test_an_anonymous_actor_cannot_record_a_visit():
    with pytest.raises(RuleViolation, match="Log in"):
        record_home_visit(actor=access_for(None), now=timezone.now())
    assert not HomeVisit.objects.exists()


def test_the_api_query_count_does_not_grow_with_the_rows(world, django_assert_max_num_queries):
    api = token_client(world["secretary"])
    api.get("/api/v1/home/")
    for n in range(30):
        DecisionFactory(body=world["alt"], title=f"Draft {n}")
    with django_assert_max_num_queries(40):
        data = api.get("/api/v1/home/").json()
    drafts = next(s for s in data["alliances"][0]["sections"] if s["key"] == "drafts")
    assert len(drafts["items"]) == 31
