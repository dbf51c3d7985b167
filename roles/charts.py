"""The timeline chart of role holders, laid out on the server as inline SVG (no script, no CDN).

One row per role, one bar per assignment; successive holders alternate in shade so that a row
cut into many short bars shows turnover at a glance.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from alliance.formatting import day

LABEL_WIDTH = 220
PLOT_WIDTH = 640
BAR_HEIGHT = 16
LANE_HEIGHT = 20
TOP_PAD = 4
TOP = 24
MAX_WIDENING_YEARS = 5


def _x(d: date, start: date, days: int) -> float:
    return round(LABEL_WIDTH + (d - start).days / days * PLOT_WIDTH, 1)


def _lanes(assignments, today: date) -> list[list]:
    """Spread overlapping holders (of a role with several at once) over lanes, so no bar hides another."""
    lanes: list[list] = []
    for a in sorted(assignments, key=lambda a: (a.starts_on, a.pk)):
        lane = next((lane for lane in lanes if (lane[-1].ends_on or today) < a.starts_on), None)
        if lane is None:
            lanes.append([a])
        else:
            lane.append(a)
    return lanes


def _bar(a, n: int, y: int, start: date, days: int, today: date) -> dict:
    x = _x(a.starts_on, start, days)
    period = f"{day(a.starts_on)} to {day(a.ends_on)}" if a.ends_on else f"from {day(a.starts_on)}"
    return {
        "x": x,
        "y": y,
        "width": round(max(_x(a.ends_on or today, start, days) - x, 2), 1),
        "shade": n % 2,
        "open": a.ends_on is None,
        "title": f"{a.person}: {period}",
    }


def _span(assignments, *, on: date, today: date) -> tuple[date, date]:
    """Whole years from the first assignment to the last day shown, never beyond the calendar.

    The chart covers the assignments (an open one runs to today); the chosen date widens it only
    when it lies within MAX_WIDENING_YEARS of them, so ?on=0001-01-01 or ?on=9999-12-31 neither
    squeezes the bars into a sliver nor overflows the last year a date can have.
    """
    first = min(a.starts_on for a in assignments)
    last = max(a.ends_on or today for a in assignments)
    if first.year - MAX_WIDENING_YEARS <= on.year < first.year:
        first = on
    if last.year < on.year <= last.year + MAX_WIDENING_YEARS:
        last = on
    start = date(first.year, 1, 1)
    end = date(last.year + 1, 1, 1) if last.year < date.max.year else date.max
    return start, end


def timeline_chart(roles: Iterable, *, on: date, today: date) -> dict | None:
    """Geometry of the chart for roles carrying ``timeline`` (see roles.queries.roles_with_timelines)."""
    roles = list(roles)
    assignments = [a for role in roles for a in role.timeline]
    if not assignments:
        return None
    start, end = _span(assignments, on=on, today=today)
    days = (end - start).days
    rows, y = [], TOP
    for role in roles:
        lanes = _lanes(role.timeline, today)
        bars = [
            _bar(a, n, TOP_PAD + y + lane * LANE_HEIGHT, start, days, today)
            for lane, lane_assignments in enumerate(lanes)
            for n, a in enumerate(lane_assignments)
        ]
        height = max(len(lanes), 1) * LANE_HEIGHT + 2 * TOP_PAD
        rows.append({"label": str(role), "y": y, "label_y": y + height // 2 + 4, "bars": bars})
        y += height
    years = [
        {
            "x": _x(date(year, 1, 1), start, days),
            "label_x": _x(date(year, 7, 1), start, days),
            "label": year if year < end.year else "",
        }
        for year in range(start.year, end.year + 1)
    ]
    height = y + 8
    return {
        "width": LABEL_WIDTH + PLOT_WIDTH + 10,
        "height": height,
        "rows": rows,
        "years": years,
        "bar_height": BAR_HEIGHT,
        "label_x": LABEL_WIDTH - 8,
        "on_x": _x(on, start, days) if start <= on <= end else None,
        "on": on,
    }
