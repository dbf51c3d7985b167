"""Build board packs ahead of their meetings, so that members' downloads come from the cache.

Run by a scheduler (e.g. nightly: ``build_board_packs --upcoming 14``) or for one meeting
(``--meeting ID``). A pack is per reader (decisions/board_pack.py); the command builds the two that
almost every reader gets: as the alliance's members read the agenda and its papers, and as the
readers of its confidential records (oversight, secretaries, voting members' representatives) do.
A pack whose agenda and papers have not changed is already cached and is not built again.
"""

from datetime import timedelta

from django.core.management.base import CommandError
from django.utils import timezone

from alliance.access import Access
from alliance.errors import RuleViolation
from alliance.formatting import day_time
from alliance.management.base import AuditedCommand
from decisions import board_pack
from decisions.models import Meeting


def readers(meeting: Meeting) -> list[tuple[str, Access]]:
    alliance = meeting.body.alliance_id
    members = Access(authenticated=True, members_of=frozenset({alliance}))
    confidential = Access(authenticated=True, members_of=frozenset({alliance}), oversight_of=frozenset({alliance}))
    return [("members", members), ("confidential readers", confidential)]


class Command(AuditedCommand):
    help = (
        "Build and cache the board packs of one meeting (--meeting) or of the meetings of the next N days (--upcoming)."
    )

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--meeting", type=int, help="The meeting's id.")
        which.add_argument(
            "--upcoming", type=int, metavar="DAYS", help="Every scheduled meeting starting in the next DAYS days."
        )

    def handle(self, *args, **options):
        meetings = Meeting.objects.select_related("body__alliance")
        if options["meeting"] is not None:
            meeting = meetings.filter(pk=options["meeting"]).first()
            if meeting is None:
                raise CommandError(f"No meeting has the id {options['meeting']}; see the meetings page or the API.")
            chosen = [meeting]
        else:
            if options["upcoming"] < 0:
                raise CommandError("--upcoming takes a number of days from now: 0 or more.")
            now = timezone.now()
            chosen = meetings.filter(
                status=Meeting.Status.SCHEDULED,
                starts_at__gte=now,
                starts_at__lte=now + timedelta(days=options["upcoming"]),
            ).order_by("starts_at", "pk")
        built = cached = 0
        for meeting in chosen:
            where = f"{meeting.body.alliance.name}: {meeting} on {day_time(meeting.starts_at)}"
            keys = set()
            for name, access in readers(meeting):
                try:
                    pack = board_pack.board_pack(meeting=meeting, access=access)
                except RuleViolation:
                    self.stdout.write(f"{where}: no agenda yet, no pack built.")
                    break
                if pack.key in keys:
                    continue
                keys.add(pack.key)
                built, cached = built + pack.built, cached + (not pack.built)
                state = "built" if pack.built else "already up to date"
                self.stdout.write(f"{where}: the pack as {name} read it {state} ({len(pack.content)} bytes).")
        self.stdout.write(f"{built} board pack(s) built, {cached} already up to date.")
