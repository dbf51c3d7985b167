"""The home page: what needs the logged-in user, alliance by alliance.

Each app contributes its own sections through the registry (``home_sections`` of alliance.registry),
from ``<app>/home.py``, so this core knows nothing of decisions or awards. A section is asked once for
every alliance at once (a fixed number of queries however many items it holds) and answers a
:class:`HomeSection` whose items name their alliance; :func:`home_for` groups them by alliance, in
name order, so a person in two alliances sees both. A section that is not for the caller's standing
in an alliance (a secretary's list, for a member) leaves that alliance out of ``alliances``.

Every item is read through the read rule of its model (``restrict(access)``) by the section that
lists it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property

from django.utils import timezone

from alliance.access import Access
from alliance.models import Alliance, HomeVisit
from alliance.registry import registered

# How far ahead the home looks for meetings, and when a deadline counts as near.
MEETINGS_AHEAD_DAYS = 14
SOON_DAYS = 3


class Urgency:
    """How pressing an item is: past its date, due within :data:`SOON_DAYS`, or neither."""

    OVERDUE = "overdue"
    SOON = "soon"
    NORMAL = "normal"
    LABELS = {OVERDUE: "Overdue", SOON: "Due soon", NORMAL: ""}


@dataclass(frozen=True)
class HomeContext:
    """What every section is asked with: who, as of when, and since when (the previous visit)."""

    access: Access
    now: datetime
    since: datetime | None = None  # the previous visit to the home; None on the first one

    @property
    def today(self) -> date:
        return timezone.localtime(self.now).date()

    @cached_property
    def alliance_ids(self) -> frozenset[int]:
        """The alliances the home covers: those the user has a standing in (staff: every alliance)."""
        if self.access.staff:
            return frozenset(Alliance.objects.values_list("pk", flat=True))
        return self.access.members_of

    def urgency(self, deadline: date | datetime | None) -> str:
        """Overdue once the deadline has passed, soon within :data:`SOON_DAYS` of it."""
        if deadline is None:
            return Urgency.NORMAL
        if isinstance(deadline, datetime):
            passed, near = deadline < self.now, deadline <= self.now + timedelta(days=SOON_DAYS)
        else:
            passed, near = deadline < self.today, deadline <= self.today + timedelta(days=SOON_DAYS)
        return Urgency.OVERDUE if passed else Urgency.SOON if near else Urgency.NORMAL


@dataclass
class HomeItem:
    alliance_id: int
    text: str
    url: str
    date: date | datetime | None = None
    urgency: str = Urgency.NORMAL
    detail: str = ""  # a second line: the deadline in words, the papers' meeting...

    @property
    def urgency_label(self) -> str:
        return Urgency.LABELS.get(self.urgency, "")


@dataclass
class HomeSection:
    """One list on the home: ``alliances`` are those whose home shows it (the caller's standing)."""

    key: str
    title: str
    empty: str
    alliances: frozenset[int]
    items: list[HomeItem] = field(default_factory=list)


def _sort_key(item: HomeItem):
    moment = item.date
    if moment is None:
        return (1, datetime.max.replace(tzinfo=timezone.get_current_timezone()), item.text)
    if not isinstance(moment, datetime):
        moment = timezone.make_aware(datetime.combine(moment, datetime.min.time()))
    return (0, moment, item.text)


def previous_visit(user) -> datetime | None:
    """The moment of the login's previous visit to its home, as the home page last recorded it
    (alliance.services.record_home_visit): what the home shows as new came after it."""
    if user is None or not user.is_authenticated:
        return None
    return HomeVisit.objects.filter(user=user).values_list("previous_at", flat=True).first()


def home_for(ctx: HomeContext) -> list[dict]:
    """The home of ``ctx.access``: for each alliance it has a standing in, by name, the sections that
    concern it, each with its items (soonest first), title and text for when it is empty."""
    if not ctx.access.authenticated:
        return []
    sections = [s for s in (section(ctx) for section in registered("home_sections")) if s is not None]
    alliances = Alliance.objects.filter(pk__in=ctx.alliance_ids).order_by("name", "pk")
    groups = []
    for alliance in alliances:
        shown = []
        for section in sections:
            if alliance.pk not in section.alliances:
                continue
            items = sorted((i for i in section.items if i.alliance_id == alliance.pk), key=_sort_key)
            shown.append({"key": section.key, "title": section.title, "empty": section.empty, "items": items})
        groups.append(
            {
                "alliance": alliance,
                "sections": shown,
                "count": sum(len(s["items"]) for s in shown),
            }
        )
    return groups
