from datetime import date, timedelta

import pytest
from django.core.management import call_command

from alliance.models import Notification, NotificationKind
from contracts import services
from roles.models import Role
from tests.factories import PersonFactory, RoleAssignmentFactory, RoleFactory
from tests.scenes import APPROVAL_CLOSED as CLOSED

pytestmark = pytest.mark.django_db


def oversight_members(award, count=2, starts_on=date(2021, 1, 1)):
    role = RoleFactory(alliance=award.alliance, kind=Role.Kind.OVERSIGHT_MEMBER, single_holder=False)
    people = [PersonFactory(name=f"Oversight {n}") for n in range(count)]
    for person in people:
        RoleAssignmentFactory(role=role, person=person, starts_on=starts_on)
    return people


def approved(award):
    process, _ = award.recommended()
    award.approve(process)
    return services.record_approval_outcome(process=process)


def test_approved_award_tells_the_oversight_group_once(award, mailoutbox):
    members = oversight_members(award)
    process = approved(award)
    for hours in (1, 2):
        call_command("send_notifications", "--now", (CLOSED + timedelta(hours=hours)).isoformat(), stdout=None)
    told = [m for m in mailoutbox if m.subject.startswith("Award approved")]
    assert sorted(m.to[0] for m in told) == sorted(p.email for p in members)
    assert told[0].subject == f"Award approved: {process.reference} {process.title}"
    assert "please review its audit trail" in told[0].body
    assert f"http://127.0.0.1:8000/alliances/dunmarrow/awards/{process.pk}/" in told[0].body


def test_oversight_members_appointed_after_the_approval_are_not_told(award, mailoutbox):
    oversight_members(award, starts_on=date(2022, 1, 1))
    approved(award)
    call_command("send_notifications", "--now", (CLOSED + timedelta(hours=1)).isoformat(), stdout=None)
    assert not Notification.objects.filter(kind=NotificationKind.AWARD_APPROVED).exists()


def test_an_award_not_yet_approved_tells_nobody(award, mailoutbox):
    oversight_members(award)
    award.recommended()
    call_command("send_notifications", "--now", (CLOSED + timedelta(hours=1)).isoformat(), stdout=None)
    assert not Notification.objects.filter(kind=NotificationKind.AWARD_APPROVED).exists()
