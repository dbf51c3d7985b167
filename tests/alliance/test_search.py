"""The one search (alliance.search): what it finds, for whom, and that the index follows the records.

The same examples run through the search page, /api/v1/search/, the decision log and
/api/v1/decisions/?q=, on SQLite (FTS5) and PostgreSQL (tsvector + pg_trgm) alike.
"""

from datetime import date
from html import unescape

import pytest
from django.core.management import CommandError, call_command

from alliance import search
from alliance.access import Access
from alliance.models import SearchEntry
from decisions import services
from roles import services as roles_services
from roles.standing import SYSTEM
from tests.factories import (
    AllianceFactory,
    DecisionFactory,
    GoverningBodyFactory,
    MeetingFactory,
    PersonFactory,
    StaffFactory,
)
from tests.helpers import token_client, viewer_of

pytestmark = pytest.mark.django_db


class Records:
    def __init__(self, scene):
        scene.alliance.publish_register = True
        scene.alliance.save()
        self.scene = scene
        self.night_time = scene.open(
            title="Outreach redesign: a single team with a night-time hub",
            proposal="That the five outreach services become one team.",
            visibility="PUBLIC",
            tags=["outreach"],
        )
        self.tagged = scene.open(
            title="Approve the winter pressures fund allocation",
            proposal="That the fund goes to the overnight service at the Wellgate centre.",
            tags=["winter", "night hub"],
        )
        self.budget = scene.open(
            title="Set the 2023/24 alliance budget", proposal="That the budget is five per cent less.", tags=[]
        )
        self.confidential = scene.open(
            title="Close the night hub early", proposal="A confidential matter.", visibility="CONFIDENTIAL", tags=[]
        )
        self.delegated = DecisionFactory(
            body=scene.body,
            title="Refurbish the kitchen",
            proposal="So that hot meals can be served.",
            decided_by=PersonFactory(name="Priya Raman"),
            status="AGREED",
            reference="ALT-2023-003",
            decided_on=date(2023, 2, 14),
        )
        self.meeting = MeetingFactory(body=scene.body, title="ALT January 2023", minutes="The hub's first winter.")
        elsewhere = GoverningBodyFactory(alliance=AllianceFactory(slug="elsewhere", publish_register=True))
        self.canary = DecisionFactory(
            body=elsewhere, title="Night hub cnry001z", visibility="CONFIDENTIAL", status="AGREED", reference="X-1"
        )


@pytest.fixture
def records(scene):
    return Records(scene)


def viewer(records) -> Access:
    return Access(authenticated=True, members_of=frozenset({records.scene.alliance.pk}))


def found(text, access, **kwargs) -> list[str]:
    return [entry.title for entry in search.search(text, access=access, **kwargs)]


def test_night_hub_finds_the_tagged_decision_and_the_night_time_one(records):
    titles = found("night hub", viewer(records))
    assert records.tagged.title in titles and records.night_time.title in titles


def test_a_name_on_the_record_finds_it(records):
    assert found("Priya", viewer(records)) == [records.delegated.title]


def test_a_year_finds_the_financial_year_it_starts(records):
    assert found("budget 2023", viewer(records)) == [records.budget.title]


@pytest.mark.parametrize(("typed", "title"), [("budgte", "Set the 2023/24 alliance budget"), ("outrech", "Outreach")])
def test_a_typo_finds_the_word_it_is_closest_to(records, typed, title):
    assert any(t.startswith(title) for t in found(typed, viewer(records)))


def test_a_word_form_finds_the_others(records):
    assert found("hubs", viewer(records)) == found("hub", viewer(records))
    assert records.night_time.title in found("hubs", viewer(records))


def test_a_word_finds_the_words_it_begins(records):
    assert found("refurb", viewer(records)) == [records.delegated.title]


def test_a_match_in_the_title_ranks_before_one_in_the_text(records):
    titles = found("hub", viewer(records))
    assert titles.index(records.night_time.title) < titles.index(records.meeting.title)


def test_a_word_no_record_holds_finds_nothing(records):
    assert found("zzzzqqq", viewer(records)) == []
    assert found("hub zzzzqqq", viewer(records)) == []


def test_only_what_the_reader_may_read_is_found(records):
    alliance = records.scene.alliance.pk
    assert records.confidential.title not in found("night hub", viewer(records))
    assert records.canary.title not in found("night hub", viewer(records))
    oversight = Access(authenticated=True, members_of=frozenset({alliance}), oversight_of=frozenset({alliance}))
    assert records.confidential.title in found("night hub", oversight)
    assert records.canary.title not in found("night hub", oversight)
    assert records.canary.title in found("night hub", Access(authenticated=True, staff=True))


def test_the_public_reads_only_public_records(records):
    public = Access(public_alliances=frozenset({records.scene.alliance.pk, records.canary.alliance_id}))
    assert found("hub", public) == [records.night_time.title]


def test_a_search_is_one_alliances_or_one_kinds_when_asked(records):
    staff = Access(authenticated=True, staff=True)
    assert records.canary.title not in found("hub", staff, alliance=records.scene.alliance)
    assert found("hub", staff, kinds=["meeting"]) == [records.meeting.title]


# The index follows the records ---------------------------------------------------------------


def test_an_edit_is_found_at_once(records):
    services.update_decision(actor=SYSTEM, decision=records.tagged, title="Fund the Wellgate warm space")
    assert found("warm space", viewer(records)) == ["Fund the Wellgate warm space"]
    assert found("pressures", viewer(records)) == []


def test_a_renamed_person_is_found_by_their_new_name(records):
    roles_services.save_person(person=records.delegated.decided_by, name="Priya Sandhu")
    assert found("Sandhu", viewer(records)) == [records.delegated.title]
    assert found("Raman", viewer(records)) == []


def test_a_vote_puts_its_member_on_the_decision(records):
    member = records.scene.members[1].organisation
    assert records.budget.title not in found(member.name, viewer(records))
    records.scene.vote(records.budget, 1)
    assert records.budget.title in found(member.name, viewer(records))


def test_the_index_check_finds_drift_and_the_rebuild_mends_it(records, capsys):
    assert search.check_index() == []
    SearchEntry.objects.filter(object_id=records.budget.pk, kind="decision").update(heading="stale")
    SearchEntry.objects.filter(object_id=records.tagged.pk, kind="decision").delete()
    problems = search.check_index()
    assert f"Decision {records.tagged.pk} is missing from the search index." in problems
    assert f"Decision {records.budget.pk} (Set the 2023/24 alliance budget) is out of date in the search index." in (
        problems
    )
    with pytest.raises(CommandError, match="differs from the records in 2 places"):
        call_command("rebuild_search_index", "--check")
    call_command("rebuild_search_index")
    call_command("rebuild_search_index", "--check")
    assert "The search index matches the records." in capsys.readouterr().out
    assert records.tagged.title in found("night hub", viewer(records))


# Through the page and the API ------------------------------------------------------------------


@pytest.fixture
def reader(client, records):
    client.force_login(viewer_of(records.scene.alliance))
    return client


def test_the_search_page_finds_the_examples(reader):
    for typed, title in [
        ("night hub", "Approve the winter pressures fund allocation"),
        ("night hub", "a single team with a night-time hub"),
        ("Priya", "Refurbish the kitchen"),
        ("budget 2023", "Set the 2023/24 alliance budget"),
        ("budgte", "Set the 2023/24 alliance budget"),
        ("outrech", "a single team with a night-time hub"),
        ("hubs", "a single team with a night-time hub"),
    ]:
        page = reader.get("/alliances/dunmarrow/search/", {"q": typed}).content.decode()
        assert title in page, typed
        assert "Close the night hub early" not in page and "cnry001z" not in page


def test_the_api_finds_what_the_page_finds(reader, records):
    api = token_client(viewer_of(records.scene.alliance, username="api-reader"))
    for typed in ["night hub", "Priya", "budget 2023", "budgte", "outrech", "hubs"]:
        page = reader.get("/alliances/dunmarrow/search/", {"q": typed}).context["page"].object_list
        answer = api.get("/api/v1/search/", {"q": typed, "alliance": "dunmarrow"}).json()
        assert [(r["kind"], r["id"]) for r in answer["results"]] == [(e.kind, e.object_id) for e in page], typed


def test_the_decision_log_and_the_decisions_api_find_the_same_decisions(reader, records):
    api = token_client(viewer_of(records.scene.alliance, username="api-reader"))
    for typed in ["night hub", "Priya", "budgte", "hubs"]:
        wanted = {e.object_id for e in search.search(typed, access=viewer(records), kinds=["decision"])}
        log = reader.get("/alliances/dunmarrow/decisions/", {"q": typed}).context["page"].object_list
        assert {d["pk"] for d in log} == wanted, typed
        for param in ("q", "search"):
            answer = api.get("/api/v1/decisions/", {param: typed}).json()["results"]
            assert {d["id"] for d in answer} == wanted, (typed, param)


def test_the_public_register_search_finds_public_records_only(client, records):
    page = client.get("/public/dunmarrow/search/", {"q": "hub"}).content.decode()
    assert "a single team with a night-time hub" in page
    assert f'href="/public/dunmarrow/decisions/{records.night_time.pk}/"' in page
    for hidden in ("Approve the winter pressures fund", "Close the night hub early", "ALT January 2023", "cnry"):
        assert hidden not in page


def test_an_anonymous_api_search_reads_what_alliances_publish(anon_api, records):
    answer = anon_api.get("/api/v1/search/", {"q": "hub"}).json()
    assert [r["title"] for r in answer["results"]] == [records.night_time.title]


def test_the_page_refuses_an_over_long_search_or_an_unknown_kind_saying_what_to_do(reader):
    response = reader.get("/alliances/dunmarrow/search/", {"q": "hub " * 60})
    assert response.status_code == 400
    assert "shorten it to at most 200 characters" in response.content.decode()
    response = reader.get("/alliances/dunmarrow/search/", {"q": "hub", "kind": "minutes"})
    assert response.status_code == 400
    assert "'minutes' is not a kind of record the search finds" in unescape(response.content.decode())


def test_the_api_refuses_a_missing_search_or_an_unknown_kind_saying_what_to_do(anon_api, records):
    answer = anon_api.get("/api/v1/search/")
    assert answer.status_code == 400
    assert answer.json()["field"] == "q" and "Say what to search for" in answer.json()["detail"]
    answer = anon_api.get("/api/v1/search/", {"q": "hub", "kind": "minutes"})
    assert answer.status_code == 400 and answer.json()["field"] == "kind"
    assert anon_api.get("/api/v1/search/", {"q": "hub", "alliance": "nowhere"}).status_code == 404


def test_a_page_of_results_costs_the_same_however_many_records_match(client, scene, django_assert_max_num_queries):
    for n in range(40):
        DecisionFactory(body=scene.body, title=f"Night hub matter {n}", visibility="MEMBERS", status="AGREED")
    user = viewer_of(scene.alliance)
    client.force_login(user)
    api = token_client(user)
    with django_assert_max_num_queries(18):  # login, standing, terms, read rules (content types), count, page
        page = client.get("/alliances/dunmarrow/search/", {"q": "night hubs"})
    assert len(page.context["page"].object_list) == 25
    with django_assert_max_num_queries(16):
        answer = api.get("/api/v1/search/", {"q": "nigth hub"})
    assert answer.json()["count"] == 40


def test_the_staff_find_another_alliances_records(records):
    api = token_client(StaffFactory(username="search-staff"))
    titles = [r["title"] for r in api.get("/api/v1/search/", {"q": "cnry001z"}).json()["results"]]
    assert titles == [records.canary.title]


def test_a_result_links_to_its_records_page_on_the_page_and_in_the_api(reader, records):
    assert (
        records.delegated.get_absolute_url()
        in reader.get("/alliances/dunmarrow/search/", {"q": "Priya"}).content.decode()
    )
    api = token_client(viewer_of(records.scene.alliance, username="api-reader"))
    answer = api.get("/api/v1/search/", {"q": "Priya"}).json()["results"]
    assert [(r["label"], r["url"]) for r in answer] == [("Decision", records.delegated.get_absolute_url())]
