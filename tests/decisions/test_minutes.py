"""The minutes' cycle (issue 19, part 5): drafted per agenda item, circulated, approved by a later PROCEDURAL
decision of the same body, then sealed with a signed-off copy kept as a paper of the meeting."""

import hashlib
from datetime import UTC, date, datetime

import pytest

from alliance.choices import DecisionKind
from alliance.document_models import Document, DocumentVersion
from decisions import services
from decisions.models import ActionItem, AgendaItem, Attendance, Decision, Meeting
from roles.standing import SYSTEM
from tests.factories import (
    AttendanceFactory,
    DecisionFactory,
    MeetingFactory,
    MinutesItemFactory,
    PersonFactory,
    RoleAssignmentFactory,
    RoleFactory,
)
from tests.helpers import actor_for, pdf_unavailable, refused
from tests.scenes import make_scene

pytestmark = pytest.mark.django_db

HELD_AT = datetime(2021, 3, 4, 10, 0, tzinfo=UTC)
NEXT_AT = datetime(2021, 4, 1, 10, 0, tzinfo=UTC)


class Cycle:
    def __init__(self):
        self.scene = make_scene()
        body = self.scene.body
        self.meeting = MeetingFactory(body=body, starts_at=HELD_AT, status=Meeting.Status.HELD)
        self.first = MinutesItemFactory(meeting=self.meeting, position=1, title="Outreach redesign")
        self.second = MinutesItemFactory(meeting=self.meeting, position=2, title="Operating manual")
        self.next = MeetingFactory(body=body, starts_at=NEXT_AT)
        self.secretary = actor_for(self.scene.secretary)
        self.member = actor_for(self.scene.reps[0])

    def minute(self, item=None, text="Discussed and agreed to proceed."):
        return services.record_item_minute(actor=self.secretary, item=item or self.first, discussion=text)

    def approval(self, **fields):
        defaults = {
            "body": self.scene.body,
            "meeting": self.next,
            "status": Decision.Status.AGREED,
            "reference": "ALT-2021-002",
            "kind": DecisionKind.PROCEDURAL,
            "decided_on": date(2021, 4, 1),
        }
        return DecisionFactory(**{**defaults, **fields})

    def approve(self):
        self.minute()
        return services.approve_minutes(actor=self.secretary, meeting=self.meeting, decision=self.approval())


@pytest.fixture
def cycle():
    return Cycle()


# Drafted per agenda item


def test_the_secretary_writes_an_items_minute(cycle):
    item = cycle.minute()
    assert AgendaItem.objects.get(pk=item.pk).discussion == "Discussed and agreed to proceed."
    assert item.history.first().history_change_reason == "Minute recorded"
    item = cycle.minute(text="Corrected.")
    assert item.history.first().history_change_reason == "Minute corrected"


def test_only_the_secretary_writes_an_items_minute(cycle):
    error = refused(
        "not_permitted",
        lambda: services.record_item_minute(actor=cycle.member, item=cycle.first, discussion="Text"),
        AgendaItem,
        Meeting,
    )
    assert "secretary" in error.message


def test_an_items_minute_waits_for_the_meeting_to_be_held(cycle):
    item = MinutesItemFactory(meeting=cycle.next, position=1)
    refused(
        "meeting_not_held",
        lambda: services.record_item_minute(actor=cycle.secretary, item=item, discussion="Text"),
        AgendaItem,
        Meeting,
    )


def test_an_items_minute_says_something(cycle):
    refused(
        "item_minute_required",
        lambda: services.record_item_minute(actor=cycle.secretary, item=cycle.first, discussion="  "),
        AgendaItem,
    )


def test_a_withdrawn_item_takes_no_minute(cycle):
    AgendaItem.objects.filter(pk=cycle.second.pk).update(status=AgendaItem.Status.WITHDRAWN)
    refused(
        "agenda_item_withdrawn",
        lambda: services.record_item_minute(actor=cycle.secretary, item=cycle.second, discussion="Text"),
        AgendaItem,
    )


# Circulated as a draft, and again as a revised draft


def test_circulating_the_draft(cycle):
    cycle.minute()
    meeting = services.circulate_minutes(actor=cycle.secretary, meeting=cycle.meeting)
    assert meeting.minutes_circulated_at is not None
    assert meeting.minutes_circulated_by_id == cycle.scene.secretary.pk
    assert meeting.minutes_stage == "circulated"
    assert meeting.history.first().history_change_reason == "Draft minutes circulated"


def test_nothing_to_circulate_is_refused(cycle):
    error = refused(
        "minutes_missing", lambda: services.circulate_minutes(actor=cycle.secretary, meeting=cycle.meeting), Meeting
    )
    assert "write the minutes" in error.message


def test_an_unchanged_draft_is_not_circulated_twice(cycle):
    cycle.minute()
    services.circulate_minutes(actor=cycle.secretary, meeting=cycle.meeting)
    refused(
        "minutes_unchanged", lambda: services.circulate_minutes(actor=cycle.secretary, meeting=cycle.meeting), Meeting
    )


def test_a_change_after_circulating_makes_the_next_circulation_a_revision(cycle):
    cycle.minute()
    services.circulate_minutes(actor=cycle.secretary, meeting=cycle.meeting)
    cycle.minute(cycle.second, "Noted the manual's procurement section is late.")
    assert Meeting.objects.get(pk=cycle.meeting.pk).minutes_changed_since_circulated
    meeting = services.circulate_minutes(actor=cycle.secretary, meeting=cycle.meeting)
    assert meeting.minutes_stage == "revised"
    assert meeting.minutes_circulations == 2
    assert meeting.history.first().history_change_reason == "Revised minutes circulated"


def test_changing_the_general_minutes_also_revises_the_draft(cycle):
    cycle.minute()
    services.circulate_minutes(actor=cycle.secretary, meeting=cycle.meeting)
    services.record_minutes(actor=cycle.secretary, meeting=cycle.meeting, minutes="The chair welcomed everyone.")
    assert services.circulate_minutes(actor=cycle.secretary, meeting=cycle.meeting).minutes_stage == "revised"


def test_only_the_secretary_circulates(cycle):
    cycle.minute()
    refused("not_permitted", lambda: services.circulate_minutes(actor=cycle.member, meeting=cycle.meeting), Meeting)


# Approved by a later PROCEDURAL decision of the same body


def test_approval_by_a_later_procedural_decision_seals_and_keeps_a_signed_off_copy(cycle):
    meeting = cycle.approve()
    assert meeting.minutes_approved_by.reference == "ALT-2021-002"
    assert meeting.minutes_approved_at is not None
    assert meeting.minutes_stage == "approved"
    document = Document.objects.get(kind=Document.Kind.MINUTES)
    assert document.owner == meeting
    version = document.versions.get()
    content = version.file.read()
    assert hashlib.sha256(content).hexdigest() == version.sha256
    assert version.content_type == ("text/html" if pdf_unavailable() else "application/pdf")


def test_the_signed_off_copy_holds_the_record(cycle, settings):
    cycle.minute()
    services.record_attendance(
        actor=SYSTEM,
        meeting=cycle.meeting,
        person=cycle.scene.reps[0],
        capacity=Attendance.Capacity.VOTING_REPRESENTATIVE,
        organisation=cycle.scene.members[0].organisation,
    )
    from django.template.loader import render_to_string

    from decisions.queries_meetings import members_view, minutes_record

    html = render_to_string(
        "decisions/minutes_document.html",
        {
            **minutes_record(cycle.meeting, members_view(cycle.scene.alliance.pk)),
            "approved_by": cycle.approval(),
            "approved_on": date(2021, 4, 1),
        },
    )
    assert "Outreach redesign" in html
    assert "Discussed and agreed to proceed." in html
    assert "Rep of Harbour Light Housing" in html
    assert "Approved by ALT-2021-002" in html


def test_a_decision_of_another_kind_does_not_approve_minutes(cycle):
    cycle.minute()
    decision = cycle.approval(kind=DecisionKind.KEY)
    error = refused(
        "minutes_decision_not_procedural",
        lambda: services.approve_minutes(actor=cycle.secretary, meeting=cycle.meeting, decision=decision),
        Meeting,
        Document,
        DocumentVersion,
    )
    assert "procedural" in error.message


def test_a_decision_of_another_body_does_not_approve_minutes(cycle):
    cycle.minute()
    from tests.factories import GoverningBodyFactory

    other = GoverningBodyFactory(alliance=cycle.scene.alliance, code="AMT")
    decision = cycle.approval(body=other, meeting=None)
    refused(
        "minutes_other_body",
        lambda: services.approve_minutes(actor=cycle.secretary, meeting=cycle.meeting, decision=decision),
        Meeting,
        Document,
    )


def test_a_decision_not_agreed_does_not_approve_minutes(cycle):
    cycle.minute()
    decision = cycle.approval(status=Decision.Status.OPEN, decided_on=None)
    refused(
        "minutes_decision_not_agreed",
        lambda: services.approve_minutes(actor=cycle.secretary, meeting=cycle.meeting, decision=decision),
        Meeting,
        Document,
    )


def test_a_decision_taken_at_the_same_meeting_does_not_approve_its_minutes(cycle):
    cycle.minute()
    decision = cycle.approval(meeting=cycle.meeting, decided_on=date(2021, 3, 4))
    refused(
        "minutes_decision_not_later",
        lambda: services.approve_minutes(actor=cycle.secretary, meeting=cycle.meeting, decision=decision),
        Meeting,
        Document,
    )


def test_a_later_written_procedure_approves_minutes(cycle):
    cycle.minute()
    decision = cycle.approval(meeting=None, decided_on=date(2021, 3, 20))
    meeting = services.approve_minutes(actor=cycle.secretary, meeting=cycle.meeting, decision=decision)
    assert meeting.minutes_approved_by == decision


def test_one_decision_approves_one_meetings_minutes(cycle):
    decision = cycle.approval()
    cycle.minute()
    services.approve_minutes(actor=cycle.secretary, meeting=cycle.meeting, decision=decision)
    third = MeetingFactory(body=cycle.scene.body, starts_at=datetime(2021, 3, 18, 10, tzinfo=UTC), status="held")
    MinutesItemFactory(meeting=third, position=1, discussion="Noted.")
    refused(
        "minutes_decision_used",
        lambda: services.approve_minutes(actor=cycle.secretary, meeting=third, decision=decision),
        Meeting,
        Document,
    )


def test_only_the_secretary_approves(cycle):
    cycle.minute()
    decision = cycle.approval()
    refused(
        "not_permitted",
        lambda: services.approve_minutes(actor=cycle.member, meeting=cycle.meeting, decision=decision),
        Meeting,
        Document,
    )


# Sealed once approved


def test_approved_minutes_are_sealed(cycle):
    cycle.approve()
    meeting = cycle.meeting
    error = refused(
        "minutes_sealed",
        lambda: services.record_item_minute(actor=cycle.secretary, item=cycle.second, discussion="Late note"),
        AgendaItem,
        Meeting,
    )
    assert "ALT-2021-002" in error.message
    refused(
        "minutes_already_approved",
        lambda: services.record_minutes(actor=cycle.secretary, meeting=meeting, minutes="New"),
        Meeting,
    )
    refused("minutes_sealed", lambda: services.circulate_minutes(actor=cycle.secretary, meeting=meeting), Meeting)
    assert "sealed" in AgendaItem.objects.get(pk=cycle.first.pk).documents_refused("replaced")
    assert "sealed" in Meeting.objects.get(pk=meeting.pk).documents_refused("added")


def test_attendance_is_sealed_with_the_minutes(cycle):
    attendance = AttendanceFactory(meeting=cycle.meeting, person=PersonFactory(), capacity="observer")
    cycle.approve()
    person = PersonFactory()
    refused(
        "minutes_sealed",
        lambda: services.record_attendance(
            actor=cycle.secretary, meeting=cycle.meeting, person=person, capacity="observer"
        ),
        Attendance,
    )
    refused(
        "minutes_sealed",
        lambda: services.correct_attendance(
            actor=cycle.secretary, attendance=attendance, capacity="observer", present=False, reason="Typo"
        ),
        Attendance,
    )
    refused(
        "minutes_sealed",
        lambda: services.remove_attendance(actor=cycle.secretary, attendance=attendance, reason="Typo"),
        Attendance,
    )


# Drafting the approval from the next meeting's page


def test_the_next_meeting_drafts_the_procedural_approval(cycle):
    cycle.minute()
    decision = services.draft_minutes_approval(actor=cycle.secretary, meeting=cycle.next, minutes_of=cycle.meeting)
    assert decision.kind == DecisionKind.PROCEDURAL
    assert decision.status == Decision.Status.DRAFT
    assert decision.meeting == cycle.next
    assert decision.title == "Approve the minutes of the ALT meeting of 04/03/2021"


def test_the_approval_is_drafted_once(cycle):
    cycle.minute()
    services.draft_minutes_approval(actor=cycle.secretary, meeting=cycle.next, minutes_of=cycle.meeting)
    refused(
        "minutes_approval_drafted",
        lambda: services.draft_minutes_approval(actor=cycle.secretary, meeting=cycle.next, minutes_of=cycle.meeting),
        Decision,
    )


def test_a_meeting_approves_only_earlier_minutes(cycle):
    cycle.minute()
    refused(
        "minutes_approval_meeting",
        lambda: services.draft_minutes_approval(actor=cycle.secretary, meeting=cycle.meeting, minutes_of=cycle.next),
        Decision,
    )


def test_no_approval_is_drafted_of_minutes_not_written(cycle):
    refused(
        "minutes_missing",
        lambda: services.draft_minutes_approval(actor=cycle.secretary, meeting=cycle.next, minutes_of=cycle.meeting),
        Decision,
    )


def test_no_approval_is_drafted_of_approved_minutes(cycle):
    cycle.approve()
    refused(
        "minutes_sealed",
        lambda: services.draft_minutes_approval(actor=cycle.secretary, meeting=cycle.next, minutes_of=cycle.meeting),
        Decision,
    )


# Actions agreed at the meeting


def _owner(cycle):
    person = PersonFactory(name="Priya Owner")
    RoleAssignmentFactory(role=RoleFactory(alliance=cycle.scene.alliance), person=person)
    return person


def test_an_action_is_agreed_under_an_agenda_item(cycle):
    item = services.create_action_item(
        actor=cycle.secretary,
        agenda_item=cycle.first,
        title="Draft the outreach specification",
        due_on=date(2021, 4, 30),
        owner_person=_owner(cycle),
    )
    assert item.meeting == cycle.meeting
    assert item.decision is None
    assert item.body == cycle.scene.body
    assert item.source_label == "item 1 of the meeting of 04/03/2021"
    assert item.get_absolute_url().endswith(f"/meetings/{cycle.meeting.pk}/#action-{item.pk}")


def test_a_meeting_action_falls_due_after_the_meeting(cycle):
    refused(
        "action_due_before_meeting",
        lambda: services.create_action_item(
            actor=cycle.secretary,
            meeting=cycle.meeting,
            title="Report",
            due_on=date(2021, 3, 1),
            owner_person=_owner(cycle),
        ),
        ActionItem,
    )


def test_a_meeting_action_needs_the_meeting_held(cycle):
    refused(
        "action_meeting_not_held",
        lambda: services.create_action_item(
            actor=cycle.secretary,
            meeting=cycle.next,
            title="Report",
            due_on=date(2021, 5, 1),
            owner_person=_owner(cycle),
        ),
        ActionItem,
    )


def test_a_meeting_action_is_owned_within_the_alliance(cycle):
    refused(
        "action_person_elsewhere",
        lambda: services.create_action_item(
            actor=cycle.secretary,
            meeting=cycle.meeting,
            title="Report",
            due_on=date(2021, 5, 1),
            owner_person=PersonFactory(),
        ),
        ActionItem,
    )


def test_an_action_comes_from_a_decision_or_a_meeting(cycle):
    decision = cycle.approval()
    owner = _owner(cycle)
    for kwargs in ({}, {"decision": decision, "meeting": cycle.meeting}):
        refused(
            "action_source_required",
            lambda kwargs=kwargs: services.create_action_item(
                actor=cycle.secretary, title="Report", due_on=date(2021, 5, 1), owner_person=owner, **kwargs
            ),
            ActionItem,
        )


def test_an_agenda_item_of_another_meeting_is_refused(cycle):
    other = MinutesItemFactory(meeting=cycle.next, position=1)
    refused(
        "action_item_other_meeting",
        lambda: services.create_action_item(
            actor=cycle.secretary,
            meeting=cycle.meeting,
            agenda_item=other,
            title="Report",
            due_on=date(2021, 5, 1),
            owner_person=_owner(cycle),
        ),
        ActionItem,
    )


def test_no_action_is_added_to_sealed_minutes(cycle):
    cycle.approve()
    refused(
        "minutes_sealed",
        lambda: services.create_action_item(
            actor=cycle.secretary,
            meeting=cycle.meeting,
            title="Report",
            due_on=date(2021, 5, 1),
            owner_person=_owner(cycle),
        ),
        ActionItem,
    )


def test_a_meeting_action_is_completed_cancelled_and_reassigned(cycle):
    owner = _owner(cycle)
    item = services.create_action_item(
        actor=cycle.secretary, meeting=cycle.meeting, title="Report", due_on=date(2021, 5, 1), owner_person=owner
    )
    refused(
        "action_done_before_meeting",
        lambda: services.complete_action_item(actor=cycle.secretary, item=item, completed_on=date(2021, 3, 1)),
        ActionItem,
    )
    item = services.reassign_action_item(actor=cycle.secretary, item=item, owner_person=_owner(cycle))
    done = services.complete_action_item(actor=actor_for(item.owner_person), item=item, completed_on=date(2021, 4, 2))
    assert done.status == ActionItem.Status.DONE


def test_a_meeting_action_is_as_readable_as_its_meeting(cycle, stranger):
    from roles.access import access_for
    from tests.helpers import viewer_of

    item = services.create_action_item(
        actor=cycle.secretary,
        meeting=cycle.meeting,
        title="Report",
        due_on=date(2021, 5, 1),
        owner_person=_owner(cycle),
    )
    viewer = access_for(viewer_of(cycle.scene.alliance))
    assert list(ActionItem.objects.restrict(viewer)) == [item]
    assert viewer.can_read(item)
    assert not ActionItem.objects.restrict(access_for(stranger)).exists()


def test_an_action_on_a_confidential_decision_stays_confidential_at_its_meeting(cycle):
    from roles.access import access_for
    from tests.helpers import viewer_of

    decision = cycle.approval(visibility=Decision.Visibility.CONFIDENTIAL)
    item = ActionItem.objects.create(
        decision=decision, meeting=cycle.meeting, title="Secret", due_on=date(2021, 5, 1), owner_person=_owner(cycle)
    )
    viewer = access_for(viewer_of(cycle.scene.alliance))
    assert not ActionItem.objects.restrict(viewer).filter(pk=item.pk).exists()
    assert not viewer.can_read(item)
