"""The close page is never silent about missing positions; the deadline is extended and a vote's capacity
chosen on the web, with the services' refusals on the forms (rule 3, issue 18 part 3)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from decisions import services
from decisions.models import Decision, Vote
from roles.standing import SYSTEM
from tests.helpers import rows
from tests.scenes import DECISION_ROWS

pytestmark = pytest.mark.django_db


@pytest.fixture
def decision(scene):
    decision = scene.open(closes_at=timezone.now() + timedelta(days=7))
    scene.vote(decision, 0)
    scene.vote(decision, 1)
    return decision


def url(decision, what):
    return f"/alliances/dunmarrow/decisions/{decision.pk}/{what}/"


def test_close_page_shows_the_lapse_and_who_has_not_given_a_position(secretary, decision):
    content = secretary.get(url(decision, "close")).content.decode()
    assert "If you close it now" in content
    assert "Lapsed: positions missing" in content
    assert "<li>Northgate Housing Association</li>" in content
    assert url(decision, "extend") in content and url(decision, "defer") in content
    assert "Close with positions missing" in content


def test_close_page_without_missing_positions_asks_no_confirmation(secretary, scene, decision):
    scene.vote(decision, 2)
    content = secretary.get(url(decision, "close")).content.decode()
    assert "Agreed unanimously" in content
    assert "Close with positions missing" not in content


def test_closing_without_the_confirmation_is_refused_on_the_form(secretary, decision):
    before = rows(*DECISION_ROWS)
    response = secretary.post(url(decision, "close"))
    content = response.content.decode()
    assert response.status_code == 200
    assert "Northgate Housing Association has not given a position" in content
    assert rows(*DECISION_ROWS) == before


def test_closing_with_the_confirmation_records_the_lapse(secretary, decision):
    response = secretary.post(url(decision, "close"), {"confirm_missing": "on"})
    assert response.status_code == 302
    decision.refresh_from_db()
    assert decision.status == Decision.Status.LAPSED
    page = secretary.get(decision.get_absolute_url()).content.decode()
    assert "Lapsed: positions missing" in page and "status-lapsed" in page


def test_lapsed_decisions_are_a_filter_of_the_log(secretary, decision):
    services.close_decision(actor=SYSTEM, decision=decision, confirm_missing=True)
    content = secretary.get("/alliances/dunmarrow/decisions/?status=LAPSED").content.decode()
    assert decision.title in content and "Lapsed: positions missing" in content


def test_secretary_extends_the_deadline(secretary, decision):
    later = timezone.localtime(decision.closes_at + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M")
    response = secretary.post(url(decision, "extend"), {"closes_at": later, "reason": "Board meets later."})
    assert response.status_code == 302
    decision.refresh_from_db()
    assert timezone.localtime(decision.closes_at).strftime("%Y-%m-%dT%H:%M") == later


def test_an_earlier_deadline_is_refused_on_the_form(secretary, decision):
    earlier = timezone.localtime(decision.closes_at - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    before = rows(*DECISION_ROWS)
    response = secretary.post(url(decision, "extend"), {"closes_at": earlier})
    assert response.status_code == 200
    assert "is not after the current deadline" in response.content.decode()
    assert rows(*DECISION_ROWS) == before


def test_an_empty_deadline_says_what_it_wants(secretary, decision):
    response = secretary.post(url(decision, "extend"), {"closes_at": ""})
    assert "Give the new moment votes close." in response.content.decode()


def test_the_decision_page_offers_to_extend_a_written_procedure(secretary, decision):
    assert url(decision, "extend") in secretary.get(decision.get_absolute_url()).content.decode()


@pytest.fixture
def commissioner(scene):
    member = scene.members[0]
    member.capacities = ["commissioner", "funder", "partner"]
    member.save()
    return member


def test_vote_form_asks_the_capacity_of_a_member_holding_several(secretary, scene, decision, commissioner):
    content = secretary.get(url(decision, "vote")).content.decode()
    assert "Acting as" in content


def test_vote_form_without_the_capacity_is_refused(secretary, scene, commissioner):
    decision = scene.open(closes_at=timezone.now() + timedelta(days=7))
    before = rows(Vote)
    response = secretary.post(
        url(decision, "vote"), {"membership": commissioner.pk, "position": "AGREE", "cast_by": scene.reps[0].pk}
    )
    assert response.status_code == 200
    assert "say which one it votes in" in response.content.decode()
    assert rows(Vote) == before


def test_vote_with_its_capacity_is_recorded_and_shown(secretary, scene, commissioner):
    decision = scene.open(closes_at=timezone.now() + timedelta(days=7))
    response = secretary.post(
        url(decision, "vote"),
        {"membership": commissioner.pk, "position": "AGREE", "cast_by": scene.reps[0].pk, "capacity": "funder"},
    )
    assert response.status_code == 302
    assert Vote.objects.get(decision=decision).capacity == "funder"
    assert "as funder" in secretary.get(decision.get_absolute_url()).content.decode()


def test_vote_form_of_single_capacity_members_does_not_ask(secretary, decision):
    assert "Acting as" not in secretary.get(url(decision, "vote")).content.decode()
