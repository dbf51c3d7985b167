"""The home's sections (alliance.home, decisions/home.py, contracts/home.py): each for the standing it is
for and not for others, every item through the read rule, and a fixed number of queries."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import resolve

from alliance.document_models import Document
from alliance.home import HomeContext, home_for
from alliance.models import Membership
from contracts.models import StageTransition
from decisions.agenda_models import AgendaItem
from decisions.models import AdviceRequest, AdvisoryInput, Decision, Meeting, Vote
from roles.access import access_for
from roles.models import Role
from tests.factories import (
    ActionItemFactory,
    AllianceFactory,
    AwardPolicyFactory,
    AwardProcessFactory,
    DecisionFactory,
    GoverningBodyFactory,
    MeetingFactory,
    MembershipFactory,
    PersonFactory,
    RoleAssignmentFactory,
    RoleFactory,
    StaffFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
TODAY = date(2026, 3, 2)
CANARY = "CNRY-HOME-7Q"


def person_with(alliance, kind, *, body=None, organisation=None, username=None):
    user = UserFactory(username=username) if username else UserFactory()
    person = PersonFactory(user=user)
    role = RoleFactory(alliance=alliance, kind=kind, body=body, organisation=organisation, single_holder=False)
    RoleAssignmentFactory(role=role, person=person, starts_on=date(2025, 1, 1))
    return user, person


class Scene:
    """One alliance with a voting and an advisory member, its ALT and the people of each standing; a
    second alliance where the representative also holds a post, with a confidential decision."""

    def __init__(self):
        self.alliance = AllianceFactory(name="Aberlyn Alliance", slug="aberlyn")
        self.alt = GoverningBodyFactory(alliance=self.alliance, code="ALT")
        self.voting = MembershipFactory(alliance=self.alliance, joined_on=date(2024, 1, 1)).organisation
        self.advisory = MembershipFactory(
            alliance=self.alliance, status=Membership.Status.ADVISORY, joined_on=date(2024, 1, 1)
        ).organisation
        self.rep, self.rep_person = person_with(
            self.alliance, Role.Kind.MEMBER_REPRESENTATIVE, organisation=self.voting, username="rep"
        )
        self.adviser, _ = person_with(
            self.alliance, Role.Kind.MEMBER_REPRESENTATIVE, organisation=self.advisory, username="adviser"
        )
        self.secretary, _ = person_with(self.alliance, Role.Kind.SECRETARY, body=self.alt, username="sec")
        self.oversight, _ = person_with(self.alliance, Role.Kind.OVERSIGHT_MEMBER, username="ovs")
        self.member, _ = person_with(self.alliance, Role.Kind.DIRECTOR, username="member")
        # The other alliance: the representative holds a post there, which reads no confidential record.
        self.other = AllianceFactory(name="Zedburgh Alliance", slug="zedburgh")
        other_body = GoverningBodyFactory(alliance=self.other, code="ZLT")
        RoleAssignmentFactory(
            role=RoleFactory(alliance=self.other, kind=Role.Kind.DIRECTOR),
            person=self.rep_person,
            starts_on=date(2025, 1, 1),
        )
        secret = DecisionFactory(
            body=other_body, title=f"{CANARY} confidential", visibility="CONFIDENTIAL", status=Decision.Status.OPEN,
            reference="ZLT-2026-001", opened_at=NOW - timedelta(days=1), closes_at=NOW - timedelta(hours=1),
        )  # fmt: skip
        ActionItemFactory(decision=secret, title=f"{CANARY} action", owner_person=self.rep_person, due_on=TODAY)
        MeetingFactory(body=other_body, title=f"{CANARY} meeting", starts_at=NOW + timedelta(days=2))

    def home(self, user, since=None):
        return home_for(HomeContext(access=access_for(user, on=TODAY), now=NOW, since=since))


def sections(groups, slug="aberlyn") -> dict:
    for group in groups:
        if group["alliance"].slug == slug:
            return {s["key"]: s for s in group["sections"]}
    return {}


def texts(groups, key, slug="aberlyn") -> list[str]:
    return [item.text for item in sections(groups, slug).get(key, {"items": []})["items"]]


@pytest.fixture
def scene():
    return Scene()


def open_decision(scene, **fields):
    defaults = {
        "body": scene.alt, "status": Decision.Status.OPEN, "opened_at": NOW - timedelta(days=1),
        "closes_at": NOW + timedelta(days=2), "reference": "ALT-2026-001",
    }  # fmt: skip
    return DecisionFactory(**(defaults | fields))


# Meetings and papers -----------------------------------------------------------------------------


def test_a_representative_sees_the_coming_meetings_and_the_papers_of_a_published_agenda(scene):
    meeting = MeetingFactory(body=scene.alt, title="March ALT", starts_at=NOW + timedelta(days=3))
    meeting.agenda_published_at = NOW - timedelta(days=1)
    meeting.save()
    item = AgendaItem.objects.create(meeting=meeting, position=1, title="Budget")
    paper = Document.objects.create(
        alliance=scene.alliance, owner_type=ContentType.objects.get_for_model(AgendaItem), owner_id=item.pk,
        title="Budget paper", created_at=NOW - timedelta(days=1),
    )  # fmt: skip
    MeetingFactory(body=scene.alt, title="Too far", starts_at=NOW + timedelta(days=40))
    home = scene.home(scene.rep)
    assert texts(home, "meetings") == ["ALT: March ALT"]
    assert texts(home, "papers") == ["Budget paper"]
    assert sections(home)["papers"]["items"][0].url == paper.get_absolute_url()  # the paper's page


def test_papers_of_an_unpublished_agenda_or_a_withdrawn_paper_are_not_listed(scene):
    meeting = MeetingFactory(body=scene.alt, starts_at=NOW + timedelta(days=3))
    item = AgendaItem.objects.create(meeting=meeting, position=1, title="Budget")
    kind = ContentType.objects.get_for_model(AgendaItem)
    Document.objects.create(alliance=scene.alliance, owner_type=kind, owner_id=item.pk, title="Draft", created_at=NOW)
    assert texts(scene.home(scene.rep), "papers") == []
    Meeting.objects.filter(pk=meeting.pk).update(agenda_published_at=NOW)
    Document.objects.update(withdrawn_at=NOW)
    assert texts(scene.home(scene.rep), "papers") == []


def test_a_person_on_no_body_sees_no_meeting(scene):
    MeetingFactory(body=scene.alt, starts_at=NOW + timedelta(days=3))
    assert texts(scene.home(scene.member), "meetings") == []
    assert texts(scene.home(scene.secretary), "meetings") == ["ALT: Leadership team meeting"]


# Positions awaited -------------------------------------------------------------------------------


def test_a_representative_sees_the_decisions_awaiting_their_organisations_position(scene):
    waiting = open_decision(scene, title="Waiting")
    voted = open_decision(scene, title="Voted", reference="ALT-2026-002")
    Vote.objects.create(
        decision=voted, membership=Membership.objects.get(organisation=scene.voting), position="AGREE",
        cast_by=scene.rep_person, cast_at=NOW,
    )  # fmt: skip
    home = scene.home(scene.rep)
    assert texts(home, "positions") == [f"ALT-2026-001: {waiting.title}"]
    item = sections(home)["positions"]["items"][0]
    assert item.urgency == "soon" and item.date == waiting.closes_at
    assert resolve(item.url).url_name == "decision-detail"


def test_the_position_section_is_not_shown_to_a_member_without_a_seat(scene):
    open_decision(scene)
    assert "positions" not in sections(scene.home(scene.member))
    assert "positions" not in sections(scene.home(scene.oversight))


def test_a_position_is_not_awaited_from_someone_who_did_not_represent_the_member_on_the_decisions_day(scene):
    open_decision(scene, opened_at=datetime(2024, 6, 1, tzinfo=UTC))  # before the representative's term
    assert texts(scene.home(scene.rep), "positions") == []


# Advice ------------------------------------------------------------------------------------------


def test_an_advisory_members_representative_sees_the_advice_asked_of_it(scene):
    decision = open_decision(scene, title="Ask the advisers")
    AdviceRequest.objects.create(
        decision=decision, membership=Membership.objects.get(organisation=scene.advisory), requested_at=NOW
    )
    assert texts(scene.home(scene.adviser), "advice_asked") == [f"ALT-2026-001: {decision.title}"]
    assert "advice_asked" not in sections(scene.home(scene.member))


def test_a_secretary_sees_advice_without_the_alliances_response_and_a_member_does_not(scene):
    decision = open_decision(scene, title="Advised")
    AdvisoryInput.objects.create(
        decision=decision, organisation=scene.advisory, advice="Ask people first.", given_at=NOW
    )
    assert texts(scene.home(scene.secretary), "advice_response") == [f"ALT-2026-001: {decision.title}"]
    assert "advice_response" not in sections(scene.home(scene.rep))


# Actions -----------------------------------------------------------------------------------------


def test_my_overdue_actions_and_those_of_a_role_i_hold(scene):
    decision = open_decision(scene)
    ActionItemFactory(
        decision=decision, title="Mine, overdue", owner_person=scene.rep_person, due_on=TODAY - timedelta(days=5)
    )
    ActionItemFactory(
        decision=decision, title="Mine, far off", owner_person=scene.rep_person, due_on=TODAY + timedelta(days=30)
    )
    ActionItemFactory(decision=decision, title="Someone else's", due_on=TODAY - timedelta(days=5))
    role = Role.objects.get(alliance=scene.alliance, organisation=scene.voting)
    ActionItemFactory(decision=decision, title="My role's", owner_person=None, owner_role=role, due_on=TODAY)
    home = scene.home(scene.rep)
    assert texts(home, "actions") == ["Mine, overdue", "My role's"]
    assert [i.urgency for i in sections(home)["actions"]["items"]] == ["overdue", "soon"]


# For a secretary ---------------------------------------------------------------------------------


def test_a_secretary_sees_drafts_overdue_decisions_past_meetings_and_minutes_to_approve(scene):
    DecisionFactory(body=scene.alt, title="A draft")
    overdue = open_decision(scene, title="Closed yesterday", closes_at=NOW - timedelta(days=1))
    MeetingFactory(body=scene.alt, title="Last week", starts_at=NOW - timedelta(days=7))
    MeetingFactory(body=scene.alt, title="Held", starts_at=NOW - timedelta(days=14), status=Meeting.Status.HELD)
    home = scene.home(scene.secretary)
    assert texts(home, "drafts") == ["Draft: A draft"]
    assert texts(home, "overdue_decisions") == [f"ALT-2026-001: {overdue.title}"]
    assert texts(home, "past_meetings") == ["ALT: Last week"]
    assert texts(home, "minutes") == ["ALT: minutes of 16/02/2026"]


def test_a_member_and_oversight_see_no_secretary_section(scene):
    DecisionFactory(body=scene.alt, title="A draft")
    for user in (scene.rep, scene.member, scene.oversight):
        shown = sections(scene.home(user))
        assert not {"drafts", "overdue_decisions", "past_meetings", "minutes", "advice_response"} & set(shown)


def test_a_secretary_of_another_body_does_not_see_this_bodys_drafts(scene):
    amt = GoverningBodyFactory(alliance=scene.alliance, code="AMT")
    user, _ = person_with(scene.alliance, Role.Kind.SECRETARY, body=amt)
    DecisionFactory(body=scene.alt, title="An ALT draft")
    assert texts(scene.home(user), "drafts") == []


# For oversight -----------------------------------------------------------------------------------


def approved_award(scene, title, at):
    policy = AwardPolicyFactory(alliance=scene.alliance, approving_body=scene.alt)
    award = AwardProcessFactory(policy=policy, title=title, stage="APPROVED")
    StageTransition.objects.create(process=award, from_stage="RECOMMENDED", to_stage="APPROVED", at=at)
    return award


def test_oversight_sees_the_awards_approved_since_its_last_visit_and_not_before(scene):
    approved_award(scene, "Before the last visit", NOW - timedelta(days=20))
    recent = approved_award(scene, "Since the last visit", NOW - timedelta(days=2))
    home = scene.home(scene.oversight, since=NOW - timedelta(days=10))
    assert texts(home, "awards_approved") == [f"{recent.reference}: Since the last visit"]
    assert sections(home)["awards_approved"]["title"] == "Awards approved since your last visit"
    assert "awards_approved" not in sections(scene.home(scene.rep, since=NOW - timedelta(days=10)))
    assert "awards_approved" not in sections(scene.home(scene.secretary, since=NOW - timedelta(days=10)))


# Grouping and the read rule ----------------------------------------------------------------------


def test_a_person_in_two_alliances_sees_both_grouped_by_alliance(scene):
    home = scene.home(scene.rep)
    assert [g["alliance"].slug for g in home] == ["aberlyn", "zedburgh"]


def test_another_alliances_confidential_records_never_appear(scene):
    for user in (scene.rep, scene.member, scene.secretary, scene.oversight, scene.adviser):
        for group in scene.home(user):
            for section in group["sections"]:
                for item in section["items"]:
                    assert CANARY not in item.text + item.detail


def test_every_link_resolves(scene):
    test_a_secretary_sees_drafts_overdue_decisions_past_meetings_and_minutes_to_approve(scene)
    approved_award(scene, "Linked", NOW - timedelta(days=1))
    ActionItemFactory(
        decision=open_decision(scene, reference="ALT-2026-009"), owner_person=scene.rep_person, due_on=TODAY
    )
    urls = [
        item.url
        for user in (scene.rep, scene.secretary, scene.oversight)
        for group in scene.home(user)
        for section in group["sections"]
        for item in section["items"]
    ]
    assert len(urls) >= 6
    for url in urls:
        resolve(url.split("#")[0])


def test_an_anonymous_visitor_has_no_home():
    assert home_for(HomeContext(access=access_for(None), now=NOW)) == []


# Queries -----------------------------------------------------------------------------------------


def everything_user(scene):
    """One person who is secretary, representative and oversight: every section runs for them."""
    user = scene.secretary
    person = user.person
    for kind, organisation in ((Role.Kind.MEMBER_REPRESENTATIVE, scene.voting), (Role.Kind.OVERSIGHT_MEMBER, None)):
        role = RoleFactory(alliance=scene.alliance, kind=kind, organisation=organisation, single_holder=False)
        RoleAssignmentFactory(role=role, person=person, starts_on=date(2025, 1, 1))
    return user


def add_rows(scene, person, n, start):
    kind = ContentType.objects.get_for_model(AgendaItem)
    membership = Membership.objects.get(organisation=scene.advisory)
    first_meeting = MeetingFactory(body=scene.alt, starts_at=NOW + timedelta(days=1))  # one day judged on
    for i in range(start, start + n):
        meeting = MeetingFactory(body=scene.alt, starts_at=NOW + timedelta(days=1, hours=i), agenda_published_at=NOW)
        item = AgendaItem.objects.create(meeting=meeting, position=1, title=f"Item {i}")
        Document.objects.create(
            alliance=scene.alliance, owner_type=kind, owner_id=item.pk, title=f"P{i}", created_at=NOW
        )
        decision = open_decision(scene, reference=f"ALT-2026-{i:03d}", meeting=first_meeting if i % 2 else None)
        AdviceRequest.objects.create(decision=decision, membership=membership, requested_at=NOW)
        AdvisoryInput.objects.create(decision=decision, organisation=scene.advisory, advice="Advice", given_at=NOW)
        ActionItemFactory(decision=decision, owner_person=person, due_on=TODAY - timedelta(days=1))
        DecisionFactory(body=scene.alt)
        open_decision(scene, reference=f"ALT-2025-{i:03d}", closes_at=NOW - timedelta(days=1))
        MeetingFactory(body=scene.alt, starts_at=NOW - timedelta(days=3, hours=i))
        MeetingFactory(body=scene.alt, starts_at=NOW - timedelta(days=20, hours=i), status=Meeting.Status.HELD)
        approved_award(scene, f"Award {i}", NOW - timedelta(hours=i + 1))


def test_the_home_runs_a_fixed_number_of_queries_however_many_items(scene, django_assert_max_num_queries):
    user = everything_user(scene)
    add_rows(scene, user.person, 2, 100)  # decisions judged on two days, as below
    with CaptureQueriesContext(connection) as few:
        small = scene.home(user, since=NOW - timedelta(days=10))
    add_rows(scene, user.person, 25, 200)
    with django_assert_max_num_queries(len(few.captured_queries)):
        large = scene.home(user, since=NOW - timedelta(days=10))
    count = sum(len(s["items"]) for g in small for s in g["sections"])
    assert sum(len(s["items"]) for g in large for s in g["sections"]) > 10 * count / 2


def test_staff_see_every_alliance_with_the_secretarys_and_oversights_sections(scene):
    DecisionFactory(body=scene.alt, title="A draft")
    home = scene.home(StaffFactory())
    assert [g["alliance"].slug for g in home] == ["aberlyn", "zedburgh"]
    assert texts(home, "drafts") == ["Draft: A draft"]
    assert "awards_approved" in sections(home)
