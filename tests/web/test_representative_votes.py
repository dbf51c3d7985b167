"""A member's representative casts their own organisation's vote and gives its advice on the web
(rule 2), through the same check as the API (roles/access.py); never another organisation's."""

from datetime import timedelta

import pytest
from django.utils import timezone

from decisions import services
from decisions.models import AdvisoryInput, Vote
from roles.models import Role
from roles.standing import SYSTEM
from tests.factories import PersonFactory, RoleAssignmentFactory, RoleFactory, UserFactory
from tests.helpers import rows, viewer_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def decision(scene):
    return services.open_decision(actor=SYSTEM, decision=scene.draft(closes_at=timezone.now() + timedelta(days=7)))


def _log_in_as(client, person):
    person.user = UserFactory(username=f"user-{person.pk}")
    person.save()
    client.force_login(person.user)
    return client


@pytest.fixture
def representative(client, scene):
    """The logged-in representative of the scene's first member."""
    return _log_in_as(client, scene.reps[0])


@pytest.fixture
def advisory_representative(client, scene):
    person = PersonFactory(name="Rep of the network", employer=scene.advisory.organisation)
    role = RoleFactory(
        alliance=scene.alliance,
        title="Representative: network",
        kind=Role.Kind.MEMBER_REPRESENTATIVE,
        organisation=scene.advisory.organisation,
        body=scene.body,
    )
    RoleAssignmentFactory(role=role, person=person)
    return _log_in_as(client, person)


def _url(decision, action="vote"):
    return f"/alliances/dunmarrow/decisions/{decision.pk}/{action}/"


def test_representative_sees_only_their_own_organisation_on_the_vote_form(representative, scene, decision):
    response = representative.get(_url(decision))
    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.fields["membership"].queryset) == [scene.members[0]]
    assert "cast_by" not in form.fields
    assert "recorded_by_me" not in form.fields


def test_representative_casts_their_own_organisations_vote(representative, scene, decision):
    response = representative.post(_url(decision), {"membership": scene.members[0].pk, "position": "AGREE"})
    assert response.status_code == 302
    vote = Vote.objects.get(decision=decision)
    assert vote.membership == scene.members[0]
    assert vote.cast_by == scene.reps[0]
    assert vote.recorded_by is None


def test_representative_cannot_cast_another_organisations_vote(representative, scene, decision):
    before = rows(Vote)
    response = representative.post(
        _url(decision), {"membership": scene.members[1].pk, "position": "AGREE", "cast_by": scene.reps[1].pk}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["membership"]
    assert rows(Vote) == before


def test_representative_cannot_pose_as_the_secretary(representative, scene, decision):
    before = rows(Vote)
    response = representative.post(
        _url(decision),
        {"membership": scene.members[0].pk, "position": "AGREE", "cast_by": scene.reps[1].pk, "recorded_by_me": "on"},
    )
    assert response.status_code == 302
    vote = Vote.objects.get(decision=decision)
    # The extra fields are not the representative's to set: the vote is theirs, unrecorded.
    assert (vote.cast_by, vote.recorded_by) == (scene.reps[0], None)
    assert rows(Vote)["Vote"] == before["Vote"] + 1


def test_advisory_representatives_vote_is_refused_with_the_rule(advisory_representative, scene, decision):
    before = rows(Vote)
    response = advisory_representative.post(_url(decision), {"membership": scene.advisory.pk, "position": "AGREE"})
    assert response.status_code == 200
    content = response.content.decode()
    assert "is an advisory member and cannot vote" in content
    assert "Add advisory input" in content
    assert rows(Vote) == before


def test_advisory_representative_gives_their_organisations_advice(advisory_representative, scene, decision):
    response = advisory_representative.post(
        _url(decision, "advice"), {"organisation": scene.advisory.organisation.pk, "advice": "Ask people first."}
    )
    assert response.status_code == 302
    assert AdvisoryInput.objects.get(decision=decision).organisation == scene.advisory.organisation


def test_representative_cannot_give_another_organisations_advice(representative, scene, decision):
    before = rows(AdvisoryInput)
    response = representative.post(
        _url(decision, "advice"), {"organisation": scene.advisory.organisation.pk, "advice": "Not ours to give."}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["organisation"]
    assert rows(AdvisoryInput) == before


def test_reader_without_a_representative_role_may_not_vote(client, scene, decision):
    client.force_login(viewer_of(scene.alliance))
    assert client.get(_url(decision)).status_code == 403
    assert client.get(_url(decision, "advice")).status_code == 403


def test_decision_page_offers_the_representative_their_vote(representative, decision):
    content = representative.get(f"/alliances/dunmarrow/decisions/{decision.pk}/").content.decode()
    assert "Cast your organisation's vote" in content
