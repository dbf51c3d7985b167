"""What award processes and delivery tell people: the oversight group hears of every award approved, so that
it can audit the decision while it is fresh (DESIGN.md "Notifications"); and the warnings of delivery
oversight (issue 21, part 4) go to their owners and the Oversight Group. Producers for
alliance.notifications, registered in the registry (alliance.registry)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from alliance.access import can_read
from alliance.formatting import day
from alliance.models import NotificationKind
from alliance.notifications import Planned, absolute_url
from alliance.registry import register
from contracts.delivery_models import Milestone
from contracts.measure_models import Measure
from contracts.models import AwardProcess, Contract, StageTransition
from contracts.queries_warnings import contracts_ending_without_decision, milestones_past_due, returns_missing
from contracts.services.futures import announce_future_decision
from decisions.notifications import people_holding, planned_for_each
from roles.access import access_of_person
from roles.models import Person, Role, RoleAssignment
from roles.notifications import oversight_recipients
from roles.queries import representatives_on
from roles.standing import SYSTEM


@register("notification_producers")
def award_approved(now: datetime) -> Iterator[Planned]:
    """An award approved: every oversight group member on the day of approval is asked to audit it."""
    approvals = (
        StageTransition.objects.filter(
            to_stage=AwardProcess.Stage.APPROVED,
            at__gte=now - timedelta(days=settings.NOTIFY_LOOKBACK_DAYS),
            at__lte=now,
        )
        .select_related("process__alliance", "process__approval_decision", "process__recommended_submission__bidder")
        .order_by("at", "pk")
    )
    for transition in approvals:
        process = transition.process
        on = timezone.localtime(transition.at).date()
        oversight = RoleAssignment.objects.held_on(on).filter(
            role__alliance_id=process.alliance_id, role__kind=Role.Kind.OVERSIGHT_MEMBER
        )
        submission = process.recommended_submission
        to = f" to {submission.bidder} at £{submission.price:,.2f}" if submission else ""
        decision = process.approval_decision
        by = f" by {decision.reference}" if decision and decision.reference else ""
        yield from planned_for_each(
            people_holding(oversight),
            alliance=process.alliance,
            kind=NotificationKind.AWARD_APPROVED,
            event_key=f"award-approved:{process.pk}",
            subject=f"Award approved: {process.reference} {process.title}",
            body=f"{process.reference} '{process.title}' ({process.get_route_display().lower()}) was approved"
            f"{to}{by} on {day(on)}. As a member of the oversight group, please review its audit trail: "
            "the route, submissions, scores, recusals and the approval vote.",
            url=absolute_url(process.get_absolute_url()),
            due_at=now,
        )


from contracts import query_notifications  # noqa: E402, F401  (oversight's formal queries)

# The warnings of delivery oversight (issue 21, part 4) --------------------------------------------------
#
# Each warning goes to the record's owner and to the Oversight Group (roles.notifications.oversight_recipients:
# its members, seats and oversight grants). An owner is told only of a record they may read (the one read
# rule, applied to each person's standing on the day: roles.access.access_of_person); oversight reads every
# record of its alliance. Each occurrence is told once: the event key names the record and the date that
# makes it (the contract's end, the milestone's target, the return's period), so a new term, a moved target
# or the next period is a new warning.


def _warnings_url(alliance, on, anchor: str) -> str:
    """The warnings page as of the day the warning was planned (the row is there, whenever it is opened)."""
    path = reverse("delivery-warnings", kwargs={"slug": alliance.slug})
    return absolute_url(f"{path}?on={on:%Y-%m-%d}#{anchor}")


def _readers(people, record, on) -> list[Person]:
    """Those of ``people`` who may read ``record`` on ``on``, once each, by name."""
    found = {p.pk: p for p in people if can_read(access_of_person(p, on), record)}
    return sorted(found.values(), key=lambda p: (p.name, p.pk))


def _warn(owners: list[Person], alliance, on, **message) -> Iterator[Planned]:
    """The message to each owner, then to each of the alliance's oversight on ``on``."""
    yield from planned_for_each(owners, alliance=alliance, **message)
    for email, name, user_id in oversight_recipients(alliance, on):
        yield Planned(alliance=alliance, recipient_email=email, recipient_name=name, recipient_user=user_id, **message)


def contract_owners(contract: Contract, on) -> list[Person]:
    """Who owns a contract's future: its provider's representatives in the alliance (the provider lives with the
    decision), the commissioner's when the commissioner retained the contract, and the alliance's secretaries
    (who put the decision to the alliance and record it)."""
    people = list(representatives_on(on=on, alliance=contract.alliance, organisation=contract.provider))
    commissioner = contract.alliance.commissioner_id
    if not contract.in_scope and commissioner:
        people += representatives_on(on=on, alliance=contract.alliance, organisation=contract.alliance.commissioner)
    people += people_holding(
        RoleAssignment.objects.held_on(on).filter(
            role__alliance_id=contract.alliance_id, role__kind=Role.Kind.SECRETARY
        )
    )
    return _readers(people, contract, on)


@register("notification_producers")
def contract_notice(now: datetime) -> Iterator[Planned]:
    """A contract in its notice period with no decision on its future: its owners and oversight are warned, and
    the forward plan announces the decision due (once: contracts.services.announce_future_decision)."""
    today = timezone.localtime(now).date()
    for warning in contracts_ending_without_decision(None, None, today):
        contract = warning.contract
        entry = warning.entry or announce_future_decision(actor=SYSTEM, contract=contract, on=today)
        plan = (
            f" The forward plan {'shows' if entry.published else 'holds (unpublished)'} '{entry.title}', expected "
            f"{day(entry.expected_on)}."
        )
        yield from _warn(
            contract_owners(contract, today),
            contract.alliance,
            today,
            kind=NotificationKind.CONTRACT_NOTICE,
            event_key=f"contract-notice:{contract.pk}:{contract.ends_on:%Y-%m-%d}",
            subject=f"No decision yet on the future of {contract}, ending {day(contract.ends_on)}",
            body=f"{contract} ends on {day(contract.ends_on)}: it entered its notice period on "
            f"{day(warning.notice_starts_on)} and no decision on its future (extend it, award it again or let it "
            f"end) is recorded. The decision is due by {day(warning.decision_due_on)}, so that its provider has "
            f"{settings.CONTRACT_DECISION_DUE_MONTHS} months' notice.{plan} Please put the decision to the alliance "
            "and, once it is agreed, ask the secretary to record it on the contract.",
            url=_warnings_url(contract.alliance, today, f"contract-{contract.pk}"),
            due_at=now,
        )


def milestone_owners(milestone: Milestone, on) -> list[Person]:
    """The holders of the workstream's owner role on ``on`` (or, with no owner role, the alliance's
    secretaries), as far as they may read the milestone."""
    workstream = milestone.workstream
    held = RoleAssignment.objects.held_on(on)
    if workstream.owner_role_id:
        held = held.filter(role_id=workstream.owner_role_id)
    else:
        held = held.filter(role__alliance_id=workstream.alliance_id, role__kind=Role.Kind.SECRETARY)
    return _readers(people_holding(held), milestone, on)


@register("notification_producers")
def milestone_past_due(now: datetime) -> Iterator[Planned]:
    """A milestone past its target (past due within NOTIFY_LOOKBACK_DAYS): the holder of its workstream's owner
    role on the day it fell due, and oversight."""
    today = timezone.localtime(now).date()
    since = today - timedelta(days=settings.NOTIFY_LOOKBACK_DAYS)
    for warning in milestones_past_due(None, None, today):
        if warning.past_due_on < since:
            continue
        milestone = warning.milestone
        workstream = milestone.workstream
        yield from _warn(
            milestone_owners(milestone, warning.past_due_on),
            workstream.alliance,
            warning.past_due_on,
            kind=NotificationKind.MILESTONE_PAST_DUE,
            event_key=f"milestone-past-due:{milestone.pk}:{milestone.target_on:%Y-%m-%d}",
            subject=f"Milestone past due: {milestone.title} ({workstream})",
            body=f"The milestone '{milestone.title}' of {workstream} was due {day(milestone.target_on)} and is not "
            f"recorded as achieved ({warning.slippage_days} days behind its baseline of "
            f"{day(milestone.baseline_target_on)}). Please record its status with the reason, and the date it was "
            "achieved; a new target is set by a decision of the alliance.",
            url=_warnings_url(workstream.alliance, today, f"milestone-{milestone.pk}"),
            due_at=now,
        )


def return_owners(measure: Measure, on) -> list[Person]:
    """The representatives of the reporting organisation on ``on`` (or, with none named, the alliance's
    secretaries, who may enter a return too), as far as they may read the measure."""
    if measure.reported_by_id:
        people = representatives_on(on=on, alliance=measure.alliance, organisation=measure.reported_by)
    else:
        people = people_holding(
            RoleAssignment.objects.held_on(on).filter(
                role__alliance_id=measure.alliance_id, role__kind=Role.Kind.SECRETARY
            )
        )
    return _readers(people, measure, on)


@register("notification_producers")
def return_missing(now: datetime) -> Iterator[Planned]:
    """A return due (within NOTIFY_LOOKBACK_DAYS) and not entered: the reporting organisation's representatives
    on the day after it was due, and oversight."""
    today = timezone.localtime(now).date()
    since = today - timedelta(days=settings.NOTIFY_LOOKBACK_DAYS)
    for warning in returns_missing(None, None, today):
        period = warning.period
        missed = period.due_on + timedelta(days=1)
        if missed < since:
            continue
        measure = warning.measure
        who = measure.reported_by.name if measure.reported_by_id else "the secretary"
        yield from _warn(
            return_owners(measure, missed),
            measure.alliance,
            missed,
            kind=NotificationKind.RETURN_MISSING,
            event_key=f"return-missing:{measure.pk}:{period.start:%Y-%m-%d}",
            subject=f"Return missing: {measure.name}, {day(period.start)} to {day(period.end)}",
            body=f"The return of '{measure.name}' for {day(period.start)} to {day(period.end)} was due "
            f"{day(period.due_on)} and has not been entered. It is reported by {who}. Please enter it (a value, or "
            "the narrative for a qualitative measure); a late return is kept and flagged as late.",
            url=_warnings_url(measure.alliance, today, f"return-{measure.pk}-{period.start:%Y%m%d}"),
            due_at=now,
        )
