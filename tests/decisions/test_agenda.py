"""The agenda services (decisions/services/agenda.py): building, ordering, withdrawing and publishing."""

from datetime import UTC, datetime, timedelta

import pytest

from alliance.errors import RuleViolation
from decisions import services
from decisions.models import AgendaItem, Decision, Meeting
from roles.standing import SYSTEM
from tests.factories import AwardProcessFactory, DecisionFactory, MeetingFactory, UserFactory
from tests.helpers import actor_for, refused

pytestmark = pytest.mark.django_db

MEETING_AT = datetime(2021, 3, 18, 10, 0, tzinfo=UTC)
EARLY = MEETING_AT - timedelta(days=10)
LATE = MEETING_AT - timedelta(days=2)
ROWS = (AgendaItem, Meeting)


@pytest.fixture
def meeting(scene):
    return MeetingFactory(body=scene.body, starts_at=MEETING_AT)


def add(meeting, title="Item", **kwargs):
    return services.add_agenda_item(actor=SYSTEM, meeting=meeting, title=title, **kwargs)


def positions(meeting):
    return list(AgendaItem.objects.filter(meeting=meeting).order_by("position").values_list("title", "position"))


def publish(meeting, now=EARLY):
    return services.publish_agenda(actor=SYSTEM, meeting=meeting, now=now)


# Adding


def test_items_are_added_at_the_end(meeting):
    add(meeting, "Apologies")
    add(meeting, "Outreach redesign", purpose="decision")
    assert positions(meeting) == [("Apologies", 1), ("Outreach redesign", 2)]


def test_an_item_added_at_a_position_moves_the_later_ones_down(meeting):
    add(meeting, "A")
    add(meeting, "B")
    add(meeting, "C", position=1)
    assert positions(meeting) == [("C", 1), ("A", 2), ("B", 3)]
    assert AgendaItem.history.filter(history_change_reason="Renumbered from 1 to 2").exists()


def test_a_position_past_the_end_is_refused(meeting):
    add(meeting, "A")
    refused("agenda_position", lambda: add(meeting, "B", position=3), *ROWS)


def test_an_item_needs_a_title(meeting):
    refused("agenda_title_required", lambda: add(meeting, "  "), *ROWS)


def test_a_duration_of_no_minutes_is_refused(meeting):
    refused("agenda_duration", lambda: add(meeting, "A", duration_minutes=0), *ROWS)


def test_only_the_bodys_secretary_builds_the_agenda(scene, meeting):
    outsider = actor_for(UserFactory())
    error = refused(
        "not_permitted",
        lambda: services.add_agenda_item(actor=outsider, meeting=meeting, title="A"),
        *ROWS,
    )
    assert error.forbidden
    secretary = actor_for(scene.secretary, on=MEETING_AT.date())
    assert services.add_agenda_item(actor=secretary, meeting=meeting, title="A").position == 1


def test_an_item_brings_a_decision_of_the_same_body(scene, meeting):
    decision = scene.draft()
    item = add(meeting, "Outreach", purpose="decision", decision=decision)
    assert item.decision == decision


def test_a_decision_of_another_body_is_refused(scene, meeting):
    from tests.factories import GoverningBodyFactory

    other = DecisionFactory(body=GoverningBodyFactory(alliance=scene.alliance, code="OG", name="Oversight Group"))
    error = refused("agenda_decision_other_body", lambda: add(meeting, "X", decision=other), *ROWS)
    assert error.field == "decision"


def test_a_decision_of_another_alliance_is_refused_without_naming_it(meeting):
    other = DecisionFactory(title="Secret of another alliance")
    error = refused("agenda_decision_other_alliance", lambda: add(meeting, "X", decision=other), *ROWS)
    assert "Secret" not in error.message


def test_a_sealed_decision_comes_for_information_only(scene, meeting):
    sealed = DecisionFactory(body=scene.body, status=Decision.Status.AGREED, reference="ALT-2021-001")
    refused("agenda_decision_sealed", lambda: add(meeting, "X", purpose="decision", decision=sealed), *ROWS)
    assert add(meeting, "X", purpose="information", decision=sealed).decision == sealed


def test_an_item_bringing_a_sealed_decision_for_information_still_takes_its_papers(scene, meeting):
    """The item's papers are the meeting's (sealed with its minutes); the decision's own papers are sealed with it."""
    from alliance import documents
    from alliance.document_models import Document
    from tests.factories import upload

    sealed = DecisionFactory(body=scene.body, status=Decision.Status.AGREED, reference="ALT-2021-001")
    item = add(meeting, "What the decision changed", purpose="information", decision=sealed)
    paper = documents.file_document(actor=SYSTEM, owner=item, title="Lessons paper", kind="paper", upload=upload())
    assert paper.owner == item and Document.objects.filter(pk=paper.pk).exists()
    refused(
        "documents_sealed",
        lambda: documents.file_document(actor=SYSTEM, owner=sealed, title="Late", kind="paper", upload=upload()),
        Document,
    )


def test_an_award_process_of_another_alliance_is_refused(scene, meeting):
    refused("agenda_award_other_alliance", lambda: add(meeting, "X", award_process=AwardProcessFactory()), *ROWS)


def test_an_award_process_of_the_alliance_is_brought(award):
    meeting = MeetingFactory(body=award.scene.body, starts_at=MEETING_AT)
    process = award.process()
    assert add(meeting, "Award", purpose="decision", award_process=process).award_process == process


def test_a_cancelled_meetings_agenda_does_not_change(meeting):
    meeting.status = Meeting.Status.CANCELLED
    meeting.save()
    refused("meeting_cancelled", lambda: add(meeting, "A"), *ROWS)


def test_a_held_meetings_agenda_does_not_change(meeting):
    item = add(meeting, "A")
    meeting.status = Meeting.Status.HELD
    meeting.save()
    refused("agenda_meeting_held", lambda: add(meeting, "B"), *ROWS)
    refused("agenda_meeting_held", lambda: services.update_agenda_item(actor=SYSTEM, item=item, title="B"), *ROWS)
    refused("agenda_meeting_held", lambda: services.withdraw_agenda_item(actor=SYSTEM, item=item), *ROWS)


# Changing and moving


def test_an_item_is_changed_unmarked_before_publishing(meeting):
    item = add(meeting, "A")
    item = services.update_agenda_item(actor=SYSTEM, item=item, title="Apologies", duration_minutes=5)
    assert (item.title, item.duration_minutes, item.changed_after_publishing_at) == ("Apologies", 5, None)


def test_moving_up_and_down_keeps_positions_without_gaps(meeting):
    a, b, c = add(meeting, "A"), add(meeting, "B"), add(meeting, "C")
    services.move_agenda_item(actor=SYSTEM, item=c, direction="up")
    assert positions(meeting) == [("A", 1), ("C", 2), ("B", 3)]
    services.move_agenda_item(actor=SYSTEM, item=a, direction="down")
    assert positions(meeting) == [("C", 1), ("A", 2), ("B", 3)]
    services.move_agenda_item(actor=SYSTEM, item=b, to_position=1)
    assert positions(meeting) == [("B", 1), ("C", 2), ("A", 3)]
    services.move_agenda_item(actor=SYSTEM, item=AgendaItem.objects.get(pk=b.pk), to_position=3)
    assert positions(meeting) == [("C", 1), ("A", 2), ("B", 3)]


def test_the_first_item_cannot_move_up(meeting):
    a = add(meeting, "A")
    add(meeting, "B")
    error = refused(
        "agenda_move_out_of_range", lambda: services.move_agenda_item(actor=SYSTEM, item=a, direction="up"), *ROWS
    )
    assert "already first" in error.message


def test_a_move_past_the_end_is_refused(meeting):
    a = add(meeting, "A")
    refused("agenda_move_out_of_range", lambda: services.move_agenda_item(actor=SYSTEM, item=a, to_position=2), *ROWS)


def test_a_move_needs_a_direction(meeting):
    a = add(meeting, "A")
    refused(
        "agenda_move_direction", lambda: services.move_agenda_item(actor=SYSTEM, item=a, direction="sideways"), *ROWS
    )


# Withdrawing


def test_before_publishing_an_item_is_removed_and_the_rest_close_up(meeting):
    add(meeting, "A")
    b = add(meeting, "B")
    add(meeting, "C")
    services.withdraw_agenda_item(actor=SYSTEM, item=b)
    assert positions(meeting) == [("A", 1), ("C", 2)]
    assert AgendaItem.history.filter(history_change_reason="Removed before publishing").exists()


def test_after_publishing_an_item_is_kept_withdrawn_with_a_note(meeting):
    a = add(meeting, "A")
    add(meeting, "B")
    publish(meeting)
    refused("agenda_change_note_required", lambda: services.withdraw_agenda_item(actor=SYSTEM, item=a), *ROWS)
    services.withdraw_agenda_item(actor=SYSTEM, item=a, change_note="The paper is not ready.", now=LATE)
    a.refresh_from_db()
    assert (a.status, a.position, a.change_note, a.changed_after_publishing_at) == (
        AgendaItem.Status.WITHDRAWN,
        1,
        "The paper is not ready.",
        LATE,
    )
    refused(
        "agenda_item_withdrawn", lambda: services.withdraw_agenda_item(actor=SYSTEM, item=a, change_note="x"), *ROWS
    )
    refused(
        "agenda_item_withdrawn",
        lambda: services.update_agenda_item(actor=SYSTEM, item=a, title="Y", change_note="x"),
        *ROWS,
    )


# Publishing


def test_publishing_sets_the_moment_and_says_it_was_on_time(meeting):
    add(meeting, "A")
    notice = publish(meeting, EARLY)
    meeting.refresh_from_db()
    assert meeting.agenda_published_at == EARLY
    assert not notice.late
    assert meeting.history.first().history_change_reason.startswith("Agenda published (on time")


def test_a_late_agenda_is_published_with_a_warning_recorded(meeting):
    add(meeting, "A")
    notice = publish(meeting, LATE)
    meeting.refresh_from_db()
    assert meeting.agenda_published_at == LATE
    assert notice.late and "Late" in notice.sentence
    assert meeting.history.first().history_change_reason.startswith("Agenda published (late")


def test_an_empty_agenda_is_not_published(meeting):
    refused("agenda_empty", lambda: publish(meeting), *ROWS)


def test_an_agenda_is_published_once(meeting):
    add(meeting, "A")
    publish(meeting)
    refused("agenda_already_published", lambda: publish(meeting), *ROWS)


def test_a_cancelled_meetings_agenda_is_not_published(meeting):
    add(meeting, "A")
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.CANCELLED)
    refused("meeting_cancelled", lambda: publish(meeting), *ROWS)


def test_a_held_meetings_agenda_is_not_published(meeting):
    add(meeting, "A")
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.HELD)
    refused("agenda_meeting_held", lambda: publish(meeting), *ROWS)


def test_only_the_secretary_publishes(meeting):
    add(meeting, "A")
    with pytest.raises(RuleViolation) as info:
        services.publish_agenda(actor=actor_for(UserFactory()), meeting=meeting)
    assert info.value.forbidden
    meeting.refresh_from_db()
    assert meeting.agenda_published_at is None


# After publishing, every change is marked


def test_after_publishing_an_addition_needs_a_note_and_is_marked(meeting):
    add(meeting, "A")
    publish(meeting)
    error = refused("agenda_change_note_required", lambda: add(meeting, "B"), *ROWS)
    assert "members were already sent the agenda" in error.message
    item = add(meeting, "B", change_note="Added at the chair's request.", now=LATE)
    assert item.changed_after_publishing_at == LATE and item.change_note == "Added at the chair's request."


def test_after_publishing_a_change_is_marked(meeting):
    item = add(meeting, "A")
    publish(meeting)
    refused(
        "agenda_change_note_required", lambda: services.update_agenda_item(actor=SYSTEM, item=item, title="B"), *ROWS
    )
    item = services.update_agenda_item(actor=SYSTEM, item=item, title="B", change_note="Retitled.", now=LATE)
    assert item.changed_after_publishing_at == LATE


def test_after_publishing_a_move_is_marked(meeting):
    add(meeting, "A")
    b = add(meeting, "B")
    publish(meeting)
    refused(
        "agenda_change_note_required", lambda: services.move_agenda_item(actor=SYSTEM, item=b, direction="up"), *ROWS
    )
    b = services.move_agenda_item(actor=SYSTEM, item=b, direction="up", change_note="Taken first.", now=LATE)
    assert (b.position, b.changed_after_publishing_at) == (1, LATE)


def test_notice_is_computed_from_the_bodys_notice_days(meeting):
    meeting.body.agenda_notice_days = 7
    assert not services.agenda_notice(meeting, MEETING_AT - timedelta(days=7)).late
    assert services.agenda_notice(meeting, MEETING_AT - timedelta(days=6)).late
