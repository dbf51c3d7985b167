"""Each signed checkpoint of an alliance's audit trail is emailed to the alliance's oversight members as
it is taken (issue 20, part 2), the signed note in the body: each member's mailbox is then a witness
outside the database, which whoever can write SQL cannot reach.

Roles knows who oversight is (an oversight group member's post, a seat on an oversight body, an
oversight access grant: the standings of roles.access), so the producer lives here. It runs twice:
at once, from the ``checkpoint_taken`` signal when the checkpoint's transaction commits
(:func:`announce_checkpoint`, connected in RolesConfig.ready), and with every ``send_notifications``
(:func:`checkpoint_taken`, registered), which catches up a checkpoint whose announcement was missed.
The event key makes the second a no-op when the first ran.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from alliance.audit import proofs
from alliance.audit.checkpoint import origin_of
from alliance.formatting import day_time
from alliance.models import Alliance, AuditCheckpoint, AuditVerification, GoverningBody, NotificationKind
from alliance.notifications import Planned, absolute_url, collect
from alliance.registry import register
from roles.models import AccessGrant, Person, Role, RoleAssignment, Seat


def oversight_recipients(alliance: Alliance, on) -> list[tuple[str, str, int | None]]:
    """(email, name, user id) of everyone with oversight standing in ``alliance`` on ``on``, by name."""
    people = Person.objects.filter(
        Q(
            pk__in=RoleAssignment.objects.held_on(on)
            .filter(role__alliance=alliance, role__kind=Role.Kind.OVERSIGHT_MEMBER)
            .values("person_id")
        )
        | Q(
            pk__in=Seat.objects.held_on(on)
            .filter(body__alliance=alliance, body__kind=GoverningBody.Kind.OVERSIGHT, person__isnull=False)
            .values("person_id")
        )
    )
    found = {p.email.strip().lower(): (p.email, p.name, p.user_id) for p in people if p.email}
    grants = (
        AccessGrant.objects.filter(alliance=alliance, standing=AccessGrant.Standing.OVERSIGHT, starts_on__lte=on)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on))
        .select_related("user")
    )
    for grant in grants:
        user = grant.user
        person = Person.objects.filter(user=user).first()
        email = (person.email if person is not None and person.email else user.email) or ""
        name = person.name if person is not None else (user.get_full_name() or user.get_username())
        if email:
            found.setdefault(email.strip().lower(), (email, name, user.pk))
    return sorted(found.values(), key=lambda r: (r[1], r[0]))


def planned_for_checkpoint(kept: AuditCheckpoint) -> Iterator[Planned]:
    """The email of one checkpoint to each of its alliance's oversight members on the day it was taken."""
    if not kept.chain.startswith("alliance:"):
        return  # the chain of records of no alliance has no oversight group: staff keep its checkpoints
    alliance = Alliance.objects.filter(pk=int(kept.chain.partition(":")[2])).first()
    if alliance is None:
        return
    url = absolute_url(reverse("audit-checkpoints-page", kwargs={"slug": alliance.slug}))
    when = day_time(kept.taken_at)
    body = (
        f"The tracker took a signed checkpoint of {alliance.name}'s audit trail at {when}. It vouches for the "
        f"first {kept.size} changes of the trail ({origin_of(kept.chain)}).\n\n"
        "Please keep this email: your copy, outside the tracker's database, is what proves the trail was not "
        "rewritten. If a change made before this checkpoint is ever altered or removed, "
        "`manage.py verify_audit --checkpoint FILE` with the note below names it. Keep the note exactly as it "
        "is, from its first line to its signature line:\n\n"
        f"{kept.note}"
    )
    if proofs.signed_with_demo_key(kept):
        body += "\nThis checkpoint is signed with the demo's published key, which anyone has: it proves nothing.\n"
    for email, name, user_id in oversight_recipients(alliance, timezone.localdate(kept.taken_at)):
        yield Planned(
            alliance=alliance,
            kind=NotificationKind.CHECKPOINT_TAKEN,
            event_key=f"checkpoint:{kept.pk}",
            recipient_email=email,
            recipient_name=name,
            recipient_user=user_id,
            subject=f"Audit checkpoint of {alliance.name}, {when}",
            body=body,
            url=url,
            due_at=kept.taken_at,
        )


@register("notification_producers")
def checkpoint_taken(now: datetime) -> Iterator[Planned]:
    """The checkpoints taken in the last NOTIFY_LOOKBACK_DAYS, to each alliance's oversight members."""
    since = now - timedelta(days=settings.NOTIFY_LOOKBACK_DAYS)
    taken = AuditCheckpoint.objects.filter(chain__startswith="alliance:", taken_at__gte=since, taken_at__lte=now)
    for kept in taken.order_by("taken_at", "pk"):
        yield from planned_for_checkpoint(kept)


def announce_checkpoint(sender, checkpoint: AuditCheckpoint, **kwargs) -> None:
    """The ``checkpoint_taken`` signal's receiver: store the checkpoint's emails at once."""
    collect(checkpoint.taken_at, producers=[lambda now: planned_for_checkpoint(checkpoint)])


def planned_for_broken_run(run: AuditVerification) -> Iterator[Planned]:
    """The email of a verification that found the alliance's audit trail broken, to each of its
    oversight members: what was found, and where to see it."""
    alliance = run.alliance
    if alliance is None:
        return  # a run of every chain is staff's: they run verify_audit and read its output
    when = day_time(run.finished_at or run.requested_at)
    shown = run.problems[:10]
    listed = "\n".join(f"- {problem}" for problem in shown)
    more = len(run.problems) - len(shown)
    body = (
        f"The verification of {alliance.name}'s audit trail at {when} found it broken: a record, its history or "
        "the chain itself was changed outside the application (by someone with access to the database).\n\n"
        f"{listed}\n"
        + (f"…and {more} more, listed on the audit page.\n" if more > 0 else "")
        + "\nPlease keep the checkpoint emails you hold as they are: they are the evidence of what the trail said. "
        "Tell the alliance's secretary and the server's administrator, and read the record of the verification."
    )
    url = absolute_url(reverse("audit-feed-page", kwargs={"slug": alliance.slug}))
    for email, name, user_id in oversight_recipients(alliance, timezone.localdate(run.finished_at or run.requested_at)):
        yield Planned(
            alliance=alliance,
            kind=NotificationKind.AUDIT_BROKEN,
            event_key=f"verification:{run.pk}",
            recipient_email=email,
            recipient_name=name,
            recipient_user=user_id,
            subject=f"The audit trail of {alliance.name} is broken",
            body=body,
            url=url,
            due_at=run.finished_at or run.requested_at,
        )


def announce_broken_run(sender, run: AuditVerification, **kwargs) -> None:
    """The ``verification_failed`` signal's receiver: tell oversight at once."""
    collect(run.finished_at or timezone.now(), producers=[lambda now: planned_for_broken_run(run)])
