from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from decisions import services
from decisions.models import AdvisoryInput, Decision, Recusal, Vote
from roles.standing import SYSTEM
from tests.factories import (
    DelegatedAuthorityFactory,
    PersonFactory,
    RoleAssignmentFactory,
    RoleFactory,
    UserFactory,
)
from tests.helpers import rows, token_client, viewer_of
from tests.scenes import CLOSED

pytestmark = pytest.mark.django_db


@pytest.fixture
def viewer(scene):
    return viewer_of(scene.alliance)


URL = "/api/v1/decisions/"


@pytest.fixture
def decision(scene):
    return scene.open()


def agreed(scene, **fields):
    decision = scene.open(**fields)
    for i in range(len(scene.members)):
        scene.vote(decision, i)
    return services.close_decision(actor=SYSTEM, decision=decision, closed_at=CLOSED)


def vote_body(scene, index=0, **extra):
    return {
        "membership": scene.members[index].pk,
        "position": "AGREE",
        "cast_by": scene.reps[index].pk,
        "cast_at": "2021-03-02T10:00:00Z",
        **extra,
    }


# Reading


def test_anonymous_reads_only_public_decisions_of_a_publishing_alliance(anon_api, decision):
    response = anon_api.get(URL)
    assert response.status_code == 200
    assert response.json()["count"] == 0  # a members-level decision is not on the public register
    assert anon_api.get(f"{URL}{decision.pk}/").status_code == 404
    assert anon_api.get(f"{URL}{decision.pk}/history/").status_code in (401, 404)


def test_list_shows_counts_outcome_and_links(viewer_api, scene):
    old = agreed(scene)
    new = services.amend_decision(actor=SYSTEM, decision=old, proposal="With a winter shelter.")
    rows_ = {d["id"]: d for d in viewer_api.get(URL).json()["results"]}
    listed = rows_[old.pk]
    assert listed["reference"] == "ALT-2021-001" and listed["status"] == "AGREED"
    assert (listed["agree_count"], listed["eligible_count"]) == (3, 3)
    assert listed["votes_summary"] == {"agree": 3, "object": 0, "abstain": 0, "total": 3}
    assert listed["outcome_explanation"] == "Agreed unanimously by all 3 eligible members."
    assert [d["id"] for d in listed["amended_by"]] == [new.pk]
    assert rows_[new.pk]["amends"]["reference"] == "ALT-2021-001"


def test_detail_includes_votes_recusals_advice_and_action_items(viewer_api, scene, decision):
    scene.vote(decision, 0)
    services.record_recusal(actor=SYSTEM, decision=decision, membership=scene.members[1], reason="Bidder")
    services.record_advice(
        actor=SYSTEM, decision=decision, organisation=scene.advisory.organisation, advice="Ask people"
    )
    body = viewer_api.get(f"{URL}{decision.pk}/").json()
    assert [v["organisation"]["name"] for v in body["votes"]] == ["Harbour Light Housing"]
    assert body["recusals"][0]["reason"] == "Bidder"
    assert body["advisory_inputs"][0]["organisation"]["name"] == "Dunmarrow Homelessness Network"
    assert body["action_items"] == []


def test_filters(viewer_api, scene):
    first = agreed(scene, tags=["outreach", "winter"], title="Winter outreach beds")
    second = scene.open(title="Adopt the operating manual", tags=["governance"], kind="POLICY")
    services.cast_vote(
        actor=SYSTEM,
        decision=second,
        membership=scene.members[0],
        position="OBJECT",
        statement="Too soon",
        cast_by=scene.reps[0],
        cast_at=CLOSED,
        now=CLOSED,
    )

    def ids(**params):
        return {d["id"] for d in viewer_api.get(URL, params).json()["results"]}

    assert ids(alliance="dunmarrow") == {first.pk, second.pk}
    assert ids(alliance="elsewhere") == set()
    assert ids(body="ALT") == ids(body=str(scene.body.pk)) == {first.pk, second.pk}
    assert ids(kind="POLICY") == {second.pk}
    assert ids(status="AGREED") == {first.pk}
    assert ids(visibility="MEMBERS") == {first.pk, second.pk}
    assert ids(tag="Winter") == {first.pk}
    assert ids(decided_after="2021-03-10", decided_before="2021-03-10") == {first.pk}
    assert ids(decided_after="2021-03-11") == set()
    assert ids(q="operating manual") == {second.pk}
    assert ids(q="ALT-2021-001") == {first.pk}
    assert ids(member=scene.members[0].pk) == {first.pk, second.pk}
    assert ids(organisation=scene.members[0].organisation.pk, position="OBJECT") == {second.pk}
    assert ids(member=scene.members[1].pk, position="OBJECT") == set()
    assert ids(position="AGREE") == {first.pk}


def test_bad_filter_value_is_a_400_not_a_500(viewer_api, decision):
    response = viewer_api.get(URL, {"decided_after": "last week"})
    assert response.status_code == 400 and response.json()["field"] == "decided_after"


def test_decision_list_query_count_does_not_grow(viewer_api, scene, django_assert_max_num_queries):
    for n in range(12):
        decision = scene.open(title=f"Matter {n}", revisits=[])
        scene.vote(decision, 0)
        if n % 2:
            services.close_decision(actor=SYSTEM, decision=decision, closed_at=CLOSED)
    with django_assert_max_num_queries(14):
        response = viewer_api.get(URL)
    assert response.json()["count"] == 12


def test_vote_list_query_count_does_not_grow(viewer_api, scene, django_assert_max_num_queries):
    for n in range(8):
        decision = scene.open(title=f"Matter {n}")
        for i in range(3):
            scene.vote(decision, i)
    with django_assert_max_num_queries(9):
        response = viewer_api.get("/api/v1/votes/", {"alliance": "dunmarrow"})
    assert response.json()["count"] == 24


def test_vote_list_filters(viewer_api, scene, decision):
    scene.vote(decision, 0)
    scene.vote(decision, 1, position="ABSTAIN")
    response = viewer_api.get("/api/v1/votes/", {"position": "ABSTAIN", "decision": decision.pk})
    assert [v["organisation"]["name"] for v in response.json()["results"]] == ["Second Step Trust"]
    org = scene.members[0].organisation.pk
    assert viewer_api.get("/api/v1/votes/", {"organisation": org}).json()["count"] == 1


# Writing: drafting and editing


def test_writing_needs_staff(viewer_api, scene):
    response = viewer_api.post(URL, {"body": scene.body.pk, "title": "T", "proposal": "P", "kind": "KEY"})
    assert response.status_code == 403


def test_staff_drafts_a_decision(staff_api, staff, scene):
    response = staff_api.post(
        URL,
        {
            "body": scene.body.pk,
            "title": "Adopt the operating manual",
            "proposal": "That the alliance adopts the operating manual v1.",
            "kind": "POLICY",
            "tags": ["governance"],
            "closes_at": "2099-03-10T17:00:00Z",
        },
    )
    assert response.status_code == 201, response.content
    created = Decision.objects.get(pk=response.json()["id"])
    assert created.created_by == staff and created.status == "DRAFT" and response.json()["reference"] == ""


def test_draft_refusal_is_a_400_with_the_rules_message(staff_api, scene):
    before = rows(Decision)
    response = staff_api.post(URL, {"body": scene.body.pk, "title": "T", "proposal": "P", "kind": "DELEGATION"})
    assert response.status_code == 400
    assert response.json()["code"] == "delegation_decision_incomplete"
    assert rows(Decision) == before


def test_patch_edits_an_open_decision(staff_api, decision):
    response = staff_api.patch(f"{URL}{decision.pk}/", {"rationale": "Fewer handoffs"})
    assert response.status_code == 200 and response.json()["rationale"] == "Fewer handoffs"


def test_patch_of_a_closed_decision_is_409(staff_api, scene):
    decision = agreed(scene)
    before = rows(Decision)
    response = staff_api.patch(f"{URL}{decision.pk}/", {"title": "Rewritten"})
    assert response.status_code == 409
    assert response.json()["code"] == "decision_sealed"
    assert "amends or supersedes" in response.json()["detail"]
    assert rows(Decision) == before


# Actions


def test_secretary_runs_a_decision_end_to_end(staff_api, scene):
    draft = scene.draft()
    opened = staff_api.post(f"{URL}{draft.pk}/open/", {"opened_at": "2021-03-01T09:00:00Z"})
    assert opened.status_code == 200 and opened.json()["reference"] == "ALT-2021-001"
    for i in range(3):
        body = vote_body(scene, i, recorded_by=scene.secretary.pk)  # votes given in March, recorded now
        assert staff_api.post(f"{URL}{draft.pk}/votes/", body).status_code == 201
    closed = staff_api.post(f"{URL}{draft.pk}/close/", {"closed_at": "2021-03-10T12:00:00Z"})
    assert closed.status_code == 200
    assert closed.json()["status"] == "AGREED" and closed.json()["decided_on"] == "2021-03-10"


def test_back_dated_vote_after_the_written_procedure_closed_is_409(staff_api, scene, decision):
    before = rows(Vote)
    response = staff_api.post(f"{URL}{decision.pk}/votes/", vote_body(scene, 0))
    assert response.status_code == 409 and response.json()["code"] == "written_procedure_closed"
    assert rows(Vote) == before


def test_forward_dated_close_is_a_400(staff_api, scene, decision):
    before = rows(Decision)
    response = staff_api.post(f"{URL}{decision.pk}/close/", {"closed_at": "2099-01-01T12:00:00Z"})
    assert response.status_code == 400 and response.json()["code"] == "closed_at_in_future"
    assert rows(Decision) == before


def test_advisory_members_vote_is_refused_with_nothing_written(staff_api, scene, decision):
    rep = PersonFactory()
    RoleAssignmentFactory(
        role=RoleFactory(
            alliance=scene.alliance, kind="member_representative", organisation=scene.advisory.organisation
        ),
        person=rep,
    )
    before = rows(Vote)
    response = staff_api.post(
        f"{URL}{decision.pk}/votes/",
        {"membership": scene.advisory.pk, "position": "AGREE", "cast_by": rep.pk, "cast_at": "2021-03-02T10:00:00Z"},
    )
    assert response.status_code == 400
    assert response.json() == {
        "code": "advisory_member_cannot_vote",
        "detail": "Dunmarrow Homelessness Network is an advisory member and cannot vote; "
        "record its advice with 'Add advisory input'.",
        "field": "membership",
    }
    assert rows(Vote) == before


def test_vote_on_a_closed_decision_is_409(staff_api, scene):
    decision = agreed(scene)
    before = rows(Vote)
    response = staff_api.post(f"{URL}{decision.pk}/votes/", vote_body(scene, 0, position="ABSTAIN"))
    assert response.status_code == 409 and response.json()["code"] == "decision_sealed"
    assert rows(Vote) == before


def test_vote_with_unknown_membership_is_a_400(staff_api, scene, decision):
    response = staff_api.post(f"{URL}{decision.pk}/votes/", vote_body(scene, 0, membership=99999))
    assert response.status_code == 400 and response.json()["field"] == "membership"


def test_secretary_records_a_vote(staff_api, scene, decision):
    body = vote_body(scene, 0, recorded_by=scene.secretary.pk)
    response = staff_api.post(f"{URL}{decision.pk}/votes/", body)
    assert response.status_code == 201 and response.json()["recorded_by"]["name"] == "Morag Secretary"
    assert response.json()["struck_by"] is None


def test_vote_cast_by_someone_without_the_role_is_a_400_that_writes_nothing(staff_api, scene, decision):
    before = rows(Vote)
    body = vote_body(scene, 0, cast_by=PersonFactory(name="Phoned-in trustee").pk, recorded_by=scene.secretary.pk)
    response = staff_api.post(f"{URL}{decision.pk}/votes/", body)
    assert response.status_code == 400
    assert (response.json()["code"], response.json()["field"]) == ("vote_caster_not_representative", "cast_by")
    assert response.json()["detail"].startswith(
        "Phoned-in trustee did not hold the representative or deputy role of Harbour Light Housing on 02/03/2021"
    )
    assert "Under 'Cast by', choose" in response.json()["detail"]
    assert rows(Vote) == before


@pytest.fixture
def secretary_api(scene):
    scene.secretary.user = UserFactory(username="morag")
    scene.secretary.save()
    return token_client(scene.secretary.user)


@pytest.fixture
def rep_api(scene):
    scene.reps[0].user = UserFactory(username="rep0")
    scene.reps[0].save()
    return token_client(scene.reps[0].user)


def test_secretary_entering_a_representatives_vote_is_recorded_as_recorder(secretary_api, scene, decision):
    response = secretary_api.post(f"{URL}{decision.pk}/votes/", vote_body(scene, 0))
    assert response.status_code == 201
    assert response.json()["cast_by"]["id"] == scene.reps[0].pk
    assert response.json()["recorded_by"]["name"] == "Morag Secretary"


def test_secretary_naming_another_members_representative_as_caster_is_a_400(secretary_api, scene, decision):
    before = rows(Vote)
    response = secretary_api.post(f"{URL}{decision.pk}/votes/", vote_body(scene, 1, cast_by=scene.reps[0].pk))
    assert response.status_code == 400
    assert response.json()["code"] == "vote_caster_not_representative"
    assert response.json()["detail"].startswith(
        "Rep of Harbour Light Housing did not hold the representative or deputy role of Second Step Trust"
    )
    assert rows(Vote) == before


def test_secretary_naming_themselves_as_caster_is_a_400(secretary_api, scene):
    # Naming themselves, the secretary casts rather than records: the written procedure must be open today.
    decision = scene.open(closes_at=timezone.now() + timedelta(days=30))
    before = rows(Vote)
    body = {k: v for k, v in vote_body(scene, 0, cast_by=scene.secretary.pk).items() if k != "cast_at"}
    response = secretary_api.post(f"{URL}{decision.pk}/votes/", body)
    assert response.status_code == 400 and response.json()["field"] == "cast_by"
    assert response.json()["detail"].startswith("Morag Secretary did not hold the representative or deputy role")
    assert rows(Vote) == before


def test_secretary_naming_another_recorder_is_a_400_that_writes_nothing(secretary_api, scene, decision):
    before = rows(Vote)
    response = secretary_api.post(f"{URL}{decision.pk}/votes/", vote_body(scene, 0, recorded_by=scene.reps[1].pk))
    assert response.status_code == 400
    assert (response.json()["code"], response.json()["field"]) == ("vote_recorder_not_caller", "recorded_by")
    assert rows(Vote) == before


def test_representative_casting_their_own_vote_has_no_recorder(rep_api, scene):
    # A representative votes now, by the clock: the written procedure must still be open today.
    decision = scene.open(closes_at=timezone.now() + timedelta(days=30))
    body = {k: v for k, v in vote_body(scene, 0).items() if k != "cast_at"}
    response = rep_api.post(f"{URL}{decision.pk}/votes/", body)
    assert response.status_code == 201 and response.json()["recorded_by"] is None


def test_representative_naming_a_recorder_is_a_400_that_writes_nothing(rep_api, scene, decision):
    before = rows(Vote)
    response = rep_api.post(f"{URL}{decision.pk}/votes/", vote_body(scene, 0, recorded_by=scene.secretary.pk))
    assert response.status_code == 400 and response.json()["field"] == "recorded_by"
    assert rows(Vote) == before


def test_representative_cannot_cast_another_organisations_vote(rep_api, scene, decision):
    before = rows(Vote)
    response = rep_api.post(f"{URL}{decision.pk}/votes/", vote_body(scene, 1, cast_by=scene.reps[0].pk))
    assert response.status_code == 403
    assert rows(Vote) == before


def test_advice_and_response(staff_api, scene, decision):
    response = staff_api.post(
        f"{URL}{decision.pk}/advice/", {"organisation": scene.advisory.organisation.pk, "advice": "Keep drop-ins"}
    )
    assert response.status_code == 201
    advice_id = response.json()["id"]
    answered = staff_api.post(f"{URL}{decision.pk}/advice/{advice_id}/response/", {"response": "Kept two."})
    assert answered.status_code == 200 and answered.json()["response"] == "Kept two."
    assert AdvisoryInput.objects.get(pk=advice_id).responded_at is not None


def test_advice_response_of_another_decision_is_404(staff_api, scene, decision):
    other = scene.open(title="Other")
    item = services.record_advice(actor=SYSTEM, decision=other, organisation=scene.advisory.organisation, advice="Hi")
    response = staff_api.post(f"{URL}{decision.pk}/advice/{item.pk}/response/", {"response": "x"})
    assert response.status_code == 404


def test_recusal_and_dispensation(staff_api, scene, decision):
    response = staff_api.post(f"{URL}{decision.pk}/recusals/", {"membership": scene.members[0].pk, "reason": "Bidding"})
    # Neither a source nor an interest: a recusal for another reason than a declared interest.
    assert response.status_code == 201 and response.json()["source"] == "other"
    assert response.json()["struck_vote"] is None
    refused = staff_api.post(f"{URL}{decision.pk}/votes/", vote_body(scene, 0))
    assert refused.status_code == 400 and refused.json()["code"] == "recused_member_cannot_vote"
    recusal_id = response.json()["id"]
    granted = staff_api.post(f"{URL}{decision.pk}/recusals/{recusal_id}/dispensation/", {"reason": "Remote"})
    assert granted.status_code == 200 and granted.json()["dispensation_granted"] is True
    body = vote_body(scene, 0, recorded_by=scene.secretary.pk)
    assert staff_api.post(f"{URL}{decision.pk}/votes/", body).status_code == 201
    assert Recusal.objects.get().dispensation_reason == "Remote"


def test_recusal_strikes_the_members_vote_and_says_so(staff_api, viewer_api, scene, decision):
    cast = scene.vote(decision, 0)
    response = staff_api.post(
        f"{URL}{decision.pk}/recusals/", {"membership": scene.members[0].pk, "reason": "Late interest"}
    )
    assert response.status_code == 201
    recusal = response.json()
    assert recusal["struck_vote"] == {"id": cast.pk, "position": "AGREE", "cast_at": "2021-03-02T10:00:00Z"}
    vote = viewer_api.get(f"/api/v1/votes/{cast.pk}/").json()
    assert vote["struck_by"] == {"id": recusal["id"], "source": "other", "reason": "Late interest"}
    listed = viewer_api.get("/api/v1/votes/", {"decision": decision.pk, "struck": "true"}).json()["results"]
    assert [v["id"] for v in listed] == [cast.pk]
    assert viewer_api.get("/api/v1/votes/", {"decision": decision.pk, "struck": "false"}).json()["count"] == 0
    detail = viewer_api.get(f"{URL}{decision.pk}/").json()
    assert detail["votes"][0]["struck_by"]["reason"] == "Late interest"
    assert detail["votes_summary"] == {"agree": 0, "object": 0, "abstain": 0, "total": 0}


def test_dispensation_answer_still_shows_the_struck_vote(staff_api, scene, decision):
    cast = scene.vote(decision, 0)
    recusal = services.record_recusal(actor=SYSTEM, decision=decision, membership=scene.members[0], reason="Trustee")
    response = staff_api.post(f"{URL}{decision.pk}/recusals/{recusal.pk}/dispensation/", {"reason": "Remote"})
    assert response.status_code == 200 and response.json()["struck_vote"]["id"] == cast.pk
    again = staff_api.post(f"{URL}{decision.pk}/votes/", vote_body(scene, 0, recorded_by=scene.secretary.pk))
    assert again.status_code == 201 and again.json()["id"] != cast.pk and again.json()["struck_by"] is None


def test_declared_interest_recusal_names_the_interest(staff_api, scene, decision):
    interest = scene.interest(0)
    body = {"membership": scene.members[0].pk, "reason": "Trustee", "interest": interest.pk}
    response = staff_api.post(f"{URL}{decision.pk}/recusals/", body)
    assert response.status_code == 201
    assert (response.json()["source"], response.json()["interest"]) == ("declared_interest", interest.pk)
    assert response.json()["interest_text"] == interest.interest


@pytest.mark.parametrize(
    "which,code",
    [
        ("none", "recusal_interest_required"),
        ("ended", "recusal_interest_not_open"),
        ("other_member", "recusal_interest_other_member"),
    ],
)
def test_declared_interest_recusal_naming_no_fitting_interest_is_a_400_that_writes_nothing(
    staff_api, scene, decision, which, code
):
    scene.interest(0)
    interests = {
        "none": None,
        "ended": scene.interest(0, declared_on=date(2020, 1, 1), ends_on=date(2020, 12, 31)).pk,
        "other_member": scene.interest(1).pk,
    }
    body = {"membership": scene.members[0].pk, "reason": "Trustee", "source": "declared_interest"}
    if interests[which] is not None:
        body["interest"] = interests[which]
    before = rows(Recusal, Vote)
    response = staff_api.post(f"{URL}{decision.pk}/recusals/", body)
    assert response.status_code == 400
    assert (response.json()["code"], response.json()["field"]) == (code, "interest")
    assert (
        "Under 'Interest', choose the one it rests on: Rep of Harbour Light Housing: 'Trustee of Northgate"
        in (response.json()["detail"])
    )
    assert rows(Recusal, Vote) == before


def test_withdraw_and_defer(staff_api, scene):
    first, second = scene.open(), scene.open(title="Second")
    withdrawn = staff_api.post(f"{URL}{first.pk}/withdraw/", {"reason": "Overtaken"})
    assert withdrawn.json()["status"] == "WITHDRAWN"
    deferred = staff_api.post(f"{URL}{second.pk}/defer/", {"reason": "Budget", "review_on": "2021-05-01"})
    assert deferred.json()["status"] == "DEFERRED" and deferred.json()["review_on"] == "2021-05-01"
    assert staff_api.post(f"{URL}{first.pk}/withdraw/", {"reason": "Again"}).status_code == 409
    assert staff_api.post(f"{URL}{first.pk}/withdraw/", {}).status_code == 400


def test_amend_and_supersede(staff_api, scene):
    old = agreed(scene)
    amended = staff_api.post(f"{URL}{old.pk}/amend/", {"proposal": "With a winter shelter."})
    assert amended.status_code == 201 and amended.json()["amends"]["id"] == old.pk
    superseding = staff_api.post(f"{URL}{old.pk}/supersede/", {"title": "New model", "proposal": "Replace it."})
    assert superseding.status_code == 201
    again = staff_api.post(f"{URL}{old.pk}/supersede/", {"proposal": "Once more"})
    assert again.status_code == 409 and again.json()["code"] == "supersede_already_superseded"
    shown = staff_api.get(f"{URL}{old.pk}/").json()
    assert [d["id"] for d in shown["amended_by"]] == [amended.json()["id"]]
    assert [d["id"] for d in shown["superseded_by"]] == [superseding.json()["id"]]


def test_delegated_decision(staff_api, scene):
    role = RoleFactory(alliance=scene.alliance, title="Alliance director")
    person = PersonFactory(name="Eilidh Director")
    RoleAssignmentFactory(role=role, person=person)
    delegation = DelegatedAuthorityFactory(role=role, body=scene.body, financial_limit=Decimal("50000"))
    payload = {
        "body": scene.body.pk,
        "title": "Winter beds",
        "proposal": "Buy ten beds",
        "value": "12000.00",
        "decided_by": person.pk,
        "delegation": delegation.pk,
        "decided_on": "2021-06-01",
    }
    response = staff_api.post(f"{URL}delegated/", payload)
    assert response.status_code == 201
    assert response.json()["status"] == "AGREED" and response.json()["taken_under"] == delegation.pk
    over = staff_api.post(f"{URL}delegated/", {**payload, "value": "60000.00"})
    assert over.status_code == 400 and "above the limit" in over.json()["detail"]


def test_history_lists_every_version_with_who_and_why(staff_api, scene):
    draft = staff_api.post(
        URL,
        {
            "body": scene.body.pk,
            "title": "Adopt the manual",
            "proposal": "Adopt it.",
            "kind": "POLICY",
            "closes_at": "2099-03-10T17:00:00Z",
        },
    ).json()
    staff_api.post(f"{URL}{draft['id']}/open/", {"opened_at": "2021-03-01T09:00:00Z"})
    versions = staff_api.get(f"{URL}{draft['id']}/history/").json()
    assert [v["reason"] for v in versions] == ["Opened for votes", "Drafted"]
    assert versions[0]["user"] == "admin-staff"
    assert {c["field"] for c in versions[0]["changes"]} >= {"status", "reference"}


def test_related_offers_earlier_decisions_on_the_same_matter(viewer_api, scene):
    earlier = agreed(scene, title="Redesign street outreach", tags=["outreach"])
    scene.open(title="Adopt the operating manual", tags=["governance"], proposal="Manual v1")
    later = scene.draft(title="Street outreach again", tags=["outreach"])
    found = viewer_api.get(f"{URL}{later.pk}/related/").json()
    assert [d["id"] for d in found] == [earlier.pk]
    assert found[0]["shared_tags"] == ["outreach"]


def test_unknown_decision_is_404(viewer_api):
    assert viewer_api.get(f"{URL}99999/").status_code == 404


def test_dates_in_the_list_are_iso(viewer_api, scene):
    decision = agreed(scene)
    assert viewer_api.get(f"{URL}{decision.pk}/").json()["decided_on"] == date(2021, 3, 10).isoformat()


def test_anonymous_never_sees_a_public_draft(anon_api, scene):
    scene.alliance.publish_register = True
    scene.alliance.save()
    draft = scene.draft(visibility="PUBLIC")
    opened = scene.open(visibility="PUBLIC")
    ids = [d["id"] for d in anon_api.get(URL).json()["results"]]
    assert ids == [opened.pk]
    assert anon_api.get(f"{URL}{draft.pk}/").status_code == 404
