"""Releases and recusal details through the API: the same services and refusals as the pages."""

from datetime import timedelta

import pytest
from django.utils import timezone

from alliance.models import Alliance
from decisions import services
from decisions.models import Decision, Recusal, Release, Vote
from roles.standing import SYSTEM
from tests.helpers import rows, token_client, viewer_of
from tests.scenes import CLOSED

pytestmark = pytest.mark.django_db

URL = "/api/v1/decisions/"
WATCHED = (Decision, Release, Recusal, Vote)


@pytest.fixture
def viewer(scene):
    return viewer_of(scene.alliance)


@pytest.fixture
def published(scene):
    Alliance.objects.filter(pk=scene.alliance.pk).update(publish_register=True)
    return scene


@pytest.fixture
def secretary_api(scene):
    from tests.factories import UserFactory

    scene.secretary.user = UserFactory(username="secretary")
    scene.secretary.save()
    return token_client(scene.secretary.user)


def closed(scene, visibility="CONFIDENTIAL", recuse=False):
    decision = scene.open(visibility=visibility)
    if recuse:
        services.record_recusal(
            actor=SYSTEM,
            decision=decision,
            membership=scene.members[0],
            reason="Rep of Harbour Light chairs a bidder's board.",
        )
    for i in range(1 if recuse else 0, len(scene.members)):
        scene.vote(decision, i)
    return services.close_decision(actor=SYSTEM, decision=decision, closed_at=CLOSED)


def test_secretary_releases_and_the_public_reads_it_with_its_release(published, secretary_api, anon_api):
    decision = closed(published)
    assert anon_api.get(f"{URL}{decision.pk}/").status_code == 404

    response = secretary_api.post(
        f"{URL}{decision.pk}/release/", {"to_visibility": "PUBLIC", "reason": "Announced at the AGM."}, format="json"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["from_visibility"] == "CONFIDENTIAL" and body["to_visibility"] == "PUBLIC" and body["in_effect"]
    assert body["released_by"]["name"] == "Morag Secretary"

    public = anon_api.get(f"{URL}{decision.pk}/").json()
    assert public["visibility"] == "CONFIDENTIAL" and public["effective_visibility"] == "PUBLIC"
    assert [r["reason"] for r in public["releases"]] == ["Announced at the AGM."]
    assert public["releases"][0]["released_by"] is None  # a person's name stays with the alliance
    assert anon_api.get(URL).json()["count"] == 1


def test_scheduled_release_is_shown_to_members_and_cancelled(published, secretary_api, anon_api):
    decision = closed(published)
    moment = (timezone.now() + timedelta(days=2)).isoformat()
    response = secretary_api.post(
        f"{URL}{decision.pk}/release/",
        {"to_visibility": "PUBLIC", "reason": "Embargoed.", "takes_effect_at": moment},
        format="json",
    )
    assert response.status_code == 201 and response.json()["scheduled"]
    assert anon_api.get(f"{URL}{decision.pk}/").status_code == 404
    release_id = response.json()["id"]
    detail = secretary_api.get(f"{URL}{decision.pk}/").json()
    assert detail["effective_visibility"] == "CONFIDENTIAL" and detail["releases"][0]["scheduled"]

    response = secretary_api.post(f"{URL}{decision.pk}/releases/{release_id}/cancel/", {"reason": "Postponed."})
    assert response.status_code == 200 and response.json()["cancelled_at"]


@pytest.mark.parametrize(
    ("visibility", "payload", "status", "code"),
    [
        ("MEMBERS", {"to_visibility": "CONFIDENTIAL", "reason": "Hide it."}, 400, "release_narrowing"),
        ("PUBLIC", {"to_visibility": "PUBLIC", "reason": "Again."}, 409, "release_already_at_level"),
        ("CONFIDENTIAL", {"to_visibility": "PUBLIC", "reason": " "}, 400, None),
    ],
)
def test_release_refusals_write_nothing(published, secretary_api, visibility, payload, status, code):
    decision = closed(published, visibility=visibility)
    before = rows(*WATCHED)
    response = secretary_api.post(f"{URL}{decision.pk}/release/", payload, format="json")
    assert response.status_code == status, response.json()
    if code:
        assert response.json()["code"] == code
    assert rows(*WATCHED) == before


def test_an_open_decision_is_not_released_now(published, secretary_api):
    decision = published.open(visibility="CONFIDENTIAL")
    before = rows(*WATCHED)
    response = secretary_api.post(f"{URL}{decision.pk}/release/", {"to_visibility": "PUBLIC", "reason": "Now."})
    assert response.status_code == 409 and response.json()["code"] == "release_not_closed"
    assert "schedule the release" in response.json()["detail"]
    assert rows(*WATCHED) == before


def test_a_viewer_may_not_release(published, viewer_api):
    decision = closed(published, visibility="MEMBERS")
    before = rows(*WATCHED)
    response = viewer_api.post(f"{URL}{decision.pk}/release/", {"to_visibility": "PUBLIC", "reason": "x"})
    assert response.status_code == 403 and response.json()["code"] == "not_permitted"
    assert rows(*WATCHED) == before


def test_a_stranger_does_not_find_the_decision(published, stranger_api):
    decision = closed(published)
    response = stranger_api.post(f"{URL}{decision.pk}/release/", {"to_visibility": "PUBLIC", "reason": "x"})
    assert response.status_code == 404


def test_a_release_in_effect_is_not_cancelled(published, secretary_api):
    decision = closed(published)
    release = services.release_decision(actor=SYSTEM, decision=decision, to_visibility="PUBLIC", reason="Published.")
    before = rows(*WATCHED)
    response = secretary_api.post(f"{URL}{decision.pk}/releases/{release.pk}/cancel/", {"reason": "Oops."})
    assert response.status_code == 409 and response.json()["code"] == "release_in_effect"
    assert rows(*WATCHED) == before


# Recusal details ---------------------------------------------------------------------------------


def test_recusal_reason_is_hidden_from_the_public_until_marked_public(published, secretary_api, anon_api, viewer_api):
    decision = closed(published, visibility="PUBLIC", recuse=True)
    recusal = decision.recusals.get()
    public = anon_api.get(f"{URL}{decision.pk}/").json()
    assert public["recusals"][0]["reason"] == "" and public["recusals"][0]["details_public"] is False
    assert "chairs" not in str(anon_api.get("/api/v1/votes/", {"decision": decision.pk}).json())
    assert viewer_api.get(f"{URL}{decision.pk}/").json()["recusals"][0]["reason"].startswith("Rep of Harbour Light")

    response = secretary_api.post(
        f"{URL}{decision.pk}/recusals/{recusal.pk}/publicity/", {"public": True, "reason": "Agreed."}, format="json"
    )
    assert response.status_code == 200 and response.json()["details_public"]
    assert anon_api.get(f"{URL}{decision.pk}/").json()["recusals"][0]["reason"].startswith("Rep of Harbour Light")


def test_recusal_publicity_refusals_write_nothing(published, secretary_api, viewer_api):
    decision = closed(published, visibility="PUBLIC", recuse=True)
    recusal = decision.recusals.get()
    before = rows(*WATCHED)
    url = f"{URL}{decision.pk}/recusals/{recusal.pk}/publicity/"
    response = viewer_api.post(url, {"public": True}, format="json")
    assert response.status_code == 403
    response = secretary_api.post(url, {"public": False}, format="json")
    assert response.status_code == 409 and response.json()["code"] == "recusal_details_unchanged"
    assert rows(*WATCHED) == before


def test_decision_list_with_releases_keeps_its_query_count(published, viewer_api, django_assert_max_num_queries):
    for n in range(8):
        decision = closed(published)
        services.release_decision(actor=SYSTEM, decision=decision, to_visibility="MEMBERS", reason=f"Shared {n}.")
    with django_assert_max_num_queries(15):
        response = viewer_api.get(URL)
    assert response.json()["count"] == 8
    assert {d["effective_visibility"] for d in response.json()["results"]} == {"MEMBERS"}


@pytest.fixture
def award_viewer(award):
    return viewer_of(award.alliance)


def test_public_award_trail_keeps_recusal_reasons_and_interests_from_the_public(award, stranger_api, award_viewer):
    """A login with no standing in the alliance reads a PUBLIC award's trail as the public does."""
    viewer_api = token_client(award_viewer)
    from contracts.models import AwardProcess

    Alliance.objects.filter(pk=award.alliance.pk).update(publish_register=True)
    process, submissions = award.recommended()
    award.scene.interest(2, interest="Trustee of a bidder, Harbour Light Housing.")
    AwardProcess.objects.filter(pk=process.pk).update(visibility="PUBLIC")
    approval = award.approve(process)
    assert approval.recusals.exists()
    viewer_trail = str(viewer_api.get(f"/api/v1/awards/{process.pk}/audit/").json())
    assert "has a submission" in viewer_trail
    response = stranger_api.get(f"/api/v1/awards/{process.pk}/audit/")
    assert response.status_code == 200
    public_trail = str(response.json())
    assert "recused" in public_trail  # the approval is read, its recusals too: without their reasons
    assert "has a submission" not in public_trail and "Trustee of a bidder" not in public_trail
