"""Reads of the alliance core that more than one caller needs."""

from datetime import date

from django.db.models import Prefetch

from alliance.models import Alliance, GoverningBody, Membership, MembershipStatusChange


def members_on(alliance: Alliance, on: date):
    """Every membership open on ``on``, each annotated with the ``status_on`` in force that day."""
    return (
        Membership.objects.filter(alliance=alliance)
        .open_on(on)
        .with_status_on(on)
        .select_related("organisation")
        .order_by("organisation__name")
    )


def voting_members_on(alliance: Alliance, on: date):
    """The memberships that could vote on ``on``: open then, and VOTING on that date."""
    return members_on(alliance, on).filter(status_on=Membership.Status.VOTING)


def alliance_overview(alliance: Alliance, on: date) -> dict:
    """What the overview page shows: current agreement, members on ``on`` and the bodies."""
    agreement = alliance.agreements.prefetch_related("budgets").order_by("-version").first()
    members = list(
        members_on(alliance, on).prefetch_related(
            Prefetch("status_changes", queryset=MembershipStatusChange.objects.order_by("effective_on"))
        )
    )
    former = list(Membership.objects.filter(alliance=alliance, left_on__lt=on).select_related("organisation"))
    bodies = list(
        GoverningBody.objects.filter(alliance=alliance).select_related("reports_to").order_by("established_on", "name")
    )
    return {
        "agreement": agreement,
        "members": members,
        "voting": [m for m in members if m.status_on == Membership.Status.VOTING],
        "advisory": [m for m in members if m.status_on == Membership.Status.ADVISORY],
        "former": former,
        "bodies": bodies,
    }
