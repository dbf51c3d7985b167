"""The dates an alliance's records may carry: the alliance agreement's term, with its extension option.

A meeting, a decision's review or closing, an action's due date exist only while the alliance does:
from the day its agreement first starts to the day its latest version ends, or to the extension
option's end where there is one. A date outside is refused at input, by the service, with the
window in the message, so that a slip of the keyboard (year 9999, year 0202) never reaches the
log, the calendar feed or the exports. An alliance with no agreement recorded yet keeps the
register's own bounds (:data:`EARLIEST` to :data:`LATEST`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from alliance.errors import RuleViolation
from alliance.formatting import day
from alliance.models import Agreement

# The register's own bounds, for an alliance whose agreement is not recorded yet.
EARLIEST = date(2000, 1, 1)
LATEST = date(2099, 12, 31)


def uk(d: date) -> str:
    return day(d)


@dataclass(frozen=True)
class Term:
    """The first and last day an alliance's records may carry, and how each is said in a message."""

    first: date
    last: date
    starts: str  # what the first day is, after "before"
    ends: str  # what the last day is, after "after"
    within: str  # the window, after "enter a date"

    def refuse_outside(self, on: date, *, what: str, field: str) -> None:
        """Refuse ``on`` (the ``what`` of the form: "meeting date") when it lies outside the term."""
        if on < self.first:
            where = f"before {self.starts}"
        elif on > self.last:
            where = f"after {self.ends}"
        else:
            return
        raise RuleViolation(
            "date_outside_term", f"The {what} {uk(on)} is {where}; enter a date {self.within}.", field=field
        )


def term_of(alliance_id: int) -> Term:
    """The alliance's term: the earliest start of its agreement's versions to the latest version's end."""
    versions = list(Agreement.objects.filter(alliance_id=alliance_id).order_by("-version"))
    if not versions:
        return Term(
            first=EARLIEST,
            last=LATEST,
            starts=f"{uk(EARLIEST)}, the earliest date this register takes",
            ends=f"{uk(LATEST)}, the latest date this register takes",
            within=f"from {uk(EARLIEST)} to {uk(LATEST)}, or record the alliance agreement first",
        )
    latest = versions[0]
    first = min(v.starts_on for v in versions)
    if latest.extension_until and latest.extension_until > latest.ends_on:
        last = latest.extension_until
        ends = f"the alliance agreement ends ({uk(latest.ends_on)}, or {uk(last)} with its extension)"
    else:
        last = latest.ends_on
        ends = f"the alliance agreement ends ({uk(last)})"
    return Term(
        first=first,
        last=last,
        starts=f"the alliance agreement starts ({uk(first)})",
        ends=ends,
        within=f"within the agreement's term ({uk(first)} to {uk(last)})",
    )


def refuse_outside_term(*, alliance_id: int, on: date | None, what: str, field: str) -> None:
    """Refuse a date of an alliance's record that lies outside the alliance's term (nothing to check if none)."""
    if on is not None:
        term_of(alliance_id).refuse_outside(on, what=what, field=field)
