"""Releasing a decision and publishing recusal details on the pages, and what the public register shows."""

from datetime import timedelta

import pytest
from django.utils import timezone

from alliance.models import Alliance
from decisions import services
from decisions.models import Decision, Recusal, Release, Vote
from roles.standing import SYSTEM
from tests.helpers import rows, viewer_of
from tests.scenes import CLOSED

pytestmark = pytest.mark.django_db

WATCHED = (Decision, Release, Recusal, Vote)
REASON = "Rep of Harbour Light chairs the board of a bidder."


@pytest.fixture(autouse=True)
def published(scene):
    Alliance.objects.filter(pk=scene.alliance.pk).update(publish_register=True)
    return scene


def closed(scene, visibility="CONFIDENTIAL", recuse=False, title="Close the night shelter"):
    decision = scene.open(visibility=visibility, title=title)
    if recuse:
        services.record_recusal(actor=SYSTEM, decision=decision, membership=scene.members[0], reason=REASON)
    for i in range(1 if recuse else 0, len(scene.members)):
        scene.vote(decision, i)
    return services.close_decision(actor=SYSTEM, decision=decision, closed_at=CLOSED)


def page(decision, tail=""):
    return f"/alliances/dunmarrow/decisions/{decision.pk}/{tail}"


def test_secretary_releases_a_decision_on_its_page(secretary, client, scene):
    decision = closed(scene)
    detail = secretary.get(page(decision)).content.decode()
    assert "Release this decision" in detail and "Not released" in detail

    response = secretary.post(
        page(decision, "release/"), {"to_visibility": "PUBLIC", "reason": "Announced at the AGM."}
    )
    assert response.status_code == 302
    release = Release.objects.get(decision=decision)
    assert release.released_by == scene.secretary

    detail = secretary.get(page(decision)).content.decode()
    assert "Released: Public" in detail and "Announced at the AGM." in detail and "Morag Secretary" in detail
    client.logout()
    register = client.get("/public/dunmarrow/").content.decode()
    assert "Close the night shelter" in register
    assert f"Released on {timezone.localdate().strftime('%d/%m/%Y')}" in register
    assert "Released on" in client.get(f"/public/dunmarrow/decisions/{decision.pk}/").content.decode()


def test_release_form_refuses_narrowing_with_the_words_on_the_form(secretary, scene):
    decision = closed(scene, visibility="PUBLIC")
    before = rows(*WATCHED)
    response = secretary.post(page(decision, "release/"), {"to_visibility": "MEMBERS", "reason": "Hide it."})
    assert response.status_code == 200
    assert "A release never makes a record less visible" in response.content.decode()
    assert rows(*WATCHED) == before


def test_release_form_refuses_releasing_an_open_decision_now(secretary, scene):
    decision = scene.open(visibility="CONFIDENTIAL")
    before = rows(*WATCHED)
    response = secretary.post(page(decision, "release/"), {"to_visibility": "PUBLIC", "reason": "Now."})
    content = response.content.decode()
    assert response.status_code == 200 and "is not closed yet" in content and "Release at" in content
    assert rows(*WATCHED) == before


def test_release_form_asks_for_a_reason_in_words(secretary, scene):
    decision = closed(scene)
    before = rows(*WATCHED)
    response = secretary.post(page(decision, "release/"), {"to_visibility": "PUBLIC", "reason": ""})
    assert "Say why" in response.content.decode()
    assert rows(*WATCHED) == before


def test_a_viewer_is_refused_the_release_form(client, scene):
    decision = closed(scene, visibility="MEMBERS")
    client.force_login(viewer_of(scene.alliance))
    before = rows(*WATCHED)
    assert client.get(page(decision, "release/")).status_code == 403
    assert client.post(page(decision, "release/"), {"to_visibility": "PUBLIC", "reason": "x"}).status_code == 403
    assert rows(*WATCHED) == before
    assert "Release this decision" not in client.get(page(decision)).content.decode()


def test_an_embargoed_decision_is_not_on_the_register_until_its_moment(secretary, client, scene, monkeypatch):
    decision = closed(scene)
    moment = timezone.localtime(timezone.now() + timedelta(days=2)).replace(second=0, microsecond=0)
    response = secretary.post(
        page(decision, "release/"),
        {"to_visibility": "PUBLIC", "reason": "Embargoed.", "takes_effect_at": moment.strftime("%Y-%m-%dT%H:%M")},
    )
    assert response.status_code == 302
    assert "Scheduled" in secretary.get(page(decision)).content.decode()
    client.logout()
    assert "Close the night shelter" not in client.get("/public/dunmarrow/").content.decode()
    assert client.get(f"/public/dunmarrow/decisions/{decision.pk}/").status_code == 404
    monkeypatch.setattr(timezone, "now", lambda: moment + timedelta(minutes=1))
    assert "Close the night shelter" in client.get("/public/dunmarrow/").content.decode()


def test_secretary_cancels_a_scheduled_release(secretary, scene):
    decision = closed(scene)
    release = services.release_decision(
        actor=SYSTEM, decision=decision, to_visibility="PUBLIC", reason="Embargo.",
        takes_effect_at=timezone.now() + timedelta(days=1),
    )  # fmt: skip
    response = secretary.post(page(decision, f"releases/{release.pk}/cancel/"), {"reason": "Postponed."})
    assert response.status_code == 302
    release.refresh_from_db()
    assert release.cancelled_at and release.cancel_reason == "Postponed."
    assert "Cancelled" in secretary.get(page(decision)).content.decode()


def test_a_release_in_effect_is_not_cancelled_on_the_form(secretary, scene):
    decision = closed(scene)
    release = services.release_decision(actor=SYSTEM, decision=decision, to_visibility="PUBLIC", reason="Out.")
    before = rows(*WATCHED)
    response = secretary.post(page(decision, f"releases/{release.pk}/cancel/"), {"reason": "Oops."})
    assert response.status_code == 200 and "never undone" in response.content.decode()
    assert rows(*WATCHED) == before


# Recusal details -------------------------------------------------------------------------------


def test_public_page_hides_recusal_reasons_until_the_secretary_marks_them_public(secretary, client, scene):
    decision = closed(scene, visibility="PUBLIC", recuse=True)
    recusal = decision.recusals.get()
    assert REASON in secretary.get(page(decision)).content.decode()  # members always read them
    anonymous = client.__class__()
    public = anonymous.get(f"/public/dunmarrow/decisions/{decision.pk}/").content.decode()
    assert "Harbour Light Housing" in public and REASON not in public and "not published" in public

    response = secretary.post(page(decision, f"recusals/{recusal.pk}/publicity/"), {"public": "yes", "reason": ""})
    assert response.status_code == 302
    assert REASON in anonymous.get(f"/public/dunmarrow/decisions/{decision.pk}/").content.decode()
    assert "Stop showing the details publicly" in secretary.get(page(decision)).content.decode()


def test_recusal_publicity_form_refuses_a_viewer(client, scene):
    decision = closed(scene, visibility="PUBLIC", recuse=True)
    recusal = decision.recusals.get()
    client.force_login(viewer_of(scene.alliance))
    before = rows(*WATCHED)
    assert client.post(page(decision, f"recusals/{recusal.pk}/publicity/"), {"public": "yes"}).status_code == 403
    assert rows(*WATCHED) == before


def test_recusal_publicity_form_says_when_nothing_changes(secretary, scene):
    decision = closed(scene, visibility="PUBLIC", recuse=True)
    recusal = decision.recusals.get()
    before = rows(*WATCHED)
    response = secretary.post(page(decision, f"recusals/{recusal.pk}/publicity/"), {"public": "no"})
    assert response.status_code == 200 and "are not public" in response.content.decode()
    assert rows(*WATCHED) == before
