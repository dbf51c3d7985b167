from datetime import date, timedelta

import pytest
from django.core.management import call_command

from alliance.models import Notification, NotificationKind
from decisions import services
from decisions.models import ActionItem, Decision
from roles.models import Role
from roles.standing import SYSTEM
from tests.factories import (
    ActionItemFactory,
    AttendanceFactory,
    DecisionFactory,
    MeetingFactory,
    PersonFactory,
    RoleAssignmentFactory,
    RoleFactory,
)
from tests.scenes import CLOSED, CLOSES, OPENED

pytestmark = pytest.mark.django_db


def send(now) -> str:
    """Run the command as a scheduler would, as of ``now``; return what it printed."""
    lines = []

    class Out:
        def write(self, text):
            lines.append(text)

        def flush(self):
            pass

    call_command("send_notifications", "--now", now.isoformat(), stdout=Out())
    return "".join(lines)


def inboxes(mailoutbox) -> list[tuple[str, str]]:
    return sorted((m.to[0], m.subject) for m in mailoutbox)


# A decision opened for votes


def test_opening_asks_each_representative_once(scene, mailoutbox):
    decision = scene.open()
    send(OPENED + timedelta(hours=1))
    send(OPENED + timedelta(hours=2))
    subject = f"Your vote is asked: {decision.reference}: Adopt the outreach redesign"
    assert inboxes(mailoutbox) == sorted((rep.email, subject) for rep in scene.reps)
    body = mailoutbox[0].body
    assert "Please read the proposal and record" in body
    assert f"Open it: http://127.0.0.1:8000/alliances/dunmarrow/decisions/{decision.pk}/" in body


def test_opening_also_asks_the_deputy(scene, mailoutbox):
    deputy = PersonFactory(name="Kirsty Gray")
    RoleAssignmentFactory(
        role=RoleFactory(
            alliance=scene.alliance,
            kind=Role.Kind.DEPUTY_REPRESENTATIVE,
            organisation=scene.members[0].organisation,
            body=scene.body,
        ),
        person=deputy,
    )
    scene.open()
    send(OPENED + timedelta(hours=1))
    assert deputy.email in [m.to[0] for m in mailoutbox]


def test_decision_opened_long_ago_is_not_announced(scene, mailoutbox):
    scene.open()
    send(OPENED + timedelta(days=8))
    assert not Notification.objects.filter(kind=NotificationKind.DECISION_OPENED).exists()


def test_representative_without_email_is_skipped_and_reported(scene, mailoutbox):
    scene.reps[0].email = ""
    scene.reps[0].save()
    scene.open()
    printed = send(OPENED + timedelta(hours=1))
    assert len(mailoutbox) == 2
    assert "Skipped 1 recipient(s):" in printed
    assert f"{scene.reps[0].name} has no email address" in printed


# Closing soon with a vote missing


def test_written_procedure_closing_reminds_only_members_who_have_not_voted(scene, mailoutbox):
    decision = scene.open()
    scene.vote(decision, 0)
    scene.vote(decision, 1)
    send(CLOSES - timedelta(hours=24))
    reminders = [m for m in mailoutbox if m.subject.startswith("Vote missing")]
    assert [m.to for m in reminders] == [[scene.reps[2].email]]
    assert "has not yet voted" in reminders[0].body
    send(CLOSES - timedelta(hours=2))
    assert len([m for m in mailoutbox if m.subject.startswith("Vote missing")]) == 1


def test_no_reminder_while_the_close_is_far_off(scene, mailoutbox):
    scene.open()
    send(CLOSES - timedelta(hours=72))
    assert not Notification.objects.filter(kind=NotificationKind.DECISION_CLOSING).exists()


# The outcome


def test_outcome_goes_to_voters_and_those_present_not_to_apologies(scene, mailoutbox):
    meeting = MeetingFactory(body=scene.body, starts_at=OPENED)
    present = AttendanceFactory(meeting=meeting, person=PersonFactory(name="Observer Present")).person
    AttendanceFactory(meeting=meeting, person=PersonFactory(name="Sent Apologies"), present=False)
    for rep, membership in zip(scene.reps, scene.members, strict=True):
        AttendanceFactory(
            meeting=meeting, person=rep, capacity="voting_representative", organisation=membership.organisation
        )
    decision = scene.open(meeting=meeting)
    for i in range(3):
        scene.vote(decision, i)
    decision = services.close_decision(actor=SYSTEM, decision=decision, closed_at=CLOSED)
    send(CLOSED + timedelta(hours=1))
    told = sorted(m.to[0] for m in mailoutbox if m.subject.startswith("Agreed:"))
    assert told == sorted([present.email, *(rep.email for rep in scene.reps)])
    assert f"Agreed: {decision.reference}" in mailoutbox[-1].subject


# Action items


def test_action_due_soon_goes_to_its_owner(scene, mailoutbox):
    item = ActionItemFactory(decision=DecisionFactory(body=scene.body), due_on=date(2021, 3, 12))
    ActionItemFactory(decision=item.decision, due_on=date(2021, 3, 30))  # not yet
    ActionItemFactory(decision=item.decision, due_on=date(2021, 3, 12), status=ActionItem.Status.DONE)
    send(CLOSES)  # 10 March 2021
    assert inboxes(mailoutbox) == [(item.owner_person.email, f"Due soon: {item.title}")]
    assert "is due 12/03/2021" in mailoutbox[0].body


def test_action_due_links_to_the_action_on_its_decisions_page(scene, mailoutbox, staff, client):
    item = ActionItemFactory(decision=DecisionFactory(body=scene.body), due_on=date(2021, 3, 12))
    send(CLOSES)
    url = f"/alliances/dunmarrow/decisions/{item.decision.pk}/"
    assert f"Open it: http://127.0.0.1:8000{url}#action-{item.pk}\n" in mailoutbox[0].body
    assert "mark it done on the action items page" in mailoutbox[0].body
    client.force_login(staff)
    assert f'<tr id="action-{item.pk}"' in client.get(url).content.decode()


def test_overdue_action_of_a_role_goes_to_its_current_holder(scene, mailoutbox):
    role = RoleFactory(alliance=scene.alliance, title="Alliance Director")
    RoleAssignmentFactory(role=role, person=PersonFactory(name="Former"), ends_on=date(2021, 1, 31))
    current = RoleAssignmentFactory(role=role, person=PersonFactory(name="Priya Raman"), starts_on=date(2021, 2, 1))
    item = ActionItemFactory(
        decision=DecisionFactory(body=scene.body), owner_person=None, owner_role=role, due_on=date(2021, 3, 1)
    )
    send(CLOSES)
    assert inboxes(mailoutbox) == [(current.person.email, f"Overdue: {item.title}")]
    assert "owned by the role Alliance Director, which you hold" in mailoutbox[0].body


# Review date


def test_review_date_reached_tells_the_bodys_secretary(scene, mailoutbox):
    decision = DecisionFactory(
        body=scene.body,
        status=Decision.Status.AGREED,
        reference="ALT-2021-004",
        decided_on=date(2020, 3, 10),
        review_on=date(2021, 3, 10),
    )
    send(CLOSES)
    assert inboxes(mailoutbox) == [
        (scene.secretary.email, f"Review due 10/03/2021: ALT-2021-004: {decision.title}"),
    ]


# Role ending without a successor


def test_role_ending_without_successor_tells_chair_and_secretary(scene, mailoutbox):
    chair = PersonFactory(name="Alasdair Ross")
    RoleAssignmentFactory(role=RoleFactory(alliance=scene.alliance, kind=Role.Kind.CHAIR), person=chair)
    director = RoleFactory(alliance=scene.alliance, title="Alliance Director")
    RoleAssignmentFactory(role=director, person=PersonFactory(name="Kenneth Muir"), ends_on=date(2021, 3, 31))
    send(CLOSES)
    told = [m for m in mailoutbox if m.subject.startswith("No successor")]
    assert sorted(m.to[0] for m in told) == sorted([chair.email, scene.secretary.email])
    assert told[0].subject == "No successor for Alliance Director: Kenneth Muir leaves 31/03/2021"


def test_role_ending_with_a_successor_tells_nobody(scene, mailoutbox):
    director = RoleFactory(alliance=scene.alliance, title="Alliance Director")
    RoleAssignmentFactory(role=director, person=PersonFactory(), ends_on=date(2021, 3, 31))
    RoleAssignmentFactory(role=director, person=PersonFactory(), starts_on=date(2021, 4, 1))
    send(CLOSES)
    assert not Notification.objects.filter(kind=NotificationKind.ROLE_ENDING).exists()
