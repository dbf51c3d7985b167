"""The delivery warnings (issue 21, part 4): the queries, the services of the decision on a contract's future,
and the notifications, each rule with its allowed case and each refusal (nothing written)."""

from datetime import date, datetime, time, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from alliance.models import ForwardPlanEntry, Notification, NotificationKind
from contracts import services
from contracts.models import Contract
from contracts.queries_warnings import (
    contracts_ending_without_decision,
    decision_due_on,
    milestones_past_due,
    notice_starts_on,
    returns_missing,
)
from decisions.models import Decision, Meeting
from roles.standing import SYSTEM
from tests.contracts.warning_scene import make_warning_scene
from tests.factories import DecisionFactory, MeasureReturnFactory, MeetingFactory
from tests.helpers import actor_for, refused_watching

pytestmark = pytest.mark.django_db

refused = refused_watching(Contract, ForwardPlanEntry)


@pytest.fixture
def scene():
    return make_warning_scene()


def send(on: date, hour: int = 8):
    moment = timezone.make_aware(datetime.combine(on, time(hour, 0)))
    call_command("send_notifications", "--now", moment.isoformat(), stdout=None)


def told(kind) -> set[str]:
    return set(Notification.objects.filter(kind=kind).values_list("recipient_email", flat=True))


# The notice period ----------------------------------------------------------------------------------------


def test_notice_period_starts_nine_months_before_the_end_and_the_decision_is_due_six():
    assert notice_starts_on(date(2024, 3, 31)) == date(2023, 6, 30)
    assert decision_due_on(date(2024, 3, 31)) == date(2023, 9, 30)


def test_the_notice_period_follows_the_setting(settings):
    settings.CONTRACT_NOTICE_MONTHS = 12
    assert notice_starts_on(date(2024, 3, 31)) == date(2023, 3, 31)


def test_contracts_in_notice_without_decision_are_listed_soonest_end_first(scene):
    rows = contracts_ending_without_decision(scene.alliance, actor_for(scene.overseer), scene.today)
    assert [r.contract for r in rows] == [scene.contract]  # not the later one, nor the decided one
    row = rows[0]
    assert row.days_left == 100 and row.decision_due_on == decision_due_on(scene.contract.ends_on)
    assert row.overdue and row.entry is None  # 100 days left: the 6 months' notice has passed


def test_an_ended_contract_is_not_warned_of(scene):
    Contract.objects.filter(pk=scene.contract.pk).update(status=Contract.Status.ENDED)
    assert contracts_ending_without_decision(scene.alliance, None, scene.today) == []


def test_a_contract_past_its_end_is_not_in_notice(scene):
    assert contracts_ending_without_decision(scene.alliance, None, scene.contract.ends_on + timedelta(days=1)) == []


def test_contracts_of_another_alliance_are_not_read(scene):
    rows = contracts_ending_without_decision(None, actor_for(scene.other_secretary), scene.today)
    assert [r.contract for r in rows] == [scene.other_contract]


def test_milestones_past_due_only_of_workstreams_being_delivered(scene):
    rows = milestones_past_due(scene.alliance, actor_for(scene.rep), scene.today)
    assert [r.milestone for r in rows] == [scene.milestone]
    assert rows[0].days_late == 2 and rows[0].slippage_days == 30
    scene.workstream.status = "completed"
    scene.workstream.save()
    assert milestones_past_due(scene.alliance, None, scene.today) == []


def test_an_achieved_milestone_is_not_past_due(scene):
    scene.milestone.actual_on = scene.today - timedelta(days=1)
    scene.milestone.rag = "complete"
    scene.milestone.save()
    assert milestones_past_due(scene.alliance, None, scene.today) == []


def test_a_missing_return_is_listed_until_entered(scene):
    rows = returns_missing(scene.alliance, actor_for(scene.rep), scene.today)
    assert [(r.measure, r.days_late) for r in rows] == [(scene.measure, 3)]
    period = rows[0].period
    MeasureReturnFactory(measure=scene.measure, period_start=period.start, period_end=period.end, due_on=period.due_on)
    assert returns_missing(scene.alliance, None, scene.today) == []


def test_a_confidential_measure_is_not_read_by_an_advisory_members_representative(scene):
    scene.measure.visibility = Decision.Visibility.CONFIDENTIAL
    scene.measure.save()
    assert returns_missing(scene.alliance, actor_for(scene.adviser), scene.today) == []
    assert len(returns_missing(scene.alliance, actor_for(scene.overseer), scene.today)) == 1


def test_the_queries_take_a_fixed_number_of_queries(scene, django_assert_max_num_queries):
    access = actor_for(scene.overseer)
    for _ in range(5):
        make_warning_scene(prefix=f"X{_}")
    with django_assert_max_num_queries(2):
        contracts_ending_without_decision(None, access, scene.today)
    with django_assert_max_num_queries(1):
        milestones_past_due(None, access, scene.today)
    with django_assert_max_num_queries(2):
        returns_missing(None, access, scene.today)


# Announcing the decision due on the forward plan -------------------------------------------------------


def test_announcing_publishes_the_decision_due_once_and_links_it(scene):
    entry = services.announce_future_decision(actor=SYSTEM, contract=scene.contract, on=scene.today)
    assert entry.title == f"Decision on the future of {scene.contract}"
    assert entry.published and entry.status == ForwardPlanEntry.Status.PLANNED and entry.kind == "KEY"
    assert entry.body == scene.body
    assert (entry.contact_name, entry.contact_email) == (scene.secretary.name, scene.secretary.email)
    assert entry.expected_on == scene.today  # the notice deadline has passed: the decision is due now
    scene.contract.refresh_from_db()
    assert scene.contract.forward_plan_entry == entry
    again = services.announce_future_decision(actor=SYSTEM, contract=scene.contract, on=scene.today)
    assert again == entry and ForwardPlanEntry.objects.count() == 1


def test_the_decision_is_expected_at_the_next_leadership_meeting_before_the_deadline(scene):
    on = notice_starts_on(scene.contract.ends_on) + timedelta(days=1)
    meeting = MeetingFactory(
        body=scene.body,
        status=Meeting.Status.SCHEDULED,
        starts_at=timezone.make_aware(datetime.combine(on + timedelta(days=20), time(10, 0))),
    )
    entry = services.announce_future_decision(actor=SYSTEM, contract=scene.contract, on=on)
    assert entry.expected_on == timezone.localdate(meeting.starts_at)


def test_without_a_meeting_the_decision_is_expected_by_the_deadline(scene):
    on = notice_starts_on(scene.contract.ends_on) + timedelta(days=1)
    entry = services.announce_future_decision(actor=SYSTEM, contract=scene.contract, on=on)
    assert entry.expected_on == decision_due_on(scene.contract.ends_on)


def test_a_contract_not_yet_in_notice_is_not_announced(scene):
    refused(
        "contract_not_in_notice", services.announce_future_decision, actor=SYSTEM, contract=scene.later, on=scene.today
    )


def test_a_contract_whose_future_is_decided_is_not_announced(scene):
    error = refused(
        "contract_not_in_notice",
        services.announce_future_decision,
        actor=SYSTEM,
        contract=scene.decided,
        on=scene.today,
    )
    assert "already decided" in error.message


def test_only_a_secretary_announces(scene):
    refused(
        "not_permitted",
        services.announce_future_decision,
        actor=actor_for(scene.rep),
        contract=scene.contract,
        on=scene.today,
    )


def test_with_no_secretary_to_contact_the_entry_stays_unpublished(scene):
    for assignment in scene.secretary.assignments.all():
        assignment.ends_on = scene.today - timedelta(days=1)
        assignment.save()
    entry = services.announce_future_decision(actor=SYSTEM, contract=scene.contract, on=scene.today)
    assert not entry.published


# Recording the decision on a contract's future ------------------------------------------------------------


def test_the_secretary_records_the_decision_and_the_forward_plan_shows_it_taken(scene):
    entry = services.announce_future_decision(actor=SYSTEM, contract=scene.contract, on=scene.today)
    contract = services.record_future_decision(
        actor=actor_for(scene.secretary), contract=scene.contract, decision=scene.agreed
    )
    assert contract.future_decision == scene.agreed
    entry.refresh_from_db()
    assert entry.status == ForwardPlanEntry.Status.TAKEN and entry.reference == "ALT-2023-001"
    assert contract.history.first().history_change_reason == "The decision on its future: ALT-2023-001"
    assert contracts_ending_without_decision(scene.alliance, None, scene.today) == []


def test_a_decision_recorded_before_any_announcement_needs_no_entry(scene):
    services.record_future_decision(actor=actor_for(scene.secretary), contract=scene.contract, decision=scene.agreed)
    assert not ForwardPlanEntry.objects.exists()


def test_a_representative_cannot_record_the_decision(scene):
    refused(
        "not_permitted",
        services.record_future_decision,
        actor=actor_for(scene.rep),
        contract=scene.contract,
        decision=scene.agreed,
    )


@pytest.mark.parametrize("status", [Decision.Status.DRAFT, Decision.Status.OPEN, Decision.Status.NOT_AGREED])
def test_only_an_agreed_decision_settles_the_future(scene, status):
    decision = DecisionFactory(body=scene.body, status=status)
    error = refused(
        "future_decision_not_agreed",
        services.record_future_decision,
        actor=actor_for(scene.secretary),
        contract=scene.contract,
        decision=decision,
    )
    assert error.field == "decision" and "only an agreed decision" in error.message


def test_a_decision_of_another_alliance_is_refused(scene):
    theirs = DecisionFactory(body__alliance=scene.other, status=Decision.Status.AGREED, reference="NLT-2023-001")
    refused(
        "future_decision_other_alliance",
        services.record_future_decision,
        actor=SYSTEM,
        contract=scene.contract,
        decision=theirs,
    )


def test_an_ended_contract_takes_no_decision_on_its_future(scene):
    Contract.objects.filter(pk=scene.contract.pk).update(status=Contract.Status.ENDED)
    refused(
        "future_decision_contract_ended",
        services.record_future_decision,
        actor=actor_for(scene.secretary),
        contract=scene.contract,
        decision=scene.agreed,
    )


def test_the_same_decision_is_not_recorded_twice(scene):
    refused(
        "future_decision_already_recorded",
        services.record_future_decision,
        actor=actor_for(scene.secretary),
        contract=scene.decided,
        decision=scene.decided.future_decision,
    )


def test_a_later_decision_replaces_the_recorded_one_only_when_it_amends_or_supersedes_it(scene):
    refused(
        "future_decision_not_a_change",
        services.record_future_decision,
        actor=actor_for(scene.secretary),
        contract=scene.decided,
        decision=scene.agreed,
    )
    change = DecisionFactory(
        body=scene.body,
        status=Decision.Status.AGREED,
        reference="ALT-2023-002",
        supersedes=scene.decided.future_decision,
    )
    contract = services.record_future_decision(
        actor=actor_for(scene.secretary), contract=scene.decided, decision=change
    )
    assert contract.future_decision == change


# The notifications ----------------------------------------------------------------------------------------


def test_a_contract_in_notice_warns_its_owners_and_oversight_once(scene, mailoutbox):
    send(scene.today)
    send(scene.today, hour=9)
    emails = {scene.rep.email, scene.secretary.email, scene.overseer.email}
    assert told(NotificationKind.CONTRACT_NOTICE) >= emails
    sent = [m for m in mailoutbox if scene.contract.title in m.subject]
    assert sorted(m.to[0] for m in sent) == sorted(emails)
    body = sent[0].body
    assert "no decision on its future" in body and "Please put the decision to the alliance" in body
    assert f"/alliances/harbour/warnings/?on={scene.today:%Y-%m-%d}#contract-{scene.contract.pk}" in body


def test_the_command_announces_the_decision_due_on_the_forward_plan(scene):
    send(scene.today)
    scene.contract.refresh_from_db()
    entry = scene.contract.forward_plan_entry
    assert entry is not None and entry.published
    send(scene.today, hour=9)
    assert ForwardPlanEntry.objects.filter(alliance=scene.alliance).count() == 1


def test_the_other_alliance_hears_only_of_its_own_contract(scene):
    send(scene.today)
    mine = set(
        Notification.objects.filter(kind=NotificationKind.CONTRACT_NOTICE, alliance=scene.other).values_list(
            "recipient_email", flat=True
        )
    )
    assert mine == {scene.other_secretary.email, scene.other_overseer.email}
    ours = Notification.objects.filter(alliance=scene.alliance).values_list("recipient_email", flat=True)
    assert not {scene.other_secretary.email, scene.other_overseer.email} & set(ours)


def test_a_decided_contract_and_one_not_yet_in_notice_warn_nobody(scene):
    send(scene.today)
    keys = set(Notification.objects.filter(kind=NotificationKind.CONTRACT_NOTICE).values_list("event_key", flat=True))
    assert f"contract-notice:{scene.later.pk}:{scene.later.ends_on:%Y-%m-%d}" not in keys
    assert not any(key.startswith(f"contract-notice:{scene.decided.pk}:") for key in keys)


def test_a_new_term_is_a_new_warning(scene):
    send(scene.today)
    Contract.objects.filter(pk=scene.contract.pk).update(ends_on=scene.contract.ends_on + timedelta(days=30))
    send(scene.today, hour=9)
    keys = Notification.objects.filter(
        kind=NotificationKind.CONTRACT_NOTICE, recipient_email=scene.overseer.email, alliance=scene.alliance
    )
    assert keys.count() == 2


def test_a_retained_contract_warns_the_commissioners_representatives(scene):
    from roles.models import Role
    from tests.contracts.warning_scene import person
    from tests.factories import MembershipFactory, RoleFactory

    MembershipFactory(alliance=scene.alliance, organisation=scene.alliance.commissioner)
    commissioner = person(
        "Cora Commissioner",
        RoleFactory(
            alliance=scene.alliance, kind=Role.Kind.MEMBER_REPRESENTATIVE, organisation=scene.alliance.commissioner
        ),
        scene.today - timedelta(days=100),
    )
    Contract.objects.filter(pk=scene.contract.pk).update(in_scope=False)
    send(scene.today)
    assert commissioner.email in told(NotificationKind.CONTRACT_NOTICE)


def test_a_contract_of_a_confidential_award_is_not_told_to_those_who_cannot_read_it(scene):
    from tests.factories import AwardProcessFactory

    process = AwardProcessFactory(policy__alliance=scene.alliance, visibility=Decision.Visibility.CONFIDENTIAL)
    Contract.objects.filter(pk=scene.contract.pk).update(awarded_through=process)
    # The provider's representative represents a voting member: a confidential reader. The adviser's
    # organisation becomes the provider: an advisory member's representative is not.
    Contract.objects.filter(pk=scene.contract.pk).update(provider=scene.advisory_membership.organisation)
    send(scene.today)
    emails = told(NotificationKind.CONTRACT_NOTICE)
    assert scene.adviser.email not in emails
    assert {scene.secretary.email, scene.overseer.email} <= emails
    scene.contract.refresh_from_db()
    assert not scene.contract.forward_plan_entry.published  # a confidential award's contract is not announced


def test_a_milestone_past_due_warns_the_owner_roles_holder_and_oversight_once(scene, mailoutbox):
    send(scene.today)
    send(scene.today, hour=9)
    assert told(NotificationKind.MILESTONE_PAST_DUE) == {scene.director.email, scene.overseer.email}
    sent = [m for m in mailoutbox if m.subject.startswith("Milestone past due")]
    assert len(sent) == 2 and "30 days behind its baseline" in sent[0].body


def test_a_milestone_past_due_long_ago_is_not_announced(scene):
    scene.milestone.target_on = scene.today - timedelta(days=20)
    scene.milestone.save()
    send(scene.today)
    assert not told(NotificationKind.MILESTONE_PAST_DUE)


def test_a_confidential_milestone_is_not_told_to_an_owner_who_cannot_read_it(scene):
    scene.workstream.visibility = Decision.Visibility.CONFIDENTIAL
    scene.workstream.save()
    send(scene.today)
    assert told(NotificationKind.MILESTONE_PAST_DUE) == {scene.overseer.email}  # a director reads members' level


def test_a_missing_return_warns_the_reporting_representative_and_oversight_once(scene, mailoutbox):
    send(scene.today)
    send(scene.today, hour=9)
    assert told(NotificationKind.RETURN_MISSING) == {scene.rep.email, scene.overseer.email}
    assert len([m for m in mailoutbox if m.subject.startswith("Return missing")]) == 2


def test_a_return_entered_warns_nobody(scene):
    period = scene.measure.periods_due_by(scene.today)[0]
    MeasureReturnFactory(measure=scene.measure, period_start=period.start, period_end=period.end, due_on=period.due_on)
    send(scene.today)
    assert not told(NotificationKind.RETURN_MISSING)


def test_a_confidential_measure_is_not_told_to_an_advisory_reporter(scene):
    scene.measure.visibility = Decision.Visibility.CONFIDENTIAL
    scene.measure.reported_by = scene.advisory_membership.organisation
    scene.measure.save()
    send(scene.today)
    assert told(NotificationKind.RETURN_MISSING) == {scene.overseer.email}


def test_a_measure_with_no_reporter_warns_the_secretary(scene):
    scene.measure.reported_by = None
    scene.measure.save()
    send(scene.today)
    assert told(NotificationKind.RETURN_MISSING) == {scene.secretary.email, scene.overseer.email}
