"""A body's page and the secretary's forms that keep its seats and rules: refusals on the form, in its
words, with nothing written; the vote form at a body with seats of its own offers its seats."""

from datetime import date

import pytest

from alliance.models import BodyRule, GoverningBody
from decisions.models import Vote
from roles.models import Seat
from tests.factories import MeetingFactory, UserFactory
from tests.helpers import rows, viewer_of
from tests.scenes import OPENED, make_oversight

pytestmark = pytest.mark.django_db


@pytest.fixture
def oversight(scene):
    return make_oversight(scene)


def url(scene, body, tail=""):
    return f"/alliances/{scene.alliance.slug}/bodies/{body.pk}/{tail}"


def test_the_body_page_says_how_it_decides_and_who_sits_on_it(client, scene, oversight):
    body, _ = oversight
    client.force_login(viewer_of(scene.alliance))
    page = client.get(url(scene, body), {"on": "2021-03-01"}).content.decode()
    assert "Majority: quorum and more agree than object; quorum 50% of voting members" in page
    assert "has seats of its own: its voting seats vote on its decisions" in page
    for name in ("Iona Chair", "Euan Officer", "Harbour Light Housing", "Dunmarrow Homelessness Network"):
        assert name in page
    assert "Second Step Trust" not in page
    assert "Add a seat" not in page  # a viewer keeps nothing


def test_the_overview_links_each_body_to_its_page(client, scene, oversight):
    body, _ = oversight
    client.force_login(viewer_of(scene.alliance))
    page = client.get(f"/alliances/{scene.alliance.slug}/").content.decode()
    assert f'href="{url(scene, body)}"' in page


def test_the_secretary_adds_a_seat_on_the_form(secretary, scene, oversight):
    body, _ = oversight
    response = secretary.post(
        url(scene, body, "seats/new/"), {"membership": scene.members[1].pk, "kind": "VOTING", "starts_on": "2021-04-01"}
    )
    assert response.status_code == 302 and response.url == url(scene, body)
    seat = Seat.objects.get(body=body, membership=scene.members[1])
    assert (seat.starts_on, seat.kind) == (date(2021, 4, 1), "VOTING")


def test_a_seat_the_rules_refuse_is_shown_on_the_form_and_nothing_written(secretary, scene, oversight):
    body, _ = oversight
    before = rows(Seat)
    response = secretary.post(
        url(scene, body, "seats/new/"), {"membership": scene.members[0].pk, "kind": "VOTING", "starts_on": "2021-04-01"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Harbour Light Housing already holds a seat on Oversight Group from 01/01/2021; end that seat first" in page
    assert rows(Seat) == before


def test_the_secretary_ends_a_seat_and_an_empty_reason_says_what_it_needs(secretary, scene, oversight):
    body, seats = oversight
    path = url(scene, body, f"seats/{seats['chair'].pk}/end/")
    before = rows(Seat)
    response = secretary.post(path, {"ends_on": "2021-06-30", "reason": ""})
    assert "Say why: the reason is kept with the record&#x27;s history." in response.content.decode()
    assert rows(Seat) == before
    response = secretary.post(path, {"ends_on": "2021-06-30", "reason": "Stood down."})
    assert response.status_code == 302
    assert Seat.objects.get(pk=seats["chair"].pk).ends_on == date(2021, 6, 30)


def test_a_viewer_meets_the_refusal_not_the_form(client, scene, oversight):
    body, _ = oversight
    client.force_login(viewer_of(scene.alliance))
    response = client.get(url(scene, body, "seats/new/"))
    assert response.status_code == 403
    assert "secretary" in response.content.decode()


def test_the_secretary_sets_and_removes_a_rule_for_a_kind(secretary, scene):
    response = secretary.post(
        url(scene, scene.body, "rules/"), {"kind": "PROCEDURAL", "decision_rule": "MAJORITY", "quorum_count": "2"}
    )
    assert response.status_code == 302
    rule = BodyRule.objects.get(body=scene.body)
    assert (rule.kind, rule.decision_rule, rule.quorum_count) == ("PROCEDURAL", "MAJORITY", 2)
    page = secretary.get(url(scene, scene.body)).content.decode()
    assert "Majority: quorum and more agree than object; quorum 2 voting members" in page
    response = secretary.post(url(scene, scene.body, f"rules/{rule.pk}/remove/"), {"reason": "Unanimity again."})
    assert response.status_code == 302 and not BodyRule.objects.exists()


def test_a_rule_the_rules_refuse_is_shown_on_the_form(secretary, scene):
    scene.open(title="Approve the minutes", kind="PROCEDURAL")
    before = rows(BodyRule)
    response = secretary.post(url(scene, scene.body, "rules/"), {"kind": "PROCEDURAL", "decision_rule": "MAJORITY"})
    assert response.status_code == 200
    assert "is open for votes at ALT; its outcome is counted by the rule in force when it closes" in (
        response.content.decode()
    )
    assert rows(BodyRule) == before


def test_the_secretary_gives_a_body_seats_of_its_own(secretary, scene):
    response = secretary.post(url(scene, scene.body, "seating/"), {"reason": "Seats from April."})
    assert response.status_code == 302
    assert GoverningBody.objects.get(pk=scene.body.pk).own_seats is True


def test_the_vote_form_at_a_body_with_seats_offers_its_seats_and_records_a_persons_vote(secretary, scene, oversight):
    body, seats = oversight
    decision = scene.open(
        body=body, meeting=MeetingFactory(body=body, starts_at=OPENED), kind="OPERATIONAL", closes_at=None
    )
    path = f"/alliances/{scene.alliance.slug}/decisions/{decision.pk}/vote/"
    page = secretary.get(path).content.decode()
    assert "Or a person&#x27;s seat" in page and "Iona Chair" in page
    assert "Second Step Trust" not in page.split('name="membership"')[1].split("</select>")[0]
    response = secretary.post(
        path, {"seat": seats["chair"].pk, "position": "AGREE", "cast_by": seats["chair"].person.pk}
    )
    assert response.status_code == 302, response.content.decode()
    vote = Vote.objects.get(decision=decision)
    assert (vote.seat, vote.cast_by, vote.recorded_by) == (seats["chair"], seats["chair"].person, scene.secretary)


def test_the_vote_form_refuses_another_person_as_caster_for_a_seat(secretary, scene, oversight):
    body, seats = oversight
    decision = scene.open(
        body=body, meeting=MeetingFactory(body=body, starts_at=OPENED), kind="OPERATIONAL", closes_at=None
    )
    path = f"/alliances/{scene.alliance.slug}/decisions/{decision.pk}/vote/"
    before = rows(Vote)
    response = secretary.post(
        path, {"seat": seats["chair"].pk, "position": "AGREE", "cast_by": seats["officer"].person.pk}
    )
    assert response.status_code == 200
    assert "Iona Chair sits on Oversight Group in their own right, so only Iona Chair can cast that vote" in (
        response.content.decode()
    )
    assert rows(Vote) == before


def test_a_seat_holder_votes_as_themselves_on_the_web(client, scene, oversight):
    body, seats = oversight
    decision = scene.open(
        body=body, meeting=MeetingFactory(body=body, starts_at=OPENED), kind="OPERATIONAL", closes_at=None
    )
    chair = seats["chair"].person
    chair.user = UserFactory(username="chair")
    chair.save()
    client.force_login(chair.user)
    path = f"/alliances/{scene.alliance.slug}/decisions/{decision.pk}/vote/"
    response = client.post(path, {"seat": seats["chair"].pk, "position": "OBJECT", "statement": "Too narrow."})
    assert response.status_code == 302, response.content.decode()
    assert Vote.objects.get(decision=decision).cast_by == chair


def test_the_secretary_requires_advice_on_the_body_page(secretary, scene):
    page = secretary.get(url(scene, scene.body)).content.decode()
    assert "Require advice before key decisions close" in page
    response = secretary.post(url(scene, scene.body, "advice-rule/"), {"reason": ""})
    assert "Say why: the reason is kept with the record&#x27;s history." in response.content.decode()
    assert GoverningBody.objects.get(pk=scene.body.pk).advice_required_for_key is False
    response = secretary.post(url(scene, scene.body, "advice-rule/"), {"reason": "The agreement asks for it."})
    assert response.status_code == 302
    assert GoverningBody.objects.get(pk=scene.body.pk).advice_required_for_key is True
    assert "A key decision closes only when each advisory member asked has advised" in (
        secretary.get(url(scene, scene.body)).content.decode()
    )
