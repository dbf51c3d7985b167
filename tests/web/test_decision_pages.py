import re
from datetime import date, timedelta

import pytest
from django.utils import timezone

from decisions import services
from decisions.models import Decision, Recusal, Vote
from roles.standing import SYSTEM
from tests.factories import ActionItemFactory, DecisionFactory, MeetingFactory
from tests.helpers import built_once, rows, viewer_of
from tests.scenes import CLOSED, make_scene

pytestmark = pytest.mark.django_db


@pytest.fixture
def viewer(scene):
    return viewer_of(scene.alliance)


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


def _selected(page: str, name: str) -> list[str]:
    """The values chosen in the page's select ``name``."""
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', page, re.S).group(1)
    return re.findall(r'<option value="([^"]*)" selected>', select)


def test_drafting_from_a_meeting_preselects_its_meeting_and_body(secretary, scene):
    meeting = MeetingFactory(body=scene.body, title="ALT March meeting")
    page = secretary.get(f"/alliances/dunmarrow/decisions/new/?meeting={meeting.pk}").content.decode()
    assert _selected(page, "meeting") == [str(meeting.pk)]
    assert _selected(page, "body") == [str(scene.body.pk)]


def test_drafting_from_a_meeting_one_cannot_keep_preselects_no_body(secretary, scene):
    other = MeetingFactory(title="Another alliance's meeting")  # a body of another alliance
    page = secretary.get(f"/alliances/dunmarrow/decisions/new/?meeting={other.pk}").content.decode()
    assert _selected(page, "body") == [""] and "Another alliance" not in page


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
        {"membership": scene.members[0].pk, "source": "submission", "reason": "Bids for the service."},
    )
    assert response.status_code == 302
    assert decision.recusals.count() == 1
    response = secretary.post(f"/alliances/dunmarrow/decisions/{decision.pk}/withdraw/", {"reason": "Overtaken"})
    assert response.status_code == 302
    decision.refresh_from_db()
    assert decision.status == Decision.Status.WITHDRAWN


# Rule 2 on the vote form: the caster is the member's representative or deputy


def _open_now(scene):
    return services.open_decision(actor=SYSTEM, decision=scene.draft(closes_at=timezone.now() + timedelta(days=7)))


def test_vote_form_offers_the_chosen_members_representative_and_deputy_first(secretary, scene):
    decision = _open_now(scene)
    deputy = scene.deputy(1, "Deputy of Second Step")
    url = f"/alliances/dunmarrow/decisions/{decision.pk}/vote/"
    secretary.get(url, {"member": scene.members[0].pk})  # an earlier form's order does not stick to the next
    response = secretary.get(url, {"member": scene.members[1].pk})
    choices = list(response.context["form"].fields["cast_by"].choices)
    groups = [(label, [name for _, name in options]) for label, options in choices[1:]]
    assert groups[0] == ("Second Step Trust: representative and deputies", ["Rep of Second Step Trust", deputy.name])
    assert groups[1] == ("Harbour Light Housing: representative and deputies", ["Rep of Harbour Light Housing"])
    assert groups[-1] == ("Others: no member's representative or deputy today", ["Morag Secretary"])
    assert "recorded_by_me" not in response.context["form"].fields


def test_vote_cast_by_another_members_deputy_is_refused_on_the_form(secretary, scene):
    decision = _open_now(scene)
    deputy = scene.deputy(0, "Kirsty Gray")
    before = rows(Vote)
    response = secretary.post(
        f"/alliances/dunmarrow/decisions/{decision.pk}/vote/",
        {"membership": scene.members[1].pk, "position": "AGREE", "cast_by": deputy.pk},
    )
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors["cast_by"])
    assert errors.startswith("Kirsty Gray did not hold the representative or deputy role of Second Step Trust on")
    assert "Under 'Cast by', choose the representative or deputy of Second Step Trust" in errors
    assert "did not hold the representative or deputy role of Second Step Trust" in response.content.decode()
    assert rows(Vote) == before


def test_secretary_naming_themselves_as_caster_is_refused_on_the_form(secretary, scene):
    decision = _open_now(scene)
    before = rows(Vote)
    response = secretary.post(
        f"/alliances/dunmarrow/decisions/{decision.pk}/vote/",
        {"membership": scene.members[0].pk, "position": "AGREE", "cast_by": scene.secretary.pk},
    )
    assert response.status_code == 200
    assert "Morag Secretary did not hold the representative or deputy role" in response.content.decode()
    assert rows(Vote) == before


def test_secretary_records_the_deputys_vote_and_is_recorded_beside_them(secretary, scene):
    decision = _open_now(scene)
    deputy = scene.deputy(1, "Deputy of Second Step")
    response = secretary.post(
        f"/alliances/dunmarrow/decisions/{decision.pk}/vote/",
        {"membership": scene.members[1].pk, "position": "AGREE", "cast_by": deputy.pk},
    )
    assert response.status_code == 302
    vote = Vote.objects.get(decision=decision)
    assert (vote.cast_by, vote.recorded_by) == (deputy, scene.secretary)


# Rule 5 on the recusal form: struck votes, and the interest a recusal rests on


def _recuse(client, decision, **data):
    return client.post(f"/alliances/dunmarrow/decisions/{decision.pk}/recusals/", data, follow=True)


def test_recusing_a_member_that_voted_strikes_its_vote_and_says_so(secretary, scene):
    decision = _open_now(scene)
    now = timezone.now()
    vote = scene.vote(decision, 0, cast_at=now, now=now)
    response = _recuse(
        secretary, decision, membership=scene.members[0].pk, source="other", reason="Chairs a bidder's board."
    )
    assert response.status_code == 200
    notices = [str(m) for m in response.context["messages"]]
    assert notices[0].startswith("Harbour Light Housing's vote (Agree, cast by Rep of Harbour Light Housing at ")
    assert notices[0].endswith("is struck: it stays on the record, shown struck with the reason, and no longer counts.")
    assert notices[1] == "Recusal recorded."
    vote.refresh_from_db()
    assert vote.struck_by == decision.recusals.get()
    content = response.content.decode()
    row = content[content.index('<tr class="vote-recused">') :]
    row = row[: row.index("</tr>")]
    assert "<del>Agree</del>" in row and "Struck" in row
    assert "struck: Harbour Light Housing was recused (other): Chairs a bidder&#x27;s board." in row
    assert "is struck by this recusal and does not count" in content


def test_dispensation_says_the_struck_vote_stays_struck(secretary, scene):
    decision = _open_now(scene)
    now = timezone.now()
    scene.vote(decision, 0, cast_at=now, now=now)
    recusal = services.record_recusal(actor=SYSTEM, decision=decision, membership=scene.members[0], reason="Trustee")
    response = secretary.post(
        f"/alliances/dunmarrow/decisions/{decision.pk}/recusals/{recusal.pk}/dispensation/",
        {"reason": "The interest is remote."},
        follow=True,
    )
    notices = [str(m) for m in response.context["messages"]]
    assert notices[0] == (
        "The vote Harbour Light Housing cast before its recusal stays struck; record its vote again if it is to count."
    )
    assert "The later dispensation does not restore it" in response.content.decode()


def test_recusal_form_offers_only_the_members_open_declarations(secretary, scene):
    decision = _open_now(scene)
    mine = scene.interest(0)
    ended = scene.interest(0, interest="An old trusteeship.", declared_on=date(2020, 1, 1), ends_on=date(2020, 6, 1))
    theirs = scene.interest(1, interest="Spouse works for a bidder.")
    response = secretary.get(f"/alliances/dunmarrow/decisions/{decision.pk}/recusals/", {"member": scene.members[1].pk})
    choices = list(response.context["form"].fields["interest"].choices)
    groups = [(label, [value.value for value, _ in options]) for label, options in choices[1:]]
    assert groups == [
        ("Interests of Second Step Trust", [theirs.pk]),
        ("Interests of Harbour Light Housing", [mine.pk]),
    ]
    assert ended.pk not in [pk for _, pks in groups for pk in pks]


def test_declared_interest_recusal_names_it_and_the_page_shows_its_text(secretary, scene):
    decision = _open_now(scene)
    interest = scene.interest(0)
    response = _recuse(
        secretary,
        decision,
        membership=scene.members[0].pk,
        source="declared_interest",
        interest=interest.pk,
        reason="Trustee of a bidder.",
    )
    assert response.status_code == 200
    assert decision.recusals.get().interest == interest
    assert f"Declared interest: {interest.interest}" in response.content.decode()


@pytest.mark.parametrize("which", ["none", "ended", "other_member"])
def test_declared_interest_recusal_without_a_fitting_interest_is_refused_on_the_form(secretary, scene, which):
    decision = _open_now(scene)
    scene.interest(0)
    named = {
        "none": "",
        "ended": scene.interest(0, declared_on=date(2020, 1, 1), ends_on=date(2020, 6, 1)).pk,
        "other_member": scene.interest(1).pk,
    }[which]
    before = rows(Recusal, Vote)
    response = secretary.post(
        f"/alliances/dunmarrow/decisions/{decision.pk}/recusals/",
        {"membership": scene.members[0].pk, "source": "declared_interest", "interest": named, "reason": "Trustee"},
    )
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors["interest"])
    assert "Under 'Interest', choose the one it rests on: Rep of Harbour Light Housing: " in errors
    assert "Under &#x27;Interest&#x27;, choose the one it rests on" in response.content.decode()
    assert rows(Recusal, Vote) == before


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
