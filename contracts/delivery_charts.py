"""The delivery plan's timeline chart: each milestone's baseline target, current target and actual date,
laid out on the server as inline SVG (no script, no CDN), as the role timeline is (roles/charts.py).

One row per milestone; a line runs from the baseline to the later of the current target and the
actual date, so its length is the slippage; markers show the baseline (hollow), the current target
(filled, in the milestone's red / amber / green) and the actual date (a square). The page shows the
same dates in a table beside it.
"""

from __future__ import annotations

from datetime import date

from alliance.formatting import day
from roles.charts import LABEL_WIDTH, PLOT_WIDTH, TOP, _x

ROW_HEIGHT = 22


def _span(dates: list[date], on: date) -> tuple[date, date]:
    first, last = min(dates), max(dates)
    if abs(on.year - first.year) <= 5 and on < first:
        first = on
    if abs(on.year - last.year) <= 5 and on > last:
        last = on
    start = date(first.year, 1, 1)
    end = date(last.year + 1, 1, 1) if last.year < date.max.year else date.max
    return start, end


def milestone_chart(workstreams, *, on: date) -> dict | None:
    """Geometry of the chart for workstreams carrying ``milestone_list`` (contracts.queries_delivery.plan)."""
    milestones = [(w, m) for w in workstreams for m in w.milestone_list]
    if not milestones:
        return None
    dates = [d for _, m in milestones for d in (m.baseline_target_on, m.target_on, m.actual_on) if d]
    start, end = _span(dates, on)
    days = max((end - start).days, 1)
    rows, y = [], TOP
    for workstream, m in milestones:
        centre = y + ROW_HEIGHT // 2
        finish = max(m.target_on, m.actual_on or m.target_on)
        rows.append(
            {
                "label": f"{workstream.title}: {m.title}",
                "y": y,
                "centre": centre,
                "label_y": centre + 4,
                "baseline_x": _x(m.baseline_target_on, start, days),
                "target_x": _x(m.target_on, start, days),
                "actual_x": _x(m.actual_on, start, days) - 4 if m.actual_on else None,
                "slip_x2": _x(finish, start, days),
                "slipped": finish > m.baseline_target_on,
                "rag": m.rag,
                "title": (
                    f"{m.title}: baseline {day(m.baseline_target_on)}, target {day(m.target_on)}"
                    + (f", achieved {day(m.actual_on)}" if m.actual_on else "")
                ),
            }
        )
        y += ROW_HEIGHT
    years = [
        {
            "x": _x(date(year, 1, 1), start, days),
            "label_x": _x(date(year, 7, 1), start, days),
            "label": year if year < end.year else "",
        }
        for year in range(start.year, end.year + 1)
    ]
    return {
        "width": LABEL_WIDTH + PLOT_WIDTH + 10,
        "height": y + 8,
        "rows": rows,
        "years": years,
        "label_x": LABEL_WIDTH - 8,
        "on_x": _x(on, start, days) if start <= on <= end else None,
        "on": on,
    }
