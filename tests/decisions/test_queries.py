from datetime import UTC, date, datetime

import pytest

from decisions import queries, services
from roles.access import Access
from roles.standing import SYSTEM
from tests.factories import AttendanceFactory, MeetingFactory, PersonFactory
from tests.scenes import CLOSED, VOTED

pytestmark = pytest.mark.django_db
STAFF = Access(authenticated=True, staff=True)


def agreed(scene, **fields):
    decision = scene.open(**fields)
    for i in range(3):
        scene.vote(decision, i)
    return services.close_decision(actor=SYSTEM, decision=decision, closed_at=CLOSED)


# Votes grid


def test_votes_grid_has_one_row_per_member_with_its_state(scene):
    decision = scene.open()
    scene.vote(decision, 0, position="OBJECT", statement="Not yet")
    recusal = services.record_recusal(actor=SYSTEM, decision=decision, membership=scene.members[1], reason="Bidder")
    services.record_advice(
        actor=SYSTEM,
        decision=decision,
        organisation=scene.advisory.organisation,
        advice="Keep drop-ins",
        given_at=VOTED,
    )
    grid = {row["organisation"].name: row for row in queries.votes_grid(decision)}
    assert grid["Harbour Light Housing"]["state"] == "voted"
    assert grid["Harbour Light Housing"]["statement"] == "Not yet"
    assert grid["Harbour Light Housing"]["cast_by"] == scene.reps[0]
    assert grid["Second Step Trust"]["state"] == "recused" and grid["Second Step Trust"]["recusal"] == recusal
    assert grid["Northgate Housing Association"]["label"] == "Not yet voted"
    advisory = grid["Dunmarrow Homelessness Network"]
    assert advisory["state"] == "advisory" and [a.advice for a in advisory["advice"]] == ["Keep drop-ins"]


def test_votes_grid_shows_a_dispensation(scene):
    decision = scene.open()
    recusal = services.record_recusal(actor=SYSTEM, decision=decision, membership=scene.members[1], reason="Bidder")
    services.grant_dispensation(actor=SYSTEM, recusal=recusal, reason="Remote")
    row = next(r for r in queries.votes_grid(decision) if r["membership"] == scene.members[1])
    assert row["state"] == "not_voted" and row["dispensation"]


def test_votes_grid_shows_a_struck_vote_beside_the_vote_cast_again(scene):
    decision = scene.open()
    struck = scene.vote(decision, 1)
    recusal = services.record_recusal(actor=SYSTEM, decision=decision, membership=scene.members[1], reason="Bidder")
    recused = next(r for r in queries.votes_grid(decision) if r["membership"] == scene.members[1])
    assert (recused["state"], recused["vote"], recused["struck"]) == ("recused", None, [struck])
    services.grant_dispensation(actor=SYSTEM, recusal=recusal, reason="Remote")
    again = scene.vote(decision, 1, position="ABSTAIN")
    row = next(r for r in queries.votes_grid(decision) if r["membership"] == scene.members[1])
    assert (row["state"], row["vote"], row["struck"]) == ("voted", again, [struck])
    assert row["struck"][0].struck_by == recusal


def test_votes_grid_of_a_draft_without_date_shows_current_members(scene):
    draft = scene.draft()
    assert len(queries.votes_grid(draft)) == 4


def test_votes_grid_query_count_is_fixed(scene, django_assert_max_num_queries):
    decision = scene.open()
    for i in range(3):
        scene.vote(decision, i)
    with django_assert_max_num_queries(6):
        rows = queries.votes_grid(decision)
    assert len(rows) == 4


# Quorum from attendance


def test_members_present_counts_voting_representatives_and_deputies_present(scene):
    meeting = MeetingFactory(body=scene.body, starts_at=datetime(2021, 3, 4, 10, tzinfo=UTC))
    org, reps = [m.organisation for m in scene.members], scene.reps
    AttendanceFactory(meeting=meeting, person=reps[0], capacity="voting_representative", organisation=org[0])
    AttendanceFactory(meeting=meeting, person=reps[1], capacity="deputy", organisation=org[1])
    AttendanceFactory(
        meeting=meeting, person=reps[2], capacity="voting_representative", organisation=org[2], present=False
    )
    AttendanceFactory(meeting=meeting, capacity="observer", organisation=org[2])
    AttendanceFactory(meeting=meeting, capacity="advisor", organisation=scene.advisory.organisation)
    AttendanceFactory(meeting=meeting, capacity="secretariat", person=PersonFactory())
    assert queries.members_present(meeting) == {scene.members[0].pk, scene.members[1].pk}


def test_members_present_leaves_out_who_did_not_hold_the_members_role(scene):
    meeting = MeetingFactory(body=scene.body, starts_at=datetime(2021, 3, 4, 10, tzinfo=UTC))
    org = [m.organisation for m in scene.members]
    AttendanceFactory(meeting=meeting, capacity="voting_representative", organisation=org[0])  # holds no role
    AttendanceFactory(meeting=meeting, person=scene.reps[2], capacity="deputy", organisation=org[1])  # another's
    assert queries.members_present(meeting) == set()


def test_decision_day(scene):
    draft = scene.draft()
    assert queries.decision_day(draft) is None
    assert queries.decision_day(agreed(scene)) == date(2021, 3, 10)


# Memory against re-discussion


def test_related_decisions_by_tag_and_words(scene):
    by_tag = agreed(scene, title="Winter beds", tags=["outreach"], proposal="Buy beds.")
    by_words = agreed(scene, title="Redesign of street outreach teams", tags=["teams"], proposal="One team.")
    agreed(scene, title="Adopt the operating manual", tags=["governance"], proposal="Manual v1.")
    found = queries.related_decisions(
        alliance=scene.alliance, access=STAFF, title="Street outreach redesign", proposal="", tags=["outreach"]
    )
    assert found[0] == by_words and set(found) == {by_tag, by_words}


def test_related_decisions_excludes_drafts_other_alliances_and_itself(scene):
    earlier = agreed(scene, title="Street outreach redesign")
    draft = scene.draft(title="Street outreach redesign")
    found = queries.related_decisions(alliance=scene.alliance, access=STAFF, title=draft.title, exclude=draft)
    assert found == [earlier]
    found = queries.related_decisions(alliance=scene.alliance, access=STAFF, title=draft.title, exclude=earlier)
    assert found == []


def test_related_decisions_with_only_common_words_finds_nothing(scene):
    agreed(scene)
    assert queries.related_decisions(alliance=scene.alliance, access=STAFF, title="The decision about this") == []


def test_matters_decided_more_than_once(scene):
    first = agreed(scene, title="Outreach model", tags=["outreach"])
    second = agreed(scene, title="Outreach again", tags=["outreach"])
    manual = agreed(scene, title="Operating manual", tags=["manual"])
    amended = services.amend_decision(
        actor=SYSTEM,
        decision=manual,
        proposal="Manual v2",
        closes_at=datetime(2021, 4, 9, tzinfo=UTC),
        now=datetime(2021, 4, 1, tzinfo=UTC),
    )
    services.open_decision(actor=SYSTEM, decision=amended, opened_at=datetime(2021, 4, 1, tzinfo=UTC))
    for i in range(3):
        scene.vote(amended, i, cast_at=datetime(2021, 4, 2, tzinfo=UTC))
    services.close_decision(actor=SYSTEM, decision=amended, closed_at=datetime(2021, 4, 10, tzinfo=UTC))
    revisited = agreed(scene, title="Budget", tags=["budget"])
    third = scene.open(title="Budget again", tags=["money"], revisits=[revisited])
    for i in range(3):
        scene.vote(third, i)
    third = services.close_decision(actor=SYSTEM, decision=third, closed_at=CLOSED)
    agreed(scene, title="Lonely", tags=["alone"])
    groups = queries.matters_decided_more_than_once(scene.alliance)
    assert sorted(sorted(d.pk for d in g["decisions"]) for g in groups) == sorted(
        [sorted([first.pk, second.pk]), sorted([manual.pk, amended.pk]), sorted([revisited.pk, third.pk])]
    )
    outreach = next(g for g in groups if first in g["decisions"])
    assert outreach["tags"] == ["outreach"] and outreach["count"] == 2


def test_generic_tags_do_not_make_a_matter_decided_more_than_once(scene):
    for title in ("Buy a van", "Renew the phone contract", "Approve the May minutes"):
        agreed(scene, title=title, tags=["operational", "minutes", "budget", "award"])
    assert queries.matters_decided_more_than_once(scene.alliance) == []


def test_generic_tags_are_not_listed_as_the_shared_matter(scene):
    first = agreed(scene, title="Outreach model", tags=["outreach", "operational"])
    agreed(scene, title="Outreach again", tags=["outreach", "operational"])
    group = next(g for g in queries.matters_decided_more_than_once(scene.alliance) if first in g["decisions"])
    assert group["tags"] == ["outreach"]


def test_decision_log_query_count_is_fixed(scene, django_assert_max_num_queries):
    for n in range(6):
        agreed(scene, title=f"Matter {n}")
    with django_assert_max_num_queries(6):
        log = list(queries.decision_log(scene.alliance))
        [(d.body.code, d.amended_by_visible, d.superseded_by_visible, d.revisits_visible) for d in log]
    assert len(log) == 6
