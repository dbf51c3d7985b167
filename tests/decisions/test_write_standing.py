"""Write standing is the services' to decide, from the caller's ``actor`` (roles/standing.py): the
same refusal through the service, the API and the web form, and nothing written when refused."""

from datetime import timedelta

import pytest
from django.utils import timezone

from decisions import services
from decisions.models import ActionItem, AdvisoryInput, Decision, Vote
from roles.models import Role
from roles.standing import SYSTEM
from tests.conftest import token_client
from tests.factories import (
    AllianceFactory,
    DelegatedAuthorityFactory,
    MembershipFactory,
    PersonFactory,
    RoleAssignmentFactory,
    RoleFactory,
    UserFactory,
)
from tests.helpers import actor_for, refused, rows
from tests.scenes import CLOSED

pytestmark = pytest.mark.django_db

DRAFT = {"title": "Adopt the outreach redesign", "proposal": "That the alliance redesigns outreach.", "kind": "KEY"}


@pytest.fixture
def decision(scene):
    return services.open_decision(actor=SYSTEM, decision=scene.draft(closes_at=timezone.now() + timedelta(days=7)))


def login(person):
    if person.user is None:
        person.user = UserFactory(username=f"user-{person.pk}")
        person.save()
    return person.user


def web(client, person):
    client.force_login(login(person))
    return client


def api(person):
    return token_client(login(person))


@pytest.fixture
def elsewhere():
    """Another alliance's role and delegation, with names that must never reach this alliance's secretary."""
    other = AllianceFactory(name="Kelton Housing Alliance")
    role = RoleFactory(alliance=other, title="Kelton treasurer")
    return {"role": role, "delegation": DelegatedAuthorityFactory(role=role)}


@pytest.fixture
def advisor(scene):
    person = PersonFactory(name="Ada Advisor")
    RoleAssignmentFactory(role=RoleFactory(alliance=scene.alliance, kind=Role.Kind.ADVISOR), person=person)
    return person


@pytest.fixture
def network_rep(scene):
    person = PersonFactory(name="Rep of the network", employer=scene.advisory.organisation)
    role = RoleFactory(
        alliance=scene.alliance,
        kind=Role.Kind.MEMBER_REPRESENTATIVE,
        organisation=scene.advisory.organisation,
        body=scene.body,
    )
    RoleAssignmentFactory(role=role, person=person)
    return person


# A draft never names another alliance's role or delegation, whatever its kind -------------------


@pytest.mark.parametrize("kind", ["KEY", "APPOINTMENT", "DELEGATION", "POLICY"])
@pytest.mark.parametrize("field", ["appointment_role", "delegation_role", "delegation_to_revoke"])
def test_a_draft_naming_another_alliances_record_is_refused_without_naming_it(scene, elsewhere, kind, field):
    record = elsewhere["delegation" if field == "delegation_to_revoke" else "role"]
    error = refused(
        "decision_alliance_mismatch",
        lambda: services.draft_decision(
            actor=actor_for(scene.secretary), body=scene.body, **{**DRAFT, "kind": kind}, **{field: record}
        ),
        Decision,
    )
    assert error.field == field
    assert error.message.startswith(("That role was not found in this alliance", "That delegation was not found"))
    assert "Kelton" not in error.message


def test_an_edit_naming_another_alliances_role_is_refused(scene, elsewhere):
    draft = scene.draft()
    refused(
        "decision_alliance_mismatch",
        lambda: services.update_decision(
            actor=actor_for(scene.secretary), decision=draft, delegation_role=elsewhere["role"]
        ),
        Decision,
    )
    draft.refresh_from_db()
    assert draft.delegation_role is None


def test_the_api_refuses_a_draft_naming_another_alliances_role_with_400(scene, elsewhere):
    before = rows(Decision)
    response = api(scene.secretary).post(
        "/api/v1/decisions/", {**DRAFT, "body": scene.body.pk, "delegation_role": elsewhere["role"].pk}, format="json"
    )
    assert response.status_code == 400, response.json()
    assert response.json()["field"] == "delegation_role"
    assert "Kelton" not in response.content.decode()
    assert rows(Decision) == before


def test_the_draft_form_offers_no_role_or_person_of_another_alliance(client, scene, elsewhere):
    stranger = PersonFactory(name="Kelton stranger")
    RoleAssignmentFactory(role=elsewhere["role"], person=stranger)
    response = web(client, scene.secretary).get("/alliances/dunmarrow/decisions/new/")
    form = response.context["form"]
    assert elsewhere["role"] not in form.fields["delegation_role"].queryset
    assert stranger not in form.fields["appointment_person"].queryset
    assert "Kelton" not in response.content.decode()


def test_a_representative_cannot_draft(scene):
    error = refused(
        "not_permitted",
        lambda: services.draft_decision(actor=actor_for(scene.reps[0]), body=scene.body, **DRAFT),
        Decision,
    )
    assert "secretary of" in error.message


def test_the_api_refuses_a_representatives_draft_with_403(scene):
    before = rows(Decision)
    response = api(scene.reps[0]).post("/api/v1/decisions/", {**DRAFT, "body": scene.body.pk}, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "not_permitted"
    assert rows(Decision) == before


# Votes: a representative casts their own organisation's vote as themselves; the secretary any ---


def test_the_secretary_records_any_members_vote_and_is_recorded(scene, decision):
    vote = services.cast_vote(
        actor=actor_for(scene.secretary),
        decision=decision,
        membership=scene.members[1],
        position="AGREE",
        cast_by=scene.reps[1],
    )
    assert (vote.cast_by, vote.recorded_by) == (scene.reps[1], scene.secretary)


def test_a_representative_casts_their_own_vote(scene, decision):
    vote = services.cast_vote(
        actor=actor_for(scene.reps[0]),
        decision=decision,
        membership=scene.members[0],
        position="AGREE",
        cast_by=scene.reps[0],
    )
    assert (vote.cast_by, vote.recorded_by) == (scene.reps[0], None)


def test_a_representative_cannot_cast_another_members_vote(scene, decision):
    error = refused(
        "not_permitted",
        lambda: services.cast_vote(
            actor=actor_for(scene.reps[0]),
            decision=decision,
            membership=scene.members[1],
            position="AGREE",
            cast_by=scene.reps[0],
        ),
        Vote,
    )
    assert error.field == "membership"
    assert "secretary of" in error.message


def test_a_representative_cannot_cast_their_vote_as_someone_else(scene, decision):
    error = refused(
        "not_permitted",
        lambda: services.cast_vote(
            actor=actor_for(scene.reps[0]),
            decision=decision,
            membership=scene.members[0],
            position="AGREE",
            cast_by=scene.reps[1],
        ),
        Vote,
    )
    assert error.field == "cast_by"


def test_the_api_refuses_a_representatives_vote_cast_as_someone_else_with_403(scene, decision):
    before = rows(Vote)
    body = {"membership": scene.members[0].pk, "position": "AGREE", "cast_by": scene.reps[1].pk}
    response = api(scene.reps[0]).post(f"/api/v1/decisions/{decision.pk}/votes/", body, format="json")
    assert response.status_code == 403
    assert response.json()["field"] == "cast_by"
    assert rows(Vote) == before


def test_a_secretarys_vote_for_a_member_of_another_alliance_names_nothing(scene, decision):
    other = MembershipFactory(organisation__name="Kelton Care Ltd")
    error = refused(
        "membership_other_alliance",
        lambda: services.cast_vote(
            actor=actor_for(scene.secretary),
            decision=decision,
            membership=other,
            position="AGREE",
            cast_by=scene.reps[0],
        ),
        Vote,
    )
    assert "Kelton" not in error.message


# Advice: given by the caller, or recorded for someone by the body's secretary -------------------


def test_an_advisor_gives_advice_as_themselves(scene, decision, advisor):
    item = services.record_advice(actor=actor_for(advisor), decision=decision, person=advisor, advice="Ask them.")
    assert item.person == advisor


def test_an_advisor_cannot_give_advice_as_someone_else(scene, decision, advisor):
    other = PersonFactory()
    RoleAssignmentFactory(role=RoleFactory(alliance=scene.alliance, kind=Role.Kind.ADVISOR), person=other)
    error = refused(
        "not_permitted",
        lambda: services.record_advice(actor=actor_for(advisor), decision=decision, person=other, advice="Ask."),
        AdvisoryInput,
    )
    assert error.field == "person"


def test_a_representative_gives_their_organisations_advice(scene, decision, network_rep):
    item = services.record_advice(
        actor=actor_for(network_rep), decision=decision, organisation=scene.advisory.organisation, advice="Ask."
    )
    assert (item.organisation, item.person) == (scene.advisory.organisation, None)


def test_a_representative_cannot_attribute_their_organisations_advice_to_someone_else(
    scene, decision, network_rep, advisor
):
    error = refused(
        "not_permitted",
        lambda: services.record_advice(
            actor=actor_for(network_rep),
            decision=decision,
            organisation=scene.advisory.organisation,
            person=advisor,
            advice="Ask.",
        ),
        AdvisoryInput,
    )
    assert error.field == "person"


def test_a_representative_cannot_give_another_organisations_advice(scene, decision):
    refused(
        "not_permitted",
        lambda: services.record_advice(
            actor=actor_for(scene.reps[0]), decision=decision, organisation=scene.advisory.organisation, advice="A"
        ),
        AdvisoryInput,
    )


def test_the_secretary_records_advice_for_a_named_advisor(scene, decision, advisor):
    item = services.record_advice(actor=actor_for(scene.secretary), decision=decision, person=advisor, advice="A")
    assert item.person == advisor


def test_the_api_refuses_advice_attributed_to_someone_else_with_403(scene, decision, network_rep, advisor):
    before = rows(AdvisoryInput)
    body = {"organisation": scene.advisory.organisation.pk, "person": advisor.pk, "advice": "Ask."}
    response = api(network_rep).post(f"/api/v1/decisions/{decision.pk}/advice/", body, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "not_permitted"
    assert rows(AdvisoryInput) == before


def test_the_api_takes_an_advisors_own_advice(scene, decision, advisor):
    body = {"person": advisor.pk, "advice": "Ask people who use the service."}
    response = api(advisor).post(f"/api/v1/decisions/{decision.pk}/advice/", body, format="json")
    assert response.status_code == 201, response.json()


def test_an_advisor_uses_the_advice_form_as_themselves(client, scene, decision, advisor):
    page = web(client, advisor)
    form = page.get(f"/alliances/dunmarrow/decisions/{decision.pk}/advice/").context["form"]
    assert list(form.fields["person"].queryset) == [advisor]
    response = page.post(f"/alliances/dunmarrow/decisions/{decision.pk}/advice/", {"person": advisor.pk, "advice": "A"})
    assert response.status_code == 302
    assert AdvisoryInput.objects.get(decision=decision).person == advisor


def test_a_viewer_is_refused_the_advice_form(client, scene, decision):
    viewer = PersonFactory()
    RoleAssignmentFactory(role=RoleFactory(alliance=scene.alliance), person=viewer)
    response = web(client, viewer).get(f"/alliances/dunmarrow/decisions/{decision.pk}/advice/")
    assert response.status_code == 403
    assert "advisor" in response.content.decode()


def test_the_draft_form_refuses_another_alliances_role_and_writes_nothing(client, scene, elsewhere):
    before = rows(Decision)
    data = {**DRAFT, "body": scene.body.pk, "visibility": "MEMBERS", "delegation_role": elsewhere["role"].pk}
    response = web(client, scene.secretary).post("/alliances/dunmarrow/decisions/new/", {**data, "checked": "1"})
    assert response.status_code == 200
    assert response.context["form"].errors["delegation_role"]
    assert "Kelton" not in response.content.decode()
    assert rows(Decision) == before


# Action items on the web: the owner marks theirs done, as in the API --------------------------


@pytest.fixture
def agreed(scene):
    decision = scene.open()
    for i in range(len(scene.members)):
        scene.vote(decision, i)
    return services.close_decision(actor=SYSTEM, decision=decision, closed_at=CLOSED)


def test_the_owner_marks_their_item_done_on_the_web(client, scene, agreed):
    item = services.create_action_item(
        actor=SYSTEM, decision=agreed, title="Report", due_on=agreed.decided_on, owner_person=scene.reps[0]
    )
    page = web(client, scene.reps[0])
    response = page.post(f"/alliances/dunmarrow/actions/{item.pk}/done/", {"completed_on": agreed.decided_on})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == ActionItem.Status.DONE


def test_someone_else_is_refused_the_done_form_and_nothing_changes(client, scene, agreed):
    item = services.create_action_item(
        actor=SYSTEM, decision=agreed, title="Report", due_on=agreed.decided_on, owner_person=scene.reps[0]
    )
    response = web(client, scene.reps[1]).post(
        f"/alliances/dunmarrow/actions/{item.pk}/done/", {"completed_on": agreed.decided_on}
    )
    assert response.status_code == 403
    assert "owner" in response.content.decode()
    item.refresh_from_db()
    assert item.status == ActionItem.Status.OPEN


def test_the_api_lets_the_owner_complete_but_not_cancel(scene, agreed):
    item = services.create_action_item(
        actor=SYSTEM, decision=agreed, title="Report", due_on=agreed.decided_on, owner_person=scene.reps[0]
    )
    client = api(scene.reps[0])
    response = client.post(f"/api/v1/action-items/{item.pk}/cancel/", {"reason": "Not mine"}, format="json")
    assert response.status_code == 403
    response = client.post(
        f"/api/v1/action-items/{item.pk}/complete/", {"completed_on": str(agreed.decided_on)}, format="json"
    )
    assert response.status_code == 200, response.json()
