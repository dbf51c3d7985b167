from datetime import date, timedelta

import pytest
from django.utils import timezone

from decisions import services
from decisions.models import Decision, Vote
from roles.standing import SYSTEM
from tests.factories import ActionItemFactory, DecisionFactory, UserFactory
from tests.helpers import built_once, rows, viewer_of
from tests.scenes import CLOSED, make_scene

pytestmark = pytest.mark.django_db


@pytest.fixture
def viewer(scene):
    return viewer_of(scene.alliance)


@pytest.fixture
def secretary(client, scene):
    user = UserFactory(username="secretary")
    scene.secretary.user = user
    scene.secretary.save()
    client.force_login(user)
    return client


@pytest.fixture
def reader(client, viewer):
    client.force_login(viewer)
    return client


def _agreed(scene):
    decision = scene.open(title="Adopt the operating manual", proposal="Adopt the manual.", tags=["manual"])
    for i in range(3):
        scene.vote(decision, i)
    return services.close_decision(actor=SYSTEM, decision=decision, closed_at=CLOSED)


# The log


def agreed_and_draft():
    """The decision scene with the agreed operating manual and a draft on outreach."""
    scene = make_scene()
    agreed = _agreed(scene)
    scene.draft(title="Prioritise the outreach redesign", tags=["outreach"])
    return scene, agreed


class TestTheLog:
    """Reads only: the scene of ``agreed_and_draft`` is built once for the class."""

    shared = built_once(agreed_and_draft)

    @pytest.fixture
    def scene(self, shared):
        return shared[0]

    @pytest.fixture
    def agreed(self, shared):
        return shared[1]

    def test_log_needs_a_login(self, client, scene):
        response = client.get("/alliances/dunmarrow/decisions/")
        assert response.status_code == 302

    def test_log_lists_decisions_with_status_and_search(self, reader, scene, agreed):
        content = reader.get("/alliances/dunmarrow/decisions/").content.decode()
        assert agreed.reference in content
        assert "status-agreed" in content
        content = reader.get("/alliances/dunmarrow/decisions/?q=operating").content.decode()
        assert "Adopt the operating manual" in content
        assert "Prioritise the outreach redesign" not in content

    def test_log_search_matches_every_word_as_the_api_does(self, reader, viewer_api, scene, agreed):
        content = reader.get("/alliances/dunmarrow/decisions/", {"q": "manual operating"}).content.decode()
        assert "Adopt the operating manual" in content
        assert "Prioritise the outreach redesign" not in content
        params = {"alliance": "dunmarrow", "q": "manual operating"}
        found = viewer_api.get("/api/v1/decisions/", params).json()["results"]
        assert [d["id"] for d in found] == [agreed.pk]

    def test_log_filters_by_tag_status_and_dates(self, reader, scene):
        content = reader.get("/alliances/dunmarrow/decisions/?tag=outreach&status=DRAFT").content.decode()
        assert "Prioritise the outreach redesign" in content
        assert "Adopt the operating manual" not in content
        march = {"decided_after": "2021-03-01", "decided_before": "2021-03-31"}
        content = reader.get("/alliances/dunmarrow/decisions/", march).content
        assert b"Adopt the operating manual" in content

    def test_log_with_bad_filters_explains_instead_of_failing(self, reader, scene):
        response = reader.get("/alliances/dunmarrow/decisions/?decided_after=31-02-2021&status=MAYBE&page=zz")
        content = response.content.decode()
        assert response.status_code == 400  # the page still shows, with the filters it could use
        assert "Some filters could not be used" in content
        assert "Enter a valid date." in content
        assert "Adopt the operating manual" in content

    def test_log_refuses_an_over_long_search_saying_how_long_it_may_be(self, reader, scene):
        typed = "operating manual " * 12 + "now"  # 207 characters
        response = reader.get("/alliances/dunmarrow/decisions/", {"q": typed})
        content = response.content.decode()
        assert response.status_code == 400
        assert "The search is 207 characters long; shorten it to at most 200 characters" in content
        assert f'value="{typed}"' in content  # what was typed is kept

    def test_log_takes_a_search_of_the_longest_length(self, reader, scene):
        response = reader.get("/alliances/dunmarrow/decisions/", {"q": "operating" + " " * 191})
        assert response.status_code == 200
        assert "Adopt the operating manual" in response.content.decode()

    def test_log_with_reversed_date_range_says_so(self, reader, scene):
        response = reader.get("/alliances/dunmarrow/decisions/?decided_after=2022-01-01&decided_before=2021-01-01")
        assert "swap the dates" in response.content.decode()

    def test_unknown_decision_is_404(self, reader, scene):
        assert reader.get("/alliances/dunmarrow/decisions/999999/").status_code == 404

    def test_action_items_page_with_bad_date_explains(self, reader, scene):
        response = reader.get("/alliances/dunmarrow/actions/?on=tomorrow")
        assert response.status_code == 200
        assert "is not a date" in response.content.decode()

    def test_overview_links_to_the_decision_pages(self, reader, scene):
        content = reader.get("/alliances/dunmarrow/").content.decode()
        assert "/alliances/dunmarrow/decisions/" in content
        assert "/alliances/dunmarrow/meetings/" in content
        assert "/alliances/dunmarrow/actions/" in content


def test_empty_log_says_what_to_do(secretary, scene):
    content = secretary.get("/alliances/dunmarrow/decisions/").content.decode()
    assert "Draft the first decision" in content


def test_log_query_count_does_not_grow_with_rows(reader, scene, django_assert_max_num_queries):
    for n in range(40):
        DecisionFactory(body=scene.body, status=Decision.Status.AGREED, reference=f"ALT-2021-{n:03d}", tags=["x"])
    with django_assert_max_num_queries(18):
        response = reader.get("/alliances/dunmarrow/decisions/")
    assert len(response.context["page"].object_list) == 25


# The record of one decision


def test_detail_shows_grid_outcome_advice_and_history(reader, scene):
    decision = scene.open(title="Adopt the operating manual", rationale="It sets out how we work.")
    services.record_advice(
        actor=SYSTEM,
        decision=decision,
        advice="Keep the lived-experience panel.",
        organisation=scene.advisory.organisation,
    )
    scene.vote(decision, 0)
    scene.vote(decision, 1, "OBJECT", statement="It leaves out winter provision.")
    decision = services.close_decision(actor=SYSTEM, decision=decision, closed_at=CLOSED)
    content = reader.get(f"/alliances/dunmarrow/decisions/{decision.pk}/").content.decode()
    assert "Not agreed" in content
    assert "It leaves out winter provision." in content
    assert "Advisory · non-voting" in content
    assert "Keep the lived-experience panel." in content
    assert "Not yet voted" in content or "not_voted" in content
    assert decision.outcome_explanation in content
    assert "It sets out how we work." in content
    assert "Opened for votes" in content  # a history row's change reason


def test_detail_shows_links_and_action_items(reader, scene):
    first = _agreed(scene)
    later = scene.draft(title="Revise the operating manual", revisits=[first], tags=["manual"])
    ActionItemFactory(decision=first, title="Publish the manual", due_on=date(2021, 4, 1))
    content = reader.get(f"/alliances/dunmarrow/decisions/{first.pk}/").content.decode()
    assert "Revisited by" in content
    assert "Revise the operating manual" in content
    assert "Publish the manual" in content
    assert "Overdue" in content
    assert reader.get(f"/alliances/dunmarrow/decisions/{later.pk}/").status_code == 200


# Secretary forms


def test_reader_gets_a_clear_403_on_secretary_forms(reader, scene):
    decision = scene.open()
    response = reader.get(f"/alliances/dunmarrow/decisions/{decision.pk}/vote/")
    assert response.status_code == 403
    assert "Only the secretary can do this" in response.content.decode()
    assert reader.get("/alliances/dunmarrow/decisions/new/").status_code == 403


def test_secretary_drafts_after_seeing_earlier_decisions(secretary, scene):
    first = _agreed(scene)
    data = {
        "body": scene.body.pk,
        "title": "Revise the operating manual",
        "proposal": "Update the operating manual for the new hub.",
        "kind": "KEY",
        "visibility": "MEMBERS",
        "tags": "manual",
    }
    response = secretary.post("/alliances/dunmarrow/decisions/new/", data)
    assert response.status_code == 200
    assert first.reference in response.content.decode()
    assert not Decision.objects.filter(title="Revise the operating manual").exists()
    response = secretary.post(
        "/alliances/dunmarrow/decisions/new/", {**data, "checked": "1", "revisits": [first.pk], "save": "1"}
    )
    assert response.status_code == 302
    draft = Decision.objects.get(title="Revise the operating manual")
    assert list(draft.revisits.all()) == [first]


def test_secretary_opens_votes_and_closes(secretary, scene):
    decision = scene.draft(closes_at=timezone.now() + timedelta(days=7))
    assert secretary.post(f"/alliances/dunmarrow/decisions/{decision.pk}/open/").status_code == 302
    decision.refresh_from_db()
    assert decision.status == Decision.Status.OPEN
    for membership, rep in zip(scene.members, scene.reps, strict=True):
        response = secretary.post(
            f"/alliances/dunmarrow/decisions/{decision.pk}/vote/",
            {"membership": membership.pk, "position": "AGREE", "cast_by": rep.pk},
        )
        assert response.status_code == 302, response.context["form"].errors
    assert secretary.post(f"/alliances/dunmarrow/decisions/{decision.pk}/close/").status_code == 302
    decision.refresh_from_db()
    assert decision.status == Decision.Status.AGREED


def test_refused_vote_shows_the_rule_and_keeps_the_input(secretary, scene):
    decision = scene.draft(closes_at=timezone.now() + timedelta(days=7))
    services.open_decision(actor=SYSTEM, decision=decision)
    before = rows(Vote)
    response = secretary.post(
        f"/alliances/dunmarrow/decisions/{decision.pk}/vote/",
        {
            "membership": scene.advisory.pk,
            "position": "OBJECT",
            "statement": "We were not asked.",
            "cast_by": scene.reps[0].pk,
        },
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "is an advisory member and cannot vote" in content
    assert response.context["form"].errors["membership"]
    assert "We were not asked." in content
    assert rows(Vote) == before


def test_objection_without_statement_is_an_error_on_the_statement(secretary, scene):
    decision = scene.draft(closes_at=timezone.now() + timedelta(days=7))
    services.open_decision(actor=SYSTEM, decision=decision)
    response = secretary.post(
        f"/alliances/dunmarrow/decisions/{decision.pk}/vote/",
        {"membership": scene.members[0].pk, "position": "OBJECT", "cast_by": scene.reps[0].pk},
    )
    assert "An objection says why" in " ".join(response.context["form"].errors["statement"])


def test_secretary_records_advice_and_responds(secretary, scene):
    decision = scene.draft()
    response = secretary.post(
        f"/alliances/dunmarrow/decisions/{decision.pk}/advice/",
        {"organisation": scene.advisory.organisation.pk, "advice": "Ask people who use the service."},
    )
    assert response.status_code == 302
    advice = decision.advisory_inputs.get()
    response = secretary.post(
        f"/alliances/dunmarrow/decisions/{decision.pk}/advice/{advice.pk}/respond/",
        {"response": "We added two listening events."},
    )
    assert response.status_code == 302
    advice.refresh_from_db()
    assert advice.response == "We added two listening events."


def test_secretary_records_a_recusal_and_withdraws(secretary, scene):
    decision = scene.draft()
    response = secretary.post(
        f"/alliances/dunmarrow/decisions/{decision.pk}/recusals/",
        {"membership": scene.members[0].pk, "source": "declared_interest", "reason": "Bids for the service."},
    )
    assert response.status_code == 302
    assert decision.recusals.count() == 1
    response = secretary.post(f"/alliances/dunmarrow/decisions/{decision.pk}/withdraw/", {"reason": "Overtaken"})
    assert response.status_code == 302
    decision.refresh_from_db()
    assert decision.status == Decision.Status.WITHDRAWN


def test_withdraw_without_reason_shows_the_field_error(secretary, scene):
    decision = scene.draft()
    response = secretary.post(f"/alliances/dunmarrow/decisions/{decision.pk}/withdraw/", {"reason": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["reason"]


def test_secretary_adds_and_completes_an_action_item(secretary, scene):
    decision = _agreed(scene)
    response = secretary.post(
        f"/alliances/dunmarrow/decisions/{decision.pk}/actions/",
        {"title": "Publish the manual", "due_on": "2021-04-30", "owner_person": scene.secretary.pk},
    )
    assert response.status_code == 302
    item = decision.action_items.get()
    response = secretary.post(f"/alliances/dunmarrow/actions/{item.pk}/done/", {"completed_on": "2021-04-20"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == "done"


def test_action_item_without_owner_shows_the_rule(secretary, scene):
    decision = _agreed(scene)
    response = secretary.post(
        f"/alliances/dunmarrow/decisions/{decision.pk}/actions/", {"title": "Publish", "due_on": "2021-04-30"}
    )
    assert "needs an owner" in " ".join(response.context["form"].errors["owner_person"])


def test_action_items_page_lists_the_overdue(reader, scene):
    decision = _agreed(scene)
    ActionItemFactory(decision=decision, title="Publish the manual", due_on=date(2021, 4, 1))
    ActionItemFactory(decision=decision, title="Train the teams", due_on=date(2021, 9, 1))
    response = reader.get("/alliances/dunmarrow/actions/?on=2021-05-01")
    overdue = [i.title for i in response.context["overdue"]]
    assert overdue == ["Publish the manual"]
    assert "Overdue on 1 May 2021" in response.content.decode()
