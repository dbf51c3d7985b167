"""The vote and advice forms post in place with htmx (HX-Request: the panel of form and votes grid
comes back) and still work without JavaScript (a plain post redirects to the decision)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from decisions import services
from decisions.models import AdvisoryInput, Vote
from roles.standing import SYSTEM
from tests.helpers import rows

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def decision(scene):
    return services.open_decision(actor=SYSTEM, decision=scene.draft(closes_at=timezone.now() + timedelta(days=7)))


def _vote(scene, index=0):
    return {"membership": scene.members[index].pk, "position": "AGREE", "cast_by": scene.reps[index].pk}


def test_vote_page_shows_the_form_beside_the_votes_grid(secretary, decision):
    content = secretary.get(f"/alliances/dunmarrow/decisions/{decision.pk}/vote/").content.decode()
    assert 'id="vote-panel"' in content
    assert 'hx-post="/alliances/dunmarrow/decisions/' in content
    assert "votes-grid" in content
    assert "htmx.min.js" in content
    assert "js/focus-after-swap.js" in content  # focus stays where the person acted after the swap


def test_htmx_vote_returns_the_panel_with_the_vote_in_the_grid(secretary, scene, decision):
    response = secretary.post(f"/alliances/dunmarrow/decisions/{decision.pk}/vote/", _vote(scene), **HTMX)
    assert response.status_code == 200
    content = response.content.decode()
    assert content.lstrip().startswith('<div id="vote-panel">')
    assert "<html" not in content
    assert "Vote recorded." in content
    assert Vote.objects.filter(decision=decision, membership=scene.members[0]).exists()
    grid = content[content.index("votes-grid") :]
    row = grid[grid.index(scene.members[0].organisation.name) :]
    assert "position-agree" in row[: row.index("</tr>")]


def test_htmx_refusal_comes_back_in_the_panel_and_writes_nothing(secretary, scene, decision):
    before = rows(Vote)
    data = {"membership": scene.advisory.pk, "position": "AGREE", "cast_by": scene.reps[0].pk}
    response = secretary.post(f"/alliances/dunmarrow/decisions/{decision.pk}/vote/", data, **HTMX)
    assert response.status_code == 200
    content = response.content.decode()
    assert "<html" not in content
    assert "is an advisory member and cannot vote" in content
    assert "Vote recorded." not in content
    assert rows(Vote) == before


def test_plain_vote_post_redirects_to_the_decision(secretary, scene, decision):
    response = secretary.post(f"/alliances/dunmarrow/decisions/{decision.pk}/vote/", _vote(scene))
    assert response.status_code == 302
    assert response.url == decision.get_absolute_url()


def test_htmx_advice_returns_the_panel_with_the_advice_in_the_grid(secretary, scene, decision):
    data = {"organisation": scene.advisory.organisation.pk, "advice": "Ask people who use the service."}
    response = secretary.post(f"/alliances/dunmarrow/decisions/{decision.pk}/advice/", data, **HTMX)
    content = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in content
    assert "Advice recorded." in content
    assert "Ask people who use the service." in content
    assert AdvisoryInput.objects.filter(decision=decision).count() == 1


def test_plain_advice_post_redirects_to_the_decision(secretary, scene, decision):
    data = {"organisation": scene.advisory.organisation.pk, "advice": "Ask people who use the service."}
    response = secretary.post(f"/alliances/dunmarrow/decisions/{decision.pk}/advice/", data)
    assert response.status_code == 302
    assert response.url == decision.get_absolute_url()
